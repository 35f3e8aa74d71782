// The databases a bench run needs, opened the way users get them: each Spider database
// <db-dir>/<db_id>/<db_id>.sqlite is ingested as an attached SQLite dataset into a scratch
// data directory (IngestPath builds its catalog exactly as `dataanalyst ingest` does), then
// opened as a Dataset whose queries run through the guard.
//
// With a PostgreSQL target (UsePostgres) each database is also copied into a schema of that
// server (eval/postgres_loader.h) and connected as a dataset (`dataanalyst connect`): the
// answerer sees and queries that one, while the gold SQL (Spider's, written for SQLite) keeps
// running on the SQLite file, so the truth does not depend on the target.
#pragma once

#include <filesystem>
#include <map>
#include <memory>
#include <optional>
#include <set>
#include <string>

#include "common/postgres.h"
#include "common/status.h"
#include "eval/postgres_loader.h"
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

// Where the answerer's SQL runs when not on the SQLite files.
struct PostgresTarget {
  PgLogin login;
  // Database <db_id> goes to schema SchemaForDbId(schema_prefix, db_id).
  std::string schema_prefix = "da_eval_";
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
  // This is where gold SQL runs.
  Result<Dataset*> Open(const std::string& db_id);

  // The dataset the answerer is given and its SQL runs on: the PostgreSQL one with a target
  // (loaded and connected on first use; its errors name the db_id), else Open(db_id).
  Result<Dataset*> OpenTarget(const std::string& db_id);

  // From now on OpenTarget() loads into and connects to `target`'s server.
  void UsePostgres(PostgresTarget target) { postgres_ = std::move(target); }
  // "SQLite" or "PostgreSQL postgresql://user@host:port/db" (never a password).
  std::string TargetDescription() const;
  // What each database's load into PostgreSQL did (up to date, or tables and notes), by db_id.
  const std::map<std::string, PgLoadReport>& postgres_loads() const { return loads_; }

  // From now on only the db_ids in `listed` open; the others fail with NotFound "database X
  // is not listed in <listing>" (Spider's tables.json names the databases of a bench).
  void RestrictTo(std::set<std::string> listed, std::string listing);

 private:
  BenchDatabases(std::filesystem::path db_dir, std::filesystem::path data_dir)
      : db_dir_(std::move(db_dir)), store_(std::move(data_dir)) {}
  Result<std::unique_ptr<Dataset>> Load(const std::string& db_id);
  Result<std::unique_ptr<Dataset>> LoadIntoPostgres(const std::string& db_id);

  std::filesystem::path db_dir_;
  DatasetStore store_;
  std::map<std::string, std::unique_ptr<Dataset>> opened_;
  std::map<std::string, Status> failed_;
  std::optional<PostgresTarget> postgres_;
  std::optional<PgClient> loader_;  // connected on the first load
  std::map<std::string, std::unique_ptr<Dataset>> targets_;
  std::map<std::string, Status> failed_targets_;
  std::map<std::string, PgLoadReport> loads_;
  std::optional<std::set<std::string>> listed_;
  std::string listing_;
};

// A dataset name DatasetStore accepts for `db_id`: characters outside [A-Za-z0-9_-] become
// '_', cut to 64 characters; a name starting with '_' or '-' is prefixed with "db".
std::string DatasetNameForDbId(const std::string& db_id);

// The PostgreSQL schema for `db_id`: prefix + db_id, lowercase, characters outside [a-z0-9_]
// as '_', cut to 63 bytes (PostgreSQL's limit).
std::string SchemaForDbId(const std::string& prefix, const std::string& db_id);

}  // namespace da
