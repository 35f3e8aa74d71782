// The catalog of a live PostgreSQL or Amazon Redshift schema: what `dataanalyst connect` and
// `schema NAME --refresh` store, read from the database's own system catalogs and statistics at
// bounded cost (docs/postgres.md, "What the catalog reads").
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <string>
#include <string_view>
#include <vector>

#include "catalog/catalog.h"
#include "catalog/value_index.h"
#include "common/postgres.h"
#include "common/status.h"

namespace da {

struct PostgresCatalogOptions {
  std::string dataset;            // Catalog::dataset
  std::string schema = "public";
  bool redshift = false;          // Amazon Redshift: its own catalog views, functions it lacks
  size_t top_values = 20;
  int64_t sample_rows = 100000;   // most rows read per table for value statistics
  std::chrono::milliseconds statement_timeout{30000};  // per catalog statement
  std::function<void(const std::string& table, size_t done, size_t total)> progress;  // may be empty
};

struct PostgresCatalogResult {
  Catalog catalog;
  // What was left out or only estimated, one sentence each, for the user to see: tables skipped
  // (no SELECT privilege, a view that fails or exceeds the statement timeout), row counts
  // estimated because a big table was never analysed.
  std::vector<std::string> warnings;
};

// Reads tables, views (and materialized views, foreign/partitioned tables) of options.schema.
// Runs inside one READ ONLY transaction on `client`. When `values` is non-null, the distinct values
// of eligible TEXT columns (ValueIndex::ColumnEligible rules) are added to it.
//
// Statistics come from, per table, the cheapest source that answers (details in docs/postgres.md):
//  - at most sample_rows rows (by size or estimate): every row is read once, so the statistics,
//    the row count and the distinct counts are exact;
//  - bigger and analysed (PostgreSQL): pg_class.reltuples and pg_stats, nothing scanned;
//  - bigger and never analysed, views, foreign tables: one scan of a bounded sample
//    (TABLESAMPLE SYSTEM where it exists, else LIMIT sample_rows); estimates are flagged.
// Errors: NotFound when the schema does not exist (naming the schemas there); InvalidArgument
// when it holds no table or view the login may read; IoError/Timeout from the catalog queries.
Result<PostgresCatalogResult> ReadPostgresCatalog(PgClient& client, const PostgresCatalogOptions& options,
                                                  ValueIndexBuilder* values);

// Our column type for a PostgreSQL/Redshift type as format_type() (or Redshift's svv_columns)
// writes it: "integer", "numeric(12,0)", "character varying(20)", "timestamp with time zone".
ColumnType ColumnTypeFromPostgres(std::string_view formatted_type);

}  // namespace da
