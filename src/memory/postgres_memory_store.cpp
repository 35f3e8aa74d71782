// The PostgreSQL backend of MemoryStore over libpq: parameterised statements only, tables
// qualified with the quoted schema name, vectors as bytea of little-endian float32 (as in the
// SQLite backend), so a memory can move between the two byte for byte.
#include "memory/postgres_memory_store.h"

#include <libpq-fe.h>

#include <bit>
#include <cstdlib>
#include <cstring>
#include <mutex>

#include "common/postgres.h"
#include "common/postgres_schema.h"
#include "common/strings.h"

namespace da::memory {

namespace {

using Param = PgParam;

static_assert(std::endian::native == std::endian::little, "vectors are stored as little-endian float32");

constexpr int kSchemaVersion = 1;
constexpr size_t kMaxIdentifierBytes = 63;  // PostgreSQL silently truncates longer names

// "{s}" stands for the quoted schema name. Run in order, in one transaction, when the memory's
// version row is missing (common/postgres_schema.h; it creates the meta table).
constexpr const char* kSchema[] = {
    R"sql(CREATE TABLE IF NOT EXISTS {s}.entries(
      id BIGSERIAL PRIMARY KEY,
      dataset TEXT NOT NULL, question TEXT NOT NULL, exact_text TEXT NOT NULL,
      template_text TEXT NOT NULL, signature TEXT NOT NULL, key_json TEXT NOT NULL,
      sql TEXT NOT NULL, notes TEXT NOT NULL, status TEXT NOT NULL, source TEXT NOT NULL,
      schema_fingerprint TEXT NOT NULL, data_version BIGINT NOT NULL, result_json TEXT NOT NULL,
      created_at TEXT NOT NULL, updated_at TEXT NOT NULL, hits BIGINT NOT NULL DEFAULT 0))sql",
    "CREATE INDEX IF NOT EXISTS entries_by_exact ON {s}.entries(dataset, exact_text)",
    R"sql(CREATE TABLE IF NOT EXISTS {s}.embeddings(
      entry_id BIGINT NOT NULL REFERENCES {s}.entries(id) ON DELETE CASCADE,
      model TEXT NOT NULL, vector BYTEA NOT NULL, PRIMARY KEY(entry_id, model)))sql",
    R"sql(CREATE TABLE IF NOT EXISTS {s}.settings(
      dataset TEXT NOT NULL, name TEXT NOT NULL, value TEXT NOT NULL, PRIMARY KEY(dataset, name)))sql",
};

constexpr const char* kEntryColumns =
    "id, dataset, question, exact_text, template_text, signature, key_json, sql, notes, status, source, "
    "schema_fingerprint, data_version, result_json, created_at, updated_at, hits";

Param P(std::string_view text) { return PgText(text); }
Param P(int64_t n) { return PgInt(n); }
Param P(const std::vector<float>& v) {
  return PgBytes(std::string_view(reinterpret_cast<const char*>(v.data()), v.size() * sizeof(float)));
}

std::string Str(const PGresult* r, int row, int col) { return PgStr(r, row, col); }
int64_t Int(const PGresult* r, int row, int col) { return PgInt64(r, row, col); }
int64_t AffectedRows(const PGresult* r) { return PgAffectedRows(r); }

// Decodes a bytea column (hex or escape output format) into float32s.
std::vector<float> Floats(const PGresult* r, int row, int col) {
  size_t bytes = 0;
  unsigned char* raw = PQunescapeBytea(reinterpret_cast<const unsigned char*>(PQgetvalue(r, row, col)), &bytes);
  std::vector<float> out(raw ? bytes / sizeof(float) : 0);
  if (!out.empty()) std::memcpy(out.data(), raw, out.size() * sizeof(float));
  PQfreemem(raw);
  return out;
}

MemoryEntry ReadEntry(const PGresult* r, int row) {
  MemoryEntry e;
  e.id = Int(r, row, 0);
  e.dataset = Str(r, row, 1);
  e.question = Str(r, row, 2);
  e.exact_text = Str(r, row, 3);
  e.template_text = Str(r, row, 4);
  e.signature = Str(r, row, 5);
  e.key_json = Str(r, row, 6);
  e.sql = Str(r, row, 7);
  e.notes = Str(r, row, 8);
  e.status = ParseEntryStatus(Str(r, row, 9)).value_or(EntryStatus::kAuto);
  e.source = Str(r, row, 10);
  e.schema_fingerprint = Str(r, row, 11);
  e.data_version = Int(r, row, 12);
  e.result_json = Str(r, row, 13);
  e.created_at = Str(r, row, 14);
  e.updated_at = Str(r, row, 15);
  e.hits = Int(r, row, 16);
  return e;
}

// The entry's fields (all but id) as parameters $1..$16 in kEntryColumns order.
std::vector<Param> EntryParams(const MemoryEntry& e) {
  return {P(e.dataset), P(e.question), P(e.exact_text),
          P(e.template_text), P(e.signature), P(e.key_json), P(e.sql), P(e.notes),
          P(EntryStatusName(e.status)), P(e.source), P(e.schema_fingerprint), P(e.data_version),
          P(e.result_json), P(e.created_at), P(e.updated_at), P(e.hits)};
}

class PostgresMemoryStore final : public MemoryStore {
 public:
  PostgresMemoryStore(PgClient session, std::string quoted_schema)
      : session_(std::move(session)), schema_(std::move(quoted_schema)) {}

  Result<int64_t> Insert(MemoryEntry& entry) override {
    std::lock_guard lock(mu_);
    if (entry.created_at.empty()) entry.created_at = NowIsoUtc();
    if (entry.updated_at.empty()) entry.updated_at = entry.created_at;
    DA_ASSIGN_OR_RETURN(PgResult r, Exec(
        "INSERT INTO {s}.entries(dataset, question, exact_text, template_text, signature, key_json, sql, notes, "
        "status, source, schema_fingerprint, data_version, result_json, created_at, updated_at, hits) "
        "VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16) RETURNING id",
        EntryParams(entry), "memory: insert"));
    entry.id = Int(r.get(), 0, 0);
    return entry.id;
  }

  Status Update(MemoryEntry& entry) override {
    std::lock_guard lock(mu_);
    entry.updated_at = NowIsoUtc();
    std::vector<Param> params = EntryParams(entry);
    params.push_back(P(entry.id));
    DA_ASSIGN_OR_RETURN(PgResult r, Exec(
        "UPDATE {s}.entries SET dataset = $1, question = $2, exact_text = $3, template_text = $4, "
        "signature = $5, key_json = $6, sql = $7, notes = $8, status = $9, source = $10, "
        "schema_fingerprint = $11, data_version = $12, result_json = $13, created_at = $14, "
        "updated_at = $15, hits = $16 WHERE id = $17",
        params, "memory: update"));
    if (AffectedRows(r.get()) == 0) return Status::NotFound("memory: no entry " + std::to_string(entry.id));
    return Status::Ok();
  }

  Result<MemoryEntry> Get(std::string_view dataset, int64_t id) override {
    DA_ASSIGN_OR_RETURN(auto entries, Select("dataset = $1 AND id = $2", {P(dataset), P(id)}));
    if (entries.empty()) {
      return Status::NotFound("no answer " + std::to_string(id) + " in the memory of dataset '" +
                              std::string(dataset) + "'");
    }
    return std::move(entries.front());
  }

  Result<std::vector<MemoryEntry>> FindExact(std::string_view dataset, std::string_view exact_text) override {
    return Select("dataset = $1 AND exact_text = $2 ORDER BY id DESC", {P(dataset), P(exact_text)});
  }

  Result<std::vector<MemoryEntry>> List(std::string_view dataset, std::optional<EntryStatus> status) override {
    if (status) return Select("dataset = $1 AND status = $2 ORDER BY id", {P(dataset), P(EntryStatusName(*status))});
    return Select("dataset = $1 ORDER BY id", {P(dataset)});
  }

  Result<std::vector<int64_t>> ListIds(std::string_view dataset, EntryStatus status) override {
    std::lock_guard lock(mu_);
    DA_ASSIGN_OR_RETURN(PgResult r, Exec("SELECT id FROM {s}.entries WHERE dataset = $1 AND status = $2 ORDER BY id",
                                         {P(dataset), P(EntryStatusName(status))}, "memory: list ids"));
    std::vector<int64_t> ids;
    for (int row = 0; row < PQntuples(r.get()); ++row) ids.push_back(Int(r.get(), row, 0));
    return ids;
  }

  Status Remove(std::string_view dataset, int64_t id) override {
    std::lock_guard lock(mu_);
    DA_ASSIGN_OR_RETURN(PgResult r, Exec("DELETE FROM {s}.entries WHERE dataset = $1 AND id = $2",
                                         {P(dataset), P(id)}, "memory: remove"));
    if (AffectedRows(r.get()) == 0) return Status::NotFound("memory: no entry " + std::to_string(id));
    return Status::Ok();
  }

  Result<int64_t> RemoveDataset(std::string_view dataset) override {
    int64_t removed = 0;
    Status status = InTransaction([&]() -> Status {
      DA_ASSIGN_OR_RETURN(PgResult r, Exec("DELETE FROM {s}.entries WHERE dataset = $1", {P(dataset)},
                                           "memory: remove dataset"));
      removed = AffectedRows(r.get());
      return Exec("DELETE FROM {s}.settings WHERE dataset = $1", {P(dataset)}, "memory: remove dataset").status();
    });
    if (!status.ok()) return status;
    return removed;
  }

  Status RecordHit(int64_t id, int64_t count) override {
    std::lock_guard lock(mu_);
    return Exec("UPDATE {s}.entries SET hits = hits + $2 WHERE id = $1", {P(id), P(count)}, "memory: record hit")
        .status();
  }

  Status PutEmbedding(int64_t entry_id, std::string_view model, const std::vector<float>& vector) override {
    std::lock_guard lock(mu_);
    return Exec("INSERT INTO {s}.embeddings(entry_id, model, vector) VALUES ($1, $2, $3) "
                "ON CONFLICT (entry_id, model) DO UPDATE SET vector = EXCLUDED.vector",
                {P(entry_id), P(model), P(vector)}, "memory: store embedding")
        .status();
  }

  Result<std::vector<StoredEmbedding>> Embeddings(std::string_view dataset, std::string_view model) override {
    std::lock_guard lock(mu_);
    DA_ASSIGN_OR_RETURN(PgResult r, Exec(
        "SELECT e.entry_id, e.vector FROM {s}.embeddings e JOIN {s}.entries n ON n.id = e.entry_id "
        "WHERE n.dataset = $1 AND e.model = $2 ORDER BY e.entry_id",
        {P(dataset), P(model)}, "memory: read embeddings"));
    std::vector<StoredEmbedding> out;
    for (int row = 0; row < PQntuples(r.get()); ++row) {
      out.push_back({Int(r.get(), row, 0), Floats(r.get(), row, 1)});
    }
    return out;
  }

  Result<std::string> GetSetting(std::string_view dataset, std::string_view name) override {
    std::lock_guard lock(mu_);
    DA_ASSIGN_OR_RETURN(PgResult r, Exec("SELECT value FROM {s}.settings WHERE dataset = $1 AND name = $2",
                                         {P(dataset), P(name)}, "memory: read setting"));
    return PQntuples(r.get()) > 0 ? Str(r.get(), 0, 0) : std::string();
  }

  Status PutSetting(std::string_view dataset, std::string_view name, std::string_view value) override {
    std::lock_guard lock(mu_);
    return Exec("INSERT INTO {s}.settings(dataset, name, value) VALUES ($1, $2, $3) "
                "ON CONFLICT (dataset, name) DO UPDATE SET value = EXCLUDED.value",
                {P(dataset), P(name), P(value)}, "memory: store setting")
        .status();
  }

  Status InTransaction(const std::function<Status()>& work) override {
    std::lock_guard lock(mu_);  // held until the end: other threads wait instead of joining in
    DA_RETURN_IF_ERROR(session_.Begin("memory: begin"));
    Status status = work();
    if (!status.ok()) {
      session_.Rollback();
      return status;
    }
    return session_.Commit("memory: commit");
  }

  std::string description() const override { return session_.description(); }

 private:
  Result<PgResult> Exec(std::string_view sql, const std::vector<Param>& params, std::string_view what) {
    return session_.Exec(WithPgSchema(sql, schema_), params, what);
  }

  Result<std::vector<MemoryEntry>> Select(std::string_view where, const std::vector<Param>& params) {
    std::lock_guard lock(mu_);
    DA_ASSIGN_OR_RETURN(PgResult r, Exec(std::string("SELECT ") + kEntryColumns + " FROM {s}.entries WHERE " +
                                             std::string(where),
                                         params, "memory: read entries"));
    std::vector<MemoryEntry> out;
    for (int row = 0; row < PQntuples(r.get()); ++row) out.push_back(ReadEntry(r.get(), row));
    return out;
  }

  std::recursive_mutex mu_;  // recursive: InTransaction's work calls the other methods
  PgClient session_;
  const std::string schema_;  // quoted
};

}  // namespace

Result<std::unique_ptr<MemoryStore>> OpenPostgresMemoryStore(const PostgresConnection& conn) {
  if (conn.schema.empty() || conn.schema.size() > kMaxIdentifierBytes) {
    return Status::InvalidArgument("memory: the PostgreSQL schema name must be 1 to 63 bytes long");
  }
  PgLogin login;
  login.conninfo = conn.conninfo;
  login.password_env = conn.password_env;
  login.connect_timeout_seconds = conn.connect_timeout_seconds;
  DA_ASSIGN_OR_RETURN(PgClient session, PgClient::Connect(login));
  PgSchemaSpec spec;
  spec.component = "memory";
  spec.schema = conn.schema;
  spec.version_key = "schema_version";  // the memory's row since its first version
  spec.version = kSchemaVersion;
  spec.ddl.assign(std::begin(kSchema), std::end(kSchema));
  DA_RETURN_IF_ERROR(CreateOrCheckPgSchema(session, spec));
  return std::unique_ptr<MemoryStore>(new PostgresMemoryStore(std::move(session), QuoteIdentifier(conn.schema)));
}

}  // namespace da::memory
