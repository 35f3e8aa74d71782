#include "guard/sql_guard.h"

#include <cstdio>
#include <system_error>
#include <vector>

#include "common/strings.h"
#include "guard/sql_policy.h"
#include "guard/sql_text.h"

namespace da {

namespace {

// Caps applied to every guarded connection (see sqlite3_limit).
constexpr int kMaxExpressionDepth = 200;     // default 1000; generated SQL never nests deeper
constexpr int kMaxValueBytes = 64 << 20;     // longest string/blob a query may build
constexpr int kProgressInterval = 1000;      // VM steps between deadline/cancel checks

// file: URI for `path` with every byte outside the unreserved set percent-encoded, so '?',
// '#' and '%' in a file name cannot smuggle URI parameters in.
std::string ReadOnlyUri(const std::filesystem::path& path) {
  static const char kHex[] = "0123456789ABCDEF";
  std::string uri = "file:";
  for (unsigned char c : path.string()) {
    bool plain = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
                 c == '/' || c == '.' || c == '-' || c == '_' || c == '~';
    if (plain) {
      uri += static_cast<char>(c);
    } else {
      uri += '%';
      uri += kHex[c >> 4];
      uri += kHex[c & 15];
    }
  }
  return uri + "?mode=ro";
}

std::string Seconds(std::chrono::milliseconds ms) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%g", static_cast<double>(ms.count()) / 1000.0);
  return buf;
}

Status DbConfig(sqlite3* db, int op, int value, const char* what) {
  int rc = sqlite3_db_config(db, op, value, static_cast<int*>(nullptr));
  if (rc != SQLITE_OK) return Status::Internal(std::string("cannot configure SQLite: ") + what);
  return Status::Ok();
}

// Every setting that makes the connection read-only and inert, applied before the authorizer
// is installed (PRAGMA itself is denied afterwards).
Status Harden(sqlite3* db) {
  DA_RETURN_IF_ERROR(DbConfig(db, SQLITE_DBCONFIG_ENABLE_LOAD_EXTENSION, 0, "load_extension"));
  DA_RETURN_IF_ERROR(DbConfig(db, SQLITE_DBCONFIG_DEFENSIVE, 1, "defensive"));
  DA_RETURN_IF_ERROR(DbConfig(db, SQLITE_DBCONFIG_TRUSTED_SCHEMA, 0, "trusted_schema"));
  DA_RETURN_IF_ERROR(DbConfig(db, SQLITE_DBCONFIG_WRITABLE_SCHEMA, 0, "writable_schema"));
  DA_RETURN_IF_ERROR(DbConfig(db, SQLITE_DBCONFIG_ENABLE_FTS3_TOKENIZER, 0, "fts3_tokenizer"));
  DA_RETURN_IF_ERROR(DbConfig(db, SQLITE_DBCONFIG_ENABLE_TRIGGER, 0, "triggers"));
  sqlite3_limit(db, SQLITE_LIMIT_ATTACHED, 0);
  sqlite3_limit(db, SQLITE_LIMIT_SQL_LENGTH, static_cast<int>(GuardedConnection::kMaxSqlBytes));
  sqlite3_limit(db, SQLITE_LIMIT_EXPR_DEPTH, kMaxExpressionDepth);
  sqlite3_limit(db, SQLITE_LIMIT_LENGTH, kMaxValueBytes);
  return ExecSql(db, "PRAGMA query_only = 1");
}

// Lower-case names of the tables and views stored in the file. Reading the schema also proves
// the file is a SQLite database (sqlite3_open_v2 is lazy).
Result<std::set<std::string>> DatasetTables(sqlite3* db, const std::filesystem::path& path) {
  sqlite3_stmt* raw = nullptr;
  int rc = sqlite3_prepare_v2(
      db, "SELECT lower(name) FROM sqlite_schema WHERE type IN ('table', 'view')", -1, &raw,
      nullptr);
  SqliteStmt st(raw);
  std::set<std::string> names;
  if (rc == SQLITE_OK) {
    while ((rc = sqlite3_step(st.get())) == SQLITE_ROW) {
      names.insert(reinterpret_cast<const char*>(sqlite3_column_text(st.get(), 0)));
    }
  }
  if (rc != SQLITE_DONE) {
    return Status::InvalidArgument(path.string() + " is not a readable SQLite database (" +
                                   sqlite3_errmsg(db) + ")");
  }
  return names;
}

// Eponymous virtual tables (json_each, dbstat, pragma_table_info, ...) declare themselves on first
// use through an internal statement the authorizer would see as an UPDATE of sqlite_schema.
// Touching each module once before the authorizer exists keeps that UPDATE denied for
// everything else, and lets the READ rules decide (and explain) which of them a query may use.
void WarmUpTableFunctions(sqlite3* db) {
  std::vector<std::string> modules = {"json_each", "json_tree"};
  sqlite3_stmt* raw = nullptr;
  if (sqlite3_prepare_v2(db, "SELECT name FROM pragma_module_list", -1, &raw, nullptr) ==
      SQLITE_OK) {
    while (sqlite3_step(raw) == SQLITE_ROW) {
      modules.emplace_back(reinterpret_cast<const char*>(sqlite3_column_text(raw, 0)));
    }
  }
  sqlite3_finalize(raw);
  raw = nullptr;
  if (sqlite3_prepare_v2(db, "SELECT 'pragma_' || name FROM pragma_pragma_list", -1, &raw,
                         nullptr) == SQLITE_OK) {
    while (sqlite3_step(raw) == SQLITE_ROW) {
      modules.emplace_back(reinterpret_cast<const char*>(sqlite3_column_text(raw, 0)));
    }
  }
  sqlite3_finalize(raw);
  for (const std::string& module : modules) {
    raw = nullptr;
    std::string sql = "SELECT * FROM " + QuoteIdentifier(module);
    sqlite3_prepare_v2(db, sql.c_str(), -1, &raw, nullptr);  // most are not eponymous: fine
    sqlite3_finalize(raw);
  }
}

// "no such function: writefile" -> "writefile"; empty when `message` is about something else.
std::string MissingFunctionName(const std::string& message) {
  static const std::string kPrefix = "no such function: ";
  if (message.compare(0, kPrefix.size(), kPrefix) != 0) return "";
  return ToLower(message.substr(kPrefix.size()));
}

}  // namespace

// SQLite's C callbacks, with access to the connection's private state.
struct GuardCallbacks {
  static int Authorize(void* self, int action, const char* arg1, const char* arg2,
                       const char* database, const char* inner) {
    auto* conn = static_cast<GuardedConnection*>(self);
    AuthRequest request{action, arg1, arg2, database, inner};
    AuthDecision decision = da::Authorize(request, conn->visibility_);
    if (decision.code != SQLITE_OK && conn->denied_reason_.empty()) {
      conn->denied_reason_ = std::move(decision.reason);
    }
    return decision.code;
  }

  static int Progress(void* self) {
    auto* conn = static_cast<GuardedConnection*>(self);
    if (conn->cancel_.load(std::memory_order_relaxed)) return 1;
    return std::chrono::steady_clock::now() >= conn->deadline_ ? 1 : 0;
  }
};

Result<std::unique_ptr<GuardedConnection>> GuardedConnection::Open(
    const std::filesystem::path& db_path, std::set<std::string> hidden_tables) {
  std::error_code ec;
  if (!std::filesystem::is_regular_file(db_path, ec)) {
    return Status::NotFound("database file not found: " + db_path.string());
  }
  std::filesystem::path absolute = std::filesystem::absolute(db_path, ec);
  if (ec) absolute = db_path;

  sqlite3* raw = nullptr;
  int rc = sqlite3_open_v2(ReadOnlyUri(absolute).c_str(), &raw,
                           SQLITE_OPEN_READONLY | SQLITE_OPEN_URI | SQLITE_OPEN_NOMUTEX, nullptr);
  SqliteDb db(raw);
  if (rc != SQLITE_OK) {
    return Status::IoError("cannot open " + db_path.string() + ": " +
                           (raw ? sqlite3_errmsg(raw) : sqlite3_errstr(rc)));
  }
  sqlite3_extended_result_codes(raw, 1);
  DA_RETURN_IF_ERROR(Harden(raw));
  DA_ASSIGN_OR_RETURN(std::set<std::string> tables, DatasetTables(raw, db_path));
  WarmUpTableFunctions(raw);

  std::unique_ptr<GuardedConnection> conn(new GuardedConnection());
  conn->db_ = std::move(db);
  conn->visibility_.dataset_tables = std::move(tables);
  for (const std::string& name : hidden_tables) conn->visibility_.hidden_tables.insert(ToLower(name));
  sqlite3_progress_handler(raw, kProgressInterval, &GuardCallbacks::Progress, conn.get());
  sqlite3_set_authorizer(raw, &GuardCallbacks::Authorize, conn.get());
  return conn;
}

void GuardedConnection::Interrupt() {
  cancel_.store(true);
  sqlite3_interrupt(db_.get());
}

Result<SqliteStmt> GuardedConnection::PrepareGuarded(std::string_view sql) {
  if (size_t nul = sql.find('\0'); nul != std::string_view::npos) {
    return Status::InvalidArgument("SQL text contains a NUL byte at position " +
                                   std::to_string(nul + 1));
  }
  if (sql.size() > kMaxSqlBytes) {
    return Status::InvalidArgument("SQL text is " + std::to_string(sql.size()) +
                                   " bytes; the limit is " + std::to_string(kMaxSqlBytes));
  }
  size_t begin = SkipInsignificant(sql, 0, /*skip_semicolons=*/true);
  if (begin == sql.size()) return Status::InvalidArgument("no SQL statement given");
  // Refuse by keyword first, so "DROP TABLE nosuch" says DROP is not allowed rather than
  // that the table does not exist.
  if (std::string reason = DescribeNonQuery(sql, begin); !reason.empty()) {
    return Status::Refused(std::move(reason));
  }

  denied_reason_.clear();
  sqlite3_stmt* raw = nullptr;
  const char* tail = nullptr;
  int rc = sqlite3_prepare_v2(db_.get(), sql.data() + begin, static_cast<int>(sql.size() - begin),
                              &raw, &tail);
  SqliteStmt st(raw);
  if (rc != SQLITE_OK) {
    if (!denied_reason_.empty()) return Status::Refused(denied_reason_);
    std::string message = sqlite3_errmsg(db_.get());
    if (std::string fn = MissingFunctionName(message); IsForbiddenFunction(fn)) {
      return Status::Refused("function " + fn + " is not allowed");
    }
    if ((rc & 0xff) == SQLITE_AUTH) return Status::Refused("statement is not allowed: " + message);
    return Status::InvalidArgument("SQL error: " + message);
  }
  if (!st) return Status::InvalidArgument("no SQL statement given");

  size_t rest = tail ? static_cast<size_t>(tail - sql.data()) : sql.size();
  size_t extra = SkipInsignificant(sql, rest, /*skip_semicolons=*/true);
  if (extra < sql.size()) {
    return Status::Refused("exactly one statement is allowed; found more at position " +
                           std::to_string(extra + 1));
  }
  if (!sqlite3_stmt_readonly(st.get())) {
    return Status::Refused("only read-only queries can run here: the statement would write");
  }
  return st;
}

Status GuardedConnection::Validate(std::string_view sql) {
  DA_ASSIGN_OR_RETURN(SqliteStmt st, PrepareGuarded(sql));
  return Status::Ok();
}

Status GuardedConnection::StepError(int rc, const GuardLimits& limits) {
  std::string message = sqlite3_errmsg(db_.get());
  switch (rc & 0xff) {
    case SQLITE_INTERRUPT:
      // Only Interrupt() and the progress handler interrupt this connection.
      if (!cancel_.load() && std::chrono::steady_clock::now() >= deadline_) {
        return Status::Timeout("query interrupted after " + Seconds(limits.timeout) +
                               " s (time limit)");
      }
      return Status::Cancelled("query cancelled");
    case SQLITE_AUTH:
      return Status::Refused(denied_reason_.empty() ? "statement is not allowed: " + message
                                                    : denied_reason_);
    case SQLITE_READONLY:
      return Status::Refused("only read-only queries can run here: the statement tried to write");
    case SQLITE_IOERR:
    case SQLITE_CANTOPEN:
    case SQLITE_BUSY:
    case SQLITE_LOCKED:
    case SQLITE_NOMEM:
      return Status::IoError("cannot read the database: " + message);
    case SQLITE_CORRUPT:
    case SQLITE_NOTADB:
      return Status::Corruption("the database file is damaged: " + message);
    default:
      return Status::InvalidArgument("SQL error: " + message);
  }
}

Status GuardedConnection::FetchRows(sqlite3_stmt* st, const GuardLimits& limits,
                                    QueryResult* out) {
  int ncols = sqlite3_column_count(st);
  for (int i = 0; i < ncols; ++i) {
    const char* name = sqlite3_column_name(st, i);
    out->columns.emplace_back(name ? name : "");
  }
  for (;;) {
    denied_reason_.clear();
    int rc = sqlite3_step(st);
    if (rc == SQLITE_DONE) return Status::Ok();
    if (rc != SQLITE_ROW) return StepError(rc, limits);
    if (static_cast<int64_t>(out->rows.size()) == limits.max_rows) {
      out->truncated = true;  // one more row exists; it is not materialised
      return Status::Ok();
    }
    std::vector<Value> row;
    row.reserve(static_cast<size_t>(ncols));
    for (int i = 0; i < ncols; ++i) row.push_back(ColumnValue(st, i));
    out->rows.push_back(std::move(row));
  }
}

Result<QueryResult> GuardedConnection::Execute(std::string_view sql, const GuardLimits& limits) {
  if (limits.max_rows <= 0) {
    return Status::InvalidArgument("max_rows must be positive, got " +
                                   std::to_string(limits.max_rows));
  }
  if (limits.timeout.count() <= 0) {
    return Status::InvalidArgument("timeout must be positive, got " +
                                   std::to_string(limits.timeout.count()) + " ms");
  }
  auto start = std::chrono::steady_clock::now();
  cancel_.store(false);
  deadline_ = start + limits.timeout;

  DA_ASSIGN_OR_RETURN(SqliteStmt st, PrepareGuarded(sql));
  QueryResult result;
  DA_RETURN_IF_ERROR(FetchRows(st.get(), limits, &result));
  result.elapsed_ms =
      std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - start).count();
  return result;
}

}  // namespace da
