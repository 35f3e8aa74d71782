// `dataanalyst connect` against the real PostgreSQL of the tests: a live schema becomes a dataset
// whose catalog, SQL and questions go to the server, read-only; passwords never stored or shown.
#include <gtest/gtest.h>
#include <sys/stat.h>

#include <cstdlib>
#include <filesystem>

#include "postgres_test_util.h"
#include "test_util.h"

namespace da::testing {
namespace {

namespace fs = std::filesystem;

class ConnectTest : public ::testing::Test {
 protected:
  void SetUp() override {
    schema_ = UniquePostgresName("shop");
    RunPostgresSql("CREATE SCHEMA " + schema_ +
                   "; SET search_path = " + schema_ +
                   "; CREATE TABLE stores(store_id int PRIMARY KEY, name text NOT NULL, region text);"
                   " COMMENT ON TABLE stores IS 'Our shops';"
                   " COMMENT ON COLUMN stores.region IS 'Sales region of the shop';"
                   " CREATE TABLE sales(sale_id int PRIMARY KEY, store_id int REFERENCES stores(store_id),"
                   "   sold_on date NOT NULL, amount numeric(10,2) NOT NULL);"
                   " INSERT INTO stores VALUES (1, 'Downtown', 'North'), (2, 'Harbour', 'South'), (3, 'Airport', 'North');"
                   " INSERT INTO sales VALUES (1, 1, '2024-01-05', 100.50), (2, 1, '2024-02-01', 20),"
                   "   (3, 2, '2024-03-10', 75), (4, 3, '2023-12-30', 40), (5, 2, '2024-05-02', 10);"
                   " ANALYZE stores; ANALYZE sales;");
  }
  void TearDown() override { RunPostgresSql("DROP SCHEMA IF EXISTS " + schema_ + " CASCADE"); }

  std::vector<std::string> Cli(std::vector<std::string> args) {
    args.push_back("--data-dir");
    args.push_back(data_.path().string());
    return args;
  }
  nlohmann::json Connect(const std::string& name, int expected_exit = 0, std::vector<std::string> extra = {}) {
    std::vector<std::string> args = {"connect", name, "--postgres", TestPostgresConninfo(), "--schema", schema_};
    args.insert(args.end(), extra.begin(), extra.end());
    return RunCliJson(Cli(args), expected_exit);
  }

  std::string schema_;
  TempDir data_;
};

TEST_F(ConnectTest, ASchemaBecomesADatasetWithItsCommentsKeysAndValues) {
  nlohmann::json report = Connect("shop");
  EXPECT_EQ(report["tables"], 2);
  EXPECT_EQ(report["dataset"]["kind"], "postgres");
  EXPECT_EQ(report["dataset"]["schema"], schema_);

  nlohmann::json schema = RunCliJson(Cli({"schema", "shop"}));
  ASSERT_EQ(schema["tables"].size(), 2u) << schema.dump(2);
  const std::string text = schema.dump();
  EXPECT_NE(text.find("Our shops"), std::string::npos);
  EXPECT_NE(text.find("Sales region of the shop"), std::string::npos);

  nlohmann::json listed = RunCliJson(Cli({"datasets", "list"}));
  EXPECT_NE(listed.dump().find("\"postgres\""), std::string::npos) << listed.dump();
}

TEST_F(ConnectTest, SqlAndQuestionsRunOnTheServer) {
  Connect("shop");
  nlohmann::json rows = RunCliJson(Cli({"sql", "shop", "SELECT name FROM stores WHERE region = 'North' ORDER BY name"}));
  ASSERT_EQ(rows["rows"].size(), 2u) << rows.dump();
  EXPECT_EQ(rows["rows"][0][0], "Airport");

  nlohmann::json answer = RunCliJson(Cli({"ask", "shop", "how many stores are in the North region?", "--no-memory"}));
  ASSERT_TRUE(answer.contains("rows")) << answer.dump(2);
  EXPECT_EQ(answer["rows"][0][0], 2) << answer.dump(2);

  // The server sees new rows at once: a live database has no stale copy.
  RunPostgresSql("INSERT INTO " + schema_ + ".stores VALUES (4, 'Station', 'North')");
  answer = RunCliJson(Cli({"ask", "shop", "how many stores are in the North region?"}));
  EXPECT_EQ(answer["rows"][0][0], 3) << answer.dump(2);
  answer = RunCliJson(Cli({"ask", "shop", "how many stores are in the North region?"}));  // remembered now
  EXPECT_EQ(answer["rows"][0][0], 3) << answer.dump(2);
  RunPostgresSql("DELETE FROM " + schema_ + ".stores WHERE store_id = 4");
  answer = RunCliJson(Cli({"ask", "shop", "how many stores are in the North region?"}));
  EXPECT_EQ(answer["rows"][0][0], 2) << "a remembered result was served for a live database: " << answer.dump(2);
}

TEST_F(ConnectTest, WritesAreRefusedAndNothingChanges) {
  Connect("shop");
  for (const std::string sql : {"DELETE FROM stores", "WITH d AS (DELETE FROM stores RETURNING *) SELECT * FROM d",
                                "SELECT 1; DROP TABLE stores", "DROP TABLE sales"}) {
    nlohmann::json refused = RunCliJson(Cli({"sql", "shop", sql}), 1);
    EXPECT_TRUE(refused.contains("error")) << sql << ": " << refused.dump();
  }
  EXPECT_EQ(RunPostgresSql("SELECT count(*) FROM " + schema_ + ".stores"), "3");
  EXPECT_EQ(RunPostgresSql("SELECT count(*) FROM " + schema_ + ".sales"), "5");
}

TEST_F(ConnectTest, RefreshReadsNewTablesAsANewVersion) {
  Connect("shop");
  RunPostgresSql("CREATE TABLE " + schema_ + ".staff(staff_id int PRIMARY KEY, store_id int, name text)");
  nlohmann::json refreshed = RunCliJson(Cli({"schema", "shop", "--refresh"}));
  EXPECT_EQ(refreshed["tables"], 3) << refreshed.dump(2);
  EXPECT_EQ(refreshed["dataset"]["version"], 2);
  nlohmann::json rows = RunCliJson(Cli({"sql", "shop", "SELECT count(*) FROM staff"}));
  EXPECT_EQ(rows["rows"][0][0], 0);
}

TEST_F(ConnectTest, APasswordInTheUrlIsRefusedAndNothingIsWritten) {
  nlohmann::json refused = RunCliJson(
      Cli({"connect", "shop", "--postgres", "postgresql://bob:hunter2secret@127.0.0.1:1/db"}), 1);
  const std::string text = refused.dump();
  EXPECT_NE(text.find("--password-env"), std::string::npos) << text;
  EXPECT_EQ(text.find("hunter2secret"), std::string::npos) << text;
  EXPECT_FALSE(fs::exists(data_ / "shop"));
}

TEST_F(ConnectTest, APasswordComesFromTheEnvironmentOrAPrivateFileAndIsNeverStoredOrShown) {
  const std::string role = UniquePostgresName("reader");
  const std::string password = "s3cret-" + role;
  RunPostgresSql("CREATE ROLE " + role + " LOGIN PASSWORD '" + password + "'; GRANT USAGE ON SCHEMA " + schema_ +
                 " TO " + role + "; GRANT SELECT ON ALL TABLES IN SCHEMA " + schema_ + " TO " + role);
  const std::string conninfo = WithPostgresOptions(TestPostgresConninfo(), "user=" + role);

  ::unsetenv("DA_TEST_PG_PASSWORD");
  nlohmann::json unset = RunCliJson(Cli({"connect", "shop", "--postgres", conninfo, "--schema", schema_,
                                         "--password-env", "DA_TEST_PG_PASSWORD"}), 1);
  EXPECT_NE(unset.dump().find("DA_TEST_PG_PASSWORD"), std::string::npos) << unset.dump();

  ::setenv("DA_TEST_PG_PASSWORD", "wrong-password", 1);
  nlohmann::json wrong = RunCliJson(Cli({"connect", "shop", "--postgres", conninfo, "--schema", schema_,
                                         "--password-env", "DA_TEST_PG_PASSWORD"}), 1);
  EXPECT_EQ(wrong.dump().find("wrong-password"), std::string::npos) << wrong.dump();
  EXPECT_NE(wrong.dump().find("postgresql://" + role + "@"), std::string::npos) << wrong.dump();

  ::setenv("DA_TEST_PG_PASSWORD", password.c_str(), 1);
  nlohmann::json ok = RunCliJson(Cli({"connect", "shop", "--postgres", conninfo, "--schema", schema_,
                                      "--password-env", "DA_TEST_PG_PASSWORD"}));
  EXPECT_EQ(ok["tables"], 2) << ok.dump();
  EXPECT_EQ(RunCliJson(Cli({"sql", "shop", "SELECT count(*) FROM stores"}))["rows"][0][0], 3);
  ::unsetenv("DA_TEST_PG_PASSWORD");

  // A file open to others is refused; a private one works.
  const fs::path file = data_ / "pw.txt";
  WriteFile(file, password + "\n");
  ::chmod(file.c_str(), 0644);
  nlohmann::json open_file = RunCliJson(Cli({"connect", "files", "--postgres", conninfo, "--schema", schema_,
                                             "--password-file", file.string()}), 1);
  EXPECT_NE(open_file.dump().find("chmod 600"), std::string::npos) << open_file.dump();
  ::chmod(file.c_str(), 0600);
  nlohmann::json from_file = RunCliJson(Cli({"connect", "files", "--postgres", conninfo, "--schema", schema_,
                                             "--password-file", file.string()}));
  EXPECT_EQ(from_file["tables"], 2) << from_file.dump();

  for (const auto& entry : fs::recursive_directory_iterator(data_.path())) {
    if (!entry.is_regular_file() || entry.path() == file) continue;
    EXPECT_EQ(ReadFile(entry.path()).find(password), std::string::npos) << entry.path() << " holds the password";
  }
}

TEST_F(ConnectTest, AMissingSchemaIsAClearErrorAndTheOldVersionStays) {
  Connect("shop");
  nlohmann::json missing = RunCliJson(
      Cli({"connect", "shop", "--postgres", TestPostgresConninfo(), "--schema", "no_such_schema_here"}), 1);
  EXPECT_NE(missing.dump().find("no_such_schema_here"), std::string::npos) << missing.dump();
  nlohmann::json schema = RunCliJson(Cli({"schema", "shop"}));
  EXPECT_EQ(schema["dataset_info"]["version"], 1);
}

TEST_F(ConnectTest, RemovingTheDatasetLeavesTheDatabaseAlone) {
  Connect("shop");
  RunCliJson(Cli({"datasets", "remove", "shop"}));
  EXPECT_FALSE(fs::exists(data_ / "shop"));
  EXPECT_EQ(RunPostgresSql("SELECT count(*) FROM " + schema_ + ".stores"), "3");
}

TEST_F(ConnectTest, RefreshOfAFileDatasetSaysWhatToDoInstead) {
  const fs::path csv = data_ / "t.csv";
  WriteFile(csv, "a,b\n1,2\n");
  RunCliJson(Cli({"ingest", csv.string(), "--dataset", "t"}));
  nlohmann::json refused = RunCliJson(Cli({"schema", "t", "--refresh"}), 1);
  EXPECT_NE(refused.dump().find("ingest the file again"), std::string::npos) << refused.dump();
}

}  // namespace
}  // namespace da::testing
