#include "server/server.h"

#include <openssl/rand.h>
#include <sys/socket.h>

#include <cstdio>

#include "common/file_util.h"
#include "server/server_internal.h"

namespace da::server {

namespace {

thread_local RequestContext current_request;

bool IsLoopback(const std::string& host) {
  return host == "127.0.0.1" || host == "localhost" || host == "::1" || host.rfind("127.", 0) == 0;
}

std::string RandomHex(size_t bytes) {
  std::vector<unsigned char> buf(bytes);
  if (RAND_bytes(buf.data(), static_cast<int>(buf.size())) != 1) return "0";
  std::string out;
  char hex[3];
  for (unsigned char b : buf) {
    std::snprintf(hex, sizeof hex, "%02x", b);
    out += hex;
  }
  return out;
}

// The key sent as `X-Api-Key: KEY` or `Authorization: Bearer KEY`; empty when none.
std::string SentKey(const httplib::Request& req) {
  if (req.has_header("X-Api-Key")) return req.get_header_value("X-Api-Key");
  const std::string auth = req.get_header_value("Authorization");
  constexpr std::string_view kBearer = "Bearer ";
  if (auth.size() > kBearer.size() && auth.compare(0, kBearer.size(), kBearer) == 0) return auth.substr(kBearer.size());
  return "";
}

const char* AccessName(Access a) {
  switch (a) {
    case Access::kPublic: return "public";
    case Access::kKey: return "key";
    case Access::kAdmin: return "admin";
  }
  return "key";
}

// "/api/v1/datasets/{name}/schema" -> "/api/v1/datasets/([^/]+)/schema"
std::string PathPattern(const std::string& path) {
  static const std::regex param("\\{[a-z_]+\\}");
  return std::regex_replace(path, param, "([^/]+)");
}

Server::Impl::Route MakeRoute(const char* method, const char* path, Access access, const char* summary,
                              Server::Impl::Handler handler, BodyKind body = BodyKind::kNone) {
  Server::Impl::Route r;
  r.info = {method, path, AccessName(access), summary};
  r.access = access;
  r.body = body;
  r.pattern = PathPattern(path);
  r.regex = std::regex(r.pattern);
  r.handler = std::move(handler);
  return r;
}

}  // namespace

RequestContext& Current() { return current_request; }

std::string JsonFields::String(const char* name, bool required, size_t max_bytes) {
  if (error_) return "";
  if (!Has(name)) {
    if (required) error_ = ApiError::BadRequest(std::string("missing field '") + name + "'");
    return "";
  }
  const auto& v = body_[name];
  if (!v.is_string()) {
    error_ = ApiError::BadRequest(std::string("field '") + name + "' must be a string");
    return "";
  }
  std::string s = v.get<std::string>();
  if (required && s.empty()) error_ = ApiError::BadRequest(std::string("field '") + name + "' must not be empty");
  if (s.size() > max_bytes) {
    error_ = ApiError::BadRequest(std::string("field '") + name + "' is longer than " + std::to_string(max_bytes) +
                                  " bytes");
  }
  return s;
}

std::optional<int64_t> JsonFields::Int(const char* name, int64_t min, int64_t max) {
  if (error_ || !Has(name)) return std::nullopt;
  const auto& v = body_[name];
  if (!v.is_number_integer() || v.get<int64_t>() < min || v.get<int64_t>() > max) {
    error_ = ApiError::BadRequest(std::string("field '") + name + "' must be an integer from " + std::to_string(min) +
                                  " to " + std::to_string(max));
    return std::nullopt;
  }
  return v.get<int64_t>();
}

const std::vector<Server::Impl::Route>& Server::Impl::Table() {
  using I = Server::Impl;
  static const std::vector<Route> table = [] {
    std::vector<Route> t;
    t.push_back(MakeRoute("GET", "/api/v1/health", Access::kPublic, "Liveness: status, version, uptime", &I::Health));
    t.push_back(MakeRoute("GET", "/api/v1/openapi.json", Access::kPublic, "This API as OpenAPI 3.0", &I::OpenApi));
    t.push_back(MakeRoute("GET", "/api/v1/settings", Access::kKey, "Server settings, provider status, the key", &I::Settings));
    t.push_back(MakeRoute("GET", "/api/v1/metrics", Access::kAdmin, "Prometheus metrics", &I::MetricsText));
    t.push_back(MakeRoute("GET", "/api/v1/keys", Access::kAdmin, "List API keys", &I::ListKeys));
    t.push_back(MakeRoute("POST", "/api/v1/keys", Access::kAdmin, "Create an API key", &I::CreateKey, BodyKind::kJson));
    t.push_back(MakeRoute("DELETE", "/api/v1/keys/{name}", Access::kAdmin, "Revoke an API key", &I::RevokeKey));
    t.push_back(MakeRoute("GET", "/api/v1/datasets", Access::kKey, "The key's datasets", &I::ListDatasets));
    Route upload = MakeRoute("POST", "/api/v1/datasets", Access::kAdmin, "Upload a file as a dataset (ingest job)",
                             nullptr, BodyKind::kUpload);
    upload.upload = &I::Upload;
    t.push_back(std::move(upload));
    t.push_back(MakeRoute("DELETE", "/api/v1/datasets/{name}", Access::kAdmin, "Remove a dataset", &I::DeleteDataset));
    t.push_back(MakeRoute("POST", "/api/v1/connections", Access::kAdmin,
                          "Connect a PostgreSQL or Redshift schema as a dataset", &I::Connect, BodyKind::kJson));
    t.push_back(MakeRoute("POST", "/api/v1/datasets/{name}/refresh", Access::kAdmin,
                          "Read a connected dataset's catalog again", &I::Refresh));
    t.push_back(MakeRoute("GET", "/api/v1/datasets/{name}/schema", Access::kKey, "A dataset's catalog", &I::Schema));
    t.push_back(MakeRoute("GET", "/api/v1/datasets/{name}/examples", Access::kKey, "A dataset's approved examples",
                          &I::Examples));
    t.push_back(MakeRoute("GET", "/api/v1/jobs/{id}", Access::kAdmin, "An ingest job", &I::GetJob));
    t.push_back(MakeRoute("GET", "/api/v1/jobs/{id}/events", Access::kAdmin, "An ingest job's progress as events",
                          &I::JobEvents));
    t.push_back(MakeRoute("POST", "/api/v1/ask", Access::kKey, "Answer a question (JSON or server-sent events)", &I::Ask,
                          BodyKind::kJson));
    t.push_back(MakeRoute("POST", "/api/v1/sql", Access::kKey, "Run SQL through the read-only guard", &I::Sql,
                          BodyKind::kJson));
    t.push_back(MakeRoute("POST", "/api/v1/feedback", Access::kKey, "Approve or reject an answer", &I::GiveFeedback,
                          BodyKind::kJson));
    t.push_back(MakeRoute("GET", "/api/v1/history", Access::kKey, "The key's questions and answers", &I::History));
    return t;
  }();
  return table;
}

const std::vector<RouteInfo>& Server::Routes() {
  static const std::vector<RouteInfo> routes = [] {
    std::vector<RouteInfo> out;
    for (const auto& r : Impl::Table()) out.push_back(r.info);
    return out;
  }();
  return routes;
}

Server::Impl::Impl(ServerOptions options) : options_(std::move(options)), log_(options_.log) {}

Server::Impl::~Impl() {
  Stop();
  Wait();
}

Status Server::Impl::Init() {
  if (options_.no_auth && !IsLoopback(options_.host)) {
    return Status::InvalidArgument("--no-auth is allowed only on a loopback host (127.0.0.1, ::1), not '" +
                                   options_.host + "': anyone who can reach the port would be admin");
  }
  DA_ASSIGN_OR_RETURN(models_, LoadAskModels(options_.config, options_.env));
  const llm::KeysConfig keys = options_.config ? options_.config->keys : llm::KeysConfig();
  DA_ASSIGN_OR_RETURN(keys_, OpenKeyStore(options_.data_dir, keys));
  DA_ASSIGN_OR_RETURN(history_, HistoryStore::Open(options_.data_dir));
  history_writer_ = std::make_unique<HistoryWriter>(history_.get(), &log_);
  HubOptions hub;
  hub.data_dir = options_.data_dir;
  hub.models = &models_;
  hub.env = options_.env;
  if (models_.config) {
    hub.ask.engine_threshold = models_.config->engine_confidence_threshold;
    hub.ask.privacy_mode = models_.config->privacy_mode;
  }
  hub.ask.limits = options_.limits;
  hub.memory = options_.memory;
  hub.sessions_per_dataset = options_.sessions_per_dataset;
  hub.log = &log_;
  hub_ = std::make_unique<DatasetHub>(std::move(hub));
  jobs_ = std::make_unique<IngestJobs>(hub_->mutable_store(), [this](const std::string& dataset, bool ok) {
    if (ok) hub_->Invalidate(dataset);
    metrics_.Count("dataanalyst_ingest_jobs_total", {ok ? "done" : "failed"});
    log_.Info("ingest_job", {{"dataset", dataset}, {"state", ok ? "done" : "failed"}});
  });
  watch_ = std::make_unique<ClientWatch>();
  conversations_ = std::make_unique<ConversationStore>(options_.data_dir);
  request_prefix_ = RandomHex(4);
  started_ = std::chrono::steady_clock::now();

  const int threads = options_.threads;
  http_.new_task_queue = [threads] { return new httplib::ThreadPool(static_cast<size_t>(threads)); };
  http_.set_keep_alive_max_count(100000);
  // Headers and body go out in separate writes: with Nagle's algorithm the body waits for the
  // client's delayed ACK (40 ms a response). Accepted sockets inherit this from the listener.
  http_.set_tcp_nodelay(true);
  // httplib's default options add SO_REUSEPORT (a second server on the port would silently share
  // its connections) and it listens with a backlog of 5 (bursts of connections are dropped):
  // SO_REUSEADDR only, and the socket is kept to listen again with a real backlog in Start().
  http_.set_socket_options([this](int sock) {
    int yes = 1;
    ::setsockopt(sock, SOL_SOCKET, SO_REUSEADDR, &yes, sizeof yes);
    listen_fd_ = sock;
  });
  // An idle keep-alive connection holds a thread, and stopping waits for it: 2 s, not 5.
  http_.set_keep_alive_timeout(2);
  http_.set_read_timeout(10, 0);
  http_.set_write_timeout(30, 0);
  http_.set_payload_max_length(options_.max_upload_bytes);
  http_.set_pre_routing_handler([this](const httplib::Request& req, httplib::Response& res) {
    return PreRoute(req, res);
  });
  http_.set_logger([this](const httplib::Request& req, const httplib::Response& res) { AfterResponse(req, res); });
  http_.set_exception_handler([this](const httplib::Request&, httplib::Response& res, std::exception_ptr ep) {
    std::string what = "unknown exception";
    try {
      if (ep) std::rethrow_exception(ep);
    } catch (const std::exception& e) {
      what = e.what();
    } catch (...) {
    }
    log_.Error("exception", {{"request_id", Current().id}, {"message", what}});
    WriteError(res, {500, "internal", "an internal error occurred (a bug); request id " + Current().id});
  });
  // Errors httplib finds itself (a body over the limit, a malformed request) become JSON too;
  // responses that already have a body are ours and left alone.
  http_.set_error_handler(httplib::Server::HandlerWithResponse([](const httplib::Request& req, httplib::Response& res) {
    if (!res.body.empty() || res.status < 400) return httplib::Server::HandlerResponse::Unhandled;
    if (res.status == 413) {
      WriteError(res, ApiError::PayloadTooLarge("the request body is larger than this server accepts"));
    } else if (res.status == 404) {
      WriteError(res, ApiError::NotFound("nothing at " + req.path));
    } else {
      WriteError(res, {res.status, "bad_request", "the request could not be read (HTTP " + std::to_string(res.status) + ")"});
    }
    return httplib::Server::HandlerResponse::Handled;
  }));
  for (const Route& r : Table()) {
    const std::string& pattern = r.pattern;
    if (r.upload) {
      http_.Post(pattern, [this, &r](const httplib::Request& req, httplib::Response& res,
                                     const httplib::ContentReader& reader) { r.upload(*this, req, res, reader); });
    } else if (r.info.method == "GET") {
      http_.Get(pattern, [this, &r](const httplib::Request& req, httplib::Response& res) { r.handler(*this, req, res); });
    } else if (r.info.method == "POST") {
      http_.Post(pattern, [this, &r](const httplib::Request& req, httplib::Response& res) { r.handler(*this, req, res); });
    } else if (r.info.method == "DELETE") {
      http_.Delete(pattern, [this, &r](const httplib::Request& req, httplib::Response& res) { r.handler(*this, req, res); });
    }
  }
  std::error_code ec;
  if (!options_.web_dir.empty() && std::filesystem::exists(options_.web_dir / "index.html", ec)) {
    http_.set_mount_point("/", options_.web_dir.string());
    // The page's own paths (a reload on a view) get the page; it routes on the client.
    const std::string index = (options_.web_dir / "index.html").string();
    http_.Get("/(?!api/).*", [index](const httplib::Request&, httplib::Response& res) {
      auto html = ReadFileToString(index);
      if (html.ok()) {
        res.set_content(*html, "text/html; charset=utf-8");
      } else {
        WriteError(res, ApiError::NotFound("the web page is not built (run scripts/setup)"));
      }
    });
  }
  return Status::Ok();
}

httplib::Server::HandlerResponse Server::Impl::PreRoute(const httplib::Request& req, httplib::Response& res) {
  const auto handled = Checks(req, res);
  // Answered before its body was read: the unread body must not be taken for the next request.
  const bool has_body = req.has_header("Transfer-Encoding") ||
                        (req.has_header("Content-Length") && req.get_header_value("Content-Length") != "0");
  if (handled == httplib::Server::HandlerResponse::Handled && has_body) res.set_header("Connection", "close");
  return handled;
}

httplib::Server::HandlerResponse Server::Impl::Checks(const httplib::Request& req, httplib::Response& res) {
  using HR = httplib::Server::HandlerResponse;
  RequestContext& ctx = Current();
  ctx = RequestContext();
  ctx.start = std::chrono::steady_clock::now();
  ctx.id = request_prefix_ + "-" + std::to_string(next_request_++);
  res.set_header("X-Request-Id", ctx.id);
  if (req.path.rfind("/api/", 0) != 0) {
    ctx.route = "page";
    return HR::Unhandled;
  }
  const Route* route = nullptr;
  std::string allowed;
  for (const Route& r : Table()) {
    if (!std::regex_match(req.path, r.regex)) continue;
    if (r.info.method == req.method || (req.method == "HEAD" && r.info.method == "GET")) {
      route = &r;
      break;
    }
    allowed += (allowed.empty() ? "" : ", ") + r.info.method;
  }
  if (route == nullptr) {
    if (allowed.empty()) {
      WriteError(res, ApiError::NotFound("no route " + req.method + " " + req.path + " (see /api/v1/openapi.json)"));
    } else {
      res.set_header("Allow", allowed);
      WriteError(res, {405, "method_not_allowed", req.method + " is not allowed on " + req.path + "; use " + allowed});
    }
    return HR::Handled;
  }
  ctx.route = route->info.path;
  if (route->access != Access::kPublic) {
    if (options_.no_auth) {
      ctx.key.name = "anonymous";
      ctx.key.admin = true;
    } else {
      const std::string sent = SentKey(req);
      if (sent.empty()) {
        WriteError(res, ApiError::Unauthorized("an API key is required: send it as X-Api-Key or Authorization: Bearer"));
        return HR::Handled;
      }
      auto key = keys_->Authenticate(sent);
      if (!key.ok()) {
        WriteError(res, key.status().code() == Status::Code::kNotFound
                            ? ApiError::Unauthorized("the API key is not valid (unknown or revoked)")
                            : ApiError{500, "internal", "the keys could not be read; request id " + ctx.id});
        if (key.status().code() != Status::Code::kNotFound) {
          log_.Error("keys_unreadable", {{"request_id", ctx.id}, {"message", key.status().message()}});
        }
        return HR::Handled;
      }
      ctx.key = std::move(*key);
    }
    ctx.authenticated = true;
    if (route->access == Access::kAdmin && !ctx.key.admin) {
      WriteError(res, ApiError::Forbidden("this needs an admin key; key '" + ctx.key.name + "' is not one"));
      return HR::Handled;
    }
    const int per_minute = ctx.key.rate_limit_per_minute.value_or(options_.rate_limit_per_minute);
    const RateLimiter::Decision d = rate_.Take(ctx.key.id, per_minute);
    if (!d.allowed) {
      metrics_.Count("dataanalyst_rate_limited_total", {});
      res.set_header("Retry-After", std::to_string(d.retry_after_seconds));
      WriteError(res, {429, "rate_limited", "key '" + ctx.key.name + "' is over its rate limit of " +
                                                std::to_string(per_minute) + " requests a minute; retry in " +
                                                std::to_string(d.retry_after_seconds) + " s"});
      return HR::Handled;
    }
  }
  if (route->body == BodyKind::kJson) {
    if (!req.has_header("Content-Length")) {
      WriteError(res, {411, "length_required", "send the JSON body with a Content-Length"});
      return HR::Handled;
    }
    const std::string length = req.get_header_value("Content-Length");
    if (length.size() > 15 || std::stoull("0" + length) > options_.max_json_bytes) {
      WriteError(res, ApiError::PayloadTooLarge("JSON bodies are limited to " +
                                                std::to_string(options_.max_json_bytes) + " bytes"));
      return HR::Handled;
    }
    if (req.get_header_value("Content-Type").find("application/json") == std::string::npos) {
      WriteError(res, ApiError::UnsupportedMediaType("send the body as Content-Type: application/json"));
      return HR::Handled;
    }
  } else if (route->body == BodyKind::kUpload) {
    if (req.get_header_value("Content-Type").find("multipart/form-data") == std::string::npos) {
      WriteError(res, ApiError::UnsupportedMediaType("upload the file as multipart/form-data (field 'file')"));
      return HR::Handled;
    }
    const std::string length = req.get_header_value("Content-Length");
    if (!length.empty() && (length.size() > 15 || std::stoull("0" + length) > options_.max_upload_bytes)) {
      WriteError(res, ApiError::PayloadTooLarge("uploads are limited to " +
                                                std::to_string(options_.max_upload_bytes >> 20) + " MB"));
      return HR::Handled;
    }
  }
  return HR::Unhandled;
}

void Server::Impl::AfterResponse(const httplib::Request& req, const httplib::Response& res) {
  RequestContext& ctx = Current();
  const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - ctx.start).count();
  metrics_.Count("dataanalyst_requests_total", {ctx.route, req.method, std::to_string(res.status)});
  metrics_.Observe("dataanalyst_request_duration_seconds", {ctx.route}, seconds);
  nlohmann::json line = {{"request_id", ctx.id}, {"method", req.method}, {"route", ctx.route},
                         {"status", res.status}, {"ms", seconds * 1000}};
  if (ctx.authenticated) line["key"] = ctx.key.name;
  if (!ctx.stages.is_null()) line["stages"] = ctx.stages;
  log_.Write(res.status >= 500 ? "error" : "info", "request", line);
}

std::optional<nlohmann::json> Server::Impl::JsonBody(const httplib::Request& req, httplib::Response& res) {
  nlohmann::json body = nlohmann::json::parse(req.body, nullptr, false);
  if (body.is_discarded()) {
    WriteError(res, ApiError::BadRequest("the body is not valid JSON"));
    return std::nullopt;
  }
  if (!body.is_object()) {
    WriteError(res, ApiError::BadRequest("the body must be a JSON object"));
    return std::nullopt;
  }
  return body;
}

bool Server::Impl::CanSee(const std::string& name, httplib::Response& res) {
  if (Current().key.CanSee(name)) return true;
  WriteError(res, ApiError::NotFound("no dataset named '" + name + "'"));
  return false;
}

Status Server::Impl::Start() {
  port_ = options_.port == 0 ? http_.bind_to_any_port(options_.host) : options_.port;
  if (options_.port != 0 && !http_.bind_to_port(options_.host, options_.port)) port_ = -1;
  if (port_ < 0) {
    return Status::IoError("cannot listen on " + options_.host + ":" + std::to_string(options_.port) +
                           " (in use, or not an address of this machine)");
  }
  if (listen_fd_ >= 0) ::listen(listen_fd_, SOMAXCONN);  // raises httplib's backlog of 5
  thread_ = std::thread([this] { http_.listen_after_bind(); });
  while (!http_.is_running()) std::this_thread::sleep_for(std::chrono::milliseconds(1));
  log_.Info("listening", {{"host", options_.host}, {"port", port_}, {"auth", !options_.no_auth},
                          {"web", !options_.web_dir.empty()}});
  if (options_.no_auth) {
    log_.Warn("no_auth", {{"message", "authentication is off (--no-auth): every request is served as an admin"}});
  }
  return Status::Ok();
}

// Stop may come from another thread while Wait joins: it only asks the listener to end.
void Server::Impl::Stop() { http_.stop(); }

void Server::Impl::Wait() {
  std::lock_guard<std::mutex> lock(join_mu_);
  if (thread_.joinable()) thread_.join();
}

Server::Server(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
Server::~Server() = default;

Result<std::unique_ptr<Server>> Server::Create(ServerOptions options) {
  auto impl = std::make_unique<Impl>(std::move(options));
  DA_RETURN_IF_ERROR(impl->Init());
  return std::unique_ptr<Server>(new Server(std::move(impl)));
}

Status Server::Start() { return impl_->Start(); }
int Server::port() const { return impl_->port(); }
void Server::Wait() { impl_->Wait(); }
void Server::Stop() { impl_->Stop(); }

}  // namespace da::server
