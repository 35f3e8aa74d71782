#include "ingest/zip_archive.h"

#include <zip.h>

namespace da {

namespace {

bool IsTraversal(const std::string& p) {
  if (p.empty()) return false;
  if (p[0] == '/' || p[0] == '\\') return true;
  if (p.size() >= 2 && p[1] == ':') return true;  // C:\...
  std::string norm = p;
  for (char& c : norm) if (c == '\\') c = '/';
  size_t start = 0;
  while (start <= norm.size()) {
    size_t end = norm.find('/', start);
    if (end == std::string::npos) end = norm.size();
    if (norm.compare(start, end - start, "..") == 0 && end - start == 2) return true;
    start = end + 1;
  }
  return false;
}

}  // namespace

Result<std::unique_ptr<ZipArchive>> ZipArchive::Open(const std::filesystem::path& path,
                                                     const ZipLimits& limits) {
  int err = 0;
  zip_t* z = zip_open(path.c_str(), ZIP_RDONLY, &err);
  if (!z) {
    zip_error_t ze;
    zip_error_init_with_code(&ze, err);
    std::string why = zip_error_strerror(&ze);
    zip_error_fini(&ze);
    if (err == ZIP_ER_NOENT || err == ZIP_ER_OPEN || err == ZIP_ER_READ)
      return Status::IoError(path.string() + ": cannot read: " + why);
    return Status::InvalidArgument(path.string() + ": not a valid ZIP archive (" + why + ")");
  }
  std::unique_ptr<ZipArchive> a(new ZipArchive());
  a->zip_ = z;
  a->path_ = path;
  a->limits_ = limits;
  zip_int64_t n = zip_get_num_entries(z, 0);
  if (n < 0 || static_cast<uint64_t>(n) > limits.max_entries)
    return Status::Refused(path.string() + ": archive has too many entries (" + std::to_string(n) + ")");
  uint64_t total = 0;
  for (zip_int64_t i = 0; i < n; ++i) {
    zip_stat_t st;
    zip_stat_init(&st);
    if (zip_stat_index(z, static_cast<zip_uint64_t>(i), 0, &st) != 0 || !(st.valid & ZIP_STAT_NAME))
      return Status::InvalidArgument(path.string() + ": unreadable entry #" + std::to_string(i));
    ZipEntry e;
    e.index = static_cast<uint64_t>(i);
    e.path = st.name;
    e.size = st.size;
    e.compressed_size = st.comp_size;
    e.is_directory = !e.path.empty() && e.path.back() == '/';
    const std::string where = path.string() + ": entry '" + e.path + "'";
    if (IsTraversal(e.path)) return Status::Refused(where + " points outside the archive (path traversal)");
    if ((st.valid & ZIP_STAT_ENCRYPTION_METHOD) && st.encryption_method != ZIP_EM_NONE)
      return Status::Refused(where + " is encrypted; encrypted archives are not supported");
    if (e.size > limits.max_entry_bytes)
      return Status::Refused(where + " is too large uncompressed (" + std::to_string(e.size) + " bytes)");
    if (e.size > (1u << 20) && e.compressed_size > 0 &&
        static_cast<double>(e.size) / static_cast<double>(e.compressed_size) > limits.max_compression_ratio)
      return Status::Refused(where + " has an absurd compression ratio (" + std::to_string(e.size / e.compressed_size) +
                             ":1); refusing a possible zip bomb");
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

const ZipEntry* ZipArchive::Find(const std::string& entry_path) const {
  for (const auto& e : entries_)
    if (e.path == entry_path) return &e;
  return nullptr;
}

Result<std::string> ZipArchive::Read(const ZipEntry& entry) const {
  const std::string where = path_.string() + ": entry '" + entry.path + "'";
  zip_file_t* f = zip_fopen_index(zip_, entry.index, 0);
  if (!f) return Status::InvalidArgument(where + ": cannot open (" + zip_strerror(zip_) + ")");
  std::string out;
  out.resize(static_cast<size_t>(entry.size));
  uint64_t got = 0;
  while (got < entry.size) {
    zip_int64_t r = zip_fread(f, out.data() + got, entry.size - got);
    if (r < 0) {
      std::string why = zip_file_strerror(f);
      zip_fclose(f);
      return Status::InvalidArgument(where + ": corrupt data (" + why + ")");
    }
    if (r == 0) break;
    got += static_cast<uint64_t>(r);
  }
  // A header that understates the size is how zip bombs slip past the checks above.
  char extra;
  zip_int64_t more = zip_fread(f, &extra, 1);
  zip_fclose(f);
  if (more > 0) return Status::Refused(where + " inflates past its declared size; refusing a possible zip bomb");
  if (got != entry.size) return Status::InvalidArgument(where + ": truncated data");
  return out;
}

}  // namespace da
