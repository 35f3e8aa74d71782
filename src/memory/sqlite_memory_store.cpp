// The SQLite backend of MemoryStore: one file shared by the CLI and the server of a data
// directory (WAL, so readers never wait for a writer; a busy timeout for writers).
#include <bit>
#include <cstring>
#include <map>

#include "common/sqlite.h"
#include "common/strings.h"
#include "memory/memory_store.h"

namespace da::memory {

namespace {

static_assert(std::endian::native == std::endian::little, "vectors are stored as little-endian float32");

constexpr int kSchemaVersion = 1;

constexpr const char* kSchema = R"sql(
CREATE TABLE IF NOT EXISTS meta(key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS entries(
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  dataset TEXT NOT NULL, question TEXT NOT NULL, exact_text TEXT NOT NULL,
  template_text TEXT NOT NULL, signature TEXT NOT NULL, key_json TEXT NOT NULL,
  sql TEXT NOT NULL, notes TEXT NOT NULL, status TEXT NOT NULL, source TEXT NOT NULL,
  schema_fingerprint TEXT NOT NULL, data_version INTEGER NOT NULL, result_json TEXT NOT NULL,
  created_at TEXT NOT NULL, updated_at TEXT NOT NULL, hits INTEGER NOT NULL DEFAULT 0);
CREATE INDEX IF NOT EXISTS entries_by_exact ON entries(dataset, exact_text);
CREATE TABLE IF NOT EXISTS embeddings(
  entry_id INTEGER NOT NULL REFERENCES entries(id) ON DELETE CASCADE,
  model TEXT NOT NULL, vector BLOB NOT NULL, PRIMARY KEY(entry_id, model));
CREATE TABLE IF NOT EXISTS settings(
  dataset TEXT NOT NULL, name TEXT NOT NULL, value TEXT NOT NULL, PRIMARY KEY(dataset, name));
)sql";

constexpr const char* kEntryColumns =
    "id, dataset, question, exact_text, template_text, signature, key_json, sql, notes, status, source, "
    "schema_fingerprint, data_version, result_json, created_at, updated_at, hits";

std::string Text(sqlite3_stmt* st, int i) {
  const unsigned char* text = sqlite3_column_text(st, i);
  return text ? std::string(reinterpret_cast<const char*>(text), sqlite3_column_bytes(st, i)) : std::string();
}

void BindText(sqlite3_stmt* st, int i, std::string_view text) {
  sqlite3_bind_text(st, i, text.data(), static_cast<int>(text.size()), SQLITE_TRANSIENT);
}

MemoryEntry ReadEntry(sqlite3_stmt* st) {
  MemoryEntry e;
  e.id = sqlite3_column_int64(st, 0);
  e.dataset = Text(st, 1);
  e.question = Text(st, 2);
  e.exact_text = Text(st, 3);
  e.template_text = Text(st, 4);
  e.signature = Text(st, 5);
  e.key_json = Text(st, 6);
  e.sql = Text(st, 7);
  e.notes = Text(st, 8);
  e.status = ParseEntryStatus(Text(st, 9)).value_or(EntryStatus::kAuto);
  e.source = Text(st, 10);
  e.schema_fingerprint = Text(st, 11);
  e.data_version = sqlite3_column_int64(st, 12);
  e.result_json = Text(st, 13);
  e.created_at = Text(st, 14);
  e.updated_at = Text(st, 15);
  e.hits = sqlite3_column_int64(st, 16);
  return e;
}

// Binds the entry's fields (all but id) to parameters 1..16 in kEntryColumns order.
void BindEntry(sqlite3_stmt* st, const MemoryEntry& e) {
  BindText(st, 1, e.dataset);
  BindText(st, 2, e.question);
  BindText(st, 3, e.exact_text);
  BindText(st, 4, e.template_text);
  BindText(st, 5, e.signature);
  BindText(st, 6, e.key_json);
  BindText(st, 7, e.sql);
  BindText(st, 8, e.notes);
  BindText(st, 9, EntryStatusName(e.status));
  BindText(st, 10, e.source);
  BindText(st, 11, e.schema_fingerprint);
  sqlite3_bind_int64(st, 12, e.data_version);
  BindText(st, 13, e.result_json);
  BindText(st, 14, e.created_at);
  BindText(st, 15, e.updated_at);
  sqlite3_bind_int64(st, 16, e.hits);
}

class SqliteMemoryStore final : public MemoryStore {
 public:
  SqliteMemoryStore(SqliteDb db, std::string path) : db_(std::move(db)), path_(std::move(path)) {}

  Result<int64_t> Insert(MemoryEntry& entry) override {
    if (entry.created_at.empty()) entry.created_at = NowIsoUtc();
    if (entry.updated_at.empty()) entry.updated_at = entry.created_at;
    DA_ASSIGN_OR_RETURN(StmtUse st, Kept(
        "INSERT INTO entries(dataset, question, exact_text, template_text, signature, key_json, sql, notes, "
        "status, source, schema_fingerprint, data_version, result_json, created_at, updated_at, hits) "
        "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16)"));
    BindEntry(st.get(), entry);
    if (sqlite3_step(st.get()) != SQLITE_DONE) return SqliteError(db_.get(), "memory: insert");
    entry.id = sqlite3_last_insert_rowid(db_.get());
    return entry.id;
  }

  Status Update(MemoryEntry& entry) override {
    entry.updated_at = NowIsoUtc();
    DA_ASSIGN_OR_RETURN(StmtUse st, Kept(
        "UPDATE entries SET dataset = ?1, question = ?2, exact_text = ?3, template_text = ?4, signature = ?5, "
        "key_json = ?6, sql = ?7, notes = ?8, status = ?9, source = ?10, schema_fingerprint = ?11, "
        "data_version = ?12, result_json = ?13, created_at = ?14, updated_at = ?15, hits = ?16 WHERE id = ?17"));
    BindEntry(st.get(), entry);
    sqlite3_bind_int64(st.get(), 17, entry.id);
    if (sqlite3_step(st.get()) != SQLITE_DONE) return SqliteError(db_.get(), "memory: update");
    if (sqlite3_changes(db_.get()) == 0) return Status::NotFound("memory: no entry " + std::to_string(entry.id));
    return Status::Ok();
  }

  Result<MemoryEntry> Get(std::string_view dataset, int64_t id) override {
    DA_ASSIGN_OR_RETURN(auto entries, Select("dataset = ?1 AND id = ?2", dataset, id));
    if (entries.empty()) {
      return Status::NotFound("no answer " + std::to_string(id) + " in the memory of dataset '" +
                              std::string(dataset) + "'");
    }
    return std::move(entries.front());
  }

  Result<std::vector<MemoryEntry>> FindExact(std::string_view dataset, std::string_view exact_text) override {
    return Select("dataset = ?1 AND exact_text = ?2 ORDER BY id DESC", dataset, std::string(exact_text));
  }

  Result<std::vector<MemoryEntry>> List(std::string_view dataset, std::optional<EntryStatus> status) override {
    if (status) return Select("dataset = ?1 AND status = ?2 ORDER BY id", dataset, EntryStatusName(*status));
    return Select("dataset = ?1 ORDER BY id", dataset);
  }

  Result<std::vector<int64_t>> ListIds(std::string_view dataset, EntryStatus status) override {
    DA_ASSIGN_OR_RETURN(StmtUse st, Kept(
        "SELECT id FROM entries WHERE dataset = ?1 AND status = ?2 ORDER BY id"));
    BindText(st.get(), 1, dataset);
    BindText(st.get(), 2, EntryStatusName(status));
    std::vector<int64_t> ids;
    int rc;
    while ((rc = sqlite3_step(st.get())) == SQLITE_ROW) ids.push_back(sqlite3_column_int64(st.get(), 0));
    if (rc != SQLITE_DONE) return SqliteError(db_.get(), "memory: list ids");
    return ids;
  }

  Status Remove(std::string_view dataset, int64_t id) override {
    DA_ASSIGN_OR_RETURN(StmtUse st, Kept("DELETE FROM entries WHERE dataset = ?1 AND id = ?2"));
    BindText(st.get(), 1, dataset);
    sqlite3_bind_int64(st.get(), 2, id);
    if (sqlite3_step(st.get()) != SQLITE_DONE) return SqliteError(db_.get(), "memory: remove");
    if (sqlite3_changes(db_.get()) == 0) return Status::NotFound("memory: no entry " + std::to_string(id));
    return Status::Ok();
  }

  Result<int64_t> RemoveDataset(std::string_view dataset) override {
    int64_t removed = 0;
    Status status = InTransaction([&]() -> Status {
      DA_ASSIGN_OR_RETURN(StmtUse st, Kept("DELETE FROM entries WHERE dataset = ?1"));
      BindText(st.get(), 1, dataset);
      if (sqlite3_step(st.get()) != SQLITE_DONE) return SqliteError(db_.get(), "memory: remove dataset");
      removed = sqlite3_changes(db_.get());
      DA_ASSIGN_OR_RETURN(StmtUse settings, Kept("DELETE FROM settings WHERE dataset = ?1"));
      BindText(settings.get(), 1, dataset);
      if (sqlite3_step(settings.get()) != SQLITE_DONE) return SqliteError(db_.get(), "memory: remove dataset");
      return Status::Ok();
    });
    if (!status.ok()) return status;
    return removed;
  }

  Status RecordHit(int64_t id, int64_t count) override {
    DA_ASSIGN_OR_RETURN(StmtUse st, Kept("UPDATE entries SET hits = hits + ?2 WHERE id = ?1"));
    sqlite3_bind_int64(st.get(), 1, id);
    sqlite3_bind_int64(st.get(), 2, count);
    if (sqlite3_step(st.get()) != SQLITE_DONE) return SqliteError(db_.get(), "memory: record hit");
    return Status::Ok();
  }

  Status PutEmbedding(int64_t entry_id, std::string_view model, const std::vector<float>& vector) override {
    DA_ASSIGN_OR_RETURN(StmtUse st, Kept(
        "INSERT OR REPLACE INTO embeddings(entry_id, model, vector) VALUES (?1, ?2, ?3)"));
    sqlite3_bind_int64(st.get(), 1, entry_id);
    BindText(st.get(), 2, model);
    sqlite3_bind_blob(st.get(), 3, vector.data(), static_cast<int>(vector.size() * sizeof(float)), SQLITE_TRANSIENT);
    if (sqlite3_step(st.get()) != SQLITE_DONE) return SqliteError(db_.get(), "memory: store embedding");
    return Status::Ok();
  }

  Result<std::vector<StoredEmbedding>> Embeddings(std::string_view dataset, std::string_view model) override {
    DA_ASSIGN_OR_RETURN(StmtUse st, Kept(
        "SELECT e.entry_id, e.vector FROM embeddings e JOIN entries n ON n.id = e.entry_id "
        "WHERE n.dataset = ?1 AND e.model = ?2 ORDER BY e.entry_id"));
    BindText(st.get(), 1, dataset);
    BindText(st.get(), 2, model);
    std::vector<StoredEmbedding> out;
    int rc;
    while ((rc = sqlite3_step(st.get())) == SQLITE_ROW) {
      StoredEmbedding e;
      e.entry_id = sqlite3_column_int64(st.get(), 0);
      const int bytes = sqlite3_column_bytes(st.get(), 1);
      e.vector.resize(static_cast<size_t>(bytes) / sizeof(float));
      if (bytes > 0) std::memcpy(e.vector.data(), sqlite3_column_blob(st.get(), 1), e.vector.size() * sizeof(float));
      out.push_back(std::move(e));
    }
    if (rc != SQLITE_DONE) return SqliteError(db_.get(), "memory: read embeddings");
    return out;
  }

  Result<std::string> GetSetting(std::string_view dataset, std::string_view name) override {
    DA_ASSIGN_OR_RETURN(StmtUse st, Kept(
        "SELECT value FROM settings WHERE dataset = ?1 AND name = ?2"));
    BindText(st.get(), 1, dataset);
    BindText(st.get(), 2, name);
    const int rc = sqlite3_step(st.get());
    if (rc == SQLITE_ROW) return Text(st.get(), 0);
    if (rc != SQLITE_DONE) return SqliteError(db_.get(), "memory: read setting");
    return std::string();
  }

  Status PutSetting(std::string_view dataset, std::string_view name, std::string_view value) override {
    DA_ASSIGN_OR_RETURN(StmtUse st, Kept(
        "INSERT OR REPLACE INTO settings(dataset, name, value) VALUES (?1, ?2, ?3)"));
    BindText(st.get(), 1, dataset);
    BindText(st.get(), 2, name);
    BindText(st.get(), 3, value);
    if (sqlite3_step(st.get()) != SQLITE_DONE) return SqliteError(db_.get(), "memory: store setting");
    return Status::Ok();
  }

  Status InTransaction(const std::function<Status()>& work) override {
    DA_RETURN_IF_ERROR(ExecSql(db_.get(), "BEGIN IMMEDIATE"));
    Status status = work();
    if (!status.ok()) {
      (void)ExecSql(db_.get(), "ROLLBACK");
      return status;
    }
    status = ExecSql(db_.get(), "COMMIT");
    if (!status.ok()) (void)ExecSql(db_.get(), "ROLLBACK");
    return status;
  }

  std::string description() const override { return "sqlite:" + path_; }

 private:
  // Statements are prepared once per text and kept: preparing them again on every call was an
  // eighth of a cached answer's time.
  Result<StmtUse> Kept(const std::string& sql) {
    auto it = kept_.find(sql);
    if (it == kept_.end()) {
      DA_ASSIGN_OR_RETURN(SqliteStmt st, PrepareSql(db_.get(), sql));
      it = kept_.emplace(sql, std::move(st)).first;
    }
    return StmtUse(it->second.get());
  }

  template <typename Second = std::nullptr_t>
  Result<std::vector<MemoryEntry>> Select(const std::string& where, std::string_view dataset,
                                          const Second& second = nullptr) {
    DA_ASSIGN_OR_RETURN(StmtUse st, Kept(std::string("SELECT ") + kEntryColumns +
                                                                 " FROM entries WHERE " + where));
    BindText(st.get(), 1, dataset);
    if constexpr (std::is_same_v<Second, int64_t>) {
      sqlite3_bind_int64(st.get(), 2, second);
    } else if constexpr (!std::is_same_v<Second, std::nullptr_t>) {
      BindText(st.get(), 2, second);
    }
    std::vector<MemoryEntry> out;
    int rc;
    while ((rc = sqlite3_step(st.get())) == SQLITE_ROW) out.push_back(ReadEntry(st.get()));
    if (rc != SQLITE_DONE) return SqliteError(db_.get(), "memory: read entries");
    return out;
  }

  SqliteDb db_;
  std::string path_;
  std::map<std::string, SqliteStmt> kept_;  // after db_: finalized before it closes
};

Status CheckSchemaVersion(sqlite3* db, const std::string& path) {
  DA_ASSIGN_OR_RETURN(SqliteStmt st, PrepareSql(db, "SELECT value FROM meta WHERE key = 'schema_version'"));
  if (sqlite3_step(st.get()) == SQLITE_ROW) {
    const int version = std::atoi(Text(st.get(), 0).c_str());
    if (version > kSchemaVersion) {
      return Status::Unsupported(path + ": memory written by a newer DataAnalyst (schema version " +
                                 std::to_string(version) + ", this one reads up to " +
                                 std::to_string(kSchemaVersion) + ")");
    }
    return Status::Ok();
  }
  return ExecSql(db, "INSERT INTO meta(key, value) VALUES ('schema_version', '" + std::to_string(kSchemaVersion) + "')");
}

}  // namespace

const char* EntryStatusName(EntryStatus status) {
  switch (status) {
    case EntryStatus::kAuto: return "auto";
    case EntryStatus::kApproved: return "approved";
    case EntryStatus::kRejected: return "rejected";
  }
  return "auto";
}

std::optional<EntryStatus> ParseEntryStatus(std::string_view name) {
  if (name == "auto") return EntryStatus::kAuto;
  if (name == "approved") return EntryStatus::kApproved;
  if (name == "rejected") return EntryStatus::kRejected;
  return std::nullopt;
}

Result<std::unique_ptr<MemoryStore>> OpenSqliteMemoryStore(const std::string& path) {
  DA_ASSIGN_OR_RETURN(SqliteDb db, OpenSqlite(path, OpenMode::kReadWriteCreate));
  sqlite3_busy_timeout(db.get(), 5000);
  Status status = ExecSql(db.get(), "PRAGMA journal_mode=WAL; PRAGMA foreign_keys=ON; PRAGMA synchronous=NORMAL;");
  if (status.ok()) status = ExecSql(db.get(), kSchema);
  if (status.ok()) status = CheckSchemaVersion(db.get(), path);
  if (!status.ok()) return status.WithContext(path);
  return std::unique_ptr<MemoryStore>(new SqliteMemoryStore(std::move(db), path));
}

}  // namespace da::memory
