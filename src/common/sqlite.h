// Thin RAII wrappers over the SQLite C API, so no module hand-rolls sqlite3_close/finalize.
#pragma once

#include <sqlite3.h>

#include <filesystem>
#include <memory>
#include <string>
#include <string_view>

#include "common/status.h"
#include "common/value.h"

namespace da {

struct SqliteCloser {
  void operator()(sqlite3* db) const { sqlite3_close_v2(db); }
};
struct SqliteFinalizer {
  void operator()(sqlite3_stmt* st) const { sqlite3_finalize(st); }
};
using SqliteDb = std::unique_ptr<sqlite3, SqliteCloser>;
using SqliteStmt = std::unique_ptr<sqlite3_stmt, SqliteFinalizer>;

enum class OpenMode { kReadOnly, kReadWriteCreate };

// Opens a database file. Read-only opens fail if the file is missing or not a SQLite database
// (checked by reading its schema, since sqlite3_open_v2 is lazy).
Result<SqliteDb> OpenSqlite(const std::filesystem::path& path, OpenMode mode);

// Runs one or more statements that return no rows (DDL, PRAGMA, BEGIN/COMMIT).
Status ExecSql(sqlite3* db, std::string_view sql);

Result<SqliteStmt> PrepareSql(sqlite3* db, std::string_view sql);

// A statement kept prepared for the life of its store, in use: reset (and its bindings cleared)
// when the use ends, whatever path the caller leaves by, so it is ready for the next use.
class StmtUse {
 public:
  explicit StmtUse(sqlite3_stmt* st) : st_(st) {}
  StmtUse(StmtUse&& o) noexcept : st_(o.st_) { o.st_ = nullptr; }
  StmtUse& operator=(StmtUse&&) = delete;
  StmtUse(const StmtUse&) = delete;
  StmtUse& operator=(const StmtUse&) = delete;
  ~StmtUse() {
    if (st_ == nullptr) return;
    sqlite3_reset(st_);
    sqlite3_clear_bindings(st_);
  }
  sqlite3_stmt* get() const { return st_; }

 private:
  sqlite3_stmt* st_;
};

// Reads column `i` of the current row of `st` as a Value (BLOBs become "<blob N bytes>").
Value ColumnValue(sqlite3_stmt* st, int i);

// Binds `v` to 1-based parameter `i`.
int BindValue(sqlite3_stmt* st, int i, const Value& v);

// "SQL error: <sqlite message>" with the database's current error text.
Status SqliteError(sqlite3* db, std::string_view what);

}  // namespace da
