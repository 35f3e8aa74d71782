// `dataanalyst ask` end to end: the real binary, a real dataset, the answer JSON.
#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "test_util.h"

namespace da::testing {
namespace {

using nlohmann::json;

class AskCliTest : public ::testing::Test {
 protected:
  void SetUp() override {
    WriteFile(inputs_ / "singers.csv",
              "Singer ID,Name,Country,Age\n1,Joe Sharp,Netherlands,52\n2,Timbaland,United States,32\n"
              "3,Justin Brown,France,29\n4,Rose White,France,41\n5,John Nizinik,France,43\n");
    CommandResult r = Run({"ingest", (inputs_ / "singers.csv").string(), "--dataset", "music"});
    ASSERT_EQ(r.exit_code, 0) << r.err;
  }
  CommandResult Run(std::vector<std::string> args) {
    args.insert(args.end(), {"--data-dir", data_.path().string()});
    return RunCli(args);
  }
  json Ask(const std::string& question) {
    CommandResult r = Run({"ask", "music", question, "--json"});
    EXPECT_EQ(r.exit_code, 0) << r.err;
    return json::parse(r.out);
  }
  TempDir data_, inputs_;
};

TEST_F(AskCliTest, CountQuestionIsAnsweredAndRun) {
  json a = Ask("How many singers are there?");
  EXPECT_EQ(a["answered"], true) << a.dump(1);
  EXPECT_EQ(a["source"], "engine");
  EXPECT_EQ(a["rows"][0][0], 5);
  EXPECT_FALSE(a["restatement"].get<std::string>().empty());
  EXPECT_TRUE(a["timings"].contains("execute_ms"));
}

TEST_F(AskCliTest, ValueFilterAndAggregate) {
  json a = Ask("What is the average age of singers from France?");
  ASSERT_EQ(a["answered"], true) << a.dump(1);
  EXPECT_DOUBLE_EQ(a["rows"][0][0].get<double>(), 113.0 / 3);
}

TEST_F(AskCliTest, UnknownTermIsAnHonestNonAnswer) {
  json a = Ask("What is the churn rate of singers?");
  EXPECT_EQ(a["answered"], false) << a.dump(1);
  EXPECT_FALSE(a["message"].get<std::string>().empty());
  EXPECT_FALSE(a.contains("rows"));
}

TEST_F(AskCliTest, ReadableOutputShowsUnderstandingAndSql) {
  CommandResult r = Run({"ask", "music", "How many singers are there?"});
  EXPECT_EQ(r.exit_code, 0);
  EXPECT_NE(r.out.find("Understood as:"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("SELECT"), std::string::npos);
}

TEST_F(AskCliTest, UsageAndUnknownDataset) {
  EXPECT_EQ(Run({"ask", "music"}).exit_code, 2);
  CommandResult r = Run({"ask", "nope", "How many singers?"});
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_NE(r.err.find("no dataset named 'nope'"), std::string::npos);
}

}  // namespace
}  // namespace da::testing
