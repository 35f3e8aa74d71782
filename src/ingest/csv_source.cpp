#include "ingest/csv_source.h"

#include <fcntl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <utility>

#include "common/strings.h"
#include "ingest/csv_sniffer.h"
#include "ingest/csv_tokenizer.h"
#include "ingest/text_encoding.h"

namespace da {

namespace {

// A read-only private mapping of a whole file; empty files are not mapped.
class MappedFile {
 public:
  static Result<std::unique_ptr<MappedFile>> Open(const std::filesystem::path& path) {
    const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
    if (fd < 0) {
      const int err = errno;
      if (err == ENOENT) return Status::NotFound(path.string() + ": no such file");
      return Status::IoError(path.string() + ": cannot open: " + std::strerror(err));
    }
    struct stat st;
    if (::fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
      ::close(fd);
      return Status::InvalidArgument(path.string() + ": not a regular file");
    }
    auto file = std::unique_ptr<MappedFile>(new MappedFile());
    file->size_ = static_cast<size_t>(st.st_size);
    if (file->size_ > 0) {
      void* data = ::mmap(nullptr, file->size_, PROT_READ, MAP_PRIVATE, fd, 0);
      if (data == MAP_FAILED) {
        const int err = errno;
        ::close(fd);
        return Status::IoError(path.string() + ": cannot map: " + std::strerror(err));
      }
      ::madvise(data, file->size_, MADV_SEQUENTIAL);
      file->data_ = static_cast<const char*>(data);
    }
    ::close(fd);
    return file;
  }
  ~MappedFile() {
    if (data_ != nullptr) ::munmap(const_cast<char*>(data_), size_);
  }
  std::string_view bytes() const { return {data_ == nullptr ? "" : data_, size_}; }

 private:
  MappedFile() = default;
  const char* data_ = nullptr;
  size_t size_ = 0;
};

class CsvRowSource final : public RowSource {
 public:
  CsvRowSource(std::string name, uint64_t byte_size) : name_(std::move(name)), byte_size_(byte_size) {}

  // Takes the input (a mapping or owned bytes), decodes it to UTF-8, sniffs and reads the
  // header.
  Status Init(std::unique_ptr<MappedFile> mapped, std::string owned);

  const std::string& name() const override { return name_; }
  const std::vector<std::string>& header() const override { return header_; }
  uint64_t byte_size() const override { return byte_size_; }
  Status ForEachRow(const std::function<Status(const RowView&)>& fn) override;

 private:
  Status UnterminatedQuote(const CsvTokenizer& tokenizer) const;

  std::string name_;
  uint64_t byte_size_;
  std::unique_ptr<MappedFile> mapped_;
  std::string owned_;
  std::string_view text_;  // UTF-8 without BOM, into mapped_ or owned_
  CsvDialect dialect_;
  std::vector<std::string> header_;
  size_t data_offset_ = 0;
  int64_t data_line_ = 1;
};

Status CsvRowSource::Init(std::unique_ptr<MappedFile> mapped, std::string owned) {
  mapped_ = std::move(mapped);
  owned_ = std::move(owned);
  std::string_view bytes = mapped_ ? mapped_->bytes() : std::string_view(owned_);

  if (bytes.substr(0, kUtf8Bom.size()) == kUtf8Bom) {
    dialect_.encoding = TextEncoding::kUtf8Bom;
    bytes.remove_prefix(kUtf8Bom.size());
  } else if (bytes.substr(0, kUtf16LeBom.size()) == kUtf16LeBom ||
             bytes.substr(0, kUtf16BeBom.size()) == kUtf16BeBom) {
    const bool little_endian = bytes[0] == kUtf16LeBom[0];
    dialect_.encoding = little_endian ? TextEncoding::kUtf16Le : TextEncoding::kUtf16Be;
    owned_ = Utf16ToUtf8(bytes.substr(2), little_endian);
    mapped_.reset();
    bytes = owned_;
  }
  // DOS tools ended text files with Ctrl-Z.
  if (!bytes.empty() && bytes.back() == '\x1A') bytes.remove_suffix(1);
  if (Trim(bytes).empty()) return Status::InvalidArgument(name_ + ": the file is empty");
  if (auto binary = FindBinaryData(bytes)) {
    return Status::InvalidArgument(name_ + ": not a text file (binary data at line " +
                                   std::to_string(LineNumberAt(bytes, *binary)) + ")");
  }
  if (dialect_.encoding == TextEncoding::kUtf8 && !IsValidUtf8(bytes)) {
    dialect_.encoding = TextEncoding::kWindows1252;
    owned_ = Windows1252ToUtf8(bytes);
    mapped_.reset();
    bytes = owned_;
  }
  text_ = bytes;

  const CsvSniffResult sniff = SniffCsvText(text_);
  const TextEncoding encoding = dialect_.encoding;
  dialect_ = sniff.dialect;
  dialect_.encoding = encoding;

  // The first record is read even without a header, so a broken first line fails the open.
  CsvTokenizer tokenizer(text_, dialect_.delimiter, dialect_.quote);
  switch (tokenizer.Next()) {
    case CsvTokenizer::Step::kUnterminatedQuote:
      return UnterminatedQuote(tokenizer);
    case CsvTokenizer::Step::kEnd:  // unreachable: the text is not blank
      return Status::InvalidArgument(name_ + ": the file is empty");
    case CsvTokenizer::Step::kRecord:
      break;
  }
  if (!dialect_.has_header) {
    const size_t columns = std::max(sniff.column_count, tokenizer.fields().size());
    for (size_t i = 1; i <= columns; ++i) header_.push_back("column_" + std::to_string(i));
    return Status::Ok();
  }
  for (std::string_view label : tokenizer.fields()) header_.emplace_back(Trim(label));
  data_offset_ = tokenizer.offset();
  data_line_ = tokenizer.line();
  return Status::Ok();
}

Status CsvRowSource::UnterminatedQuote(const CsvTokenizer& tokenizer) const {
  const size_t at = tokenizer.error_offset();
  return Status::InvalidArgument(name_ + ":" + std::to_string(tokenizer.record_line()) +
                                 ": unterminated quoted field (opened at line " +
                                 std::to_string(LineNumberAt(text_, at)) + ", column " +
                                 std::to_string(ColumnNumberAt(text_, at)) + ")");
}

Status CsvRowSource::ForEachRow(const std::function<Status(const RowView&)>& fn) {
  CsvTokenizer tokenizer(text_, dialect_.delimiter, dialect_.quote, data_offset_, data_line_);
  RowView row;
  for (;;) {
    switch (tokenizer.Next()) {
      case CsvTokenizer::Step::kEnd:
        return Status::Ok();
      case CsvTokenizer::Step::kUnterminatedQuote:
        return UnterminatedQuote(tokenizer);
      case CsvTokenizer::Step::kRecord:
        row.fields = tokenizer.fields();
        row.line = tokenizer.record_line();
        DA_RETURN_IF_ERROR(fn(row));
        break;
    }
  }
}

}  // namespace

Result<std::unique_ptr<RowSource>> OpenCsvFile(const std::filesystem::path& path) {
  DA_ASSIGN_OR_RETURN(auto mapped, MappedFile::Open(path));
  const uint64_t size = mapped->bytes().size();
  auto source = std::make_unique<CsvRowSource>(path.filename().string(), size);
  DA_RETURN_IF_ERROR(source->Init(std::move(mapped), std::string()));
  return std::unique_ptr<RowSource>(std::move(source));
}

Result<std::unique_ptr<RowSource>> OpenCsvBuffer(std::string name, std::string bytes) {
  const uint64_t size = bytes.size();
  auto source = std::make_unique<CsvRowSource>(std::move(name), size);
  DA_RETURN_IF_ERROR(source->Init(nullptr, std::move(bytes)));
  return std::unique_ptr<RowSource>(std::move(source));
}

bool LooksLikeCsvName(std::string_view file_name) {
  for (std::string_view ext : {".csv", ".tsv", ".txt", ".tab"})
    if (file_name.size() > ext.size() && EndsWithIgnoreCase(file_name, ext)) return true;
  return false;
}

}  // namespace da
