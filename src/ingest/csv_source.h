// CSV/TSV files as RowSources: dialect sniffing, encoding detection and conversion to UTF-8,
// RFC 4180 quoting, CRLF/LF/CR line ends.
#pragma once

#include <filesystem>
#include <memory>
#include <string>

#include "common/status.h"
#include "ingest/row_source.h"

namespace da {

// Latin-1 is read as its superset 1252. UTF-16 is recognised by its BOM only (Excel's
// "Unicode text" export).
enum class TextEncoding { kUtf8, kUtf8Bom, kWindows1252, kUtf16Le, kUtf16Be };

struct CsvDialect {
  char delimiter = ',';  // one of , ; \t |
  // '"' (also when the sniffed sample quotes nothing: a later row may still quote a field), or
  // '\'' when the sample quotes fields with single quotes and never with double ones.
  // '\0' disables quoting.
  char quote = '"';
  bool has_header = true;
  TextEncoding encoding = TextEncoding::kUtf8;
};

// Guesses the dialect from the start of `bytes` (a few hundred lines): the delimiter that
// yields the most consistent field count > 1, the quote character, whether the first row is a
// header (its fields look like labels while the column below holds numbers/dates, or it is all
// distinct non-numeric text), and the encoding (BOM; valid UTF-8; else Windows-1252). `bytes`
// may be a prefix of a file: a character cut off at its end is ignored.
CsvDialect SniffCsv(std::string_view bytes);

// Opens a file (memory-mapped), sniffs it, converts it to UTF-8 when needed (a UTF-8 BOM is
// dropped; UTF-16 with a BOM and non-UTF-8 text, decoded as Windows-1252, are converted once,
// at open) and reads the header.
// Errors: NotFound; InvalidArgument for an empty or whitespace-only file ("orders.csv: the file
// is empty"), binary content ("orders.csv: not a text file (binary data at line 3)") and an
// unterminated quote in the first record. A header without data rows is fine (0 rows).
Result<std::unique_ptr<RowSource>> OpenCsvFile(const std::filesystem::path& path);

// Same, over bytes already in memory (a ZIP entry); `name` is used in messages and reports.
Result<std::unique_ptr<RowSource>> OpenCsvBuffer(std::string name, std::string bytes);

// True when the file name looks like delimited text: .csv .tsv .txt .tab (case-insensitive).
bool LooksLikeCsvName(std::string_view file_name);

}  // namespace da
