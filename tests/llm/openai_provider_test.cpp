// The OpenAI-compatible provider against a fake server speaking /v1/chat/completions and
// /v1/embeddings, built through the factory as the application builds it.
#include "llm/openai_provider.h"

#include <gtest/gtest.h>

#include <thread>

#include "fake_llm_server.h"
#include "llm/model_factory.h"

namespace da::llm {
namespace {

using nlohmann::json;
using std::chrono::milliseconds;
using testing::FakeLlmServer;
using testing::RecordedRequest;
using testing::ScriptedReply;

constexpr char kKey[] = "sk-test-0123456789abcdefSECRET";

class OpenAIProviderTest : public ::testing::Test {
 protected:
  ModelConfig Config(ModelRole role = ModelRole::kSql) {
    ModelConfig config;
    config.role = role;
    config.provider = ProviderKind::kOpenAI;
    config.model = role == ModelRole::kEmbeddings ? "text-embedding-3-small" : "gpt-4o-mini";
    config.base_url = server.url() + "/v1";
    config.timeout_s = 5;
    return config;
  }
  Environment Env() { return testing::RecordingEnv({{"OPENAI_API_KEY", kKey}}, slept); }
  std::unique_ptr<ChatModel> Chat(const ModelConfig& config) {
    auto model = MakeChatModel(config, Env());
    EXPECT_TRUE(model.ok()) << model.status().ToString();
    return std::move(model).value();
  }
  static ChatRequest Hello() {
    ChatRequest request;
    request.system = "You write SQLite SQL.";
    request.messages = {{Message::Role::kUser, "count the orders"},
                        {Message::Role::kAssistant, "SELECT count(*) FROM orders"},
                        {Message::Role::kUser, "per channel"}};
    request.max_tokens = 300;
    request.temperature = 0.0;
    request.stop = {"\n\n"};
    return request;
  }
  // The error's printable form must never carry the key.
  static void ExpectNoKey(const Status& status) {
    EXPECT_EQ(status.ToString().find(kKey), std::string::npos) << status.ToString();
    EXPECT_EQ(status.ToString().find("SECRET"), std::string::npos) << status.ToString();
  }

  FakeLlmServer server{[](const RecordedRequest& r) {
    if (r.path.ends_with("/embeddings")) return testing::OpenAIEmbeddingsFor(r);
    return testing::OpenAIChatReply("SELECT channel, count(*) FROM orders GROUP BY 1", 57, 12);
  }};
  std::shared_ptr<std::vector<milliseconds>> slept = std::make_shared<std::vector<milliseconds>>();
};

TEST_F(OpenAIProviderTest, ChatSpeaksTheWireFormatAndReadsUsage) {
  auto model = Chat(Config());
  EXPECT_EQ(model->id(), "openai:gpt-4o-mini");
  auto reply = model->Chat(Hello());
  ASSERT_TRUE(reply.ok()) << reply.status().ToString();
  EXPECT_EQ(reply->text, "SELECT channel, count(*) FROM orders GROUP BY 1");
  EXPECT_EQ(reply->model, "fake-gpt");
  EXPECT_EQ(reply->usage.input_tokens, 57);
  EXPECT_EQ(reply->usage.output_tokens, 12);
  EXPECT_EQ(reply->stop_reason, StopReason::kEndTurn);
  EXPECT_EQ(reply->attempts, 1);

  auto requests = server.requests();
  ASSERT_EQ(requests.size(), 1u);
  const RecordedRequest& r = requests[0];
  EXPECT_EQ(r.method, "POST");
  EXPECT_EQ(r.target, "/v1/chat/completions");
  EXPECT_EQ(r.Header("Authorization"), std::string("Bearer ") + kKey);
  EXPECT_EQ(r.Header("Content-Type"), "application/json");
  json body = r.Json();
  EXPECT_EQ(body["model"], "gpt-4o-mini");
  EXPECT_EQ(body["max_tokens"], 300);
  EXPECT_EQ(body["temperature"], 0.0);
  EXPECT_EQ(body["stop"], json::array({"\n\n"}));
  json expected = json::array({{{"role", "system"}, {"content", "You write SQLite SQL."}},
                               {{"role", "user"}, {"content", "count the orders"}},
                               {{"role", "assistant"}, {"content", "SELECT count(*) FROM orders"}},
                               {{"role", "user"}, {"content", "per channel"}}});
  EXPECT_EQ(body["messages"], expected);
}

TEST_F(OpenAIProviderTest, LocalServerWithoutKeySendsNoAuthorization) {
  auto model = MakeChatModel(Config(), testing::RecordingEnv({}, slept));  // Ollama, llama.cpp
  ASSERT_TRUE(model.ok()) << model.status().ToString();
  ChatRequest request;
  request.messages = {{Message::Role::kUser, "hi"}};
  ASSERT_TRUE((*model)->Chat(request).ok());
  auto r = server.requests().at(0);
  EXPECT_FALSE(r.HasHeader("Authorization"));
  EXPECT_FALSE(r.Json().contains("temperature"));  // unset: the server's default
  EXPECT_FALSE(r.Json().contains("stop"));
  EXPECT_EQ(r.Json()["messages"].size(), 1u);  // no empty system message
}

TEST_F(OpenAIProviderTest, AzureUsesApiKeyHeaderAndApiVersion) {
  ModelConfig config = Config();
  config.base_url = server.url() + "/openai/deployments/my-gpt";
  config.api_version = "2024-06-01";
  config.api_key_env = "AZURE_OPENAI_API_KEY";
  auto model = MakeChatModel(config, testing::RecordingEnv({{"AZURE_OPENAI_API_KEY", kKey}}, slept));
  ASSERT_TRUE(model.ok()) << model.status().ToString();
  ASSERT_TRUE((*model)->Chat(Hello()).ok());
  auto r = server.requests().at(0);
  EXPECT_EQ(r.target, "/openai/deployments/my-gpt/chat/completions?api-version=2024-06-01");
  EXPECT_EQ(r.Header("api-key"), kKey);
  EXPECT_FALSE(r.HasHeader("Authorization"));
}

TEST_F(OpenAIProviderTest, OfficialApiGetsMaxCompletionTokens) {
  OpenAIOptions options;
  options.base_url = server.url() + "/v1";
  options.model = "o3-mini";
  options.max_completion_tokens = true;
  ASSERT_TRUE(NewOpenAIChatModel(options)->Chat(Hello()).ok());
  auto body = server.requests().at(0).Json();
  EXPECT_EQ(body["max_completion_tokens"], 300);
  EXPECT_FALSE(body.contains("max_tokens"));
}

TEST_F(OpenAIProviderTest, OneModelServesConcurrentCalls) {
  auto model = Chat(Config());
  std::vector<std::thread> threads;
  std::atomic<int> ok{0};
  for (int i = 0; i < 4; ++i) {
    threads.emplace_back([&] {
      for (int j = 0; j < 5; ++j) ok += model->Chat(Hello()).ok() ? 1 : 0;
    });
  }
  for (auto& t : threads) t.join();
  EXPECT_EQ(ok.load(), 20);
  EXPECT_EQ(server.requests().size(), 20u);
}

TEST_F(OpenAIProviderTest, LengthFinishIsMaxTokens) {
  server.Script({testing::OpenAIChatReply("SELECT", 5, 300, "length")});
  auto reply = Chat(Config())->Chat(Hello());
  ASSERT_TRUE(reply.ok());
  EXPECT_EQ(reply->stop_reason, StopReason::kMaxTokens);
}

TEST_F(OpenAIProviderTest, RateLimitWithRetryAfterIsRetriedAfterTheAskedDelay) {
  ScriptedReply limited = testing::OpenAIError(429, "rate_limit_exceeded", "Rate limit reached");
  limited.headers = {{"Retry-After", "2"}};
  server.Script({limited});
  auto reply = Chat(Config())->Chat(Hello());
  ASSERT_TRUE(reply.ok()) << reply.status().ToString();
  EXPECT_EQ(reply->attempts, 2);
  EXPECT_EQ(*slept, std::vector<milliseconds>{milliseconds(2000)});
}

TEST_F(OpenAIProviderTest, ServerErrorThenSuccessCountsAttempts) {
  server.Script({testing::OpenAIError(500, "server_error", "The server had an error")});
  auto reply = Chat(Config())->Chat(Hello());
  ASSERT_TRUE(reply.ok()) << reply.status().ToString();
  EXPECT_EQ(reply->attempts, 2);
  EXPECT_EQ(slept->size(), 1u);
  EXPECT_EQ(server.requests().size(), 2u);
}

TEST_F(OpenAIProviderTest, PersistentServerErrorsEndAsIoError) {
  ModelConfig config = Config();
  config.max_retries = 1;
  server.Script({testing::OpenAIError(503, "overloaded", "busy"), testing::OpenAIError(503, "overloaded", "busy")});
  auto reply = Chat(config)->Chat(Hello());
  ASSERT_FALSE(reply.ok());
  EXPECT_EQ(reply.status().code(), Status::Code::kIoError);
  EXPECT_NE(reply.status().message().find("HTTP 503"), std::string::npos) << reply.status().ToString();
  EXPECT_NE(reply.status().message().find("after 2 attempts"), std::string::npos);
}

TEST_F(OpenAIProviderTest, BadKeyIsRefusedAndTheKeyNeverAppears) {
  // OpenAI echoes (part of) the key it rejected; the message must not carry it.
  server.Script({testing::OpenAIError(401, "invalid_api_key",
                                      std::string("Incorrect API key provided: ") + kKey +
                                          ". You can find your API key at https://platform.openai.com.")});
  auto reply = Chat(Config())->Chat(Hello());
  ASSERT_FALSE(reply.ok());
  EXPECT_EQ(reply.status().code(), Status::Code::kRefused);
  std::string message = reply.status().message();
  EXPECT_NE(message.find("openai"), std::string::npos) << message;
  EXPECT_NE(message.find(server.host()), std::string::npos) << message;
  EXPECT_NE(message.find("gpt-4o-mini"), std::string::npos) << message;
  EXPECT_NE(message.find("OPENAI_API_KEY"), std::string::npos) << message;
  ExpectNoKey(reply.status());
  EXPECT_EQ(server.requests().size(), 1u);  // not retried
}

TEST_F(OpenAIProviderTest, UnknownModelIsNotFound) {
  server.Script({testing::OpenAIError(404, "model_not_found", "The model `gpt-9` does not exist")});
  auto reply = Chat(Config())->Chat(Hello());
  ASSERT_FALSE(reply.ok());
  EXPECT_EQ(reply.status().code(), Status::Code::kNotFound);
  EXPECT_NE(reply.status().message().find("model not found"), std::string::npos);
  // Ollama's shape: {"error": "model \"x\" not found, try pulling it first"} with 404.
  server.Script({testing::JsonResponse(404, {{"error", "model \"qwen\" not found, try pulling it first"}})});
  reply = Chat(Config())->Chat(Hello());
  ASSERT_FALSE(reply.ok());
  EXPECT_EQ(reply.status().code(), Status::Code::kNotFound);
  EXPECT_NE(reply.status().message().find("try pulling it first"), std::string::npos);
}

TEST_F(OpenAIProviderTest, BadRequestIsInvalidArgumentWithTheProvidersReason) {
  server.Script({testing::OpenAIError(400, "context_length_exceeded", "maximum context length is 8192 tokens")});
  auto reply = Chat(Config())->Chat(Hello());
  ASSERT_FALSE(reply.ok());
  EXPECT_EQ(reply.status().code(), Status::Code::kInvalidArgument);
  EXPECT_NE(reply.status().message().find("maximum context length"), std::string::npos);
}

TEST_F(OpenAIProviderTest, SlowReplyTimesOut) {
  ModelConfig config = Config();
  config.timeout_s = 0.2;
  ScriptedReply slow = testing::OpenAIChatReply("late", 1, 1);
  slow.delay_ms = 3000;
  server.Script({slow});
  auto reply = Chat(config)->Chat(Hello());
  ASSERT_FALSE(reply.ok());
  EXPECT_EQ(reply.status().code(), Status::Code::kTimeout) << reply.status().ToString();
  EXPECT_NE(reply.status().message().find("gpt-4o-mini"), std::string::npos);
}

TEST_F(OpenAIProviderTest, GarbageBodyIsAnIoError) {
  server.Script({testing::Garbage()});
  auto reply = Chat(Config())->Chat(Hello());
  ASSERT_FALSE(reply.ok());
  EXPECT_EQ(reply.status().code(), Status::Code::kIoError);
  EXPECT_NE(reply.status().message().find("not a JSON object"), std::string::npos) << reply.status().ToString();
  server.Script({testing::JsonResponse(200, {{"choices", json::array()}})});
  reply = Chat(Config())->Chat(Hello());
  ASSERT_FALSE(reply.ok());
  EXPECT_NE(reply.status().message().find("no choices"), std::string::npos);
}

TEST_F(OpenAIProviderTest, UnreachableHostIsIoErrorNamingProviderHostAndModel) {
  testing::ClosedPort closed;
  ModelConfig config = Config();
  config.base_url = closed.url() + "/v1";
  auto reply = Chat(config)->Chat(Hello());
  ASSERT_FALSE(reply.ok());
  EXPECT_EQ(reply.status().code(), Status::Code::kIoError);
  std::string message = reply.status().message();
  EXPECT_NE(message.find("openai at 127.0.0.1:" + std::to_string(closed.port()) + " (model gpt-4o-mini)"),
            std::string::npos) << message;
  EXPECT_NE(message.find("after 3 attempts"), std::string::npos) << message;
  EXPECT_EQ(slept->size(), 2u);
  ExpectNoKey(reply.status());
}

TEST_F(OpenAIProviderTest, EmbeddingsKeepInputOrderAndLearnTheDimension) {
  auto embedder = MakeEmbedder(Config(ModelRole::kEmbeddings), Env());
  ASSERT_TRUE(embedder.ok()) << embedder.status().ToString();
  EXPECT_EQ((*embedder)->dimension(), 0);
  auto result = (*embedder)->Embed({"a", "bbb", "cc"});
  ASSERT_TRUE(result.ok()) << result.status().ToString();
  ASSERT_EQ(result->vectors.size(), 3u);
  EXPECT_EQ(result->vectors[0], (std::vector<float>{1, 0, 1}));  // the fake replies in reverse order
  EXPECT_EQ(result->vectors[1], (std::vector<float>{3, 1, 1}));
  EXPECT_EQ(result->vectors[2], (std::vector<float>{2, 2, 1}));
  EXPECT_EQ(result->usage.input_tokens, 6);
  EXPECT_EQ((*embedder)->dimension(), 3);
  EXPECT_EQ((*embedder)->id(), "openai:text-embedding-3-small");
  auto r = server.requests().at(0);
  EXPECT_EQ(r.target, "/v1/embeddings");
  EXPECT_EQ(r.Header("Authorization"), std::string("Bearer ") + kKey);
  EXPECT_EQ(r.Json()["input"], json::array({"a", "bbb", "cc"}));
  EXPECT_EQ(r.Json()["model"], "text-embedding-3-small");
  EXPECT_FALSE(r.Json().contains("dimensions"));
}

TEST_F(OpenAIProviderTest, EmbeddingsAreBatched) {
  auto embedder = MakeEmbedder(Config(ModelRole::kEmbeddings), Env());
  ASSERT_TRUE(embedder.ok());
  std::vector<std::string> texts(300, "x");
  auto result = (*embedder)->Embed(texts);
  ASSERT_TRUE(result.ok()) << result.status().ToString();
  EXPECT_EQ(result->vectors.size(), 300u);
  EXPECT_EQ(result->vectors[299][1], 299 - 256);  // index within the third batch
  EXPECT_EQ(result->attempts, 3);
  auto requests = server.requests();
  ASSERT_EQ(requests.size(), 3u);
  EXPECT_EQ(requests[0].Json()["input"].size(), 128u);
  EXPECT_EQ(requests[2].Json()["input"].size(), 44u);
  EXPECT_TRUE((*embedder)->Embed({}).ok());
  EXPECT_EQ(server.requests().size(), 3u);  // nothing to embed, no request
}

TEST_F(OpenAIProviderTest, ConfiguredDimensionIsRequestedAndEnforced) {
  ModelConfig config = Config(ModelRole::kEmbeddings);
  config.dimensions = 256;
  auto embedder = MakeEmbedder(config, Env());
  ASSERT_TRUE(embedder.ok());
  EXPECT_EQ((*embedder)->dimension(), 256);
  auto result = (*embedder)->Embed({"a"});  // the fake answers with 3 numbers
  ASSERT_FALSE(result.ok());
  EXPECT_EQ(result.status().code(), Status::Code::kIoError);
  EXPECT_NE(result.status().message().find("256"), std::string::npos) << result.status().ToString();
  EXPECT_EQ(server.requests().at(0).Json()["dimensions"], 256);
}

}  // namespace
}  // namespace da::llm
