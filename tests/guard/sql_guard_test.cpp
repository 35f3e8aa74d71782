#include "guard/sql_guard.h"

#include <gtest/gtest.h>
#include <sqlite3.h>

#include <atomic>
#include <chrono>
#include <filesystem>
#include <functional>
#include <thread>

#include "common/sqlite.h"
#include "test_util.h"

namespace da {
namespace {

namespace fs = std::filesystem;
using da::testing::ReadFile;
using da::testing::SharedDir;
using da::testing::TempDir;

constexpr int kOrderRows = 50;

// A small dataset: orders, customers, a hidden table `secret`, and views over both.
void BuildDataset(const fs::path& path) {
  auto db = OpenSqlite(path, OpenMode::kReadWriteCreate);
  ASSERT_TRUE(db.ok()) << db.status().ToString();
  std::string sql =
      "BEGIN;"
      "CREATE TABLE customers(id INTEGER PRIMARY KEY, name TEXT);"
      "INSERT INTO customers VALUES (1, 'Alice'), (2, 'Bob'), (3, 'Chloé');"
      "CREATE TABLE orders(id INTEGER PRIMARY KEY, customer_id INTEGER, amount REAL, day TEXT,"
      " tags TEXT, note TEXT, raw BLOB);"
      "CREATE TABLE secret(token TEXT);"
      "INSERT INTO secret VALUES ('hunter2');"
      "CREATE VIEW v_secret AS SELECT token FROM secret;"
      "CREATE VIEW v_big_orders AS SELECT * FROM orders WHERE amount > 100;"
      "CREATE INDEX orders_customer ON orders(customer_id);";
  ASSERT_TRUE(ExecSql(db->get(), sql).ok());
  for (int i = 1; i <= kOrderRows; ++i) {
    std::string row = "INSERT INTO orders VALUES (" + std::to_string(i) + ", " +
                      std::to_string(i % 3 + 1) + ", " + std::to_string(i * 10) + ".5, '2024-01-" +
                      (i % 28 + 1 < 10 ? "0" : "") + std::to_string(i % 28 + 1) +
                      "', '[\"a\",\"b\"]', " + (i % 5 == 0 ? "NULL" : "'n" + std::to_string(i) + "'") +
                      ", x'0102')";
    ASSERT_TRUE(ExecSql(db->get(), row).ok());
  }
  ASSERT_TRUE(ExecSql(db->get(), "COMMIT").ok());
}

// Row counts read through a plain SQLite connection, independent of the guard.
std::string RowCounts(const fs::path& path) {
  auto db = OpenSqlite(path, OpenMode::kReadOnly);
  if (!db.ok()) return db.status().ToString();
  std::string out;
  for (const char* sql : {"SELECT count(*) FROM orders", "SELECT count(*) FROM customers",
                          "SELECT count(*) FROM secret", "SELECT count(*) FROM sqlite_schema"}) {
    auto st = PrepareSql(db->get(), sql);
    if (!st.ok() || sqlite3_step(st->get()) != SQLITE_ROW) return "error";
    out += std::to_string(sqlite3_column_int64(st->get(), 0)) + " ";
  }
  return out;
}

std::vector<std::string> DirListing(const fs::path& dir) {
  std::vector<std::string> names;
  for (const auto& e : fs::directory_iterator(dir)) names.push_back(e.path().filename().string());
  std::sort(names.begin(), names.end());
  return names;
}

class SqlGuardTest : public ::testing::Test {
 protected:
  void SetUp() override {
    db_path_ = tmp_ / "data" / "shop.sqlite";
    fs::create_directories(db_path_.parent_path());
    BuildDataset(db_path_);
    auto conn = GuardedConnection::Open(db_path_, {"Secret"});
    ASSERT_TRUE(conn.ok()) << conn.status().ToString();
    conn_ = std::move(conn).value();
  }

  QueryResult Run(const std::string& sql, GuardLimits limits = GuardLimits()) {
    auto r = conn_->Execute(sql, limits);
    EXPECT_TRUE(r.ok()) << sql << " -> " << r.status().ToString();
    return r.ok() ? std::move(r).value() : QueryResult();
  }

  int64_t Scalar(const std::string& sql) {
    QueryResult r = Run(sql);
    if (r.rows.size() != 1 || r.rows[0].size() != 1) return -1;
    const int64_t* v = std::get_if<int64_t>(&r.rows[0][0]);
    return v ? *v : -1;
  }

  TempDir tmp_;
  fs::path db_path_;
  std::unique_ptr<GuardedConnection> conn_;
};

// ---- Opening -------------------------------------------------------------------------------

TEST_F(SqlGuardTest, OpensTheFileReadOnly) {
  EXPECT_EQ(sqlite3_db_readonly(conn_->raw(), "main"), 1);
  int enabled = -1;
  sqlite3_db_config(conn_->raw(), SQLITE_DBCONFIG_ENABLE_LOAD_EXTENSION, -1, &enabled);
  EXPECT_EQ(enabled, 0);
  sqlite3_db_config(conn_->raw(), SQLITE_DBCONFIG_DEFENSIVE, -1, &enabled);
  EXPECT_EQ(enabled, 1);
  sqlite3_db_config(conn_->raw(), SQLITE_DBCONFIG_TRUSTED_SCHEMA, -1, &enabled);
  EXPECT_EQ(enabled, 0);
  EXPECT_EQ(sqlite3_limit(conn_->raw(), SQLITE_LIMIT_ATTACHED, -1), 0);
}

TEST(SqlGuardOpenTest, MissingFileIsNotFound) {
  TempDir tmp;
  auto conn = GuardedConnection::Open(tmp / "nope.sqlite");
  ASSERT_FALSE(conn.ok());
  EXPECT_EQ(conn.status().code(), Status::Code::kNotFound);
  EXPECT_NE(conn.status().message().find("nope.sqlite"), std::string::npos);
  EXPECT_FALSE(fs::exists(tmp / "nope.sqlite"));
}

TEST(SqlGuardOpenTest, NonDatabaseFileIsInvalidArgument) {
  TempDir tmp;
  da::testing::WriteFile(tmp / "notes.sqlite", "id,name\n1,Alice\n this is not a database at all");
  auto conn = GuardedConnection::Open(tmp / "notes.sqlite");
  ASSERT_FALSE(conn.ok());
  EXPECT_EQ(conn.status().code(), Status::Code::kInvalidArgument);
  EXPECT_NE(conn.status().message().find("is not a readable SQLite database"), std::string::npos);
}

TEST(SqlGuardOpenTest, FileNamesWithUriCharactersOpenAsPlainPaths) {
  TempDir tmp;
  fs::path odd = tmp / "we?ird#na%me&mode=rwc.sqlite";
  BuildDataset(odd);
  auto conn = GuardedConnection::Open(odd);
  ASSERT_TRUE(conn.ok()) << conn.status().ToString();
  auto r = (*conn)->Execute("SELECT count(*) FROM customers");
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_EQ(std::get<int64_t>(r->rows[0][0]), 3);
  EXPECT_EQ(sqlite3_db_readonly((*conn)->raw(), "main"), 1);
}

// ---- Allowed queries -----------------------------------------------------------------------

TEST_F(SqlGuardTest, SelectReturnsColumnsAndTypedValues) {
  QueryResult r = Run("SELECT id, amount, note, raw, NULL AS missing FROM orders WHERE id = 5");
  EXPECT_EQ(r.columns, (std::vector<std::string>{"id", "amount", "note", "raw", "missing"}));
  ASSERT_EQ(r.rows.size(), 1u);
  EXPECT_EQ(r.rows[0][0], Value(int64_t{5}));
  EXPECT_EQ(r.rows[0][1], Value(50.5));
  EXPECT_TRUE(IsNull(r.rows[0][2]));
  EXPECT_EQ(r.rows[0][3], Value(std::string("<blob 2 bytes>")));
  EXPECT_TRUE(IsNull(r.rows[0][4]));
  EXPECT_FALSE(r.truncated);
  EXPECT_GE(r.elapsed_ms, 0.0);
}

TEST_F(SqlGuardTest, JoinsAggregatesAndViews) {
  QueryResult r = Run(
      "SELECT c.name, count(*) AS n, round(sum(o.amount), 1) AS total FROM orders o "
      "JOIN customers c ON c.id = o.customer_id GROUP BY c.name ORDER BY c.name");
  ASSERT_EQ(r.rows.size(), 3u);
  EXPECT_EQ(r.rows[0][0], Value(std::string("Alice")));
  EXPECT_EQ(r.rows[2][0], Value(std::string("Chloé")));
  EXPECT_EQ(Scalar("SELECT count(*) FROM v_big_orders"), 41);
}

TEST_F(SqlGuardTest, CtesRecursiveCtesAndWindowFunctions) {
  EXPECT_EQ(Scalar("WITH big AS (SELECT * FROM orders WHERE amount > 250) SELECT count(*) FROM big"),
            26);
  EXPECT_EQ(Scalar("WITH RECURSIVE r(n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM r WHERE n < 100)"
                   " SELECT sum(n) FROM r"),
            5050);
  QueryResult w = Run(
      "SELECT id, row_number() OVER (PARTITION BY customer_id ORDER BY id) AS rn, "
      "sum(amount) OVER (ORDER BY id ROWS BETWEEN 1 PRECEDING AND CURRENT ROW) AS running, "
      "lag(id) OVER (ORDER BY id) AS prev, rank() OVER (ORDER BY customer_id) AS rk "
      "FROM orders ORDER BY id LIMIT 3");
  ASSERT_EQ(w.rows.size(), 3u);
  EXPECT_EQ(w.rows[1][2], Value(20.5 + 10.5));
  EXPECT_TRUE(IsNull(w.rows[0][3]));
}

TEST_F(SqlGuardTest, DateJsonMathAndStringFunctions) {
  QueryResult r = Run(
      "SELECT date('2024-01-31', '+1 day'), strftime('%Y', day), julianday('2024-01-02') - "
      "julianday('2024-01-01'), json_extract(tags, '$[1]'), tags ->> '$[0]', "
      "json_array_length(tags), sqrt(16), upper(substr('hello', 1, 2)), printf('%05.1f', 3.14159),"
      " coalesce(note, 'none'), iif(amount > 100, 'big', 'small') FROM orders WHERE id = 10");
  ASSERT_EQ(r.rows.size(), 1u);
  EXPECT_EQ(r.rows[0][0], Value(std::string("2024-02-01")));
  EXPECT_EQ(r.rows[0][1], Value(std::string("2024")));
  EXPECT_EQ(r.rows[0][2], Value(1.0));
  EXPECT_EQ(r.rows[0][3], Value(std::string("b")));
  EXPECT_EQ(r.rows[0][4], Value(std::string("a")));
  EXPECT_EQ(r.rows[0][5], Value(int64_t{2}));
  EXPECT_EQ(r.rows[0][6], Value(4.0));
  EXPECT_EQ(r.rows[0][7], Value(std::string("HE")));
  EXPECT_EQ(r.rows[0][8], Value(std::string("003.1")));
  EXPECT_EQ(r.rows[0][9], Value(std::string("none")));
  EXPECT_EQ(r.rows[0][10], Value(std::string("big")));
}

TEST_F(SqlGuardTest, JsonTableFunctionsWorkEvenWithHiddenTables) {
  EXPECT_EQ(Scalar("SELECT count(*) FROM orders, json_each(orders.tags) WHERE orders.id <= 3"), 6);
  EXPECT_EQ(Scalar("SELECT count(*) FROM json_tree('{\"a\":[1,2]}')"), 4);
}

TEST_F(SqlGuardTest, TrailingSemicolonsAndCommentsAreFine) {
  for (const char* sql : {"SELECT 1;", "SELECT 1 ;;  ", "SELECT 1 -- the answer",
                          "SELECT 1; -- done\n", "SELECT 1 /* unterminated comment",
                          "-- leading comment\n/* and another */ SELECT 1;",
                          "  ;  SELECT 1", "VALUES (1)", "EXPLAIN QUERY PLAN SELECT * FROM orders"}) {
    auto r = conn_->Execute(sql);
    EXPECT_TRUE(r.ok()) << sql << " -> " << r.status().ToString();
  }
}

TEST_F(SqlGuardTest, SchemaTableIsReadableWithoutHiddenTables) {
  auto open = GuardedConnection::Open(db_path_);
  ASSERT_TRUE(open.ok());
  auto r = (*open)->Execute("SELECT name FROM sqlite_schema WHERE type = 'table' ORDER BY name");
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_EQ(r->rows.size(), 3u);
  EXPECT_TRUE((*open)->Execute("SELECT count(*) FROM sqlite_master").ok());
  EXPECT_TRUE((*open)->Execute("SELECT count(*) FROM sqlite_temp_master").ok());
  // Without hidden tables, the secret table is an ordinary table.
  EXPECT_TRUE((*open)->Execute("SELECT * FROM v_secret").ok());
}

TEST_F(SqlGuardTest, ValidateChecksWithoutRunning) {
  EXPECT_TRUE(conn_->Validate("SELECT * FROM orders").ok());
  // A statement that would run forever validates instantly.
  EXPECT_TRUE(conn_->Validate("WITH RECURSIVE r(n) AS (SELECT 1 UNION ALL SELECT n+1 FROM r) "
                              "SELECT count(*) FROM r").ok());
  Status st = conn_->Validate("DELETE FROM orders");
  EXPECT_EQ(st.code(), Status::Code::kRefused);
  EXPECT_EQ(conn_->Validate("SELECT * FROM secret").message(),
            "table secret is not visible in this dataset");
}

// ---- Refused and invalid statements --------------------------------------------------------

struct Attack {
  std::string sql;
  std::string expected;  // substring of the refusal message
};

TEST_F(SqlGuardTest, AttackCorpusIsRefusedAndChangesNothing) {
  const fs::path dir = db_path_.parent_path();
  const std::string stolen = (dir / "stolen.db").string();
  const std::string attached = (dir / "attached.db").string();
  const std::string written = (dir / "written.txt").string();
  const std::string before_bytes = ReadFile(db_path_);
  const std::string before_counts = RowCounts(db_path_);
  const std::vector<std::string> before_files = DirListing(dir);

  const std::string kWrite = "only read-only queries can run here: ";
  const std::vector<Attack> attacks = {
      {"INSERT INTO orders(id) VALUES (999)", kWrite + "INSERT is a write"},
      {"insert into customers values (9, 'Mallory')", kWrite + "INSERT is a write"},
      {"UPDATE orders SET amount = 0", kWrite + "UPDATE is a write"},
      {"DELETE FROM orders", kWrite + "DELETE is a write"},
      {"REPLACE INTO customers VALUES (1, 'Mallory')", kWrite + "REPLACE is a write"},
      {"INSERT INTO customers VALUES (1, 'M') ON CONFLICT(id) DO UPDATE SET name = 'M'",
       kWrite + "INSERT is a write"},
      {"WITH x AS (SELECT 1) INSERT INTO customers SELECT 100, 'M' FROM x",
       kWrite + "INSERT is a write"},
      {"WITH x AS (SELECT 1) UPDATE orders SET amount = 0", kWrite + "UPDATE is a write"},
      {"WITH x AS (SELECT 1) DELETE FROM orders", kWrite + "DELETE is a write"},
      {"/* hi */ DELETE FROM orders", kWrite + "DELETE is a write"},
      {"EXPLAIN DELETE FROM orders", kWrite + "DELETE is a write"},
      {"DROP TABLE orders", "dropping tables is not allowed"},
      {"DROP TABLE no_such_table", "dropping tables is not allowed"},
      {"DROP VIEW v_big_orders", "dropping views is not allowed"},
      {"DROP INDEX orders_customer", "dropping indexes is not allowed"},
      {"CREATE TABLE t2(x)", "creating tables is not allowed"},
      {"CREATE TABLE t3 AS SELECT * FROM orders", "creating tables is not allowed"},
      {"CREATE TEMP TABLE t2(x)", "creating tables is not allowed"},
      {"CREATE TEMPORARY TABLE t2 AS SELECT * FROM orders", "creating tables is not allowed"},
      {"CREATE VIRTUAL TABLE f USING fts5(x)", "creating tables is not allowed"},
      {"CREATE TEMP VIEW tv AS SELECT * FROM secret", "creating views is not allowed"},
      {"CREATE VIEW tv AS SELECT 1", "creating views is not allowed"},
      {"CREATE TEMP TRIGGER tr AFTER INSERT ON orders BEGIN SELECT 1; END",
       "creating triggers is not allowed"},
      {"CREATE UNIQUE INDEX i2 ON orders(id)", "creating indexes is not allowed"},
      {"ALTER TABLE orders ADD COLUMN z", "ALTER TABLE is not allowed"},
      {"ALTER TABLE orders RENAME TO o2", "ALTER TABLE is not allowed"},
      {"SELECT 1; DROP TABLE orders", "exactly one statement is allowed; found more at position 11"},
      {"SELECT * FROM orders;;\n  DELETE FROM orders",
       "exactly one statement is allowed; found more at position 26"},
      {"SELECT 1 -- c\n; SELECT 2", "exactly one statement is allowed; found more at position 17"},
      {"ATTACH '" + attached + "' AS y", "ATTACH is not allowed"},
      {"ATTACH DATABASE ':memory:' AS y", "ATTACH is not allowed"},
      {"DETACH y", "DETACH is not allowed"},
      {"PRAGMA writable_schema = 1", "PRAGMA is not allowed"},
      {"PRAGMA journal_mode = delete", "PRAGMA is not allowed"},
      {"PRAGMA query_only = 0", "PRAGMA is not allowed"},
      {"PRAGMA table_info(orders)", "PRAGMA is not allowed"},
      {"SELECT * FROM pragma_table_info('secret')", "PRAGMA is not allowed"},
      {"VACUUM", "VACUUM is not allowed"},
      {"VACUUM INTO '" + stolen + "'", "VACUUM is not allowed"},
      {"REINDEX", "REINDEX is not allowed"},
      {"REINDEX orders", "REINDEX is not allowed"},
      {"ANALYZE", "ANALYZE is not allowed"},
      {"BEGIN", "transactions are not allowed"},
      {"BEGIN IMMEDIATE", "transactions are not allowed"},
      {"COMMIT", "transactions are not allowed"},
      {"END", "transactions are not allowed"},
      {"ROLLBACK", "transactions are not allowed"},
      {"SAVEPOINT s1", "transactions are not allowed"},
      {"RELEASE s1", "transactions are not allowed"},
      {"SELECT load_extension('/tmp/evil')", "function load_extension is not allowed"},
      {"SELECT LOAD_EXTENSION('/tmp/evil', 'entry')", "function load_extension is not allowed"},
      {"SELECT writefile('" + written + "', 'x')", "function writefile is not allowed"},
      {"SELECT readfile('/etc/passwd')", "function readfile is not allowed"},
      {"SELECT fts3_tokenizer('simple')", "function fts3_tokenizer is not allowed"},
      {"SELECT sqlite_compileoption_get(0)", "function sqlite_compileoption_get is not allowed"},
      {"SELECT * FROM secret", "table secret is not visible in this dataset"},
      {"SELECT count(*) FROM secret", "table secret is not visible in this dataset"},
      {"SELECT 1 FROM main.SECRET", "table SECRET is not visible in this dataset"},
      {"SELECT (SELECT token FROM secret) FROM orders",
       "table secret is not visible in this dataset"},
      {"SELECT * FROM orders WHERE EXISTS (SELECT 1 FROM secret)",
       "table secret is not visible in this dataset"},
      {"WITH s AS (SELECT * FROM secret) SELECT * FROM s",
       "table secret is not visible in this dataset"},
      {"SELECT * FROM v_secret", "table secret is not visible in this dataset"},
      {"SELECT * FROM orders o JOIN secret s ON 1", "table secret is not visible in this dataset"},
      {"SELECT name, sql FROM sqlite_master",
       "sqlite_schema is not readable in this dataset because it would reveal hidden tables"},
      {"SELECT count(*) FROM sqlite_schema", "sqlite_schema is not readable"},
      {"SELECT * FROM dbstat", "table dbstat is not available here"},
      {"SELECT count(*) FROM dbstat", "table dbstat is not available here"},
      {"SELECT * FROM sqlite_stmt", "table sqlite_stmt is not available here"},
  };
  for (const Attack& a : attacks) {
    auto r = conn_->Execute(a.sql);
    ASSERT_FALSE(r.ok()) << "not refused: " << a.sql;
    EXPECT_EQ(r.status().code(), Status::Code::kRefused) << a.sql << " -> "
                                                         << r.status().ToString();
    EXPECT_NE(r.status().message().find(a.expected), std::string::npos)
        << a.sql << "\n  got: " << r.status().message() << "\n  want: " << a.expected;
    // The connection stays usable after every refusal.
    EXPECT_EQ(Scalar("SELECT count(*) FROM orders"), kOrderRows) << "after " << a.sql;
  }
  conn_.reset();
  EXPECT_EQ(ReadFile(db_path_), before_bytes) << "database bytes changed";
  EXPECT_EQ(RowCounts(db_path_), before_counts);
  EXPECT_EQ(DirListing(dir), before_files) << "a file was created or removed";
  EXPECT_FALSE(fs::exists(stolen));
  EXPECT_FALSE(fs::exists(written));
  EXPECT_FALSE(fs::exists(attached));
}

TEST_F(SqlGuardTest, EmptyStatementsAreInvalid) {
  for (const char* sql : {"", ";", " ;; ", "-- x", "/* only a comment */", "  \n\t"}) {
    auto r = conn_->Execute(sql);
    ASSERT_FALSE(r.ok()) << "'" << sql << "'";
    EXPECT_EQ(r.status().code(), Status::Code::kInvalidArgument);
    EXPECT_EQ(r.status().message(), "no SQL statement given");
  }
}

TEST_F(SqlGuardTest, SqliteErrorsAreInvalidArgumentWithSqliteMessage) {
  auto syntax = conn_->Execute("SELEC 1");
  EXPECT_EQ(syntax.status().code(), Status::Code::kInvalidArgument);
  EXPECT_EQ(syntax.status().message(), "SQL error: near \"SELEC\": syntax error");

  auto table = conn_->Execute("SELECT * FROM no_such_table");
  EXPECT_EQ(table.status().code(), Status::Code::kInvalidArgument);
  EXPECT_EQ(table.status().message(), "SQL error: no such table: no_such_table");

  auto column = conn_->Execute("SELECT nope FROM orders");
  EXPECT_EQ(column.status().message(), "SQL error: no such column: nope");

  auto function = conn_->Execute("SELECT lenght(note) FROM orders");
  EXPECT_EQ(function.status().message(), "SQL error: no such function: lenght");

  auto runtime = conn_->Execute("SELECT json_extract('{not json', '$.a')");
  EXPECT_EQ(runtime.status().code(), Status::Code::kInvalidArgument);
  EXPECT_EQ(runtime.status().message(), "SQL error: malformed JSON");

  EXPECT_EQ(Scalar("SELECT count(*) FROM customers"), 3);  // still usable
}

TEST_F(SqlGuardTest, OversizedInputsAreRefusedClearly) {
  auto nul = conn_->Execute(std::string("SELECT 1\0; DROP TABLE orders", 29));
  EXPECT_EQ(nul.status().code(), Status::Code::kInvalidArgument);
  EXPECT_EQ(nul.status().message(), "SQL text contains a NUL byte at position 9");

  std::string huge = "SELECT '" + std::string(GuardedConnection::kMaxSqlBytes, 'x') + "'";
  auto big = conn_->Execute(huge);
  EXPECT_EQ(big.status().code(), Status::Code::kInvalidArgument);
  EXPECT_EQ(big.status().message(), "SQL text is 100009 bytes; the limit is 100000");

  std::string deep = "SELECT 1";
  for (int i = 0; i < 300; ++i) deep += " + 1";
  auto depth = conn_->Execute(deep);
  EXPECT_EQ(depth.status().code(), Status::Code::kInvalidArgument);
  EXPECT_NE(depth.status().message().find("Expression tree is too large"), std::string::npos)
      << depth.status().message();

  auto blob = conn_->Execute("SELECT length(randomblob(200000000))");
  EXPECT_EQ(blob.status().code(), Status::Code::kInvalidArgument);
  EXPECT_EQ(blob.status().message(), "SQL error: string or blob too big");
}

// ---- Row cap -------------------------------------------------------------------------------

TEST_F(SqlGuardTest, RowCapTruncatesAndReportsIt) {
  GuardLimits limits;
  limits.max_rows = 10;
  QueryResult r = Run("SELECT id FROM orders ORDER BY id", limits);
  EXPECT_EQ(r.rows.size(), 10u);
  EXPECT_TRUE(r.truncated);
  EXPECT_EQ(r.rows.back()[0], Value(int64_t{10}));

  limits.max_rows = kOrderRows;
  r = Run("SELECT id FROM orders", limits);
  EXPECT_EQ(r.rows.size(), static_cast<size_t>(kOrderRows));
  EXPECT_FALSE(r.truncated);

  limits.max_rows = kOrderRows + 1;
  EXPECT_FALSE(Run("SELECT id FROM orders", limits).truncated);
}

TEST_F(SqlGuardTest, RowCapStopsAnEndlessResultWithoutMaterialisingIt) {
  GuardLimits limits;
  limits.max_rows = 5;
  QueryResult r =
      Run("WITH RECURSIVE r(n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM r) SELECT n FROM r", limits);
  ASSERT_EQ(r.rows.size(), 5u);
  EXPECT_TRUE(r.truncated);
  EXPECT_EQ(r.rows[4][0], Value(int64_t{5}));
}

TEST_F(SqlGuardTest, NonPositiveLimitsAreInvalid) {
  GuardLimits limits;
  limits.max_rows = 0;
  auto r = conn_->Execute("SELECT 1", limits);
  EXPECT_EQ(r.status().code(), Status::Code::kInvalidArgument);
  EXPECT_EQ(r.status().message(), "max_rows must be positive, got 0");
  limits.max_rows = -3;
  EXPECT_EQ(conn_->Execute("SELECT 1", limits).status().message(),
            "max_rows must be positive, got -3");
  limits.max_rows = 10;
  limits.timeout = std::chrono::milliseconds(0);
  EXPECT_EQ(conn_->Execute("SELECT 1", limits).status().message(),
            "timeout must be positive, got 0 ms");
}

// ---- Time limit and cancellation -----------------------------------------------------------

constexpr const char* kEndless =
    "WITH RECURSIVE r(n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM r) SELECT count(*) FROM r";

TEST_F(SqlGuardTest, TimeLimitInterruptsAndConnectionStaysUsable) {
  GuardLimits limits;
  limits.timeout = std::chrono::milliseconds(200);
  auto r = conn_->Execute(kEndless, limits);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().code(), Status::Code::kTimeout);
  EXPECT_EQ(r.status().message(), "query interrupted after 0.2 s (time limit)");
  EXPECT_EQ(Scalar("SELECT count(*) FROM orders"), kOrderRows);
  // A big but finite query after the timeout gets its own, fresh time budget.
  EXPECT_EQ(Scalar("WITH RECURSIVE r(n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM r WHERE n < 20000)"
                   " SELECT count(*) FROM r"),
            20000);
}

TEST_F(SqlGuardTest, InterruptFromAnotherThreadCancels) {
  std::atomic<bool> done{false};
  // Keeps interrupting until the query returns, so the test does not depend on timing.
  std::thread canceller([&] {
    while (!done.load()) {
      std::this_thread::sleep_for(std::chrono::milliseconds(20));
      conn_->Interrupt();
    }
  });
  GuardLimits limits;
  limits.timeout = std::chrono::minutes(5);
  auto r = conn_->Execute(kEndless, limits);
  done = true;
  canceller.join();
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().code(), Status::Code::kCancelled);
  EXPECT_EQ(r.status().message(), "query cancelled");
  EXPECT_EQ(Scalar("SELECT count(*) FROM customers"), 3);
}

TEST_F(SqlGuardTest, InterruptWhileIdleDoesNotAffectTheNextQuery) {
  conn_->Interrupt();
  EXPECT_EQ(Scalar("WITH RECURSIVE r(n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM r WHERE n < 5000)"
                   " SELECT count(*) FROM r"),
            5000);
}

// ---- A real dataset ------------------------------------------------------------------------

TEST(SqlGuardSpiderTest, ReadsConcertSingerAndRefusesWrites) {
  fs::path db = SharedDir() / "bench/spider/database/concert_singer/concert_singer.sqlite";
  if (!fs::exists(db)) GTEST_SKIP() << "Spider data not present at " << db;
  const std::string before = ReadFile(db);
  {
    auto conn = GuardedConnection::Open(db);
    ASSERT_TRUE(conn.ok()) << conn.status().ToString();
    auto count = (*conn)->Execute("SELECT count(*) FROM singer");
    ASSERT_TRUE(count.ok()) << count.status().ToString();
    EXPECT_EQ(count->rows.size(), 1u);
    auto join = (*conn)->Execute(
        "SELECT c.concert_Name, count(*) AS singers FROM concert c "
        "JOIN singer_in_concert sic ON sic.concert_ID = c.concert_ID "
        "GROUP BY c.concert_ID ORDER BY singers DESC, c.concert_Name;");
    ASSERT_TRUE(join.ok()) << join.status().ToString();
    EXPECT_EQ(join->columns, (std::vector<std::string>{"concert_Name", "singers"}));
    EXPECT_FALSE(join->rows.empty());
    for (const char* sql : {"DELETE FROM singer", "DROP TABLE concert", "UPDATE stadium SET Capacity = 0",
                            "PRAGMA journal_mode = wal", "VACUUM"}) {
      auto r = (*conn)->Execute(sql);
      EXPECT_EQ(r.status().code(), Status::Code::kRefused) << sql;
    }
  }
  EXPECT_EQ(ReadFile(db), before);
}

}  // namespace
}  // namespace da
