// The DataAnalyst configuration file: which model serves which role, and a few pipeline
// settings. JSON (// and /* */ comments allowed); see docs/llm.md and
// config/dataanalyst.example.json.
//
//   {
//     "providers": { "openai": {"base_url": "http://localhost:11434/v1"} },   // shared defaults
//     "models": {
//       "sql":         {"provider": "openai", "model": "qwen2.5-coder:7b"},
//       "chat":        {...}, "explanation": {...},
//       "embeddings":  {"provider": "openai", "model": "nomic-embed-text"}
//     },
//     "engine_confidence_threshold": 0.7,
//     "privacy_mode": false,
//     "memory": {"cache": true, "similarity_threshold": 0.85, "ttl_hours": 168,
//                "few_shot": {"k": 3, "min_similarity": 0.5},
//                "postgres": {"url": "postgresql://app@db.internal/analyst", "password_env": "DA_PG_PASSWORD"}},
//     "keys": {"postgres": {"url": "postgresql://app@db.internal/analyst", "password_env": "DA_PG_PASSWORD"}}
//   }
//
// Secrets never live in the file: keys come from the environment (OPENAI_API_KEY,
// ANTHROPIC_API_KEY, AWS_* or ~/.aws), or from the variable an "api_key_env" names. A key-like
// field ("api_key", "aws_secret_access_key", ...) is an error, and so is an "api_key_env" that
// is not a variable name; such errors never repeat the value.
#pragma once

#include <filesystem>
#include <map>
#include <string>
#include <string_view>

#include "common/status.h"
#include "llm/environment.h"

namespace da::llm {

enum class ProviderKind { kOpenAI, kAnthropic, kBedrock };
const char* ProviderName(ProviderKind kind);  // "openai", "anthropic", "bedrock"

enum class ModelRole { kSql, kChat, kExplanation, kEmbeddings };
const char* RoleName(ModelRole role);  // "sql", "chat", "explanation", "embeddings"

struct ModelConfig {
  ModelRole role = ModelRole::kSql;
  ProviderKind provider = ProviderKind::kOpenAI;
  std::string model;
  std::string base_url;     // empty: the provider's public endpoint
  std::string api_key_env;  // empty: OPENAI_API_KEY or ANTHROPIC_API_KEY
  std::string api_version;  // openai only: set for Azure OpenAI
  std::string region;       // bedrock: empty means AWS_REGION / AWS_DEFAULT_REGION / ~/.aws/config
  std::string aws_profile;  // bedrock: empty means AWS_PROFILE, else "default"
  double timeout_s = 60;    // per HTTP attempt
  int max_retries = 2;      // retries after the first attempt
  int max_tokens = 1024;
  double temperature = 0;
  int dimensions = 0;       // embeddings: expected vector length; 0 = the model's own
};

// The example memory and semantic cache (memory/memory.h); stored in <data-dir>/memory.db
// unless a PostgreSQL database is named, so several servers share one memory.
struct MemoryConfig {
  bool cache = true;                  // answer from remembered answers when it is safe
  double similarity_threshold = 0.85;  // cosine an approved paraphrase needs (its signature must match too)
  double ttl_hours = 168;             // unreviewed answers and cached results expire; 0 = never
  int few_shot_k = 3;                 // approved examples put in SQL prompts
  double few_shot_min_similarity = 0.5;
  std::string postgres_url;           // empty: SQLite in the data directory; never holds a password
  std::string postgres_password_env;  // the variable holding the PostgreSQL password
  std::string postgres_schema = "dataanalyst";
};

// Where the server's API keys live (server/api_keys.h): <data-dir>/server.db unless a PostgreSQL
// database is named, so several servers share them. Independent of memory.postgres: keys move
// only when this section says so (a server that shares its memory may still keep its own keys).
struct KeysConfig {
  std::string postgres_url;           // empty: server.db; never holds a password
  std::string postgres_password_env;  // the variable holding the PostgreSQL password
  std::string postgres_schema = "dataanalyst";
};

struct LlmConfig {
  std::string origin;  // the file it was read from, for messages
  std::map<ModelRole, ModelConfig> models;  // only the roles the file configures
  double engine_confidence_threshold = 0.7;  // below it, the pipeline asks the LLM
  bool privacy_mode = false;                 // the pipeline sends no data values to the LLM
  MemoryConfig memory;
  KeysConfig keys;

  // The model serving `role`: explanation falls back to chat, chat to sql; embeddings has no
  // fallback. nullptr when none is configured.
  const ModelConfig* ForRole(ModelRole role) const;
};

// Parses and validates a configuration. Errors are kInvalidArgument and name `origin` and the
// key path: "config.json: models.sql.provider: expected one of openai, anthropic, bedrock,
// got 'foo'".
Result<LlmConfig> ParseLlmConfig(std::string_view text, const std::string& origin);

// Reads `path` and parses it (origin = the path as given). kNotFound when it does not exist.
Result<LlmConfig> LoadLlmConfig(const std::filesystem::path& path);

// Where the configuration lives: `flag` (--config FILE) if given, else DATAANALYST_CONFIG,
// else <data_dir>/config.json.
std::filesystem::path ResolveConfigPath(const std::string& flag, const Environment& env,
                                        const std::filesystem::path& data_dir);

}  // namespace da::llm
