// The READ ONLY transaction the PostgreSQL/Redshift catalog reader runs in (internal to
// postgres_catalog.cpp and postgres_stats.cpp).
#pragma once

#include <chrono>
#include <functional>
#include <string>
#include <string_view>
#include <vector>

#include "common/postgres.h"
#include "common/status.h"

namespace da {

class PgCatalogSession {
 public:
  PgCatalogSession(PgClient& client, bool redshift, std::chrono::milliseconds statement_timeout)
      : client_(client), redshift_(redshift), timeout_(statement_timeout) {}
  ~PgCatalogSession();  // rolls back a transaction still open (nothing was written anyway)
  PgCatalogSession(const PgCatalogSession&) = delete;
  PgCatalogSession& operator=(const PgCatalogSession&) = delete;

  // BEGIN READ ONLY (PostgreSQL: REPEATABLE READ, so every statement sees one snapshot), then
  // SET LOCAL statement_timeout (Redshift: SET; it has no LOCAL) plus ISO dates in UTC, so
  // every statement after it is bounded and values read the same on every server.
  Status Begin();
  Status Commit();

  // A catalog statement that must succeed: a failure fails the whole read.
  Result<PgResult> Query(const std::string& sql, const std::vector<PgParam>& params, std::string_view what);
  Result<PgResult> Query(const std::string& sql, std::string_view what) { return Query(sql, {}, what); }

  // Runs `body` (statements through Query) so that its failure leaves the transaction usable:
  // PostgreSQL rolls back to a savepoint taken before it; Redshift, which has no savepoints,
  // rolls the transaction back and begins a new one. Body's own status goes to `*outcome`; the
  // returned status is an error only when the transaction could not be kept (connection lost).
  Status Attempt(const std::function<Status()>& body, Status* outcome);

  bool redshift() const { return redshift_; }
  const std::string& description() const { return client_.description(); }

 private:
  PgClient& client_;
  bool redshift_;
  std::chrono::milliseconds timeout_;
};

}  // namespace da
