// The engine's PostgreSQL (and Redshift) SQL against a real PostgreSQL: one small database built
// twice, in SQLite and in PostgreSQL (same rows; mixed-case names, a reserved-word column, a
// date, a boolean, mixed-case text, a NULL), one catalog profiled from the SQLite copy, and a
// battery of questions. Every question must be answered the same way in each dialect, every
// PostgreSQL/Redshift statement must run on the server, and its rows must be the SQLite rows
// (as multisets; numbers compared to 9 significant digits, booleans as 1/0, '03' as 3).
#include <gtest/gtest.h>

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <memory>
#include <string>
#include <vector>

#include "catalog/profiler.h"
#include "catalog/value_index.h"
#include "common/postgres.h"
#include "common/sqlite.h"
#include "common/strings.h"
#include "engine/engine.h"
#include "engine/engine_fixture.h"
#include "postgres_test_util.h"
#include "test_util.h"

namespace da {
namespace {

// Valid in both SQLite and PostgreSQL, with the same meaning. Names keep their case (quoted).
constexpr const char* kSchema = R"sql(
CREATE TABLE stadium (stadium_id INTEGER PRIMARY KEY, name TEXT, location TEXT, capacity INTEGER);
CREATE TABLE "Singer" ("Singer_ID" INTEGER PRIMARY KEY, "Name" TEXT, "Country" TEXT, "Age" INTEGER,
                       "Birth_Date" DATE, "Is_Male" BOOLEAN, "Net_Worth" DOUBLE PRECISION);
CREATE TABLE concert (concert_id INTEGER PRIMARY KEY, concert_name TEXT, year INTEGER,
                      stadium_id INTEGER REFERENCES stadium(stadium_id));
CREATE TABLE singer_in_concert (concert_id INTEGER REFERENCES concert(concert_id),
                                "Singer_ID" INTEGER REFERENCES "Singer"("Singer_ID"));
CREATE TABLE song (song_id INTEGER PRIMARY KEY, title TEXT, "order" INTEGER, sales DOUBLE PRECISION,
                   "Singer_ID" INTEGER REFERENCES "Singer"("Singer_ID"));
INSERT INTO stadium VALUES (1, 'Glebe Park', 'Raith Rovers', 10000), (2, 'Somerset Park', 'Ayr United', 11998),
  (3, 'Hampden Park', 'Queen''s Park', 52500), (4, 'Balmoor', 'Peterhead', 4000);
INSERT INTO "Singer" VALUES
  (1, 'Joe Sharp', 'Netherlands', 52, '1971-03-02', TRUE, 30.5),
  (2, 'Timbaland', 'United States', 32, '1991-05-10', TRUE, 12.25),
  (3, 'Justin Brown', 'France', 29, '1994-11-20', TRUE, 8.0),
  (4, 'Rose White', 'France', 41, '1982-01-15', FALSE, 20.0),
  (5, 'John Nizinik', 'France', 43, '1980-07-07', TRUE, NULL),
  (6, 'Tribal King', 'France', 25, '1998-09-09', TRUE, 2.0),
  (7, 'Ann Lee', 'United States', 36, '1987-05-30', FALSE, 6.5);
INSERT INTO concert VALUES (1, 'Auditions', 2014, 1), (2, 'Super bootcamp', 2014, 2), (3, 'Home Visits', 2015, 2),
  (4, 'Week 1', 2014, 3), (5, 'Week 2', 2015, 3), (6, 'Final', 2014, 3);
INSERT INTO singer_in_concert VALUES (1, 2), (1, 3), (2, 3), (3, 5), (4, 4), (5, 6), (6, 3), (6, 2);
INSERT INTO song VALUES (1, 'Sun', 1, 1000.5, 1), (2, 'Moon', 2, 250.0, 1), (3, 'Rain', 1, 90.25, 3),
  (4, 'Gone', 1, 4000.0, 4), (5, 'Home', 3, 10.0, 1);
)sql";

// Questions of every construct the engine plans; the ones the engine answers are compared.
const char* const kQuestions[] = {
    "How many singers are there?",
    "How many singers are there in each country?",
    "What is the average age of singers from France?",
    "What are the names and ages of all singers?",
    "List the names of singers with age more than 40.",
    "List the names of singers with age between 30 and 45.",
    "What is the name of the oldest singer?",
    "What is the name of the youngest singer?",
    "Which country has the most singers?",
    "What is the name of the singer who performed in the most concerts?",
    "Show the name and the number of concerts for each singer.",
    "How many concerts were held in 2014?",
    "How many singers were born in 1980?",
    "List the names of singers born after 1990.",
    "How many singers were born in each year?",
    "How many singers were born in each month?",
    "Show the names of singers whose name contains 'john'.",
    "Show the names of singers whose name starts with 'j'.",
    "Show the names of singers whose name does not contain 'a'.",
    "List the names of singers who did not perform in any concert.",
    "Show the stadium names without any concert.",
    "What are the names of the stadiums which had concerts in both 2014 and 2015?",
    "How many stadiums had concerts in both 2014 and 2015?",
    "What is the average capacity of stadiums?",
    "What is the maximum and minimum capacity of stadiums?",
    "Which stadium has the largest capacity?",
    "Who has the highest net worth?",
    "What is the total net worth of singers in each country?",
    "What are the distinct countries of singers?",
    "Show the concert names and their stadium names.",
    "How many concerts are there in each stadium? Show the stadium name.",
    "What are the names of singers older than the average age?",
    "Show the titles of songs and their order.",
    "How many songs does each singer have?",
    "What is the number of concerts per year?",
    "Show the names of concerts in 2015.",
    "What is the average net worth of singers born after 1985?",
    "Show the countries having more than 2 singers.",
    "What are the names of singers who performed in concerts in 2014?",
    "How many different countries are there?",
    "Which singers are male?",
    "How many songs have order 1?",
    "What is the average age of singers in each country?",
    "List the names of singers in descending order of net worth.",
    "Show the names of singers ordered by age.",
    "What are the countries of singers who are not from France?",
    "Which country has the highest average age of singers?",
    "What is the total sales of songs for each singer?",
    "Show the name of the singer with the most songs.",
    "Which year had the most concerts?",
};

// A cell as the comparison reads it: numbers (and numeric text such as '03' or '2014') to 9
// significant digits, PostgreSQL's t/f as 1/0, NULL as "NULL".
std::string Normal(std::string cell, bool null) {
  if (null) return "NULL";
  if (cell == "t" || cell == "true") return "1";
  if (cell == "f" || cell == "false") return "0";
  char* end = nullptr;
  double x = std::strtod(cell.c_str(), &end);
  if (!cell.empty() && end != cell.c_str() && *end == '\0') {
    char buf[64];
    std::snprintf(buf, sizeof buf, "%.9g", x);
    return buf;
  }
  return cell;
}

using Rows = std::vector<std::string>;  // each row's normalised cells joined by '|', sorted

Rows SqliteRows(sqlite3* db, const std::string& sql) {
  Rows rows;
  auto st = PrepareSql(db, sql);
  EXPECT_TRUE(st.ok()) << sql << ": " << st.status().ToString();
  if (!st.ok()) return rows;
  while (sqlite3_step(st->get()) == SQLITE_ROW) {
    std::string row;
    for (int i = 0; i < sqlite3_column_count(st->get()); ++i) {
      Value v = ColumnValue(st->get(), i);
      row += (i > 0 ? "|" : "") + Normal(ValueToString(v), IsNull(v));
    }
    rows.push_back(row);
  }
  std::sort(rows.begin(), rows.end());
  return rows;
}

class EnginePostgresTest : public ::testing::Test {
 protected:
  void SetUp() override {
    const std::string conninfo = testing::TestPostgresConninfo();
    if (conninfo.empty()) GTEST_SKIP() << "no test PostgreSQL (DA_TEST_POSTGRES)";
    schema_ = testing::UniquePostgresName("engine_dialect");
    testing::RunPostgresSql("CREATE SCHEMA " + schema_);
    PgLogin login;
    login.conninfo = testing::WithPostgresOptions(conninfo, "options=-csearch_path=" + schema_);
    auto client = PgClient::Connect(login);
    ASSERT_TRUE(client.ok()) << client.status().ToString();
    pg_ = std::make_unique<PgClient>(std::move(*client));
    for (const std::string& statement : Split(kSchema, ';')) {
      if (Trim(statement).empty()) continue;
      auto r = pg_->Exec(std::string(Trim(statement)), "load");
      ASSERT_TRUE(r.ok()) << r.status().ToString();
    }

    // The SQLite copy, profiled as an ingest would; the same catalog serves all three dialects.
    lite_ = std::make_unique<EngineOver>(kSchema);
    ASSERT_TRUE(lite_->ok()) << lite_->error();
    for (SqlDialect d : {SqlDialect::kSqlite, SqlDialect::kPostgres, SqlDialect::kRedshift}) {
      EngineOptions options;
      options.dialect = d;
      auto engine = Engine::Create(lite_->catalog(), lite_->values(), options);
      ASSERT_TRUE(engine.ok()) << engine.status().ToString();
      engines_.push_back(std::move(*engine));
    }
  }

  void TearDown() override {
    pg_.reset();
    if (!schema_.empty()) testing::RunPostgresSql("DROP SCHEMA IF EXISTS " + schema_ + " CASCADE");
  }

  EngineAnswer Ask(SqlDialect d, const std::string& q) const { return engines_[static_cast<int>(d)]->Answer(q); }

  // Runs `sql` on the server; a failure fails the test with the server's message.
  Rows PostgresRows(const std::string& sql) {
    Rows rows;
    auto r = pg_->Exec(sql, "question");
    EXPECT_TRUE(r.ok()) << sql << "\n" << r.status().ToString();
    if (!r.ok()) return rows;
    const PGresult* res = r->get();
    for (int i = 0; i < PQntuples(res); ++i) {
      std::string row;
      for (int j = 0; j < PQnfields(res); ++j) row += (j > 0 ? "|" : "") + Normal(PgStr(res, i, j), PgIsNull(res, i, j));
      rows.push_back(row);
    }
    std::sort(rows.begin(), rows.end());
    return rows;
  }

  std::unique_ptr<EngineOver> lite_;
  std::vector<std::unique_ptr<Engine>> engines_;
  std::unique_ptr<PgClient> pg_;
  std::string schema_;
};

TEST_F(EnginePostgresTest, EveryQuestionGivesTheSqliteRowsOnPostgres) {
  int answered = 0;
  for (const char* q : kQuestions) {
    SCOPED_TRACE(q);
    EngineAnswer lite = Ask(SqlDialect::kSqlite, q);
    if (!lite.answered) continue;  // the engine declines some wordings; 30 answers are required below
    ++answered;
    const Rows expected = SqliteRows(lite_->db(), lite.sql);
    for (SqlDialect d : {SqlDialect::kPostgres, SqlDialect::kRedshift}) {
      EngineAnswer a = Ask(d, q);
      ASSERT_TRUE(a.answered) << a.message;
      EXPECT_EQ(a.restatement, lite.restatement);
      EXPECT_DOUBLE_EQ(a.confidence, lite.confidence);
      EXPECT_EQ(PostgresRows(a.sql), expected) << DialectName(d) << ": " << a.sql << "\nSQLite: " << lite.sql;
    }
  }
  std::printf("[ battery ] %d questions answered and compared in 3 dialects\n", answered);
  EXPECT_GE(answered, 30);
}

// SQLite sorts NULL first ascending, so its "lowest" can be a NULL; PostgreSQL's never is.
TEST_F(EnginePostgresTest, AscendingSuperlativeNeverPicksNull) {
  EngineAnswer a = Ask(SqlDialect::kPostgres, "What is the name of the singer with the lowest net worth?");
  ASSERT_TRUE(a.answered) << a.message;
  EXPECT_EQ(PostgresRows(a.sql), Rows{"Tribal King"}) << a.sql;
}

}  // namespace
}  // namespace da
