// Where datasets live. The data directory holds one folder per dataset:
//
//   <data-dir>/<name>/manifest.json   which version is current, and what it is
//   <data-dir>/<name>/v<N>.sqlite     the data of version N (absent for attached SQLite files)
//   <data-dir>/<name>/v<N>.catalog.json
//   <data-dir>/<name>/v<N>.values.bin  the value index (catalog/value_index.h); optional
//   <data-dir>/<name>/.lock           held while a new version is written
//
// A new version is written beside the current one and becomes visible only when the manifest
// is atomically replaced (write temp + rename). A failed or interrupted ingest therefore
// leaves the previous version untouched; its leftovers are removed by the next ingest.
#pragma once

#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "common/postgres.h"
#include "common/status.h"

namespace da {

// A dataset that is a live database rather than a file (kind "postgres" or "redshift"). Stored in
// the manifest; never holds a password (the login names where it comes from).
struct DatasetConnection {
  PgLogin login;
  std::string schema = "public";  // the schema whose tables and views the dataset shows

  nlohmann::json ToJson() const;
  static Result<DatasetConnection> FromJson(const nlohmann::json& j);
};

struct DatasetInfo {
  std::string name;
  std::string kind;    // "csv", "zip", "xlsx", "sqlite", "postgres", "redshift"
  std::string source;  // the input path as given; for connections "postgresql://user@host:port/db"
  int64_t version = 0;
  std::filesystem::path data_path;     // SQLite file queries run against; empty for connections
  std::filesystem::path catalog_path;  // catalog JSON
  // Value index of the version. The file may be absent (datasets ingested before value
  // indexes existed, or an index that was not built): then there is no index, not an error.
  std::filesystem::path values_path;
  bool attached = false;               // data_path is the user's own file, used read-only
  std::string created_at;              // ISO-8601 UTC
  std::optional<DatasetConnection> connection;  // set for kinds "postgres" and "redshift"

  nlohmann::json ToJson() const;
};

// A version being written. Destroying it without Commit() deletes its files.
class StagedDataset {
 public:
  StagedDataset(StagedDataset&&) noexcept;
  StagedDataset& operator=(StagedDataset&&) = delete;
  ~StagedDataset();

  const std::filesystem::path& data_path() const { return data_path_; }
  const std::filesystem::path& catalog_path() const { return catalog_path_; }
  const std::filesystem::path& values_path() const { return values_path_; }
  int64_t version() const { return version_; }

 private:
  friend class DatasetStore;
  StagedDataset() = default;
  std::string name_;
  int64_t version_ = 0;
  std::filesystem::path dir_, data_path_, catalog_path_, values_path_;
  int lock_fd_ = -1;
  bool committed_ = false;
};

class DatasetStore {
 public:
  // --data-dir flag if non-empty, else $DATAANALYST_HOME, else ./data.
  static std::filesystem::path ResolveDataDir(const std::string& flag);
  // Names: 1-64 chars of [A-Za-z0-9_-], starting with a letter or digit.
  static Status ValidateName(const std::string& name);

  explicit DatasetStore(std::filesystem::path dir) : dir_(std::move(dir)) {}
  const std::filesystem::path& dir() const { return dir_; }

  Result<std::vector<DatasetInfo>> List() const;  // sorted by name
  Result<DatasetInfo> Get(const std::string& name) const;  // NotFound lists known names
  Status Remove(const std::string& name);

  // Starts writing version current+1. Fails with AlreadyExists-like Refused when another
  // ingest of the same dataset is running (advisory lock).
  Result<StagedDataset> Begin(const std::string& name);
  // Publishes the staged version. For attached SQLite files pass `attached_data`: the
  // manifest then points at that file and the staged data file is not used.
  Status Commit(StagedDataset* staged, const std::string& kind, const std::string& source,
                const std::optional<std::filesystem::path>& attached_data = std::nullopt);
  // Publishes a staged version of a connection dataset: only its catalog and value index were
  // written; queries go to the database `connection` names.
  Status CommitConnection(StagedDataset* staged, const std::string& kind, const DatasetConnection& connection);

 private:
  Status Publish(StagedDataset* staged, const nlohmann::json& manifest);
  std::filesystem::path dir_;
};

}  // namespace da
