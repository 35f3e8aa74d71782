#include "llm/openai_provider.h"

#include <algorithm>

#include "llm/provider_client.h"

namespace da::llm {

namespace {

constexpr size_t kEmbeddingBatch = 128;

using nlohmann::json;

class OpenAIBase {
 protected:
  explicit OpenAIBase(OpenAIOptions options)
      : options_(std::move(options)),
        client_(Endpoint{"openai", options_.base_url, options_.model, options_.key_source},
                options_.http, {options_.api_key}) {
    TrimTrailingSlashes(&options_.base_url);
  }

  std::string Url(const std::string& operation) const {
    std::string url = options_.base_url + "/" + operation;
    if (!options_.api_version.empty()) url += "?api-version=" + options_.api_version;
    return url;
  }

  HttpHeaders AuthHeaders() const {
    if (options_.api_key.empty()) return {};
    if (!options_.api_version.empty()) return {{"api-key", options_.api_key}};
    return {{"Authorization", "Bearer " + options_.api_key}};
  }

  OpenAIOptions options_;
  ProviderClient client_;
};

class OpenAIChatModel : public ChatModel, private OpenAIBase {
 public:
  explicit OpenAIChatModel(OpenAIOptions options) : OpenAIBase(std::move(options)) {}

  std::string id() const override { return client_.endpoint().Id(); }

  Result<ChatResponse> Chat(const ChatRequest& request) override {
    json messages = json::array();
    if (!request.system.empty()) messages.push_back({{"role", "system"}, {"content", request.system}});
    for (const Message& m : request.messages) {
      messages.push_back({{"role", m.role == Message::Role::kUser ? "user" : "assistant"}, {"content", m.text}});
    }
    json body = {{"model", options_.model}, {"messages", messages}};
    body[options_.max_completion_tokens ? "max_completion_tokens" : "max_tokens"] = request.max_tokens;
    if (request.temperature) body["temperature"] = *request.temperature;
    if (!request.stop.empty()) body["stop"] = request.stop;

    DA_ASSIGN_OR_RETURN(JsonReply reply, client_.PostJson(Url("chat/completions"), AuthHeaders(), body));
    const json& choices = reply.body["choices"];
    if (!choices.is_array() || choices.empty() || !choices[0].is_object()) {
      return client_.Malformed("no choices");
    }
    const json& message = choices[0].value("message", json::object());
    ChatResponse response;
    if (message.is_object() && message.contains("content") && message["content"].is_string()) {
      response.text = message["content"].get<std::string>();
    } else if (!message.is_object()) {
      return client_.Malformed("choices[0] has no message");
    }
    std::string finish = choices[0].value("finish_reason", json()).is_string()
                             ? choices[0]["finish_reason"].get<std::string>() : "";
    response.stop_reason = ParseStopReason(finish);
    response.model = reply.body.value("model", options_.model);
    const json& usage = reply.body.value("usage", json::object());
    response.usage = {JsonInt(usage, "prompt_tokens"), JsonInt(usage, "completion_tokens")};
    response.latency_ms = reply.exchange.latency_ms;
    response.attempts = reply.exchange.attempts;
    return response;
  }
};

class OpenAIEmbedder : public Embedder, private OpenAIBase {
 public:
  explicit OpenAIEmbedder(OpenAIOptions options)
      : OpenAIBase(std::move(options)), dimension_(options_.dimensions) {}

  std::string id() const override { return client_.endpoint().Id(); }
  int dimension() const override { return dimension_.dimension(); }

  Result<Embeddings> Embed(const std::vector<std::string>& texts) override {
    Embeddings out;
    out.model = options_.model;
    for (size_t start = 0; start < texts.size(); start += kEmbeddingBatch) {
      size_t end = std::min(texts.size(), start + kEmbeddingBatch);
      json body = {{"model", options_.model},
                   {"input", std::vector<std::string>(texts.begin() + start, texts.begin() + end)}};
      if (options_.dimensions > 0) body["dimensions"] = options_.dimensions;
      DA_ASSIGN_OR_RETURN(JsonReply reply, client_.PostJson(Url("embeddings"), AuthHeaders(), body));
      DA_RETURN_IF_ERROR(ReadBatch(reply.body, end - start, out.vectors));
      out.usage.input_tokens += JsonInt(reply.body.value("usage", json::object()), "prompt_tokens");
      out.latency_ms += reply.exchange.latency_ms;
      out.attempts += reply.exchange.attempts;
      out.model = reply.body.value("model", out.model);
    }
    DA_RETURN_IF_ERROR(dimension_.Check(client_, out.vectors));
    return out;
  }

 private:
  // Appends the batch's vectors in input order ("index" says which input each is for).
  Status ReadBatch(const json& body, size_t expected, std::vector<std::vector<float>>& out) const {
    const json& data = body.value("data", json());
    if (!data.is_array() || data.size() != expected) {
      return client_.Malformed("expected " + std::to_string(expected) + " embeddings in \"data\"");
    }
    std::vector<std::vector<float>> batch(expected);
    for (size_t i = 0; i < data.size(); ++i) {
      size_t index = data[i].is_object() && data[i].contains("index") && data[i]["index"].is_number_unsigned()
                         ? data[i]["index"].get<size_t>() : i;
      if (index >= expected || !batch[index].empty() ||
          !ReadVector(data[i].value("embedding", json()), batch[index])) {
        return client_.Malformed("data[" + std::to_string(i) + "] is not an embedding");
      }
    }
    for (auto& v : batch) out.push_back(std::move(v));
    return Status::Ok();
  }

  DimensionGuard dimension_;
};

}  // namespace

std::unique_ptr<ChatModel> NewOpenAIChatModel(OpenAIOptions options) {
  return std::make_unique<OpenAIChatModel>(std::move(options));
}

std::unique_ptr<Embedder> NewOpenAIEmbedder(OpenAIOptions options) {
  return std::make_unique<OpenAIEmbedder>(std::move(options));
}

}  // namespace da::llm
