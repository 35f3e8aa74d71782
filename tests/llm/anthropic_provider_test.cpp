// The Anthropic Messages API provider against a fake /v1/messages.
#include "llm/anthropic_provider.h"

#include <gtest/gtest.h>

#include "fake_llm_server.h"
#include "llm/model_factory.h"

namespace da::llm {
namespace {

using nlohmann::json;
using std::chrono::milliseconds;
using testing::FakeLlmServer;
using testing::RecordedRequest;

constexpr char kKey[] = "sk-ant-api03-TESTKEY-abcdef0123456789";

class AnthropicProviderTest : public ::testing::Test {
 protected:
  std::unique_ptr<ChatModel> Model() {
    ModelConfig config;
    config.role = ModelRole::kChat;
    config.provider = ProviderKind::kAnthropic;
    config.model = "claude-3-5-haiku-latest";
    config.base_url = server.url();
    config.timeout_s = 5;
    auto model = MakeChatModel(config, testing::RecordingEnv({{"ANTHROPIC_API_KEY", kKey}}, slept));
    EXPECT_TRUE(model.ok()) << model.status().ToString();
    return std::move(model).value();
  }
  static ChatRequest Ask() {
    ChatRequest request;
    request.system = "Classify the question.";
    request.messages = {{Message::Role::kUser, "top 5 customers by revenue"}};
    request.max_tokens = 50;
    request.temperature = 0.2;
    request.stop = {"</intent>"};
    return request;
  }

  FakeLlmServer server{[](const RecordedRequest&) { return testing::AnthropicReply("data_question", 31, 4); }};
  std::shared_ptr<std::vector<milliseconds>> slept = std::make_shared<std::vector<milliseconds>>();
};

TEST_F(AnthropicProviderTest, MessagesWireFormatAndUsage) {
  auto model = Model();
  EXPECT_EQ(model->id(), "anthropic:claude-3-5-haiku-latest");
  auto reply = model->Chat(Ask());
  ASSERT_TRUE(reply.ok()) << reply.status().ToString();
  EXPECT_EQ(reply->text, "data_question");
  EXPECT_EQ(reply->model, "claude-fake");
  EXPECT_EQ(reply->usage.input_tokens, 31);
  EXPECT_EQ(reply->usage.output_tokens, 4);
  EXPECT_EQ(reply->stop_reason, StopReason::kEndTurn);

  const RecordedRequest r = server.requests().at(0);
  EXPECT_EQ(r.target, "/v1/messages");
  EXPECT_EQ(r.Header("x-api-key"), kKey);
  EXPECT_EQ(r.Header("anthropic-version"), "2023-06-01");
  EXPECT_EQ(r.Header("content-type"), "application/json");
  EXPECT_FALSE(r.HasHeader("Authorization"));
  json body = r.Json();
  EXPECT_EQ(body["model"], "claude-3-5-haiku-latest");
  EXPECT_EQ(body["system"], "Classify the question.");  // top level, not a message
  EXPECT_EQ(body["max_tokens"], 50);
  EXPECT_EQ(body["temperature"], 0.2);
  EXPECT_EQ(body["stop_sequences"], json::array({"</intent>"}));
  EXPECT_EQ(body["messages"], json::array({{{"role", "user"}, {"content", "top 5 customers by revenue"}}}));
}

TEST_F(AnthropicProviderTest, TextBlocksAreJoinedAndOtherBlocksSkipped) {
  server.Script({testing::JsonResponse(
      200, {{"type", "message"}, {"model", "claude-fake"},
            {"content", json::array({{{"type", "text"}, {"text", "SELECT 1"}},
                                     {{"type", "tool_use"}, {"id", "t"}, {"name", "x"}, {"input", json::object()}},
                                     {{"type", "text"}, {"text", " -- done"}}})},
            {"stop_reason", "max_tokens"},
            {"usage", {{"input_tokens", 3}, {"output_tokens", 50}}}})});
  auto reply = Model()->Chat(Ask());
  ASSERT_TRUE(reply.ok()) << reply.status().ToString();
  EXPECT_EQ(reply->text, "SELECT 1 -- done");
  EXPECT_EQ(reply->stop_reason, StopReason::kMaxTokens);
}

TEST_F(AnthropicProviderTest, OverloadedAndRateLimitedAreRetried) {
  auto limited = testing::AnthropicError(429, "rate_limit_error", "Number of request tokens has exceeded your rate limit");
  limited.headers = {{"retry-after", "3"}};
  server.Script({testing::AnthropicError(529, "overloaded_error", "Overloaded"), limited});
  auto reply = Model()->Chat(Ask());
  ASSERT_TRUE(reply.ok()) << reply.status().ToString();
  EXPECT_EQ(reply->attempts, 3);
  ASSERT_EQ(slept->size(), 2u);
  EXPECT_EQ((*slept)[1], milliseconds(3000));
}

TEST_F(AnthropicProviderTest, BadKeyIsRefusedWithoutTheKey) {
  server.Script({testing::AnthropicError(401, "authentication_error", std::string("invalid x-api-key ") + kKey)});
  auto reply = Model()->Chat(Ask());
  ASSERT_FALSE(reply.ok());
  EXPECT_EQ(reply.status().code(), Status::Code::kRefused);
  std::string text = reply.status().ToString();
  EXPECT_EQ(text.find(kKey), std::string::npos) << text;
  EXPECT_EQ(text.find("TESTKEY"), std::string::npos) << text;
  EXPECT_NE(text.find("anthropic at " + server.host() + " (model claude-3-5-haiku-latest)"), std::string::npos) << text;
  EXPECT_NE(text.find("ANTHROPIC_API_KEY"), std::string::npos) << text;
}

TEST_F(AnthropicProviderTest, UnknownModelIsNotFound) {
  server.Script({testing::AnthropicError(404, "not_found_error", "model: claude-9")});
  auto reply = Model()->Chat(Ask());
  ASSERT_FALSE(reply.ok());
  EXPECT_EQ(reply.status().code(), Status::Code::kNotFound);
  EXPECT_NE(reply.status().message().find("model: claude-9"), std::string::npos);
}

TEST_F(AnthropicProviderTest, MissingContentIsAnUnexpectedReply) {
  server.Script({testing::JsonResponse(200, {{"type", "message"}})});
  auto reply = Model()->Chat(Ask());
  ASSERT_FALSE(reply.ok());
  EXPECT_EQ(reply.status().code(), Status::Code::kIoError);
  EXPECT_NE(reply.status().message().find("no content blocks"), std::string::npos);
}

}  // namespace
}  // namespace da::llm
