// The PostgreSQL backend of KeyStore: parameterised statements only, tables qualified with the
// quoted schema name, the same columns as in server.db.
#include "server/key_store_postgres.h"

#include <cstdlib>
#include <functional>

#include "common/postgres_schema.h"
#include "common/strings.h"
#include "server/key_store_internal.h"

namespace da::server {

namespace {

constexpr int kSchemaVersion = 1;

// "{s}" stands for the quoted schema. A name is unique among active keys only. The generation
// is a row of the shared meta table, bumped by every create and revoke.
constexpr const char* kSchema[] = {
    R"sql(CREATE TABLE IF NOT EXISTS {s}.api_keys(
      id BIGSERIAL PRIMARY KEY, name TEXT NOT NULL, secret_sha256 TEXT NOT NULL, admin BOOLEAN NOT NULL,
      datasets TEXT, rate_limit_per_minute INTEGER, created_at TEXT NOT NULL,
      last_used_at TEXT NOT NULL DEFAULT '', revoked BOOLEAN NOT NULL DEFAULT false,
      revoked_at TEXT NOT NULL DEFAULT ''))sql",
    "CREATE UNIQUE INDEX IF NOT EXISTS api_keys_active_name ON {s}.api_keys(name) WHERE NOT revoked",
    "INSERT INTO {s}.meta(key, value) VALUES ('keys_generation', '0') ON CONFLICT (key) DO NOTHING",
};

constexpr const char* kKeyColumns =
    "id, name, admin, datasets, rate_limit_per_minute, created_at, last_used_at, revoked, secret_sha256";

ApiKey ReadKey(const PGresult* r, int row) {
  ApiKey key;
  key.id = PgInt64(r, row, 0);
  key.name = PgStr(r, row, 1);
  key.admin = PgStr(r, row, 2) == "t";
  key.datasets = ParseDatasetsColumn(PgIsNull(r, row, 3) ? std::nullopt : std::optional(PgStr(r, row, 3)));
  if (!PgIsNull(r, row, 4)) key.rate_limit_per_minute = static_cast<int>(PgInt64(r, row, 4));
  key.created_at = PgStr(r, row, 5);
  key.last_used_at = PgStr(r, row, 6);
  key.revoked = PgStr(r, row, 7) == "t";
  return key;
}

class PostgresKeyStore final : public KeyStore {
 public:
  PostgresKeyStore(PgClient session, const std::string& schema)
      : session_(std::move(session)), schema_(QuoteIdentifier(schema)),
        description_(session_.description() + " schema " + schema),
        generation_sql_(Sql("SELECT value FROM {s}.meta WHERE key = 'keys_generation'")) {}

  Status Load() { return Init(); }

  std::string description() const override { return description_; }
  const char* kind() const override { return "postgres"; }

 protected:
  Result<int64_t> InsertKeyLocked(const ApiKey& key, const std::string& digest) override {
    int64_t id = 0;
    DA_RETURN_IF_ERROR(InTransaction("keys: create", [&]() -> Status {
      const auto datasets = DatasetsColumn(key.datasets);
      DA_ASSIGN_OR_RETURN(PgResult r, session_.Exec(
          Sql("INSERT INTO {s}.api_keys(name, secret_sha256, admin, datasets, rate_limit_per_minute, created_at) "
              "VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT (name) WHERE NOT revoked DO NOTHING RETURNING id"),
          {PgText(key.name), PgText(digest), PgText(key.admin ? "true" : "false"),
           datasets ? PgText(*datasets) : PgNull(),
           key.rate_limit_per_minute ? PgInt(*key.rate_limit_per_minute) : PgNull(), PgText(key.created_at)},
          "keys: create"));
      if (PQntuples(r.get()) == 0) {
        return Status::AlreadyExists("an active API key named '" + key.name + "' exists; revoke it first");
      }
      id = PgInt64(r.get(), 0, 0);
      return BumpGeneration();
    }));
    return id;
  }

  Status RevokeKeyLocked(const std::string& name, const std::string& at) override {
    return InTransaction("keys: revoke", [&]() -> Status {
      DA_ASSIGN_OR_RETURN(PgResult r, session_.Exec(
          Sql("UPDATE {s}.api_keys SET revoked = true, revoked_at = $2 WHERE name = $1 AND NOT revoked"),
          {PgText(name), PgText(at)}, "keys: revoke"));
      if (PgAffectedRows(r.get()) == 0) return Status::NotFound("no active API key named '" + name + "'");
      return BumpGeneration();
    });
  }

  Result<std::vector<ApiKey>> ListKeysLocked() const override {
    DA_ASSIGN_OR_RETURN(PgResult r, session_.Exec(Sql(std::string("SELECT ") + kKeyColumns +
                                                      " FROM {s}.api_keys ORDER BY name COLLATE \"C\", id"),
                                                  "keys: list"));
    std::vector<ApiKey> keys;
    for (int row = 0; row < PQntuples(r.get()); ++row) keys.push_back(ReadKey(r.get(), row));
    return keys;
  }

  Result<std::vector<StoredKey>> ActiveKeysLocked() const override {
    DA_ASSIGN_OR_RETURN(PgResult r, session_.Exec(Sql(std::string("SELECT ") + kKeyColumns +
                                                      " FROM {s}.api_keys WHERE NOT revoked ORDER BY id"),
                                                  "keys: load"));
    std::vector<StoredKey> active;
    for (int row = 0; row < PQntuples(r.get()); ++row) active.push_back({ReadKey(r.get(), row), PgStr(r.get(), row, 8)});
    return active;
  }

  Result<int64_t> GenerationLocked() const override {
    DA_ASSIGN_OR_RETURN(PgResult r, session_.Exec(generation_sql_, "keys: generation"));
    if (PQntuples(r.get()) == 0) return Status::IoError(description_ + ": keys: the generation row is missing");
    return static_cast<int64_t>(std::atoll(PgStr(r.get(), 0, 0).c_str()));
  }

  void TouchLocked(int64_t id, const std::string& at) override {
    // Best effort: last_used_at is informational.
    (void)session_.Exec(Sql("UPDATE {s}.api_keys SET last_used_at = $1 WHERE id = $2"), {PgText(at), PgInt(id)},
                        "keys: record use");
  }

 private:
  std::string Sql(std::string_view sql) const { return WithPgSchema(sql, schema_); }

  Status BumpGeneration() {
    return session_
        .Exec(Sql("UPDATE {s}.meta SET value = (value::bigint + 1)::text WHERE key = 'keys_generation'"),
              "keys: bump the generation")
        .status();
  }

  Status InTransaction(std::string_view what, const std::function<Status()>& work) {
    DA_RETURN_IF_ERROR(session_.Begin(what));
    Status status = work();
    if (!status.ok()) {
      session_.Rollback();
      return status;
    }
    return session_.Commit(what);
  }

  mutable PgClient session_;  // used under the store's mutex only
  const std::string schema_;  // quoted
  const std::string description_;
  const std::string generation_sql_;
};

}  // namespace

Result<std::unique_ptr<KeyStore>> OpenPostgresKeyStore(const PgLogin& login, const std::string& schema) {
  DA_ASSIGN_OR_RETURN(PgClient session, PgClient::Connect(login));
  PgSchemaSpec spec;
  spec.component = "keys";
  spec.schema = schema;
  spec.version_key = "keys_schema_version";
  spec.version = kSchemaVersion;
  spec.ddl.assign(std::begin(kSchema), std::end(kSchema));
  DA_RETURN_IF_ERROR(CreateOrCheckPgSchema(session, spec));
  auto store = std::make_unique<PostgresKeyStore>(std::move(session), schema);
  DA_RETURN_IF_ERROR(store->Load());
  return std::unique_ptr<KeyStore>(std::move(store));
}

}  // namespace da::server
