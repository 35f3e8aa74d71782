// The SQLite backend of KeyStore: the api_keys table of <data_dir>/server.db.
#include <sqlite3.h>

#include <cstdlib>
#include <functional>

#include "common/sqlite.h"
#include "server/api_keys.h"
#include "server/key_store_internal.h"
#include "server/server_db.h"

namespace da::server {

namespace {

constexpr int kSchemaVersion = 1;

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

ApiKey ReadKey(sqlite3_stmt* st) {
  ApiKey key;
  key.id = sqlite3_column_int64(st, 0);
  key.name = ColumnText(st, 1);
  key.admin = sqlite3_column_int(st, 2) != 0;
  key.datasets = ParseDatasetsColumn(sqlite3_column_type(st, 3) == SQLITE_NULL ? std::nullopt
                                                                               : std::optional(ColumnText(st, 3)));
  if (sqlite3_column_type(st, 4) != SQLITE_NULL) key.rate_limit_per_minute = sqlite3_column_int(st, 4);
  key.created_at = ColumnText(st, 5);
  key.last_used_at = ColumnText(st, 6);
  key.revoked = sqlite3_column_int(st, 7) != 0;
  return key;
}

class SqliteKeyStore final : public KeyStore {
 public:
  SqliteKeyStore(SqliteDb db, std::filesystem::path path) : db_(std::move(db)), path_(std::move(path)) {}

  Status Prepare() {
    sqlite3* raw = db_.get();
    DA_ASSIGN_OR_RETURN(data_version_, PrepareSql(raw, "PRAGMA data_version"));
    DA_ASSIGN_OR_RETURN(generation_, PrepareSql(raw, "SELECT value FROM meta WHERE key = 'keys_generation'"));
    DA_ASSIGN_OR_RETURN(touch_, PrepareSql(raw, "UPDATE api_keys SET last_used_at = ?1 WHERE id = ?2"));
    return Init();
  }

  std::string description() const override { return path_.string(); }
  const char* kind() const override { return "sqlite"; }

 protected:
  Result<int64_t> InsertKeyLocked(const ApiKey& key, const std::string& digest) override {
    int64_t id = 0;
    DA_RETURN_IF_ERROR(InTransaction([&]() -> Status {
      DA_ASSIGN_OR_RETURN(SqliteStmt st, PrepareSql(db_.get(),
          "INSERT INTO api_keys(name, secret_sha256, admin, datasets, rate_limit_per_minute, created_at) "
          "VALUES (?1, ?2, ?3, ?4, ?5, ?6)"));
      BindText(st.get(), 1, key.name);
      BindText(st.get(), 2, digest);
      sqlite3_bind_int(st.get(), 3, key.admin ? 1 : 0);
      if (auto datasets = DatasetsColumn(key.datasets)) BindText(st.get(), 4, *datasets);
      if (key.rate_limit_per_minute) sqlite3_bind_int(st.get(), 5, *key.rate_limit_per_minute);
      BindText(st.get(), 6, key.created_at);
      if (sqlite3_step(st.get()) != SQLITE_DONE) {
        if (sqlite3_extended_errcode(db_.get()) == SQLITE_CONSTRAINT_UNIQUE) {
          return Status::AlreadyExists("an active API key named '" + key.name + "' exists; revoke it first");
        }
        return SqliteError(db_.get(), "keys: create");
      }
      id = sqlite3_last_insert_rowid(db_.get());
      return BumpGeneration();
    }));
    return id;
  }

  Status RevokeKeyLocked(const std::string& name, const std::string& at) override {
    return InTransaction([&]() -> Status {
      DA_ASSIGN_OR_RETURN(SqliteStmt st, PrepareSql(db_.get(),
          "UPDATE api_keys SET revoked = 1, revoked_at = ?2 WHERE name = ?1 AND revoked = 0"));
      BindText(st.get(), 1, name);
      BindText(st.get(), 2, at);
      if (sqlite3_step(st.get()) != SQLITE_DONE) return SqliteError(db_.get(), "keys: revoke");
      if (sqlite3_changes(db_.get()) == 0) return Status::NotFound("no active API key named '" + name + "'");
      return BumpGeneration();
    });
  }

  Result<std::vector<ApiKey>> ListKeysLocked() const override {
    DA_ASSIGN_OR_RETURN(SqliteStmt st, PrepareSql(db_.get(), std::string("SELECT ") + kKeyColumns +
                                                                 " FROM api_keys ORDER BY name, id"));
    std::vector<ApiKey> keys;
    int rc;
    while ((rc = sqlite3_step(st.get())) == SQLITE_ROW) keys.push_back(ReadKey(st.get()));
    if (rc != SQLITE_DONE) return SqliteError(db_.get(), "keys: list");
    return keys;
  }

  Result<std::vector<StoredKey>> ActiveKeysLocked() const override {
    DA_ASSIGN_OR_RETURN(SqliteStmt st, PrepareSql(db_.get(), std::string("SELECT ") + kKeyColumns +
                                                                 " FROM api_keys WHERE revoked = 0 ORDER BY id"));
    std::vector<StoredKey> active;
    int rc;
    while ((rc = sqlite3_step(st.get())) == SQLITE_ROW) active.push_back({ReadKey(st.get()), ColumnText(st.get(), 8)});
    if (rc != SQLITE_DONE) return SqliteError(db_.get(), "keys: load");
    return active;
  }

  Result<int64_t> GenerationLocked() const override {
    StmtUse use(generation_.get());
    if (sqlite3_step(use.get()) != SQLITE_ROW) return SqliteError(db_.get(), "keys: generation");
    return static_cast<int64_t>(std::atoll(ColumnText(use.get(), 0).c_str()));
  }

  // `PRAGMA data_version` changes only when another connection commits: while it stays, no
  // read of the generation is needed (history writes by other connections change it too, so
  // they cost one small read, not a reload).
  Result<std::optional<int64_t>> GenerationIfChangedLocked() override {
    StmtUse use(data_version_.get());
    if (sqlite3_step(use.get()) != SQLITE_ROW) return SqliteError(db_.get(), "keys: data version");
    const int64_t version = sqlite3_column_int64(use.get(), 0);
    if (version == data_version_seen_) return std::optional<int64_t>();
    DA_ASSIGN_OR_RETURN(int64_t generation, GenerationLocked());
    data_version_seen_ = version;
    return std::optional<int64_t>(generation);
  }

  void TouchLocked(int64_t id, const std::string& at) override {
    StmtUse use(touch_.get());
    BindText(use.get(), 1, at);
    sqlite3_bind_int64(use.get(), 2, id);
    (void)sqlite3_step(use.get());  // best effort: last_used_at is informational
  }

 private:
  Status BumpGeneration() {
    return ExecSql(db_.get(),
                   "UPDATE meta SET value = CAST(CAST(value AS INTEGER) + 1 AS TEXT) WHERE key = 'keys_generation'");
  }

  Status InTransaction(const std::function<Status()>& work) {
    DA_RETURN_IF_ERROR(ExecSql(db_.get(), "BEGIN IMMEDIATE"));
    Status status = work();
    if (status.ok()) status = ExecSql(db_.get(), "COMMIT");
    if (!status.ok()) (void)ExecSql(db_.get(), "ROLLBACK");
    return status;
  }

  SqliteDb db_;
  const std::filesystem::path path_;
  SqliteStmt data_version_, generation_, touch_;
  int64_t data_version_seen_ = -1;
};

}  // namespace

Result<std::unique_ptr<KeyStore>> KeyStore::Open(const std::filesystem::path& data_dir) {
  DA_ASSIGN_OR_RETURN(SqliteDb db, OpenServerDb(data_dir, kSchema, "keys_schema_version", kSchemaVersion));
  auto store = std::make_unique<SqliteKeyStore>(std::move(db), data_dir / "server.db");
  DA_RETURN_IF_ERROR(store->Prepare());
  return std::unique_ptr<KeyStore>(std::move(store));
}

}  // namespace da::server
