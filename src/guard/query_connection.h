// What every dataset's data is queried through: one guarded, read-only connection, SQLite
// (sql_guard.h) or PostgreSQL/Redshift (postgres_guard.h). Implementations promise the same
// contract, so the pipeline, the server and the CLI never ask which one they hold.
#pragma once

#include <chrono>
#include <cstdint>
#include <string_view>

#include "common/query_result.h"
#include "common/status.h"

namespace da {

struct GuardLimits {
  int64_t max_rows = 1000;                 // must be > 0
  std::chrono::milliseconds timeout{20000};  // must be > 0
};

class QueryConnection {
 public:
  // Longest SQL text accepted, in bytes.
  static constexpr size_t kMaxSqlBytes = 100'000;

  virtual ~QueryConnection() = default;

  // Runs one read-only statement: at most limits.max_rows rows are fetched (`truncated` says
  // more existed) and the statement is stopped after limits.timeout. Errors:
  //  Refused   anything that is not a single read-only query, naming what it is ("only
  //            read-only queries can run here: INSERT is a write", "function pg_read_file is
  //            not allowed", "exactly one statement is allowed; found more at position 10")
  //  Timeout   "query interrupted after 20 s (time limit)"
  //  Cancelled "query cancelled" after Interrupt()
  //  InvalidArgument  "no SQL statement given"; bad limits; "SQL error: <database's message>"
  //            for syntax errors, unknown tables/columns and run-time errors.
  //  IoError   the data could not be reached (file unreadable, server down, connection lost
  //            mid-query); the message says which and never holds a password.
  // The connection stays usable after any error (a broken server connection is replaced).
  virtual Result<QueryResult> Execute(std::string_view sql, const GuardLimits& limits = GuardLimits()) = 0;

  // Every check Execute() makes before running `sql` (one statement, read-only, allowed tables
  // and functions, syntax and names where the database can check them without running it).
  virtual Status Validate(std::string_view sql) = 0;

  // Interrupts the statement running on another thread; safe to call anytime. A call made while
  // no statement runs is forgotten when the next Execute() starts.
  virtual void Interrupt() = 0;
};

}  // namespace da
