// Safe reading of ZIP archives (uploads and .xlsx workbooks). Every entry is vetted before
// a byte of it is inflated: path traversal, absolute paths, encryption and absurd
// compression ratios are refused with a clear error. Nothing is ever extracted to disk.
#pragma once

#include <cstdint>
#include <filesystem>
#include <memory>
#include <string>
#include <vector>

#include "common/status.h"

typedef struct zip zip_t;

namespace da {

struct ZipLimits {
  uint64_t max_entry_bytes = 4ull << 30;    // uncompressed size of one entry
  uint64_t max_total_bytes = 16ull << 30;   // uncompressed size of the archive
  double max_compression_ratio = 200.0;     // uncompressed / compressed, per entry over 1 MB
  uint64_t max_entries = 100000;
};

struct ZipEntry {
  uint64_t index = 0;
  // As stored, with '\' turned into '/' (archives made on Windows); never absolute, never
  // containing a ".." component.
  std::string path;
  bool is_directory = false;
  uint64_t size = 0;             // uncompressed, as declared by the central directory
  uint64_t compressed_size = 0;
};

class ZipArchive {
 public:
  // Opens and vets the archive: fails with Refused naming the entry for traversal paths
  // ("../x"), absolute paths ("/etc/x", "C:\\x"), encrypted entries, entries over the limits
  // or whose declared ratio is absurd, and archives with more than max_entries entries;
  // InvalidArgument when the file is not a ZIP; IoError when it cannot be read.
  // Memory: the central directory only (libzip keeps it; about 100 bytes per entry).
  static Result<std::unique_ptr<ZipArchive>> Open(const std::filesystem::path& path,
                                                  const ZipLimits& limits = ZipLimits());
  ~ZipArchive();
  ZipArchive(const ZipArchive&) = delete;
  ZipArchive& operator=(const ZipArchive&) = delete;

  const std::vector<ZipEntry>& entries() const { return entries_; }
  const std::filesystem::path& path() const { return path_; }

  // Inflates one entry into memory (exactly entry.size bytes are allocated); refuses to
  // produce more bytes than the entry declared (a lying header is a zip bomb). Unsupported
  // compression methods and corrupt data (bad CRC, truncation) are InvalidArgument.
  Result<std::string> Read(const ZipEntry& entry) const;
  // Inflates at most the first `max_bytes` bytes of an entry (for sniffing its content).
  Result<std::string> ReadPrefix(const ZipEntry& entry, uint64_t max_bytes) const;
  // Finds an entry by exact path.
  const ZipEntry* Find(const std::string& entry_path) const;

 private:
  ZipArchive() = default;
  std::string Where(const ZipEntry& entry) const;
  zip_t* zip_ = nullptr;
  std::filesystem::path path_;
  ZipLimits limits_;
  std::vector<ZipEntry> entries_;
};

}  // namespace da
