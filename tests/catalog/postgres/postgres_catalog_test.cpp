// ReadPostgresCatalog against the real test PostgreSQL: one schema holding every kind of relation,
// type family, key and statistics source the reader handles.
#include <gtest/gtest.h>

#include <chrono>
#include <cstdlib>
#include <iostream>

#include "catalog/postgres_catalog.h"
#include "catalog/postgres_stats.h"
#include "postgres_test_util.h"

namespace da {
namespace {

using da::testing::RunPostgresSql;
using da::testing::TestPostgresConninfo;
using da::testing::UniquePostgresName;

PgLogin Login(const std::string& conninfo) {
  PgLogin login;
  login.conninfo = conninfo;
  return login;
}

constexpr const char* kReaderPasswordVar = "DA_TEST_CATALOG_READER_PASSWORD";
constexpr const char* kReaderPassword = "s3cret-Reader-pw";

// Everything the reader handles, in one schema `s` (`o` is another schema a key points into).
std::string SchemaSql(const std::string& s, const std::string& o, const std::string& reader) {
  return "CREATE SCHEMA " + s + "; CREATE SCHEMA " + o + "; SET search_path = " + s + ";"
         "CREATE TABLE " + o + ".regions (id int PRIMARY KEY);"
         "CREATE TABLE customers (id serial PRIMARY KEY, name text NOT NULL, country varchar(40), vip boolean,"
         "  joined date, score numeric(6,2), visits int8, balance money, tag uuid, seen timestamp);"
         "COMMENT ON TABLE customers IS 'People who buy';"
         "COMMENT ON COLUMN customers.country IS 'Country of residence';"
         "INSERT INTO customers (name, country, vip, joined, score, visits, balance, seen) VALUES"
         "  ('Ann', 'France', true, '2024-01-05', 1.5, 3, '10.00', '2024-01-05 10:30:00'),"
         "  ('Bob', 'Spain', false, '2023-02-01', NULL, NULL, '3.50', NULL),"
         "  ('Cid', 'France', NULL, NULL, 2.25, 7, '1.00', '2022-12-31 23:59:59');"
         "CREATE TYPE mood AS ENUM ('happy', 'sad');"
         "CREATE TABLE orders (order_id int PRIMARY KEY, customer_id int REFERENCES customers (id),"
         "  total double precision, placed_at timestamp, status text);"
         "INSERT INTO orders VALUES (10, 1, 9.5, '2024-02-01 08:00', 'paid'), (11, 1, 20, '2024-02-02 09:00', 'paid'),"
         "  (12, 3, 7.25, '2024-03-01 10:00', 'open');"
         "CREATE TABLE \"Order Items\" (\"OrderId\" int REFERENCES orders (order_id), \"Line\" int,"
         "  \"Qty\" numeric(10,0), mood mood, placed timestamptz, note json, PRIMARY KEY (\"OrderId\", \"Line\"));"
         "COMMENT ON COLUMN \"Order Items\".\"Qty\" IS 'Units ordered';"
         "INSERT INTO \"Order Items\" VALUES (10, 1, 2, 'happy', '2024-02-01 08:00+00', '{\"a\": 1}'),"
         "  (10, 2, 1, 'sad', NULL, NULL), (11, 1, 5, 'happy', NULL, NULL);"
         "CREATE TABLE shipments (order_id int, line int, carrier text,"
         "  FOREIGN KEY (order_id, line) REFERENCES \"Order Items\" (\"OrderId\", \"Line\"));"
         "INSERT INTO shipments VALUES (10, 1, 'UPS'), (10, 2, 'DHL');"
         "CREATE TABLE stores (store_id int PRIMARY KEY, region_id int REFERENCES " + o + ".regions (id));"
         // No declared keys: products.product_id is inferred the primary key, sales.product_id a
         // foreign key to it.
         "CREATE TABLE products (product_id int, label text);"
         "INSERT INTO products SELECT g, 'product ' || g FROM generate_series(1, 50) g;"
         "CREATE TABLE sales (sale_id int, product_id int, amount real);"
         "INSERT INTO sales SELECT g, 1 + g % 50, g * 1.5 FROM generate_series(1, 400) g;"
         "CREATE VIEW france_customers AS SELECT name, country FROM customers WHERE country = 'France';"
         "CREATE MATERIALIZED VIEW country_counts AS SELECT country, count(*) AS n FROM customers GROUP BY country;"
         "CREATE MATERIALIZED VIEW never_filled AS SELECT 1 AS x WITH NO DATA;"
         "CREATE TABLE events (id int, happened date, kind text) PARTITION BY RANGE (happened);"
         "CREATE TABLE events_2023 PARTITION OF events FOR VALUES FROM ('2023-01-01') TO ('2024-01-01');"
         "CREATE TABLE events_2024 PARTITION OF events FOR VALUES FROM ('2024-01-01') TO ('2025-01-01');"
         "INSERT INTO events SELECT g, date '2023-06-01' + g, CASE WHEN g % 2 = 0 THEN 'click' ELSE 'view' END"
         "  FROM generate_series(1, 300) g;"
         // 200,000 rows never analysed (autovacuum off for it), read through a bounded sample.
         "CREATE TABLE big (id int, city text, amount int) WITH (autovacuum_enabled = false);"
         "INSERT INTO big SELECT g, (ARRAY['Paris', 'Lyon', 'Nice'])[1 + g % 3], g % 1000"
         "  FROM generate_series(1, 200000) g;"
         // 150,000 rows, analysed: read from pg_stats alone.
         "CREATE TABLE analysed (id int, color text, qty int) WITH (autovacuum_enabled = false);"
         "INSERT INTO analysed SELECT g, (ARRAY['red', 'green', 'blue', 'Ochre'])[1 + g % 4], g % 90"
         "  FROM generate_series(1, 150000) g;"
         "ANALYZE analysed;"
         "CREATE TABLE secret (code text);"
         "INSERT INTO secret VALUES ('TOPSECRET');"
         "CREATE ROLE " + reader + " LOGIN PASSWORD '" + kReaderPassword + "';"
         "GRANT USAGE ON SCHEMA " + s + " TO " + reader + ";"
         "GRANT SELECT ON customers, orders, \"Order Items\" TO " + reader + ";";
}

class PostgresCatalogTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    if (TestPostgresConninfo().empty()) return;
    schema_ = UniquePostgresName("catalog");
    other_schema_ = UniquePostgresName("elsewhere");
    reader_ = UniquePostgresName("reader");
    RunPostgresSql(SchemaSql(schema_, other_schema_, reader_));
    auto client = PgClient::Connect(Login(TestPostgresConninfo()));
    ASSERT_TRUE(client.ok()) << client.status().ToString();
    PostgresCatalogOptions options;
    options.dataset = "shop";
    options.schema = schema_;
    ValueIndexBuilder builder;
    const auto start = std::chrono::steady_clock::now();
    auto read = ReadPostgresCatalog(*client, options, &builder);
    std::cout << "catalog of " << schema_ << " read in "
              << std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - start).count()
              << " ms\n";
    ASSERT_TRUE(read.ok()) << read.status().ToString();
    for (const auto& w : read->warnings) std::cout << "warning: " << w << "\n";
    result_ = new PostgresCatalogResult(std::move(*read));
    values_ = new ValueIndex(std::move(builder).Finish());
  }
  static void TearDownTestSuite() {
    delete result_;
    delete values_;
    result_ = nullptr;
    values_ = nullptr;
  }
  void SetUp() override {
    if (TestPostgresConninfo().empty()) GTEST_SKIP() << "no test PostgreSQL (DA_TEST_POSTGRES)";
    ASSERT_NE(result_, nullptr);
  }

  static const TableInfo& Table(const std::string& name) {
    const TableInfo* t = result_->catalog.FindTable(name);
    EXPECT_NE(t, nullptr) << name;
    static const TableInfo kNone;
    return t ? *t : kNone;
  }
  static const ColumnInfo& Column(const std::string& table, const std::string& column) {
    const ColumnInfo* c = Table(table).FindColumn(column);
    EXPECT_NE(c, nullptr) << table << "." << column;
    static const ColumnInfo kNone;
    return c ? *c : kNone;
  }
  static bool HasForeignKey(const std::string& table, const std::string& column, const std::string& ref_table,
                            const std::string& ref_column, bool declared) {
    for (const auto& fk : Table(table).foreign_keys)
      if (fk.column == column && fk.ref_table == ref_table && fk.ref_column == ref_column && fk.declared == declared)
        return true;
    return false;
  }

  static inline std::string schema_, other_schema_, reader_;
  static inline PostgresCatalogResult* result_ = nullptr;
  static inline ValueIndex* values_ = nullptr;
};

TEST_F(PostgresCatalogTest, ListsTablesViewsAndPartitionedParentsOnly) {
  std::vector<std::string> names;
  for (const auto& t : result_->catalog.tables) names.push_back(t.name);
  EXPECT_EQ(names, (std::vector<std::string>{"Order Items", "analysed", "big", "country_counts", "customers", "events",
                                             "france_customers", "orders", "products", "sales", "secret",
                                             "shipments", "stores"}));
  EXPECT_EQ(result_->catalog.dataset, "shop");
  EXPECT_TRUE(Table("france_customers").is_view);
  EXPECT_TRUE(Table("country_counts").is_view);
  EXPECT_FALSE(Table("customers").is_view);
  EXPECT_FALSE(Table("events").is_view);
  EXPECT_EQ(Table("Order Items").label, "Order Items");
  ASSERT_EQ(result_->warnings.size(), 1u);
  EXPECT_EQ(result_->warnings[0],
            "skipped materialized view \"never_filled\": it has not been populated (REFRESH it)");
}

TEST_F(PostgresCatalogTest, ColumnsInOrderWithTypesAndComments) {
  const TableInfo& customers = Table("customers");
  EXPECT_EQ(customers.description, "People who buy");
  std::vector<std::string> names;
  for (const auto& c : customers.columns) names.push_back(c.name);
  EXPECT_EQ(names, (std::vector<std::string>{"id", "name", "country", "vip", "joined", "score", "visits", "balance",
                                             "tag", "seen"}));
  EXPECT_EQ(Column("customers", "id").type, ColumnType::kInteger);
  EXPECT_EQ(Column("customers", "id").declared_type, "integer");
  EXPECT_TRUE(Column("customers", "id").not_null);
  EXPECT_TRUE(Column("customers", "name").not_null);
  EXPECT_EQ(Column("customers", "name").type, ColumnType::kText);
  EXPECT_EQ(Column("customers", "country").declared_type, "character varying(40)");
  EXPECT_EQ(Column("customers", "country").description, "Country of residence");
  EXPECT_FALSE(Column("customers", "country").not_null);
  EXPECT_EQ(Column("customers", "vip").type, ColumnType::kBoolean);
  EXPECT_EQ(Column("customers", "joined").type, ColumnType::kDate);
  EXPECT_EQ(Column("customers", "score").type, ColumnType::kReal);
  EXPECT_EQ(Column("customers", "score").declared_type, "numeric(6,2)");
  EXPECT_EQ(Column("customers", "visits").type, ColumnType::kInteger);
  EXPECT_EQ(Column("customers", "balance").type, ColumnType::kReal);
  EXPECT_EQ(Column("customers", "tag").type, ColumnType::kText);
  EXPECT_EQ(Column("customers", "seen").type, ColumnType::kTimestamp);
  EXPECT_EQ(Column("Order Items", "Qty").type, ColumnType::kInteger);  // numeric(10,0)
  EXPECT_EQ(Column("Order Items", "Qty").description, "Units ordered");
  EXPECT_EQ(Column("Order Items", "mood").type, ColumnType::kText);  // an enum
  EXPECT_EQ(Column("Order Items", "placed").type, ColumnType::kTimestamp);
  EXPECT_EQ(Column("Order Items", "placed").declared_type, "timestamp with time zone");
  EXPECT_EQ(Column("Order Items", "note").type, ColumnType::kText);
  EXPECT_EQ(Column("orders", "total").type, ColumnType::kReal);
}

TEST_F(PostgresCatalogTest, DeclaredKeysSingleAndComposite) {
  EXPECT_EQ(Table("customers").primary_key, std::vector<std::string>{"id"});
  EXPECT_TRUE(Table("customers").primary_key_declared);
  EXPECT_TRUE(Column("customers", "id").is_primary_key);
  EXPECT_EQ(Table("Order Items").primary_key, (std::vector<std::string>{"OrderId", "Line"}));
  EXPECT_TRUE(HasForeignKey("orders", "customer_id", "customers", "id", true));
  EXPECT_TRUE(HasForeignKey("Order Items", "OrderId", "orders", "order_id", true));
  EXPECT_TRUE(HasForeignKey("shipments", "order_id", "Order Items", "OrderId", true));
  EXPECT_TRUE(HasForeignKey("shipments", "line", "Order Items", "Line", true));
  EXPECT_TRUE(Table("stores").foreign_keys.empty()) << "a key into another schema is dropped";
}

TEST_F(PostgresCatalogTest, KeysInferredWhereNoneAreDeclared) {
  EXPECT_EQ(Table("products").primary_key, std::vector<std::string>{"product_id"});
  EXPECT_FALSE(Table("products").primary_key_declared);
  EXPECT_TRUE(HasForeignKey("sales", "product_id", "products", "product_id", false));
  // Unique per pg_stats and checked exactly (the table is small enough to count).
  EXPECT_EQ(Table("analysed").primary_key, std::vector<std::string>{"id"});
}

TEST_F(PostgresCatalogTest, ExactStatisticsOfSmallTables) {
  EXPECT_EQ(Table("customers").row_count, 3);
  EXPECT_FALSE(Table("customers").row_count_is_lower_bound);
  const ColumnInfo& country = Column("customers", "country");
  EXPECT_EQ(country.distinct_count, 2);
  EXPECT_FALSE(country.distinct_is_estimate);
  ASSERT_FALSE(country.top_values.empty());
  EXPECT_EQ(country.top_values[0].value, "France");
  EXPECT_EQ(country.top_values[0].count, 2);
  EXPECT_NEAR(Column("customers", "vip").null_fraction, 1.0 / 3, 1e-9);
  EXPECT_EQ(std::get<std::string>(Column("customers", "joined").min), "2023-02-01");
  EXPECT_EQ(std::get<std::string>(Column("customers", "joined").max), "2024-01-05");
  EXPECT_DOUBLE_EQ(std::get<double>(Column("customers", "score").min), 1.5);
  EXPECT_DOUBLE_EQ(std::get<double>(Column("customers", "score").max), 2.25);
  EXPECT_DOUBLE_EQ(std::get<double>(Column("customers", "balance").max), 10.0);
  EXPECT_EQ(std::get<int64_t>(Column("customers", "visits").max), 7);
  EXPECT_EQ(std::get<std::string>(Column("customers", "seen").max), "2024-01-05 10:30:00");
  EXPECT_EQ(std::get<std::string>(Column("customers", "vip").max), "true");
  EXPECT_EQ(std::get<int64_t>(Column("Order Items", "Qty").max), 5);
  EXPECT_EQ(Table("events").row_count, 300);  // partitions read through their parent
  EXPECT_EQ(Column("events", "kind").distinct_count, 2);
  EXPECT_EQ(Table("france_customers").row_count, 2);
  EXPECT_EQ(Table("country_counts").row_count, 2);
}

TEST_F(PostgresCatalogTest, BigUnanalysedTableIsSampledAndFlagged) {
  const TableInfo& big = Table("big");
  EXPECT_EQ(big.row_count, 200000) << "small enough on disk for an exact count(*)";
  const ColumnInfo& id = Column("big", "id");
  EXPECT_TRUE(id.distinct_is_estimate) << "from a sample";
  EXPECT_GT(id.distinct_count, 150000);  // unique in the sample: scaled to the table
  EXPECT_LE(id.distinct_count, 200000);
  EXPECT_TRUE(Column("big", "amount").distinct_is_estimate);
  // Every city appears many times in the sample: PostgreSQL's rule says these are all of them.
  const ColumnInfo& city = Column("big", "city");
  EXPECT_EQ(city.distinct_count, 3);
  EXPECT_FALSE(city.distinct_is_estimate);
  ASSERT_EQ(city.top_values.size(), 3u);
  EXPECT_NEAR(city.top_values[0].count, 66667, 10000);
}

TEST_F(PostgresCatalogTest, AnalysedBigTableReadFromPgStats) {
  const TableInfo& t = Table("analysed");
  EXPECT_EQ(t.row_count, 150000);  // exact: its unique id was counted for key inference
  const ColumnInfo& color = Column("analysed", "color");
  EXPECT_EQ(color.distinct_count, 4);
  EXPECT_FALSE(color.distinct_is_estimate) << "pg_stats lists every value";
  ASSERT_EQ(color.top_values.size(), 4u);
  EXPECT_NEAR(color.top_values[0].count, 37500, 5000);
  EXPECT_EQ(std::get<int64_t>(Column("analysed", "qty").min), 0);
  EXPECT_EQ(std::get<int64_t>(Column("analysed", "qty").max), 89);
  // 90 values, each in ANALYZE's sample many times: pg_stats lists them all.
  EXPECT_EQ(Column("analysed", "qty").distinct_count, 90);
  EXPECT_FALSE(Column("analysed", "qty").distinct_is_estimate);
}

TEST_F(PostgresCatalogTest, TextValuesLandInTheValueIndex) {
  auto france = values_->Exact("france");
  ASSERT_EQ(france.size(), 1u);
  EXPECT_EQ(france[0].table, "customers");  // not the view repeating it
  EXPECT_EQ(france[0].column, "country");
  EXPECT_EQ(france[0].count, 2);
  auto paris = values_->Exact("Paris");
  ASSERT_EQ(paris.size(), 1u);
  EXPECT_EQ(paris[0].table, "big");
  EXPECT_NEAR(paris[0].count, 66667, 10000);
  auto ochre = values_->Exact("ochre");
  ASSERT_EQ(ochre.size(), 1u);
  EXPECT_EQ(ochre[0].table, "analysed");
  EXPECT_EQ(values_->Exact("happy").size(), 1u);  // enum values are text
  EXPECT_EQ(values_->Exact("paid").size(), 1u);
  EXPECT_TRUE(values_->Exact("product 7").size() == 1u);
}

TEST_F(PostgresCatalogTest, TableWithoutPrivilegeIsSkippedWithAWarning) {
  setenv(kReaderPasswordVar, kReaderPassword, 1);
  PgLogin login = Login(da::testing::WithPostgresOptions(TestPostgresConninfo(), "user=" + reader_));
  login.password_env = kReaderPasswordVar;
  auto client = PgClient::Connect(login);
  ASSERT_TRUE(client.ok()) << client.status().ToString();
  PostgresCatalogOptions options;
  options.schema = schema_;
  auto read = ReadPostgresCatalog(*client, options, nullptr);
  ASSERT_TRUE(read.ok()) << read.status().ToString();
  std::vector<std::string> names;
  for (const auto& t : read->catalog.tables) names.push_back(t.name);
  EXPECT_EQ(names, (std::vector<std::string>{"Order Items", "customers", "orders"}));
  bool warned = false;
  for (const auto& w : read->warnings) {
    warned |= w.find("\"secret\"") != std::string::npos && w.find("privilege") != std::string::npos;
    EXPECT_EQ(w.find(kReaderPassword), std::string::npos) << w;
  }
  EXPECT_TRUE(warned);
  EXPECT_EQ(read->catalog.FindTable("customers")->row_count, 3);

  // A schema it may read nothing of is an error naming it, never the password.
  const std::string empty = UniquePostgresName("locked");
  RunPostgresSql("CREATE SCHEMA " + empty + "; CREATE TABLE " + empty + ".t (x int); GRANT USAGE ON SCHEMA " + empty +
                 " TO " + reader_);
  options.schema = empty;
  auto locked = ReadPostgresCatalog(*client, options, nullptr);
  ASSERT_FALSE(locked.ok());
  EXPECT_EQ(locked.status().code(), Status::Code::kInvalidArgument);
  EXPECT_NE(locked.status().message().find(empty), std::string::npos) << locked.status().message();
  EXPECT_EQ(locked.status().message().find(kReaderPassword), std::string::npos);
}

TEST_F(PostgresCatalogTest, MissingSchemaNamesTheSchemasThere) {
  auto client = PgClient::Connect(Login(TestPostgresConninfo()));
  ASSERT_TRUE(client.ok());
  PostgresCatalogOptions options;
  options.schema = "no_such_schema";
  auto read = ReadPostgresCatalog(*client, options, nullptr);
  ASSERT_FALSE(read.ok());
  EXPECT_EQ(read.status().code(), Status::Code::kNotFound);
  const std::string& m = read.status().message();
  EXPECT_NE(m.find("schema 'no_such_schema' does not exist in postgresql://da@"), std::string::npos) << m;
  EXPECT_NE(m.find("schemas there: "), std::string::npos) << m;
  EXPECT_NE(m.find("public"), std::string::npos) << m;
  EXPECT_NE(m.find(schema_), std::string::npos) << m;
  EXPECT_FALSE(client->in_transaction());
}

TEST_F(PostgresCatalogTest, EmptySchemaIsAnError) {
  const std::string empty = UniquePostgresName("empty");
  RunPostgresSql("CREATE SCHEMA " + empty);
  auto client = PgClient::Connect(Login(TestPostgresConninfo()));
  ASSERT_TRUE(client.ok());
  PostgresCatalogOptions options;
  options.schema = empty;
  auto read = ReadPostgresCatalog(*client, options, nullptr);
  ASSERT_FALSE(read.ok());
  EXPECT_EQ(read.status().code(), Status::Code::kInvalidArgument);
  EXPECT_NE(read.status().message().find("schema '" + empty + "'"), std::string::npos) << read.status().message();
}

// A view slower than the statement timeout keeps its columns, loses its statistics, and the
// rest of the catalog is read in the same transaction.
TEST_F(PostgresCatalogTest, SlowViewTimesOutWithAWarning) {
  const std::string s = UniquePostgresName("slow");
  RunPostgresSql("CREATE SCHEMA " + s + "; CREATE TABLE " + s + ".t (x int); INSERT INTO " + s +
                 ".t VALUES (1), (2); CREATE VIEW " + s + ".v AS SELECT x, pg_sleep(1)::text AS s FROM " + s + ".t");
  auto client = PgClient::Connect(Login(TestPostgresConninfo()));
  ASSERT_TRUE(client.ok());
  PostgresCatalogOptions options;
  options.schema = s;
  options.statement_timeout = std::chrono::milliseconds(300);
  size_t progress_calls = 0;
  options.progress = [&](const std::string&, size_t done, size_t total) {
    ++progress_calls;
    EXPECT_EQ(total, 2u);
    EXPECT_LE(done, total);
  };
  auto read = ReadPostgresCatalog(*client, options, nullptr);
  ASSERT_TRUE(read.ok()) << read.status().ToString();
  EXPECT_EQ(progress_calls, 2u);
  ASSERT_EQ(read->catalog.tables.size(), 2u);
  EXPECT_EQ(read->catalog.FindTable("t")->row_count, 2);
  const TableInfo* v = read->catalog.FindTable("v");
  ASSERT_NE(v, nullptr);
  EXPECT_EQ(v->columns.size(), 2u);
  ASSERT_EQ(read->warnings.size(), 1u);
  EXPECT_NE(read->warnings[0].find("view \"v\" has no statistics"), std::string::npos) << read->warnings[0];
  EXPECT_NE(read->warnings[0].find("statement timeout"), std::string::npos) << read->warnings[0];
}

// The Redshift branch, run on PostgreSQL through stand-ins for Redshift's SVV_TABLES and
// SVV_COLUMNS (SVV_TABLE_INFO is left missing, as it is for a login not granted it): every
// statement it sends is one PostgreSQL also accepts, and the transaction survives the failed one.
TEST_F(PostgresCatalogTest, RedshiftBranchOnPostgresStandIns) {
  const std::string fake = UniquePostgresName("svv");
  const std::string s = UniquePostgresName("rs");
  RunPostgresSql(
      "CREATE SCHEMA " + fake + ";"
      "CREATE VIEW " + fake + ".svv_tables AS SELECT table_schema::text, table_name::text,"
      "  CASE table_type WHEN 'VIEW' THEN 'VIEW' ELSE 'BASE TABLE' END AS table_type,"
      "  obj_description((quote_ident(table_schema) || '.' || quote_ident(table_name))::regclass, 'pg_class') AS remarks"
      "  FROM information_schema.tables;"
      "CREATE VIEW " + fake + ".svv_columns AS SELECT table_schema::text, table_name::text, column_name::text,"
      "  ordinal_position::int, data_type::text, character_maximum_length::int, numeric_precision::int,"
      "  numeric_scale::int, is_nullable::text,"
      "  col_description((quote_ident(table_schema) || '.' || quote_ident(table_name))::regclass,"
      "    ordinal_position::int) AS remarks FROM information_schema.columns;"
      "CREATE SCHEMA " + s + "; SET search_path = " + s + ";"
      "CREATE TABLE venue (venueid int PRIMARY KEY, venuename varchar(100), seats int);"
      "COMMENT ON TABLE venue IS 'Where events happen';"
      "COMMENT ON COLUMN venue.venuename IS 'Name of the venue';"
      "INSERT INTO venue VALUES (1, 'Arena', 100), (2, 'Dome', NULL);"
      "CREATE TABLE event (eventid int, venueid int REFERENCES venue, starttime timestamp, price numeric(8,2));"
      "INSERT INTO event VALUES (1, 1, '2008-01-01 10:00', 12.5), (2, 1, NULL, NULL), (3, 2, NULL, 3);"
      "CREATE VIEW arena_events AS SELECT e.eventid FROM event e JOIN venue v USING (venueid)"
      "  WHERE v.venuename = 'Arena';");
  auto client = PgClient::Connect(
      Login(da::testing::WithPostgresOptions(TestPostgresConninfo(), "options='-csearch_path=" + fake + "'")));
  ASSERT_TRUE(client.ok()) << client.status().ToString();
  PostgresCatalogOptions options;
  options.schema = s;
  options.redshift = true;
  ValueIndexBuilder builder;
  auto read = ReadPostgresCatalog(*client, options, &builder);
  ASSERT_TRUE(read.ok()) << read.status().ToString();
  const Catalog& c = read->catalog;
  ASSERT_EQ(c.tables.size(), 3u);
  const TableInfo* venue = c.FindTable("venue");
  ASSERT_NE(venue, nullptr);
  EXPECT_EQ(venue->description, "Where events happen");
  EXPECT_EQ(venue->row_count, 2);
  EXPECT_EQ(venue->primary_key, std::vector<std::string>{"venueid"});
  ASSERT_NE(venue->FindColumn("venuename"), nullptr);
  EXPECT_EQ(venue->FindColumn("venuename")->declared_type, "character varying(100)");
  EXPECT_EQ(venue->FindColumn("venuename")->description, "Name of the venue");
  EXPECT_TRUE(venue->FindColumn("venueid")->not_null);
  const TableInfo* event = c.FindTable("event");
  ASSERT_NE(event, nullptr);
  EXPECT_EQ(event->FindColumn("price")->declared_type, "numeric(8,2)");
  EXPECT_EQ(event->FindColumn("price")->type, ColumnType::kReal);
  EXPECT_EQ(event->FindColumn("starttime")->type, ColumnType::kTimestamp);
  ASSERT_EQ(event->foreign_keys.size(), 1u);
  EXPECT_EQ(event->foreign_keys[0].ref_table, "venue");
  EXPECT_TRUE(c.FindTable("arena_events")->is_view);
  EXPECT_EQ(c.FindTable("arena_events")->row_count, 2);
  ValueIndex index = std::move(builder).Finish();
  EXPECT_EQ(index.Exact("dome").size(), 1u);
}

// Over 50 MB and never analysed: not counted, but estimated from a sample of its pages, with a
// warning; its statistics come from a bounded sample.
TEST_F(PostgresCatalogTest, HugeNeverAnalysedTableIsEstimatedWithAWarning) {
  const std::string s = UniquePostgresName("huge");
  RunPostgresSql("CREATE SCHEMA " + s + "; CREATE TABLE " + s + ".wide (id int, pad text) WITH (autovacuum_enabled = false);"
                 "INSERT INTO " + s + ".wide SELECT g, repeat('x', 100) FROM generate_series(1, 450000) g;");
  ASSERT_GT(std::stoll(RunPostgresSql("SELECT pg_relation_size('" + s + ".wide')")), kExactCountMaxBytes);
  auto client = PgClient::Connect(Login(TestPostgresConninfo()));
  ASSERT_TRUE(client.ok());
  PostgresCatalogOptions options;
  options.schema = s;
  options.sample_rows = 20000;
  auto read = ReadPostgresCatalog(*client, options, nullptr);
  ASSERT_TRUE(read.ok()) << read.status().ToString();
  const TableInfo& wide = read->catalog.tables.at(0);
  EXPECT_NEAR(wide.row_count, 450000, 45000);
  EXPECT_TRUE(wide.FindColumn("id")->distinct_is_estimate);
  EXPECT_NEAR(wide.FindColumn("id")->distinct_count, 450000, 45000);
  EXPECT_EQ(wide.FindColumn("pad")->distinct_count, 1);
  ASSERT_EQ(read->warnings.size(), 1u);
  EXPECT_NE(read->warnings[0].find("\"wide\" was never analysed"), std::string::npos) << read->warnings[0];
}

// 100 tables of 1,000 rows: the time is printed (no assertion on it).
TEST_F(PostgresCatalogTest, HundredTables) {
  const std::string s = UniquePostgresName("hundred");
  std::string sql = "CREATE SCHEMA " + s + ";";
  for (int i = 0; i < 100; ++i) {
    const std::string t = s + ".t" + std::to_string(i);
    sql += "CREATE TABLE " + t + " (id int PRIMARY KEY, name text, amount numeric(8,2), day date);"
           "INSERT INTO " + t + " SELECT g, 'name ' || (g % 40), g * 0.5, date '2024-01-01' + g % 300"
           " FROM generate_series(1, 1000) g;";
  }
  RunPostgresSql(sql);
  auto client = PgClient::Connect(Login(TestPostgresConninfo()));
  ASSERT_TRUE(client.ok());
  PostgresCatalogOptions options;
  options.schema = s;
  ValueIndexBuilder builder;
  const auto start = std::chrono::steady_clock::now();
  auto read = ReadPostgresCatalog(*client, options, &builder);
  const double ms = std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - start).count();
  ASSERT_TRUE(read.ok()) << read.status().ToString();
  EXPECT_EQ(read->catalog.tables.size(), 100u);
  EXPECT_EQ(read->catalog.tables[0].row_count, 1000);
  std::cout << "100 tables x 1,000 rows: catalog read in " << ms << " ms\n";
  RecordProperty("hundred_tables_ms", std::to_string(ms));
}

TEST(PostgresCatalogTypes, FormattedTypesMapToOurs) {
  EXPECT_EQ(ColumnTypeFromPostgres("integer"), ColumnType::kInteger);
  EXPECT_EQ(ColumnTypeFromPostgres("bigint"), ColumnType::kInteger);
  EXPECT_EQ(ColumnTypeFromPostgres("smallint"), ColumnType::kInteger);
  EXPECT_EQ(ColumnTypeFromPostgres("numeric(12,0)"), ColumnType::kInteger);
  EXPECT_EQ(ColumnTypeFromPostgres("numeric(10)"), ColumnType::kInteger);
  EXPECT_EQ(ColumnTypeFromPostgres("numeric(12,2)"), ColumnType::kReal);
  EXPECT_EQ(ColumnTypeFromPostgres("numeric"), ColumnType::kReal);
  EXPECT_EQ(ColumnTypeFromPostgres("double precision"), ColumnType::kReal);
  EXPECT_EQ(ColumnTypeFromPostgres("real"), ColumnType::kReal);
  EXPECT_EQ(ColumnTypeFromPostgres("money"), ColumnType::kReal);
  EXPECT_EQ(ColumnTypeFromPostgres("boolean"), ColumnType::kBoolean);
  EXPECT_EQ(ColumnTypeFromPostgres("date"), ColumnType::kDate);
  EXPECT_EQ(ColumnTypeFromPostgres("timestamp without time zone"), ColumnType::kTimestamp);
  EXPECT_EQ(ColumnTypeFromPostgres("timestamp(3) with time zone"), ColumnType::kTimestamp);
  EXPECT_EQ(ColumnTypeFromPostgres("time without time zone"), ColumnType::kText);
  EXPECT_EQ(ColumnTypeFromPostgres("character varying(20)"), ColumnType::kText);
  EXPECT_EQ(ColumnTypeFromPostgres("integer[]"), ColumnType::kText);
  EXPECT_EQ(ColumnTypeFromPostgres("uuid"), ColumnType::kText);
  EXPECT_EQ(ColumnTypeFromPostgres("jsonb"), ColumnType::kText);
}

TEST(PostgresCatalogTypes, ArraysInTextForm) {
  using Elements = std::vector<std::optional<std::string>>;
  EXPECT_EQ(ParsePgArray("{}"), Elements{});
  EXPECT_EQ(ParsePgArray("{a,b}"), (Elements{"a", "b"}));
  EXPECT_EQ(ParsePgArray(R"({"New York","say \"hi\"",NULL,"NULL","a\\b"})"),
            (Elements{"New York", "say \"hi\"", std::nullopt, "NULL", "a\\b"}));
  EXPECT_EQ(ParsePgArray("{{1,2},{3,4}}"), std::nullopt);
  EXPECT_EQ(ParsePgArray("nope"), std::nullopt);
}

}  // namespace
}  // namespace da
