// API keys of the server: who may call it, on which datasets, how often.
//
// A key's secret is "da_" + 43 characters of base64url (32 random bytes from OpenSSL's
// RAND_bytes). It is shown once, when the key is made; the store (<data_dir>/server.db or a
// shared PostgreSQL) keeps only its SHA-256 digest, so a leaked copy gives no working key. Keys
// are named (the name is what logs show) and revoked rather than deleted, so `keys list` still
// tells who had access.
#pragma once

#include <chrono>
#include <cstdint>
#include <filesystem>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <utility>
#include <vector>

#include <nlohmann/json.hpp>

#include "common/status.h"
#include "llm/llm_config.h"

namespace da::server {

struct ApiKey {
  int64_t id = 0;
  std::string name;                                   // 1-64 of [A-Za-z0-9_.-]
  bool admin = false;
  std::optional<std::vector<std::string>> datasets;   // nullopt: every dataset
  std::optional<int> rate_limit_per_minute;           // nullopt: the server's default; 0: unlimited
  std::string created_at, last_used_at;               // ISO-8601 UTC ("" never used)
  bool revoked = false;

  // Whether this key may see `dataset`. Admin keys with datasets set are scoped too.
  bool CanSee(std::string_view dataset) const;
  // {"name","admin","datasets"(null|[...]),"rate_limit_per_minute"(null|n),"created_at","last_used_at","revoked"};
  // never the secret or its hash.
  nlohmann::json ToJson() const;
};

struct NewKey {
  std::string name;
  bool admin = false;
  std::optional<std::vector<std::string>> datasets;
  std::optional<int> rate_limit_per_minute;
};

// kInvalidArgument unless `name` is 1-64 of [A-Za-z0-9_.-].
Status ValidateKeyName(std::string_view name);

// The keys, wherever they are stored: <data_dir>/server.db (SQLite, KeyStore::Open) or a
// PostgreSQL schema shared by several servers (server/key_store_postgres.h). Both keep the same
// contract (tests/server/key_store_contract.h runs one suite against both). Thread-safe: the
// store's calls take turns on one connection.
class KeyStore {
 public:
  // <data_dir>/server.db (SQLite, WAL, created on first use with the data dir).
  static Result<std::unique_ptr<KeyStore>> Open(const std::filesystem::path& data_dir);
  virtual ~KeyStore();

  // A new key and its secret. Only SHA-256(secret) is stored. kAlreadyExists when an active key
  // has that name; kInvalidArgument for a bad name, a bad or empty dataset list (dataset names
  // as DatasetStore::ValidateName) or a negative rate. Duplicate dataset names are dropped.
  Result<std::pair<ApiKey, std::string>> Create(const NewKey& key);
  Result<std::vector<ApiKey>> List() const;   // active and revoked, by name (then age)
  Status Revoke(const std::string& name);      // kNotFound when no active key has that name

  // The active key whose secret is `secret`, else kNotFound with a message that does not echo
  // the secret. Compares SHA-256 digests with CRYPTO_memcmp against every active key (no early
  // exit on a match). Sees other stores' (processes', servers') creates and revokes at the next
  // call: each call reads the keys' generation counter (SQLite: only when `PRAGMA data_version`
  // says another connection wrote; PostgreSQL: one indexed read of one row), and only a changed
  // generation reloads the keys. Records last_used_at at most once a minute per key (best
  // effort: a busy database does not refuse the request).
  Result<ApiKey> Authenticate(std::string_view secret);

  // Where the keys live, for messages and settings: the server.db path, or
  // "postgresql://user@host:port/db schema NAME". Never a password.
  virtual std::string description() const = 0;
  virtual const char* kind() const = 0;  // "sqlite" or "postgres"

 protected:
  KeyStore() = default;
  // Loads the active keys; a backend's Open calls it last.
  Status Init();

  struct StoredKey {
    ApiKey key;
    std::string digest;  // hex SHA-256 of the secret
  };
  // What a backend provides; called one at a time (the store's mutex is held).
  // Inserts the key and bumps the generation in one transaction; the new id. kAlreadyExists
  // when an active key has its name.
  virtual Result<int64_t> InsertKeyLocked(const ApiKey& key, const std::string& digest) = 0;
  // Marks the active key `name` revoked at `at` and bumps the generation in one transaction;
  // kNotFound when there is none.
  virtual Status RevokeKeyLocked(const std::string& name, const std::string& at) = 0;
  virtual Result<std::vector<ApiKey>> ListKeysLocked() const = 0;  // by name, then id
  virtual Result<std::vector<StoredKey>> ActiveKeysLocked() const = 0;
  // The generation as stored now.
  virtual Result<int64_t> GenerationLocked() const = 0;
  // The generation when it may have changed since the last call, nullopt when it surely has
  // not (SQLite: no other connection wrote). Called on every Authenticate: keep it cheap.
  virtual Result<std::optional<int64_t>> GenerationIfChangedLocked();
  virtual void TouchLocked(int64_t id, const std::string& at) = 0;  // last_used_at; best effort

 private:
  Status RefreshLocked();  // reloads active_ when another store changed the keys
  Status ReloadLocked();
  void RecordUseLocked(ApiKey& key);  // last_used_at, at most once a minute per key

  mutable std::mutex mu_;
  int64_t generation_seen_ = -1;
  std::vector<StoredKey> active_;
  std::unordered_map<int64_t, std::chrono::steady_clock::time_point> touched_;
};

// The store `config` names: PostgreSQL when config.postgres_url is set, else
// <data_dir>/server.db. Memory in PostgreSQL does not move the keys: each has its own section.
Result<std::unique_ptr<KeyStore>> OpenKeyStore(const std::filesystem::path& data_dir, const llm::KeysConfig& config);

}  // namespace da::server
