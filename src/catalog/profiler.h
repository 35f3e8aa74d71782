// Computes a Catalog from a SQLite database by reading every row of every table.
#pragma once

#include <sqlite3.h>

#include <functional>
#include <string>
#include <vector>

#include "catalog/catalog.h"
#include "common/status.h"

namespace da {

struct ProfileOptions {
  std::string dataset;
  size_t top_values = 20;
  // Labels recorded at ingest (table -> original label; table.column -> original header).
  // Missing entries default to the identifier.
  std::function<std::string(const std::string& table)> table_label;
  std::function<std::string(const std::string& table, const std::string& column)> column_label;
};

// Contract:
// - Tables and views from sqlite_schema, excluding sqlite_* and our own "_da_*" tables.
// - Per column: type from the declared type (ColumnTypeFromDeclared), or, when the declared
//   type is empty (common in SQLite inputs), from the stored values' storage classes.
// - Stats over all rows: null fraction, distinct count, min/max, top values for
//   TEXT/BOOLEAN/DATE columns with few enough distinct values to be categories.
// - Keys: declared PRIMARY KEY / FOREIGN KEY from PRAGMA table_info / foreign_key_list.
//   Inferred primary key when none is declared: a single column that is unique and non-null
//   and id-like by name ("id", "<table>_id", "<singular table>id", "code", "key", "number"
//   suffixes) or the only unique non-null integer column. Inferred foreign keys: a column
//   whose name matches another table's primary key ("customer_id" -> customers.id or
//   customers.customer_id) and whose distinct non-null values are all (>= 99%) present there.
// - Cost: one scan per column with GROUP BY; fine for the sizes we ingest (tested at 1M rows).
Result<Catalog> ProfileDatabase(sqlite3* db, const ProfileOptions& options);

}  // namespace da
