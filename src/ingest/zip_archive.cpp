#include "ingest/zip_archive.h"

#include <zip.h>

#include <algorithm>
#include <cctype>
#include <limits>

namespace da {

namespace {

constexpr uint64_t kRatioCheckFloor = 1u << 20;  // small entries may legitimately compress hard

bool IsAbsolute(const std::string& p) {
  if (p.empty()) return false;
  if (p[0] == '/') return true;  // also "//server/share" (backslashes are already '/')
  return p.size() >= 2 && std::isalpha(static_cast<unsigned char>(p[0])) && p[1] == ':';  // C:/x, C:x
}

bool HasParentComponent(const std::string& p) {
  size_t start = 0;
  while (start <= p.size()) {
    size_t end = p.find('/', start);
    if (end == std::string::npos) end = p.size();
    if (end - start == 2 && p.compare(start, 2, "..") == 0) return true;
    start = end + 1;
  }
  return false;
}

std::string LibzipError(int code) {
  zip_error_t ze;
  zip_error_init_with_code(&ze, code);
  std::string why = zip_error_strerror(&ze);
  zip_error_fini(&ze);
  return why;
}

// Vets one entry's declared metadata; `where` names the archive and entry.
Status VetEntry(const ZipEntry& e, const zip_stat_t& st, const ZipLimits& limits, const std::string& where) {
  if (IsAbsolute(e.path))
    return Status::Refused(where + " has an absolute path; refusing an entry that points outside the archive");
  if (HasParentComponent(e.path))
    return Status::Refused(where + " points outside the archive (path traversal through '..')");
  if ((st.valid & ZIP_STAT_ENCRYPTION_METHOD) && st.encryption_method != ZIP_EM_NONE)
    return Status::Refused(where + " is encrypted; password-protected archives are not supported");
  if (e.size > limits.max_entry_bytes)
    return Status::Refused(where + " is too large uncompressed (" + std::to_string(e.size) + " bytes, limit " +
                           std::to_string(limits.max_entry_bytes) + ")");
  if (e.is_directory || e.size <= kRatioCheckFloor) return Status::Ok();
  // A non-empty entry cannot inflate from zero bytes: a header claiming so is forged.
  double ratio = e.compressed_size == 0 ? std::numeric_limits<double>::infinity()
                                        : static_cast<double>(e.size) / static_cast<double>(e.compressed_size);
  if (ratio > limits.max_compression_ratio) {
    std::string shown = e.compressed_size == 0 ? "unbounded" : std::to_string(e.size / e.compressed_size) + ":1";
    return Status::Refused(where + " has an absurd compression ratio (" + shown + ", limit " +
                           std::to_string(static_cast<uint64_t>(limits.max_compression_ratio)) +
                           ":1); refusing a possible zip bomb");
  }
  return Status::Ok();
}

}  // namespace

Result<std::unique_ptr<ZipArchive>> ZipArchive::Open(const std::filesystem::path& path,
                                                     const ZipLimits& limits) {
  int err = 0;
  zip_t* z = zip_open(path.c_str(), ZIP_RDONLY, &err);
  if (!z) {
    if (err == ZIP_ER_NOENT) return Status::NotFound(path.string() + ": no such file");
    if (err == ZIP_ER_OPEN || err == ZIP_ER_READ)
      return Status::IoError(path.string() + ": cannot read: " + LibzipError(err));
    return Status::InvalidArgument(path.string() + ": not a valid ZIP archive (" + LibzipError(err) + ")");
  }
  std::unique_ptr<ZipArchive> a(new ZipArchive());
  a->zip_ = z;
  a->path_ = path;
  a->limits_ = limits;
  zip_int64_t n = zip_get_num_entries(z, 0);
  if (n < 0) return Status::InvalidArgument(path.string() + ": not a valid ZIP archive (unreadable directory)");
  if (static_cast<uint64_t>(n) > limits.max_entries)
    return Status::Refused(path.string() + ": archive has too many entries (" + std::to_string(n) + ", limit " +
                           std::to_string(limits.max_entries) + ")");
  uint64_t total = 0;
  a->entries_.reserve(static_cast<size_t>(n));
  for (zip_int64_t i = 0; i < n; ++i) {
    zip_stat_t st;
    zip_stat_init(&st);
    if (zip_stat_index(z, static_cast<zip_uint64_t>(i), 0, &st) != 0 || !(st.valid & ZIP_STAT_NAME))
      return Status::InvalidArgument(path.string() + ": unreadable entry #" + std::to_string(i));
    ZipEntry e;
    e.index = static_cast<uint64_t>(i);
    e.path = st.name;
    for (char& c : e.path) if (c == '\\') c = '/';
    e.size = (st.valid & ZIP_STAT_SIZE) ? st.size : 0;
    e.compressed_size = (st.valid & ZIP_STAT_COMP_SIZE) ? st.comp_size : 0;
    e.is_directory = !e.path.empty() && e.path.back() == '/';
    DA_RETURN_IF_ERROR(VetEntry(e, st, limits, a->Where(e)));
    total += e.size;
    if (total > limits.max_total_bytes)
      return Status::Refused(path.string() + ": archive is too large uncompressed (over " +
                             std::to_string(limits.max_total_bytes) + " bytes)");
    a->entries_.push_back(std::move(e));
  }
  return a;
}

ZipArchive::~ZipArchive() {
  if (zip_) zip_discard(zip_);
}

std::string ZipArchive::Where(const ZipEntry& entry) const {
  return path_.string() + ": entry '" + entry.path + "'";
}

const ZipEntry* ZipArchive::Find(const std::string& entry_path) const {
  for (const auto& e : entries_)
    if (e.path == entry_path) return &e;
  return nullptr;
}

Result<std::string> ZipArchive::ReadPrefix(const ZipEntry& entry, uint64_t max_bytes) const {
  const std::string where = Where(entry);
  zip_stat_t st;
  zip_stat_init(&st);
  if (zip_stat_index(zip_, entry.index, 0, &st) == 0 && (st.valid & ZIP_STAT_COMP_METHOD) &&
      !zip_compression_method_supported(st.comp_method, 0))
    return Status::InvalidArgument(where + " uses compression method " + std::to_string(st.comp_method) +
                                   ", which is not supported (use deflate or store)");
  zip_file_t* f = zip_fopen_index(zip_, entry.index, 0);
  if (!f) return Status::InvalidArgument(where + ": cannot open (" + zip_strerror(zip_) + ")");
  const uint64_t want = std::min(max_bytes, entry.size);
  std::string out;
  out.resize(static_cast<size_t>(want));
  uint64_t got = 0;
  while (got < want) {
    zip_int64_t r = zip_fread(f, out.data() + got, want - got);
    if (r < 0) {
      std::string why = zip_file_strerror(f);
      zip_fclose(f);
      return Status::InvalidArgument(where + ": corrupt data (" + why + ")");
    }
    if (r == 0) break;
    got += static_cast<uint64_t>(r);
  }
  if (got < want) {
    zip_fclose(f);
    return Status::InvalidArgument(where + ": truncated data (" + std::to_string(got) + " of " +
                                   std::to_string(entry.size) + " declared bytes)");
  }
  if (want < entry.size) {  // a prefix: the rest is never inflated
    zip_fclose(f);
    return out;
  }
  // Reading one byte past the declared size catches a header that understates it (how zip
  // bombs slip past the ratio check) without inflating the excess; reaching EOF also makes
  // libzip verify the CRC.
  char extra;
  zip_int64_t more = zip_fread(f, &extra, 1);
  std::string why = more < 0 ? zip_file_strerror(f) : "";
  zip_fclose(f);
  if (more > 0)
    return Status::Refused(where + " inflates past its declared size of " + std::to_string(entry.size) +
                           " bytes; refusing a possible zip bomb");
  if (more < 0) return Status::InvalidArgument(where + ": corrupt data (" + why + ")");
  return out;
}

Result<std::string> ZipArchive::Read(const ZipEntry& entry) const {
  return ReadPrefix(entry, entry.size);
}

}  // namespace da
