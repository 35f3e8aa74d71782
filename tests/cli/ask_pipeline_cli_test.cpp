// `dataanalyst ask` with an LLM configured: the real binary, a real ingested dataset, and a config
// file pointing the models at a fake OpenAI-compatible server over loopback.
#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <cstdlib>
#include <string>
#include <vector>

#include "llm/fake_llm_server.h"
#include "test_util.h"

namespace da::testing {
namespace {

using llm::testing::FakeLlmServer;
using llm::testing::OpenAIChatReply;
using llm::testing::RecordedRequest;
using nlohmann::json;

constexpr const char* kKeyVar = "DA_ASK_PIPELINE_TEST_KEY";
constexpr const char* kSecret = "sk-ask-SECRET-0123456789abcdef";
constexpr const char* kHardQuestion = "What is the zorbly quuxness of singers per country?";
constexpr const char* kSql = "SELECT country, COUNT(*) AS singers FROM singers GROUP BY country ORDER BY singers DESC";

std::string Fenced(const std::string& sql) { return "```sql\n" + sql + "\n```"; }

class AskPipelineCliTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ::unsetenv("DATAANALYST_CONFIG");
    ::setenv(kKeyVar, kSecret, 1);
    WriteFile(inputs_ / "singers.csv",
              "Singer ID,Name,Country,Age\n1,Joe Sharp,Netherlands,52\n2,Timbaland,United States,32\n"
              "3,Justin Brown,France,29\n4,Rose White,France,41\n5,John Nizinik,France,43\n");
    CommandResult r = Run({"ingest", (inputs_ / "singers.csv").string(), "--dataset", "music"});
    ASSERT_EQ(r.exit_code, 0) << r.err;
    json config = {{"providers", {{"openai", {{"base_url", server_.url() + "/v1"}, {"api_key_env", kKeyVar},
                                              {"max_retries", 0}, {"timeout_s", 10}}}}},
                   {"models", {{"sql", {{"provider", "openai"}, {"model", "coder-7b"}}}}}};
    config_ = (inputs_ / "llm.json").string();
    WriteFile(config_, config.dump(2));
  }
  void TearDown() override { ::unsetenv(kKeyVar); }

  CommandResult Run(std::vector<std::string> args) {
    args.insert(args.end(), {"--data-dir", data_.path().string()});
    return RunCli(args);
  }
  CommandResult AskWithLlm(const std::string& question, std::vector<std::string> extra = {}) {
    std::vector<std::string> args = {"ask", "music", question, "--config", config_};
    args.insert(args.end(), extra.begin(), extra.end());
    CommandResult r = Run(args);
    EXPECT_EQ(r.out.find(kSecret), std::string::npos);
    EXPECT_EQ(r.err.find(kSecret), std::string::npos);
    return r;
  }

  TempDir data_, inputs_;
  FakeLlmServer server_{[](const RecordedRequest&) { return OpenAIChatReply("Not scripted.", 1, 1); }};
  std::string config_;
};

TEST_F(AskPipelineCliTest, LlmAnswersWhatTheEngineCannot) {
  // The sql model also serves chat and explanation (no others configured).
  server_.Script({OpenAIChatReply(Fenced(kSql), 200, 30), OpenAIChatReply("France has the most singers.", 50, 8)});
  CommandResult r = AskWithLlm(kHardQuestion, {"--json"});
  ASSERT_EQ(r.exit_code, 0) << r.err << r.out;
  json a = json::parse(r.out);
  for (const char* key : {"question", "intent", "sql", "columns", "rows", "row_count", "truncated", "chart",
                          "explanation", "restatement", "source", "confidence", "repairs", "normalisations",
                          "timings", "usage"}) {
    EXPECT_TRUE(a.contains(key)) << key << " missing: " << a.dump(1);
  }
  EXPECT_EQ(a["question"], kHardQuestion);
  EXPECT_EQ(a["source"], "llm");
  EXPECT_EQ(a["sql"], kSql);
  EXPECT_EQ(a["rows"][0], json::parse(R"(["France", 3])"));
  EXPECT_EQ(a["chart"]["type"], "bar");
  EXPECT_EQ(a["explanation"], "France has the most singers.");
  EXPECT_EQ(a["usage"]["calls"], 2);
  EXPECT_EQ(a["usage"]["input_tokens"], 250);
  EXPECT_EQ(a["usage"]["output_tokens"], 38);
  ASSERT_EQ(server_.requests().size(), 2u);
  EXPECT_EQ(server_.requests()[0].Header("Authorization"), std::string("Bearer ") + kSecret);
}

TEST_F(AskPipelineCliTest, ConfidentEngineAnswersWithoutTheLlm) {
  CommandResult r = AskWithLlm("How many singers are there?", {"--json"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  json a = json::parse(r.out);
  EXPECT_EQ(a["source"], "engine");
  EXPECT_EQ(a["rows"][0][0], 5);
  EXPECT_EQ(a["usage"]["calls"], 0);
  EXPECT_TRUE(server_.requests().empty());
}

TEST_F(AskPipelineCliTest, ReadableOutputShowsEveryPart) {
  server_.Script({OpenAIChatReply("Sure! SELECT country, COUNT(*) AS n FROM singers GROUP BY country", 10, 10),
                  OpenAIChatReply("Three countries.", 5, 2)});
  CommandResult r = AskWithLlm(kHardQuestion);
  ASSERT_EQ(r.exit_code, 0) << r.err;
  for (const char* part : {"Understood as:", "SQL: SELECT country", "France", "Three countries.", "Chart: bar",
                           "Source: llm"}) {
    EXPECT_NE(r.out.find(part), std::string::npos) << part << " not in:\n" << r.out;
  }
}

TEST_F(AskPipelineCliTest, WriteIsRefusedAndReported) {
  server_.Script({OpenAIChatReply(Fenced("DROP TABLE singers"), 10, 10)});
  CommandResult r = AskWithLlm(kHardQuestion, {"--json"});
  EXPECT_EQ(r.exit_code, 1);
  json a = json::parse(r.out);
  EXPECT_EQ(a["error"]["code"], "refused") << a.dump(1);
  EXPECT_EQ(a["answered"], false);
  EXPECT_EQ(a["sql"], "DROP TABLE singers");
  json count = json::parse(Run({"sql", "music", "SELECT COUNT(*) FROM singers", "--json"}).out);
  EXPECT_EQ(count["rows"][0][0], 5) << count.dump();
}

TEST_F(AskPipelineCliTest, FollowUpTurnsReachTheModel) {
  CommandResult first = AskWithLlm("How many singers are there?", {"--json", "--conversation", "c1"});
  ASSERT_EQ(first.exit_code, 0) << first.err;
  server_.Script({OpenAIChatReply(Fenced(kSql), 10, 10), OpenAIChatReply("By country.", 5, 2)});
  CommandResult second = AskWithLlm("and their zorbly quuxness per country?", {"--json", "--conversation", "c1"});
  ASSERT_EQ(second.exit_code, 0) << second.err;
  json a = json::parse(second.out);
  EXPECT_EQ(a["conversation"], "c1");
  EXPECT_EQ(a["source"], "llm") << a.dump(1);
  ASSERT_FALSE(server_.requests().empty());
  EXPECT_NE(server_.requests()[0].body.find("How many singers are there?"), std::string::npos);
}

TEST_F(AskPipelineCliTest, MissingNamedConfigIsAnError) {
  CommandResult r = Run({"ask", "music", "How many singers are there?", "--config", (inputs_ / "nope.json").string()});
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_NE(r.err.find("nope.json"), std::string::npos) << r.err;
}

}  // namespace
}  // namespace da::testing
