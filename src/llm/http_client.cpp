#include "llm/http_client.h"

#include <curl/curl.h>

#include <algorithm>
#include <cstdlib>
#include <mutex>
#include <random>
#include <thread>

#include "common/strings.h"

namespace da::llm {

namespace {

constexpr size_t kMaxBodyBytes = 64u << 20;  // a reply this large is not a model's answer

void InitCurlOnce() {
  static std::once_flag once;
  std::call_once(once, [] { curl_global_init(CURL_GLOBAL_DEFAULT); });
}

// One connection cache (with DNS and TLS sessions) for the whole process, so a question's two
// or three model calls, and the next question's, reuse an open HTTPS connection to the
// provider instead of a new TCP and TLS handshake each. libcurl locks it through these
// callbacks; a share is safe across threads with them.
class ConnectionShare {
 public:
  static CURLSH* Get() {
    static ConnectionShare share;
    return share.handle_;
  }

 private:
  ConnectionShare() : handle_(curl_share_init()) {
    if (handle_ == nullptr) return;
    curl_share_setopt(handle_, CURLSHOPT_LOCKFUNC, Lock);
    curl_share_setopt(handle_, CURLSHOPT_UNLOCKFUNC, Unlock);
    curl_share_setopt(handle_, CURLSHOPT_USERDATA, this);
    curl_share_setopt(handle_, CURLSHOPT_SHARE, CURL_LOCK_DATA_CONNECT);
    curl_share_setopt(handle_, CURLSHOPT_SHARE, CURL_LOCK_DATA_DNS);
    curl_share_setopt(handle_, CURLSHOPT_SHARE, CURL_LOCK_DATA_SSL_SESSION);
  }
  // Left to the process's end: easy handles on other threads may still use it.
  ~ConnectionShare() = default;

  static void Lock(CURL*, curl_lock_data data, curl_lock_access, void* self) {
    static_cast<ConnectionShare*>(self)->mutexes_[data % kLocks].lock();
  }
  static void Unlock(CURL*, curl_lock_data data, void* self) {
    static_cast<ConnectionShare*>(self)->mutexes_[data % kLocks].unlock();
  }

  static constexpr int kLocks = CURL_LOCK_DATA_LAST;
  CURLSH* handle_;
  std::mutex mutexes_[kLocks];
};

struct CurlHandle {
  CURL* curl = curl_easy_init();
  curl_slist* headers = nullptr;
  ~CurlHandle() {
    curl_slist_free_all(headers);
    if (curl) curl_easy_cleanup(curl);
  }
};

size_t OnBody(char* data, size_t size, size_t n, void* user) {
  auto* body = static_cast<std::string*>(user);
  if (body->size() + size * n > kMaxBodyBytes) return 0;  // aborts with CURLE_WRITE_ERROR
  body->append(data, size * n);
  return size * n;
}

size_t OnHeader(char* data, size_t size, size_t n, void* user) {
  auto* headers = static_cast<HttpHeaders*>(user);
  std::string_view line(data, size * n);
  if (line.starts_with("HTTP/")) {
    headers->clear();  // a new response (after 100 Continue) starts over
    return size * n;
  }
  size_t colon = line.find(':');
  if (colon != std::string_view::npos) {
    headers->emplace_back(std::string(Trim(line.substr(0, colon))),
                          std::string(Trim(line.substr(colon + 1))));
  }
  return size * n;
}

// One attempt's outcome: a response, or a transport failure (and whether it is retryable).
struct Attempt {
  bool got_response = false;
  int new_connections = 0;
  HttpResponse response;
  Status error;
  bool retryable = false;
};

bool IsLoopbackUrl(std::string_view url) {
  std::string authority = UrlHost(url);
  std::string host = authority.starts_with("[") ? authority.substr(0, authority.find(']') + 1)
                                                : authority.substr(0, authority.find(':'));
  return host == "localhost" || host == "[::1]" || host.starts_with("127.");
}

Attempt Perform(const HttpRequest& request, const HttpOptions& options) {
  Attempt attempt;
  CurlHandle h;
  if (h.curl == nullptr) {
    attempt.error = Status::Internal("curl_easy_init failed");
    return attempt;
  }
  char error_buffer[CURL_ERROR_SIZE] = {0};
  CURL* c = h.curl;
  curl_easy_setopt(c, CURLOPT_URL, request.url.c_str());
  curl_easy_setopt(c, CURLOPT_NOSIGNAL, 1L);
  curl_easy_setopt(c, CURLOPT_ERRORBUFFER, error_buffer);
  curl_easy_setopt(c, CURLOPT_CONNECTTIMEOUT_MS, static_cast<long>(options.connect_timeout.count()));
  curl_easy_setopt(c, CURLOPT_TIMEOUT_MS, static_cast<long>(options.total_timeout.count()));
  curl_easy_setopt(c, CURLOPT_USERAGENT, "dataanalyst");
  curl_easy_setopt(c, CURLOPT_FOLLOWLOCATION, 0L);
  if (CURLSH* share = ConnectionShare::Get()) curl_easy_setopt(c, CURLOPT_SHARE, share);
  // A local model server is never reached through a proxy unless the user says otherwise.
  if (IsLoopbackUrl(request.url) && !std::getenv("NO_PROXY") && !std::getenv("no_proxy")) {
    curl_easy_setopt(c, CURLOPT_NOPROXY, "*");
  }
  if (request.method == "POST") {
    curl_easy_setopt(c, CURLOPT_POST, 1L);
    curl_easy_setopt(c, CURLOPT_POSTFIELDS, request.body.data());
    curl_easy_setopt(c, CURLOPT_POSTFIELDSIZE_LARGE, static_cast<curl_off_t>(request.body.size()));
  } else if (request.method != "GET") {
    curl_easy_setopt(c, CURLOPT_CUSTOMREQUEST, request.method.c_str());
  }
  for (const auto& [name, value] : request.headers) {
    h.headers = curl_slist_append(h.headers, (name + ": " + value).c_str());
  }
  h.headers = curl_slist_append(h.headers, "Expect:");  // no 100-continue round trip
  curl_easy_setopt(c, CURLOPT_HTTPHEADER, h.headers);
  curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, OnBody);
  curl_easy_setopt(c, CURLOPT_WRITEDATA, &attempt.response.body);
  curl_easy_setopt(c, CURLOPT_HEADERFUNCTION, OnHeader);
  curl_easy_setopt(c, CURLOPT_HEADERDATA, &attempt.response.headers);

  CURLcode code = curl_easy_perform(c);
  if (code == CURLE_OK) {
    long status = 0;
    curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &status);
    long connects = 0;
    curl_easy_getinfo(c, CURLINFO_NUM_CONNECTS, &connects);
    attempt.got_response = true;
    attempt.response.status = static_cast<int>(status);
    attempt.new_connections = static_cast<int>(connects);
    return attempt;
  }
  // Connected (a new connection or a reused one) once the request could start going out.
  curl_off_t connect_us = 0, pretransfer_us = 0;
  curl_easy_getinfo(c, CURLINFO_CONNECT_TIME_T, &connect_us);
  curl_easy_getinfo(c, CURLINFO_PRETRANSFER_TIME_T, &pretransfer_us);
  bool connected = connect_us > 0 || pretransfer_us > 0;
  std::string host = UrlHost(request.url);
  std::string detail = error_buffer[0] ? error_buffer : curl_easy_strerror(code);
  if (code == CURLE_OPERATION_TIMEDOUT && connected) {
    attempt.error = Status::Timeout("no complete reply from " + host + " within " +
                                    std::to_string(options.total_timeout.count()) + " ms");
    return attempt;
  }
  if (code == CURLE_WRITE_ERROR) {
    attempt.error = Status::IoError("reply from " + host + " is larger than " +
                                    std::to_string(kMaxBodyBytes >> 20) + " MiB");
    return attempt;
  }
  attempt.error = Status::IoError("cannot reach " + host + " (" + detail + ")");
  attempt.retryable = code == CURLE_COULDNT_CONNECT || code == CURLE_OPERATION_TIMEDOUT ||
                      code == CURLE_COULDNT_RESOLVE_HOST || code == CURLE_GOT_NOTHING ||
                      code == CURLE_SEND_ERROR || code == CURLE_RECV_ERROR ||
                      code == CURLE_SSL_CONNECT_ERROR || code == CURLE_PARTIAL_FILE;
  return attempt;
}

int64_t ElapsedMs(std::chrono::steady_clock::time_point start) {
  return std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() - start)
      .count();
}

}  // namespace

std::string HttpResponse::Header(std::string_view name) const {
  for (const auto& [key, value] : headers) {
    if (EqualsIgnoreCase(key, name)) return value;
  }
  return "";
}

bool IsRetryableStatus(int status) { return status == 408 || status == 429 || status >= 500; }

std::optional<std::chrono::milliseconds> RetryAfter(const HttpResponse& response,
                                                    std::chrono::system_clock::time_point now) {
  auto parse_count = [](const std::string& text) -> std::optional<long long> {
    if (text.empty() || text.size() > 12) return std::nullopt;
    for (char ch : text) {
      if (ch < '0' || ch > '9') return std::nullopt;
    }
    return std::stoll(text);
  };
  if (auto ms = parse_count(response.Header("retry-after-ms"))) return std::chrono::milliseconds(*ms);
  std::string value(Trim(response.Header("retry-after")));
  if (value.empty()) return std::nullopt;
  if (auto seconds = parse_count(value)) return std::chrono::milliseconds(*seconds * 1000);
  time_t when = curl_getdate(value.c_str(), nullptr);
  if (when < 0) return std::nullopt;
  auto delta = std::chrono::system_clock::from_time_t(when) - now;
  return std::max(std::chrono::milliseconds(0),
                  std::chrono::duration_cast<std::chrono::milliseconds>(delta));
}

std::chrono::milliseconds BackoffDelay(const RetryPolicy& policy, int retry) {
  long long delay = policy.base_delay.count();
  for (int i = 1; i < retry && delay < policy.max_delay.count(); ++i) delay *= 2;
  delay = std::min(delay, static_cast<long long>(policy.max_delay.count()));
  if (delay <= 1) return std::chrono::milliseconds(delay);
  thread_local std::mt19937_64 rng{std::random_device{}()};
  std::uniform_int_distribution<long long> jitter(delay / 2, delay);
  return std::chrono::milliseconds(jitter(rng));
}

std::string UrlHost(std::string_view url) {
  size_t start = url.find("://");
  start = start == std::string_view::npos ? 0 : start + 3;
  size_t end = url.find_first_of("/?#", start);
  std::string_view authority = url.substr(start, end == std::string_view::npos ? end : end - start);
  size_t at = authority.rfind('@');  // never echo user:password@
  if (at != std::string_view::npos) authority.remove_prefix(at + 1);
  return std::string(authority);
}

HttpClient::HttpClient(HttpOptions options) : options_(std::move(options)) { InitCurlOnce(); }

Result<HttpExchange> HttpClient::Send(const HttpRequest& request,
                                      const std::function<void(HttpRequest&)>& prepare) const {
  const RetryPolicy& policy = options_.retry;
  const int max_attempts = std::max(1, policy.max_attempts);
  auto start = std::chrono::steady_clock::now();
  HttpExchange exchange;
  for (;;) {
    HttpRequest attempt_request = request;
    if (prepare) prepare(attempt_request);
    Attempt attempt = Perform(attempt_request, options_);
    ++exchange.attempts;
    exchange.new_connections += attempt.new_connections;
    std::optional<std::chrono::milliseconds> asked;
    if (attempt.got_response) {
      exchange.response = std::move(attempt.response);
      if (!IsRetryableStatus(exchange.response.status)) break;
      asked = RetryAfter(exchange.response, std::chrono::system_clock::now());
      if (asked && *asked > policy.max_retry_after) break;  // told to come back much later
    } else if (!attempt.retryable || exchange.attempts >= max_attempts) {
      std::string tries = exchange.attempts > 1
                              ? " after " + std::to_string(exchange.attempts) + " attempts"
                              : "";
      return attempt.error.WithMessage(attempt.error.message() + tries);
    }
    if (exchange.attempts >= max_attempts) break;
    std::chrono::milliseconds delay = asked ? *asked : BackoffDelay(policy, exchange.attempts);
    exchange.delays.push_back(delay);
    if (options_.sleep) options_.sleep(delay);
    else std::this_thread::sleep_for(delay);
  }
  exchange.latency_ms = ElapsedMs(start);
  return exchange;
}

}  // namespace da::llm
