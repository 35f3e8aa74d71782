#include "llm/anthropic_provider.h"

#include "llm/provider_client.h"

namespace da::llm {

namespace {

using nlohmann::json;

constexpr char kApiVersion[] = "2023-06-01";

class AnthropicChatModel : public ChatModel {
 public:
  explicit AnthropicChatModel(AnthropicOptions options)
      : options_(std::move(options)),
        client_(Endpoint{"anthropic", options_.base_url, options_.model, options_.key_source},
                options_.http, {options_.api_key}) {
    TrimTrailingSlashes(&options_.base_url);
  }

  std::string id() const override { return client_.endpoint().Id(); }

  Result<ChatResponse> Chat(const ChatRequest& request) override {
    json messages = json::array();
    for (const Message& m : request.messages) {
      messages.push_back({{"role", m.role == Message::Role::kUser ? "user" : "assistant"}, {"content", m.text}});
    }
    json body = {{"model", options_.model}, {"max_tokens", request.max_tokens}, {"messages", messages}};
    if (!request.system.empty()) body["system"] = request.system;
    if (request.temperature) body["temperature"] = *request.temperature;
    if (!request.stop.empty()) body["stop_sequences"] = request.stop;
    HttpHeaders headers = {{"x-api-key", options_.api_key}, {"anthropic-version", kApiVersion}};

    DA_ASSIGN_OR_RETURN(JsonReply reply, client_.PostJson(options_.base_url + "/v1/messages", headers, body));
    const json& content = reply.body.value("content", json());
    if (!content.is_array()) return client_.Malformed("no content blocks");
    ChatResponse response;
    for (const json& block : content) {
      if (block.is_object() && block.value("type", "") == "text" && block.contains("text") &&
          block["text"].is_string()) {
        response.text += block["text"].get<std::string>();
      }
    }
    const json& stop = reply.body.value("stop_reason", json());
    response.stop_reason = ParseStopReason(stop.is_string() ? stop.get<std::string>() : "");
    response.model = reply.body.value("model", options_.model);
    const json& usage = reply.body.value("usage", json::object());
    response.usage = {JsonInt(usage, "input_tokens"), JsonInt(usage, "output_tokens")};
    response.latency_ms = reply.exchange.latency_ms;
    response.attempts = reply.exchange.attempts;
    return response;
  }

 private:
  AnthropicOptions options_;
  ProviderClient client_;
};

}  // namespace

std::unique_ptr<ChatModel> NewAnthropicChatModel(AnthropicOptions options) {
  return std::make_unique<AnthropicChatModel>(std::move(options));
}

}  // namespace da::llm
