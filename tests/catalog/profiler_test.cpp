#include "catalog/profiler.h"

#include <gtest/gtest.h>

#include "catalog/column_profile.h"

#include "common/sqlite.h"
#include "common/strings.h"
#include "test_util.h"

namespace da {
namespace {

using testing::TempDir;

SqliteDb OpenShared(const std::string& rel) {
  auto db = OpenSqlite(testing::SharedDir() / rel, OpenMode::kReadOnly);
  EXPECT_TRUE(db.ok()) << db.status().ToString();
  return std::move(db).value();
}

SqliteDb MemoryDb(const std::string& sql) {
  auto db = OpenSqlite(":memory:", OpenMode::kReadWriteCreate);
  EXPECT_TRUE(db.ok());
  Status s = ExecSql(db->get(), sql);
  EXPECT_TRUE(s.ok()) << s.ToString();
  return std::move(db).value();
}

Catalog Profile(sqlite3* db, size_t top_values = 20) {
  ProfileOptions options;
  options.dataset = "test";
  options.top_values = top_values;
  auto cat = ProfileDatabase(db, options);
  EXPECT_TRUE(cat.ok()) << cat.status().ToString();
  return std::move(cat).value();
}

int64_t QueryInt(sqlite3* db, const std::string& sql) {
  auto st = PrepareSql(db, sql);
  EXPECT_TRUE(st.ok()) << sql;
  EXPECT_EQ(sqlite3_step(st->get()), SQLITE_ROW);
  return sqlite3_column_int64(st->get(), 0);
}

const ForeignKey* FindFk(const TableInfo& t, const std::string& column) {
  for (const auto& fk : t.foreign_keys)
    if (fk.column == column) return &fk;
  return nullptr;
}

TEST(ProfilerTest, ConcertSingerDeclaredKeysAndCountsMatchSql) {
  SqliteDb db = OpenShared("bench/spider/database/concert_singer/concert_singer.sqlite");
  Catalog cat = Profile(db.get());
  ASSERT_EQ(cat.tables.size(), 4u);
  EXPECT_EQ(cat.tables[0].name, "stadium");  // creation order
  for (const auto& t : cat.tables) {
    EXPECT_EQ(t.row_count, QueryInt(db.get(), "SELECT count(*) FROM \"" + t.name + "\"")) << t.name;
    for (const auto& c : t.columns) {
      const std::string q = "\"" + c.name + "\"";
      EXPECT_EQ(c.distinct_count,
                QueryInt(db.get(), "SELECT count(DISTINCT " + q + ") FROM \"" + t.name + "\""))
          << t.name << "." << c.name;
    }
  }
  const TableInfo* singer = cat.FindTable("SINGER");
  ASSERT_NE(singer, nullptr);
  EXPECT_EQ(singer->primary_key, std::vector<std::string>{"Singer_ID"});
  EXPECT_TRUE(singer->primary_key_declared);
  EXPECT_TRUE(singer->FindColumn("singer_id")->is_primary_key);
  EXPECT_EQ(singer->FindColumn("Is_male")->type, ColumnType::kBoolean);
  EXPECT_EQ(ToLower(singer->FindColumn("Age")->declared_type), "int");
  EXPECT_EQ(singer->FindColumn("Age")->type, ColumnType::kInteger);

  // Names are all distinct: no top values; countries repeat: listed, most frequent first.
  EXPECT_TRUE(singer->FindColumn("Name")->top_values.empty());
  const auto& countries = singer->FindColumn("Country")->top_values;
  ASSERT_EQ(countries.size(), 3u);
  EXPECT_EQ(countries[0].value, "France");
  EXPECT_EQ(countries[0].count, 4);
  EXPECT_EQ(countries[1].value, "Netherlands");  // ties by value

  const TableInfo* sic = cat.FindTable("singer_in_concert");
  ASSERT_NE(sic, nullptr);
  EXPECT_EQ(sic->primary_key, (std::vector<std::string>{"concert_ID", "Singer_ID"}));
  ASSERT_EQ(sic->foreign_keys.size(), 2u);
  const ForeignKey* to_singer = FindFk(*sic, "Singer_ID");
  ASSERT_NE(to_singer, nullptr);
  EXPECT_EQ(to_singer->ref_table, "singer");
  EXPECT_EQ(to_singer->ref_column, "Singer_ID");
  EXPECT_TRUE(to_singer->declared);
  EXPECT_DOUBLE_EQ(to_singer->inclusion, 1.0);  // text '2' matches integer 2, as a join would

  const TableInfo* concert = cat.FindTable("concert");
  const ForeignKey* to_stadium = FindFk(*concert, "Stadium_ID");
  ASSERT_NE(to_stadium, nullptr);
  EXPECT_EQ(to_stadium->ref_table, "stadium");
  EXPECT_TRUE(to_stadium->declared);
}

TEST(ProfilerTest, WalmartMinMaxAndInferredIntegerKey) {
  SqliteDb db = OpenShared("bench/walmart/walmart_sales.sqlite");
  Catalog cat = Profile(db.get());
  const TableInfo* sales = cat.FindTable("sales");
  ASSERT_NE(sales, nullptr);
  EXPECT_EQ(sales->row_count, QueryInt(db.get(), "SELECT count(*) FROM sales"));
  const ColumnInfo* store = sales->FindColumn("Store");
  EXPECT_EQ(store->min, Value(QueryInt(db.get(), "SELECT min(Store) FROM sales")));
  EXPECT_EQ(store->max, Value(QueryInt(db.get(), "SELECT max(Store) FROM sales")));
  EXPECT_EQ(store->distinct_count, QueryInt(db.get(), "SELECT count(DISTINCT Store) FROM sales"));
  const ColumnInfo* ws = sales->FindColumn("Weekly_Sales");
  EXPECT_EQ(ws->type, ColumnType::kReal);
  auto st = PrepareSql(db.get(), "SELECT min(Weekly_Sales), max(Weekly_Sales) FROM sales");
  ASSERT_EQ(sqlite3_step(st->get()), SQLITE_ROW);
  EXPECT_EQ(ws->min, ColumnValue(st->get(), 0));
  EXPECT_EQ(ws->max, ColumnValue(st->get(), 1));
  // "index" is the only unique non-null integer column: inferred as the key.
  EXPECT_EQ(sales->primary_key, std::vector<std::string>{"index"});
  EXPECT_FALSE(sales->primary_key_declared);
  const TableInfo* storesize = cat.FindTable("storesize");
  EXPECT_FALSE(storesize->FindColumn("Type")->top_values.empty());
  // The store a compound table name starts with is its key, and the stores of the weekly
  // tables refer to it; the data-frame row numbers ("index") link nothing.
  EXPECT_EQ(storesize->primary_key, std::vector<std::string>{"Store"});
  for (const TableInfo& t : cat.tables) {
    for (const ForeignKey& fk : t.foreign_keys) {
      EXPECT_NE(fk.column, "index") << t.name << " -> " << fk.ref_table;
      EXPECT_NE(fk.ref_column, "index") << t.name << " -> " << fk.ref_table;
    }
  }
  bool sales_store = false;
  for (const ForeignKey& fk : sales->foreign_keys) {
    sales_store = sales_store || (fk.column == "Store" && fk.ref_table == "storesize" && fk.ref_column == "Store");
  }
  EXPECT_TRUE(sales_store);
}

constexpr const char* kShop = R"sql(
CREATE TABLE customers (customer_id INTEGER, name TEXT, segment TEXT);
CREATE TABLE products (id INTEGER, title TEXT);
CREATE TABLE orders (order_id INTEGER, customer_id INTEGER, product_id INTEGER, amount REAL,
                     note TEXT);
WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 200)
INSERT INTO customers SELECT i, 'name ' || i, CASE WHEN i % 4 = 0 THEN 'corporate' ELSE 'consumer' END FROM n;
WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 50)
INSERT INTO products SELECT i, 'product ' || i FROM n;
WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 1000)
INSERT INTO orders SELECT i, 1 + (i % 200),
  -- near miss: 10 of 60 distinct product ids do not exist in products
  1 + (i % 60), i * 1.5, CASE WHEN i % 10 = 0 THEN NULL ELSE 'n' END FROM n;
CREATE VIEW big_orders AS SELECT * FROM orders WHERE amount > 1000;
)sql";

TEST(ProfilerTest, InfersKeysAndRejectsNearMissForeignKey) {
  SqliteDb db = MemoryDb(kShop);
  Catalog cat = Profile(db.get());
  const TableInfo* customers = cat.FindTable("customers");
  EXPECT_EQ(customers->primary_key, std::vector<std::string>{"customer_id"});
  EXPECT_FALSE(customers->primary_key_declared);
  EXPECT_EQ(cat.FindTable("products")->primary_key, std::vector<std::string>{"id"});
  const TableInfo* orders = cat.FindTable("orders");
  EXPECT_EQ(orders->primary_key, std::vector<std::string>{"order_id"});

  const ForeignKey* to_customers = FindFk(*orders, "customer_id");
  ASSERT_NE(to_customers, nullptr);
  EXPECT_EQ(to_customers->ref_table, "customers");
  EXPECT_EQ(to_customers->ref_column, "customer_id");
  EXPECT_FALSE(to_customers->declared);
  EXPECT_DOUBLE_EQ(to_customers->inclusion, 1.0);
  EXPECT_EQ(FindFk(*orders, "product_id"), nullptr) << "only 50 of 60 product ids exist";
  // A table's own key does not point at another table by a loose name match.
  EXPECT_EQ(FindFk(*customers, "customer_id"), nullptr);

  const ColumnInfo* note = orders->FindColumn("note");
  EXPECT_DOUBLE_EQ(note->null_fraction, 0.1);
  EXPECT_EQ(note->distinct_count, 1);
  ASSERT_EQ(note->top_values.size(), 1u);
  EXPECT_EQ(note->top_values[0].value, "n");
  EXPECT_EQ(note->top_values[0].count, 900);

  const ColumnInfo* segment = customers->FindColumn("segment");
  ASSERT_EQ(segment->top_values.size(), 2u);
  EXPECT_EQ(segment->top_values[0].value, "consumer");
  EXPECT_EQ(segment->top_values[0].count, 150);
  // Unique names are not categories.
  EXPECT_TRUE(customers->FindColumn("name")->top_values.empty());
  // Numbers never get top values.
  EXPECT_TRUE(orders->FindColumn("customer_id")->top_values.empty());
}

TEST(ProfilerTest, InfersForeignKeyToIdOfSingularOrPluralTable) {
  SqliteDb db = MemoryDb(R"sql(
    CREATE TABLE category (id INTEGER, label TEXT);
    INSERT INTO category VALUES (1, 'a'), (2, 'b'), (3, 'c');
    CREATE TABLE items (item_id INTEGER, categoryid INTEGER);
    INSERT INTO items VALUES (1, 1), (2, 2), (3, 2), (4, NULL);
  )sql");
  Catalog cat = Profile(db.get());
  const ForeignKey* fk = FindFk(*cat.FindTable("items"), "categoryid");
  ASSERT_NE(fk, nullptr);
  EXPECT_EQ(fk->ref_table, "category");
  EXPECT_EQ(fk->ref_column, "id");
}

TEST(ProfilerTest, DeclaredForeignKeyWithoutTargetColumnUsesTargetPrimaryKey) {
  SqliteDb db = MemoryDb(R"sql(
    CREATE TABLE parent (a INTEGER, b TEXT, PRIMARY KEY (a, b));
    CREATE TABLE child (x INTEGER, y TEXT, FOREIGN KEY (x, y) REFERENCES parent);
    CREATE TABLE orphan (z INTEGER REFERENCES missing_table(id));
    INSERT INTO parent VALUES (1, 'p'), (2, 'q');
    INSERT INTO child VALUES (1, 'p'), (3, 'r');
    INSERT INTO orphan VALUES (1);
  )sql");
  Catalog cat = Profile(db.get());
  const TableInfo* child = cat.FindTable("child");
  ASSERT_EQ(child->foreign_keys.size(), 2u);
  EXPECT_EQ(child->foreign_keys[0].column, "x");
  EXPECT_EQ(child->foreign_keys[0].ref_column, "a");
  EXPECT_DOUBLE_EQ(child->foreign_keys[0].inclusion, 0.5);
  EXPECT_EQ(child->foreign_keys[1].column, "y");
  EXPECT_EQ(child->foreign_keys[1].ref_column, "b");
  EXPECT_TRUE(cat.FindTable("orphan")->foreign_keys.empty()) << "dangling declaration dropped";
  EXPECT_EQ(cat.FindTable("parent")->primary_key, (std::vector<std::string>{"a", "b"}));
}

TEST(ProfilerTest, MinMaxFollowSqliteOrderAcrossStorageClasses) {
  SqliteDb db = MemoryDb(R"sql(
    CREATE TABLE mixed (v, n, t TEXT, d);
    INSERT INTO mixed VALUES (5, 3, 'b', '2024-01-31'), ('abc', 2.5, 'a', '2023-12-01'),
                             (1.5, 10, NULL, NULL), (x'00ff', 5.0, 'c', '2024-02-29');
  )sql");
  Catalog cat = Profile(db.get());
  const TableInfo* t = cat.FindTable("mixed");
  const ColumnInfo* v = t->FindColumn("v");
  EXPECT_EQ(v->min, Value(1.5));
  EXPECT_EQ(v->max, Value(std::string("<blob 2 bytes>")));
  EXPECT_EQ(v->type, ColumnType::kText);  // no declared type, mixed storage classes
  EXPECT_EQ(v->distinct_count, 4);
  const ColumnInfo* n = t->FindColumn("n");
  EXPECT_EQ(n->type, ColumnType::kReal);  // integers and reals
  EXPECT_EQ(n->min, Value(2.5));
  EXPECT_EQ(n->max, Value(int64_t{10}));
  EXPECT_EQ(t->FindColumn("t")->min, Value(std::string("a")));
  EXPECT_DOUBLE_EQ(t->FindColumn("t")->null_fraction, 0.25);
  const ColumnInfo* d = t->FindColumn("d");
  EXPECT_EQ(d->type, ColumnType::kDate);  // inferred from ISO text
  EXPECT_EQ(d->min, Value(std::string("2023-12-01")));
  EXPECT_TRUE(d->top_values.empty());  // all distinct: not a category
  EXPECT_EQ(QueryInt(db.get(), "SELECT count(DISTINCT v) FROM mixed"), v->distinct_count);
}

TEST(ProfilerTest, IntegerAndIntegralRealAreOneDistinctValue) {
  SqliteDb db = MemoryDb("CREATE TABLE r (x); INSERT INTO r VALUES (5), (5.0), ('5'), (-0.0), (0);");
  Catalog cat = Profile(db.get());
  EXPECT_EQ(cat.tables[0].columns[0].distinct_count,
            QueryInt(db.get(), "SELECT count(DISTINCT x) FROM r"));
  EXPECT_EQ(cat.tables[0].columns[0].distinct_count, 3);
}

TEST(ProfilerTest, WideKeyRangesAndManyDistinctValuesStayExact) {
  // Spread-out keys force the integer counter from its dense array into hashing.
  SqliteDb db = MemoryDb(R"sql(
    CREATE TABLE w (k INTEGER, s TEXT);
    WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 20000)
    INSERT INTO w SELECT (i % 7000) * 1000003 - 5000000000, 'value number ' || (i % 9000) FROM n;
  )sql");
  Catalog cat = Profile(db.get());
  const TableInfo& w = cat.tables[0];
  EXPECT_EQ(w.columns[0].distinct_count, 7000);
  EXPECT_EQ(w.columns[1].distinct_count, 9000);
  EXPECT_FALSE(w.columns[0].distinct_is_estimate);
  EXPECT_EQ(w.columns[0].min, Value(int64_t{-5000000000}));
  EXPECT_EQ(w.columns[0].max, Value(int64_t{6999 * 1000003LL - 5000000000}));
  EXPECT_EQ(w.columns[1].max, Value(std::string("value number 999")));
}

TEST(ProfilerTest, EmptyTableViewsAndExcludedTables) {
  SqliteDb db = MemoryDb(R"sql(
    CREATE TABLE empty (a INTEGER NOT NULL, b TEXT);
    CREATE TABLE _da_meta (k TEXT);
    CREATE TABLE t (x INTEGER);
    WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 100)
    INSERT INTO t SELECT i FROM n;
    CREATE VIEW v AS SELECT x, x * 2 AS y FROM t WHERE x <= 10;
    CREATE TABLE gone (g INTEGER);
    CREATE VIEW stale AS SELECT g FROM gone;
    DROP TABLE gone;
  )sql");
  Catalog cat = Profile(db.get());
  ASSERT_EQ(cat.tables.size(), 3u);  // empty, t, v: no _da_*, no stale view
  const TableInfo* empty = cat.FindTable("empty");
  EXPECT_EQ(empty->row_count, 0);
  EXPECT_TRUE(empty->primary_key.empty());
  EXPECT_TRUE(empty->FindColumn("a")->not_null);
  EXPECT_TRUE(IsNull(empty->FindColumn("a")->min));
  EXPECT_EQ(empty->FindColumn("a")->distinct_count, 0);
  const TableInfo* v = cat.FindTable("v");
  ASSERT_NE(v, nullptr);
  EXPECT_TRUE(v->is_view);
  EXPECT_EQ(v->row_count, 10);
  EXPECT_FALSE(v->row_count_is_lower_bound);
  EXPECT_TRUE(v->primary_key.empty());
  EXPECT_EQ(v->FindColumn("y")->max, Value(int64_t{20}));
  EXPECT_EQ(cat.FindTable("_da_meta"), nullptr);
}

TEST(ProfilerTest, LargeViewIsReadUpToTheLimit) {
  SqliteDb db = MemoryDb(R"sql(
    CREATE VIEW counting AS
      WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n) SELECT i FROM n;
  )sql");
  Catalog cat = Profile(db.get());
  ASSERT_EQ(cat.tables.size(), 1u);
  EXPECT_EQ(cat.tables[0].row_count, kViewRowLimit);
  EXPECT_TRUE(cat.tables[0].row_count_is_lower_bound);
}

TEST(ProfilerTest, LabelsComeFromOptions) {
  SqliteDb db = MemoryDb("CREATE TABLE order_lines (unit_price REAL); INSERT INTO order_lines VALUES (1.5);");
  ProfileOptions options;
  options.dataset = "shop";
  options.table_label = [](const std::string& t) { return t == "order_lines" ? "Order Lines.csv" : ""; };
  options.column_label = [](const std::string&, const std::string& c) {
    return c == "unit_price" ? "Unit Price ($)" : "";
  };
  auto cat = ProfileDatabase(db.get(), options);
  ASSERT_TRUE(cat.ok());
  EXPECT_EQ(cat->dataset, "shop");
  EXPECT_EQ(cat->tables[0].label, "Order Lines.csv");
  EXPECT_EQ(cat->tables[0].columns[0].label, "Unit Price ($)");
  EXPECT_FALSE(cat->built_at.empty());
}

}  // namespace
}  // namespace da

namespace da {
namespace {

TEST(ProfilerCapTest, NearUniqueColumnPastTheCapIsCountedExactly) {
  SqliteDb db = MemoryDb(R"sql(
    CREATE TABLE many (k INTEGER, t TEXT);
    WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 1000100)
    INSERT INTO many SELECT i * 7919, CASE WHEN i % 2 = 0 THEN 'even' ELSE 'odd' END FROM n;
  )sql");
  Catalog cat = Profile(db.get());
  const ColumnInfo& k = cat.tables[0].columns[0];
  // Past kMaxExactDistinct the sketch says "nearly all distinct"; SQL then counts exactly.
  EXPECT_FALSE(k.distinct_is_estimate);
  EXPECT_EQ(k.distinct_count, 1000100);
  EXPECT_EQ(k.max, Value(int64_t{1000100LL * 7919}));  // min/max still cover every row
  const ColumnInfo& t = cat.tables[0].columns[1];
  EXPECT_FALSE(t.distinct_is_estimate);
  EXPECT_EQ(t.distinct_count, 2);
  ASSERT_EQ(t.top_values.size(), 2u);
  EXPECT_EQ(t.top_values[0].count, 500050);
  EXPECT_EQ(cat.tables[0].primary_key, std::vector<std::string>{"k"});
}

TEST(ProfilerCapTest, ManyDistinctTextsAreEstimated) {
  SqliteDb db = MemoryDb(R"sql(
    CREATE TABLE notes (t TEXT, c TEXT);
    WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 250000)
    INSERT INTO notes SELECT 'value number ' || (i % 200000),
                             CASE WHEN i % 2 = 0 THEN 'common' ELSE 'unique ' || i END FROM n;
  )sql");
  static_assert(kMaxExactTextDistinct < 125000);
  Catalog cat = Profile(db.get());
  const ColumnInfo& t = cat.tables[0].columns[0];
  EXPECT_TRUE(t.distinct_is_estimate);
  EXPECT_NEAR(static_cast<double>(t.distinct_count), 200000.0, 200000 * 0.03);
  const ColumnInfo& c = cat.tables[0].columns[1];
  EXPECT_TRUE(c.distinct_is_estimate);
  EXPECT_NEAR(static_cast<double>(c.distinct_count), 125001.0, 125001 * 0.03);
  // A value known before the cap keeps being counted: its count is exact.
  ASSERT_FALSE(c.top_values.empty());
  EXPECT_EQ(c.top_values[0].value, "common");
  EXPECT_EQ(c.top_values[0].count, 125000);
  EXPECT_TRUE(cat.tables[0].primary_key.empty());
}

TEST(ProfilerCapTest, UniqueTextKeyPastTheTextCapIsStillInferred) {
  SqliteDb db = MemoryDb(R"sql(
    CREATE TABLE items (item_code TEXT, qty INTEGER);
    WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 150000)
    INSERT INTO items SELECT 'IT-' || i, i % 10 FROM n;
  )sql");
  Catalog cat = Profile(db.get());
  const ColumnInfo& code = cat.tables[0].columns[0];
  EXPECT_FALSE(code.distinct_is_estimate);
  EXPECT_EQ(code.distinct_count, 150000);
  EXPECT_TRUE(code.top_values.empty());
  EXPECT_EQ(cat.tables[0].primary_key, std::vector<std::string>{"item_code"});
}

TEST(DistinctSketchTest, EstimatesWithinAFewPercentAndIgnoresDuplicates) {
  for (uint64_t n : {1000u, 50000u, 2000000u}) {
    DistinctSketch sketch;
    sketch.Start();
    for (uint64_t i = 0; i < n; ++i) {
      sketch.Add(MixBits(i));
      sketch.Add(MixBits(i));  // a duplicate changes nothing
    }
    EXPECT_NEAR(sketch.Estimate(), static_cast<double>(n), static_cast<double>(n) * 0.03) << n;
  }
  EXPECT_EQ(DistinctSketch().Estimate(), 0.0);  // never started
}

TEST(ProfilerCapTest, LongTextIsCutForMinMaxAndTopValues) {
  SqliteDb db = MemoryDb(
      "CREATE TABLE long (t TEXT); INSERT INTO long VALUES (printf('%.*c', 1000, 'z')), "
      "(printf('%.*c', 1000, 'z')), ('a');");
  Catalog cat = Profile(db.get());
  const ColumnInfo& t = cat.tables[0].columns[0];
  EXPECT_EQ(std::get<std::string>(t.max).size(), kMaxStoredTextBytes);
  ASSERT_EQ(t.top_values.size(), 2u);
  EXPECT_EQ(t.top_values[0].value.size(), kMaxStoredTextBytes);
  EXPECT_EQ(t.top_values[0].count, 2);
}

}  // namespace
}  // namespace da

namespace da {
namespace {

// Writes rows into `t` through a prepared INSERT while feeding `profiler` the same values.
void WriteRows(sqlite3* db, TableProfiler* profiler, int rows) {
  auto st = PrepareSql(db, "INSERT INTO t VALUES (?, ?, ?, ?)");
  ASSERT_TRUE(st.ok());
  for (int i = 0; i < rows; ++i) {
    sqlite3_reset(st->get());
    sqlite3_bind_int64(st->get(), 1, i);
    profiler->AddInteger(i);
    const std::string city = i % 3 == 0 ? "Paris" : i % 3 == 1 ? "Lyon" : "Nice";
    sqlite3_bind_text(st->get(), 2, city.c_str(), -1, SQLITE_TRANSIENT);
    profiler->AddText(city);
    if (i % 4 == 0) {
      sqlite3_bind_null(st->get(), 3);
      profiler->AddNull();
    } else {
      sqlite3_bind_double(st->get(), 3, i * 0.25);
      profiler->AddReal(i * 0.25);
    }
    sqlite3_bind_text(st->get(), 4, "2024-01-01", -1, SQLITE_STATIC);
    profiler->AddText("2024-01-01");
    profiler->EndRow();
    ASSERT_EQ(sqlite3_step(st->get()), SQLITE_DONE);
  }
}

nlohmann::json WithoutTime(const Catalog& cat) {
  nlohmann::json j = cat.ToJson();
  j.erase("built_at");
  return j;
}

constexpr const char* kWrittenTable =
    "CREATE TABLE t (id INTEGER, city TEXT, price REAL, day DATE);";

TEST(TableProfilerTest, StatisticsGatheredWhileWritingEqualAScan) {
  SqliteDb db = MemoryDb(kWrittenTable);
  auto profiler = std::make_shared<TableProfiler>(4);
  WriteRows(db.get(), profiler.get(), 10000);
  EXPECT_EQ(profiler->rows(), 10000);
  ProfileOptions options;
  options.dataset = "w";
  options.written["t"] = profiler;
  auto written = ProfileDatabase(db.get(), options);
  ASSERT_TRUE(written.ok()) << written.status().ToString();
  options.written.clear();
  auto scanned = ProfileDatabase(db.get(), options);
  ASSERT_TRUE(scanned.ok());
  EXPECT_EQ(WithoutTime(*written), WithoutTime(*scanned));
  EXPECT_EQ(written->tables[0].primary_key, std::vector<std::string>{"id"});
  EXPECT_EQ(written->tables[0].columns[1].top_values.size(), 3u);
}

TEST(TableProfilerTest, ProfileThatMissedRowsIsIgnoredInFavourOfAScan) {
  SqliteDb db = MemoryDb(kWrittenTable);
  auto profiler = std::make_shared<TableProfiler>(4);
  WriteRows(db.get(), profiler.get(), 100);
  ASSERT_TRUE(ExecSql(db.get(), "INSERT INTO t VALUES (100, 'Oslo', 1.0, '2024-01-02')").ok());
  ProfileOptions options;
  options.written["t"] = profiler;
  auto cat = ProfileDatabase(db.get(), options);
  ASSERT_TRUE(cat.ok());
  EXPECT_EQ(cat->tables[0].row_count, 101);
  EXPECT_EQ(cat->tables[0].columns[1].distinct_count, 4);  // Oslo seen by the scan
}

TEST(TableProfilerTest, TypedProfilePastTheTextCapEqualsAScan) {
  SqliteDb db = MemoryDb("CREATE TABLE e (ts TIMESTAMP, kind TEXT);");
  auto profiler = std::make_shared<TableProfiler>(std::vector<ColumnType>{ColumnType::kTimestamp, ColumnType::kText});
  auto st = PrepareSql(db.get(), "INSERT INTO e VALUES (?, ?)");
  ASSERT_TRUE(st.ok());
  ASSERT_TRUE(ExecSql(db.get(), "BEGIN").ok());
  char ts[32];
  for (int i = 0; i < 150000; ++i) {
    const int j = i % 120000;  // 120,000 distinct values: past the text cap, not near-unique
    std::snprintf(ts, sizeof ts, "2024-01-%02d %02d:%02d:%02d", 1 + j / 3600 % 28, j / 3600 % 24, j / 60 % 60, j % 60);
    const std::string kind = i % 7 == 0 ? "a" : "b";
    sqlite3_reset(st->get());
    sqlite3_bind_text(st->get(), 1, ts, -1, SQLITE_TRANSIENT);
    sqlite3_bind_text(st->get(), 2, kind.c_str(), -1, SQLITE_TRANSIENT);
    ASSERT_EQ(sqlite3_step(st->get()), SQLITE_DONE);
    profiler->AddText(ts);
    profiler->AddText(kind);
    profiler->EndRow();
  }
  ASSERT_TRUE(ExecSql(db.get(), "COMMIT").ok());
  ProfileOptions options;
  options.written["e"] = profiler;
  auto written = ProfileDatabase(db.get(), options);
  ASSERT_TRUE(written.ok()) << written.status().ToString();
  options.written.clear();
  auto scanned = ProfileDatabase(db.get(), options);
  ASSERT_TRUE(scanned.ok());
  EXPECT_EQ(WithoutTime(*written), WithoutTime(*scanned));
  const ColumnInfo& c = written->tables[0].columns[0];
  EXPECT_TRUE(c.distinct_is_estimate);
  const int64_t exact = QueryInt(db.get(), "SELECT count(DISTINCT ts) FROM e");
  EXPECT_NEAR(static_cast<double>(c.distinct_count), static_cast<double>(exact), exact * 0.03);
}

}  // namespace
}  // namespace da

namespace da {
namespace {

// Text min/max follow SQLite's BINARY order (unsigned bytes), including shared prefixes,
// prefixes of one another and non-ASCII bytes.
TEST(ProfilerTextOrderTest, MinMaxMatchSqlite) {
  SqliteDb db = MemoryDb(R"sql(
    CREATE TABLE w (t TEXT);
    INSERT INTO w VALUES ('2023-04-29 01:37:00'), ('2023-04-29 01:37'), ('2023-04-29'),
      ('zebra'), ('éclair'), ('2023-04-2'), ('Zulu'), ('2023-04-29 01:36:59'), ('a');
  )sql");
  Catalog cat = Profile(db.get());
  const ColumnInfo& t = cat.tables[0].columns[0];
  auto sql_text = [&](const std::string& sql) {
    auto st = PrepareSql(db.get(), sql);
    EXPECT_TRUE(st.ok());
    EXPECT_EQ(sqlite3_step(st->get()), SQLITE_ROW);
    return std::string(reinterpret_cast<const char*>(sqlite3_column_text(st->get(), 0)));
  };
  EXPECT_EQ(t.min, Value(sql_text("SELECT min(t) FROM w")));
  EXPECT_EQ(t.max, Value(sql_text("SELECT max(t) FROM w")));
  EXPECT_EQ(t.max, Value(std::string("éclair")));
  ASSERT_TRUE(ExecSql(db.get(), "DELETE FROM w WHERE t NOT LIKE '2023%'").ok());
  Catalog dates = Profile(db.get());
  EXPECT_EQ(dates.tables[0].columns[0].min, Value(std::string("2023-04-2")));
  EXPECT_EQ(dates.tables[0].columns[0].max, Value(std::string("2023-04-29 01:37:00")));
  EXPECT_EQ(dates.tables[0].columns[0].distinct_count, 5);
}

}  // namespace
}  // namespace da
