// An open dataset: its manifest, its catalog, and a guarded read-only connection to its data: the
// SQLite file of an ingested or attached dataset, or the live PostgreSQL/Redshift database of a
// connected one. The CLI, the ask pipeline and the server query through it without knowing which.
#pragma once

#include <memory>
#include <string>

#include "catalog/catalog.h"
#include "catalog/value_index.h"
#include "common/query_result.h"
#include "common/status.h"
#include "common/sql_dialect.h"
#include "guard/query_connection.h"
#include "sources/dataset_store.h"

namespace da {

class Dataset {
 public:
  // Loads the manifest, the stored catalog and value index (never recomputed here) and opens
  // the data read-only through the guard, hiding tables the metadata file hid. A missing
  // value index file means the dataset has none; a damaged one fails with Corruption. A
  // connected dataset opens without reaching its server (the schema is stored); its first
  // query connects, through a pool shared by every Dataset of that connection.
  static Result<std::unique_ptr<Dataset>> Open(const DatasetStore& store, const std::string& name);

  const DatasetInfo& info() const { return info_; }
  const Catalog& catalog() const { return catalog_; }
  // The distinct values of the dataset's text columns; nullptr when the dataset has no index.
  const ValueIndex* values() const { return values_.get(); }
  // The SQL dialect its queries are written in.
  SqlDialect dialect() const { return DialectOfDatasetKind(info_.kind); }
  // A live database (PostgreSQL, Redshift): its rows change without a new dataset version.
  bool live() const { return info_.connection.has_value(); }
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
  std::unique_ptr<QueryConnection> connection_;
};

}  // namespace da
