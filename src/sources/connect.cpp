#include "sources/connect.h"

#include <chrono>

#include "catalog/postgres_catalog.h"
#include "catalog/value_index.h"
#include "common/postgres.h"

namespace da {

namespace {

Status CheckRequest(const ConnectRequest& request) {
  DA_RETURN_IF_ERROR(DatasetStore::ValidateName(request.name));
  if (request.kind != "postgres" && request.kind != "redshift") {
    return Status::InvalidArgument("a connected dataset is postgres or redshift, not '" + request.kind + "'");
  }
  const PgLogin& login = request.connection.login;
  if (login.conninfo.empty()) return Status::InvalidArgument("no connection string given");
  DA_RETURN_IF_ERROR(login.Describe().status());
  if (login.ConninfoHasPassword()) {
    return Status::InvalidArgument(
        "the connection string holds a password; pass it with --password-env VAR or --password-file FILE "
        "instead: the connection is stored with the dataset, and a password must never be");
  }
  if (request.connection.schema.empty()) return Status::InvalidArgument("no schema given");
  return Status::Ok();
}

}  // namespace

nlohmann::json ConnectReport::ToJson() const {
  return {{"dataset", info.ToJson()},
          {"tables", tables},
          {"views", views},
          {"warnings", warnings},
          {"elapsed_ms", elapsed_ms}};
}

Result<ConnectReport> ConnectDataset(DatasetStore& store, const ConnectRequest& request) {
  const auto start = std::chrono::steady_clock::now();
  DA_RETURN_IF_ERROR(CheckRequest(request));
  DA_ASSIGN_OR_RETURN(PgClient client, PgClient::Connect(request.connection.login));
  DA_ASSIGN_OR_RETURN(StagedDataset staged, store.Begin(request.name));

  PostgresCatalogOptions options;
  options.dataset = request.name;
  options.schema = request.connection.schema;
  options.redshift = request.kind == "redshift";
  options.progress = request.progress;
  ValueIndexBuilder values;
  DA_ASSIGN_OR_RETURN(PostgresCatalogResult read, ReadPostgresCatalog(client, options, &values));
  DA_RETURN_IF_ERROR(read.catalog.Save(staged.catalog_path().string()));
  DA_RETURN_IF_ERROR(std::move(values).Finish().Save(staged.values_path().string()));
  DA_RETURN_IF_ERROR(store.CommitConnection(&staged, request.kind, request.connection));

  ConnectReport report;
  DA_ASSIGN_OR_RETURN(report.info, store.Get(request.name));
  for (const TableInfo& t : read.catalog.tables) ++(t.is_view ? report.views : report.tables);
  report.warnings = std::move(read.warnings);
  report.elapsed_ms =
      std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - start).count();
  return report;
}

Result<ConnectReport> RefreshConnectedDataset(DatasetStore& store, const std::string& name) {
  DA_ASSIGN_OR_RETURN(DatasetInfo info, store.Get(name));
  if (!info.connection) {
    return Status::InvalidArgument("dataset '" + name + "' is a " + info.kind +
                                   " file, not a connected database: ingest the file again to refresh it");
  }
  ConnectRequest request;
  request.name = name;
  request.kind = info.kind;
  request.connection = *info.connection;
  return ConnectDataset(store, request);
}

}  // namespace da
