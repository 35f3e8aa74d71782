// A PostgreSQL client over libpq, shared by everything that talks to PostgreSQL: the memory store,
// the API keys, PostgreSQL/Redshift datasets (catalog and queries) and the eval loader.
//
// Passwords are never kept in configuration: PgLogin names where the password comes from (an
// environment variable or a secret file) and the client reads it when it connects. Every message
// a client produces names the server as "postgresql://user@host:port/db" and never contains the
// password (libpq's own messages are masked too, in case a server or a future libpq echoes it).
#pragma once

#include <libpq-fe.h>

#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "common/status.h"

namespace da {

// Where a PostgreSQL database is and how to log in.
struct PgLogin {
  std::string conninfo;       // libpq "host=... dbname=..." or "postgresql://user@host:port/db[?sslmode=...]"
  std::string password_env;   // variable holding the password; "" for none
  std::string password_file;  // file holding the password (first line); "" for none. Must not be
                              // readable by group or others (as libpq requires of ~/.pgpass)
  int connect_timeout_seconds = 10;  // per connection attempt; 0 = libpq's default (none)
  std::string application_name = "dataanalyst";

  // "postgresql://user@host:port/db" from the conninfo alone (no connection made); the password
  // never appears. InvalidArgument when the conninfo does not parse (the message does not quote it).
  Result<std::string> Describe() const;
  // Whether the conninfo itself holds a password (password=..., or user:secret@ in a URI).
  bool ConninfoHasPassword() const;
};

struct PgConnCloser {
  void operator()(PGconn* conn) const { PQfinish(conn); }
};
struct PgResultClearer {
  void operator()(PGresult* result) const { PQclear(result); }
};
using PgConn = std::unique_ptr<PGconn, PgConnCloser>;
using PgResult = std::unique_ptr<PGresult, PgResultClearer>;

// One statement parameter: text, or raw bytes (binary format, for bytea).
struct PgParam {
  std::string value;
  bool binary = false;
  bool null = false;
};
PgParam PgText(std::string_view text);
PgParam PgInt(int64_t n);
PgParam PgBytes(std::string_view bytes);
PgParam PgNull();

// Cell accessors for text-format results.
std::string PgStr(const PGresult* r, int row, int col);
int64_t PgInt64(const PGresult* r, int row, int col);
bool PgIsNull(const PGresult* r, int row, int col);
int64_t PgAffectedRows(const PGresult* r);

// A statement's SQLSTATE ("57014" query_canceled, "25006" read_only_sql_transaction, ...); "" when
// the result has none (a client-side failure such as a lost connection).
std::string PgSqlState(const PGresult* r);

// One libpq connection, used by one thread at a time. Outside a transaction, a statement that
// finds the connection broken (server restarted, connection dropped) reconnects once and runs
// again; inside one it fails (what ran before is gone).
class PgClient {
 public:
  // Errors: InvalidArgument (conninfo does not parse, password variable unset, password file
  // unreadable or readable by others), IoError "postgresql://u@h:p/db: cannot connect: <why>".
  static Result<PgClient> Connect(const PgLogin& login);

  PgClient(PgClient&&) noexcept = default;
  PgClient& operator=(PgClient&&) noexcept = default;

  // Runs one statement with parameters $1..; rows come back as text. `what` names the
  // operation in errors ("memory: insert"): IoError "<description>: <what>: <server message>".
  Result<PgResult> Exec(const std::string& sql, const std::vector<PgParam>& params, std::string_view what);
  // Exec without parameters (still the extended protocol: one statement, never several).
  Result<PgResult> Exec(const std::string& sql, std::string_view what) { return Exec(sql, {}, what); }

  Status Begin(std::string_view what, std::string_view begin_sql = "BEGIN");
  // Fails when the transaction was rolled back instead (a statement in it failed).
  Status Commit(std::string_view what);
  void Rollback();
  bool in_transaction() const { return in_transaction_; }

  // Whether the connection is usable (not broken by a restart or a dropped socket).
  bool healthy() const;
  // Reconnects a broken connection. IoError when the server cannot be reached.
  Status Reset();

  // The server named as "postgresql://user@host:port/db".
  const std::string& description() const { return description_; }
  // libpq's message (or the server's) on one line, password masked, prefixed with nothing.
  std::string CleanMessage(const char* message) const;
  // IoError "<description>: <what>: <clean message>".
  Status Error(std::string_view what, const char* message) const;
  PGconn* raw() const { return conn_.get(); }
  const std::string& password() const { return password_; }

 private:
  PgClient() = default;
  PgResult Run(const std::string& sql, const std::vector<PgParam>& params);

  PgConn conn_;
  std::string description_;
  std::string password_;  // to reconnect and to mask it in messages; never printed
  bool in_transaction_ = false;
};

}  // namespace da
