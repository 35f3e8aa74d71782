#include "server/server_db.h"

#include <system_error>

namespace da::server {

namespace {

Status CheckVersion(sqlite3* db, const std::string& version_key, int version) {
  DA_ASSIGN_OR_RETURN(SqliteStmt st, PrepareSql(db, "SELECT value FROM meta WHERE key = ?1"));
  BindText(st.get(), 1, version_key);
  const int rc = sqlite3_step(st.get());
  if (rc == SQLITE_ROW) {
    const int stored = std::atoi(ColumnText(st.get(), 0).c_str());
    if (stored > version) {
      return Status::Unsupported("written by a newer DataAnalyst (" + version_key + " " + std::to_string(stored) +
                                 ", this one reads up to " + std::to_string(version) + ")");
    }
    return Status::Ok();
  }
  if (rc != SQLITE_DONE) return SqliteError(db, "server.db: read schema version");
  return ExecSql(db, "INSERT INTO meta(key, value) VALUES ('" + version_key + "', '" + std::to_string(version) + "')");
}

Status CreateSchema(sqlite3* db, std::string_view schema, const std::string& version_key, int version) {
  DA_RETURN_IF_ERROR(ExecSql(db, "BEGIN IMMEDIATE"));
  Status status = ExecSql(db, "CREATE TABLE IF NOT EXISTS meta(key TEXT PRIMARY KEY, value TEXT NOT NULL)");
  if (status.ok()) status = ExecSql(db, schema);
  if (status.ok()) status = CheckVersion(db, version_key, version);
  if (status.ok()) status = ExecSql(db, "COMMIT");
  if (!status.ok()) (void)ExecSql(db, "ROLLBACK");
  return status;
}

}  // namespace

Result<SqliteDb> OpenServerDb(const std::filesystem::path& data_dir, std::string_view schema,
                              const std::string& version_key, int version) {
  std::error_code ec;
  std::filesystem::create_directories(data_dir, ec);
  if (ec) return Status::IoError("cannot create data directory " + data_dir.string() + ": " + ec.message());
  const std::filesystem::path path = data_dir / "server.db";
  const bool fresh = !std::filesystem::exists(path);
  DA_ASSIGN_OR_RETURN(SqliteDb db, OpenSqlite(path, OpenMode::kReadWriteCreate));
  sqlite3_busy_timeout(db.get(), 5000);
  Status status = ExecSql(db.get(), "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;");
  if (status.ok()) status = CreateSchema(db.get(), schema, version_key, version);
  if (!status.ok()) return status.WithContext(path.string());
  // Only digests of random secrets live here, but nobody else needs to read them either
  // (SQLite gives the -wal and -shm files the database file's permissions).
  if (fresh) {
    std::filesystem::permissions(path, std::filesystem::perms::owner_read | std::filesystem::perms::owner_write,
                                 std::filesystem::perm_options::replace, ec);
  }
  return db;
}

std::string ColumnText(sqlite3_stmt* st, int i) {
  const unsigned char* text = sqlite3_column_text(st, i);
  return text ? std::string(reinterpret_cast<const char*>(text), static_cast<size_t>(sqlite3_column_bytes(st, i)))
              : std::string();
}

void BindText(sqlite3_stmt* st, int i, std::string_view text) {
  sqlite3_bind_text(st, i, text.data(), static_cast<int>(text.size()), SQLITE_TRANSIENT);
}

}  // namespace da::server
