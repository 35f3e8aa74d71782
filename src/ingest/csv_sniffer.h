// Dialect sniffing for delimited text (internal to the CSV reader; SniffCsv in csv_source.h is
// the public entry point).
#pragma once

#include <cstddef>
#include <string_view>

#include "ingest/csv_source.h"

namespace da {

struct CsvSniffResult {
  CsvDialect dialect;       // encoding is left at kUtf8: the caller knows the bytes' origin
  size_t column_count = 0;  // header fields, or the widest sampled record without a header
};

// Sniffs delimiter, quote and header presence from the start of UTF-8 `text` (BOM removed):
// at most kSniffBytes and kSniffRecords records are examined.
CsvSniffResult SniffCsvText(std::string_view text);

inline constexpr size_t kSniffBytes = 256 * 1024;
inline constexpr size_t kSniffRecords = 500;

}  // namespace da
