// End-to-end tests of `dataanalyst eval` on a tiny Spider-layout bench generated here: real
// SQLite databases, the real binary and the real question engine.
#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <filesystem>

#include "common/sqlite.h"
#include "test_util.h"

namespace da::testing {
namespace {

namespace fs = std::filesystem;
using nlohmann::json;

class EvalCliTest : public ::testing::Test {
 protected:
  void SetUp() override {
    fs::create_directories(dir_ / "database" / "club");
    auto db = OpenSqlite(dir_ / "database" / "club" / "club.sqlite", OpenMode::kReadWriteCreate);
    ASSERT_TRUE(db.ok()) << db.status().ToString();
    ASSERT_TRUE(ExecSql(db->get(), R"(
      CREATE TABLE member (member_id INTEGER PRIMARY KEY, name TEXT, city TEXT, age INTEGER);
      INSERT INTO member VALUES (1, 'Ann', 'Paris', 31), (2, 'Bob', 'Lyon', 45), (3, 'Cid', 'Paris', 28);
    )").ok());
    bench_ = (dir_ / "bench.json").string();
    WriteFile(bench_, json::array({
                          {{"db_id", "club"}, {"question", "How many members are there?"},
                           {"query", "SELECT count(*) FROM member"}},
                          {{"db_id", "club"}, {"question", "zzqx wibble frobnicate?"},
                           {"query", "SELECT name\nFROM member"}},
                          {{"db_id", "club"}, {"question", "Broken gold"}, {"query", "SELECT nope FROM member"}},
                          {{"db_id", "absent_db"}, {"question", "How many members are there?"},
                           {"query", "SELECT count(*) FROM member"}},
                      })
                          .dump());
  }
  std::vector<std::string> Args(std::vector<std::string> extra) {
    std::vector<std::string> args = {"eval", bench_, "--db-dir", (dir_ / "database").string()};
    args.insert(args.end(), extra.begin(), extra.end());
    return args;
  }
  TempDir dir_;
  std::string bench_;
};

TEST_F(EvalCliTest, JsonReportHasEveryQuestionAndTheSkippedDatabase) {
  CommandResult r = RunCli(Args({"--json"}));
  ASSERT_EQ(r.exit_code, 0) << r.out << r.err;
  json report = json::parse(r.out);
  EXPECT_EQ(report["summary"]["questions"], 4);
  EXPECT_EQ(report["summary"]["skipped"], 1);
  EXPECT_EQ(report["summary"]["gold_errors"], 1);
  EXPECT_EQ(report["summary"]["asked"], 2);
  EXPECT_EQ(report["skipped_databases"]["absent_db"]["questions"], 1);
  ASSERT_EQ(report["questions"].size(), 4u);
  const json& q0 = report["questions"][0];
  for (const char* key : {"question", "db_id", "gold", "predicted", "answered", "correct", "error", "shape",
                          "latency_ms", "verdict"})
    EXPECT_TRUE(q0.contains(key)) << key;
  EXPECT_EQ(q0["shape"], "single_table");
  EXPECT_EQ(report["questions"][2]["verdict"], "gold_error");
  EXPECT_EQ(report["questions"][3]["verdict"], "skipped");
  // Nonsense is not something the engine should claim to understand.
  EXPECT_EQ(report["questions"][1]["answered"], false) << report["questions"][1].dump();
  EXPECT_TRUE(report["latency_ms"]["p50"].is_number());
}

TEST_F(EvalCliTest, TextReportAndPredictionFile) {
  const std::string pred = (dir_ / "pred.sql").string();
  CommandResult r = RunCli(Args({"--pred-out", pred}));
  ASSERT_EQ(r.exit_code, 0) << r.out << r.err;
  EXPECT_NE(r.out.find("Execution accuracy"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("2 asked, 1 skipped (database missing), 1 gold errors"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("absent_db: 1 questions"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("no such column: nope"), std::string::npos) << r.out;
  const std::string text = ReadFile(pred);
  ASSERT_FALSE(text.empty());
  EXPECT_EQ(std::count(text.begin(), text.end(), '\n'), 4);
  EXPECT_EQ(text.back(), '\n');
  // Unanswered and skipped questions are SELECT 1 (lines 2 and 4).
  std::vector<std::string> lines;
  std::string line;
  for (char c : text) {
    if (c == '\n') lines.push_back(std::exchange(line, ""));
    else line += c;
  }
  ASSERT_EQ(lines.size(), 4u);
  EXPECT_EQ(lines[1], "SELECT 1");
  EXPECT_EQ(lines[3], "SELECT 1");
}

TEST_F(EvalCliTest, DbFilterAndLimit) {
  CommandResult r = RunCli(Args({"--json", "--db", "club", "--limit", "1"}));
  ASSERT_EQ(r.exit_code, 0) << r.out << r.err;
  json report = json::parse(r.out);
  EXPECT_EQ(report["summary"]["questions"], 1);
  EXPECT_EQ(report["questions"][0]["question"], "How many members are there?");

  r = RunCli(Args({"--db", "nowhere"}));
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_NE(r.err.find("no question in the bench file has db_id 'nowhere'"), std::string::npos) << r.err;
}

TEST_F(EvalCliTest, TablesFileSkipsUnlistedDatabases) {
  WriteFile(dir_ / "tables.json", R"([{"db_id": "other"}])");
  CommandResult r = RunCli(Args({"--json", "--tables", (dir_ / "tables.json").string()}));
  ASSERT_EQ(r.exit_code, 0) << r.out << r.err;
  json report = json::parse(r.out);
  EXPECT_EQ(report["summary"]["skipped"], 4);
  EXPECT_NE(report["skipped_databases"]["club"]["reason"].get<std::string>().find("not listed in"),
            std::string::npos);
}

TEST_F(EvalCliTest, BadInputFailsWithExitOneAndAClearError) {
  CommandResult r = RunCli({"eval", (dir_ / "missing.json").string(), "--db-dir", (dir_ / "database").string()});
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_NE(r.err.find("missing.json does not exist"), std::string::npos) << r.err;

  WriteFile(dir_ / "bad.json", "[{\"db_id\": \"club\",");
  r = RunCli({"eval", (dir_ / "bad.json").string(), "--db-dir", (dir_ / "database").string()});
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_NE(r.err.find("bad.json: not valid JSON"), std::string::npos) << r.err;

  WriteFile(dir_ / "noquery.json", R"([{"db_id": "club", "question": "q"}])");
  r = RunCli({"eval", (dir_ / "noquery.json").string(), "--db-dir", (dir_ / "database").string(), "--json"});
  EXPECT_EQ(r.exit_code, 1);
  json error = json::parse(r.out);
  EXPECT_NE(error["error"]["message"].get<std::string>().find("field 'query' is missing"), std::string::npos);

  r = RunCli({"eval", bench_, "--db-dir", (dir_ / "no-such-dir").string()});
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_NE(r.err.find("database directory"), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("does not exist"), std::string::npos) << r.err;

  r = RunCli({"eval", bench_});  // --db-dir is required
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_NE(r.err.find("usage: dataanalyst eval"), std::string::npos) << r.err;

  r = RunCli(Args({"--limit", "0"}));
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_NE(r.err.find("limit"), std::string::npos) << r.err;
}

}  // namespace
}  // namespace da::testing
