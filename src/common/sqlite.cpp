#include "common/sqlite.h"

namespace da {

Status SqliteError(sqlite3* db, std::string_view what) {
  std::string msg(what);
  msg += ": ";
  msg += db ? sqlite3_errmsg(db) : "out of memory";
  return Status::IoError(std::move(msg));
}

Result<SqliteDb> OpenSqlite(const std::filesystem::path& path, OpenMode mode) {
  sqlite3* raw = nullptr;
  int flags = SQLITE_OPEN_NOMUTEX | (mode == OpenMode::kReadOnly
                                         ? SQLITE_OPEN_READONLY
                                         : SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE);
  int rc = sqlite3_open_v2(path.c_str(), &raw, flags, nullptr);
  SqliteDb db(raw);
  if (rc != SQLITE_OK) {
    return Status::IoError("cannot open " + path.string() + ": " +
                           (raw ? sqlite3_errmsg(raw) : sqlite3_errstr(rc)));
  }
  sqlite3_extended_result_codes(raw, 1);
  if (mode == OpenMode::kReadOnly) {
    // Force SQLite to read the header now so a non-database file fails here, clearly.
    rc = sqlite3_exec(raw, "SELECT count(*) FROM sqlite_schema", nullptr, nullptr, nullptr);
    if (rc != SQLITE_OK) {
      return Status::InvalidArgument(path.string() + " is not a readable SQLite database (" +
                                     sqlite3_errmsg(raw) + ")");
    }
  }
  return db;
}

Status ExecSql(sqlite3* db, std::string_view sql) {
  std::string text(sql);
  char* err = nullptr;
  int rc = sqlite3_exec(db, text.c_str(), nullptr, nullptr, &err);
  if (rc != SQLITE_OK) {
    std::string msg = err ? err : sqlite3_errstr(rc);
    sqlite3_free(err);
    return Status::IoError("SQL error: " + msg);
  }
  return Status::Ok();
}

Result<SqliteStmt> PrepareSql(sqlite3* db, std::string_view sql) {
  sqlite3_stmt* st = nullptr;
  int rc = sqlite3_prepare_v2(db, sql.data(), static_cast<int>(sql.size()), &st, nullptr);
  if (rc != SQLITE_OK) return SqliteError(db, "SQL error");
  return SqliteStmt(st);
}

Value ColumnValue(sqlite3_stmt* st, int i) {
  switch (sqlite3_column_type(st, i)) {
    case SQLITE_NULL: return std::monostate{};
    case SQLITE_INTEGER: return static_cast<int64_t>(sqlite3_column_int64(st, i));
    case SQLITE_FLOAT: return sqlite3_column_double(st, i);
    case SQLITE_BLOB: return "<blob " + std::to_string(sqlite3_column_bytes(st, i)) + " bytes>";
    default: {
      auto* p = reinterpret_cast<const char*>(sqlite3_column_text(st, i));
      return std::string(p ? p : "", static_cast<size_t>(sqlite3_column_bytes(st, i)));
    }
  }
}

int BindValue(sqlite3_stmt* st, int i, const Value& v) {
  if (std::holds_alternative<std::monostate>(v)) return sqlite3_bind_null(st, i);
  if (auto* n = std::get_if<int64_t>(&v)) return sqlite3_bind_int64(st, i, *n);
  if (auto* d = std::get_if<double>(&v)) return sqlite3_bind_double(st, i, *d);
  const auto& s = std::get<std::string>(v);
  return sqlite3_bind_text(st, i, s.data(), static_cast<int>(s.size()), SQLITE_TRANSIENT);
}

}  // namespace da
