// The databases a bench run needs, opened the way users get them: each Spider database
// <db-dir>/<db_id>/<db_id>.sqlite is ingested as an attached SQLite dataset into a scratch
// data directory (IngestPath builds its catalog exactly as `dataanalyst ingest` does), then
// opened as a Dataset whose queries run through the guard.
#pragma once

#include <filesystem>
#include <map>
#include <memory>
#include <optional>
#include <set>
#include <string>

#include "common/status.h"
#include "sources/dataset.h"
#include "sources/dataset_store.h"

namespace da {

// A fresh directory under the system temp directory, removed with its contents on
// destruction.
class ScratchDir {
 public:
  static Result<std::unique_ptr<ScratchDir>> Create(const std::string& prefix);
  ~ScratchDir();
  const std::filesystem::path& path() const { return path_; }

 private:
  explicit ScratchDir(std::filesystem::path path) : path_(std::move(path)) {}
  std::filesystem::path path_;
};

class BenchDatabases {
 public:
  // `db_dir` must be an existing directory (NotFound / InvalidArgument otherwise). Datasets
  // are written to `data_dir`, which the caller owns.
  static Result<std::unique_ptr<BenchDatabases>> Create(const std::filesystem::path& db_dir,
                                                        const std::filesystem::path& data_dir);

  // <db-dir>/<db_id>/<db_id>.sqlite
  std::filesystem::path DatabasePath(const std::string& db_id) const;

  // Ingests and opens `db_id` on first use; later calls return the same dataset (or the same
  // error: NotFound "database concert_singer not found: expected DIR/concert_singer/
  // concert_singer.sqlite", or the ingest/open error with the db_id as context).
  Result<Dataset*> Open(const std::string& db_id);

  // From now on only the db_ids in `listed` open; the others fail with NotFound "database X
  // is not listed in <listing>" (Spider's tables.json names the databases of a bench).
  void RestrictTo(std::set<std::string> listed, std::string listing);

 private:
  BenchDatabases(std::filesystem::path db_dir, std::filesystem::path data_dir)
      : db_dir_(std::move(db_dir)), store_(std::move(data_dir)) {}
  Result<std::unique_ptr<Dataset>> Load(const std::string& db_id);

  std::filesystem::path db_dir_;
  DatasetStore store_;
  std::map<std::string, std::unique_ptr<Dataset>> opened_;
  std::map<std::string, Status> failed_;
  std::optional<std::set<std::string>> listed_;
  std::string listing_;
};

// A dataset name DatasetStore accepts for `db_id`: characters outside [A-Za-z0-9_-] become
// '_', cut to 64 characters; a name starting with '_' or '-' is prefixed with "db".
std::string DatasetNameForDbId(const std::string& db_id);

}  // namespace da
