// End-to-end tests of the `dataanalyst` binary on real files: what a user types, what they see.
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <filesystem>
#include <set>
#include <thread>

#include "test_util.h"

namespace da::testing {
namespace {

namespace fs = std::filesystem;
using nlohmann::json;

class CliTest : public ::testing::Test {
 protected:
  CommandResult Run(std::vector<std::string> args) {
    args.push_back("--data-dir");
    args.push_back(data_.path().string());
    return RunCli(args);
  }
  json RunJson(std::vector<std::string> args, int expected_exit = 0) {
    args.insert(args.end(), {"--data-dir", data_.path().string()});
    return RunCliJson(args, expected_exit);
  }
  std::set<std::string> FilesOf(const std::string& dataset) {
    std::set<std::string> out;
    for (const auto& e : fs::directory_iterator(data_.path() / dataset)) out.insert(e.path().filename().string());
    return out;
  }
  TempDir data_;
  TempDir inputs_;
};

TEST_F(CliTest, DemoZipWithMetadataBecomesQueryableDataset) {
  const fs::path demo = SourceDir() / "demo";
  json report = RunJson({"ingest", (demo / "retail.zip").string(), "--dataset", "retail", "--metadata",
                         (demo / "metadata/tables.csv").string(), "--metadata",
                         (demo / "metadata/columns.csv").string(), "--metadata",
                         (demo / "metadata/metrics.csv").string()});
  std::set<std::string> tables;
  for (const auto& t : report["tables"]) tables.insert(t["name"].get<std::string>());
  EXPECT_EQ(tables, (std::set<std::string>{"customers", "order_items", "orders", "products"}));
  EXPECT_EQ(report["kind"], "zip");
  ASSERT_FALSE(report["skipped"].empty());  // README.txt is listed, not loaded

  json schema = RunJson({"schema", "retail"});
  bool found_fk = false;
  for (const auto& t : schema["tables"]) {
    if (t["name"] == "orders") {
      EXPECT_EQ(t["label"], "Orders");
      EXPECT_FALSE(t["description"].get<std::string>().empty());
      for (const auto& fk : t["foreign_keys"])
        if (fk["column"] == "customer_id" && fk["ref_table"] == "customers") found_fk = true;
    }
  }
  EXPECT_TRUE(found_fk) << schema.dump(1);
  EXPECT_EQ(schema["metrics"].size(), 3u);

  json rows = RunJson({"sql", "retail", "SELECT count(*) AS n FROM customers"});
  EXPECT_EQ(rows["rows"][0][0], 1500);
  json typed = RunJson({"sql", "retail", "SELECT typeof(order_date), typeof(shipping_fee) FROM orders LIMIT 1"});
  EXPECT_EQ(typed["rows"][0][0], "text");
  EXPECT_EQ(typed["rows"][0][1], "real");
}

TEST_F(CliTest, SqlRefusesWritesAndKeepsDataIntact) {
  WriteFile(inputs_ / "people.csv", "name,age\nAda,36\nAlan,41\n");
  ASSERT_EQ(Run({"ingest", (inputs_ / "people.csv").string(), "--dataset", "people"}).exit_code, 0);
  for (const char* sql : {"DELETE FROM people", "DROP TABLE people", "SELECT 1; DELETE FROM people",
                          "ATTACH 'x.db' AS x", "PRAGMA writable_schema=1"}) {
    CommandResult r = Run({"sql", "people", sql});
    EXPECT_EQ(r.exit_code, 1) << sql;
    EXPECT_NE(r.err.find("error:"), std::string::npos) << r.err;
  }
  json rows = RunJson({"sql", "people", "SELECT count(*) FROM people"});
  EXPECT_EQ(rows["rows"][0][0], 2);
}

TEST_F(CliTest, SqlOutputFormatsAndRowCap) {
  WriteFile(inputs_ / "t.csv", "id,label\n1,\"a, b\"\n2,plain\n3,x\n");
  ASSERT_EQ(Run({"ingest", (inputs_ / "t.csv").string(), "--dataset", "t"}).exit_code, 0);
  CommandResult csv = Run({"sql", "t", "SELECT id, label FROM t ORDER BY id", "--csv"});
  EXPECT_EQ(csv.exit_code, 0);
  EXPECT_EQ(csv.out.rfind("id,label\r\n1,\"a, b\"\r\n2,plain\r\n", 0), 0u) << csv.out;
  json capped = RunJson({"sql", "t", "SELECT * FROM t", "--max-rows", "2"});
  EXPECT_EQ(capped["rows"].size(), 2u);
  EXPECT_EQ(capped["truncated"], true);
  CommandResult text = Run({"sql", "t", "SELECT * FROM t"});
  EXPECT_NE(text.out.find("plain"), std::string::npos);
}

TEST_F(CliTest, SqlTimeLimitInterruptsLongQuery) {
  WriteFile(inputs_ / "t.csv", "a\n1\n");
  ASSERT_EQ(Run({"ingest", (inputs_ / "t.csv").string(), "--dataset", "t"}).exit_code, 0);
  json err = RunJson({"sql", "t",
                      "WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x+1 FROM c) SELECT max(x) FROM c",
                      "--timeout", "0.3"},
                     1);
  EXPECT_EQ(err["error"]["code"], "timeout");
}

TEST_F(CliTest, SqliteFileIsAttachedReadOnlyWithDeclaredKeys) {
  const fs::path db = SharedDir() / "bench/spider/database/concert_singer/concert_singer.sqlite";
  if (!fs::exists(db)) GTEST_SKIP() << "Spider databases not present at " << db;
  json report = RunJson({"ingest", db.string(), "--dataset", "concert_singer"});
  EXPECT_EQ(report["kind"], "sqlite");
  json schema = RunJson({"schema", "concert_singer"});
  EXPECT_EQ(schema["dataset_info"]["attached"], true);
  bool declared_fk = false;
  for (const auto& t : schema["tables"])
    for (const auto& fk : t["foreign_keys"])
      if (fk["declared"] == true) declared_fk = true;
  EXPECT_TRUE(declared_fk);
  json rows = RunJson({"sql", "concert_singer", "SELECT count(*) FROM singer"});
  EXPECT_EQ(rows["rows"][0][0], 6);
  EXPECT_EQ(Run({"sql", "concert_singer", "DELETE FROM singer"}).exit_code, 1);
}

TEST_F(CliTest, FailedIngestKeepsPreviousVersion) {
  WriteFile(inputs_ / "good.csv", "id,name\n1,a\n2,b\n");
  WriteFile(inputs_ / "ragged.csv", "id,name\n1,a\n2,b,extra\n");
  ASSERT_EQ(Run({"ingest", (inputs_ / "good.csv").string(), "--dataset", "d"}).exit_code, 0);
  const auto before = FilesOf("d");

  CommandResult bad = Run({"ingest", (inputs_ / "ragged.csv").string(), "--dataset", "d"});
  EXPECT_EQ(bad.exit_code, 1);
  EXPECT_NE(bad.err.find("ragged.csv:3"), std::string::npos) << bad.err;
  EXPECT_EQ(FilesOf("d"), before);  // nothing half-written left behind
  json rows = RunJson({"sql", "d", "SELECT count(*) FROM good"});
  EXPECT_EQ(rows["rows"][0][0], 2);

  // The same file is accepted when the user allows a rejected row, and the report names it.
  json report = RunJson({"ingest", (inputs_ / "ragged.csv").string(), "--dataset", "d", "--max-rejected", "1"});
  EXPECT_EQ(report["rejected_total"], 1);
  EXPECT_EQ(report["rejected"][0]["line"], 3);
  EXPECT_EQ(RunJson({"sql", "d", "SELECT count(*) FROM ragged"})["rows"][0][0], 1);
}

TEST_F(CliTest, KilledIngestLeavesPreviousVersionQueryable) {
  WriteFile(inputs_ / "small.csv", "id,v\n1,x\n");
  ASSERT_EQ(Run({"ingest", (inputs_ / "small.csv").string(), "--dataset", "k"}).exit_code, 0);
  // A file big enough that the ingest is still running when it is killed.
  std::string big = "id,amount,note\n";
  big.reserve(40u << 20);
  for (int i = 0; i < 900000; ++i) big += std::to_string(i) + "," + std::to_string(i * 3 % 1000) + ".25,\"n, " + std::to_string(i) + "\"\n";
  WriteFile(inputs_ / "big.csv", big);
  for (int delay_ms : {50, 200}) {
    pid_t pid = fork();
    if (pid == 0) {
      std::string bin = DA_BINARY, file = (inputs_ / "big.csv").string(), dir = data_.path().string();
      execl(bin.c_str(), bin.c_str(), "ingest", file.c_str(), "--dataset", "k", "--data-dir", dir.c_str(),
            static_cast<char*>(nullptr));
      _exit(127);
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(delay_ms));
    kill(pid, SIGKILL);
    int status = 0;
    waitpid(pid, &status, 0);
    json rows = RunJson({"sql", "k", "SELECT count(*) FROM small"});
    EXPECT_EQ(rows["rows"][0][0], 1) << "after kill at " << delay_ms << " ms";
  }
  // The next ingest cleans up the leftovers of the killed ones.
  ASSERT_EQ(Run({"ingest", (inputs_ / "small.csv").string(), "--dataset", "k"}).exit_code, 0);
  EXPECT_EQ(FilesOf("k"),
            (std::set<std::string>{".lock", "manifest.json", "v2.catalog.json", "v2.sqlite", "v2.values.bin"}));
}

TEST_F(CliTest, BadInputsGetClearErrors) {
  WriteFile(inputs_ / "empty.csv", "");
  WriteFile(inputs_ / "fake.xlsx", "this is not a workbook");
  WriteFile(inputs_ / "ok.csv", "a\n1\n");
  struct Case {
    std::vector<std::string> args;
    int exit_code;
    std::string needle;
  } cases[] = {
      {{"ingest", (inputs_ / "missing.csv").string(), "--dataset", "x"}, 1, "missing.csv: no such file"},
      {{"ingest", (inputs_ / "empty.csv").string(), "--dataset", "x"}, 1, "empty"},
      {{"ingest", (inputs_ / "fake.xlsx").string(), "--dataset", "x"}, 1, "fake.xlsx"},
      {{"ingest", (inputs_ / "ok.csv").string(), "--dataset", "../etc"}, 1, "invalid dataset name"},
      {{"ingest", (inputs_ / "ok.csv").string()}, 2, "usage"},
      {{"ingest", (inputs_ / "ok.csv").string(), "--dataset", "x", "--bogus"}, 2, "unknown option '--bogus'"},
      {{"sql", "nope", "SELECT 1"}, 1, "no dataset named 'nope'"},
      {{"schema", "nope"}, 1, "no dataset named 'nope'"},
      {{"frobnicate"}, 2, "unknown command"},
  };
  for (const auto& c : cases) {
    CommandResult r = Run(c.args);
    EXPECT_EQ(r.exit_code, c.exit_code) << c.args[0] << " " << r.err;
    EXPECT_NE(r.err.find(c.needle), std::string::npos) << "expected '" << c.needle << "' in: " << r.err;
  }
  // Nothing was created by the failed ingests.
  EXPECT_FALSE(fs::exists(data_.path() / "x" / "manifest.json"));
}

TEST_F(CliTest, DatasetsListAndRemove) {
  WriteFile(inputs_ / "a.csv", "x\n1\n");
  ASSERT_EQ(Run({"ingest", (inputs_ / "a.csv").string(), "--dataset", "alpha"}).exit_code, 0);
  ASSERT_EQ(Run({"ingest", (inputs_ / "a.csv").string(), "--dataset", "beta"}).exit_code, 0);
  json list = RunJson({"datasets"});
  ASSERT_EQ(list["datasets"].size(), 2u);
  EXPECT_EQ(list["datasets"][0]["name"], "alpha");
  EXPECT_EQ(Run({"datasets", "remove", "alpha"}).exit_code, 0);
  EXPECT_EQ(RunJson({"datasets"})["datasets"].size(), 1u);
  EXPECT_EQ(Run({"datasets", "remove", "alpha"}).exit_code, 1);
}

TEST_F(CliTest, DataDirFromEnvironment) {
  WriteFile(inputs_ / "a.csv", "x\n1\n");
  setenv("DATAANALYST_HOME", data_.path().c_str(), 1);
  CommandResult r = RunCli({"ingest", (inputs_ / "a.csv").string(), "--dataset", "env"});
  unsetenv("DATAANALYST_HOME");
  EXPECT_EQ(r.exit_code, 0) << r.err;
  EXPECT_TRUE(fs::exists(data_.path() / "env" / "manifest.json"));
}

}  // namespace
}  // namespace da::testing
