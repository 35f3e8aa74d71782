#include "ingest/table_builder.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "common/sqlite.h"
#include "ingest/column_type.h"
#include "ingest/csv_source.h"
#include "test_util.h"

namespace da {
namespace {

// A RowSource over rows held in memory; line numbers start after the header (line 2).
class VectorSource : public RowSource {
 public:
  VectorSource(std::string name, std::vector<std::string> header,
               std::vector<std::vector<std::string>> rows)
      : name_(std::move(name)), header_(std::move(header)), rows_(std::move(rows)) {}

  const std::string& name() const override { return name_; }
  const std::vector<std::string>& header() const override { return header_; }
  uint64_t byte_size() const override {
    uint64_t n = 0;
    for (const auto& r : rows_)
      for (const auto& f : r) n += f.size() + 1;
    return n;
  }
  Status ForEachRow(const std::function<Status(const RowView&)>& fn) override {
    ++passes;
    std::vector<std::string_view> fields;
    for (size_t i = 0; i < rows_.size(); ++i) {
      fields.assign(rows_[i].begin(), rows_[i].end());
      RowView row;
      row.fields = fields;
      row.line = static_cast<int64_t>(i) + 2;
      DA_RETURN_IF_ERROR(fn(row));
    }
    return Status::Ok();
  }
  int passes = 0;

 private:
  std::string name_;
  std::vector<std::string> header_;
  std::vector<std::vector<std::string>> rows_;
};

class TableBuilderTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto db = OpenSqlite(dir_ / "staging.sqlite", OpenMode::kReadWriteCreate);
    ASSERT_TRUE(db.ok()) << db.status().ToString();
    db_ = std::move(db).value();
    ASSERT_TRUE(PrepareForBulkLoad(db_.get()).ok());
  }

  Status Build(const std::string& table, std::vector<RowSource*> sources, BuildOptions options = {}) {
    return BuildTable(db_.get(), table, sources, options, &report_);
  }

  // Rows of `sql` rendered as "a|b|c" strings.
  std::vector<std::string> Query(const std::string& sql) {
    std::vector<std::string> out;
    auto st = PrepareSql(db_.get(), sql);
    EXPECT_TRUE(st.ok()) << st.status().ToString();
    if (!st.ok()) return out;
    while (sqlite3_step(st->get()) == SQLITE_ROW) {
      std::string row;
      for (int i = 0; i < sqlite3_column_count(st->get()); ++i) {
        if (i) row += "|";
        row += ValueToString(ColumnValue(st->get(), i));
      }
      out.push_back(row);
    }
    return out;
  }

  testing::TempDir dir_;
  SqliteDb db_;
  IngestReport report_;
};

TEST_F(TableBuilderTest, StoresTypedValuesAndDeclaresTypes) {
  VectorSource src("orders.csv",
                   {"Order ID", "Order Date", "Shipped At", "Unit Price ($)", "Paid", "Notes", "order"},
                   {{"1", "2023-01-05", "2023-01-06T10:00:00Z", "1,234.50", "yes", "first, ok", "a"},
                    {"2", "NA", "2023-01-07 11:30", "3", "No", "", "b"},
                    {"3", "2023-02-28", "", "0.5", "n", "  spaced  ", "c"}});
  ASSERT_TRUE(Build("orders", {&src}).ok());
  EXPECT_EQ(src.passes, 2);

  EXPECT_EQ(Query("SELECT name, type FROM pragma_table_info('orders') ORDER BY cid"),
            (std::vector<std::string>{"order_id|INTEGER", "order_date|DATE TEXT",
                                      "shipped_at|TIMESTAMP TEXT", "unit_price|REAL", "paid|BOOLEAN",
                                      "notes|TEXT", "order_|TEXT"}));
  EXPECT_EQ(Query("SELECT typeof(order_id), typeof(order_date), typeof(shipped_at), "
                  "typeof(unit_price), typeof(paid), typeof(notes) FROM orders ORDER BY rowid"),
            (std::vector<std::string>{"integer|text|text|real|integer|text",
                                      "integer|null|text|real|integer|null",
                                      "integer|text|null|real|integer|text"}));
  EXPECT_EQ(Query("SELECT order_id, order_date, shipped_at, unit_price, paid, notes FROM orders"),
            (std::vector<std::string>{"1|2023-01-05|2023-01-06 10:00:00|1234.5|1|first, ok",
                                      "2|NULL|2023-01-07 11:30:00|3|0|NULL",
                                      "3|2023-02-28|NULL|0.5|0|  spaced  "}));

  ASSERT_EQ(report_.tables.size(), 1u);
  const TableReport& t = report_.tables[0];
  EXPECT_EQ(t.name, "orders");
  EXPECT_EQ(t.rows, 3);
  EXPECT_EQ(t.sources, std::vector<std::string>{"orders.csv"});
  EXPECT_FALSE(t.has_source_file_column);
  ASSERT_EQ(t.columns.size(), 7u);
  EXPECT_EQ(t.columns[0].name, "order_id");
  EXPECT_EQ(t.columns[0].label, "Order ID");
  EXPECT_EQ(t.columns[0].type, ColumnType::kInteger);
  EXPECT_EQ(t.columns[3].label, "Unit Price ($)");
  EXPECT_EQ(t.columns[6].name, "order_");
}

// Dates and timestamps are declared with TEXT affinity (SQLite then stores the ISO strings
// without trying each as a number) and the declared names still map back to their types.
TEST_F(TableBuilderTest, TemporalColumnsHaveTextAffinityAndReadBackAsTheirTypes) {
  VectorSource src("t.csv", {"day", "at"}, {{"2023-01-05", "2023-01-05 10:00"}});
  ASSERT_TRUE(Build("t", {&src}).ok());
  EXPECT_EQ(ColumnTypeFromDeclared("DATE TEXT"), ColumnType::kDate);
  EXPECT_EQ(ColumnTypeFromDeclared("TIMESTAMP TEXT"), ColumnType::kTimestamp);
  EXPECT_EQ(ColumnTypeFromDeclared("DATE"), ColumnType::kDate);
  // TEXT affinity: a number written into the column is stored as text.
  ASSERT_TRUE(ExecSql(db_.get(), "INSERT INTO t VALUES (20240101, 5)").ok());
  EXPECT_EQ(Query("SELECT typeof(day), typeof(at) FROM t WHERE rowid = 2"),
            std::vector<std::string>{"text|text"});
}

TEST_F(TableBuilderTest, FallbackColumnKeepsEveryValueVerbatim) {
  std::vector<std::vector<std::string>> rows;
  for (int i = 0; i < 20; ++i) rows.push_back({std::to_string(i), "x"});
  rows.push_back({"n/a?", "y"});
  rows.push_back({"007", "NA"});
  VectorSource src("m.csv", {"amount", "tag"}, rows);
  ASSERT_TRUE(Build("m", {&src}).ok());
  EXPECT_EQ(Query("SELECT type FROM pragma_table_info('m') WHERE name = 'amount'"),
            std::vector<std::string>{"TEXT"});
  EXPECT_EQ(Query("SELECT count(*), count(amount) FROM m"), std::vector<std::string>{"22|22"});
  EXPECT_EQ(Query("SELECT amount, typeof(amount) FROM m WHERE rowid >= 20"),
            (std::vector<std::string>{"19|text", "n/a?|text", "007|text"}));
  EXPECT_EQ(report_.tables[0].columns[0].fallback_reason, "line 22: 'n/a?' is not a number");
  EXPECT_EQ(Query("SELECT count(*) FROM m WHERE tag IS NULL"), std::vector<std::string>{"1"});
}

TEST_F(TableBuilderTest, DuplicateHeadersGetDistinctNames) {
  VectorSource src("d.csv", {"id", "ID", "", "select"}, {{"1", "2", "3", "4"}});
  ASSERT_TRUE(Build("d", {&src}).ok());
  EXPECT_EQ(Query("SELECT group_concat(name) FROM pragma_table_info('d')"),
            std::vector<std::string>{"id,id_2,column_3,select_"});
  EXPECT_EQ(Query("SELECT id, id_2, column_3, select_ FROM d"), std::vector<std::string>{"1|2|3|4"});
}

TEST_F(TableBuilderTest, UnionsColumnsByNameWithNullsForMissingOnes) {
  VectorSource a("sales/2023.csv", {"Order ID", "Amount"}, {{"1", "10"}, {"2", "20"}});
  VectorSource b("sales/2024.csv", {"amount", "order_id", "Region"}, {{"30.5", "3", "EU"}});
  ASSERT_TRUE(Build("sales", {&a, &b}).ok());
  EXPECT_EQ(Query("SELECT name, type FROM pragma_table_info('sales') ORDER BY cid"),
            (std::vector<std::string>{"order_id|INTEGER", "amount|REAL", "region|TEXT",
                                      "_source_file|TEXT"}));
  EXPECT_EQ(Query("SELECT typeof(amount) FROM sales GROUP BY 1"), std::vector<std::string>{"real"});
  EXPECT_EQ(Query("SELECT order_id, amount, region, _source_file FROM sales ORDER BY order_id"),
            // The folder every source shares is left out of _source_file.
            (std::vector<std::string>{"1|10|NULL|2023.csv", "2|20|NULL|2023.csv",
                                      "3|30.5|EU|2024.csv"}));
  const TableReport& t = report_.tables[0];
  EXPECT_TRUE(t.has_source_file_column);
  EXPECT_EQ(t.sources, (std::vector<std::string>{"sales/2023.csv", "sales/2024.csv"}));
  EXPECT_EQ(t.rows, 3);
  ASSERT_EQ(t.columns.size(), 4u);
  EXPECT_EQ(t.columns[0].label, "Order ID");  // first-seen label
  EXPECT_EQ(t.columns[3].name, "_source_file");
}

TEST_F(TableBuilderTest, NoSourceFileColumnWhenAColumnAlreadyIdentifiesTheFile) {
  VectorSource a("y2023.csv", {"year", "amount"}, {{"2023", "1"}, {"2023", "2"}});
  VectorSource b("y2024.csv", {"year", "amount"}, {{"2024", "3"}, {"2024", "4"}});
  ASSERT_TRUE(Build("sales", {&a, &b}).ok());
  EXPECT_FALSE(report_.tables[0].has_source_file_column);
  EXPECT_EQ(Query("SELECT count(*) FROM pragma_table_info('sales') WHERE name = '_source_file'"),
            std::vector<std::string>{"0"});
  EXPECT_EQ(Query("SELECT year, amount FROM sales ORDER BY amount"),
            (std::vector<std::string>{"2023|1", "2023|2", "2024|3", "2024|4"}));
}

TEST_F(TableBuilderTest, SourceFileColumnWhenTheConstantIsSharedAcrossFiles) {
  VectorSource a("a.csv", {"currency", "amount"}, {{"EUR", "1"}, {"EUR", "2"}});
  VectorSource b("b.csv", {"currency", "amount"}, {{"EUR", "3"}});
  ASSERT_TRUE(Build("t", {&a, &b}).ok());
  EXPECT_TRUE(report_.tables[0].has_source_file_column);
}

TEST_F(TableBuilderTest, RaggedRowIsAnErrorByDefault) {
  VectorSource src("bad.csv", {"a", "b", "c"}, {{"1", "2", "3"}, {"4", "5"}, {"6", "7", "8", "9"}});
  Status st = Build("bad", {&src});
  ASSERT_FALSE(st.ok());
  EXPECT_EQ(st.code(), Status::Code::kInvalidArgument);
  EXPECT_EQ(st.message(), "bad.csv:3: expected 3 fields, found 2");
}

TEST_F(TableBuilderTest, RaggedRowsAreRejectedUpToTheLimit) {
  VectorSource src("bad.csv", {"a", "b", "c"},
                   {{"1", "2", "3"}, {"4", "5"}, {"6", "7", "8", "9"}, {"10", "11", "12"}});
  BuildOptions options;
  options.max_rejected_rows = 2;
  ASSERT_TRUE(Build("bad", {&src}, options).ok());
  EXPECT_EQ(Query("SELECT a FROM bad"), (std::vector<std::string>{"1", "10"}));
  EXPECT_EQ(report_.tables[0].rows, 2);
  EXPECT_EQ(report_.tables[0].rejected_rows, 2);
  EXPECT_EQ(report_.rejected_total, 2);
  ASSERT_EQ(report_.rejected.size(), 2u);
  EXPECT_EQ(report_.rejected[0].file, "bad.csv");
  EXPECT_EQ(report_.rejected[0].line, 3);
  EXPECT_EQ(report_.rejected[0].reason, "expected 3 fields, found 2");
  EXPECT_EQ(report_.rejected[1].reason, "expected 3 fields, found 4");
}

TEST_F(TableBuilderTest, TooManyRaggedRowsFailNamingTheFirst) {
  VectorSource src("bad.csv", {"a", "b"}, {{"1"}, {"2", "3"}, {"4"}, {"5", "6", "7"}});
  BuildOptions options;
  options.max_rejected_rows = 2;
  Status st = Build("bad", {&src}, options);
  ASSERT_FALSE(st.ok());
  EXPECT_EQ(st.message(), "bad.csv:2: expected 2 fields, found 1 (more than 2 rows rejected)");
}

TEST_F(TableBuilderTest, ManyRowsCrossBatchesAndReportProgress) {
  std::vector<std::vector<std::string>> rows;
  for (int i = 0; i < 10000; ++i)
    rows.push_back({std::to_string(i), i % 2 ? "1.5" : "2", "2023-01-0" + std::to_string(1 + i % 9)});
  VectorSource a("a.csv", {"n", "x", "d"}, rows);
  VectorSource b("b.csv", {"n", "x", "d"}, rows);
  uint64_t last_done = 0, last_total = 0;
  bool monotonic = true;
  BuildOptions options;
  options.progress = [&](uint64_t done, uint64_t total) {
    monotonic = monotonic && done >= last_done && done <= total;
    last_done = done;
    last_total = total;
  };
  ASSERT_TRUE(Build("big", {&a, &b}, options).ok());
  EXPECT_EQ(Query("SELECT count(*), sum(n), count(DISTINCT _source_file) FROM big"),
            std::vector<std::string>{"20000|99990000|2"});
  EXPECT_EQ(Query("SELECT typeof(x), count(*) FROM big GROUP BY 1"),
            std::vector<std::string>{"real|20000"});
  EXPECT_TRUE(monotonic);
  EXPECT_EQ(last_total, 2 * (a.byte_size() + b.byte_size()));
  EXPECT_EQ(last_done, last_total);
}

// Pass 1 shares inference between two threads by columns, moving columns between them as it
// goes; every column must still see every value in order, whichever thread infers it.
TEST_F(TableBuilderTest, InferenceSharedBetweenThreadsSeesEveryValueInOrder) {
  std::vector<std::vector<std::string>> rows;
  const int n = 60000;  // ~15 batches: enough for the column split to move
  for (int i = 0; i < n; ++i) {
    const std::string s = std::to_string(i);
    rows.push_back({s, s + ".5", "2023-01-0" + std::to_string(1 + i % 9), i % 2 ? "yes" : "no", "t" + s, s});
  }
  rows[50000][0] = "oops";        // first column: late offending value
  rows[50001][5] = "12,34";       // last column: late offending value
  rows[59000][5] = "also bad";    // a later one is not the one reported
  rows[40000] = {"1", "2"};       // ragged, late (a "no" row: the "yes" count stays n / 2)
  VectorSource src("wide.csv", {"a", "b", "c", "d", "e", "f"}, rows);
  BuildOptions options;
  options.max_rejected_rows = 1;
  ASSERT_TRUE(Build("wide", {&src}, options).ok());
  EXPECT_EQ(Query("SELECT name, type FROM pragma_table_info('wide') ORDER BY cid"),
            (std::vector<std::string>{"a|TEXT", "b|REAL", "c|DATE TEXT", "d|BOOLEAN", "e|TEXT", "f|TEXT"}));
  const auto& cols = report_.tables[0].columns;
  EXPECT_EQ(cols[0].fallback_reason, "line 50002: 'oops' is not a number");
  EXPECT_EQ(cols[5].fallback_reason, "line 50003: '12,34' is not a number");
  EXPECT_EQ(report_.tables[0].rows, n - 1);
  ASSERT_EQ(report_.rejected.size(), 1u);
  EXPECT_EQ(report_.rejected[0].line, 40002);
  EXPECT_EQ(Query("SELECT count(*), count(DISTINCT c), sum(d) FROM wide"),
            (std::vector<std::string>{std::to_string(n - 1) + "|9|" + std::to_string(n / 2)}));
}

TEST_F(TableBuilderTest, OpensItsOwnTransactionInAutocommitMode) {
  VectorSource src("t.csv", {"a"}, {{"1"}});
  ASSERT_TRUE(sqlite3_get_autocommit(db_.get()));
  ASSERT_TRUE(Build("t", {&src}).ok());
  EXPECT_TRUE(sqlite3_get_autocommit(db_.get()));
  EXPECT_EQ(Query("SELECT a FROM t"), std::vector<std::string>{"1"});
}

TEST_F(TableBuilderTest, ExistingTableIsAClearError) {
  VectorSource src("t.csv", {"a"}, {{"1"}});
  ASSERT_TRUE(Build("t", {&src}).ok());
  Status st = Build("t", {&src});
  ASSERT_FALSE(st.ok());
  EXPECT_NE(st.message().find("creating table t"), std::string::npos) << st.message();
  EXPECT_NE(st.message().find("already exists"), std::string::npos) << st.message();
}

TEST_F(TableBuilderTest, SourceErrorsPropagate) {
  class FailingSource : public VectorSource {
   public:
    FailingSource() : VectorSource("broken.csv", {"a"}, {{"1"}}) {}
    Status ForEachRow(const std::function<Status(const RowView&)>& fn) override {
      if (++calls == 2) return Status::InvalidArgument("broken.csv:9: unterminated quote");
      return VectorSource::ForEachRow(fn);
    }
    int calls = 0;
  } src;
  Status st = Build("t", {&src});
  ASSERT_FALSE(st.ok());
  EXPECT_EQ(st.message(), "broken.csv:9: unterminated quote");
}

TEST_F(TableBuilderTest, NoSourcesOrNoColumnsAreErrors) {
  EXPECT_EQ(Build("t", {}).code(), Status::Code::kInvalidArgument);
  VectorSource empty("e.csv", {}, {});
  Status st = Build("t", {&empty});
  EXPECT_EQ(st.message(), "e.csv: no columns");
}

TEST_F(TableBuilderTest, BuildsFromARealCsvFile) {
  testing::WriteFile(dir_ / "orders.csv",
                     "OrderID,Order Date,Amount,Notes\n"
                     "1,03/04/2023,\"1,250.00\",\"Leave at door, ring bell\"\n"
                     "2,25/04/2023,99.5,\"said \"\"urgent\"\"\"\n"
                     "3,N/A,7,\n");
  auto source = OpenCsvFile(dir_ / "orders.csv");
  ASSERT_TRUE(source.ok()) << source.status().ToString();
  ASSERT_TRUE(Build("orders", {source->get()}).ok());
  EXPECT_EQ(Query("SELECT name, type FROM pragma_table_info('orders') ORDER BY cid"),
            (std::vector<std::string>{"order_id|INTEGER", "order_date|DATE TEXT", "amount|REAL",
                                      "notes|TEXT"}));
  EXPECT_EQ(Query("SELECT order_id, order_date, amount, notes FROM orders"),
            (std::vector<std::string>{"1|2023-04-03|1250|Leave at door, ring bell",
                                      "2|2023-04-25|99.5|said \"urgent\"", "3|NULL|7|NULL"}));
}

}  // namespace
}  // namespace da
