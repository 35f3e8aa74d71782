#include "catalog/postgres_session.h"

#include <algorithm>

namespace da {

PgCatalogSession::~PgCatalogSession() {
  if (client_.in_transaction()) client_.Rollback();
}

Status PgCatalogSession::Begin() {
  DA_RETURN_IF_ERROR(client_.Begin("catalog: begin", redshift_ ? "BEGIN READ ONLY"
                                                                : "BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY"));
  const std::string set = redshift_ ? "SET " : "SET LOCAL ";
  for (const std::string& setting :
       {"statement_timeout = " + std::to_string(std::max<int64_t>(1, timeout_.count())),
        std::string("DateStyle = 'ISO, YMD'"), std::string("TimeZone = 'UTC'")}) {
    DA_RETURN_IF_ERROR(client_.Exec(set + setting, "catalog: settings").status());
  }
  return Status::Ok();
}

Status PgCatalogSession::Commit() { return client_.Commit("catalog: commit"); }

Result<PgResult> PgCatalogSession::Query(const std::string& sql, const std::vector<PgParam>& params,
                                         std::string_view what) {
  return client_.Exec(sql, params, what);
}

Status PgCatalogSession::Attempt(const std::function<Status()>& body, Status* outcome) {
  if (!redshift_) {
    DA_RETURN_IF_ERROR(client_.Exec("SAVEPOINT da_catalog", "catalog: savepoint").status());
    *outcome = body();
    const char* end = outcome->ok() ? "RELEASE SAVEPOINT da_catalog" : "ROLLBACK TO SAVEPOINT da_catalog";
    return client_.Exec(end, "catalog: savepoint").status();
  }
  *outcome = body();
  if (outcome->ok()) return Status::Ok();
  client_.Rollback();
  return Begin();
}

}  // namespace da
