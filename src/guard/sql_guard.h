// The guard every generated or user-written SQL statement goes through before it touches data.
//
// Defence in depth, each layer sufficient on its own for writes:
//  1. the database is opened read-only (SQLITE_OPEN_READONLY, URI mode=ro) with query_only=1,
//     defensive mode, untrusted schema, extension loading off and ATTACH capped at 0 databases;
//  2. a statement that starts with a non-query keyword (INSERT, CREATE, PRAGMA, VACUUM, ...)
//     is refused before SQLite even parses it, with a message naming what it is;
//  3. an authorizer allows only reading: SELECT, recursive CTEs, READ of the dataset's visible
//     tables and views, and an allowlist of SQLite's built-in scalar/aggregate/window/date/
//     JSON/math functions; it denies every write (including to temp tables), CREATE/DROP/
//     ALTER, ATTACH/DETACH, every PRAGMA (and pragma_* table-valued functions), transactions,
//     load_extension, internal virtual tables (dbstat, sqlite_dbpage) and hidden tables,
//     whether read directly or through a subquery, CTE or view;
//  4. exactly one statement: text after it other than whitespace, comments and ';' is refused,
//     and sqlite3_stmt_readonly() must hold for the prepared statement;
//  5. a row cap (rows beyond it are not fetched; `truncated` is set) and a wall-clock time
//     limit enforced by a progress handler that interrupts the running statement.
//
// The schema table (sqlite_schema / sqlite_master / sqlite_temp_schema) is readable: table
// names and CREATE statements are harmless metadata the user already sees in the catalog. The
// exception is a dataset with hidden tables: there the schema table would list them, so it is
// refused ("sqlite_schema is not readable in this dataset because it would reveal hidden
// tables"). Hidden means hidden, name included.
//
// Thread safety: one thread runs Execute() at a time; Interrupt() may be called from any thread
// while the connection is alive.
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
#include "guard/query_connection.h"
#include "guard/sql_policy.h"

namespace da {

// The SQLite implementation of QueryConnection.
class GuardedConnection final : public QueryConnection {
 public:
  // Opens `db_path` read-only. Tables in `hidden_tables` (names compared case-insensitively)
  // cannot be read. Errors: NotFound (no such file), InvalidArgument (not a SQLite database),
  // IoError (SQLite could not open it).
  static Result<std::unique_ptr<GuardedConnection>> Open(const std::filesystem::path& db_path,
                                                         std::set<std::string> hidden_tables = {});

  // Runs one read-only statement. Errors:
  //  Refused   "only read-only queries can run here: INSERT is a write" / "ATTACH is not
  //            allowed" / "PRAGMA is not allowed" / "transactions are not allowed" /
  //            "creating tables is not allowed" / "function load_extension is not allowed" /
  //            "table secret is not visible in this dataset" /
  //            "exactly one statement is allowed; found more at position 10" (1-based byte
  //            offset of the extra text)
  //  Timeout   "query interrupted after 20 s (time limit)"
  //  Cancelled "query cancelled" after Interrupt()
  //  InvalidArgument  "no SQL statement given" (empty, ";" or only comments); bad limits;
  //            "SQL error: <SQLite's message>" for syntax errors, unknown tables/columns and
  //            run-time errors.
  //  IoError / Corruption  the database file could not be read.
  // The connection stays usable after any error.
  Result<QueryResult> Execute(std::string_view sql, const GuardLimits& limits = GuardLimits()) override;

  // Applies every check Execute() makes before running (one statement, read-only, allowed
  // tables and functions) without running the statement. Same errors as Execute().
  Status Validate(std::string_view sql) override;

  // Interrupts the statement running on another thread (cancellation); safe to call anytime.
  // A call made while no statement runs is forgotten when the next Execute() starts.
  void Interrupt() override;

  sqlite3* raw() const { return db_.get(); }

 private:
  GuardedConnection() = default;
  Result<SqliteStmt> PrepareGuarded(std::string_view sql);
  Status FetchRows(sqlite3_stmt* st, const GuardLimits& limits, QueryResult* out);
  Status StepError(int rc, const GuardLimits& limits);

  SqliteDb db_;
  TableVisibility visibility_;  // the file's tables and views, and which of them are hidden
  std::atomic<bool> cancel_{false};
  std::chrono::steady_clock::time_point deadline_;
  std::string denied_reason_;  // set by the authorizer, reported instead of "not authorized"
  friend struct GuardCallbacks;
};

}  // namespace da
