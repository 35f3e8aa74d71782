#include "guard/postgres_guard.h"

#include <poll.h>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <limits>
#include <mutex>

#include "guard/postgres_policy.h"

namespace da {

namespace {

using Clock = std::chrono::steady_clock;
using std::chrono::milliseconds;

// After the time limit the server's statement_timeout should have answered; past this grace the
// client cancels the query itself, and past kAbandonAfter more it gives up on the connection.
constexpr milliseconds kCancelGrace{1000};
constexpr milliseconds kAbandonAfter{3000};
constexpr milliseconds kPollSlice{200};  // how often a wait looks at the clock and Interrupt()
// An idle-in-transaction session outlives the limit by this much before the server ends it.
constexpr milliseconds kIdleInTransactionSlack{10000};

// Type OIDs (pg_type.h) of the columns mapped to numbers.
enum : Oid {
  kBool = 16, kInt8 = 20, kInt2 = 21, kInt4 = 23, kOid = 26, kFloat4 = 700, kFloat8 = 701, kNumeric = 1700
};

const char kReadOnly[] = "only read-only queries can run here: ";

std::string Seconds(milliseconds ms) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%g", static_cast<double>(ms.count()) / 1000.0);
  return buf;
}

Value CellValue(const PGresult* r, int row, int col, Oid type) {
  if (PQgetisnull(r, row, col)) return std::monostate{};
  const char* text = PQgetvalue(r, row, col);
  switch (type) {
    case kInt2: case kInt4: case kInt8: case kOid:
      return static_cast<int64_t>(std::strtoll(text, nullptr, 10));
    case kFloat4: case kFloat8:
      return std::strtod(text, nullptr);
    case kNumeric: {
      const double d = std::strtod(text, nullptr);
      if (std::isfinite(d)) return d;
      return PgStr(r, row, col);  // NaN, ±Infinity, or beyond a double's range: kept exact
    }
    case kBool:
      return static_cast<int64_t>(text[0] == 't' ? 1 : 0);
    default:  // text, dates and times (ISO: DateStyle is set per connection), everything else
      return PgStr(r, row, col);
  }
}

QueryResult ToQueryResult(const PGresult* r, int64_t max_rows) {
  QueryResult out;
  const int ncols = PQnfields(r);
  std::vector<Oid> types;
  for (int c = 0; c < ncols; ++c) {
    out.columns.emplace_back(PQfname(r, c));
    types.push_back(PQftype(r, c));
  }
  const int64_t nrows = PQntuples(r);
  out.truncated = nrows > max_rows;
  const int keep = static_cast<int>(std::min(nrows, max_rows));
  out.rows.reserve(static_cast<size_t>(keep));
  for (int row = 0; row < keep; ++row) {
    std::vector<Value> values;
    values.reserve(static_cast<size_t>(ncols));
    for (int c = 0; c < ncols; ++c) values.push_back(CellValue(r, row, c, types[static_cast<size_t>(c)]));
    out.rows.push_back(std::move(values));
  }
  return out;
}

bool Succeeded(const PGresult* r) {
  const ExecStatusType s = PQresultStatus(r);
  return s == PGRES_COMMAND_OK || s == PGRES_TUPLES_OK;
}

// SQLSTATEs after which the connection is gone: connection exceptions (08), the server shutting
// down or crashing (57P01..57P03), an idle-in-transaction timeout (25P03).
bool IsConnectionLoss(const std::string& state) {
  return state.rfind("08", 0) == 0 || state == "57P01" || state == "57P02" || state == "57P03" ||
         state == "25P03";
}

class PostgresConnection final : public QueryConnection {
 public:
  PostgresConnection(const PostgresQueryTarget& target, std::shared_ptr<PgPool> pool)
      : redshift_(target.redshift), pool_(std::move(pool)) {
    policy_.schema = target.schema;
    policy_.hidden_tables = target.hidden_tables;
  }
  ~PostgresConnection() override {
    std::lock_guard<std::mutex> lock(cancel_mu_);
    if (running_) PQfreeCancel(running_);
  }

  Result<QueryResult> Execute(std::string_view sql, const GuardLimits& limits) override {
    const auto start = Clock::now();
    DA_RETURN_IF_ERROR(CheckLimits(limits));
    ForgetInterrupt();
    DA_ASSIGN_OR_RETURN(std::string statement, CheckPostgresQuery(sql, policy_));
    DA_ASSIGN_OR_RETURN(QueryResult result, Run(statement, limits, start, /*explain=*/false));
    result.elapsed_ms = std::chrono::duration<double, std::milli>(Clock::now() - start).count();
    return result;
  }

  Status Validate(std::string_view sql) override {
    const auto start = Clock::now();
    ForgetInterrupt();
    DA_ASSIGN_OR_RETURN(std::string statement, CheckPostgresQuery(sql, policy_));
    return Run(statement, GuardLimits(), start, /*explain=*/true).status();
  }

  void Interrupt() override {
    std::lock_guard<std::mutex> lock(cancel_mu_);
    interrupted_ = true;
    if (running_) {
      char error[256];
      PQcancel(running_, error, sizeof error);  // best effort: the client deadline still holds
    }
  }

  PgPoolStats Stats() const { return pool_->Stats(); }

 private:
  // One statement's outcome on the wire.
  struct Wire {
    PgResult result;         // the last result, or the first error
    bool lost = false;       // the connection broke (or was abandoned): discard it
    std::string why;         // libpq's message when lost
    bool abandoned = false;  // no answer even to a cancel request: given up at the deadline
  };

  static Status CheckLimits(const GuardLimits& limits) {
    if (limits.max_rows <= 0) {
      return Status::InvalidArgument("max_rows must be positive, got " + std::to_string(limits.max_rows));
    }
    if (limits.timeout.count() <= 0) {
      return Status::InvalidArgument("timeout must be positive, got " + std::to_string(limits.timeout.count()) +
                                     " ms");
    }
    return Status::Ok();
  }

  void ForgetInterrupt() {
    std::lock_guard<std::mutex> lock(cancel_mu_);
    interrupted_ = false;
  }
  bool interrupted() {
    std::lock_guard<std::mutex> lock(cancel_mu_);
    return interrupted_;
  }
  // Makes Interrupt() reach the query on `conn` (nullptr: nothing runs). False when an
  // Interrupt() already came: the caller stops before sending anything.
  bool SetRunning(PGconn* conn) {
    std::lock_guard<std::mutex> lock(cancel_mu_);
    if (running_) PQfreeCancel(running_);
    running_ = conn ? PQgetCancel(conn) : nullptr;
    return !interrupted_;
  }

  // Sends `sql` (simple protocol when `simple`: only for our own constant statements; the
  // user's statement always goes through the extended protocol, which runs one statement) and
  // waits for every result, honouring the client deadline and Interrupt().
  Wire Send(PGconn* conn, const std::string& sql, bool simple, Clock::time_point cancel_at) {
    Wire w;
    const int sent = simple ? PQsendQuery(conn, sql.c_str())
                            : PQsendQueryParams(conn, sql.c_str(), 0, nullptr, nullptr, nullptr, nullptr, 0);
    if (!sent) return {nullptr, true, PQerrorMessage(conn)};
    bool cancel_sent = false;
    Clock::time_point abandon_at = Clock::time_point::max();
    for (;;) {
      while (!PQisBusy(conn)) {
        PGresult* r = PQgetResult(conn);
        if (!r) {
          if (PQstatus(conn) == CONNECTION_BAD) return {std::move(w.result), true, PQerrorMessage(conn)};
          return w;
        }
        // Keep the first failure (later results of a failed simple-protocol batch are skipped).
        if (!w.result || Succeeded(w.result.get())) w.result.reset(r); else PQclear(r);
      }
      const auto now = Clock::now();
      if (!cancel_sent && (now >= cancel_at || interrupted())) {
        char error[256];
        if (PGcancel* cancel = PQgetCancel(conn)) {
          PQcancel(cancel, error, sizeof error);
          PQfreeCancel(cancel);
        }
        cancel_sent = true;
      }
      if (abandon_at == Clock::time_point::max() && (cancel_sent || interrupted())) abandon_at = now + kAbandonAfter;
      if (now >= abandon_at) return {nullptr, true, "the server did not answer the cancel request", true};
      const auto next_event = cancel_sent ? abandon_at : cancel_at;
      const auto wait = std::min(std::chrono::duration_cast<milliseconds>(next_event - now), kPollSlice);
      pollfd p{PQsocket(conn), POLLIN, 0};
      ::poll(&p, 1, static_cast<int>(std::max<int64_t>(1, wait.count())));
      if (!PQconsumeInput(conn)) return {nullptr, true, PQerrorMessage(conn)};
    }
  }

  Status Lost(const PgClient& client, const std::string& why) const {
    std::string message = client.description() + ": the connection to the database was lost during the query";
    if (std::string clean = client.CleanMessage(why.c_str()); !clean.empty()) message += " (" + clean + ")";
    return Status::IoError(message);
  }

  // The error a failed statement stands for.
  Status Failure(const PgClient& client, const Wire& w, const GuardLimits& limits) {
    const PGresult* r = w.result.get();
    const std::string state = PgSqlState(r);
    const char* primary = r ? PQresultErrorField(r, PG_DIAG_MESSAGE_PRIMARY) : nullptr;
    const std::string message = client.CleanMessage(primary ? primary : r ? PQresultErrorMessage(r) : w.why.c_str());
    if (state == "57014" || state == "55P03" || w.abandoned || (w.lost && interrupted())) {
      if (interrupted()) return Status::Cancelled("query cancelled");
      return Status::Timeout("query interrupted after " + Seconds(limits.timeout) + " s (time limit)");
    }
    if (w.lost || IsConnectionLoss(state)) return Lost(client, message);
    if (state.empty()) return Status::IoError(client.description() + ": " + message);  // a client-side failure
    if (state == "25006") return Status::Refused(kReadOnly + message + " (the database refused a write)");
    if (state == "42501") return Status::Refused("the database refused access: " + message);
    return Status::InvalidArgument("SQL error: " + message);
  }

  // Leases a connection and opens the guarded transaction on it. A connection that turns out
  // broken here is replaced once: nothing of the query has been sent yet.
  Result<PgPool::Lease> Begin(const GuardLimits& limits, Clock::time_point start) {
    const auto deadline = start + limits.timeout;
    for (int attempt = 0;; ++attempt) {
      auto leased = pool_->Acquire(deadline);
      if (leased.status().code() == Status::Code::kTimeout) {
        return Status::Timeout("query interrupted after " + Seconds(limits.timeout) + " s (time limit): " +
                               leased.status().message());
      }
      DA_ASSIGN_OR_RETURN(PgPool::Lease lease, std::move(leased));
      const auto remaining = std::max<int64_t>(
          1, std::chrono::duration_cast<milliseconds>(deadline - Clock::now()).count());
      std::string setup = redshift_ ? "BEGIN TRANSACTION READ ONLY"
                                    : "BEGIN TRANSACTION ISOLATION LEVEL REPEATABLE READ READ ONLY";
      setup += "; SET LOCAL statement_timeout = " + std::to_string(remaining);
      if (!redshift_) {
        setup += "; SET LOCAL lock_timeout = " + std::to_string(remaining) +
                 "; SET LOCAL idle_in_transaction_session_timeout = " +
                 std::to_string(remaining + kIdleInTransactionSlack.count());
      }
      Wire w = Send(lease.client().raw(), setup, /*simple=*/true, deadline + kCancelGrace);
      if (!w.lost && w.result && Succeeded(w.result.get())) return lease;
      lease.Discard();
      // Only a connection found broken is worth another try, and only while time remains.
      const bool retry = attempt == 0 && w.lost && !w.abandoned && Clock::now() < deadline && !interrupted();
      if (!retry) return Failure(lease.client(), w, limits);
    }
  }

  void Finish(PgPool::Lease& lease) {
    SetRunning(nullptr);
    PGconn* conn = lease.client().raw();
    if (PQstatus(conn) != CONNECTION_OK || PQtransactionStatus(conn) == PQTRANS_ACTIVE) {
      lease.Discard();
      return;
    }
    Wire w = Send(conn, "ROLLBACK", /*simple=*/true, Clock::now() + kAbandonAfter);
    if (w.lost || !w.result || !Succeeded(w.result.get())) lease.Discard();
  }

  Result<QueryResult> Run(const std::string& statement, const GuardLimits& limits, Clock::time_point start,
                          bool explain) {
    DA_ASSIGN_OR_RETURN(PgPool::Lease lease, Begin(limits, start));
    PGconn* conn = lease.client().raw();
    if (!SetRunning(conn)) {
      Finish(lease);
      return Status::Cancelled("query cancelled");
    }
    const auto cancel_at = start + limits.timeout + kCancelGrace;
    std::vector<std::string> steps;
    if (explain) {
      steps.push_back((redshift_ ? "EXPLAIN " : "EXPLAIN (COSTS OFF) ") + statement);
    } else {
      steps.push_back((redshift_ ? "DECLARE c CURSOR FOR " : "DECLARE c NO SCROLL CURSOR FOR ") + statement);
      // One row past the cap says `truncated`; libpq counts rows in an int.
      const int64_t fetch = std::min<int64_t>(limits.max_rows, std::numeric_limits<int>::max() - 1) + 1;
      steps.push_back("FETCH FORWARD " + std::to_string(fetch) + " FROM c");
    }
    Result<QueryResult> out = Status::Internal("no statement ran");
    for (const std::string& sql : steps) {
      if (interrupted()) {
        out = Status::Cancelled("query cancelled");
        break;
      }
      Wire w = Send(conn, sql, /*simple=*/false, cancel_at);
      if (w.lost || !w.result || !Succeeded(w.result.get())) {
        // A failure without SQLSTATE is libpq's own (out of memory...): the connection's state is unknown.
        if (w.lost || PgSqlState(w.result.get()).empty()) lease.Discard();
        out = Failure(lease.client(), w, limits);
        break;
      }
      out = ToQueryResult(w.result.get(), limits.max_rows);
    }
    Finish(lease);
    return out;
  }

  PgReadPolicy policy_;
  const bool redshift_;
  std::shared_ptr<PgPool> pool_;
  std::mutex cancel_mu_;
  PGcancel* running_ = nullptr;  // the running query's cancel handle, for Interrupt()
  bool interrupted_ = false;
};

}  // namespace

Result<std::unique_ptr<QueryConnection>> OpenPostgresConnection(const PostgresQueryTarget& target) {
  DA_RETURN_IF_ERROR(target.login.Describe().status());
  if (target.schema.empty()) return Status::InvalidArgument("the dataset's PostgreSQL schema is empty");
  if (target.pool_size < 1) {
    return Status::InvalidArgument("pool_size must be at least 1, got " + std::to_string(target.pool_size));
  }
  PgPoolOptions options;
  options.login = target.login;
  options.schema = target.schema;
  options.redshift = target.redshift;
  options.size = target.pool_size;
  return std::unique_ptr<QueryConnection>(new PostgresConnection(target, PgPool::Shared(options)));
}

PgPoolStats PostgresPoolStats(const QueryConnection& connection) {
  const auto* pg = dynamic_cast<const PostgresConnection*>(&connection);
  return pg ? pg->Stats() : PgPoolStats{};
}

}  // namespace da
