// The guard every generated or user-written SQL statement goes through before it touches data.
//
// Defence in depth, each layer sufficient on its own for writes:
//  1. the database is opened read-only (SQLITE_OPEN_READONLY) and with query_only=1;
//  2. an authorizer allows only reading: SELECT, READ of visible tables/columns, and a list
//     of deterministic functions; it denies ATTACH/DETACH, every PRAGMA (except none),
//     any write (including to temp tables), CREATE/DROP, transactions, load_extension, and
//     reading hidden tables;
//  3. exactly one statement: trailing text other than whitespace/comments/';' is refused;
//  4. a row cap (rows beyond it are not fetched; `truncated` is set) and a wall-clock time
//     limit enforced by a progress handler that interrupts the running statement.
#pragma once

#include <atomic>
#include <chrono>
#include <filesystem>
#include <memory>
#include <set>
#include <string>
#include <string_view>

#include "common/query_result.h"
#include "common/sqlite.h"
#include "common/status.h"

namespace da {

struct GuardLimits {
  int64_t max_rows = 1000;
  std::chrono::milliseconds timeout{20000};
};

class GuardedConnection {
 public:
  // Opens `db_path` read-only. Tables in `hidden_tables` (lower-case names) cannot be read.
  static Result<std::unique_ptr<GuardedConnection>> Open(const std::filesystem::path& db_path,
                                                         std::set<std::string> hidden_tables = {});

  // Runs one read-only statement. Errors:
  //  Refused   "only SELECT statements can run here: DELETE is a write" / "ATTACH is not
  //            allowed" / "exactly one statement is allowed; found more after position 23"
  //  Timeout   "query interrupted after 20.0 s (time limit)"
  //  InvalidArgument  SQLite's own message for syntax errors and unknown tables/columns.
  Result<QueryResult> Execute(std::string_view sql, const GuardLimits& limits = GuardLimits());

  // Interrupts the statement running on another thread (cancellation); safe to call anytime.
  void Interrupt();

  sqlite3* raw() const { return db_.get(); }

 private:
  GuardedConnection() = default;
  SqliteDb db_;
  std::set<std::string> hidden_tables_;
  std::atomic<bool> cancel_{false};
  std::chrono::steady_clock::time_point deadline_;
  std::string denied_reason_;  // set by the authorizer, reported instead of "not authorized"
  friend struct GuardCallbacks;
};

}  // namespace da
