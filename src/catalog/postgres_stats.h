// Row counts and column statistics of one PostgreSQL/Redshift relation at bounded cost, and the
// inclusion measure for inferred foreign keys (internal to postgres_catalog.cpp; the rules are
// in docs/postgres.md, "What the catalog reads").
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "catalog/catalog.h"
#include "catalog/keys.h"
#include "catalog/postgres_catalog.h"
#include "catalog/postgres_session.h"
#include "catalog/value_index.h"

namespace da {

// What the system catalogs say about a relation before any of its rows are read.
struct PgRelation {
  std::string name;
  // pg_class.relkind: 'r' table, 'p' partitioned table, 'm' materialized view, 'v' view,
  // 'f' foreign table. Redshift: 'r', 'v', or 'e' for an external (Spectrum) table.
  char kind = 'r';
  double reltuples = -1;    // row estimate; < 0 unknown (never analysed, or not a stored relation)
  int64_t size_bytes = -1;  // on-disk size (PostgreSQL; partitions summed); < 0 unknown
  std::string comment;
};

// Above this size a never-analysed table is not counted with count(*): its rows are estimated
// from a sample of its pages instead.
inline constexpr int64_t kExactCountMaxBytes = 50LL << 20;
// Text values are read (and compared, for distinct counts) on their first this many characters.
inline constexpr int kSampledTextChars = 1000;

// Fills table->row_count (+ row_count_is_lower_bound) and the statistics of table->columns
// (whose names, types and declared types are set), adds the values of eligible text columns to
// `values` (may be null), and appends what was estimated or failed to `warnings`. A failure to
// read the rows (timeout, an error in a view) is a warning: the table keeps its columns without
// statistics. Errors only when the transaction itself breaks.
Status ReadTableStatistics(PgCatalogSession& session, const PostgresCatalogOptions& options, const PgRelation& rel,
                           TableInfo* table, ValueIndexBuilder* values, std::vector<std::string>* warnings);

// Measures inferred foreign keys over at most options.sample_rows child rows; candidates of
// incomparable types are not measured; a failed measurement drops the candidate with a warning.
InclusionMeasure PgInclusionMeasure(PgCatalogSession& session, const PostgresCatalogOptions& options,
                                    std::vector<std::string>* warnings);

// Elements of a one-dimensional PostgreSQL array in text form ("{a,\"b c\",NULL}"); NULL
// elements are nullopt. Nullopt when the text is not such an array (nested arrays included).
std::optional<std::vector<std::optional<std::string>>> ParsePgArray(std::string_view text);

// "schema"."name", quoted as PostgreSQL requires for any name.
std::string PgQualifiedName(std::string_view schema, std::string_view name);

}  // namespace da
