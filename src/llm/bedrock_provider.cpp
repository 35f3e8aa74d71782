#include "llm/bedrock_provider.h"

#include <algorithm>

#include "llm/provider_client.h"

namespace da::llm {

namespace {

using nlohmann::json;

constexpr char kService[] = "bedrock";
constexpr size_t kCohereBatch = 96;  // Bedrock's limit on texts per Cohere request

class BedrockBase {
 protected:
  explicit BedrockBase(BedrockOptions options)
      : options_(Normalized(std::move(options))),
        client_(Endpoint{"bedrock", options_.endpoint, options_.model, options_.credentials.source},
                options_.http, {options_.credentials.secret_access_key, options_.credentials.session_token}) {}

  static BedrockOptions Normalized(BedrockOptions options) {
    if (options.endpoint.empty()) options.endpoint = BedrockEndpoint(options.region);
    TrimTrailingSlashes(&options.endpoint);
    return options;
  }

  // POSTs `body` to /model/{id}/{operation}, signed anew for each attempt.
  Result<JsonReply> Post(const std::string& operation, const json& body) const {
    std::string url = options_.endpoint + "/model/" + UriEncode(options_.model, false) + "/" + operation;
    auto sign = [this](HttpRequest& request) {
      SignRequest(request, options_.credentials, options_.region, kService, std::chrono::system_clock::now());
    };
    return client_.PostJson(url, {{"accept", "application/json"}}, body, sign);
  }

  BedrockOptions options_;
  ProviderClient client_;
};

class BedrockChatModel : public ChatModel, private BedrockBase {
 public:
  explicit BedrockChatModel(BedrockOptions options) : BedrockBase(std::move(options)) {}

  std::string id() const override { return client_.endpoint().Id(); }

  Result<ChatResponse> Chat(const ChatRequest& request) override {
    json messages = json::array();
    for (const Message& m : request.messages) {
      messages.push_back({{"role", m.role == Message::Role::kUser ? "user" : "assistant"},
                          {"content", json::array({{{"text", m.text}}})}});
    }
    json config = {{"maxTokens", request.max_tokens}};
    if (request.temperature) config["temperature"] = *request.temperature;
    if (!request.stop.empty()) config["stopSequences"] = request.stop;
    json body = {{"messages", messages}, {"inferenceConfig", config}};
    if (!request.system.empty()) body["system"] = json::array({{{"text", request.system}}});

    DA_ASSIGN_OR_RETURN(JsonReply reply, Post("converse", body));
    const json& output = reply.body.value("output", json::object());
    const json& message = output.is_object() ? output.value("message", json()) : json();
    if (!message.is_object() || !message.contains("content") || !message["content"].is_array()) {
      return client_.Malformed("no output.message.content");
    }
    ChatResponse response;
    for (const json& block : message["content"]) {
      if (block.is_object() && block.contains("text") && block["text"].is_string()) {
        response.text += block["text"].get<std::string>();
      }
    }
    const json& stop = reply.body.value("stopReason", json());
    response.stop_reason = ParseStopReason(stop.is_string() ? stop.get<std::string>() : "");
    response.model = options_.model;
    const json& usage = reply.body.value("usage", json::object());
    response.usage = {JsonInt(usage, "inputTokens"), JsonInt(usage, "outputTokens")};
    response.latency_ms = reply.exchange.latency_ms;
    response.attempts = reply.exchange.attempts;
    return response;
  }
};

enum class EmbeddingFamily { kCohere, kTitan, kUnknown };

EmbeddingFamily FamilyOf(const std::string& model) {
  if (model.find("cohere.embed") != std::string::npos) return EmbeddingFamily::kCohere;
  if (model.find("amazon.titan-embed") != std::string::npos) return EmbeddingFamily::kTitan;
  return EmbeddingFamily::kUnknown;
}

class BedrockEmbedder : public Embedder, private BedrockBase {
 public:
  BedrockEmbedder(BedrockOptions options, EmbeddingFamily family)
      : BedrockBase(std::move(options)), family_(family), dimension_(options_.dimensions) {}

  std::string id() const override { return client_.endpoint().Id(); }
  int dimension() const override { return dimension_.dimension(); }

  Result<Embeddings> Embed(const std::vector<std::string>& texts) override {
    Embeddings out;
    out.model = options_.model;
    size_t batch = family_ == EmbeddingFamily::kCohere ? kCohereBatch : 1;
    for (size_t start = 0; start < texts.size(); start += batch) {
      size_t end = std::min(texts.size(), start + batch);
      std::vector<std::string> slice(texts.begin() + start, texts.begin() + end);
      json body = family_ == EmbeddingFamily::kCohere
                      ? json{{"texts", slice}, {"input_type", "search_document"}}
                      : json{{"inputText", slice[0]}};
      DA_ASSIGN_OR_RETURN(JsonReply reply, Post("invoke", body));
      DA_RETURN_IF_ERROR(ReadBatch(reply, slice.size(), out));
    }
    DA_RETURN_IF_ERROR(dimension_.Check(client_, out.vectors));
    return out;
  }

 private:
  // Cohere: {"embeddings": [[...]]} (v3) or {"embeddings": {"float": [[...]]}} (v4), token
  // count in a header. Titan: {"embedding": [...], "inputTextTokenCount": n}.
  Status ReadBatch(const JsonReply& reply, size_t expected, Embeddings& out) const {
    const json& body = reply.body;
    json vectors;
    if (family_ == EmbeddingFamily::kTitan) {
      vectors = json::array({body.value("embedding", json())});
      out.usage.input_tokens += JsonInt(body, "inputTextTokenCount");
    } else {
      vectors = body.value("embeddings", json());
      if (vectors.is_object()) vectors = vectors.value("float", json());
      std::string tokens = reply.exchange.response.Header("x-amzn-bedrock-input-token-count");
      if (!tokens.empty() && std::all_of(tokens.begin(), tokens.end(), ::isdigit)) {
        out.usage.input_tokens += std::stoll(tokens);
      }
    }
    if (!vectors.is_array() || vectors.size() != expected) {
      return client_.Malformed("expected " + std::to_string(expected) + " embeddings");
    }
    for (const json& v : vectors) {
      std::vector<float> vector;
      if (!ReadVector(v, vector)) return client_.Malformed("an embedding is not an array of numbers");
      out.vectors.push_back(std::move(vector));
    }
    out.latency_ms += reply.exchange.latency_ms;
    out.attempts += reply.exchange.attempts;
    return Status::Ok();
  }

  EmbeddingFamily family_;
  DimensionGuard dimension_;
};

}  // namespace

std::string BedrockEndpoint(const std::string& region) {
  return "https://bedrock-runtime." + region + ".amazonaws.com";
}

bool IsBedrockEmbeddingModel(const std::string& model) {
  return FamilyOf(model) != EmbeddingFamily::kUnknown;
}

std::unique_ptr<ChatModel> NewBedrockChatModel(BedrockOptions options) {
  return std::make_unique<BedrockChatModel>(std::move(options));
}

Result<std::unique_ptr<Embedder>> NewBedrockEmbedder(BedrockOptions options) {
  EmbeddingFamily family = FamilyOf(options.model);
  if (family == EmbeddingFamily::kUnknown) {
    return Status::Unsupported("bedrock embeddings: model '" + options.model +
                               "' is neither a Cohere (cohere.embed-*) nor a Titan "
                               "(amazon.titan-embed-*) embedding model");
  }
  return std::unique_ptr<Embedder>(std::make_unique<BedrockEmbedder>(std::move(options), family));
}

}  // namespace da::llm
