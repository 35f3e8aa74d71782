// Excel .xlsx workbooks (Office Open XML) read with libzip + pugixml.
#pragma once

#include <sqlite3.h>

#include <filesystem>
#include <memory>
#include <vector>

#include "common/status.h"
#include "ingest/ingest_report.h"
#include "ingest/row_source.h"
#include "ingest/table_builder.h"

namespace da {

// Reads every non-empty worksheet as a RowSource named "<file>#<sheet name>".
// - Cells: shared strings, inline strings, numbers, booleans (TRUE/FALSE), errors (#N/A ->
//   empty). Numbers whose number format is a date/time format become ISO text
//   ("2024-03-01" or "2024-03-01 14:30:00"), honouring the 1904 date system.
// - Header row detection: the first row, within the first 20, that has the most non-empty
//   text cells and is followed by data; title rows above it are skipped. Rows after the
//   header that are completely empty are skipped. Merged/missing cells are empty strings.
// - Errors: not a ZIP / not a workbook, encrypted (CFB) files, no non-empty sheet.
Result<std::vector<std::unique_ptr<RowSource>>> OpenXlsxSheets(const std::filesystem::path& path);

// Each sheet becomes a table named after the sheet (snake_case, deduplicated).
Status IngestXlsx(const std::filesystem::path& path, sqlite3* db, const BuildOptions& options,
                  IngestReport* report);

}  // namespace da
