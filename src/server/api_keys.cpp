#include "server/api_keys.h"

#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/rand.h>

#include <algorithm>

#include "common/strings.h"
#include "server/server_db.h"
#include "sources/dataset_store.h"

namespace da::server {

namespace {

using nlohmann::json;

constexpr int kSchemaVersion = 1;
constexpr size_t kSecretBytes = 32;
constexpr std::chrono::seconds kTouchInterval(60);

// `datasets` is a JSON array of names, NULL for every dataset; `secret_sha256` is hex. A name
// is unique among active keys only: a revoked key's name can be given to a new key.
constexpr const char* kSchema = R"sql(
CREATE TABLE IF NOT EXISTS api_keys(
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  name TEXT NOT NULL,
  secret_sha256 TEXT NOT NULL,
  admin INTEGER NOT NULL,
  datasets TEXT,
  rate_limit_per_minute INTEGER,
  created_at TEXT NOT NULL,
  last_used_at TEXT NOT NULL DEFAULT '',
  revoked INTEGER NOT NULL DEFAULT 0,
  revoked_at TEXT NOT NULL DEFAULT '');
CREATE UNIQUE INDEX IF NOT EXISTS api_keys_active_name ON api_keys(name) WHERE revoked = 0;
INSERT OR IGNORE INTO meta(key, value) VALUES ('keys_generation', '0');
)sql";

constexpr const char* kKeyColumns =
    "id, name, admin, datasets, rate_limit_per_minute, created_at, last_used_at, revoked, secret_sha256";

// Hex SHA-256 of `text`.
std::string Sha256Hex(std::string_view text) {
  unsigned char digest[EVP_MAX_MD_SIZE];
  unsigned int size = 0;
  EVP_Digest(text.data(), text.size(), digest, &size, EVP_sha256(), nullptr);
  static const char* kHex = "0123456789abcdef";
  std::string hex;
  hex.reserve(size * 2);
  for (unsigned int i = 0; i < size; ++i) {
    hex.push_back(kHex[digest[i] >> 4]);
    hex.push_back(kHex[digest[i] & 15]);
  }
  return hex;
}

// "da_" + base64url (no padding) of 32 bytes from the OpenSSL CSPRNG.
Result<std::string> NewSecret() {
  unsigned char raw[kSecretBytes];
  if (RAND_bytes(raw, sizeof(raw)) != 1) return Status::Internal("the random number generator failed");
  unsigned char encoded[4 * ((kSecretBytes + 2) / 3) + 1];
  const int n = EVP_EncodeBlock(encoded, raw, sizeof(raw));
  OPENSSL_cleanse(raw, sizeof(raw));
  std::string secret = "da_";
  for (int i = 0; i < n; ++i) {
    const char c = static_cast<char>(encoded[i]);
    if (c == '=') break;
    secret.push_back(c == '+' ? '-' : c == '/' ? '_' : c);
  }
  OPENSSL_cleanse(encoded, sizeof(encoded));
  return secret;
}

// The datasets column: a JSON array, or NULL. An unreadable value scopes the key to nothing
// (fail closed) rather than to everything.
std::optional<std::vector<std::string>> ReadDatasets(sqlite3_stmt* st, int i) {
  if (sqlite3_column_type(st, i) == SQLITE_NULL) return std::nullopt;
  json parsed = json::parse(ColumnText(st, i), nullptr, false);
  std::vector<std::string> names;
  if (!parsed.is_array()) return names;
  for (const auto& name : parsed) {
    if (name.is_string()) names.push_back(name.get<std::string>());
  }
  return names;
}

ApiKey ReadKey(sqlite3_stmt* st) {
  ApiKey key;
  key.id = sqlite3_column_int64(st, 0);
  key.name = ColumnText(st, 1);
  key.admin = sqlite3_column_int(st, 2) != 0;
  key.datasets = ReadDatasets(st, 3);
  if (sqlite3_column_type(st, 4) != SQLITE_NULL) key.rate_limit_per_minute = sqlite3_column_int(st, 4);
  key.created_at = ColumnText(st, 5);
  key.last_used_at = ColumnText(st, 6);
  key.revoked = sqlite3_column_int(st, 7) != 0;
  return key;
}

// Checks a new key's fields; drops repeated dataset names (keeping the first of each).
Result<NewKey> Validated(NewKey key) {
  DA_RETURN_IF_ERROR(ValidateKeyName(key.name));
  if (key.rate_limit_per_minute && *key.rate_limit_per_minute < 0) {
    return Status::InvalidArgument("the rate limit must be 0 (unlimited) or more requests per minute");
  }
  if (!key.datasets) return key;
  if (key.datasets->empty()) {
    return Status::InvalidArgument("a key scoped to datasets needs at least one dataset name");
  }
  std::vector<std::string> unique;
  for (const auto& name : *key.datasets) {
    Status valid = DatasetStore::ValidateName(name);
    if (!valid.ok()) return valid;
    if (std::find(unique.begin(), unique.end(), name) == unique.end()) unique.push_back(name);
  }
  key.datasets = std::move(unique);
  return key;
}

}  // namespace

bool ApiKey::CanSee(std::string_view dataset) const {
  if (!datasets) return true;
  return std::find(datasets->begin(), datasets->end(), dataset) != datasets->end();
}

json ApiKey::ToJson() const {
  return {{"name", name},
          {"admin", admin},
          {"datasets", datasets ? json(*datasets) : json(nullptr)},
          {"rate_limit_per_minute", rate_limit_per_minute ? json(*rate_limit_per_minute) : json(nullptr)},
          {"created_at", created_at},
          {"last_used_at", last_used_at},
          {"revoked", revoked}};
}

Status ValidateKeyName(std::string_view name) {
  auto ok_char = [](char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' || c == '.' ||
           c == '-';
  };
  if (name.empty() || name.size() > 64 || !std::all_of(name.begin(), name.end(), ok_char)) {
    return Status::InvalidArgument("invalid key name '" + std::string(name) +
                                   "': use 1-64 letters, digits, '_', '.' or '-'");
  }
  return Status::Ok();
}

KeyStore::KeyStore(SqliteDb db) : db_(std::move(db)) {}
KeyStore::~KeyStore() = default;

Result<std::unique_ptr<KeyStore>> KeyStore::Open(const std::filesystem::path& data_dir) {
  DA_ASSIGN_OR_RETURN(SqliteDb db, OpenServerDb(data_dir, kSchema, "keys_schema_version", kSchemaVersion));
  std::unique_ptr<KeyStore> store(new KeyStore(std::move(db)));
  sqlite3* raw = store->db_.get();
  DA_ASSIGN_OR_RETURN(store->data_version_, PrepareSql(raw, "PRAGMA data_version"));
  DA_ASSIGN_OR_RETURN(store->generation_, PrepareSql(raw, "SELECT value FROM meta WHERE key = 'keys_generation'"));
  DA_ASSIGN_OR_RETURN(store->touch_, PrepareSql(raw, "UPDATE api_keys SET last_used_at = ?1 WHERE id = ?2"));
  std::lock_guard lock(store->mu_);
  DA_RETURN_IF_ERROR(store->RefreshLocked());
  return store;
}

Result<std::pair<ApiKey, std::string>> KeyStore::Create(const NewKey& requested) {
  DA_ASSIGN_OR_RETURN(NewKey key, Validated(requested));
  DA_ASSIGN_OR_RETURN(std::string secret, NewSecret());
  ApiKey made;
  made.name = key.name;
  made.admin = key.admin;
  made.datasets = key.datasets;
  made.rate_limit_per_minute = key.rate_limit_per_minute;
  made.created_at = NowIsoUtc();
  std::lock_guard lock(mu_);
  Status status = InTransactionLocked([&]() -> Status {
    DA_ASSIGN_OR_RETURN(SqliteStmt st, PrepareSql(db_.get(),
        "INSERT INTO api_keys(name, secret_sha256, admin, datasets, rate_limit_per_minute, created_at) "
        "VALUES (?1, ?2, ?3, ?4, ?5, ?6)"));
    BindText(st.get(), 1, made.name);
    BindText(st.get(), 2, Sha256Hex(secret));
    sqlite3_bind_int(st.get(), 3, made.admin ? 1 : 0);
    if (made.datasets) BindText(st.get(), 4, json(*made.datasets).dump());
    if (made.rate_limit_per_minute) sqlite3_bind_int(st.get(), 5, *made.rate_limit_per_minute);
    BindText(st.get(), 6, made.created_at);
    if (sqlite3_step(st.get()) != SQLITE_DONE) {
      if (sqlite3_extended_errcode(db_.get()) == SQLITE_CONSTRAINT_UNIQUE) {
        return Status::AlreadyExists("an active API key named '" + made.name + "' exists; revoke it first");
      }
      return SqliteError(db_.get(), "keys: create");
    }
    made.id = sqlite3_last_insert_rowid(db_.get());
    return BumpGenerationLocked();
  });
  if (!status.ok()) return status;
  DA_RETURN_IF_ERROR(ReloadLocked());
  return std::make_pair(std::move(made), std::move(secret));
}

Result<std::vector<ApiKey>> KeyStore::List() const {
  std::lock_guard lock(mu_);
  DA_ASSIGN_OR_RETURN(SqliteStmt st, PrepareSql(db_.get(), std::string("SELECT ") + kKeyColumns +
                                                               " FROM api_keys ORDER BY name, id"));
  std::vector<ApiKey> keys;
  int rc;
  while ((rc = sqlite3_step(st.get())) == SQLITE_ROW) keys.push_back(ReadKey(st.get()));
  if (rc != SQLITE_DONE) return SqliteError(db_.get(), "keys: list");
  return keys;
}

Status KeyStore::Revoke(const std::string& name) {
  std::lock_guard lock(mu_);
  DA_RETURN_IF_ERROR(InTransactionLocked([&]() -> Status {
    DA_ASSIGN_OR_RETURN(SqliteStmt st, PrepareSql(db_.get(),
        "UPDATE api_keys SET revoked = 1, revoked_at = ?2 WHERE name = ?1 AND revoked = 0"));
    BindText(st.get(), 1, name);
    BindText(st.get(), 2, NowIsoUtc());
    if (sqlite3_step(st.get()) != SQLITE_DONE) return SqliteError(db_.get(), "keys: revoke");
    if (sqlite3_changes(db_.get()) == 0) return Status::NotFound("no active API key named '" + name + "'");
    return BumpGenerationLocked();
  }));
  return ReloadLocked();
}

Result<ApiKey> KeyStore::Authenticate(std::string_view secret) {
  const Status refused = Status::NotFound("unknown or revoked API key");
  if (secret.empty()) return refused;
  const std::string digest = Sha256Hex(secret);
  std::lock_guard lock(mu_);
  DA_RETURN_IF_ERROR(RefreshLocked());
  // Every active key is compared, in constant time each, and the match is picked without a
  // branch on the comparison, so the time taken does not say which key (or how much) matched.
  size_t match = active_.size();
  for (size_t i = 0; i < active_.size(); ++i) {
    const size_t equal = static_cast<size_t>(CRYPTO_memcmp(digest.data(), active_[i].digest.data(),
                                                           digest.size()) == 0);
    const size_t mask = 0 - equal;
    match = (i & mask) | (match & ~mask);
  }
  if (match == active_.size()) return refused;
  TouchLocked(active_[match].key);
  return active_[match].key;
}

Status KeyStore::RefreshLocked() {
  StmtUse use(data_version_.get());
  if (sqlite3_step(use.get()) != SQLITE_ROW) return SqliteError(db_.get(), "keys: data version");
  const int64_t version = sqlite3_column_int64(use.get(), 0);
  if (version == data_version_seen_) return Status::Ok();
  DA_ASSIGN_OR_RETURN(int64_t generation, GenerationLocked());
  data_version_seen_ = version;
  if (generation == generation_seen_) return Status::Ok();
  return ReloadLocked();
}

Status KeyStore::ReloadLocked() {
  // The generation is read before the keys: a change committed in between is seen again (and
  // reloaded) at the next call rather than missed.
  DA_ASSIGN_OR_RETURN(int64_t generation, GenerationLocked());
  DA_ASSIGN_OR_RETURN(SqliteStmt st, PrepareSql(db_.get(), std::string("SELECT ") + kKeyColumns +
                                                               " FROM api_keys WHERE revoked = 0 ORDER BY id"));
  std::vector<Active> active;
  int rc;
  while ((rc = sqlite3_step(st.get())) == SQLITE_ROW) {
    Active a{ReadKey(st.get()), ColumnText(st.get(), 8)};
    active.push_back(std::move(a));
  }
  if (rc != SQLITE_DONE) return SqliteError(db_.get(), "keys: load");
  active_ = std::move(active);
  generation_seen_ = generation;
  return Status::Ok();
}

Result<int64_t> KeyStore::GenerationLocked() const {
  StmtUse use(generation_.get());
  if (sqlite3_step(use.get()) != SQLITE_ROW) return SqliteError(db_.get(), "keys: generation");
  return static_cast<int64_t>(std::atoll(ColumnText(use.get(), 0).c_str()));
}

Status KeyStore::BumpGenerationLocked() {
  return ExecSql(db_.get(),
                 "UPDATE meta SET value = CAST(CAST(value AS INTEGER) + 1 AS TEXT) WHERE key = 'keys_generation'");
}

void KeyStore::TouchLocked(ApiKey& key) {
  const auto now = std::chrono::steady_clock::now();
  auto it = touched_.find(key.id);
  if (it != touched_.end() && now - it->second < kTouchInterval) return;
  touched_[key.id] = now;
  key.last_used_at = NowIsoUtc();
  StmtUse use(touch_.get());
  BindText(use.get(), 1, key.last_used_at);
  sqlite3_bind_int64(use.get(), 2, key.id);
  (void)sqlite3_step(use.get());  // best effort: last_used_at is informational
}

Status KeyStore::InTransactionLocked(const std::function<Status()>& work) {
  DA_RETURN_IF_ERROR(ExecSql(db_.get(), "BEGIN IMMEDIATE"));
  Status status = work();
  if (status.ok()) status = ExecSql(db_.get(), "COMMIT");
  if (!status.ok()) (void)ExecSql(db_.get(), "ROLLBACK");
  return status;
}

}  // namespace da::server
