// Computes a Catalog from a SQLite database by reading every row of every table.
#pragma once

#include <sqlite3.h>

#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "catalog/catalog.h"
#include "catalog/value_index.h"
#include "common/status.h"
#include "ingest/table_builder.h"

namespace da {

// Profiles a table from the values being written into it, so that ProfileDatabase need not
// read the table back (the ingest writes every row anyway; a second scan would cost as much
// as a third of the ingest). Feed every stored row exactly as bound: one Add call per table
// column, in table column order, then EndRow. Values are counted on the feeding thread as they
// arrive (the ingest feeds from its converting thread, which has the values at hand, so no
// copy and no extra thread is needed). Not thread-safe: feed from one thread at a time, and
// feed every row before handing the profiler to ProfileDatabase.
//
// Use at ingest: create one per table with the table's column count (including any added
// column such as _source_file), call Add* for each value as it is bound to the INSERT, EndRow
// per inserted row (never for rejected rows), then set ProfileOptions::written[table].
class TableProfiler : public StoredRowSink {
 public:
  // Without the column types every column keeps the counts top values need (see
  // ColumnAccumulator); with them, columns whose type lists no top values count more cheaply
  // once their distinct count has to be estimated.
  explicit TableProfiler(size_t columns);
  explicit TableProfiler(const std::vector<ColumnType>& types);
  ~TableProfiler();
  TableProfiler(const TableProfiler&) = delete;
  TableProfiler& operator=(const TableProfiler&) = delete;

  void AddNull() override;
  void AddInteger(int64_t v) override;
  void AddReal(double v) override;
  void AddText(std::string_view v) override;
  void EndRow() override;

  size_t columns() const;
  int64_t rows() const;

  struct Impl;  // defined in profiler.cpp
  Impl* impl() const { return impl_.get(); }

 private:
  std::unique_ptr<Impl> impl_;
};

struct ProfileOptions {
  std::string dataset;
  size_t top_values = 20;
  // Labels recorded at ingest (table -> original label; table.column -> original header).
  // Missing entries default to the identifier.
  std::function<std::string(const std::string& table)> table_label;
  std::function<std::string(const std::string& table, const std::string& column)> column_label;
  // Tables profiled while they were written (by exact table name). ProfileDatabase uses them
  // instead of scanning when the column and row counts match the table; otherwise it scans.
  std::map<std::string, std::shared_ptr<TableProfiler>> written;
  // When set, receives the distinct values and counts of every TEXT column of every table
  // (not views) whose values were counted exactly, so the value index is built from the same
  // pass instead of another read of the data. The builder applies its own size rules.
  ValueIndexBuilder* values = nullptr;
};

// Contract:
// - Tables and views from sqlite_schema, in creation order, excluding sqlite_* and our own
//   "_da_*" tables. A view whose definition no longer compiles (it names a dropped table) is
//   left out rather than failing the whole catalog.
// - Per column: type from the declared type (ColumnTypeFromDeclared), or, when the declared
//   type is empty (common in SQLite inputs), from the stored values' storage classes
//   (only integers -> INTEGER, integers/reals -> REAL, ISO dates -> DATE, ISO date-times ->
//   TIMESTAMP, anything else or no values -> TEXT).
// - Stats over all rows: null fraction, distinct count (SQLite's notion: 5 and 5.0 are one
//   value, '5' is another), min/max in SQLite's cross-class order (numbers < text < blobs;
//   text compared bytewise, i.e. BINARY collation), top values for TEXT/BOOLEAN/DATE columns
//   that look like categories (rules in column_profile.cpp). Text min/max/top values are cut to
//   kMaxStoredTextBytes bytes at a UTF-8 boundary.
// - Keys: declared PRIMARY KEY / FOREIGN KEY from PRAGMA table_info / foreign_key_list
//   (composite keys supported; a foreign key omitting the target column refers to the target's
//   primary key; declared keys naming a table or column that does not exist are dropped).
//   Inferred primary key when none is declared: a single column that is unique and non-null
//   and id-like by name ("id", "<table>_id", "<singular table>id", or a last name part "id",
//   "code", "key", "number") or else the only unique non-null INTEGER column (>= 2 rows).
//   Inferred foreign keys: a column whose name matches another table's single-column primary
//   key ("customer_id" -> customers.id or customers.customer_id; plural or singular table
//   names) and whose distinct non-null values are >= 99% present there. ForeignKey::inclusion
//   is measured for declared keys too.
// - Cost: none for tables given in ProfileOptions::written (beyond a count(*) check); else
//   one sequential scan per table (SELECT of every column) feeding per-column hash
//   counters, so profiling is linear in the data. Distinct values are counted exactly up to
//   kMaxExactDistinct per column, of which at most kMaxExactTextDistinct text/blob values
//   (integer counters are cheap; text ones cost hashing, comparing and storing each value).
//   Past either cap, distinct_is_estimate is set and distinct_count is a HyperLogLog estimate
//   (standard error 0.8%), never below the values counted exactly nor above the non-null
//   values; values not yet known are still counted for top values only where those apply
//   (TEXT/BOOLEAN/DATE), so their counts may then be low. A non-null column estimated at
//   >= kNearUniqueShare of the rows gets an exact count from one SQL count(DISTINCT), so key
//   inference stays exact. This bounds a column's counters to about 64 MB of hash slots plus
//   the distinct text kept.
//   Values are copied out of SQLite in batches and counted on a second thread while the scan
//   continues (inline on a single-core machine).
//   Views are read up to kViewRowLimit rows (a view can be an arbitrarily expensive query);
//   when a view has more rows, TableInfo::row_count_is_lower_bound is set. Foreign-key
//   inclusion is one SQL query per declared or name-matched candidate (DISTINCT child values
//   probed against the parent column), never per column pair.
inline constexpr size_t kMaxExactDistinct = 1'000'000;
inline constexpr size_t kMaxExactTextDistinct = 100'000;
inline constexpr double kNearUniqueShare = 0.97;
inline constexpr int64_t kViewRowLimit = 100'000;
inline constexpr size_t kMaxStoredTextBytes = 256;

Result<Catalog> ProfileDatabase(sqlite3* db, const ProfileOptions& options);

}  // namespace da
