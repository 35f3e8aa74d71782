// Connecting a live database as a dataset: `dataanalyst connect NAME --postgres URL` and
// `schema NAME --refresh`. The dataset's rows stay in the database; what is stored in the data
// directory is the connection (never a password), the catalog read from the database's own
// system catalogs, and the value index of its text columns, all as a new dataset version.
#pragma once

#include <functional>
#include <string>
#include <vector>

#include "common/status.h"
#include "sources/dataset_store.h"

namespace da {

struct ConnectRequest {
  std::string name;              // dataset name (DatasetStore::ValidateName)
  std::string kind = "postgres";  // "postgres" or "redshift"
  DatasetConnection connection;
  // Called per table while the catalog is read (may be empty).
  std::function<void(const std::string& table, size_t done, size_t total)> progress;
};

struct ConnectReport {
  DatasetInfo info;
  size_t tables = 0, views = 0;
  std::vector<std::string> warnings;  // tables skipped (no privilege), estimates taken, ...
  double elapsed_ms = 0;

  // {"dataset": DatasetInfo::ToJson(), "tables", "views", "warnings", "elapsed_ms"}
  nlohmann::json ToJson() const;
};

// Checks the request, connects, reads the catalog and value index of connection.schema and
// publishes them as a new version of `request.name` (the previous version stays current on any
// failure). Errors:
//  InvalidArgument  bad name or kind; a password inside the connection string ("... pass it
//                   with --password-env VAR or --password-file FILE: the connection is stored");
//                   password variable unset; password file open to others
//  IoError          the server cannot be reached or refused the login (names the server as
//                   postgresql://user@host:port/db, never the password)
//  NotFound         the schema does not exist (names the schemas there)
//  Refused          another ingest or connect of the same dataset is running
Result<ConnectReport> ConnectDataset(DatasetStore& store, const ConnectRequest& request);

// Reads the catalog of a connected dataset again (tables added, comments changed, new values)
// as a new version. InvalidArgument when `name` is not a connected dataset.
Result<ConnectReport> RefreshConnectedDataset(DatasetStore& store, const std::string& name);

}  // namespace da
