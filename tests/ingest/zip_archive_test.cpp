#include "ingest/zip_archive.h"

#include <gtest/gtest.h>
#include <zip.h>

#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <stdexcept>
#include <string>

#include "test_util.h"

namespace da {
namespace {

using ::da::testing::ReadFile;
using ::da::testing::TempDir;
using ::da::testing::WriteFile;
using ::da::testing::WriteZip;

uint32_t Get32(const std::string& b, size_t at) {
  return static_cast<uint32_t>(static_cast<unsigned char>(b[at])) |
         static_cast<uint32_t>(static_cast<unsigned char>(b[at + 1])) << 8 |
         static_cast<uint32_t>(static_cast<unsigned char>(b[at + 2])) << 16 |
         static_cast<uint32_t>(static_cast<unsigned char>(b[at + 3])) << 24;
}
void Put32(std::string& b, size_t at, uint32_t v) {
  for (int i = 0; i < 4; ++i) b[at + i] = static_cast<char>((v >> (8 * i)) & 0xff);
}

// Rewrites the header fields of the first entry of a (non-ZIP64) archive, in both the local
// header and the central directory, the way a forger would. `offset` is the field's offset in
// the local header (14 crc, 18 compressed size, 22 size, 6 flags); the central directory
// stores the same fields 2 bytes later.
void PatchFirstEntry(const std::filesystem::path& zip, size_t local_offset, uint32_t value, bool only16 = false) {
  std::string b = ReadFile(zip);
  size_t eocd = b.rfind(std::string("PK\x05\x06", 4));
  if (eocd == std::string::npos) throw std::runtime_error("no end of central directory");
  size_t cd = Get32(b, eocd + 16);
  if (b.compare(0, 4, "PK\x03\x04") != 0 || b.compare(cd, 4, "PK\x01\x02") != 0)
    throw std::runtime_error("unexpected layout");
  for (size_t at : {local_offset, cd + local_offset + 2}) {
    if (only16) {
      b[at] = static_cast<char>(value & 0xff);
      b[at + 1] = static_cast<char>((value >> 8) & 0xff);
    } else {
      Put32(b, at, value);
    }
  }
  WriteFile(zip, b);
}

TEST(ZipArchiveTest, ListsAndReadsEntries) {
  TempDir dir;
  auto zip = dir / "a.zip";
  WriteZip(zip, {{"data/", ""}, {"data/x.csv", "a,b\n1,2\n"}, {"readme.md", "# hi"}});
  auto a = ZipArchive::Open(zip);
  ASSERT_TRUE(a.ok()) << a.status().ToString();
  const auto& entries = (*a)->entries();
  ASSERT_EQ(entries.size(), 3u);
  EXPECT_TRUE(entries[0].is_directory);
  EXPECT_EQ(entries[1].path, "data/x.csv");
  EXPECT_FALSE(entries[1].is_directory);
  EXPECT_EQ(entries[1].size, 8u);
  const ZipEntry* x = (*a)->Find("data/x.csv");
  ASSERT_NE(x, nullptr);
  auto bytes = (*a)->Read(*x);
  ASSERT_TRUE(bytes.ok()) << bytes.status().ToString();
  EXPECT_EQ(*bytes, "a,b\n1,2\n");
  EXPECT_EQ((*a)->Find("data/missing.csv"), nullptr);
  EXPECT_EQ((*a)->path(), zip);
}

TEST(ZipArchiveTest, ReadsEmptyEntryAndPrefix) {
  TempDir dir;
  auto zip = dir / "a.zip";
  std::string big(3 << 20, 'x');
  uint32_t lcg = 1;
  for (char& c : big) c = static_cast<char>('a' + ((lcg = lcg * 1103515245u + 12345u) >> 16) % 26);
  WriteZip(zip, {{"empty.csv", ""}, {"big.csv", big}});
  auto a = ZipArchive::Open(zip);
  ASSERT_TRUE(a.ok()) << a.status().ToString();
  auto empty = (*a)->Read(*(*a)->Find("empty.csv"));
  ASSERT_TRUE(empty.ok()) << empty.status().ToString();
  EXPECT_EQ(*empty, "");
  auto prefix = (*a)->ReadPrefix(*(*a)->Find("big.csv"), 100);
  ASSERT_TRUE(prefix.ok()) << prefix.status().ToString();
  EXPECT_EQ(*prefix, big.substr(0, 100));
  auto whole = (*a)->ReadPrefix(*(*a)->Find("big.csv"), UINT64_MAX);
  ASSERT_TRUE(whole.ok()) << whole.status().ToString();
  EXPECT_EQ(*whole, big);
}

TEST(ZipArchiveTest, NormalisesBackslashSeparators) {
  TempDir dir;
  auto zip = dir / "win.zip";
  WriteZip(zip, {{"sales\\2024.csv", "a\n1\n"}});
  auto a = ZipArchive::Open(zip);
  ASSERT_TRUE(a.ok()) << a.status().ToString();
  EXPECT_EQ((*a)->entries()[0].path, "sales/2024.csv");
  ASSERT_NE((*a)->Find("sales/2024.csv"), nullptr);
  EXPECT_EQ(*(*a)->Read(*(*a)->Find("sales/2024.csv")), "a\n1\n");
}

TEST(ZipArchiveTest, RefusesNonZipFiles) {
  TempDir dir;
  WriteFile(dir / "fake.zip", "id,name\n1,Ann\n");
  auto a = ZipArchive::Open(dir / "fake.zip");
  ASSERT_FALSE(a.ok());
  EXPECT_EQ(a.status().code(), Status::Code::kInvalidArgument);
  EXPECT_NE(a.status().message().find("fake.zip: not a valid ZIP archive"), std::string::npos)
      << a.status().message();

  WriteFile(dir / "empty.zip", "");
  auto e = ZipArchive::Open(dir / "empty.zip");
  ASSERT_FALSE(e.ok());
  EXPECT_NE(e.status().message().find("empty.zip: not a valid ZIP archive"), std::string::npos)
      << e.status().message();

  auto missing = ZipArchive::Open(dir / "missing.zip");
  ASSERT_FALSE(missing.ok());
  EXPECT_EQ(missing.status().code(), Status::Code::kNotFound);
  EXPECT_NE(missing.status().message().find("missing.zip: no such file"), std::string::npos);
}

TEST(ZipArchiveTest, RefusesPathTraversal) {
  TempDir dir;
  for (std::string evil : {"../evil.csv", "data/../../evil.csv", "..\\evil.csv", "a/.."}) {
    auto zip = dir / "t.zip";
    WriteZip(zip, {{"ok.csv", "a\n1\n"}, {evil, "a\n1\n"}});
    auto a = ZipArchive::Open(zip);
    ASSERT_FALSE(a.ok()) << evil;
    EXPECT_EQ(a.status().code(), Status::Code::kRefused);
    EXPECT_NE(a.status().message().find("t.zip: entry '"), std::string::npos) << a.status().message();
    EXPECT_NE(a.status().message().find("path traversal"), std::string::npos) << a.status().message();
  }
  // ".." inside a name is not a parent component.
  WriteZip(dir / "fine.zip", {{"v1..2/a..b.csv", "a\n1\n"}});
  EXPECT_TRUE(ZipArchive::Open(dir / "fine.zip").ok());
}

TEST(ZipArchiveTest, RefusesAbsolutePaths) {
  TempDir dir;
  for (std::string evil : {"/etc/passwd", "C:\\Windows\\evil.csv", "c:evil.csv", "\\\\server\\share\\x.csv"}) {
    auto zip = dir / "abs.zip";
    WriteZip(zip, {{evil, "a\n1\n"}});
    auto a = ZipArchive::Open(zip);
    ASSERT_FALSE(a.ok()) << evil;
    EXPECT_EQ(a.status().code(), Status::Code::kRefused);
    EXPECT_NE(a.status().message().find("has an absolute path"), std::string::npos) << a.status().message();
  }
}

// Creates an archive whose entry is encrypted with whichever method this libzip can write.
bool WriteEncryptedZip(const std::filesystem::path& zip_path) {
  zip_uint16_t method = zip_encryption_method_supported(ZIP_EM_AES_256, 1) ? ZIP_EM_AES_256
                        : zip_encryption_method_supported(ZIP_EM_TRAD_PKWARE, 1) ? ZIP_EM_TRAD_PKWARE
                                                                                : ZIP_EM_NONE;
  if (method == ZIP_EM_NONE) return false;
  int err = 0;
  zip_t* z = zip_open(zip_path.c_str(), ZIP_CREATE | ZIP_TRUNCATE, &err);
  static const char kData[] = "id,secret\n1,swordfish\n";
  zip_source_t* src = zip_source_buffer(z, kData, sizeof kData - 1, 0);
  zip_int64_t idx = zip_file_add(z, "secret.csv", src, ZIP_FL_ENC_UTF_8);
  if (idx < 0 || zip_file_set_encryption(z, static_cast<zip_uint64_t>(idx), method, "pw") != 0) {
    zip_discard(z);
    return false;
  }
  return zip_close(z) == 0;
}

TEST(ZipArchiveTest, RefusesEncryptedEntries) {
  TempDir dir;
  auto zip = dir / "locked.zip";
  ASSERT_TRUE(WriteEncryptedZip(zip));
  auto a = ZipArchive::Open(zip);
  ASSERT_FALSE(a.ok());
  EXPECT_EQ(a.status().code(), Status::Code::kRefused);
  EXPECT_NE(a.status().message().find("locked.zip: entry 'secret.csv' is encrypted"), std::string::npos)
      << a.status().message();

  // The "encrypted" flag bit alone (traditional PKWARE) is refused as well.
  auto flagged = dir / "flagged.zip";
  WriteZip(flagged, {{"x.csv", "a\n1\n"}});
  PatchFirstEntry(flagged, 6, 0x0001, /*only16=*/true);
  auto f = ZipArchive::Open(flagged);
  ASSERT_FALSE(f.ok());
  EXPECT_NE(f.status().message().find("entry 'x.csv' is encrypted"), std::string::npos) << f.status().message();
}

TEST(ZipArchiveTest, RefusesAbsurdDeclaredCompressionRatio) {
  TempDir dir;
  auto zip = dir / "bomb.zip";
  WriteZip(zip, {{"zeros.csv", std::string(60u << 20, '\0')}});
  auto a = ZipArchive::Open(zip);
  ASSERT_FALSE(a.ok());
  EXPECT_EQ(a.status().code(), Status::Code::kRefused);
  EXPECT_NE(a.status().message().find("bomb.zip: entry 'zeros.csv' has an absurd compression ratio"),
            std::string::npos)
      << a.status().message();
  EXPECT_NE(a.status().message().find("zip bomb"), std::string::npos);

  // A forged compressed size of 0 for a large entry is refused too.
  auto forged = dir / "forged.zip";
  std::string data(2 << 20, 'x');
  uint32_t lcg = 7;
  for (char& c : data) c = static_cast<char>('a' + ((lcg = lcg * 1103515245u + 12345u) >> 16) % 26);
  WriteZip(forged, {{"x.csv", data}});
  PatchFirstEntry(forged, 18, 0);
  auto f = ZipArchive::Open(forged);
  ASSERT_FALSE(f.ok());
  EXPECT_NE(f.status().message().find("absurd compression ratio (unbounded"), std::string::npos)
      << f.status().message();
}

TEST(ZipArchiveTest, RefusesEntryInflatingPastItsDeclaredSize) {
  TempDir dir;
  auto zip = dir / "liar.zip";
  WriteZip(zip, {{"zeros.csv", std::string(60u << 20, '\0')}});
  PatchFirstEntry(zip, 22, 1000);  // claims 1000 bytes: under the ratio check's floor
  auto a = ZipArchive::Open(zip);
  ASSERT_TRUE(a.ok()) << a.status().ToString();
  ASSERT_EQ((*a)->entries()[0].size, 1000u);
  auto bytes = (*a)->Read((*a)->entries()[0]);
  ASSERT_FALSE(bytes.ok());
  EXPECT_EQ(bytes.status().code(), Status::Code::kRefused);
  EXPECT_NE(bytes.status().message().find("liar.zip: entry 'zeros.csv' inflates past its declared size"),
            std::string::npos)
      << bytes.status().message();
}

TEST(ZipArchiveTest, ReportsCorruptData) {
  TempDir dir;
  auto zip = dir / "corrupt.zip";
  WriteZip(zip, {{"x.csv", "id,name\n1,Ann\n2,Bob\n"}});
  PatchFirstEntry(zip, 14, 0xdeadbeef);  // wrong CRC
  auto a = ZipArchive::Open(zip);
  ASSERT_TRUE(a.ok()) << a.status().ToString();
  auto bytes = (*a)->Read((*a)->entries()[0]);
  ASSERT_FALSE(bytes.ok());
  EXPECT_EQ(bytes.status().code(), Status::Code::kInvalidArgument);
  EXPECT_NE(bytes.status().message().find("corrupt.zip: entry 'x.csv': corrupt data"), std::string::npos)
      << bytes.status().message();
}

TEST(ZipArchiveTest, EnforcesLimits) {
  TempDir dir;
  auto zip = dir / "many.zip";
  std::vector<std::pair<std::string, std::string>> entries;
  for (int i = 0; i < 6; ++i) entries.push_back({"f" + std::to_string(i) + ".csv", "a\n1\n"});
  WriteZip(zip, entries);

  ZipLimits few;
  few.max_entries = 5;
  auto a = ZipArchive::Open(zip, few);
  ASSERT_FALSE(a.ok());
  EXPECT_EQ(a.status().code(), Status::Code::kRefused);
  EXPECT_NE(a.status().message().find("many.zip: archive has too many entries (6, limit 5)"), std::string::npos)
      << a.status().message();

  ZipLimits small_entry;
  small_entry.max_entry_bytes = 3;
  auto b = ZipArchive::Open(zip, small_entry);
  ASSERT_FALSE(b.ok());
  EXPECT_NE(b.status().message().find("entry 'f0.csv' is too large uncompressed (4 bytes, limit 3)"),
            std::string::npos)
      << b.status().message();

  ZipLimits small_total;
  small_total.max_total_bytes = 10;
  auto c = ZipArchive::Open(zip, small_total);
  ASSERT_FALSE(c.ok());
  EXPECT_NE(c.status().message().find("archive is too large uncompressed (over 10 bytes)"), std::string::npos)
      << c.status().message();

  EXPECT_TRUE(ZipArchive::Open(zip).ok());
}

}  // namespace
}  // namespace da
