// Excel .xlsx workbooks (Office Open XML) read with libzip + pugixml.
#pragma once

#include <sqlite3.h>

#include <cstdint>
#include <filesystem>
#include <memory>
#include <vector>

#include "common/status.h"
#include "ingest/ingest_report.h"
#include "ingest/row_source.h"
#include "ingest/table_builder.h"

namespace da {

// Memory: a workbook is not streamed. Each worksheet part is inflated whole and its rows are
// parsed with pugixml a few MB at a time (peak for one sheet: about 1.5x its XML plus a 4 MB
// slice's DOM, ~25 MB); what every sheet keeps until the sources are destroyed is its
// non-empty cells (their text plus 16 bytes each), and the shared string table once. Parts
// over max_part_bytes are refused before being inflated.
struct XlsxLimits {
  uint64_t max_part_bytes = 256ull << 20;  // uncompressed size of one worksheet/strings/styles part
};

// Reads every non-empty worksheet as a RowSource named "<file>#<sheet name>", in tab order.
// - Cells: shared strings (rich text runs concatenated), inline strings, formula results
//   (the cached value), numbers (integers as integers, others without binary noise),
//   booleans (TRUE/FALSE), errors (#N/A -> empty). Numbers whose number format is a
//   date/time format become ISO text ("2024-03-01" or "2024-03-01 14:30:00"), honouring the
//   1904 date system; see xlsx_number_format.h.
// - Header row detection: the first row, within the first 20, that has the most non-empty
//   text cells and is followed by data; title rows above it are skipped. A sheet without any
//   text in those rows has no header (columns "column_1", ...). Rows after the header that
//   are completely empty are skipped; completely empty columns at the edges are dropped.
//   Merged/missing cells are empty strings. RowView::line is the Excel row number.
// - Chart sheets and empty worksheets are skipped.
// - Errors: "FILE: not an Excel .xlsx workbook" (not a ZIP, or no xl/workbook.xml);
//   "FILE: is an encrypted or legacy .xls workbook; save it as .xlsx" (an OLE/CFB file);
//   malformed XML naming the part; a part over the limit (Refused); no non-empty sheet.
Result<std::vector<std::unique_ptr<RowSource>>> OpenXlsxSheets(const std::filesystem::path& path,
                                                               const XlsxLimits& limits = XlsxLimits());

// Each sheet becomes a table named after the sheet (ToSqlIdentifier, deduplicated in tab
// order: "sales", "sales_2"); TableReport::label is the sheet name and report->kind "xlsx".
// Skipped sheets are listed in report->skipped; a header found below row 1 (title rows
// skipped) or a sheet without a header row is noted in report->warnings.
Status IngestXlsx(const std::filesystem::path& path, sqlite3* db, const BuildOptions& options,
                  IngestReport* report, const XlsxLimits& limits = XlsxLimits());

}  // namespace da
