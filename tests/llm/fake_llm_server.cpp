#include "fake_llm_server.h"

#include <arpa/inet.h>
#include <httplib.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <stdexcept>

#include "common/strings.h"

namespace da::llm::testing {

using nlohmann::json;

std::string RecordedRequest::Header(const std::string& name) const {
  for (const auto& [key, value] : headers) {
    if (EqualsIgnoreCase(key, name)) return value;
  }
  return "";
}

bool RecordedRequest::HasHeader(const std::string& name) const {
  for (const auto& [key, value] : headers) {
    if (EqualsIgnoreCase(key, name)) return true;
  }
  return false;
}

json RecordedRequest::Json() const { return json::parse(body, nullptr, false); }

FakeLlmServer::FakeLlmServer(Responder fallback)
    : server_(std::make_unique<httplib::Server>()), fallback_(std::move(fallback)) {
  // Our client keeps connections open for reuse, and a server waits for its open connections
  // to time out before it stops: one request per connection, unless a test asks for more.
  server_->set_keep_alive_max_count(1);
  auto handler = [this](const httplib::Request& req, httplib::Response& res) {
    RecordedRequest recorded;
    recorded.method = req.method;
    recorded.target = req.target;
    size_t question = req.target.find('?');
    recorded.path = req.target.substr(0, question);
    recorded.query = question == std::string::npos ? "" : req.target.substr(question + 1);
    for (const auto& [name, value] : req.headers) recorded.headers.emplace_back(name, value);
    recorded.body = req.body;
    ScriptedReply reply = Answer(recorded);
    // A slow provider: wait in small steps so the server can still stop promptly.
    for (int waited = 0; waited < reply.delay_ms && !stopping_; waited += 10) {
      std::this_thread::sleep_for(std::chrono::milliseconds(10));
    }
    res.status = reply.status;
    for (const auto& [name, value] : reply.headers) res.set_header(name, value);
    res.set_content(reply.body, reply.content_type);
  };
  server_->Post(R"(.*)", handler);
  server_->Get(R"(.*)", handler);
  port_ = server_->bind_to_any_port("127.0.0.1");
  if (port_ <= 0) throw std::runtime_error("fake server: cannot bind");
  thread_ = std::thread([this] { server_->listen_after_bind(); });
  while (!server_->is_running()) std::this_thread::sleep_for(std::chrono::milliseconds(1));
}

FakeLlmServer::~FakeLlmServer() {
  stopping_ = true;
  server_->stop();
  thread_.join();
}

void FakeLlmServer::KeepConnectionsOpen() {
  server_->set_keep_alive_max_count(100);
  server_->set_keep_alive_timeout(1);
}

std::string FakeLlmServer::url() const { return "http://" + host(); }
std::string FakeLlmServer::host() const { return "127.0.0.1:" + std::to_string(port_); }

void FakeLlmServer::Script(std::vector<ScriptedReply> replies) {
  std::lock_guard lock(mu_);
  for (auto& reply : replies) script_.push_back(std::move(reply));
}

void FakeLlmServer::SetGate(Gate gate) {
  std::lock_guard lock(mu_);
  gate_ = std::move(gate);
}

std::vector<RecordedRequest> FakeLlmServer::requests() const {
  std::lock_guard lock(mu_);
  return requests_;
}

ScriptedReply FakeLlmServer::Answer(const RecordedRequest& request) {
  std::lock_guard lock(mu_);
  requests_.push_back(request);
  if (gate_) {
    if (auto reply = gate_(request)) return *reply;
  }
  if (!script_.empty()) {
    ScriptedReply reply = std::move(script_.front());
    script_.pop_front();
    return reply;
  }
  return fallback_(request);
}

ClosedPort::ClosedPort() {
  fd_ = socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  addr.sin_port = 0;
  if (fd_ < 0 || bind(fd_, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0) {
    throw std::runtime_error("ClosedPort: bind failed");
  }
  socklen_t length = sizeof addr;
  getsockname(fd_, reinterpret_cast<sockaddr*>(&addr), &length);
  port_ = ntohs(addr.sin_port);
}

ClosedPort::~ClosedPort() {
  if (fd_ >= 0) close(fd_);
}

ScriptedReply JsonResponse(int status, const json& body, HttpHeaders headers) {
  ScriptedReply reply;
  reply.status = status;
  reply.body = body.dump();
  reply.headers = std::move(headers);
  return reply;
}

ScriptedReply OpenAIChatReply(const std::string& text, int input_tokens, int output_tokens,
                              const std::string& finish_reason) {
  return JsonResponse(200, {{"id", "chatcmpl-1"},
                            {"object", "chat.completion"},
                            {"model", "fake-gpt"},
                            {"choices", json::array({{{"index", 0},
                                                      {"message", {{"role", "assistant"}, {"content", text}}},
                                                      {"finish_reason", finish_reason}}})},
                            {"usage", {{"prompt_tokens", input_tokens},
                                       {"completion_tokens", output_tokens},
                                       {"total_tokens", input_tokens + output_tokens}}}});
}

ScriptedReply OpenAIError(int status, const std::string& code, const std::string& message) {
  return JsonResponse(status, {{"error", {{"message", message}, {"type", "invalid_request_error"},
                                          {"param", nullptr}, {"code", code}}}});
}

ScriptedReply OpenAIEmbeddingsFor(const RecordedRequest& request) {
  json input = request.Json().value("input", json::array());
  json data = json::array();
  for (size_t i = input.size(); i-- > 0;) {
    double length = static_cast<double>(input[i].get<std::string>().size());
    data.push_back({{"object", "embedding"}, {"index", i}, {"embedding", {length, static_cast<double>(i), 1.0}}});
  }
  return JsonResponse(200, {{"object", "list"}, {"data", data}, {"model", "fake-embed"},
                            {"usage", {{"prompt_tokens", 2 * input.size()}, {"total_tokens", 2 * input.size()}}}});
}

ScriptedReply AnthropicReply(const std::string& text, int input_tokens, int output_tokens,
                             const std::string& stop_reason) {
  return JsonResponse(200, {{"id", "msg_01"},
                            {"type", "message"},
                            {"role", "assistant"},
                            {"model", "claude-fake"},
                            {"content", json::array({{{"type", "text"}, {"text", text}}})},
                            {"stop_reason", stop_reason},
                            {"stop_sequence", nullptr},
                            {"usage", {{"input_tokens", input_tokens}, {"output_tokens", output_tokens}}}});
}

ScriptedReply AnthropicError(int status, const std::string& type, const std::string& message) {
  return JsonResponse(status, {{"type", "error"}, {"error", {{"type", type}, {"message", message}}}});
}

ScriptedReply ConverseReply(const std::string& text, int input_tokens, int output_tokens,
                            const std::string& stop_reason) {
  return JsonResponse(200, {{"output", {{"message", {{"role", "assistant"},
                                                     {"content", json::array({{{"text", text}}})}}}}},
                            {"stopReason", stop_reason},
                            {"usage", {{"inputTokens", input_tokens}, {"outputTokens", output_tokens},
                                       {"totalTokens", input_tokens + output_tokens}}},
                            {"metrics", {{"latencyMs", 42}}}});
}

ScriptedReply AwsError(int status, const std::string& type, const std::string& message) {
  return JsonResponse(status, {{"message", message}},
                      {{"x-amzn-ErrorType", type + ":http://internal.amazon.com/coral/com.amazon.bedrock/"},
                       {"x-amzn-RequestId", "00000000-0000-0000-0000-000000000000"}});
}

ScriptedReply Garbage() {
  ScriptedReply reply;
  reply.body = "<html><body>502 Bad Gateway</body></html> {not json";
  reply.content_type = "text/html";
  return reply;
}

std::optional<ScriptedReply> CheckSigV4(const RecordedRequest& request, const AwsCredentials& known,
                                        const std::string& region, const std::string& service) {
  std::string auth = request.Header("Authorization");
  auto field = [&auth](const std::string& name) {
    size_t at = auth.find(name + "=");
    if (at == std::string::npos) return std::string();
    at += name.size() + 1;
    return auth.substr(at, auth.find_first_of(", ", at) - at);
  };
  if (!auth.starts_with("AWS4-HMAC-SHA256 ")) {
    return AwsError(403, "MissingAuthenticationTokenException", "Missing Authentication Token");
  }
  std::vector<std::string> scope = Split(field("Credential"), '/');
  if (scope.size() != 5 || scope[0] != known.access_key_id ||
      request.Header("x-amz-security-token") != known.session_token) {
    return AwsError(403, "UnrecognizedClientException", "The security token included in the request is invalid.");
  }
  std::string amz_date = request.Header("x-amz-date");
  if (scope[1] != amz_date.substr(0, 8) || scope[2] != region || scope[3] != service ||
      scope[4] != "aws4_request") {
    return AwsError(403, "InvalidSignatureException", "Credential should be scoped to a valid region.");
  }
  CanonicalInput input;
  input.method = request.method;
  input.path = request.path;
  input.query = request.query;
  input.payload = request.body;
  for (const std::string& name : Split(field("SignedHeaders"), ';')) {
    if (!request.HasHeader(name)) {
      return AwsError(403, "InvalidSignatureException", "Signed header " + name + " is missing.");
    }
    input.headers.emplace_back(name, request.Header(name));
  }
  if (ComputeSigV4(input, known, region, service, amz_date).signature != field("Signature")) {
    return AwsError(403, "InvalidSignatureException",
                    "The request signature we calculated does not match the signature you provided. "
                    "Check your AWS Secret Access Key and signing method. Consult the service "
                    "documentation for details.");
  }
  return std::nullopt;
}

Environment RecordingEnv(std::map<std::string, std::string> vars,
                         std::shared_ptr<std::vector<std::chrono::milliseconds>> slept) {
  Environment env = Environment::FromMap(std::move(vars));
  env.sleep = [slept](std::chrono::milliseconds delay) { slept->push_back(delay); };
  return env;
}

}  // namespace da::llm::testing
