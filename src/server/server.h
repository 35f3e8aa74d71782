// `dataanalyst serve`: the REST API of docs/api.md and the web page, from one port.
//
// Every request passes, in order: route matching (404 / 405 for unknown paths and methods),
// the key check (401 / 403; `--no-auth` serves all as an admin "anonymous" key, loopback only),
// the key's rate limit (429 with Retry-After), body limits (411 / 413 / 415), then its handler.
// A request's JSON log line and metrics are written after its response (streams included).
// Questions and SQL run on sessions leased from the DatasetHub, with the guard's row cap and
// time limit, and are interrupted when their client disconnects (ClientWatch).
#pragma once

#include <cstdio>
#include <filesystem>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "common/status.h"
#include "guard/sql_guard.h"
#include "llm/environment.h"
#include "llm/llm_config.h"

namespace da::server {

struct ServerOptions {
  std::string host = "127.0.0.1";
  int port = 8080;                       // 0: any free port (see Server::port())
  std::filesystem::path data_dir;
  std::optional<llm::LlmConfig> config;  // none: the built-in engine answers alone
  llm::Environment env = llm::Environment::Process();
  bool no_auth = false;                  // refused unless `host` is a loopback address
  int rate_limit_per_minute = 600;       // per key unless the key has its own; 0: none
  size_t max_upload_bytes = size_t{1024} << 20;
  size_t max_json_bytes = size_t{1} << 20;
  std::filesystem::path web_dir;         // the built page (web/dist); empty or missing: API only
  GuardLimits limits;                    // per request unless it asks for fewer rows
  int64_t max_rows_cap = 100000;         // the most rows a request may ask for
  bool memory = true;                    // remembered answers and examples
  int threads = 64;                      // connections served at once (keep-alive holds one)
  size_t sessions_per_dataset = 8;
  FILE* log = stderr;
};

// A route as the server has it, for the OpenAPI document and its test.
struct RouteInfo {
  std::string method;  // "GET", "POST", "DELETE"
  std::string path;    // OpenAPI style: "/api/v1/datasets/{name}/schema"
  std::string access;  // "public", "key", "admin"
  std::string summary;
};

class Server {
 public:
  // Checks the options (no_auth only on loopback), opens the key and history stores and loads
  // the configured models. Does not bind yet.
  static Result<std::unique_ptr<Server>> Create(ServerOptions options);
  ~Server();  // stops the server if running

  // Binds and starts serving on a thread of its own; returns once connections are accepted.
  Status Start();
  int port() const;
  // Blocks until Stop() (from another thread or a signal handler thread).
  void Wait();
  void Stop();

  static const std::vector<RouteInfo>& Routes();

  class Impl;  // server/server_internal.h; public only so the server's own files can name it

 private:
  explicit Server(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

}  // namespace da::server
