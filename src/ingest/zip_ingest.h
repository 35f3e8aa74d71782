// A ZIP of folders of CSVs as tables.
#pragma once

#include <sqlite3.h>

#include <filesystem>

#include "common/status.h"
#include "ingest/ingest_report.h"
#include "ingest/table_builder.h"
#include "ingest/zip_archive.h"

namespace da {

// Contract:
// - Each folder holding CSV files becomes one table named after that (innermost) folder; its
//   files are unioned by BuildTable. CSVs at the archive root become a table each, named after
//   the file stem. Nesting depth does not matter: "2024/eu/sales/a.csv" -> table "sales".
//   Two folders mapping to the same table name are disambiguated ("sales", "sales_2").
//   Files of one folder sharing under half the columns of the wider one (a folder wrapping
//   customers.csv and orders.csv) are not unioned: they become tables named after their
//   files, with a warning. A .txt entry counts as CSV only when its first lines are delimited.
// - macOS/Windows noise (__MACOSX/, .DS_Store, Thumbs.db, "._*") is ignored silently; other
//   non-CSV files are listed in report->skipped with the reason.
// - An archive with no CSV inside, or any entry refused by ZipArchive, is an error; nothing is
//   written in that case beyond what the caller's transaction rolls back.
Status IngestZip(const std::filesystem::path& path, sqlite3* db, const BuildOptions& options,
                 IngestReport* report, const ZipLimits& limits = ZipLimits());

}  // namespace da
