// The server's parts shared by its source files (not a public header): the route table, the
// per-request context and the handlers, grouped by what they serve:
//   server.cpp        creation, start/stop, request flow (match, key, rate, limits, log, metrics)
//   routes_data.cpp   datasets: list, upload and its jobs, delete, schema, examples
//   routes_ask.cpp    ask (JSON and streamed), sql, feedback, history
//   routes_admin.cpp  health, settings, keys, metrics, the OpenAPI document
#pragma once

#include <atomic>
#include <chrono>
#include <functional>
#include <memory>
#include <optional>
#include <regex>
#include <string>
#include <vector>

#include <httplib.h>
#include <nlohmann/json.hpp>

#include "ask/ask_models.h"
#include "ask/conversation.h"
#include "server/api_error.h"
#include "server/api_keys.h"
#include "server/client_watch.h"
#include "server/dataset_hub.h"
#include "server/history_store.h"
#include "server/history_writer.h"
#include "server/ingest_jobs.h"
#include "server/log.h"
#include "server/metrics.h"
#include "server/rate_limiter.h"
#include "server/server.h"

namespace da::server {

enum class Access { kPublic, kKey, kAdmin };
enum class BodyKind { kNone, kJson, kUpload };

// The request being served on this thread. cpp-httplib runs a request's pre-routing handler,
// its handler and its logger on one thread and gives them no shared slot, so they meet here.
struct RequestContext {
  std::string id;
  std::string route = "unmatched";  // the route's path pattern, for metrics and the log
  ApiKey key;                       // valid when authenticated
  bool authenticated = false;
  std::chrono::steady_clock::time_point start;
  nlohmann::json stages;            // an answer's stage timings, for the log line
};
RequestContext& Current();

// Reads the fields of a JSON object body, remembering the first problem.
class JsonFields {
 public:
  explicit JsonFields(const nlohmann::json& body) : body_(body) {}
  // Empty when absent and not required.
  std::string String(const char* name, bool required, size_t max_bytes = 100000);
  std::optional<int64_t> Int(const char* name, int64_t min, int64_t max);
  bool Has(const char* name) const { return body_.contains(name) && !body_[name].is_null(); }
  const std::optional<ApiError>& error() const { return error_; }

 private:
  const nlohmann::json& body_;
  std::optional<ApiError> error_;
};

class Server::Impl {
 public:
  using Handler = std::function<void(Impl&, const httplib::Request&, httplib::Response&)>;
  using UploadHandler =
      std::function<void(Impl&, const httplib::Request&, httplib::Response&, const httplib::ContentReader&)>;
  struct Route {
    RouteInfo info;
    Access access = Access::kKey;
    BodyKind body = BodyKind::kNone;
    std::string pattern;  // the path as a regular expression, parameters as groups
    std::regex regex;     // pattern, compiled
    Handler handler;
    UploadHandler upload;
  };

  explicit Impl(ServerOptions options);
  ~Impl();
  Status Init();
  Status Start();
  void Stop();
  void Wait();
  int port() const { return port_; }

  static const std::vector<Route>& Table();

  // --- request flow (server.cpp)
  httplib::Server::HandlerResponse PreRoute(const httplib::Request& req, httplib::Response& res);
  // Route, key, rate and body checks; Handled when one of them answered.
  httplib::Server::HandlerResponse Checks(const httplib::Request& req, httplib::Response& res);
  void AfterResponse(const httplib::Request& req, const httplib::Response& res);
  // The body as a JSON object, or the error to answer.
  std::optional<nlohmann::json> JsonBody(const httplib::Request& req, httplib::Response& res);
  // The dataset named by `name` if the key may see it; else writes 404 and returns false.
  bool CanSee(const std::string& name, httplib::Response& res);

  // --- handlers
  void Health(const httplib::Request&, httplib::Response&);
  void OpenApi(const httplib::Request&, httplib::Response&);
  void Settings(const httplib::Request&, httplib::Response&);
  void MetricsText(const httplib::Request&, httplib::Response&);
  void ListKeys(const httplib::Request&, httplib::Response&);
  void CreateKey(const httplib::Request&, httplib::Response&);
  void RevokeKey(const httplib::Request&, httplib::Response&);
  void ListDatasets(const httplib::Request&, httplib::Response&);
  void Upload(const httplib::Request&, httplib::Response&, const httplib::ContentReader&);
  void GetJob(const httplib::Request&, httplib::Response&);
  void JobEvents(const httplib::Request&, httplib::Response&);
  void DeleteDataset(const httplib::Request&, httplib::Response&);
  void Connect(const httplib::Request&, httplib::Response&);
  void Refresh(const httplib::Request&, httplib::Response&);
  void Schema(const httplib::Request&, httplib::Response&);
  void Examples(const httplib::Request&, httplib::Response&);
  void Ask(const httplib::Request&, httplib::Response&);
  void Sql(const httplib::Request&, httplib::Response&);
  void GiveFeedback(const httplib::Request&, httplib::Response&);
  void History(const httplib::Request&, httplib::Response&);

  // --- shared by the ask handlers (routes_ask.cpp)
  void CountAnswer(const AskAnswer& answer);

  ServerOptions options_;
  Log log_;
  Metrics metrics_;
  LoadedModels models_;
  std::unique_ptr<KeyStore> keys_;
  std::unique_ptr<HistoryStore> history_;
  std::unique_ptr<HistoryWriter> history_writer_;  // after history_: written out before it closes
  RateLimiter rate_;
  std::unique_ptr<DatasetHub> hub_;
  std::unique_ptr<IngestJobs> jobs_;
  std::unique_ptr<ClientWatch> watch_;
  std::unique_ptr<ConversationStore> conversations_;
  httplib::Server http_;
  std::thread thread_;
  std::mutex join_mu_;
  int port_ = 0;
  int listen_fd_ = -1;  // the listening socket (set by httplib's socket-options hook)
  std::chrono::steady_clock::time_point started_;
  std::atomic<uint64_t> next_request_{1};
  std::string request_prefix_;  // random per process, so ids from restarts do not repeat
  std::atomic<uint64_t> cache_hits_{0}, cache_lookups_{0};
};

}  // namespace da::server
