// `dataanalyst ask` end to end on the hosted providers' wire formats: the real binary, a real
// ingested dataset, and the models at fake servers on loopback speaking Anthropic Messages and
// Bedrock Converse (the Bedrock one checks every request's SigV4 signature as AWS does, with
// the one secret it knows). One configuration mixes all three providers by role.
#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <cstdlib>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "llm/fake_llm_server.h"
#include "llm/llm_config.h"
#include "test_util.h"

namespace da::testing {
namespace {

using llm::AwsCredentials;
using llm::ProviderKind;
using llm::testing::FakeLlmServer;
using llm::testing::RecordedRequest;
using llm::testing::ScriptedReply;
using nlohmann::json;

constexpr const char* kOpenAIKeyVar = "DA_PROVIDERS_TEST_OPENAI_KEY";
constexpr const char* kOpenAIKey = "sk-openai-SECRET-0123456789abcdef";
constexpr const char* kAnthropicKeyVar = "DA_PROVIDERS_TEST_ANTHROPIC_KEY";
constexpr const char* kAnthropicKey = "sk-ant-api03-SECRET-0123456789abcdef";
constexpr const char* kAwsKeyId = "AKIDEXAMPLEPROVIDERS";
constexpr const char* kAwsSecret = "wJalrXUtnFEMI/K7MDENG+bPxRfiCYSECRETKEY";
constexpr const char* kRegion = "eu-central-1";

constexpr const char* kHardQuestion = "What is the zorbly quuxness of singers per country?";
constexpr const char* kSql = "SELECT country, COUNT(*) AS singers FROM singers GROUP BY country ORDER BY singers DESC";
constexpr const char* kExplanation = "France has three of the five singers, more than any other country.";
// What the data holds, asked after a refused write: five singers whose ages sum to 197.
constexpr const char* kCheckSql = "SELECT COUNT(*), SUM(age) FROM singers";

std::string Fenced(const std::string& sql) { return "```sql\n" + sql + "\n```"; }

// Sets environment variables for one test (the binary inherits them) and puts them back after.
class ScopedEnv {
 public:
  ~ScopedEnv() {
    for (const auto& [name, old] : saved_) {
      if (old) {
        ::setenv(name.c_str(), old->c_str(), 1);
      } else {
        ::unsetenv(name.c_str());
      }
    }
  }
  void Set(const std::string& name, const std::optional<std::string>& value) {
    if (!saved_.count(name)) {
      const char* old = std::getenv(name.c_str());
      saved_[name] = old ? std::optional<std::string>(old) : std::nullopt;
    }
    if (value) {
      ::setenv(name.c_str(), value->c_str(), 1);
    } else {
      ::unsetenv(name.c_str());
    }
  }

 private:
  std::map<std::string, std::optional<std::string>> saved_;
};

ScriptedReply NotScripted(const RecordedRequest&) {
  return llm::testing::JsonResponse(500, {{"message", "not scripted"}});
}

class AskProvidersCliTest : public ::testing::Test {
 protected:
  void SetUp() override {
    env_.Set("DATAANALYST_CONFIG", std::nullopt);
    env_.Set(kOpenAIKeyVar, kOpenAIKey);
    env_.Set(kAnthropicKeyVar, kAnthropicKey);
    // AWS: static keys from the environment, and a HOME with no ~/.aws unless a test writes one.
    env_.Set("HOME", home_.path().string());
    env_.Set("AWS_ACCESS_KEY_ID", kAwsKeyId);
    env_.Set("AWS_SECRET_ACCESS_KEY", kAwsSecret);
    for (const char* name : {"AWS_SESSION_TOKEN", "AWS_PROFILE", "AWS_REGION", "AWS_DEFAULT_REGION",
                             "AWS_SHARED_CREDENTIALS_FILE", "AWS_CONFIG_FILE"}) {
      env_.Set(name, std::nullopt);
    }
    bedrock_.SetGate([](const RecordedRequest& r) {
      return llm::testing::CheckSigV4(r, AwsCredentials{kAwsKeyId, kAwsSecret, "", ""}, kRegion, "bedrock");
    });
    WriteFile(inputs_ / "singers.csv",
              "Singer ID,Name,Country,Age\n1,Joe Sharp,Netherlands,52\n2,Timbaland,United States,32\n"
              "3,Justin Brown,France,29\n4,Rose White,France,41\n5,John Nizinik,France,43\n");
    CommandResult r = Run({"ingest", (inputs_ / "singers.csv").string(), "--dataset", "music"});
    ASSERT_EQ(r.exit_code, 0) << r.err;
  }

  FakeLlmServer& Server(ProviderKind kind) {
    switch (kind) {
      case ProviderKind::kOpenAI: return openai_;
      case ProviderKind::kAnthropic: return anthropic_;
      case ProviderKind::kBedrock: return bedrock_;
    }
    return openai_;
  }

  // A reply in `kind`'s wire format.
  static ScriptedReply Reply(ProviderKind kind, const std::string& text, int input_tokens, int output_tokens) {
    switch (kind) {
      case ProviderKind::kOpenAI: return llm::testing::OpenAIChatReply(text, input_tokens, output_tokens);
      case ProviderKind::kAnthropic: return llm::testing::AnthropicReply(text, input_tokens, output_tokens);
      case ProviderKind::kBedrock: return llm::testing::ConverseReply(text, input_tokens, output_tokens);
    }
    return {};
  }

  // The provider's own 429, asking to come back at once (Anthropic) or in a second (Bedrock).
  static ScriptedReply RateLimited(ProviderKind kind) {
    ScriptedReply reply;
    if (kind == ProviderKind::kBedrock) {
      reply = llm::testing::AwsError(429, "ThrottlingException", "Too many requests, please wait before trying again.");
      reply.headers.emplace_back("Retry-After", "1");
    } else {
      reply = llm::testing::AnthropicError(429, "rate_limit_error", "Number of request tokens has exceeded your rate limit");
      reply.headers.emplace_back("retry-after", "0");
    }
    return reply;
  }

  // A role served by `kind` at its fake server; `model` names the model.
  json Role(ProviderKind kind, const std::string& model) const {
    json role = {{"provider", llm::ProviderName(kind)}, {"model", model}, {"max_retries", 1}, {"timeout_s", 10}};
    switch (kind) {
      case ProviderKind::kOpenAI:
        role["base_url"] = openai_.url() + "/v1";
        role["api_key_env"] = kOpenAIKeyVar;
        break;
      case ProviderKind::kAnthropic:
        role["base_url"] = anthropic_.url();
        role["api_key_env"] = kAnthropicKeyVar;
        break;
      case ProviderKind::kBedrock:
        role["base_url"] = bedrock_.url();
        role["region"] = kRegion;
        break;
    }
    return role;
  }

  void WriteConfig(const json& models) {
    config_ = (inputs_ / "llm.json").string();
    WriteFile(config_, json{{"models", models}}.dump(2));
  }

  CommandResult Run(std::vector<std::string> args) {
    args.insert(args.end(), {"--data-dir", data_.path().string()});
    CommandResult r = RunCli(args);
    for (const char* secret : {kOpenAIKey, kAnthropicKey, kAwsSecret}) {
      EXPECT_EQ(r.out.find(secret), std::string::npos) << "secret in stdout:\n" << r.out;
      EXPECT_EQ(r.err.find(secret), std::string::npos) << "secret in stderr:\n" << r.err;
    }
    return r;
  }

  // `ask --json` with the configuration written last; the answer parsed.
  // --no-memory: each ask reaches the provider (a repeated question would come from memory).
  json Ask(const std::string& question, int expected_exit = 0) {
    CommandResult r = Run({"ask", "music", question, "--config", config_, "--json", "--no-memory"});
    EXPECT_EQ(r.exit_code, expected_exit) << r.err << r.out;
    json answer = json::parse(r.out, nullptr, false);
    EXPECT_FALSE(answer.is_discarded()) << r.out;
    return answer;
  }

  // The data as `dataanalyst sql` reads it now.
  json CheckRows() {
    CommandResult r = Run({"sql", "music", kCheckSql, "--json"});
    EXPECT_EQ(r.exit_code, 0) << r.err;
    return json::parse(r.out, nullptr, false)["rows"];
  }

  ScopedEnv env_;
  TempDir data_, inputs_, home_;
  FakeLlmServer openai_{NotScripted}, anthropic_{NotScripted}, bedrock_{NotScripted};
  std::string config_;
};

// The model a request asked for, as its wire format names it.
std::string ModelOf(ProviderKind kind, const RecordedRequest& r) {
  if (kind != ProviderKind::kBedrock) return r.Json().value("model", "");
  const std::string prefix = "/model/", suffix = "/converse";
  if (!r.path.starts_with(prefix) || !r.path.ends_with(suffix)) return "";
  return r.path.substr(prefix.size(), r.path.size() - prefix.size() - suffix.size());
}

// The same pipeline on each hosted provider's wire format.
class ProviderTest : public AskProvidersCliTest, public ::testing::WithParamInterface<ProviderKind> {
 protected:
  ProviderKind kind() const { return GetParam(); }
  FakeLlmServer& server() { return Server(kind()); }
  ScriptedReply Reply(const std::string& text, int input_tokens, int output_tokens) const {
    return AskProvidersCliTest::Reply(kind(), text, input_tokens, output_tokens);
  }
  // SQL from one model, explanations from another, both of this provider.
  void SetUp() override {
    AskProvidersCliTest::SetUp();
    const bool bedrock = kind() == ProviderKind::kBedrock;
    sql_model_ = bedrock ? "anthropic.claude-3-5-haiku-20241022-v1:0" : "claude-3-5-haiku-latest";
    explanation_model_ = bedrock ? "amazon.nova-lite-v1:0" : "claude-3-5-sonnet-latest";
    WriteConfig({{"sql", Role(kind(), sql_model_)}, {"explanation", Role(kind(), explanation_model_)}});
  }
  // The model name as it appears on the wire (Bedrock percent-encodes it into the path).
  std::string Wire(std::string model) const {
    if (kind() != ProviderKind::kBedrock) return model;
    for (size_t at; (at = model.find(':')) != std::string::npos;) model.replace(at, 1, "%3A");
    return model;
  }

  std::string sql_model_, explanation_model_;
};

TEST_P(ProviderTest, AnswersWhatTheEngineCannot) {
  server().Script({Reply(Fenced(kSql), 200, 30), Reply(kExplanation, 50, 8)});
  json a = Ask(kHardQuestion);
  EXPECT_EQ(a["source"], "llm") << a.dump(1);
  EXPECT_EQ(a["sql"], kSql);
  ASSERT_EQ(a["rows"].size(), 3u) << a.dump(1);
  EXPECT_EQ(a["rows"][0], json::parse(R"(["France", 3])"));
  EXPECT_EQ(a["chart"]["type"], "bar");
  EXPECT_EQ(a["explanation"], kExplanation);
  EXPECT_TRUE(a["repairs"].empty());
  EXPECT_EQ(a["usage"]["calls"], 2);
  EXPECT_EQ(a["usage"]["input_tokens"], 250);
  EXPECT_EQ(a["usage"]["output_tokens"], 38);
  // Each role went to its own model, authenticated the provider's way.
  auto requests = server().requests();
  ASSERT_EQ(requests.size(), 2u);
  EXPECT_EQ(ModelOf(kind(), requests[0]), Wire(sql_model_));
  EXPECT_EQ(ModelOf(kind(), requests[1]), Wire(explanation_model_));
  EXPECT_NE(requests[0].body.find("singers"), std::string::npos);  // the schema went with the question
  if (kind() == ProviderKind::kAnthropic) {
    EXPECT_EQ(requests[0].Header("x-api-key"), kAnthropicKey);
    EXPECT_EQ(requests[0].Header("anthropic-version"), "2023-06-01");
  } else {
    EXPECT_TRUE(requests[0].Header("Authorization").starts_with("AWS4-HMAC-SHA256 Credential=" +
                                                                std::string(kAwsKeyId) + "/"));
  }
}

TEST_P(ProviderTest, RateLimitedThenAnswers) {
  server().Script({RateLimited(kind()), Reply(Fenced(kSql), 200, 30), Reply(kExplanation, 50, 8)});
  json a = Ask(kHardQuestion);
  EXPECT_EQ(a["source"], "llm") << a.dump(1);
  EXPECT_EQ(a["sql"], kSql);
  EXPECT_EQ(a["explanation"], kExplanation);
  // Two model calls (the SQL one took two HTTP attempts); tokens only from the replies that came.
  EXPECT_EQ(a["usage"]["calls"], 2);
  EXPECT_EQ(a["usage"]["input_tokens"], 250);
  EXPECT_EQ(a["usage"]["output_tokens"], 38);
  auto requests = server().requests();
  ASSERT_EQ(requests.size(), 3u);
  EXPECT_EQ(requests[0].body, requests[1].body);  // the same request again (Bedrock: signed, and checked, again)
}

TEST_P(ProviderTest, WritesAreRefusedAndTheDataIsUnchanged) {
  const json before = CheckRows();
  ASSERT_EQ(before, json::parse("[[5, 197]]"));
  const std::string attached = (inputs_ / "attached.db").string();
  for (const std::string& sql : {std::string("DROP TABLE singers"), std::string("UPDATE singers SET age = 0"),
                                 "ATTACH DATABASE '" + attached + "' AS stolen"}) {
    SCOPED_TRACE(sql);
    const size_t asked = server().requests().size();
    server().Script({Reply(Fenced(sql), 10, 10)});
    json a = Ask(kHardQuestion, 1);
    EXPECT_EQ(a["answered"], false);
    EXPECT_EQ(a["error"]["code"], "refused") << a.dump(1);
    EXPECT_EQ(a["sql"], sql);
    EXPECT_TRUE(a["repairs"].empty());
    EXPECT_EQ(server().requests().size(), asked + 1);  // no repair, no explanation
    EXPECT_EQ(CheckRows(), before);
  }
  EXPECT_FALSE(std::filesystem::exists(attached));
}

TEST_P(ProviderTest, WrongColumnIsRepairedOnTheSecondTry) {
  server().Script({Reply(Fenced("SELECT nation, COUNT(*) FROM singers GROUP BY nation"), 100, 10),
                   Reply(Fenced(kSql), 120, 12), Reply(kExplanation, 50, 8)});
  json a = Ask(kHardQuestion);
  EXPECT_EQ(a["source"], "llm") << a.dump(1);
  EXPECT_EQ(a["sql"], kSql);
  EXPECT_EQ(a["rows"][0], json::parse(R"(["France", 3])"));
  ASSERT_EQ(a["repairs"].size(), 1u) << a.dump(1);
  EXPECT_NE(a["repairs"][0]["sql"].get<std::string>().find("nation"), std::string::npos);
  EXPECT_NE(a["repairs"][0]["error"].get<std::string>().find("nation"), std::string::npos) << a["repairs"];
  EXPECT_EQ(a["usage"]["calls"], 3);
  EXPECT_EQ(a["usage"]["input_tokens"], 270);
  auto requests = server().requests();
  ASSERT_EQ(requests.size(), 3u);
  EXPECT_EQ(ModelOf(kind(), requests[1]), Wire(sql_model_));  // the SQL model repairs
  EXPECT_NE(requests[1].body.find("nation"), std::string::npos);  // with its failed SQL and the error
}

INSTANTIATE_TEST_SUITE_P(HostedProviders, ProviderTest,
                         ::testing::Values(ProviderKind::kAnthropic, ProviderKind::kBedrock),
                         [](const ::testing::TestParamInfo<ProviderKind>& info) {
                           return std::string(llm::ProviderName(info.param));
                         });

// Bedrock credentials from a profile in ~/.aws/credentials when the environment has none.
TEST_F(AskProvidersCliTest, BedrockCredentialsFromAProfileFile) {
  env_.Set("AWS_ACCESS_KEY_ID", std::nullopt);
  env_.Set("AWS_SECRET_ACCESS_KEY", std::nullopt);
  WriteFile(home_ / ".aws" / "credentials",
            "[default]\naws_access_key_id = " + std::string(kAwsKeyId) + "\naws_secret_access_key = not-the-one\n\n" +
                "[analyst]\naws_access_key_id = " + kAwsKeyId + "\naws_secret_access_key = " + kAwsSecret + "\n");
  json role = Role(ProviderKind::kBedrock, "amazon.nova-pro-v1:0");
  role["profile"] = "analyst";
  WriteConfig({{"sql", role}});
  bedrock_.Script({Reply(ProviderKind::kBedrock, Fenced(kSql), 20, 5),
                   Reply(ProviderKind::kBedrock, kExplanation, 10, 5)});
  json a = Ask(kHardQuestion);
  EXPECT_EQ(a["source"], "llm") << a.dump(1);
  EXPECT_EQ(a["explanation"], kExplanation);
  EXPECT_EQ(bedrock_.requests().size(), 2u);

  // The default profile's secret is not the one AWS knows: the signature check refuses it.
  role.erase("profile");
  WriteConfig({{"sql", role}});
  a = Ask(kHardQuestion, 1);
  EXPECT_EQ(a["error"]["code"], "refused") << a.dump(1);
  EXPECT_EQ(a["error"]["message"].get<std::string>().find("not-the-one"), std::string::npos);
}

// Each role uses its own provider: intent on OpenAI-compatible, SQL on Bedrock, explanation on
// Anthropic, each in its own wire format.
TEST_F(AskProvidersCliTest, RolesMixProviders) {
  WriteConfig({{"sql", Role(ProviderKind::kBedrock, "meta.llama3-70b-instruct-v1:0")},
               {"chat", Role(ProviderKind::kOpenAI, "llama3.1:8b")},
               {"explanation", Role(ProviderKind::kAnthropic, "claude-3-5-haiku-latest")}});
  openai_.Script({Reply(ProviderKind::kOpenAI, "Data question.", 20, 2)});
  bedrock_.Script({Reply(ProviderKind::kBedrock, Fenced(kSql), 200, 30)});
  anthropic_.Script({Reply(ProviderKind::kAnthropic, kExplanation, 50, 8)});
  // No question word and no word of the data: the rules are unsure, so the chat model decides.
  json a = Ask("zorbly quuxness per town");
  EXPECT_EQ(a["intent"], "data_question") << a.dump(1);
  EXPECT_EQ(a["source"], "llm");
  EXPECT_EQ(a["sql"], kSql);
  EXPECT_EQ(a["explanation"], kExplanation);
  EXPECT_EQ(a["usage"]["calls"], 3);
  EXPECT_EQ(a["usage"]["input_tokens"], 270);
  EXPECT_EQ(a["usage"]["output_tokens"], 40);
  ASSERT_EQ(openai_.requests().size(), 1u);
  ASSERT_EQ(bedrock_.requests().size(), 1u);
  ASSERT_EQ(anthropic_.requests().size(), 1u);
  EXPECT_EQ(openai_.requests()[0].Header("Authorization"), std::string("Bearer ") + kOpenAIKey);
  EXPECT_EQ(bedrock_.requests()[0].path, "/model/meta.llama3-70b-instruct-v1%3A0/converse");
  EXPECT_EQ(anthropic_.requests()[0].Header("x-api-key"), kAnthropicKey);
  EXPECT_NE(anthropic_.requests()[0].body.find("France"), std::string::npos);  // the explainer saw the rows
}

}  // namespace
}  // namespace da::testing
