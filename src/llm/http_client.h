// A small HTTP client for provider APIs (libcurl): one request in, the final response out,
// with time limits and retries. Retries follow the providers' guidance: 429, 408 and 5xx
// replies and failed connections are retried with exponential back-off and jitter, and a
// Retry-After (or retry-after-ms) header is honoured instead of the computed back-off.
// Timeouts of a connected request are not retried: the caller's time budget is spent.
#pragma once

#include <chrono>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "common/status.h"
#include "llm/environment.h"

namespace da::llm {

using HttpHeaders = std::vector<std::pair<std::string, std::string>>;

struct HttpRequest {
  std::string method = "POST";
  std::string url;  // scheme://host[:port]/path[?query]; the path is already percent-encoded
  HttpHeaders headers;
  std::string body;
};

struct HttpResponse {
  int status = 0;
  HttpHeaders headers;  // as received
  std::string body;
  // Value of the first header called `name` (case-insensitive); empty when absent.
  std::string Header(std::string_view name) const;
};

struct RetryPolicy {
  int max_attempts = 3;                            // 1 means no retries
  std::chrono::milliseconds base_delay{500};       // first back-off; doubles on each retry
  std::chrono::milliseconds max_delay{8000};       // cap on a computed back-off
  std::chrono::milliseconds max_retry_after{60000};  // a longer Retry-After ends the retries
};

struct HttpOptions {
  std::chrono::milliseconds connect_timeout{10000};
  std::chrono::milliseconds total_timeout{60000};  // per attempt, connection included
  RetryPolicy retry;
  Environment::Sleeper sleep;  // how back-off waits; unset: std::this_thread::sleep_for
};

// What one Send() did: the last response (whatever its status), the number of attempts and
// the back-off chosen before each retry (delays.size() == attempts - 1).
struct HttpExchange {
  HttpResponse response;
  int attempts = 0;
  std::vector<std::chrono::milliseconds> delays;
  int new_connections = 0;  // connections opened; 0 when an open one was reused
  int64_t latency_ms = 0;
};

class HttpClient {
 public:
  explicit HttpClient(HttpOptions options);

  // Sends `request`, retrying as described above. `prepare`, when set, runs on a fresh copy
  // of the request before every attempt (AWS signatures carry the attempt's time).
  // Returns the final response even when its status is an error; fails only when no
  // response arrived: kIoError (unreachable host, dropped connection, unreadable reply) or
  // kTimeout. Messages name the host, never headers or bodies.
  Result<HttpExchange> Send(const HttpRequest& request,
                            const std::function<void(HttpRequest&)>& prepare = {}) const;

  const HttpOptions& options() const { return options_; }

 private:
  HttpOptions options_;
};

// 408, 429 and 5xx: worth asking again.
bool IsRetryableStatus(int status);

// The wait a response asks for: retry-after-ms, else Retry-After as seconds or an HTTP date
// (relative to `now`). std::nullopt when absent or unparsable.
std::optional<std::chrono::milliseconds> RetryAfter(const HttpResponse& response,
                                                    std::chrono::system_clock::time_point now);

// The computed back-off before retry number `retry` (1-based): base * 2^(retry-1), capped at
// max_delay, then jittered uniformly into [d/2, d].
std::chrono::milliseconds BackoffDelay(const RetryPolicy& policy, int retry);

// "host[:port]" of a URL, for messages.
std::string UrlHost(std::string_view url);

}  // namespace da::llm
