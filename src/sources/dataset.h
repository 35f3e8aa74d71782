// An open dataset: its manifest, its catalog, and a guarded read-only connection to its data.
// This is what the CLI (and later the question engine and the server) query through.
#pragma once

#include <memory>
#include <string>

#include "catalog/catalog.h"
#include "catalog/value_index.h"
#include "common/query_result.h"
#include "common/status.h"
#include "guard/sql_guard.h"
#include "sources/dataset_store.h"

namespace da {

class Dataset {
 public:
  // Loads the manifest, the stored catalog and value index (never recomputed here) and opens
  // the data read-only through the guard, hiding tables the metadata file hid. A missing
  // value index file means the dataset has none; a damaged one fails with Corruption.
  static Result<std::unique_ptr<Dataset>> Open(const DatasetStore& store, const std::string& name);

  const DatasetInfo& info() const { return info_; }
  const Catalog& catalog() const { return catalog_; }
  // The distinct values of the dataset's text columns; nullptr when the dataset has no index.
  const ValueIndex* values() const { return values_.get(); }
  // Why the value index could not be read (the dataset still opens, without value linking);
  // empty when it was read or the dataset has none. Re-ingesting rebuilds it.
  const std::string& values_problem() const { return values_problem_; }

  // Runs one read-only statement through the guard.
  Result<QueryResult> Query(std::string_view sql, const GuardLimits& limits = GuardLimits());
  // Every check Query makes (guard rules, tables, columns, syntax) without running `sql`.
  Status Validate(std::string_view sql) { return connection_->Validate(sql); }
  void Interrupt() { connection_->Interrupt(); }

 private:
  Dataset() = default;
  DatasetInfo info_;
  Catalog catalog_;
  std::unique_ptr<ValueIndex> values_;
  std::string values_problem_;
  std::unique_ptr<GuardedConnection> connection_;
};

}  // namespace da
