// CsvTokenizer: splits delimited UTF-8 text into records of fields (RFC 4180 plus the lenient
// rules real exports need). It is the hot loop of CSV ingest, so it never allocates per field:
// fields are views into the input, except fields with doubled quotes or text after a closing
// quote, which are rebuilt in a scratch buffer reused across records.
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <span>
#include <string_view>
#include <vector>

namespace da {

// Rules:
// - Records end at LF, CRLF or a lone CR; a missing final line end is fine. Empty lines and
//   lines of only spaces (and tabs, unless TAB is the delimiter) are skipped; a line of only
//   delimiters is a record of empty fields.
// - A field that starts with the quote char is quoted: it may hold delimiters, line ends and
//   doubled quotes; text between its closing quote and the next delimiter is kept verbatim.
//   A quote inside an unquoted field is data. Unquoted fields are passed verbatim.
// - Line numbers count physical lines, including those inside quoted fields.
class CsvTokenizer {
 public:
  enum class Step { kRecord, kEnd, kUnterminatedQuote };

  // `quote` == '\0' disables quoting. The text must outlive the tokenizer.
  CsvTokenizer(std::string_view text, char delimiter, char quote, size_t start_offset = 0,
               int64_t start_line = 1);

  // Reads the next record. On kRecord, fields()/record_line() describe it until the next
  // call. On kUnterminatedQuote, error_offset() is where the open quote is.
  Step Next();

  std::span<const std::string_view> fields() const { return fields_; }
  int64_t record_line() const { return record_line_; }
  // Byte offset just past the last record read (where the next one starts).
  size_t offset() const { return static_cast<size_t>(pos_ - begin_); }
  int64_t line() const { return line_; }
  size_t error_offset() const { return error_offset_; }

 private:
  bool SkipLineEnds();
  const char* FindUnquotedEnd(const char* p) const;
  bool ReadQuotedField();
  char* ReserveScratch(size_t bytes);

  const char* const begin_;
  const char* const end_;
  const char delimiter_;
  const char quote_;
  bool special_[256] = {};  // delimiter, LF, CR: the bytes that end an unquoted field

  const char* pos_;
  int64_t line_;
  int64_t record_line_ = 0;
  size_t error_offset_ = 0;

  std::vector<std::string_view> fields_;
  // Rebuilt fields of the current record live in scratch_; scratch_fields_ lists their indexes
  // so their views can be moved when the buffer grows.
  std::unique_ptr<char[]> scratch_;
  size_t scratch_capacity_ = 0;
  size_t scratch_used_ = 0;
  std::vector<size_t> scratch_fields_;
};

}  // namespace da
