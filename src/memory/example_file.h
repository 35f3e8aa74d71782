// Example files: the example memory's import/export format, as JSON Lines or as an Excel
// workbook with the original platform's columns (question, query).
#pragma once

#include <filesystem>
#include <string>
#include <vector>

#include "common/status.h"

namespace da::memory {

// One example as read from or written to a file. Text is UTF-8, kept byte for byte (no
// trimming).
struct ExampleRecord {
  std::string question;
  std::string sql;
  std::string notes;   // may be empty
  std::string origin;  // where it was read: "examples.jsonl: line 3" / "examples.xlsx: sheet Examples, row 4"
};

// Reads examples by the file's extension (case-insensitive): .jsonl (one JSON object per line:
// {"question", "sql" (or "query"), "notes"?}; blank lines skipped; other keys ignored; a UTF-8
// BOM at the start is skipped) or .xlsx (first non-empty sheet; a header row with columns named
// question and query (case-insensitive; "sql" accepted for query; optional "notes"); other
// columns ignored; rows whose question and query cells are both empty are skipped).
// Errors are kInvalidArgument naming the file, the line/row and column and what was expected
// ("examples.jsonl: line 3: expected a JSON object with "question" and "sql"",
// "examples.jsonl: line 2, column 14: invalid JSON: ...", "examples.xlsx: no column named
// query in the header row (found: Question, SQL Query)",
// "examples.xlsx: sheet Examples, row 4, column Query: empty SQL"): an empty question or SQL
// (blank after trimming), a non-string value, text that is not valid UTF-8, an unreadable
// workbook (the .xlsx reader's message), an unknown extension ("expected .jsonl or .xlsx").
// A missing file is kNotFound. Reads all or fails: never a partial list.
Result<std::vector<ExampleRecord>> ReadExampleFile(const std::filesystem::path& path);

// Writes examples by extension: .jsonl ({"question","sql","notes"} per line, in that key
// order, notes omitted when empty) or .xlsx (one sheet "Examples" with header question, query,
// notes; text cells, wrapped query column). `origin` is not written.
// Every record is checked first (non-empty question and SQL, valid UTF-8, kInvalidArgument
// naming "example N", 1-based); an unknown extension is kInvalidArgument. Atomic: written to a
// temp file in the same directory then renamed; an existing file is replaced only on success.
Status WriteExampleFile(const std::filesystem::path& path, const std::vector<ExampleRecord>& records);

}  // namespace da::memory
