#include "llm/llm_config.h"

#include <nlohmann/json.hpp>

#include <algorithm>
#include <fstream>
#include <set>
#include <sstream>

#include "common/strings.h"
#include "llm/bedrock_provider.h"

namespace da::llm {

namespace {

using nlohmann::json;

constexpr ModelRole kRoles[] = {ModelRole::kSql, ModelRole::kChat, ModelRole::kExplanation,
                                ModelRole::kEmbeddings};
constexpr ProviderKind kProviders[] = {ProviderKind::kOpenAI, ProviderKind::kAnthropic,
                                       ProviderKind::kBedrock};

// Field names that would hold a secret. Matched case-insensitively.
const std::set<std::string>& SecretKeys() {
  static const std::set<std::string> keys = {
      "api_key", "apikey", "key", "secret", "token", "password", "access_token",
      "aws_access_key_id", "aws_secret_access_key", "aws_session_token", "access_key_id",
      "secret_access_key", "session_token", "openai_api_key", "anthropic_api_key"};
  return keys;
}

// Fields a provider's defaults may set, and what a role adds.
const std::set<std::string> kConnectionKeys = {"base_url", "api_key_env", "api_version", "region",
                                               "profile",  "timeout_s",   "max_retries"};
const std::set<std::string> kRoleOnlyKeys = {"provider", "model", "max_tokens", "temperature",
                                             "dimensions"};
const std::set<std::string> kTopKeys = {"providers", "models", "engine_confidence_threshold",
                                        "privacy_mode", "memory", "keys"};
const std::set<std::string> kMemoryKeys = {"cache", "similarity_threshold", "ttl_hours", "few_shot", "postgres"};
const std::set<std::string> kFewShotKeys = {"k", "min_similarity"};
const std::set<std::string> kPostgresKeys = {"url", "password_env", "schema"};
const std::set<std::string> kKeysKeys = {"postgres"};

std::string TypeName(const json& v) {
  if (v.is_string()) return "a string";
  if (v.is_boolean()) return "a boolean";
  if (v.is_number()) return "a number";
  if (v.is_object()) return "an object";
  if (v.is_array()) return "an array";
  return "null";
}

bool IsVariableName(const std::string& s) {
  if (s.empty() || std::isdigit(static_cast<unsigned char>(s[0]))) return false;
  return std::all_of(s.begin(), s.end(), [](char c) { return std::isalnum(static_cast<unsigned char>(c)) || c == '_'; });
}

class Reader {
 public:
  explicit Reader(std::string origin) : origin_(std::move(origin)) {}

  Status Error(const std::string& path, const std::string& what) const {
    return Status::InvalidArgument(origin_ + ": " + path + ": " + what);
  }

  static std::string At(const std::string& path, const std::string& key) {
    return path.empty() ? key : path + "." + key;
  }

  Status ExpectObject(const json& v, const std::string& path) const {
    if (v.is_object()) return Status::Ok();
    return Error(path, "expected an object, got " + TypeName(v));
  }

  // Rejects secrets and keys not in `allowed`.
  Status CheckKeys(const json& object, const std::string& path, const std::set<std::string>& allowed) const {
    for (const auto& [key, value] : object.items()) {
      if (SecretKeys().count(ToLower(key))) {
        return Error(At(path, key),
                     "secrets are not read from the config file; put the key in an environment "
                     "variable (OPENAI_API_KEY, ANTHROPIC_API_KEY, AWS_*) or name one with \"api_key_env\"");
      }
      if (!allowed.count(key)) {
        std::vector<std::string> names(allowed.begin(), allowed.end());
        return Error(At(path, key), "unknown key; expected one of " + Join(names, ", "));
      }
    }
    return Status::Ok();
  }

  Status String(const json& object, const char* key, const std::string& path, std::string& out) const {
    auto it = object.find(key);
    if (it == object.end()) return Status::Ok();
    if (!it->is_string()) return Error(At(path, key), "expected a string, got " + TypeName(*it));
    out = it->get<std::string>();
    return Status::Ok();
  }

  Status Number(const json& object, const char* key, const std::string& path, double lo, double hi,
                double& out) const {
    auto it = object.find(key);
    if (it == object.end()) return Status::Ok();
    if (!it->is_number()) return Error(At(path, key), "expected a number, got " + TypeName(*it));
    double v = it->get<double>();
    if (v < lo || v > hi) {
      return Error(At(path, key), "expected a number from " + Format(lo) + " to " + Format(hi) + ", got " + it->dump());
    }
    out = v;
    return Status::Ok();
  }

  Status Integer(const json& object, const char* key, const std::string& path, int lo, int hi, int& out) const {
    auto it = object.find(key);
    if (it == object.end()) return Status::Ok();
    if (!it->is_number_integer()) {
      return Error(At(path, key), "expected a whole number, got " + (it->is_number() ? it->dump() : TypeName(*it)));
    }
    double v = it->get<double>();
    if (v < lo || v > hi) {
      return Error(At(path, key), "expected a whole number from " + std::to_string(lo) + " to " +
                                         std::to_string(hi) + ", got " + it->dump());
    }
    out = it->get<int>();
    return Status::Ok();
  }

  // The connection fields shared by provider defaults and roles.
  Status Connection(const json& object, const std::string& path, ProviderKind kind, ModelConfig& out) const {
    DA_RETURN_IF_ERROR(String(object, "base_url", path, out.base_url));
    if (object.contains("base_url")) DA_RETURN_IF_ERROR(CheckUrl(out.base_url, path + ".base_url"));
    if (object.contains("api_key_env")) {
      DA_RETURN_IF_ERROR(String(object, "api_key_env", path, out.api_key_env));
      if (kind == ProviderKind::kBedrock) {
        return Error(path + ".api_key_env", "bedrock uses AWS credentials (AWS_* variables or ~/.aws), not an API key");
      }
      if (!IsVariableName(out.api_key_env)) {
        // Never echo the value: it may be the key itself.
        return Error(path + ".api_key_env",
                     "expected the name of an environment variable (letters, digits, '_'), got "
                     "something else (not shown: keys never belong in this file)");
      }
    }
    if (object.contains("api_version") && kind != ProviderKind::kOpenAI) {
      return Error(path + ".api_version", "only openai (Azure OpenAI) takes an api_version");
    }
    DA_RETURN_IF_ERROR(String(object, "api_version", path, out.api_version));
    for (const char* key : {"region", "profile"}) {
      if (object.contains(key) && kind != ProviderKind::kBedrock) {
        return Error(At(path, key), "only bedrock takes a " + std::string(key));
      }
    }
    DA_RETURN_IF_ERROR(String(object, "region", path, out.region));
    DA_RETURN_IF_ERROR(String(object, "profile", path, out.aws_profile));
    DA_RETURN_IF_ERROR(Number(object, "timeout_s", path, 0.001, 3600, out.timeout_s));
    return Integer(object, "max_retries", path, 0, 10, out.max_retries);
  }

  Status CheckUrl(const std::string& url, const std::string& path) const {
    if (!url.starts_with("http://") && !url.starts_with("https://")) {
      return Error(path, "expected an http:// or https:// URL, got '" + url + "'");
    }
    std::string authority = url.substr(url.find("://") + 3);
    authority = authority.substr(0, authority.find_first_of("/?#"));
    if (authority.find('@') != std::string::npos) {
      return Error(path, "credentials in the URL are not accepted (not shown); use api_key_env");
    }
    return Status::Ok();
  }

  Result<ProviderKind> Provider(const json& object, const std::string& path) const {
    auto it = object.find("provider");
    if (it == object.end()) return Error(path + ".provider", "missing; expected one of openai, anthropic, bedrock");
    if (!it->is_string()) return Error(path + ".provider", "expected a string, got " + TypeName(*it));
    std::string name = it->get<std::string>();
    for (ProviderKind kind : kProviders) {
      if (name == ProviderName(kind)) return kind;
    }
    return Error(path + ".provider", "expected one of openai, anthropic, bedrock, got '" + name + "'");
  }

  Result<ModelConfig> Role(const json& object, ModelRole role, const std::map<ProviderKind, json>& defaults) const {
    std::string path = std::string("models.") + RoleName(role);
    DA_RETURN_IF_ERROR(ExpectObject(object, path));
    std::set<std::string> allowed = kConnectionKeys;
    allowed.insert(kRoleOnlyKeys.begin(), kRoleOnlyKeys.end());
    DA_RETURN_IF_ERROR(CheckKeys(object, path, allowed));
    ModelConfig config;
    config.role = role;
    DA_ASSIGN_OR_RETURN(config.provider, Provider(object, path));
    if (auto it = defaults.find(config.provider); it != defaults.end()) {
      DA_RETURN_IF_ERROR(Connection(it->second, std::string("providers.") + ProviderName(config.provider),
                                    config.provider, config));
    }
    DA_RETURN_IF_ERROR(Connection(object, path, config.provider, config));
    DA_RETURN_IF_ERROR(String(object, "model", path, config.model));
    if (Trim(config.model).empty()) return Error(path + ".model", "missing; name the model to use");
    DA_RETURN_IF_ERROR(Integer(object, "max_tokens", path, 1, 1000000, config.max_tokens));
    DA_RETURN_IF_ERROR(Number(object, "temperature", path, 0, 2, config.temperature));
    if (object.contains("dimensions") && role != ModelRole::kEmbeddings) {
      return Error(path + ".dimensions", "only the embeddings model takes dimensions");
    }
    DA_RETURN_IF_ERROR(Integer(object, "dimensions", path, 0, 100000, config.dimensions));
    if (role == ModelRole::kEmbeddings) DA_RETURN_IF_ERROR(CheckEmbeddings(config, path));
    return config;
  }

  Status CheckEmbeddings(const ModelConfig& config, const std::string& path) const {
    if (config.provider == ProviderKind::kAnthropic) {
      return Error(path + ".provider", "anthropic has no embeddings API; use openai (or a compatible server) or bedrock");
    }
    if (config.provider == ProviderKind::kBedrock && !IsBedrockEmbeddingModel(config.model)) {
      return Error(path + ".model", "bedrock embeddings need a Cohere (cohere.embed-*) or Titan "
                                    "(amazon.titan-embed-*) model, got '" + config.model + "'");
    }
    return Status::Ok();
  }

  Result<std::map<ProviderKind, json>> Providers(const json& object) const {
    std::map<ProviderKind, json> defaults;
    DA_RETURN_IF_ERROR(ExpectObject(object, "providers"));
    for (const auto& [name, value] : object.items()) {
      std::string path = "providers." + name;
      auto kind = std::find_if(std::begin(kProviders), std::end(kProviders),
                               [&](ProviderKind k) { return name == ProviderName(k); });
      if (kind == std::end(kProviders)) {
        return Error(path, "unknown provider; expected one of openai, anthropic, bedrock");
      }
      DA_RETURN_IF_ERROR(ExpectObject(value, path));
      DA_RETURN_IF_ERROR(CheckKeys(value, path, kConnectionKeys));
      ModelConfig scratch;  // validates now, applied per role later
      DA_RETURN_IF_ERROR(Connection(value, path, *kind, scratch));
      defaults[*kind] = value;
    }
    return defaults;
  }

  Status Boolean(const json& object, const char* key, const std::string& path, bool& out) const {
    auto it = object.find(key);
    if (it == object.end()) return Status::Ok();
    if (!it->is_boolean()) return Error(At(path, key), "expected true or false, got " + TypeName(*it));
    out = it->get<bool>();
    return Status::Ok();
  }

  Status Memory(const json& object, MemoryConfig& out) const {
    DA_RETURN_IF_ERROR(ExpectObject(object, "memory"));
    DA_RETURN_IF_ERROR(CheckKeys(object, "memory", kMemoryKeys));
    DA_RETURN_IF_ERROR(Boolean(object, "cache", "memory", out.cache));
    DA_RETURN_IF_ERROR(Number(object, "similarity_threshold", "memory", 0.5, 1, out.similarity_threshold));
    DA_RETURN_IF_ERROR(Number(object, "ttl_hours", "memory", 0, 24.0 * 365 * 100, out.ttl_hours));
    if (auto it = object.find("few_shot"); it != object.end()) {
      DA_RETURN_IF_ERROR(ExpectObject(*it, "memory.few_shot"));
      DA_RETURN_IF_ERROR(CheckKeys(*it, "memory.few_shot", kFewShotKeys));
      DA_RETURN_IF_ERROR(Integer(*it, "k", "memory.few_shot", 0, 8, out.few_shot_k));
      DA_RETURN_IF_ERROR(Number(*it, "min_similarity", "memory.few_shot", 0, 1, out.few_shot_min_similarity));
    }
    if (auto it = object.find("postgres"); it != object.end()) {
      DA_RETURN_IF_ERROR(Postgres(*it, "memory.postgres", out.postgres_url, out.postgres_password_env,
                                  out.postgres_schema));
    }
    return Status::Ok();
  }

  Status Keys(const json& object, KeysConfig& out) const {
    DA_RETURN_IF_ERROR(ExpectObject(object, "keys"));
    DA_RETURN_IF_ERROR(CheckKeys(object, "keys", kKeysKeys));
    if (auto it = object.find("postgres"); it != object.end()) {
      DA_RETURN_IF_ERROR(Postgres(*it, "keys.postgres", out.postgres_url, out.postgres_password_env,
                                  out.postgres_schema));
    }
    return Status::Ok();
  }

  // A password in the URL would sit in a file people share and copy: only from the environment.
  Status Postgres(const json& object, const std::string& path, std::string& url, std::string& password_env,
                  std::string& schema) const {
    DA_RETURN_IF_ERROR(ExpectObject(object, path));
    DA_RETURN_IF_ERROR(CheckKeys(object, path, kPostgresKeys));
    DA_RETURN_IF_ERROR(String(object, "url", path, url));
    DA_RETURN_IF_ERROR(String(object, "schema", path, schema));
    DA_RETURN_IF_ERROR(String(object, "password_env", path, password_env));
    if (!password_env.empty() && !IsVariableName(password_env)) {
      return Error(path + ".password_env", "expected the name of an environment variable");
    }
    if (url.empty()) return Error(path + ".url", "expected a postgresql:// URL");
    if (UrlHasPassword(url) || url.find("password=") != std::string::npos) {
      return Error(path + ".url", "passwords are not read from the config file; name an environment variable "
                                  "with \"password_env\"");
    }
    if (schema.empty() || schema.size() > 63) {
      return Error(path + ".schema", "expected a schema name of 1 to 63 bytes");
    }
    return Status::Ok();
  }

  // postgresql://user:secret@host/db
  static bool UrlHasPassword(const std::string& url) {
    const size_t scheme = url.find("://");
    if (scheme == std::string::npos) return false;
    const size_t at = url.find('@', scheme + 3);
    if (at == std::string::npos) return false;
    return url.substr(scheme + 3, at - scheme - 3).find(':') != std::string::npos;
  }

  Result<LlmConfig> Config(const json& root) const {
    if (!root.is_object()) return Status::InvalidArgument(origin_ + ": expected a JSON object at the top level");
    for (const auto& [key, value] : root.items()) {
      if (!kTopKeys.count(key)) {
        std::vector<std::string> names(kTopKeys.begin(), kTopKeys.end());
        return Error(key, "unknown key; expected one of " + Join(names, ", "));
      }
    }
    LlmConfig config;
    config.origin = origin_;
    std::map<ProviderKind, json> defaults;
    if (root.contains("providers")) {
      DA_ASSIGN_OR_RETURN(defaults, Providers(root["providers"]));
    }
    if (root.contains("models")) {
      const json& models = root["models"];
      DA_RETURN_IF_ERROR(ExpectObject(models, "models"));
      for (const auto& [key, value] : models.items()) {
        auto role = std::find_if(std::begin(kRoles), std::end(kRoles),
                                 [&](ModelRole r) { return key == RoleName(r); });
        if (role == std::end(kRoles)) {
          return Error("models." + key, "unknown role; expected one of sql, chat, explanation, embeddings");
        }
        DA_ASSIGN_OR_RETURN(config.models[*role], Role(value, *role, defaults));
      }
    }
    DA_RETURN_IF_ERROR(Number(root, "engine_confidence_threshold", "", 0, 1, config.engine_confidence_threshold));
    DA_RETURN_IF_ERROR(Boolean(root, "privacy_mode", "", config.privacy_mode));
    if (root.contains("memory")) DA_RETURN_IF_ERROR(Memory(root["memory"], config.memory));
    if (root.contains("keys")) DA_RETURN_IF_ERROR(Keys(root["keys"], config.keys));
    return config;
  }

 private:
  static std::string Format(double v) {
    std::ostringstream out;
    out << v;
    return out.str();
  }

  std::string origin_;
};

// "line 3, column 7" for a byte offset into `text`.
std::string Position(std::string_view text, size_t byte) {
  size_t line = 1, column = 1;
  for (size_t i = 0; i < byte && i < text.size(); ++i) {
    if (text[i] == '\n') {
      ++line;
      column = 1;
    } else {
      ++column;
    }
  }
  return "line " + std::to_string(line) + ", column " + std::to_string(column);
}

}  // namespace

const char* ProviderName(ProviderKind kind) {
  switch (kind) {
    case ProviderKind::kOpenAI: return "openai";
    case ProviderKind::kAnthropic: return "anthropic";
    case ProviderKind::kBedrock: return "bedrock";
  }
  return "unknown";
}

const char* RoleName(ModelRole role) {
  switch (role) {
    case ModelRole::kSql: return "sql";
    case ModelRole::kChat: return "chat";
    case ModelRole::kExplanation: return "explanation";
    case ModelRole::kEmbeddings: return "embeddings";
  }
  return "unknown";
}

const ModelConfig* LlmConfig::ForRole(ModelRole role) const {
  for (;;) {
    if (auto it = models.find(role); it != models.end()) return &it->second;
    if (role == ModelRole::kExplanation) role = ModelRole::kChat;
    else if (role == ModelRole::kChat) role = ModelRole::kSql;
    else return nullptr;
  }
}

Result<LlmConfig> ParseLlmConfig(std::string_view text, const std::string& origin) {
  json root;
  try {
    root = json::parse(text, nullptr, /*allow_exceptions=*/true, /*ignore_comments=*/true);
  } catch (const json::parse_error& e) {
    std::string what = e.what();
    size_t colon = what.rfind(": ");  // keep nlohmann's explanation, drop its prefix
    return Status::InvalidArgument(origin + ": not valid JSON at " + Position(text, e.byte ? e.byte - 1 : 0) +
                                   (colon == std::string::npos ? "" : ": " + what.substr(colon + 2)));
  }
  return Reader(origin).Config(root);
}

Result<LlmConfig> LoadLlmConfig(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    std::error_code ec;
    if (!std::filesystem::exists(path, ec)) return Status::NotFound(path.string() + ": no such file");
    return Status::IoError(path.string() + ": cannot read");
  }
  std::ostringstream text;
  text << in.rdbuf();
  return ParseLlmConfig(text.str(), path.string());
}

std::filesystem::path ResolveConfigPath(const std::string& flag, const Environment& env,
                                        const std::filesystem::path& data_dir) {
  if (!flag.empty()) return flag;
  if (auto path = env.Get("DATAANALYST_CONFIG")) return *path;
  return data_dir / "config.json";
}

}  // namespace da::llm
