// `dataanalyst ask ... --conversation ID` end to end: the real binary, a real dataset, follow-ups
// resolved against the conversation's previous question and recorded on disk.
#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <filesystem>

#include "test_util.h"

namespace da::testing {
namespace {

using nlohmann::json;

class ConversationCliTest : public ::testing::Test {
 protected:
  void SetUp() override {
    WriteFile(inputs_ / "sales.csv",
              "Store,Year,Month,Weekly_Sales\n1,2010,3,100.5\n1,2010,4,200\n1,2011,3,300\n1,2011,4,400\n"
              "2,2010,3,10\n2,2011,3,20.5\n2,2011,4,40\n3,2010,3,1000\n3,2011,4,3000\n");
    CommandResult r = Run({"ingest", (inputs_ / "sales.csv").string(), "--dataset", "shop"});
    ASSERT_EQ(r.exit_code, 0) << r.err;
  }
  CommandResult Run(std::vector<std::string> args) {
    args.insert(args.end(), {"--data-dir", data_.path().string()});
    return RunCli(args);
  }
  json Ask(const std::string& question, const std::string& conversation) {
    CommandResult r = Run({"ask", "shop", question, "--json", "--conversation", conversation});
    EXPECT_EQ(r.exit_code, 0) << r.err;
    return json::parse(r.out);
  }
  TempDir data_, inputs_;
};

TEST_F(ConversationCliTest, FollowUpRefinesThePreviousQuestion) {
  json first = Ask("What were total sales in 2010?", "chat-1");
  ASSERT_EQ(first["answered"], true) << first.dump(1);
  EXPECT_EQ(first["conversation"], "chat-1");
  EXPECT_EQ(first["resolved_question"], "What were total sales in 2010?");
  EXPECT_EQ(first["follow_up"]["kind"], "standalone");
  EXPECT_DOUBLE_EQ(first["rows"][0][0].get<double>(), 1310.5);

  json second = Ask("and for 2011?", "chat-1");
  ASSERT_EQ(second["answered"], true) << second.dump(1);
  EXPECT_EQ(second["question"], "and for 2011?");
  EXPECT_EQ(second["resolved_question"], "What were total sales in 2011?");
  EXPECT_EQ(second["follow_up"]["kind"], "resolved");
  EXPECT_EQ(second["follow_up"]["changes"][0], "replaced '2010' with '2011'");
  EXPECT_NE(second["sql"].get<std::string>().find("2011"), std::string::npos) << second["sql"];
  EXPECT_EQ(second["sql"].get<std::string>().find("2010"), std::string::npos) << second["sql"];
  EXPECT_DOUBLE_EQ(second["rows"][0][0].get<double>(), 3760.5);

  json third = Ask("now by month", "chat-1");
  ASSERT_EQ(third["answered"], true) << third.dump(1);
  EXPECT_EQ(third["resolved_question"], "What were total sales in 2011 by month?");
  EXPECT_EQ(third["rows"], json::parse("[[3, 320.5], [4, 3440.0]]")) << third.dump(1);

  // The conversation file holds the three turns.
  json stored = json::parse(ReadFile(data_ / "conversations" / "chat-1.json"));
  ASSERT_EQ(stored["turns"].size(), 3u);
  EXPECT_EQ(stored["turns"][1]["question"], "and for 2011?");
  EXPECT_EQ(stored["turns"][1]["resolved_question"], "What were total sales in 2011?");
  EXPECT_EQ(stored["turns"][1]["dataset"], "shop");
  EXPECT_EQ(stored["turns"][1]["sql"], second["sql"]);
}

TEST_F(ConversationCliTest, ConversationsAreSeparate) {
  Ask("What were total sales in 2010?", "a");
  json other = Ask("and for 2011?", "b");  // nothing before it in "b"
  EXPECT_EQ(other["follow_up"]["kind"], "standalone");
  EXPECT_EQ(other["resolved_question"], "and for 2011?");
}

TEST_F(ConversationCliTest, ReadableOutputSaysHowTheFollowUpWasRead) {
  Ask("Which store had the highest total sales?", "r");
  CommandResult r = Run({"ask", "shop", "and the lowest?", "--conversation", "r"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_NE(r.out.find("Follow-up read as: Which store had the lowest total sales?"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("ASC"), std::string::npos) << r.out;
}

TEST_F(ConversationCliTest, WithoutConversationNothingChanges) {
  CommandResult r = Run({"ask", "shop", "What were total sales in 2010?", "--json"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  json a = json::parse(r.out);
  EXPECT_FALSE(a.contains("conversation"));
  EXPECT_FALSE(a.contains("resolved_question"));
  EXPECT_FALSE(std::filesystem::exists(data_ / "conversations"));
}

TEST_F(ConversationCliTest, PathLikeIdIsAUsageError) {
  CommandResult r = Run({"ask", "shop", "What were total sales?", "--conversation", "../../etc/x"});
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_NE(r.err.find("invalid conversation id"), std::string::npos) << r.err;
  r = Run({"ask", "shop", "What were total sales?", "--conversation", "../x", "--json"});
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_EQ(json::parse(r.out)["error"]["code"], "invalid_argument");
  EXPECT_FALSE(std::filesystem::exists(data_ / "conversations"));
}

}  // namespace
}  // namespace da::testing
