#include "sources/dataset.h"

#include "common/strings.h"
#include "guard/postgres_guard.h"
#include "guard/sql_guard.h"

namespace da {

Result<std::unique_ptr<Dataset>> Dataset::Open(const DatasetStore& store, const std::string& name) {
  std::unique_ptr<Dataset> ds(new Dataset());
  DA_ASSIGN_OR_RETURN(ds->info_, store.Get(name));
  DA_ASSIGN_OR_RETURN(ds->catalog_, Catalog::Load(ds->info_.catalog_path.string()));
  auto values = ValueIndex::Load(ds->info_.values_path.string());
  if (values.ok()) {
    ds->values_ = std::make_unique<ValueIndex>(std::move(values).value());
  } else if (values.status().code() != Status::Code::kNotFound) {
    // The index only helps link values; a damaged one must not lock the data away.
    ds->values_problem_ = values.status().ToString();
  }
  std::set<std::string> hidden;
  for (const auto& t : ds->catalog_.hidden_tables) hidden.insert(ToLower(t));
  if (ds->info_.connection) {
    PostgresQueryTarget target;
    target.login = ds->info_.connection->login;
    target.schema = ds->info_.connection->schema;
    target.redshift = ds->info_.kind == "redshift";
    target.hidden_tables = std::move(hidden);
    DA_ASSIGN_OR_RETURN(ds->connection_, OpenPostgresConnection(target));
    return ds;
  }
  auto conn = GuardedConnection::Open(ds->info_.data_path, std::move(hidden));
  if (!conn.ok()) {
    if (ds->info_.attached)
      return conn.status().WithContext("dataset '" + name + "' is attached to " + ds->info_.data_path.string());
    return conn.status();
  }
  ds->connection_ = std::move(conn).value();
  return ds;
}

Result<QueryResult> Dataset::Query(std::string_view sql, const GuardLimits& limits) {
  return connection_->Execute(sql, limits);
}

}  // namespace da
