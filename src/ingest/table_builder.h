// Builds one SQLite table from one or more RowSources: reconciles their columns by name,
// infers each column's type over every row of every source, creates the table and inserts.
#pragma once

#include <sqlite3.h>

#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "common/status.h"
#include "ingest/ingest_report.h"
#include "ingest/row_source.h"

namespace da {

// Called with bytes processed so far (both passes count, so total is 2 * input bytes).
using ProgressFn = std::function<void(uint64_t done, uint64_t total)>;

struct BuildOptions {
  // A row whose field count differs from the header is rejected (reported with file:line).
  // The build fails once more than max_rejected_rows rows of the table are rejected; the
  // default 0 turns the first ragged row into an error naming file:line.
  int64_t max_rejected_rows = 0;
  ProgressFn progress;  // may be empty
};

// Contract:
// - Columns are unioned by normalised name across `sources` in first-seen order; a source
//   lacking a column contributes NULLs. When there is more than one source and the sources'
//   rows are otherwise indistinguishable (no column already identifies the file), a
//   `_source_file` TEXT column holding RowSource::name() is added.
// - Field values that are empty or a NULL marker ("", NA, N/A, NULL, null, -, case as listed)
//   become NULL and do not affect type inference.
// - Type per column: the narrowest of BOOLEAN, INTEGER, REAL, DATE, TIMESTAMP that every
//   non-null value parses as; otherwise TEXT, keeping every value verbatim (nothing dropped),
//   with ColumnReport::fallback_reason naming the first offending value and line.
// - Runs inside the caller's transaction; on error the caller rolls back/discards the file.
// - Appends the table's report to report->tables and its rejected rows to report.
Status BuildTable(sqlite3* db, const std::string& table_name, const std::vector<RowSource*>& sources,
                  const BuildOptions& options, IngestReport* report);

}  // namespace da
