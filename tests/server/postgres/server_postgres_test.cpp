// `dataanalyst serve` over a connected PostgreSQL dataset: questions and SQL over real HTTP go to
// the live server; a restart of the database mid-way gives a clear error and the pool recovers.
#include <gtest/gtest.h>
#include <libpq-fe.h>

#include "postgres_test_util.h"
#include "server/server_harness.h"

namespace da::testing {
namespace {

constexpr const char* kSchema =
    "CREATE TABLE IF NOT EXISTS public.stores(store_id int PRIMARY KEY, name text NOT NULL, region text);"
    "INSERT INTO public.stores VALUES (1, 'Downtown', 'North'), (2, 'Harbour', 'South'), (3, 'Airport', 'North')"
    " ON CONFLICT DO NOTHING;";

class ServerPostgresTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_TRUE(pg_.started());
    ASSERT_EQ(RunOn(pg_.conninfo(), kSchema), "");
    const auto connected = RunCli({"connect", "shop", "--postgres", pg_.conninfo(), "--data-dir", data_.path().string(),
                                   "--json"});
    ASSERT_EQ(connected.exit_code, 0) << connected.out << connected.err;
    server_ = ServerProcess::Start(data_.path(), {"--no-auth", "--no-memory"});
    ASSERT_NE(server_, nullptr);
  }

  // Runs `sql` on the private server as its superuser; "" or libpq's error.
  static std::string RunOn(const std::string& conninfo, const std::string& sql);

  Reply Sql(const std::string& sql) {
    return server_->PostJson("/api/v1/sql", {{"dataset", "shop"}, {"sql", sql}}, "");
  }

  PrivatePostgresServer pg_;
  TempDir data_;
  std::unique_ptr<ServerProcess> server_;
};

std::string ServerPostgresTest::RunOn(const std::string& conninfo, const std::string& sql) {
  PGconn* conn = PQconnectdb(conninfo.c_str());
  std::string error;
  if (PQstatus(conn) != CONNECTION_OK) {
    error = PQerrorMessage(conn);
  } else {
    PGresult* res = PQexec(conn, sql.c_str());
    if (PQresultStatus(res) != PGRES_COMMAND_OK && PQresultStatus(res) != PGRES_TUPLES_OK) error = PQerrorMessage(conn);
    PQclear(res);
  }
  PQfinish(conn);
  return error;
}

TEST_F(ServerPostgresTest, AQuestionOverHttpIsAnsweredFromTheLiveDatabase) {
  Reply r = server_->PostJson("/api/v1/ask", {{"dataset", "shop"}, {"question", "how many stores are in the North region?"}}, "");
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(r.json["rows"][0][0], 2) << r.body;

  Reply schema = server_->Get("/api/v1/datasets/shop/schema");
  ASSERT_EQ(schema.status, 200) << schema.body;
  EXPECT_NE(schema.body.find("stores"), std::string::npos);
}

TEST_F(ServerPostgresTest, WritesAreRefusedOverHttp) {
  Reply r = Sql("DELETE FROM stores");
  EXPECT_EQ(r.status, 403) << r.body;
  EXPECT_EQ(r.ErrorCode(), "sql_refused") << r.body;
  EXPECT_EQ(Sql("SELECT count(*) FROM stores").json["rows"][0][0], 3);
}

TEST_F(ServerPostgresTest, ARestartedDatabaseGivesAClearErrorThenThePoolRecovers) {
  ASSERT_EQ(Sql("SELECT count(*) FROM stores").status, 200);
  ASSERT_TRUE(pg_.Restart());
  // The pooled connections are broken now. Whatever the first query meets, it is either an answer
  // or a clear error naming the database, never a hang or a crash; soon every query works again.
  Reply first = Sql("SELECT count(*) FROM stores");
  if (first.status != 200) {
    EXPECT_EQ(first.status / 100, 5) << first.body;
    EXPECT_NE(first.ErrorMessage().find("postgresql://"), std::string::npos) << first.body;
  }
  for (int i = 0; i < 4; ++i) {
    Reply again = Sql("SELECT count(*) FROM stores");
    ASSERT_EQ(again.status, 200) << "attempt " << i << ": " << again.body;
    EXPECT_EQ(again.json["rows"][0][0], 3);
  }
}

TEST_F(ServerPostgresTest, AnAdminConnectsAndRefreshesASchemaOverHttp) {
  ASSERT_EQ(RunOn(pg_.conninfo(), "CREATE SCHEMA IF NOT EXISTS hr; CREATE TABLE IF NOT EXISTS hr.staff(id int PRIMARY KEY, name text)"), "");
  Reply made = server_->PostJson("/api/v1/connections", {{"name", "hr"}, {"url", pg_.conninfo()}, {"schema", "hr"}}, "");
  ASSERT_EQ(made.status, 201) << made.body;
  EXPECT_EQ(made.json["tables"], 1);
  EXPECT_EQ(Sql("SELECT 1").status, 200);
  Reply listed = server_->Get("/api/v1/datasets");
  EXPECT_NE(listed.body.find("\"hr\""), std::string::npos) << listed.body;

  ASSERT_EQ(RunOn(pg_.conninfo(), "CREATE TABLE hr.teams(id int PRIMARY KEY, name text)"), "");
  Reply refreshed = server_->PostJson("/api/v1/datasets/hr/refresh", nlohmann::json::object(), "");
  ASSERT_EQ(refreshed.status, 200) << refreshed.body;
  EXPECT_EQ(refreshed.json["tables"], 2);
  Reply teams = server_->PostJson("/api/v1/sql", {{"dataset", "hr"}, {"sql", "SELECT count(*) FROM teams"}}, "");
  EXPECT_EQ(teams.status, 200) << teams.body;

  // A file dataset has nothing to refresh; a password in the URL or from another secret is refused.
  Reply no_refresh = server_->PostJson("/api/v1/datasets/nope/refresh", nlohmann::json::object(), "");
  EXPECT_EQ(no_refresh.status, 404) << no_refresh.body;
  Reply with_password = server_->PostJson(
      "/api/v1/connections", {{"name", "x"}, {"url", "postgresql://u:topsecret@127.0.0.1:1/db"}}, "");
  EXPECT_EQ(with_password.status, 400) << with_password.body;
  EXPECT_EQ(with_password.body.find("topsecret"), std::string::npos) << with_password.body;
  Reply other_secret = server_->PostJson(
      "/api/v1/connections", {{"name", "x"}, {"url", pg_.conninfo()}, {"password_env", "OPENAI_API_KEY"}}, "");
  EXPECT_EQ(other_secret.status, 400) << other_secret.body;
  Reply file_secret = server_->PostJson(
      "/api/v1/connections", {{"name", "x"}, {"url", pg_.conninfo()}, {"password_file", "/etc/hostname"}}, "");
  EXPECT_EQ(file_secret.status, 400) << file_secret.body;
}

}  // namespace
}  // namespace da::testing
