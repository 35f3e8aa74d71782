// From configuration to working models: secrets from the (injected) environment, AWS
// credentials from files, and the `config check` report, against fake providers on loopback.
#include "llm/model_factory.h"

#include <gtest/gtest.h>

#include "fake_llm_server.h"
#include "test_util.h"

namespace da::llm {
namespace {

using std::chrono::milliseconds;
using testing::FakeLlmServer;
using testing::RecordedRequest;
using testing::ScriptedReply;

ChatRequest Hi() {
  ChatRequest request;
  request.messages = {{Message::Role::kUser, "hi"}};
  return request;
}

class ModelFactoryTest : public ::testing::Test {
 protected:
  ModelConfig OpenAI(const std::string& base_url) {
    ModelConfig config;
    config.provider = ProviderKind::kOpenAI;
    config.model = "gpt-4o-mini";
    config.base_url = base_url;
    config.timeout_s = 5;
    return config;
  }
  Environment Env(std::map<std::string, std::string> vars) { return testing::RecordingEnv(vars, slept); }

  FakeLlmServer openai{[](const RecordedRequest& r) -> ScriptedReply {
    if (r.path.ends_with("/embeddings")) return testing::OpenAIEmbeddingsFor(r);
    return testing::OpenAIChatReply("OK", 14, 1);
  }};
  std::shared_ptr<std::vector<milliseconds>> slept = std::make_shared<std::vector<milliseconds>>();
};

TEST_F(ModelFactoryTest, KeyComesFromOpenAIApiKeyOrTheNamedVariable) {
  auto model = MakeChatModel(OpenAI(openai.url() + "/v1"), Env({{"OPENAI_API_KEY", "sk-from-env"}}));
  ASSERT_TRUE(model.ok());
  ASSERT_TRUE((*model)->Chat(Hi()).ok());
  EXPECT_EQ(openai.requests().back().Header("Authorization"), "Bearer sk-from-env");

  ModelConfig named = OpenAI(openai.url() + "/v1");
  named.api_key_env = "GROQ_KEY";
  model = MakeChatModel(named, Env({{"OPENAI_API_KEY", "sk-wrong"}, {"GROQ_KEY", "gsk-named"}}));
  ASSERT_TRUE(model.ok());
  ASSERT_TRUE((*model)->Chat(Hi()).ok());
  EXPECT_EQ(openai.requests().back().Header("Authorization"), "Bearer gsk-named");
}

TEST_F(ModelFactoryTest, MissingRequiredKeysNameTheVariable) {
  ModelConfig named = OpenAI(openai.url() + "/v1");
  named.api_key_env = "GROQ_KEY";
  auto model = MakeChatModel(named, Env({}));
  ASSERT_FALSE(model.ok());
  EXPECT_EQ(model.status().code(), Status::Code::kInvalidArgument);
  EXPECT_EQ(model.status().message(),
            "models.sql (openai, model gpt-4o-mini): the API key variable GROQ_KEY is not set");

  auto official = MakeChatModel(OpenAI(""), Env({}));  // api.openai.com needs a key
  ASSERT_FALSE(official.ok());
  EXPECT_NE(official.status().message().find("OPENAI_API_KEY is not set"), std::string::npos);

  ModelConfig claude;
  claude.role = ModelRole::kChat;
  claude.provider = ProviderKind::kAnthropic;
  claude.model = "claude-3-5-haiku-latest";
  auto anthropic = MakeChatModel(claude, Env({{"OPENAI_API_KEY", "sk-x"}}));
  ASSERT_FALSE(anthropic.ok());
  EXPECT_EQ(anthropic.status().message(),
            "models.chat (anthropic, model claude-3-5-haiku-latest): the API key variable ANTHROPIC_API_KEY is not set");

  claude.role = ModelRole::kEmbeddings;
  auto embedder = MakeEmbedder(claude, Env({{"ANTHROPIC_API_KEY", "k"}}));
  EXPECT_EQ(embedder.status().code(), Status::Code::kUnsupported);
}

TEST_F(ModelFactoryTest, ConfiguredTimeoutAndRetriesApply) {
  ModelConfig config = OpenAI(openai.url() + "/v1");
  config.timeout_s = 0.15;
  config.max_retries = 0;
  ScriptedReply slow = testing::OpenAIChatReply("late", 1, 1);
  slow.delay_ms = 3000;
  openai.Script({testing::OpenAIError(502, "bad_gateway", "upstream"), slow});
  auto reply = MakeChatModel(config, Env({})).value()->Chat(Hi());
  EXPECT_EQ(reply.status().code(), Status::Code::kIoError);  // 502, no retry allowed
  reply = MakeChatModel(config, Env({})).value()->Chat(Hi());
  EXPECT_EQ(reply.status().code(), Status::Code::kTimeout);
  EXPECT_TRUE(slept->empty());

  HttpOptions options = HttpOptionsFor(config, Env({}));
  EXPECT_EQ(options.total_timeout, milliseconds(150));
  EXPECT_EQ(options.connect_timeout, milliseconds(150));
  EXPECT_EQ(options.retry.max_attempts, 1);
}

TEST_F(ModelFactoryTest, BedrockUsesTheCredentialsFileAndConfiguredProfile) {
  const AwsCredentials known{"AKIAFILE", "filesecret/abc+def", "", ""};
  FakeLlmServer bedrock{[](const RecordedRequest&) { return testing::ConverseReply("OK", 10, 1); }};
  bedrock.SetGate([&known](const RecordedRequest& r) { return testing::CheckSigV4(r, known, "ca-central-1", "bedrock"); });
  da::testing::TempDir dir;
  da::testing::WriteFile(dir / "credentials",
                         "[team]\naws_access_key_id = AKIAFILE\naws_secret_access_key = filesecret/abc+def\n");
  da::testing::WriteFile(dir / "config", "[profile team]\nregion = ca-central-1\n");
  ModelConfig config;
  config.provider = ProviderKind::kBedrock;
  config.model = "meta.llama3-70b-instruct-v1:0";
  config.aws_profile = "team";
  config.base_url = bedrock.url();
  Environment env = Env({{"AWS_SHARED_CREDENTIALS_FILE", (dir / "credentials").string()},
                         {"AWS_CONFIG_FILE", (dir / "config").string()}});
  auto model = MakeChatModel(config, env);
  ASSERT_TRUE(model.ok()) << model.status().ToString();
  auto reply = (*model)->Chat(Hi());
  ASSERT_TRUE(reply.ok()) << reply.status().ToString();
  EXPECT_EQ(reply->text, "OK");

  config.aws_profile = "nobody";
  auto missing = MakeChatModel(config, env);
  ASSERT_FALSE(missing.ok());
  EXPECT_TRUE(missing.status().message().starts_with("models.sql (bedrock, model meta.llama3-70b-instruct-v1:0): no AWS"))
      << missing.status().ToString();
}

TEST_F(ModelFactoryTest, CheckModelsReportsEachRole) {
  FakeLlmServer rejecting{[](const RecordedRequest&) {
    return testing::AnthropicError(401, "authentication_error", "invalid x-api-key");
  }};
  const std::string key = "sk-ant-CHECKSECRET-123";
  auto config = ParseLlmConfig(R"({"models": {
      "sql": {"provider": "openai", "model": "qwen2.5-coder", "base_url": ")" + openai.url() + R"(/v1"},
      "explanation": {"provider": "anthropic", "model": "claude-x", "base_url": ")" + rejecting.url() + R"("},
      "embeddings": {"provider": "openai", "model": "nomic-embed-text", "base_url": ")" + openai.url() + R"(/v1"}}})",
                               "config.json");
  ASSERT_TRUE(config.ok()) << config.status().ToString();
  std::vector<ModelCheck> checks = CheckModels(*config, Env({{"ANTHROPIC_API_KEY", key}}));
  ASSERT_EQ(checks.size(), 3u);
  EXPECT_EQ(checks[0].role, "sql");
  EXPECT_EQ(checks[0].provider, "openai");
  EXPECT_EQ(checks[0].model, "qwen2.5-coder");
  EXPECT_TRUE(checks[0].ok) << checks[0].message;
  EXPECT_EQ(checks[0].message, "replied \"OK\" (14 in, 1 out tokens)");
  EXPECT_GE(checks[0].latency_ms, 0);
  EXPECT_EQ(checks[1].role, "explanation");
  EXPECT_FALSE(checks[1].ok);
  EXPECT_NE(checks[1].message.find("credentials rejected"), std::string::npos) << checks[1].message;
  EXPECT_EQ(checks[1].message.find(key), std::string::npos);
  EXPECT_EQ(checks[2].role, "embeddings");
  EXPECT_TRUE(checks[2].ok) << checks[2].message;
  EXPECT_EQ(checks[2].message, "embedded a test text: 3 dimensions");

  auto ping = openai.requests().front().Json();
  EXPECT_EQ(ping["max_tokens"], 16);
  EXPECT_EQ(ping["messages"].size(), 1u);
}

TEST_F(ModelFactoryTest, CheckModelReportsConfigurationProblemsWithoutARequest) {
  ModelConfig config = OpenAI("");
  ModelCheck check = CheckModel(config, Env({}));
  EXPECT_FALSE(check.ok);
  EXPECT_NE(check.message.find("OPENAI_API_KEY is not set"), std::string::npos);
  testing::ClosedPort closed;
  check = CheckModel(OpenAI(closed.url() + "/v1"), Env({}));
  EXPECT_FALSE(check.ok);
  EXPECT_TRUE(check.message.starts_with("io error: openai at 127.0.0.1:")) << check.message;
}

}  // namespace
}  // namespace da::llm
