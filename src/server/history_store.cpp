#include "server/history_store.h"

#include <algorithm>

#include "common/strings.h"
#include "server/server_db.h"

namespace da::server {

namespace {

constexpr int kSchemaVersion = 1;

constexpr const char* kSchema = R"sql(
CREATE TABLE IF NOT EXISTS history(
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  key_id INTEGER NOT NULL,
  dataset TEXT NOT NULL,
  question TEXT NOT NULL,
  answered INTEGER NOT NULL,
  sql TEXT NOT NULL,
  restatement TEXT NOT NULL,
  source TEXT NOT NULL,
  answer_id INTEGER NOT NULL,
  row_count INTEGER NOT NULL,
  message TEXT NOT NULL,
  created_at TEXT NOT NULL);
CREATE INDEX IF NOT EXISTS history_by_key ON history(key_id, id);
CREATE INDEX IF NOT EXISTS history_by_key_dataset ON history(key_id, dataset, id);
CREATE INDEX IF NOT EXISTS history_by_dataset ON history(dataset);
)sql";

constexpr const char* kColumns =
    "id, key_id, dataset, question, answered, sql, restatement, source, answer_id, row_count, message, created_at";

HistoryItem ReadItem(sqlite3_stmt* st) {
  HistoryItem item;
  item.id = sqlite3_column_int64(st, 0);
  item.key_id = sqlite3_column_int64(st, 1);
  item.dataset = ColumnText(st, 2);
  item.question = ColumnText(st, 3);
  item.answered = sqlite3_column_int(st, 4) != 0;
  item.sql = ColumnText(st, 5);
  item.restatement = ColumnText(st, 6);
  item.source = ColumnText(st, 7);
  item.answer_id = sqlite3_column_int64(st, 8);
  item.row_count = sqlite3_column_int64(st, 9);
  item.message = ColumnText(st, 10);
  item.created_at = ColumnText(st, 11);
  return item;
}

Status Step(sqlite3* db, sqlite3_stmt* st, const char* what) {
  StmtUse use(st);
  if (sqlite3_step(st) != SQLITE_DONE) return SqliteError(db, what);
  return Status::Ok();
}

}  // namespace

nlohmann::json HistoryItem::ToJson() const {
  return {{"id", id},
          {"dataset", dataset},
          {"question", question},
          {"answered", answered},
          {"sql", sql},
          {"restatement", restatement},
          {"source", source},
          {"answer_id", answer_id},
          {"row_count", row_count},
          {"message", message},
          {"created_at", created_at}};
}

HistoryStore::HistoryStore(SqliteDb db) : db_(std::move(db)) {}
HistoryStore::~HistoryStore() = default;

Result<std::unique_ptr<HistoryStore>> HistoryStore::Open(const std::filesystem::path& data_dir) {
  DA_ASSIGN_OR_RETURN(SqliteDb db, OpenServerDb(data_dir, kSchema, "history_schema_version", kSchemaVersion));
  std::unique_ptr<HistoryStore> s(new HistoryStore(std::move(db)));
  sqlite3* raw = s->db_.get();
  const std::string select = std::string("SELECT ") + kColumns + " FROM history WHERE key_id = ?1 ";
  DA_ASSIGN_OR_RETURN(s->begin_, PrepareSql(raw, "BEGIN IMMEDIATE"));
  DA_ASSIGN_OR_RETURN(s->commit_, PrepareSql(raw, "COMMIT"));
  DA_ASSIGN_OR_RETURN(s->rollback_, PrepareSql(raw, "ROLLBACK"));
  DA_ASSIGN_OR_RETURN(s->insert_, PrepareSql(raw,
      "INSERT INTO history(key_id, dataset, question, answered, sql, restatement, source, answer_id, row_count, "
      "message, created_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11)"));
  DA_ASSIGN_OR_RETURN(s->count_, PrepareSql(raw, "SELECT count(*) FROM history WHERE key_id = ?1"));
  // Everything of the key older than its kKeptPerKey-th newest item (nothing while it has fewer).
  DA_ASSIGN_OR_RETURN(s->prune_, PrepareSql(raw,
      "DELETE FROM history WHERE key_id = ?1 AND id <= (SELECT id FROM history WHERE key_id = ?1 "
      "ORDER BY id DESC LIMIT 1 OFFSET " + std::to_string(kKeptPerKey) + ")"));
  DA_ASSIGN_OR_RETURN(s->list_all_, PrepareSql(raw, select + "ORDER BY id DESC LIMIT ?2"));
  DA_ASSIGN_OR_RETURN(s->list_dataset_, PrepareSql(raw, select + "AND dataset = ?3 ORDER BY id DESC LIMIT ?2"));
  return s;
}

Result<int64_t> HistoryStore::Add(HistoryItem item) {
  if (item.created_at.empty()) item.created_at = NowIsoUtc();
  std::lock_guard lock(mu_);
  DA_RETURN_IF_ERROR(Step(db_.get(), begin_.get(), "history: begin"));
  Status status = AddLocked(item);
  if (status.ok()) status = Step(db_.get(), commit_.get(), "history: commit");
  if (!status.ok()) {
    (void)Step(db_.get(), rollback_.get(), "history: rollback");
    counts_.erase(item.key_id);  // read again: the rollback undid what AddLocked counted
    return status;
  }
  return item.id;
}

Status HistoryStore::AddAll(std::vector<HistoryItem> items) {
  if (items.empty()) return Status::Ok();
  std::lock_guard lock(mu_);
  DA_RETURN_IF_ERROR(Step(db_.get(), begin_.get(), "history: begin"));
  Status status = Status::Ok();
  for (auto& item : items) {
    if (item.created_at.empty()) item.created_at = NowIsoUtc();
    status = AddLocked(item);
    if (!status.ok()) break;
  }
  if (status.ok()) status = Step(db_.get(), commit_.get(), "history: commit");
  if (!status.ok()) {
    (void)Step(db_.get(), rollback_.get(), "history: rollback");
    counts_.clear();  // read again: the rollback undid what AddLocked counted
  }
  return status;
}

Status HistoryStore::AddLocked(HistoryItem& item) {
  {
    StmtUse use(insert_.get());
    sqlite3_stmt* st = use.get();
    sqlite3_bind_int64(st, 1, item.key_id);
    BindText(st, 2, item.dataset);
    BindText(st, 3, item.question);
    sqlite3_bind_int(st, 4, item.answered ? 1 : 0);
    BindText(st, 5, item.sql);
    BindText(st, 6, item.restatement);
    BindText(st, 7, item.source);
    sqlite3_bind_int64(st, 8, item.answer_id);
    sqlite3_bind_int64(st, 9, item.row_count);
    BindText(st, 10, item.message);
    BindText(st, 11, item.created_at);
    if (sqlite3_step(st) != SQLITE_DONE) return SqliteError(db_.get(), "history: add");
    item.id = sqlite3_last_insert_rowid(db_.get());
  }
  DA_ASSIGN_OR_RETURN(int64_t count, CountLocked(item.key_id));
  if (count <= static_cast<int64_t>(kKeptPerKey + kPruneSlack)) return Status::Ok();
  StmtUse use(prune_.get());
  sqlite3_bind_int64(use.get(), 1, item.key_id);
  if (sqlite3_step(use.get()) != SQLITE_DONE) return SqliteError(db_.get(), "history: prune");
  counts_[item.key_id] = static_cast<int64_t>(kKeptPerKey);
  return Status::Ok();
}

// The key's items including the one just inserted: counted the first time, then kept up to date.
Result<int64_t> HistoryStore::CountLocked(int64_t key_id) {
  auto it = counts_.find(key_id);
  if (it != counts_.end()) return ++it->second;
  StmtUse use(count_.get());
  sqlite3_bind_int64(use.get(), 1, key_id);
  if (sqlite3_step(use.get()) != SQLITE_ROW) return SqliteError(db_.get(), "history: count");
  const int64_t count = sqlite3_column_int64(use.get(), 0);
  counts_[key_id] = count;
  return count;
}

Result<std::vector<HistoryItem>> HistoryStore::List(int64_t key_id, std::string_view dataset, size_t limit) const {
  std::lock_guard lock(mu_);
  StmtUse use(dataset.empty() ? list_all_.get() : list_dataset_.get());
  sqlite3_stmt* st = use.get();
  sqlite3_bind_int64(st, 1, key_id);
  sqlite3_bind_int64(st, 2, static_cast<int64_t>(std::min(limit, kMaxListed)));
  if (!dataset.empty()) BindText(st, 3, dataset);
  std::vector<HistoryItem> items;
  int rc;
  while ((rc = sqlite3_step(st)) == SQLITE_ROW) items.push_back(ReadItem(st));
  if (rc != SQLITE_DONE) return SqliteError(db_.get(), "history: list");
  return items;
}

Status HistoryStore::ForgetDataset(std::string_view dataset) {
  std::lock_guard lock(mu_);
  DA_ASSIGN_OR_RETURN(SqliteStmt st, PrepareSql(db_.get(), "DELETE FROM history WHERE dataset = ?1"));
  BindText(st.get(), 1, dataset);
  if (sqlite3_step(st.get()) != SQLITE_DONE) return SqliteError(db_.get(), "history: forget dataset");
  counts_.clear();  // keys lost items: count them again when next added to
  return Status::Ok();
}

}  // namespace da::server
