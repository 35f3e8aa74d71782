// A fake LLM provider on loopback for tests: real HTTP (cpp-httplib), replies scripted in each
// provider's wire format, every request recorded. For Bedrock it can verify SigV4 signatures
// the way AWS does and answer 403 to a bad one.
#pragma once

#include <nlohmann/json.hpp>

#include <atomic>
#include <chrono>
#include <deque>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "llm/environment.h"
#include "llm/http_client.h"
#include "llm/sigv4.h"

namespace httplib {
class Server;
}

namespace da::llm::testing {

struct RecordedRequest {
  std::string method;
  std::string target;  // raw request target: path and query as sent
  std::string path;    // raw path (before '?')
  std::string query;   // raw query (after '?')
  HttpHeaders headers;
  std::string body;

  std::string Header(const std::string& name) const;  // "" when absent
  bool HasHeader(const std::string& name) const;
  nlohmann::json Json() const;  // the body parsed; discarded when not JSON
};

struct ScriptedReply {
  int status = 200;
  std::string body;
  HttpHeaders headers;
  std::string content_type = "application/json";
  int delay_ms = 0;  // wait before answering (a slow provider)
};

class FakeLlmServer {
 public:
  using Responder = std::function<ScriptedReply(const RecordedRequest&)>;
  using Gate = std::function<std::optional<ScriptedReply>(const RecordedRequest&)>;

  // `fallback` answers whenever the script is empty.
  explicit FakeLlmServer(Responder fallback);
  ~FakeLlmServer();

  std::string url() const;  // "http://127.0.0.1:PORT"
  // Serves several requests per connection (by default each is closed after one reply);
  // stopping then waits up to a second for a client's idle connection. Call before requests.
  void KeepConnectionsOpen();
  std::string host() const;  // "127.0.0.1:PORT"
  // Queues replies, answered in order before the fallback.
  void Script(std::vector<ScriptedReply> replies);
  // Runs on every request before the script; a reply it returns is sent instead.
  void SetGate(Gate gate);
  std::vector<RecordedRequest> requests() const;

 private:
  ScriptedReply Answer(const RecordedRequest& request);

  std::unique_ptr<httplib::Server> server_;
  std::thread thread_;
  int port_ = 0;
  std::atomic<bool> stopping_{false};
  mutable std::mutex mu_;
  Responder fallback_;
  Gate gate_;
  std::deque<ScriptedReply> script_;
  std::vector<RecordedRequest> requests_;
};

// A loopback port bound but not listening: connecting to it is refused.
class ClosedPort {
 public:
  ClosedPort();
  ~ClosedPort();
  std::string url() const { return "http://127.0.0.1:" + std::to_string(port_); }
  int port() const { return port_; }

 private:
  int fd_ = -1;
  int port_ = 0;
};

// Wire-format replies.
ScriptedReply JsonResponse(int status, const nlohmann::json& body, HttpHeaders headers = {});
ScriptedReply OpenAIChatReply(const std::string& text, int input_tokens, int output_tokens,
                              const std::string& finish_reason = "stop");
ScriptedReply OpenAIError(int status, const std::string& code, const std::string& message);
// One embedding per input text, [len(text), index, 1]; "data" in reverse order to test "index".
ScriptedReply OpenAIEmbeddingsFor(const RecordedRequest& request);
ScriptedReply AnthropicReply(const std::string& text, int input_tokens, int output_tokens,
                             const std::string& stop_reason = "end_turn");
ScriptedReply AnthropicError(int status, const std::string& type, const std::string& message);
ScriptedReply ConverseReply(const std::string& text, int input_tokens, int output_tokens,
                            const std::string& stop_reason = "end_turn");
ScriptedReply AwsError(int status, const std::string& type, const std::string& message);
ScriptedReply Garbage();

// What AWS would do with the request's signature given the one credential it knows: nullopt
// when valid, else the 403 AWS sends (unknown key id, bad scope, or signature mismatch).
std::optional<ScriptedReply> CheckSigV4(const RecordedRequest& request, const AwsCredentials& known,
                                        const std::string& region, const std::string& service);

// An Environment over `vars` whose sleeps are recorded into `*slept` instead of waiting.
Environment RecordingEnv(std::map<std::string, std::string> vars,
                         std::shared_ptr<std::vector<std::chrono::milliseconds>> slept);

}  // namespace da::llm::testing
