// `dataanalyst config show | check`: the LLM configuration as DataAnalyst reads it, and whether
// each configured model answers. Secrets are never printed: only which environment variable
// holds one and whether it is set.
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <string>
#include <utility>
#include <vector>

#include "cli/args.h"
#include "cli/commands.h"
#include "cli/output.h"
#include "llm/llm_config.h"
#include "llm/model_factory.h"
#include "sources/dataset_store.h"

namespace da {

namespace {

using llm::Environment;
using llm::LlmConfig;
using llm::ModelConfig;
using llm::ModelRole;
using llm::ProviderKind;

constexpr ModelRole kRoles[] = {ModelRole::kSql, ModelRole::kChat, ModelRole::kExplanation, ModelRole::kEmbeddings};

constexpr const char* kUsage =
    "usage: dataanalyst config show|check [--config FILE] [--data-dir DIR] [--json]";

// "(from env VAR, set)" / "(from env VAR, unset)": where a secret comes from, never its value.
std::string FromEnv(const std::string& variable, const Environment& env) {
  return "(from env " + variable + ", " + (env.Get(variable) ? "set" : "unset") + ")";
}

// What `config show` says about one model, in display order.
using Fields = std::vector<std::pair<std::string, nlohmann::json>>;

Fields ModelFields(const ModelConfig& m, const Environment& env) {
  Fields f = {{"provider", llm::ProviderName(m.provider)},
              {"model", m.model},
              {"base_url", m.base_url.empty() ? "(the provider's public endpoint)" : m.base_url}};
  switch (m.provider) {
    case ProviderKind::kOpenAI:
    case ProviderKind::kAnthropic: {
      const std::string var = !m.api_key_env.empty()                   ? m.api_key_env
                              : m.provider == ProviderKind::kAnthropic ? "ANTHROPIC_API_KEY"
                                                                       : "OPENAI_API_KEY";
      f.push_back({"api_key", FromEnv(var, env)});
      if (!m.api_version.empty()) f.push_back({"api_version", m.api_version});
      break;
    }
    case ProviderKind::kBedrock: {
      f.push_back({"region", !m.region.empty() ? m.region : FromEnv("AWS_REGION", env)});
      f.push_back({"aws_access_key_id", FromEnv("AWS_ACCESS_KEY_ID", env)});
      f.push_back({"aws_secret_access_key", FromEnv("AWS_SECRET_ACCESS_KEY", env)});
      const std::string profile = !m.aws_profile.empty() ? m.aws_profile : env.Get("AWS_PROFILE").value_or("default");
      f.push_back({"aws_profile", profile + " (used when the variables are unset)"});
      break;
    }
  }
  f.push_back({"timeout_s", m.timeout_s});
  f.push_back({"max_retries", m.max_retries});
  if (m.role != ModelRole::kEmbeddings) {
    f.push_back({"max_tokens", m.max_tokens});
    f.push_back({"temperature", m.temperature});
  } else if (m.dimensions > 0) {
    f.push_back({"dimensions", m.dimensions});
  }
  return f;
}

// The roles a missing role falls back to ("chat" -> "sql").
nlohmann::json Fallbacks(const LlmConfig& config) {
  nlohmann::json j = nlohmann::json::object();
  for (ModelRole role : kRoles) {
    if (config.models.count(role)) continue;
    const ModelConfig* used = config.ForRole(role);
    j[llm::RoleName(role)] = used ? std::string("uses ") + llm::RoleName(used->role) : "not configured";
  }
  return j;
}

// Where one kind of state lives: {"store": "sqlite"} or {"store": "postgres", "url", "schema",
// "password_env" (+ "set"|"unset")}. The URL never holds a password (the config refuses one).
nlohmann::json StoreFields(const std::string& url, const std::string& password_env, const std::string& schema,
                           const Environment& env) {
  if (url.empty()) return {{"store", "sqlite"}};
  nlohmann::json j = {{"store", "postgres"}, {"url", url}, {"schema", schema}};
  if (!password_env.empty()) {
    j["password_env"] = password_env + (env.Get(password_env) ? " (set)" : " (unset)");
  }
  return j;
}

// The memory's and the keys' stores (docs/postgres.md, "Sharing keys and memory between servers").
nlohmann::json Stores(const LlmConfig& config, const Environment& env) {
  return {{"memory", StoreFields(config.memory.postgres_url, config.memory.postgres_password_env,
                                 config.memory.postgres_schema, env)},
          {"keys", StoreFields(config.keys.postgres_url, config.keys.postgres_password_env,
                               config.keys.postgres_schema, env)}};
}

void PrintShow(const LlmConfig& config, const std::filesystem::path& path, const Environment& env) {
  std::printf("Configuration: %s\n", path.string().c_str());
  for (ModelRole role : kRoles) {
    auto it = config.models.find(role);
    if (it == config.models.end()) continue;
    std::printf("\n%s:\n", llm::RoleName(role));
    for (const auto& [key, value] : ModelFields(it->second, env)) {
      std::string text = value.is_string() ? value.get<std::string>() : value.dump();
      std::printf("  %-22s %s\n", key.c_str(), text.c_str());
    }
  }
  const nlohmann::json fallbacks = Fallbacks(config);
  for (const auto& [role, what] : fallbacks.items()) {
    std::printf("\n%s: %s\n", role.c_str(), what.get<std::string>().c_str());
  }
  std::printf("\nengine_confidence_threshold: %g\nprivacy_mode: %s\n", config.engine_confidence_threshold,
              config.privacy_mode ? "true" : "false");
  const nlohmann::json stores = Stores(config, env);
  for (const auto& [what, store] : stores.items()) {
    std::string text = store["store"].get<std::string>() == "sqlite" ? "in the data directory (SQLite)" : "";
    if (text.empty()) {
      text = "PostgreSQL " + store["url"].get<std::string>() + " schema " + store["schema"].get<std::string>();
      if (store.contains("password_env")) text += ", password from " + store["password_env"].get<std::string>();
    }
    std::printf("%s: %s\n", what.c_str(), text.c_str());
  }
}

int Show(const LlmConfig& config, const std::filesystem::path& path, const Environment& env, bool json) {
  if (!json) {
    PrintShow(config, path, env);
    return kExitOk;
  }
  nlohmann::json models = nlohmann::json::object();
  for (const auto& [role, model] : config.models) {
    nlohmann::json fields = nlohmann::json::object();
    for (auto& [key, value] : ModelFields(model, env)) fields[key] = std::move(value);
    models[llm::RoleName(role)] = std::move(fields);
  }
  PrintJson({{"path", path.string()},
             {"found", true},
             {"models", models},
             {"fallbacks", Fallbacks(config)},
             {"engine_confidence_threshold", config.engine_confidence_threshold},
             {"privacy_mode", config.privacy_mode},
             {"stores", Stores(config, env)}});
  return kExitOk;
}

int Check(const LlmConfig& config, const std::filesystem::path& path, const Environment& env, bool json) {
  nlohmann::json checks = nlohmann::json::array();
  bool all_ok = !config.models.empty();
  if (!json) std::printf("Configuration: %s\n", path.string().c_str());
  for (ModelRole role : kRoles) {
    auto it = config.models.find(role);
    if (it == config.models.end()) continue;
    if (!json) {
      std::printf("%-12s %s %s ... ", llm::RoleName(role), llm::ProviderName(it->second.provider),
                  it->second.model.c_str());
      std::fflush(stdout);
    }
    const auto start = std::chrono::steady_clock::now();
    llm::ModelCheck check = llm::CheckModel(it->second, env);
    if (!check.ok) {  // the wall time until it failed, retries included
      check.latency_ms =
          std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() - start).count();
    }
    all_ok = all_ok && check.ok;
    checks.push_back({{"role", check.role}, {"provider", check.provider}, {"model", check.model}, {"ok", check.ok},
                      {"latency_ms", check.latency_ms}, {"message", check.message}});
    if (!json) {
      std::printf("%s (%lld ms): %s\n", check.ok ? "ok" : "failed", static_cast<long long>(check.latency_ms),
                  check.message.c_str());
    }
  }
  if (json) {
    PrintJson({{"path", path.string()}, {"ok", all_ok}, {"checks", checks}});
  } else if (config.models.empty()) {
    std::printf("No models are configured: add a \"models\" section (see docs/llm.md).\n");
  }
  return all_ok ? kExitOk : kExitFailed;
}

// No configuration file: how to make one. `show` succeeds (no LLM is a valid setup); `check`
// fails (there is nothing to check).
int NoConfig(const std::filesystem::path& path, bool check, bool json) {
  const std::string message =
      "no LLM configuration at " + path.string() +
      ": the built-in engine answers alone. To use a language model, copy config/dataanalyst.example.json "
      "to that path (or pass --config FILE, or set DATAANALYST_CONFIG) and edit it; docs/llm.md describes "
      "every setting.";
  if (check) return ReportError(Status::NotFound(message), json);
  if (json) {
    PrintJson({{"path", path.string()}, {"found", false}, {"message", message}});
  } else {
    std::printf("%s\n", message.c_str());
  }
  return kExitOk;
}

}  // namespace

int ConfigCommand(const Words& words) {
  FlagSpec spec;
  spec.with_value = {"config", "data-dir"};
  spec.boolean = {"json"};
  auto args = Args::Parse(words, spec);
  const bool json = args.ok() && args->Has("json");
  if (!args.ok()) return ReportError(args.status(), json, true);
  const auto& positionals = args->positionals();
  if (positionals.size() != 1 || (positionals[0] != "show" && positionals[0] != "check")) {
    return ReportError(Status::InvalidArgument(kUsage), json, true);
  }
  const bool check = positionals[0] == "check";
  const Environment env = Environment::Process();
  const std::filesystem::path path =
      llm::ResolveConfigPath(args->Get("config"), env, DatasetStore::ResolveDataDir(args->Get("data-dir")));
  auto config = llm::LoadLlmConfig(path);
  if (!config.ok()) {
    if (config.status().code() == Status::Code::kNotFound) return NoConfig(path, check, json);
    return ReportError(config.status(), json);
  }
  return check ? Check(*config, path, env, json) : Show(*config, path, env, json);
}

}  // namespace da
