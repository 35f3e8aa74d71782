// Health, settings, keys, metrics and the OpenAPI document.
#include "server/openapi.h"
#include "server/server_internal.h"

namespace da::server {

namespace {

nlohmann::json ProviderStatus(const llm::LlmConfig* config, llm::ModelRole role) {
  const llm::ModelConfig* m = config ? config->ForRole(role) : nullptr;
  if (m == nullptr) return {{"configured", false}};
  // Names and addresses only: keys live in the environment and are never read out here.
  return {{"configured", true}, {"provider", llm::ProviderName(m->provider)}, {"model", m->model},
          {"base_url", m->base_url}};
}

}  // namespace

void Server::Impl::Health(const httplib::Request&, httplib::Response& res) {
  const double uptime = std::chrono::duration<double>(std::chrono::steady_clock::now() - started_).count();
  WriteJson(res, {{"status", "ok"}, {"version", DA_VERSION}, {"uptime_s", uptime}});
}

void Server::Impl::OpenApi(const httplib::Request&, httplib::Response& res) { WriteJson(res, OpenApiDocument()); }

void Server::Impl::Settings(const httplib::Request&, httplib::Response& res) {
  const llm::LlmConfig* config = models_.config ? &*models_.config : nullptr;
  const RequestContext& ctx = Current();
  nlohmann::json providers;
  for (auto role : {llm::ModelRole::kSql, llm::ModelRole::kChat, llm::ModelRole::kExplanation,
                    llm::ModelRole::kEmbeddings}) {
    providers[llm::RoleName(role)] = ProviderStatus(config, role);
  }
  const llm::MemoryConfig memory = config ? config->memory : llm::MemoryConfig();
  nlohmann::json key = {{"name", ctx.key.name}, {"admin", ctx.key.admin}, {"datasets", nullptr}};
  if (ctx.key.datasets) key["datasets"] = *ctx.key.datasets;
  WriteJson(res, {{"version", DA_VERSION},
                  {"auth", !options_.no_auth},
                  {"key", key},
                  {"providers", providers},
                  {"memory", {{"enabled", options_.memory && memory.cache},
                              {"store", memory.postgres_url.empty() ? "sqlite" : "postgres"},
                              {"similarity_threshold", memory.similarity_threshold}}},
                  {"keys", {{"store", keys_->kind()}}},
                  {"engine_threshold", config ? config->engine_confidence_threshold : 0.7},
                  {"privacy_mode", config ? config->privacy_mode : false},
                  {"limits", {{"max_rows", options_.limits.max_rows},
                              {"timeout_s", options_.limits.timeout.count() / 1000.0},
                              {"max_upload_mb", options_.max_upload_bytes >> 20},
                              {"rate_limit_per_minute",
                               ctx.key.rate_limit_per_minute.value_or(options_.rate_limit_per_minute)}}}});
}

void Server::Impl::MetricsText(const httplib::Request&, httplib::Response& res) {
  const uint64_t lookups = cache_lookups_.load();
  metrics_.SetGauge("dataanalyst_cache_hit_ratio", lookups ? static_cast<double>(cache_hits_.load()) / lookups : 0);
  res.set_content(metrics_.Render(), "text/plain; version=0.0.4; charset=utf-8");
}

void Server::Impl::ListKeys(const httplib::Request&, httplib::Response& res) {
  auto keys = keys_->List();
  if (!keys.ok()) return WriteError(res, ErrorFromStatus(keys.status()));
  nlohmann::json list = nlohmann::json::array();
  for (const auto& k : *keys) list.push_back(k.ToJson());
  WriteJson(res, {{"keys", list}});
}

void Server::Impl::CreateKey(const httplib::Request& req, httplib::Response& res) {
  auto body = JsonBody(req, res);
  if (!body) return;
  JsonFields f(*body);
  NewKey key;
  key.name = f.String("name", true, 64);
  if (auto rate = f.Int("rate_limit_per_minute", 0, 1000000)) key.rate_limit_per_minute = static_cast<int>(*rate);
  if (f.error()) return WriteError(res, *f.error());
  if (body->contains("admin")) {
    if (!(*body)["admin"].is_boolean()) return WriteError(res, ApiError::BadRequest("field 'admin' must be true or false"));
    key.admin = (*body)["admin"].get<bool>();
  }
  if (f.Has("datasets")) {
    const auto& list = (*body)["datasets"];
    if (!list.is_array()) return WriteError(res, ApiError::BadRequest("field 'datasets' must be an array of names"));
    key.datasets.emplace();
    for (const auto& d : list) {
      if (!d.is_string()) return WriteError(res, ApiError::BadRequest("field 'datasets' must be an array of names"));
      key.datasets->push_back(d.get<std::string>());
    }
  }
  auto created = keys_->Create(key);
  if (!created.ok()) return WriteError(res, ErrorFromStatus(created.status()));
  WriteJson(res, {{"key", created->first.ToJson()}, {"secret", created->second}}, 201);
}

void Server::Impl::RevokeKey(const httplib::Request& req, httplib::Response& res) {
  const std::string name = req.matches[1].str();
  if (Status s = keys_->Revoke(name); !s.ok()) return WriteError(res, ErrorFromStatus(s));
  WriteJson(res, {{"revoked", name}});
}

}  // namespace da::server
