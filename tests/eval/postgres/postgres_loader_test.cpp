// LoadSqliteIntoPostgres against the real PostgreSQL of the tests: a SQLite file with awkward
// content (mixed-case names, an int column holding text, free-text dates, a foreign key the data
// violates, NULLs, unicode, quotes, backslashes, tabs and newlines, int64 extremes, reals, blobs,
// text that is not UTF-8) must come back value for value; re-runs skip; a changed file reloads.
#include "eval/postgres_loader.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <cstdlib>
#include <string>
#include <vector>

#include "common/sqlite.h"
#include "common/strings.h"
#include "postgres_test_util.h"
#include "test_util.h"

namespace da {
namespace {

using testing::RunPostgresSql;
using testing::TempDir;
using testing::TestPostgresConninfo;
using testing::UniquePostgresName;

constexpr const char* kAwkward = R"sql(
  CREATE TABLE "Singer" ("Singer_ID" int PRIMARY KEY, "Name" text, "Age" int, "Net_Worth" real, "Born" date,
                         "Debut" date, "Seen" datetime, "Is_Male" bool, "Big" integer, "Score" number,
                         "Anything", "Photo" blob, "Latin" text);
  INSERT INTO "Singer" VALUES
    (1, 'O''Brien "the voice"', 52, 1.5, '1970-01-02', '1990-05-06', '2020-01-01 10:00:00', 1,
     9223372036854775807, 1, 5, x'00ff10', 'plain'),
    (2, 'tab' || char(9) || 'nl' || char(10) || 'cr' || char(13) || 'bs\N\\x', 'unknown', 1e300, 'around 1970',
     '2000-02-29', '2021-12-31 23:59:59', 0, -9223372036854775808, 2.5, 'x', x'', CAST(x'e9' AS TEXT)),
    (3, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL),
    (4, 'Zoë 北京 🎵', '', -0.1, '1980', '1999-12-31', '1999-12-31 00:00:00', 1, 0, 3, 2.25, NULL, NULL);
  CREATE TABLE stadium (id int, name text);
  INSERT INTO stadium VALUES (1, 'Main'), (2, 'Side');
  CREATE TABLE "Concert" ("Concert_ID" int PRIMARY KEY, "Singer_ID" int REFERENCES singer(singer_id),
                          "Stadium_ID" int REFERENCES stadium(id), "Theme" text, "Year" text);
  INSERT INTO "Concert" VALUES (1, 1, 1, 'Free choice', '2014'), (2, 4, 2, 'Wide Awake', '2015'),
                               (3, 2, 1, NULL, NULL);
  CREATE TABLE orphan_fk (id int, stadium_id int REFERENCES stadium(id));
  INSERT INTO orphan_fk VALUES (1, 1), (2, 99);
  CREATE VIEW v_singer AS SELECT "Name" FROM "Singer";
)sql";

void MakeSqlite(const std::filesystem::path& path, const std::string& sql) {
  auto db = OpenSqlite(path, OpenMode::kReadWriteCreate);
  ASSERT_TRUE(db.ok()) << db.status().ToString();
  ASSERT_TRUE(ExecSql(db->get(), sql).ok());
}

PgClient Connect() {
  PgLogin login;
  login.conninfo = TestPostgresConninfo();
  auto client = PgClient::Connect(login);
  if (!client.ok()) throw std::runtime_error(client.status().ToString());
  return std::move(client).value();
}

std::string Hex(const void* p, int n) {
  static const char kHex[] = "0123456789abcdef";
  std::string out;
  for (int i = 0; i < n; ++i) {
    const auto b = static_cast<const unsigned char*>(p)[i];
    out += kHex[b >> 4];
    out += kHex[b & 0xF];
  }
  return out;
}

// The SQLite cell as PostgreSQL should print it for a column of `pg_type` (a value of the
// expression ExpressionFor gives); "<NULL>" for NULL.
std::string ExpectedText(sqlite3_stmt* st, int i, const std::string& pg_type) {
  const int type = sqlite3_column_type(st, i);
  if (type == SQLITE_NULL) return "<NULL>";
  if (pg_type == "bytea") {
    const void* p = type == SQLITE_BLOB ? sqlite3_column_blob(st, i) : sqlite3_column_text(st, i);
    return Hex(p, sqlite3_column_bytes(st, i));
  }
  if (pg_type == "boolean") return sqlite3_column_int64(st, i) ? "true" : "false";
  if (pg_type == "double precision") {
    char buf[40];
    std::snprintf(buf, sizeof buf, "%.17g", sqlite3_column_double(st, i));
    return buf;
  }
  const auto* text = reinterpret_cast<const char*>(sqlite3_column_text(st, i));
  return std::string(text, static_cast<size_t>(sqlite3_column_bytes(st, i)));
}

// The column as text: bytea as hex, everything else as PostgreSQL prints it.
std::string ExpressionFor(const std::string& column, const std::string& pg_type) {
  const std::string c = QuoteIdentifier(column);
  return pg_type == "bytea" ? "encode(" + c + ", 'hex')" : c + "::text";
}

// Every value of every loaded table equals the SQLite file's, in rowid order (PostgreSQL rows
// are ordered by the table's first column, an id in these fixtures).
void ExpectSameValues(PgClient& client, const std::filesystem::path& sqlite_path, const PgLoadReport& report) {
  auto db = OpenSqlite(sqlite_path, OpenMode::kReadOnly);
  ASSERT_TRUE(db.ok());
  for (const auto& table : report.tables) {
    for (size_t c = 0; c < table.columns.size(); ++c) {
      const PgLoadedColumn& column = table.columns[c];
      SCOPED_TRACE(table.name + "." + column.name + " (" + column.pg_type + ")");
      auto st = PrepareSql(db->get(), "SELECT " + QuoteIdentifier(column.name) + " FROM " + QuoteIdentifier(table.name) +
                                          " ORDER BY " + QuoteIdentifier(table.columns[0].name));
      ASSERT_TRUE(st.ok());
      std::vector<std::string> expected;
      while (sqlite3_step(st->get()) == SQLITE_ROW) expected.push_back(ExpectedText(st->get(), 0, column.pg_type));
      const bool is_double = column.pg_type == "double precision";
      auto r = client.Exec("SELECT " + ExpressionFor(column.name, column.pg_type) +
                               " FROM " + QuoteIdentifier(report.schema) + "." + QuoteIdentifier(table.name) +
                               " ORDER BY " + QuoteIdentifier(table.columns[0].name),
                           "reading back");
      ASSERT_TRUE(r.ok()) << r.status().ToString();
      ASSERT_EQ(PQntuples(r->get()), static_cast<int>(expected.size()));
      for (int row = 0; row < PQntuples(r->get()); ++row) {
        std::string got = PgIsNull(r->get(), row, 0) ? "<NULL>" : PgStr(r->get(), row, 0);
        if (is_double && got != "<NULL>") {
          // PostgreSQL prints the shortest text that reads back as the same double.
          char buf[40];
          std::snprintf(buf, sizeof buf, "%.17g", std::strtod(got.c_str(), nullptr));
          got = buf;
        }
        EXPECT_EQ(got, expected[static_cast<size_t>(row)]) << "row " << row;
      }
    }
  }
}

const PgLoadedColumn* FindColumn(const PgLoadReport& report, const std::string& table, const std::string& column) {
  for (const auto& t : report.tables)
    for (const auto& c : t.columns)
      if (t.name == table && c.name == column) return &c;
  return nullptr;
}

std::string TypeOf(const PgLoadReport& report, const std::string& table, const std::string& column) {
  const PgLoadedColumn* c = FindColumn(report, table, column);
  return c ? c->pg_type : "<missing>";
}

bool HasNote(const PgLoadReport& report, const std::string& part) {
  return std::any_of(report.notes.begin(), report.notes.end(),
                     [&](const std::string& n) { return n.find(part) != std::string::npos; });
}

TEST(PostgresLoaderTest, AwkwardValuesRoundTripWithTypesFromTheData) {
  TempDir dir;
  const auto path = dir / "awkward.sqlite";
  MakeSqlite(path, kAwkward);
  PgClient client = Connect();
  const std::string schema = UniquePostgresName("load");
  auto report = LoadSqliteIntoPostgres(client, path, schema);
  ASSERT_TRUE(report.ok()) << report.status().ToString();
  EXPECT_FALSE(report->up_to_date);
  ASSERT_EQ(report->tables.size(), 4u);

  EXPECT_EQ(TypeOf(*report, "Singer", "Singer_ID"), "bigint");
  EXPECT_EQ(TypeOf(*report, "Singer", "Name"), "text");
  EXPECT_EQ(TypeOf(*report, "Singer", "Age"), "text") << "declared int, holds 'unknown'";
  EXPECT_EQ(TypeOf(*report, "Singer", "Net_Worth"), "double precision");
  EXPECT_EQ(TypeOf(*report, "Singer", "Born"), "text") << "free-text dates";
  EXPECT_EQ(TypeOf(*report, "Singer", "Debut"), "date");
  EXPECT_EQ(TypeOf(*report, "Singer", "Seen"), "timestamp");
  EXPECT_EQ(TypeOf(*report, "Singer", "Is_Male"), "boolean");
  EXPECT_EQ(TypeOf(*report, "Singer", "Big"), "bigint");
  EXPECT_EQ(TypeOf(*report, "Singer", "Score"), "double precision") << "integers and reals";
  EXPECT_EQ(TypeOf(*report, "Singer", "Anything"), "text") << "an untyped column with numbers and text";
  EXPECT_EQ(TypeOf(*report, "Singer", "Photo"), "bytea");
  EXPECT_EQ(TypeOf(*report, "Singer", "Latin"), "bytea") << "text that is not UTF-8";
  EXPECT_EQ(TypeOf(*report, "Concert", "Year"), "text");
  EXPECT_TRUE(HasNote(*report, "Singer.Latin is bytea"));
  EXPECT_TRUE(HasNote(*report, "view v_singer not copied"));

  ExpectSameValues(client, path, *report);

  // Keys: both declared primary keys; Concert's two foreign keys (one through a UNIQUE the data
  // allows on stadium.id); orphan_fk's is violated by stadium_id 99 and skipped with the reason.
  EXPECT_EQ(report->primary_keys, 2);
  EXPECT_EQ(report->foreign_keys, 2);
  EXPECT_TRUE(HasNote(*report, "foreign key orphan_fk(stadium_id) -> stadium(id) skipped")) << Join(report->notes, "\n");
  EXPECT_TRUE(HasNote(*report, "unique stadium(id) added"));
  EXPECT_EQ(RunPostgresSql("SELECT count(*) FROM pg_constraint c JOIN pg_namespace n ON n.oid = c.connamespace "
                           "WHERE n.nspname = '" + schema + "' AND c.contype = 'f'"),
            "2");
  EXPECT_EQ(RunPostgresSql("SELECT count(*) FROM " + schema + ".\"Singer\" WHERE \"Name\" = 'Zoë 北京 🎵'"), "1");
  // Statistics are there for the planner and the catalog reader.
  EXPECT_EQ(RunPostgresSql("SELECT reltuples::bigint FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace "
                           "WHERE n.nspname = '" + schema + "' AND c.relname = 'Singer'"),
            "4");
}

// Spider's concert_singer shape: a foreign key declared text holding integers' text, referencing
// an int key (SQLite joins them as numbers), and a key the data violates, kept NOT VALID on request.
TEST(PostgresLoaderTest, ForeignKeysOfIntegerTextBecomeBigintAndViolatedOnesCanBeKept) {
  TempDir dir;
  const auto path = dir / "keys.sqlite";
  MakeSqlite(path, R"sql(
    CREATE TABLE stadium ("Stadium_ID" int PRIMARY KEY, name text);
    INSERT INTO stadium VALUES (1, 'Main'), (2, 'Side');
    CREATE TABLE concert ("Concert_ID" int PRIMARY KEY, "Stadium_ID" text REFERENCES stadium("Stadium_ID"),
                          code text REFERENCES stadium("Stadium_ID"));
    INSERT INTO concert VALUES (1, '1', '01'), (2, '2', '2');
    CREATE TABLE ticket (id int, concert_id int REFERENCES concert("Concert_ID"));
    INSERT INTO ticket VALUES (1, 1), (2, 7);
  )sql");
  PgClient client = Connect();
  const std::string schema = UniquePostgresName("keys");
  PgLoadOptions options;
  options.keep_violated_foreign_keys = true;
  auto report = LoadSqliteIntoPostgres(client, path, schema, options);
  ASSERT_TRUE(report.ok()) << report.status().ToString();
  EXPECT_EQ(TypeOf(*report, "concert", "Stadium_ID"), "bigint");
  EXPECT_EQ(TypeOf(*report, "concert", "code"), "text") << "'01' is not an integer's text: kept as written";
  EXPECT_TRUE(HasNote(*report, "column concert.Stadium_ID is bigint")) << Join(report->notes, "\n");
  EXPECT_TRUE(HasNote(*report, "foreign key concert(code) -> stadium(Stadium_ID) skipped"));
  EXPECT_TRUE(HasNote(*report, "foreign key ticket(concert_id) -> concert(Concert_ID) declared NOT VALID"));
  EXPECT_EQ(report->foreign_keys, 2);
  EXPECT_EQ(RunPostgresSql("SELECT string_agg(convalidated::text, ',' ORDER BY convalidated) FROM pg_constraint c "
                           "JOIN pg_namespace n ON n.oid = c.connamespace WHERE n.nspname = '" + schema +
                           "' AND c.contype = 'f'"),
            "false,true");
  EXPECT_EQ(RunPostgresSql("SELECT sum(\"Stadium_ID\") FROM " + schema + ".concert"), "3");

  // Without the option the violated key is skipped; the option is part of the fingerprint.
  auto plain = LoadSqliteIntoPostgres(client, path, schema);
  ASSERT_TRUE(plain.ok());
  EXPECT_FALSE(plain->up_to_date);
  EXPECT_EQ(plain->foreign_keys, 1);
  EXPECT_TRUE(HasNote(*plain, "foreign key ticket(concert_id) -> concert(Concert_ID) skipped"));
}

TEST(PostgresLoaderTest, SameFileIsNotLoadedAgainAndAChangedFileIsReloaded) {
  TempDir dir;
  const auto path = dir / "small.sqlite";
  MakeSqlite(path, "CREATE TABLE t (id INTEGER PRIMARY KEY, v TEXT); INSERT INTO t VALUES (1, 'a');");
  PgClient client = Connect();
  const std::string schema = UniquePostgresName("refp");
  auto first = LoadSqliteIntoPostgres(client, path, schema);
  ASSERT_TRUE(first.ok()) << first.status().ToString();
  EXPECT_FALSE(first->up_to_date);

  auto again = LoadSqliteIntoPostgres(client, path, schema);
  ASSERT_TRUE(again.ok()) << again.status().ToString();
  EXPECT_TRUE(again->up_to_date);
  EXPECT_TRUE(again->tables.empty());

  // The file grows (size and mtime change): the schema is replaced with the new content.
  MakeSqlite(path, "INSERT INTO t VALUES (2, '" + std::string(20000, 'b') + "');");
  auto reloaded = LoadSqliteIntoPostgres(client, path, schema);
  ASSERT_TRUE(reloaded.ok()) << reloaded.status().ToString();
  EXPECT_FALSE(reloaded->up_to_date);
  ASSERT_EQ(reloaded->tables.size(), 1u);
  EXPECT_EQ(reloaded->tables[0].rows, 2);
  EXPECT_EQ(RunPostgresSql("SELECT count(*) FROM " + schema + ".t"), "2");

  PgLoadOptions force;
  force.reload = true;
  auto forced = LoadSqliteIntoPostgres(client, path, schema, force);
  ASSERT_TRUE(forced.ok());
  EXPECT_FALSE(forced->up_to_date);
}

TEST(PostgresLoaderTest, SomeoneElsesSchemaIsNeverDropped) {
  TempDir dir;
  const auto path = dir / "small.sqlite";
  MakeSqlite(path, "CREATE TABLE t (id INTEGER); INSERT INTO t VALUES (1);");
  const std::string schema = UniquePostgresName("theirs");
  RunPostgresSql("CREATE SCHEMA " + schema + "; CREATE TABLE " + schema + ".keep (x int)");
  PgClient client = Connect();
  auto report = LoadSqliteIntoPostgres(client, path, schema);
  ASSERT_FALSE(report.ok());
  EXPECT_EQ(report.status().code(), Status::Code::kRefused);
  EXPECT_NE(report.status().message().find("not made by the SQLite loader"), std::string::npos);
  EXPECT_EQ(RunPostgresSql("SELECT count(*) FROM pg_tables WHERE schemaname = '" + schema + "'"), "1");
  // The client is still usable after the refused load (its transaction was rolled back).
  EXPECT_TRUE(client.Exec("SELECT 1", "after").ok());
}

TEST(PostgresLoaderTest, AFailedLoadLeavesNothingBehind) {
  TempDir dir;
  PgClient client = Connect();
  const std::string schema = UniquePostgresName("missing");
  auto report = LoadSqliteIntoPostgres(client, dir / "nope.sqlite", schema);
  ASSERT_FALSE(report.ok());
  EXPECT_EQ(report.status().code(), Status::Code::kNotFound);
  EXPECT_EQ(RunPostgresSql("SELECT count(*) FROM pg_namespace WHERE nspname = '" + schema + "'"), "0");
}

}  // namespace
}  // namespace da
