// Builds one SQLite table from one or more RowSources: reconciles their columns by name,
// infers each column's type over every row of every source, creates the table and inserts.
#pragma once

#include <sqlite3.h>

#include <cstdint>
#include <functional>
#include <string>
#include <string_view>
#include <vector>

#include "common/status.h"
#include "ingest/column_type.h"
#include "ingest/ingest_report.h"
#include "ingest/row_source.h"

namespace da {

// Called with bytes processed so far (both passes count, so total is 2 * input bytes).
using ProgressFn = std::function<void(uint64_t done, uint64_t total)>;

// Receives every row exactly as it is stored, in table column order (one Add per column,
// then EndRow), from one thread: BuildTable's converting worker thread, once per batch, just
// before the batch is handed over for insertion. Lets the catalog profile a table while it is
// written instead of reading it back, in parallel with SQLite's work.
class StoredRowSink {
 public:
  virtual ~StoredRowSink() = default;
  virtual void AddNull() = 0;
  virtual void AddInteger(int64_t v) = 0;
  virtual void AddReal(double v) = 0;
  virtual void AddText(std::string_view v) = 0;
  virtual void EndRow() = 0;
};

struct BuildOptions {
  // A row whose field count differs from the header is rejected (reported with file:line).
  // The build fails once more than max_rejected_rows rows of the table are rejected; the
  // default 0 turns the first ragged row into an error naming file:line.
  int64_t max_rejected_rows = 0;
  ProgressFn progress;  // may be empty
  // Called once per table, after its columns are known and before the first insert, with the
  // table's name and column types (including `_source_file`); may be empty or return nullptr.
  // The sink must outlive BuildTable; it is fed from the worker thread (see StoredRowSink).
  std::function<StoredRowSink*(const std::string& table, const std::vector<ColumnType>& types)> row_sink;
};

// Sets the connection up for one bulk load into a fresh, private staging file:
//   page_size=65536        fewer, fuller pages for append-only inserts (must precede the first
//                          table, so call this on the new, empty file)
//   journal_mode=OFF       no rollback journal: on failure the caller discards the whole file
//                          (ROLLBACK is not reliable in this mode)
//   synchronous=OFF        no fsync; the caller syncs/publishes the finished file atomically
//   locking_mode=EXCLUSIVE nobody else reads a staging file; saves lock traffic per transaction
//   cache_size=-131072     128 MiB page cache, so index-free appends rarely re-read pages
//   temp_store=MEMORY
// BuildTable works on any connection; these settings only make it fast.
Status PrepareForBulkLoad(sqlite3* db);

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
// - Runs inside the caller's transaction (when the connection is in autocommit mode it opens
//   and commits its own); on error the caller rolls back/discards the file.
// - Pass 1 reads every source to infer types and reject ragged rows; pass 2 reads them again
//   and inserts. In both passes a worker thread runs RowSource::ForEachRow and hands rows over
//   in batches of 4096, while the calling thread works on the previous batch. Pass 1: the
//   worker infers some columns itself and copies the other columns' text, which the calling
//   thread infers (the split balances the two threads' CPU time; one source only). Pass 2:
//   the worker converts values and feeds them to the row sink; the calling thread binds and
//   steps prepared multi-row INSERTs (128 rows per statement, text bound SQLITE_STATIC from
//   the batch). The connection and options.progress are only used from the calling thread;
//   RowSources must allow ForEachRow on another thread (one call at a time).
// - Stored values follow ingest/type_inference.h (booleans 0/1, ISO dates, UTC for zoned
//   timestamps, TEXT fallback keeping values verbatim).
// - Appends the table's report to report->tables and its rejected rows to report.
Status BuildTable(sqlite3* db, const std::string& table_name, const std::vector<RowSource*>& sources,
                  const BuildOptions& options, IngestReport* report);

}  // namespace da
