// The Bedrock provider against a fake Bedrock Runtime that verifies SigV4 signatures the way
// AWS does (recomputed from the received method, path, query, signed headers and body with
// the one secret it knows) and answers 403 to anything else.
#include "llm/bedrock_provider.h"

#include <gtest/gtest.h>

#include "fake_llm_server.h"
#include "llm/model_factory.h"

namespace da::llm {
namespace {

using nlohmann::json;
using std::chrono::milliseconds;
using testing::FakeLlmServer;
using testing::RecordedRequest;
using testing::ScriptedReply;

constexpr char kKeyId[] = "AKIDEXAMPLE";
constexpr char kSecret[] = "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY";
constexpr char kClaude[] = "anthropic.claude-3-haiku-20240307-v1:0";

class BedrockProviderTest : public ::testing::Test {
 protected:
  void SetUp() override {
    server.SetGate([this](const RecordedRequest& r) {
      return testing::CheckSigV4(r, known, "us-west-2", "bedrock");
    });
  }
  ModelConfig Config(const std::string& model, ModelRole role = ModelRole::kSql) {
    ModelConfig config;
    config.role = role;
    config.provider = ProviderKind::kBedrock;
    config.model = model;
    config.region = "us-west-2";
    config.base_url = server.url();
    config.timeout_s = 5;
    return config;
  }
  Environment Env(const std::string& secret = kSecret, const std::string& token = "") {
    std::map<std::string, std::string> vars = {{"AWS_ACCESS_KEY_ID", kKeyId}, {"AWS_SECRET_ACCESS_KEY", secret}};
    if (!token.empty()) vars["AWS_SESSION_TOKEN"] = token;
    return testing::RecordingEnv(vars, slept);
  }
  static ChatRequest Ask() {
    ChatRequest request;
    request.system = "You write SQL.";
    request.messages = {{Message::Role::kUser, "how many stores?"}};
    request.max_tokens = 200;
    request.temperature = 0.0;
    request.stop = {";"};
    return request;
  }

  AwsCredentials known{kKeyId, kSecret, "", ""};
  FakeLlmServer server{[](const RecordedRequest& r) -> ScriptedReply {
    if (!r.path.ends_with("/invoke")) return testing::ConverseReply("SELECT count(*) FROM stores", 18, 9);
    json body = r.Json();
    if (body.contains("texts")) {  // Cohere
      json vectors = json::array();
      for (const auto& t : body["texts"]) vectors.push_back({t.get<std::string>().size(), 0.5});
      return testing::JsonResponse(200, {{"id", "e1"}, {"embeddings", vectors}, {"response_type", "embeddings_floats"}},
                                   {{"X-Amzn-Bedrock-Input-Token-Count", std::to_string(body["texts"].size() * 3)}});
    }
    return testing::JsonResponse(200, {{"embedding", {body["inputText"].get<std::string>().size(), 0.25}},
                                       {"inputTextTokenCount", 2}});
  }};
  std::shared_ptr<std::vector<milliseconds>> slept = std::make_shared<std::vector<milliseconds>>();
};

TEST_F(BedrockProviderTest, ConverseIsSignedAndSpeaksTheWireFormat) {
  auto model = MakeChatModel(Config(kClaude), Env());
  ASSERT_TRUE(model.ok()) << model.status().ToString();
  EXPECT_EQ((*model)->id(), std::string("bedrock:") + kClaude);
  auto reply = (*model)->Chat(Ask());
  ASSERT_TRUE(reply.ok()) << reply.status().ToString();
  EXPECT_EQ(reply->text, "SELECT count(*) FROM stores");
  EXPECT_EQ(reply->usage.input_tokens, 18);
  EXPECT_EQ(reply->usage.output_tokens, 9);
  EXPECT_EQ(reply->stop_reason, StopReason::kEndTurn);
  EXPECT_EQ(reply->model, kClaude);

  const RecordedRequest r = server.requests().at(0);
  EXPECT_EQ(r.target, "/model/anthropic.claude-3-haiku-20240307-v1%3A0/converse");
  EXPECT_TRUE(r.Header("Authorization").starts_with("AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/"));
  EXPECT_NE(r.Header("Authorization").find("/us-west-2/bedrock/aws4_request"), std::string::npos);
  EXPECT_FALSE(r.HasHeader("x-amz-security-token"));
  json body = r.Json();
  EXPECT_EQ(body["messages"], json::array({{{"role", "user"}, {"content", json::array({{{"text", "how many stores?"}}})}}}));
  EXPECT_EQ(body["system"], json::array({{{"text", "You write SQL."}}}));
  EXPECT_EQ(body["inferenceConfig"], json({{"maxTokens", 200}, {"temperature", 0.0}, {"stopSequences", {";"}}}));
}

TEST_F(BedrockProviderTest, SessionTokenIsSentAndSigned) {
  known.session_token = "FwoGZXIvYXdzEXAMPLETOKEN";
  auto model = MakeChatModel(Config(kClaude), Env(kSecret, known.session_token));
  ASSERT_TRUE(model.ok());
  auto reply = (*model)->Chat(Ask());
  ASSERT_TRUE(reply.ok()) << reply.status().ToString();
  const RecordedRequest r = server.requests().at(0);
  EXPECT_EQ(r.Header("x-amz-security-token"), known.session_token);
  EXPECT_NE(r.Header("Authorization").find("x-amz-security-token"), std::string::npos);
}

TEST_F(BedrockProviderTest, WrongSecretGets403AndAClearErrorWithoutSecrets) {
  const std::string wrong = "WRONGsecretWRONGsecretWRONGsecret0000000";
  auto model = MakeChatModel(Config(kClaude), Env(wrong));
  ASSERT_TRUE(model.ok());
  auto reply = (*model)->Chat(Ask());
  ASSERT_FALSE(reply.ok());
  EXPECT_EQ(reply.status().code(), Status::Code::kRefused);
  std::string text = reply.status().ToString();
  EXPECT_NE(text.find("bedrock at " + server.host() + " (model " + kClaude + ")"), std::string::npos) << text;
  EXPECT_NE(text.find("HTTP 403 InvalidSignatureException"), std::string::npos) << text;
  EXPECT_NE(text.find("signature we calculated does not match"), std::string::npos) << text;
  EXPECT_NE(text.find("AWS_ACCESS_KEY_ID"), std::string::npos) << text;
  EXPECT_EQ(text.find(wrong), std::string::npos) << text;
  EXPECT_EQ(text.find(kSecret), std::string::npos) << text;
  EXPECT_EQ(server.requests().size(), 1u);  // a 403 is not retried
}

TEST_F(BedrockProviderTest, UnknownAccessKeyIsRefused) {
  known.access_key_id = "AKIAOTHER";
  auto reply = MakeChatModel(Config(kClaude), Env()).value()->Chat(Ask());
  ASSERT_FALSE(reply.ok());
  EXPECT_EQ(reply.status().code(), Status::Code::kRefused);
  EXPECT_NE(reply.status().message().find("UnrecognizedClientException"), std::string::npos);
}

TEST_F(BedrockProviderTest, EveryRetryIsSignedAnew) {
  server.Script({testing::AwsError(503, "ServiceUnavailableException", "try again"),
                 testing::AwsError(429, "ThrottlingException", "Too many requests, please wait before trying again.")});
  auto reply = MakeChatModel(Config(kClaude), Env()).value()->Chat(Ask());
  ASSERT_TRUE(reply.ok()) << reply.status().ToString();  // the gate verified all three signatures
  EXPECT_EQ(reply->attempts, 3);
  EXPECT_EQ(slept->size(), 2u);
  auto requests = server.requests();
  ASSERT_EQ(requests.size(), 3u);
  for (const auto& r : requests) {
    EXPECT_FALSE(testing::CheckSigV4(r, known, "us-west-2", "bedrock").has_value());
    EXPECT_FALSE(r.Header("x-amz-date").empty());
  }
}

TEST_F(BedrockProviderTest, InvalidModelIdentifierIsNotFound) {
  server.Script({testing::AwsError(400, "ValidationException", "The provided model identifier is invalid.")});
  auto reply = MakeChatModel(Config("anthropic.claude-nope"), Env()).value()->Chat(Ask());
  ASSERT_FALSE(reply.ok());
  EXPECT_EQ(reply.status().code(), Status::Code::kNotFound) << reply.status().ToString();
  server.Script({testing::AwsError(404, "ResourceNotFoundException", "Model not found")});
  reply = MakeChatModel(Config("anthropic.claude-nope"), Env()).value()->Chat(Ask());
  EXPECT_EQ(reply.status().code(), Status::Code::kNotFound);
}

TEST_F(BedrockProviderTest, OtherValidationErrorsAreInvalidArgument) {
  server.Script({testing::AwsError(400, "ValidationException", "maxTokens must be <= 4096")});
  auto reply = MakeChatModel(Config(kClaude), Env()).value()->Chat(Ask());
  EXPECT_EQ(reply.status().code(), Status::Code::kInvalidArgument);
  EXPECT_NE(reply.status().message().find("maxTokens must be <= 4096"), std::string::npos);
}

TEST_F(BedrockProviderTest, CohereEmbeddingsInOneSignedInvoke) {
  auto embedder = MakeEmbedder(Config("cohere.embed-multilingual-v3", ModelRole::kEmbeddings), Env());
  ASSERT_TRUE(embedder.ok()) << embedder.status().ToString();
  auto result = (*embedder)->Embed({"alpha", "be"});
  ASSERT_TRUE(result.ok()) << result.status().ToString();
  ASSERT_EQ(result->vectors.size(), 2u);
  EXPECT_EQ(result->vectors[0], (std::vector<float>{5, 0.5}));
  EXPECT_EQ(result->vectors[1], (std::vector<float>{2, 0.5}));
  EXPECT_EQ(result->usage.input_tokens, 6);
  EXPECT_EQ((*embedder)->dimension(), 2);
  auto requests = server.requests();
  ASSERT_EQ(requests.size(), 1u);
  EXPECT_EQ(requests[0].target, "/model/cohere.embed-multilingual-v3/invoke");
  EXPECT_EQ(requests[0].Json(), json({{"texts", {"alpha", "be"}}, {"input_type", "search_document"}}));
}

TEST_F(BedrockProviderTest, CohereV4FloatShapeIsRead) {
  server.Script({testing::JsonResponse(200, {{"embeddings", {{"float", {{1.0, 2.0}}}}}})});
  auto embedder = MakeEmbedder(Config("cohere.embed-v4:0", ModelRole::kEmbeddings), Env());
  ASSERT_TRUE(embedder.ok());
  auto result = (*embedder)->Embed({"x"});
  ASSERT_TRUE(result.ok()) << result.status().ToString();
  EXPECT_EQ(result->vectors[0], (std::vector<float>{1, 2}));
  EXPECT_EQ(server.requests().at(0).target, "/model/cohere.embed-v4%3A0/invoke");
}

TEST_F(BedrockProviderTest, TitanEmbedsOneTextPerRequest) {
  auto embedder = MakeEmbedder(Config("amazon.titan-embed-text-v2:0", ModelRole::kEmbeddings), Env());
  ASSERT_TRUE(embedder.ok());
  auto result = (*embedder)->Embed({"one", "three"});
  ASSERT_TRUE(result.ok()) << result.status().ToString();
  EXPECT_EQ(result->vectors[0], (std::vector<float>{3, 0.25}));
  EXPECT_EQ(result->vectors[1], (std::vector<float>{5, 0.25}));
  EXPECT_EQ(result->usage.input_tokens, 4);
  EXPECT_EQ(result->attempts, 2);
  auto requests = server.requests();
  ASSERT_EQ(requests.size(), 2u);
  EXPECT_EQ(requests[0].target, "/model/amazon.titan-embed-text-v2%3A0/invoke");
  EXPECT_EQ(requests[1].Json(), json({{"inputText", "three"}}));
}

TEST_F(BedrockProviderTest, OtherEmbeddingFamiliesAreUnsupported) {
  BedrockOptions options;
  options.region = "us-east-1";
  options.model = kClaude;
  auto embedder = NewBedrockEmbedder(options);
  ASSERT_FALSE(embedder.ok());
  EXPECT_EQ(embedder.status().code(), Status::Code::kUnsupported);
  EXPECT_EQ(BedrockEndpoint("eu-central-1"), "https://bedrock-runtime.eu-central-1.amazonaws.com");
}

TEST_F(BedrockProviderTest, GarbageReplyIsAnIoError) {
  server.Script({testing::Garbage()});
  auto reply = MakeChatModel(Config(kClaude), Env()).value()->Chat(Ask());
  ASSERT_FALSE(reply.ok());
  EXPECT_EQ(reply.status().code(), Status::Code::kIoError);
  server.Script({testing::JsonResponse(200, {{"output", json::object()}})});
  reply = MakeChatModel(Config(kClaude), Env()).value()->Chat(Ask());
  ASSERT_FALSE(reply.ok());
  EXPECT_NE(reply.status().message().find("output.message.content"), std::string::npos);
}

}  // namespace
}  // namespace da::llm
