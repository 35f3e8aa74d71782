#include "llm/provider_client.h"

#include "common/strings.h"

namespace da::llm {

namespace {

constexpr size_t kMaxQuotedMessage = 300;

// What the provider said about an error. Handles the shapes in use:
//   OpenAI and compatibles   {"error": {"message", "type", "code"}}
//   Ollama, llama.cpp        {"error": "text"}
//   Anthropic                {"type": "error", "error": {"type", "message"}}
//   AWS                      {"message"} or {"Message"} with header x-amzn-ErrorType
struct ProviderError {
  std::string type;
  std::string message;
};

std::string StringAt(const nlohmann::json& object, const char* key) {
  if (!object.is_object()) return "";
  auto it = object.find(key);
  if (it == object.end()) return "";
  if (it->is_string()) return it->get<std::string>();
  if (it->is_number()) return it->dump();
  return "";
}

ProviderError ParseProviderError(const HttpResponse& response) {
  ProviderError error;
  std::string amzn_type = response.Header("x-amzn-ErrorType");
  error.type = amzn_type.substr(0, amzn_type.find(':'));
  nlohmann::json body = nlohmann::json::parse(response.body, nullptr, /*allow_exceptions=*/false);
  if (!body.is_object()) return error;
  if (auto it = body.find("error"); it != body.end()) {
    if (it->is_string()) {
      error.message = it->get<std::string>();
    } else {
      error.message = StringAt(*it, "message");
      std::string code = StringAt(*it, "code");
      error.type = !code.empty() ? code : StringAt(*it, "type");
    }
  }
  if (error.message.empty()) error.message = StringAt(body, "message");
  if (error.message.empty()) error.message = StringAt(body, "Message");
  return error;
}

bool MeansModelNotFound(int status, const ProviderError& error) {
  if (status == 404) return true;
  std::string type = ToLower(error.type);
  std::string message = ToLower(error.message);
  return type.find("model_not_found") != std::string::npos ||
         type.find("resourcenotfound") != std::string::npos ||
         message.find("model identifier is invalid") != std::string::npos;
}

}  // namespace

std::string Endpoint::Describe() const {
  return provider + " at " + UrlHost(base_url) + " (model " + model + ")";
}

ProviderClient::ProviderClient(Endpoint endpoint, HttpOptions options, std::vector<std::string> secrets)
    : endpoint_(std::move(endpoint)), http_(std::move(options)), secrets_(std::move(secrets)) {
  std::erase_if(secrets_, [](const std::string& s) { return s.empty(); });
}

std::string ProviderClient::Redact(std::string text) const {
  for (const std::string& secret : secrets_) {
    for (size_t at = text.find(secret); at != std::string::npos; at = text.find(secret, at)) {
      text.replace(at, secret.size(), "[redacted]");
    }
  }
  // Providers echo masked keys ("Incorrect API key provided: sk-proj-****abcd"): drop those too.
  for (size_t at = text.find("sk-"); at != std::string::npos; at = text.find("sk-", at + 1)) {
    if (at > 0 && !std::isspace(static_cast<unsigned char>(text[at - 1]))) continue;
    size_t end = text.find_first_of(" \t\n,.\"'", at);
    text.replace(at, (end == std::string::npos ? text.size() : end) - at, "[redacted]");
  }
  if (text.size() > kMaxQuotedMessage) text = text.substr(0, kMaxQuotedMessage) + "...";
  return text;
}

Status ProviderClient::Malformed(const std::string& what) const {
  return Status::IoError(endpoint_.Describe() + ": unexpected reply: " + what);
}

Status ProviderClient::ErrorFromResponse(const HttpExchange& exchange) const {
  const HttpResponse& response = exchange.response;
  ProviderError error = ParseProviderError(response);
  std::string said = Redact(error.message);
  std::string status = "HTTP " + std::to_string(response.status);
  if (!error.type.empty()) status += " " + Redact(error.type);
  std::string prefix = endpoint_.Describe() + ": ";
  std::string suffix = said.empty() ? "" : ": " + said;
  std::string tries =
      exchange.attempts > 1 ? " after " + std::to_string(exchange.attempts) + " attempts" : "";
  int code = response.status;
  if (code == 401 || code == 403) {
    std::string hint = endpoint_.key_source.empty() ? "" : "; check " + endpoint_.key_source;
    return Status::Refused(prefix + "credentials rejected (" + status + ")" + hint + suffix);
  }
  if (MeansModelNotFound(code, error)) {
    return Status::NotFound(prefix + "model not found (" + status + ")" + suffix);
  }
  if (code == 429) {
    auto wait = RetryAfter(response, std::chrono::system_clock::now());
    std::string later = wait ? "; the provider asks to wait " + std::to_string(wait->count() / 1000) + " s" : "";
    return Status::Refused(prefix + "rate limited (" + status + ")" + tries + later + suffix);
  }
  if (code == 408) return Status::Timeout(prefix + "request timed out (" + status + ")" + tries + suffix);
  if (code >= 500) return Status::IoError(prefix + "server error (" + status + ")" + tries + suffix);
  if (code >= 400) return Status::InvalidArgument(prefix + "request rejected (" + status + ")" + suffix);
  return Status::IoError(prefix + "unexpected " + status + suffix);
}

Result<JsonReply> ProviderClient::PostJson(const std::string& url, HttpHeaders headers,
                                           const nlohmann::json& body,
                                           const std::function<void(HttpRequest&)>& prepare) const {
  HttpRequest request;
  request.url = url;
  request.headers = std::move(headers);
  request.headers.emplace_back("content-type", "application/json");
  request.body = body.dump();
  Result<HttpExchange> sent = http_.Send(request, prepare);
  if (!sent.ok()) return sent.status().WithMessage(endpoint_.Describe() + ": " + Redact(sent.status().message()));
  JsonReply reply;
  reply.exchange = std::move(sent).value();
  const HttpResponse& response = reply.exchange.response;
  if (response.status < 200 || response.status >= 300) return ErrorFromResponse(reply.exchange);
  reply.body = nlohmann::json::parse(response.body, nullptr, /*allow_exceptions=*/false);
  if (reply.body.is_discarded() || !reply.body.is_object()) {
    return Malformed("the body is not a JSON object (" + std::to_string(response.body.size()) + " bytes)");
  }
  return reply;
}

void TrimTrailingSlashes(std::string* url) {
  while (!url->empty() && url->back() == '/') url->pop_back();
}

StopReason ParseStopReason(const std::string& reason) {
  if (reason == "stop" || reason == "end_turn" || reason == "eos") return StopReason::kEndTurn;
  if (reason == "length" || reason == "max_tokens") return StopReason::kMaxTokens;
  if (reason == "stop_sequence") return StopReason::kStopSequence;
  return StopReason::kOther;
}

int64_t JsonInt(const nlohmann::json& object, const char* key) {
  if (!object.is_object()) return 0;
  auto it = object.find(key);
  if (it == object.end() || !it->is_number()) return 0;
  return it->get<int64_t>();
}

bool ReadVector(const nlohmann::json& value, std::vector<float>& out) {
  if (!value.is_array() || value.empty()) return false;
  out.clear();
  out.reserve(value.size());
  for (const auto& x : value) {
    if (!x.is_number()) return false;
    out.push_back(x.get<float>());
  }
  return true;
}

Status DimensionGuard::Check(const ProviderClient& client, const std::vector<std::vector<float>>& vectors) {
  for (const auto& v : vectors) {
    int known = dimension_.load();
    int size = static_cast<int>(v.size());
    if (known == 0) {
      dimension_.compare_exchange_strong(known, size);
      known = dimension_.load();
    }
    if (size != known) {
      return client.Malformed("a vector of " + std::to_string(size) + " numbers where " +
                              std::to_string(known) + " were expected");
    }
  }
  return Status::Ok();
}

}  // namespace da::llm
