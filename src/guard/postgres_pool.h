// A pool of PostgreSQL connections for the query guard (postgres_guard.h), one per target
// (login + schema), shared by every QueryConnection of that target in the process.
//
// Contract:
//  - at most `size` connections are open at once; Acquire waits (until its deadline) when all are
//    leased, then fails with Timeout;
//  - a connection is made only when a lease needs one (a pool whose server is down costs nothing
//    until used); every new connection is prepared for guarded queries: search_path set to the
//    target schema, read-only transactions by default, ISO dates, UTC;
//  - an idle connection found broken at Acquire (the server restarted or dropped the socket: it
//    is readable while idle, or libpq says so) is closed and replaced, so callers never see a
//    restart that happened while nothing ran. A lease whose connection broke in use is
//    Discard()ed by its holder and replaced on the next Acquire;
//  - connections idle longer than `idle_timeout` are closed (checked whenever the pool is used).
//
// Thread safety: every method may be called from any thread.
#pragma once

#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "common/postgres.h"
#include "common/status.h"

namespace da {

struct PgPoolOptions {
  PgLogin login;
  std::string schema = "public";
  bool redshift = false;  // Redshift lacks default_transaction_read_only: not set there
  int size = 8;
  std::chrono::seconds idle_timeout{300};
};

struct PgPoolStats {
  int open = 0;               // connections open now (idle + leased)
  int idle = 0;               // of those, waiting in the pool
  int64_t opened_total = 0;   // connections ever made (replacements included)
  int64_t discarded_total = 0;  // connections closed because they were broken
};

class PgPool : public std::enable_shared_from_this<PgPool> {
 public:
  using Clock = std::chrono::steady_clock;

  // One connection, leased to one thread until destroyed (returned to the pool) or Discard()ed.
  class Lease {
   public:
    Lease(Lease&& other) noexcept;
    Lease& operator=(Lease&&) = delete;
    ~Lease();
    PgClient& client() { return *client_; }
    // The connection is broken or in an unknown state: close it instead of returning it.
    void Discard() { discard_ = true; }

   private:
    friend class PgPool;
    Lease(std::shared_ptr<PgPool> pool, std::unique_ptr<PgClient> client)
        : pool_(std::move(pool)), client_(std::move(client)) {}
    std::shared_ptr<PgPool> pool_;
    std::unique_ptr<PgClient> client_;
    bool discard_ = false;
  };

  // The process-wide pool for `options.login` + `options.schema` (+ redshift), made on first
  // use; it lives while any caller holds it. Its size is the first caller's.
  static std::shared_ptr<PgPool> Shared(const PgPoolOptions& options);

  // A pool of its own (tests; a caller that must not share).
  static std::shared_ptr<PgPool> Make(const PgPoolOptions& options);

  // Leases a connection, connecting when none is idle and fewer than `size` are open. Errors:
  // IoError / InvalidArgument from connecting (naming the server, never the password); Timeout
  // "all N connections to <server> are busy" when none came free before `deadline`.
  Result<Lease> Acquire(Clock::time_point deadline);

  PgPoolStats Stats() const;
  const PgPoolOptions& options() const { return options_; }
  // "postgresql://user@host:port/db" (or the reason the conninfo does not parse).
  const std::string& description() const { return description_; }

 private:
  struct Idle {
    std::unique_ptr<PgClient> client;
    Clock::time_point since;
  };

  explicit PgPool(PgPoolOptions options);
  Result<std::unique_ptr<PgClient>> Connect();
  void Release(std::unique_ptr<PgClient> client, bool discard);
  void CloseExpiredLocked(Clock::time_point now, std::vector<std::unique_ptr<PgClient>>* closing);

  const PgPoolOptions options_;
  std::string description_;
  mutable std::mutex mu_;
  std::condition_variable freed_;
  std::vector<Idle> idle_;  // most recently used last
  int open_ = 0;            // idle + leased + being connected
  int64_t opened_total_ = 0;
  int64_t discarded_total_ = 0;
};

// Whether an idle connection is still usable: libpq's status, and a socket that has nothing to
// read (an idle connection that is readable was closed or sent a termination notice).
bool PgIdleConnectionAlive(PGconn* conn);

}  // namespace da
