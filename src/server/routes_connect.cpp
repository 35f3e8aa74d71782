// Connected datasets over the API: POST /connections (connect a PostgreSQL/Redshift schema) and
// POST /datasets/{name}/refresh (read its catalog again). Both run while the request waits: the
// catalog is read under per-statement time limits (catalog/postgres_catalog.h), so they end.
#include "server/server_internal.h"
#include "sources/connect.h"

namespace da::server {

namespace {

// Over the API a password comes only from a variable named for it: an admin key must not be able
// to send the server's other secrets (an LLM key in OPENAI_API_KEY, the first line of a private
// file) to a database of its choosing as a "password".
constexpr std::string_view kPasswordVariablePrefix = "DATAANALYST_PG_";

std::optional<ApiError> CheckPasswordSource(const PgLogin& login) {
  if (!login.password_file.empty()) {
    return ApiError::BadRequest("a password file can be named only on the command line (dataanalyst connect); "
                                "over the API use password_env");
  }
  if (!login.password_env.empty() && login.password_env.rfind(kPasswordVariablePrefix, 0) != 0) {
    return ApiError::BadRequest("over the API, password_env must name a variable starting with " +
                                std::string(kPasswordVariablePrefix) + " (set in the server's environment)");
  }
  return std::nullopt;
}

}  // namespace

void Server::Impl::Connect(const httplib::Request& req, httplib::Response& res) {
  auto body = JsonBody(req, res);
  if (!body) return;
  JsonFields f(*body);
  ConnectRequest request;
  request.name = f.String("name", true, 64);
  request.kind = f.Has("kind") ? f.String("kind", false, 16) : "postgres";
  request.connection.login.conninfo = f.String("url", true, 4096);
  request.connection.login.password_env = f.String("password_env", false, 256);
  request.connection.login.password_file = f.String("password_file", false, 4096);
  if (f.Has("schema")) request.connection.schema = f.String("schema", false, 63);
  if (f.error()) return WriteError(res, *f.error());
  if (auto bad = CheckPasswordSource(request.connection.login)) return WriteError(res, *bad);
  if (!Current().key.CanSee(request.name)) {
    return WriteError(res, ApiError::NotFound("no dataset named '" + request.name + "' for this key"));
  }
  auto report = ConnectDataset(*hub_->mutable_store(), request);
  if (!report.ok()) return WriteError(res, ErrorFromStatus(report.status()));
  hub_->Invalidate(request.name);
  log_.Info("dataset_connected", {{"request_id", Current().id}, {"dataset", request.name}, {"kind", request.kind}});
  WriteJson(res, report->ToJson(), 201);
}

void Server::Impl::Refresh(const httplib::Request& req, httplib::Response& res) {
  const std::string name = req.matches[1].str();
  if (!CanSee(name, res)) return;
  auto report = RefreshConnectedDataset(*hub_->mutable_store(), name);
  if (!report.ok()) return WriteError(res, ErrorFromStatus(report.status()));
  hub_->Invalidate(name);
  WriteJson(res, report->ToJson());
}

}  // namespace da::server
