#include "server/api_keys.h"

#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/rand.h>

#include <algorithm>

#include "common/strings.h"
#include "server/key_store_internal.h"
#include "server/key_store_postgres.h"
#include "sources/dataset_store.h"

namespace da::server {

namespace {

using nlohmann::json;

constexpr size_t kSecretBytes = 32;
constexpr std::chrono::seconds kTouchInterval(60);

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

std::optional<std::string> DatasetsColumn(const std::optional<std::vector<std::string>>& datasets) {
  if (!datasets) return std::nullopt;
  return json(*datasets).dump();
}

std::optional<std::vector<std::string>> ParseDatasetsColumn(const std::optional<std::string>& column) {
  if (!column) return std::nullopt;
  json parsed = json::parse(*column, nullptr, false);
  std::vector<std::string> names;
  if (!parsed.is_array()) return names;
  for (const auto& name : parsed) {
    if (name.is_string()) names.push_back(name.get<std::string>());
  }
  return names;
}

KeyStore::~KeyStore() = default;

Status KeyStore::Init() {
  std::lock_guard lock(mu_);
  return ReloadLocked();
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
  DA_ASSIGN_OR_RETURN(made.id, InsertKeyLocked(made, Sha256Hex(secret)));
  DA_RETURN_IF_ERROR(ReloadLocked());
  return std::make_pair(std::move(made), std::move(secret));
}

Result<std::vector<ApiKey>> KeyStore::List() const {
  std::lock_guard lock(mu_);
  return ListKeysLocked();
}

Status KeyStore::Revoke(const std::string& name) {
  std::lock_guard lock(mu_);
  DA_RETURN_IF_ERROR(RevokeKeyLocked(name, NowIsoUtc()));
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
  RecordUseLocked(active_[match].key);
  return active_[match].key;
}

Result<std::optional<int64_t>> KeyStore::GenerationIfChangedLocked() {
  DA_ASSIGN_OR_RETURN(int64_t generation, GenerationLocked());
  return std::optional<int64_t>(generation);
}

Status KeyStore::RefreshLocked() {
  DA_ASSIGN_OR_RETURN(std::optional<int64_t> generation, GenerationIfChangedLocked());
  if (!generation || *generation == generation_seen_) return Status::Ok();
  return ReloadLocked();
}

Status KeyStore::ReloadLocked() {
  // The generation is read before the keys: a change committed in between is seen again (and
  // reloaded) at the next call rather than missed.
  DA_ASSIGN_OR_RETURN(int64_t generation, GenerationLocked());
  DA_ASSIGN_OR_RETURN(std::vector<StoredKey> active, ActiveKeysLocked());
  for (auto& stored : active) {
    // A digest of another length (a damaged row) must not be compared past its end.
    if (stored.digest.size() != 64) stored.digest.assign(64, '\0');
  }
  active_ = std::move(active);
  generation_seen_ = generation;
  return Status::Ok();
}

void KeyStore::RecordUseLocked(ApiKey& key) {
  const auto now = std::chrono::steady_clock::now();
  auto it = touched_.find(key.id);
  if (it != touched_.end() && now - it->second < kTouchInterval) return;
  touched_[key.id] = now;
  key.last_used_at = NowIsoUtc();
  TouchLocked(key.id, key.last_used_at);
}

Result<std::unique_ptr<KeyStore>> OpenKeyStore(const std::filesystem::path& data_dir, const llm::KeysConfig& config) {
  if (config.postgres_url.empty()) return KeyStore::Open(data_dir);
  PgLogin login;
  login.conninfo = config.postgres_url;
  login.password_env = config.postgres_password_env;
  return OpenPostgresKeyStore(login, config.postgres_schema);
}

}  // namespace da::server
