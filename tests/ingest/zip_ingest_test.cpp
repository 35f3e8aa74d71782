#include "ingest/zip_ingest.h"

#include <gtest/gtest.h>
#include <zip.h>

#include <algorithm>
#include <cstdint>
#include <stdexcept>
#include <string>
#include <vector>

#include "common/sqlite.h"
#include "test_util.h"

namespace da {
namespace {

using ::da::testing::ReadFile;
using ::da::testing::TempDir;
using ::da::testing::WriteFile;
using ::da::testing::WriteZip;

bool Contains(const std::string& haystack, const std::string& needle) {
  return haystack.find(needle) != std::string::npos;
}

// A fresh SQLite file per test, loaded the way the ingest job does it: inside a transaction
// that is rolled back when IngestZip fails.
class ZipIngestTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto db = OpenSqlite(dir_ / "data.db", OpenMode::kReadWriteCreate);
    ASSERT_TRUE(db.ok()) << db.status().ToString();
    db_ = std::move(db).value();
  }

  std::filesystem::path Zip(const std::string& name, const std::vector<std::pair<std::string, std::string>>& entries) {
    auto path = dir_ / name;
    WriteZip(path, entries);
    return path;
  }

  Status Ingest(const std::filesystem::path& zip, const ZipLimits& limits = ZipLimits(),
                BuildOptions options = BuildOptions()) {
    report_ = IngestReport();
    Status begin = ExecSql(db_.get(), "BEGIN");
    if (!begin.ok()) return begin;
    Status st = IngestZip(zip, db_.get(), options, &report_, limits);
    Status end = ExecSql(db_.get(), st.ok() ? "COMMIT" : "ROLLBACK");
    return st.ok() ? end : st;
  }

  std::vector<std::string> Strings(const std::string& sql) {
    std::vector<std::string> out;
    auto st = PrepareSql(db_.get(), sql);
    EXPECT_TRUE(st.ok()) << st.status().ToString();
    if (!st.ok()) return out;
    while (sqlite3_step(st->get()) == SQLITE_ROW) {
      const unsigned char* text = sqlite3_column_text(st->get(), 0);
      out.push_back(text ? reinterpret_cast<const char*>(text) : "NULL");
    }
    return out;
  }
  int64_t Int(const std::string& sql) {
    auto rows = Strings(sql);
    return rows.empty() ? -1 : std::stoll(rows[0]);
  }
  std::vector<std::string> Tables() {
    return Strings("SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name");
  }
  std::vector<std::string> Columns(const std::string& table) {
    return Strings("SELECT name FROM pragma_table_info('" + table + "') ORDER BY cid");
  }
  const TableReport* ReportFor(const std::string& table) {
    for (const auto& t : report_.tables)
      if (t.name == table) return &t;
    return nullptr;
  }

  // Expects `st` to fail with `code` and a message containing every one of `parts`, and the
  // database to hold no table afterwards.
  void ExpectFailure(const Status& st, Status::Code code, const std::vector<std::string>& parts) {
    ASSERT_FALSE(st.ok());
    EXPECT_EQ(st.code(), code) << st.ToString();
    for (const auto& p : parts) EXPECT_TRUE(Contains(st.message(), p)) << "missing '" << p << "' in: " << st.message();
    EXPECT_TRUE(Tables().empty());
  }

  TempDir dir_;
  SqliteDb db_;
  IngestReport report_;
};

TEST_F(ZipIngestTest, FolderOfCsvsBecomesOneTable) {
  auto zip = Zip("shop.zip", {{"sales/", ""},
                              {"sales/sales_2023.csv", "date,store,amount,discount\n2023-01-05,North,10.5,1\n"
                                                       "2023-02-07,South,20,0\n"},
                              {"sales/sales_2024.csv", "date,store,amount\n2024-03-01,North,30\n2024-04-02,East,40.25\n"
                                                       "2024-05-03,West,50\n"}});
  ASSERT_TRUE(Ingest(zip).ok()) << Ingest(zip).ToString();
  EXPECT_EQ(Tables(), std::vector<std::string>{"sales"});
  auto cols = Columns("sales");
  for (const char* c : {"date", "store", "amount", "discount"})
    EXPECT_NE(std::find(cols.begin(), cols.end(), c), cols.end()) << c;
  EXPECT_EQ(Int("SELECT COUNT(*) FROM sales"), 5);
  EXPECT_EQ(Int("SELECT COUNT(*) FROM sales WHERE discount IS NULL"), 3);
  EXPECT_EQ(Int("SELECT COUNT(*) FROM sales WHERE store = 'North'"), 2);
  const TableReport* t = ReportFor("sales");
  ASSERT_NE(t, nullptr);
  EXPECT_EQ(t->label, "sales");
  EXPECT_EQ(t->rows, 5);
  EXPECT_EQ(t->sources, (std::vector<std::string>{"sales/sales_2023.csv", "sales/sales_2024.csv"}));
  if (t->has_source_file_column) {
    EXPECT_EQ(Int("SELECT COUNT(*) FROM sales WHERE _source_file = 'sales_2024.csv'"), 3);
  }
  EXPECT_EQ(report_.kind, "zip");
  EXPECT_TRUE(report_.skipped.empty());
  EXPECT_TRUE(report_.warnings.empty());
}

TEST_F(ZipIngestTest, FolderFilesThatGainedColumnsAreUnioned) {
  auto zip = Zip("grow.zip", {{"orders/2022.csv", "id,date,total\n1,2022-01-01,5\n"},
                              {"orders/2023.csv", "id,date,total,channel,coupon\n2,2023-01-01,6,web,X\n"}});
  ASSERT_TRUE(Ingest(zip).ok());
  EXPECT_EQ(Tables(), std::vector<std::string>{"orders"});
  EXPECT_EQ(Int("SELECT COUNT(*) FROM orders"), 2);
  EXPECT_EQ(Strings("SELECT coupon FROM orders ORDER BY id"), (std::vector<std::string>{"NULL", "X"}));
  EXPECT_TRUE(report_.warnings.empty());
}

TEST_F(ZipIngestTest, RootCsvsBecomeOneTableEach) {
  auto zip = Zip("root.zip", {{"Customers.csv", "id,name\n1,Ann\n2,Bob\n"},
                              {"order lines.tsv", "order_id\tqty\n7\t3\n"}});
  ASSERT_TRUE(Ingest(zip).ok());
  EXPECT_EQ(Tables(), (std::vector<std::string>{"customers", "order_lines"}));
  EXPECT_EQ(Int("SELECT COUNT(*) FROM customers"), 2);
  EXPECT_EQ(Int("SELECT qty FROM order_lines WHERE order_id = 7"), 3);
  ASSERT_NE(ReportFor("customers"), nullptr);
  EXPECT_EQ(ReportFor("customers")->label, "Customers");
  EXPECT_EQ(ReportFor("order_lines")->label, "order lines");
  EXPECT_FALSE(ReportFor("customers")->has_source_file_column);
}

TEST_F(ZipIngestTest, DeepNestingUsesTheInnermostFolder) {
  auto zip = Zip("deep.zip", {{"2024/eu/sales/a.csv", "sku,qty\nA,1\nB,2\n"},
                              {"2024/eu/sales/b.csv", "sku,qty\nC,3\n"},
                              {"x/y/z/w/Returns Log/r.csv", "sku,reason\nA,broken\n"}});
  ASSERT_TRUE(Ingest(zip).ok());
  EXPECT_EQ(Tables(), (std::vector<std::string>{"returns_log", "sales"}));
  EXPECT_EQ(Int("SELECT SUM(qty) FROM sales"), 6);
  EXPECT_EQ(ReportFor("returns_log")->label, "Returns Log");
  EXPECT_EQ(Strings("SELECT reason FROM returns_log"), std::vector<std::string>{"broken"});
}

TEST_F(ZipIngestTest, SingleWrapperFolderIsTransparent) {
  auto zip = Zip("mydata.zip", {{"mydata/", ""},
                                {"mydata/customers/part1.csv", "id,name\n1,Ann\n"},
                                {"mydata/orders/part1.csv", "order_id,customer_id,total\n10,1,9.5\n"}});
  ASSERT_TRUE(Ingest(zip).ok());
  EXPECT_EQ(Tables(), (std::vector<std::string>{"customers", "orders"}));
  EXPECT_TRUE(report_.warnings.empty());
}

TEST_F(ZipIngestTest, UnrelatedFilesInOneFolderStaySeparate) {
  auto zip = Zip("export.zip", {{"export/customers.csv", "id,name,email\n1,Ann,a@x.org\n"},
                                {"export/orders.csv", "id,customer_id,date,total\n10,1,2024-01-01,9.5\n"},
                                {"export/orders_2.csv", "id,customer_id,date,total\n11,1,2024-01-02,3\n"}});
  ASSERT_TRUE(Ingest(zip).ok());
  EXPECT_EQ(Tables(), (std::vector<std::string>{"customers", "orders"}));
  EXPECT_EQ(Int("SELECT COUNT(*) FROM orders"), 2);
  EXPECT_EQ(Columns("customers")[2], "email");
  ASSERT_EQ(report_.warnings.size(), 1u);
  EXPECT_TRUE(Contains(report_.warnings[0], "folder 'export/' holds CSV files with unrelated columns"))
      << report_.warnings[0];
  EXPECT_TRUE(Contains(report_.warnings[0], "(customers, orders)")) << report_.warnings[0];
}

TEST_F(ZipIngestTest, NonCsvFilesAreListedAndPlatformNoiseIgnored) {
  auto zip = Zip("mixed.zip", {{"sales/a.csv", "x,y\n1,2\n"},
                               {"sales/._a.csv", "\x00\x05\x16\x07"},
                               {"__MACOSX/sales/._a.csv", "junk"},
                               {".DS_Store", "junk"},
                               {"sales/Thumbs.db", "junk"},
                               {"docs/manual.pdf", "%PDF-1.4"},
                               {"docs/readme.txt", "This export holds the sales.\nAsk Ann, Bob or Carl.\n"},
                               {"LICENSE", "MIT"},
                               {"old/backup.zip", "PK"}});
  ASSERT_TRUE(Ingest(zip).ok());
  EXPECT_EQ(Tables(), std::vector<std::string>{"sales"});
  EXPECT_EQ(report_.skipped,
            (std::vector<std::string>{"docs/manual.pdf: not a CSV file (.pdf)",
                                      "docs/readme.txt: not a CSV file (.txt without delimited rows)",
                                      "LICENSE: not a CSV file (no extension)",
                                      "old/backup.zip: nested ZIP archive, not opened (extract it and ingest it "
                                      "separately)"}));
}

TEST_F(ZipIngestTest, DelimitedTxtIsData) {
  auto zip = Zip("txt.zip", {{"measurements.txt", "station\ttemp\nA\t1.5\nB\t2.5\n"}});
  ASSERT_TRUE(Ingest(zip).ok());
  EXPECT_EQ(Tables(), std::vector<std::string>{"measurements"});
  EXPECT_EQ(Int("SELECT COUNT(*) FROM measurements"), 2);
}

TEST_F(ZipIngestTest, DuplicateFolderNamesAreDisambiguated) {
  auto zip = Zip("years.zip", {{"2024/sales/q1.csv", "sku,qty\nB,2\n"},
                               {"2023/sales/q1.csv", "sku,qty\nA,1\n"},
                               {"sales.csv", "region,target\nNorth,100\n"}});
  ASSERT_TRUE(Ingest(zip).ok());
  EXPECT_EQ(Tables(), (std::vector<std::string>{"sales", "sales_2", "sales_3"}));
  // Root files first, then folders in path order.
  EXPECT_EQ(Strings("SELECT region FROM sales"), std::vector<std::string>{"North"});
  EXPECT_EQ(Strings("SELECT sku FROM sales_2"), std::vector<std::string>{"A"});
  EXPECT_EQ(Strings("SELECT sku FROM sales_3"), std::vector<std::string>{"B"});
  ASSERT_EQ(report_.warnings.size(), 2u);
  EXPECT_TRUE(Contains(report_.warnings[0], "'sales.csv' and '2023/sales/' both map to table 'sales'"))
      << report_.warnings[0];
  EXPECT_TRUE(Contains(report_.warnings[0], "is named 'sales_2'")) << report_.warnings[0];
  EXPECT_TRUE(Contains(report_.warnings[1], "'2024/sales/'")) << report_.warnings[1];
  EXPECT_TRUE(Contains(report_.warnings[1], "'sales_3'")) << report_.warnings[1];
  EXPECT_EQ(ReportFor("sales_3")->label, "sales");
}

TEST_F(ZipIngestTest, ReservedAndOddNamesBecomeValidTables) {
  auto zip = Zip("odd.zip", {{"sqlite_master.csv", "a\n1\n"}, {"Order/x.csv", "a\n2\n"}, {"2024.csv", "a\n3\n"}});
  ASSERT_TRUE(Ingest(zip).ok()) << Ingest(zip).ToString();
  auto tables = Tables();
  EXPECT_EQ(tables.size(), 3u);
  EXPECT_NE(std::find(tables.begin(), tables.end(), "t_sqlite_master"), tables.end());
  EXPECT_EQ(report_.tables.size(), 3u);
}

TEST_F(ZipIngestTest, ReportsParsedBytesAndMonotoneProgress) {
  const std::string a = "id,v\n1,x\n2,y\n", b = "id,v\n3,z\n", c = "k\n1\n";
  auto zip = Zip("p.zip", {{"t/a.csv", a}, {"t/b.csv", b}, {"c.csv", c}, {"notes.pdf", "xxxxxxxxxxxxxxxx"}});
  std::vector<std::pair<uint64_t, uint64_t>> calls;
  BuildOptions options;
  options.progress = [&calls](uint64_t done, uint64_t total) { calls.push_back({done, total}); };
  ASSERT_TRUE(Ingest(zip, ZipLimits(), options).ok());
  const uint64_t csv_bytes = a.size() + b.size() + c.size();
  EXPECT_EQ(report_.input_bytes, csv_bytes);
  ASSERT_FALSE(calls.empty());
  for (size_t i = 0; i < calls.size(); ++i) {
    EXPECT_EQ(calls[i].second, 2 * csv_bytes);
    EXPECT_LE(calls[i].first, calls[i].second);
    if (i) {
      EXPECT_GE(calls[i].first, calls[i - 1].first);
    }
  }
  EXPECT_EQ(calls.back().first, 2 * csv_bytes);
}

TEST_F(ZipIngestTest, RefusesNonZip) {
  WriteFile(dir_ / "fake.zip", "id,name\n1,Ann\n");
  ExpectFailure(Ingest(dir_ / "fake.zip"), Status::Code::kInvalidArgument, {"fake.zip: not a valid ZIP archive"});
}

TEST_F(ZipIngestTest, RefusesPathTraversalAndAbsolutePaths) {
  auto traversal = Zip("evil.zip", {{"ok.csv", "a\n1\n"}, {"data/../../etc/x.csv", "a\n1\n"}});
  ExpectFailure(Ingest(traversal), Status::Code::kRefused,
                {"evil.zip: entry 'data/../../etc/x.csv'", "path traversal"});
  auto absolute = Zip("abs.zip", {{"ok.csv", "a\n1\n"}, {"/etc/passwd.csv", "a\n1\n"}});
  ExpectFailure(Ingest(absolute), Status::Code::kRefused, {"abs.zip: entry '/etc/passwd.csv' has an absolute path"});
}

TEST_F(ZipIngestTest, RefusesEncryptedEntries) {
  auto zip = dir_ / "locked.zip";
  zip_uint16_t method = zip_encryption_method_supported(ZIP_EM_AES_256, 1) ? ZIP_EM_AES_256 : ZIP_EM_TRAD_PKWARE;
  ASSERT_TRUE(zip_encryption_method_supported(method, 1));
  int err = 0;
  zip_t* z = zip_open(zip.c_str(), ZIP_CREATE | ZIP_TRUNCATE, &err);
  ASSERT_NE(z, nullptr);
  static const char kData[] = "id,secret\n1,swordfish\n";
  zip_int64_t idx = zip_file_add(z, "vault/secret.csv", zip_source_buffer(z, kData, sizeof kData - 1, 0), 0);
  ASSERT_GE(idx, 0);
  ASSERT_EQ(zip_file_set_encryption(z, static_cast<zip_uint64_t>(idx), method, "pw"), 0);
  ASSERT_EQ(zip_close(z), 0);
  ExpectFailure(Ingest(zip), Status::Code::kRefused, {"locked.zip: entry 'vault/secret.csv' is encrypted"});
}

TEST_F(ZipIngestTest, RefusesDeclaredZipBomb) {
  auto zip = Zip("bomb.zip", {{"ok.csv", "a\n1\n"}, {"data/zeros.csv", std::string(60u << 20, '\0')}});
  ExpectFailure(Ingest(zip), Status::Code::kRefused,
                {"bomb.zip: entry 'data/zeros.csv' has an absurd compression ratio", "zip bomb"});
}

// Rewrites the uncompressed size of the first entry in the local header and the central
// directory, so the archive lies about how much its entry inflates to.
void ForgeFirstEntrySize(const std::filesystem::path& zip, uint32_t size) {
  std::string b = ReadFile(zip);
  auto put32 = [&b](size_t at, uint32_t v) {
    for (int i = 0; i < 4; ++i) b[at + i] = static_cast<char>((v >> (8 * i)) & 0xff);
  };
  auto get32 = [&b](size_t at) {
    uint32_t v = 0;
    for (int i = 3; i >= 0; --i) v = v << 8 | static_cast<unsigned char>(b[at + i]);
    return v;
  };
  size_t eocd = b.rfind(std::string("PK\x05\x06", 4));
  if (eocd == std::string::npos) throw std::runtime_error("no end of central directory");
  size_t cd = get32(eocd + 16);
  if (b.compare(0, 4, "PK\x03\x04") != 0 || b.compare(cd, 4, "PK\x01\x02") != 0)
    throw std::runtime_error("unexpected layout");
  put32(22, size);
  put32(cd + 24, size);
  WriteFile(zip, b);
}

TEST_F(ZipIngestTest, RefusesEntryLyingAboutItsSize) {
  auto zip = Zip("liar.zip", {{"data/zeros.csv", std::string(60u << 20, '0')}});
  ForgeFirstEntrySize(zip, 100);  // small enough to pass the ratio check
  ExpectFailure(Ingest(zip), Status::Code::kRefused,
                {"liar.zip: entry 'data/zeros.csv' inflates past its declared size", "zip bomb"});
}

TEST_F(ZipIngestTest, RefusesTooManyEntries) {
  std::vector<std::pair<std::string, std::string>> entries;
  for (int i = 0; i < 12; ++i) entries.push_back({"t/f" + std::to_string(i) + ".csv", "a\n1\n"});
  auto zip = Zip("many.zip", entries);
  ZipLimits limits;
  limits.max_entries = 10;
  ExpectFailure(Ingest(zip, limits), Status::Code::kRefused, {"many.zip: archive has too many entries (12, limit 10)"});
  ASSERT_TRUE(Ingest(zip).ok());
  EXPECT_EQ(Int("SELECT COUNT(*) FROM t"), 12);
}

TEST_F(ZipIngestTest, RefusesArchiveWithoutCsv) {
  auto zip = Zip("docs.zip", {{"a.txt", "hello"}, {"b.pdf", "%PDF"}, {".DS_Store", "x"}});
  ExpectFailure(Ingest(zip), Status::Code::kInvalidArgument, {"docs.zip: no CSV files found (skipped: a.txt, b.pdf)"});
  auto empty = Zip("empty.zip", {{"folder/", ""}, {"__MACOSX/._x", "x"}});
  ExpectFailure(Ingest(empty), Status::Code::kInvalidArgument,
                {"empty.zip: no CSV files found (the archive holds no files)"});
  std::vector<std::pair<std::string, std::string>> many;
  for (int i = 0; i < 13; ++i) many.push_back({"f" + std::to_string(i) + ".json", "{}"});
  ExpectFailure(Ingest(Zip("json.zip", many)), Status::Code::kInvalidArgument, {"f9.json and 3 more)"});
}

TEST_F(ZipIngestTest, RefusesEmptyCsv) {
  auto zip = Zip("holes.zip", {{"folder/a.csv", "x\n1\n"}, {"folder/empty.csv", ""}});
  ExpectFailure(Ingest(zip), Status::Code::kInvalidArgument, {"holes.zip!folder/empty.csv: the file is empty"});
}

TEST_F(ZipIngestTest, ReportsUnterminatedQuoteWithArchiveEntryAndLine) {
  auto zip = Zip("archive.zip", {{"folder/good.csv", "id,note\n1,fine\n"},
                                 {"folder/file.csv", "id,note\n1,fine\n2,\"never closed\n3,x\n"}});
  ExpectFailure(Ingest(zip), Status::Code::kInvalidArgument, {"archive.zip!folder/file.csv:3", "unterminated"});
}

TEST_F(ZipIngestTest, ReportsRaggedRowWithArchiveEntryAndLine) {
  auto zip = Zip("ragged.zip", {{"t/a.csv", "id,name\n1,Ann\n2,Bob,extra\n"}});
  ExpectFailure(Ingest(zip), Status::Code::kInvalidArgument, {"ragged.zip!t/a.csv:3"});
}

TEST_F(ZipIngestTest, RefusesBinaryDataNamedCsv) {
  auto zip = Zip("bin.zip", {{"t/a.csv", std::string("id\0\x01\x02\n1\n", 8)}});
  ExpectFailure(Ingest(zip), Status::Code::kInvalidArgument, {"bin.zip!t/a.csv: not a text file"});
}

}  // namespace
}  // namespace da
