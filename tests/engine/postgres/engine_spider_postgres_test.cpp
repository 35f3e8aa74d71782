// Every Spider dev question the engine answers must give PostgreSQL and Redshift SQL that the
// PostgreSQL server plans: each dev database's tables are created empty in PostgreSQL (names and
// catalog types as profiled from the SQLite file) and each answer's SQL is EXPLAINed there. The
// planner checks names, types, grouping and DISTINCT/ORDER BY rules without any rows. Skipped
// when the Spider set (../shared/bench/spider) is not present.
#include <gtest/gtest.h>

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <map>
#include <memory>
#include <set>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "catalog/profiler.h"
#include "catalog/value_index.h"
#include "common/postgres.h"
#include "common/sql_dialect.h"
#include "common/sqlite.h"
#include "common/strings.h"
#include "engine/engine.h"
#include "postgres_test_util.h"

namespace da {
namespace {

namespace fs = std::filesystem;

// Spider declares some keys TEXT on one side and INTEGER on the other, and keeps numbers in TEXT
// columns; SQLite compares them by affinity, PostgreSQL refuses. These errors come from the
// source's types (a PostgreSQL copy would have to choose one), not from the dialect.
bool IsSourceTypeMismatch(const std::string& error) {
  return error.find("operator does not exist") != std::string::npos ||
         (error.find("function ") != std::string::npos && error.find("does not exist") != std::string::npos);
}

TEST(EngineSpiderPostgresTest, EveryAnsweredDevQuestionPlansOnPostgres) {
  const std::string conninfo = testing::TestPostgresConninfo();
  if (conninfo.empty()) GTEST_SKIP() << "no test PostgreSQL (DA_TEST_POSTGRES)";
  const fs::path spider = fs::path(DA_SHARED_DIR) / "bench" / "spider";
  if (!fs::exists(spider / "dev.json")) GTEST_SKIP() << "no Spider set in " << spider;
  std::ifstream in(spider / "dev.json");
  const nlohmann::json dev = nlohmann::json::parse(in);
  std::map<std::string, std::vector<std::string>> questions;  // db_id -> questions
  for (const auto& q : dev) questions[q["db_id"].get<std::string>()].push_back(q["question"].get<std::string>());

  PgLogin login;
  login.conninfo = conninfo;
  auto client = PgClient::Connect(login);
  ASSERT_TRUE(client.ok()) << client.status().ToString();
  PgClient& pg = *client;

  int answered = 0, failed = 0, mismatched = 0;
  for (const auto& [db_id, qs] : questions) {
    const fs::path file = spider / "database" / db_id / (db_id + ".sqlite");
    if (!fs::exists(file)) continue;
    auto db = OpenSqlite(file, OpenMode::kReadOnly);
    ASSERT_TRUE(db.ok()) << db.status().ToString();
    ProfileOptions profile;
    profile.dataset = db_id;
    auto catalog = ProfileDatabase(db->get(), profile);
    ASSERT_TRUE(catalog.ok()) << catalog.status().ToString();
    auto values = ValueIndex::Build(db->get(), *catalog);
    ASSERT_TRUE(values.ok()) << values.status().ToString();

    const std::string schema = testing::UniquePostgresName("spider");
    ASSERT_TRUE(pg.Exec("CREATE SCHEMA " + schema, "schema").ok());
    ASSERT_TRUE(pg.Exec("SET search_path TO " + schema, "schema").ok());
    for (const TableInfo& t : catalog->tables) {
      std::vector<std::string> cols;
      for (const ColumnInfo& c : t.columns) cols.push_back(QuoteIdentifier(c.name) + " " + PostgresTypeName(c.type));
      auto r = pg.Exec("CREATE TABLE " + QuoteIdentifier(t.name) + " (" + Join(cols, ", ") + ")", "table");
      ASSERT_TRUE(r.ok()) << r.status().ToString();
    }
    for (SqlDialect d : {SqlDialect::kPostgres, SqlDialect::kRedshift}) {
      EngineOptions options;
      options.dialect = d;
      auto engine = Engine::Create(*catalog, &*values, options);
      ASSERT_TRUE(engine.ok()) << engine.status().ToString();
      for (const std::string& q : qs) {
        EngineAnswer a = (*engine)->Answer(q);
        if (!a.answered) continue;
        ++answered;
        auto r = pg.Exec("EXPLAIN " + a.sql, "explain");
        if (!r.ok() && IsSourceTypeMismatch(r.status().ToString())) {
          ++mismatched;  // Spider's own types: a TEXT key joined to an INTEGER one, avg of TEXT
        } else if (!r.ok()) {
          ++failed;
          ADD_FAILURE() << db_id << " (" << DialectName(d) << "): " << q << "\n  " << a.sql << "\n  "
                        << r.status().ToString();
        }
      }
    }
    ASSERT_TRUE(pg.Exec("SET search_path TO public", "schema").ok());
    ASSERT_TRUE(pg.Exec("DROP SCHEMA " + schema + " CASCADE", "schema").ok());
  }
  std::printf("[ spider  ] %d answers EXPLAINed on PostgreSQL: %d failed, %d on the source's mismatched column types\n",
              answered, failed, mismatched);
  EXPECT_GT(answered, 400);
  EXPECT_LT(mismatched, answered / 10);
}

}  // namespace
}  // namespace da
