// API keys of the server: who may call it, on which datasets, how often.
//
// A key's secret is "da_" + 43 characters of base64url (32 random bytes from OpenSSL's
// RAND_bytes). It is shown once, when the key is made; <data_dir>/server.db keeps only its
// SHA-256 digest, so a leaked file gives no working key. Keys are named (the name is what logs
// show) and revoked rather than deleted, so `keys list` still tells who had access.
#pragma once

#include <chrono>
#include <functional>
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

#include "common/sqlite.h"
#include "common/status.h"

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

class KeyStore {
 public:
  // <data_dir>/server.db (SQLite, WAL, created on first use with the data dir). Thread-safe.
  static Result<std::unique_ptr<KeyStore>> Open(const std::filesystem::path& data_dir);
  ~KeyStore();

  // A new key and its secret. Only SHA-256(secret) is stored. kAlreadyExists when an active key
  // has that name; kInvalidArgument for a bad name, a bad or empty dataset list (dataset names
  // as DatasetStore::ValidateName) or a negative rate. Duplicate dataset names are dropped.
  Result<std::pair<ApiKey, std::string>> Create(const NewKey& key);
  Result<std::vector<ApiKey>> List() const;   // active and revoked, by name (then age)
  Status Revoke(const std::string& name);      // kNotFound when no active key has that name

  // The active key whose secret is `secret`, else kNotFound with a message that does not echo
  // the secret. Compares SHA-256 digests with CRYPTO_memcmp against every active key (no early
  // exit on a match). Sees other processes' creates and revokes at the next call: a changed
  // `PRAGMA data_version` makes it read the keys' generation counter, and only a changed
  // generation reloads the keys, so history writes by other connections cost one small read.
  // Records last_used_at at most once a minute per key (best effort: a busy database does not
  // refuse the request).
  Result<ApiKey> Authenticate(std::string_view secret);

 private:
  struct Active {
    ApiKey key;
    std::string digest;  // SHA-256 of the secret, 32 bytes
  };
  explicit KeyStore(SqliteDb db);
  Status RefreshLocked();             // reloads active_ when another connection changed the keys
  Status ReloadLocked();
  Result<int64_t> GenerationLocked() const;
  Status BumpGenerationLocked();
  void TouchLocked(ApiKey& key);      // last_used_at, at most once a minute per key
  Status InTransactionLocked(const std::function<Status()>& work);

  mutable std::mutex mu_;
  SqliteDb db_;
  SqliteStmt data_version_, generation_, touch_;
  int64_t data_version_seen_ = -1;
  int64_t generation_seen_ = -1;
  std::vector<Active> active_;
  std::unordered_map<int64_t, std::chrono::steady_clock::time_point> touched_;
};

}  // namespace da::server
