// Primary and foreign keys of a profiled catalog: declared ones read from SQLite, inferred
// ones from names and values (internal to the profiler; the rules are in profiler.h).
#pragma once

#include <sqlite3.h>

#include <functional>
#include <string>
#include <string_view>

#include "catalog/catalog.h"
#include "common/status.h"

namespace da {

// Picks an inferred primary key for a table without a declared one, from the column
// statistics already in `table` (unique = exact distinct count == row_count, no NULLs).
void InferPrimaryKey(TableInfo* table);

// Reads PRAGMA foreign_key_list for every table, resolves names against the catalog
// (case-insensitively; an omitted target column is the target's primary key) and measures
// each key's inclusion.
Status AddDeclaredForeignKeys(sqlite3* db, Catalog* catalog);

// Adds name-matched foreign keys whose inclusion is >= kMinInferredInclusion.
Status InferForeignKeys(sqlite3* db, Catalog* catalog);
inline constexpr double kMinInferredInclusion = 0.99;

// The share of `column`'s distinct non-null values found in `parent_column`; `distinct`
// receives their number (0: nothing to measure, the candidate is dropped).
using InclusionMeasure = std::function<Result<double>(const TableInfo& table, const ColumnInfo& column,
                                                      const TableInfo& parent, const ColumnInfo& parent_column,
                                                      int64_t* distinct)>;
// The same name-matching rules over any database (PostgreSQL: catalog/postgres_catalog.cpp):
// `measure` is called per name-matched candidate.
Status InferForeignKeys(Catalog* catalog, const InclusionMeasure& measure);

// "customers" -> "customer", "categories" -> "category", "addresses" -> "address" (lower-cased).
std::string SingularName(std::string_view table);

}  // namespace da
