#include "memory/example_file.h"

#include <unistd.h>
#include <xlsxwriter.h>

#include <algorithm>
#include <atomic>
#include <cctype>
#include <fstream>
#include <memory>
#include <nlohmann/json.hpp>
#include <sstream>
#include <string_view>
#include <system_error>

#include "common/file_util.h"
#include "common/strings.h"
#include "ingest/row_source.h"
#include "ingest/text_encoding.h"
#include "ingest/xlsx_reader.h"

namespace da::memory {

namespace {

enum class Format { kJsonl, kXlsx };

Result<Format> FormatOf(const std::filesystem::path& path) {
  const std::string ext = ToLower(path.extension().string());
  if (ext == ".jsonl") return Format::kJsonl;
  if (ext == ".xlsx") return Format::kXlsx;
  return Status::InvalidArgument(path.string() + ": unknown example file type '" + path.extension().string() +
                                 "': expected .jsonl or .xlsx");
}

// Checks the text of one record; `where` prefixes the message ("examples.jsonl: line 3").
// `question_field`/`sql_field` name the fields as the file calls them.
Status CheckRecord(const ExampleRecord& r, const std::string& where, const std::string& question_field,
                   const std::string& sql_field, const std::string& notes_field) {
  const std::pair<const std::string*, const std::string*> fields[] = {
      {&r.question, &question_field}, {&r.sql, &sql_field}, {&r.notes, &notes_field}};
  for (const auto& [text, name] : fields) {
    if (!IsValidUtf8(*text)) return Status::InvalidArgument(where + ", " + *name + ": not valid UTF-8 text");
  }
  if (Trim(r.question).empty()) return Status::InvalidArgument(where + ", " + question_field + ": empty question");
  if (Trim(r.sql).empty()) return Status::InvalidArgument(where + ", " + sql_field + ": empty SQL");
  return Status::Ok();
}

// ---------------------------------------------------------------------------------------
// JSON Lines

Result<std::string> ReadWholeFile(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return Status::IoError(path.string() + ": cannot open the file for reading");
  std::ostringstream bytes;
  bytes << in.rdbuf();
  if (in.bad()) return Status::IoError(path.string() + ": cannot read the file");
  return bytes.str();
}

// "syntax error while parsing value - ..." from nlohmann's "[json.exception.parse_error.101]
// parse error at line 1, column 14: syntax error ...".
std::string ParseErrorReason(const char* what) {
  std::string_view w = what;
  size_t at = w.find("parse error");
  size_t colon = at == std::string_view::npos ? std::string_view::npos : w.find(": ", at);
  return std::string(colon == std::string_view::npos ? w : w.substr(colon + 2));
}

// The string under `key`, or "" when absent or null; an error naming `where` otherwise.
Status OptionalString(const nlohmann::json& object, const char* key, const std::string& where, std::string* out) {
  auto it = object.find(key);
  if (it == object.end() || it->is_null()) return Status::Ok();
  if (!it->is_string())
    return Status::InvalidArgument(where + ": \"" + key + "\" must be a string, found " + it->type_name());
  *out = it->get<std::string>();
  return Status::Ok();
}

// Parses one non-blank line into a record.
Result<ExampleRecord> ParseJsonLine(std::string_view line, const std::string& where) {
  if (!IsValidUtf8(line)) return Status::InvalidArgument(where + ": not valid UTF-8 text");
  nlohmann::json object;
  try {
    object = nlohmann::json::parse(line);
  } catch (const nlohmann::json::parse_error& e) {
    return Status::InvalidArgument(where + ", column " + std::to_string(e.byte) +
                                   ": invalid JSON: " + ParseErrorReason(e.what()));
  }
  const bool has_sql = object.is_object() && object.contains("sql");
  const bool has_query = object.is_object() && object.contains("query");
  if (!object.is_object() || !object.contains("question") || (!has_sql && !has_query))
    return Status::InvalidArgument(where + ": expected a JSON object with \"question\" and \"sql\"");
  if (has_sql && has_query)
    return Status::InvalidArgument(where + ": both \"sql\" and \"query\" are given; expected one of them");
  ExampleRecord record;
  record.origin = where;
  const char* sql_key = has_sql ? "sql" : "query";
  DA_RETURN_IF_ERROR(OptionalString(object, "question", where, &record.question));
  DA_RETURN_IF_ERROR(OptionalString(object, sql_key, where, &record.sql));
  DA_RETURN_IF_ERROR(OptionalString(object, "notes", where, &record.notes));
  DA_RETURN_IF_ERROR(CheckRecord(record, where, "\"question\"", std::string("\"") + sql_key + "\"", "\"notes\""));
  return record;
}

Result<std::vector<ExampleRecord>> ReadJsonl(const std::filesystem::path& path) {
  DA_ASSIGN_OR_RETURN(std::string text, ReadWholeFile(path));
  std::string_view rest = text;
  if (rest.starts_with(kUtf8Bom)) rest.remove_prefix(kUtf8Bom.size());
  std::vector<ExampleRecord> records;
  for (int64_t number = 1; !rest.empty(); ++number) {
    const size_t end = rest.find('\n');
    std::string_view line = rest.substr(0, end);
    rest.remove_prefix(end == std::string_view::npos ? rest.size() : end + 1);
    if (line.ends_with('\r')) line.remove_suffix(1);
    if (Trim(line).empty()) continue;
    DA_ASSIGN_OR_RETURN(ExampleRecord record,
                        ParseJsonLine(line, path.string() + ": line " + std::to_string(number)));
    records.push_back(std::move(record));
  }
  return records;
}

std::string ToJsonl(const std::vector<ExampleRecord>& records) {
  std::string out;
  for (const ExampleRecord& r : records) {
    nlohmann::ordered_json line = {{"question", r.question}, {"sql", r.sql}};
    if (!r.notes.empty()) line["notes"] = r.notes;
    out += line.dump();
    out += '\n';
  }
  return out;
}

// ---------------------------------------------------------------------------------------
// Excel workbooks

// Where the example columns are in a sheet's header; -1 when absent.
struct XlsxColumns {
  int question = -1;
  int sql = -1;
  int notes = -1;
};

int FindColumn(const std::vector<std::string>& header, std::initializer_list<std::string_view> names) {
  for (std::string_view name : names) {
    for (size_t i = 0; i < header.size(); ++i) {
      if (EqualsIgnoreCase(Trim(header[i]), name)) return static_cast<int>(i);
    }
  }
  return -1;
}

Result<XlsxColumns> FindXlsxColumns(const std::filesystem::path& path, const std::vector<std::string>& header) {
  XlsxColumns columns{FindColumn(header, {"question"}), FindColumn(header, {"query", "sql"}),
                      FindColumn(header, {"notes"})};
  const char* missing = columns.question < 0 ? "question" : columns.sql < 0 ? "query" : nullptr;
  if (!missing) return columns;
  std::vector<std::string> found;
  for (const std::string& label : header) {
    if (!Trim(label).empty()) found.push_back(label);
  }
  return Status::InvalidArgument(path.string() + ": no column named " + missing +
                                 " in the header row (found: " + Join(found, ", ") + ")");
}

Result<std::vector<ExampleRecord>> ReadXlsx(const std::filesystem::path& path) {
  DA_ASSIGN_OR_RETURN(std::vector<std::unique_ptr<RowSource>> sheets, OpenXlsxSheets(path));
  RowSource& sheet = *sheets.front();
  // RowSource names are "<file name>#<sheet name>".
  const std::string prefix = path.filename().string() + "#";
  const std::string sheet_name =
      sheet.name().starts_with(prefix) ? sheet.name().substr(prefix.size()) : sheet.name();
  const std::vector<std::string>& header = sheet.header();
  DA_ASSIGN_OR_RETURN(XlsxColumns columns, FindXlsxColumns(path, header));
  std::vector<ExampleRecord> records;
  Status st = sheet.ForEachRow([&](const RowView& row) -> Status {
    auto cell = [&](int column) {
      const auto i = static_cast<size_t>(column);
      return column < 0 || i >= row.fields.size() ? std::string() : std::string(row.fields[i]);
    };
    ExampleRecord record{cell(columns.question), cell(columns.sql), cell(columns.notes),
                         path.string() + ": sheet " + sheet_name + ", row " + std::to_string(row.line)};
    if (Trim(record.question).empty() && Trim(record.sql).empty()) return Status::Ok();  // not an example row
    auto column_label = [&](int column) { return column < 0 ? std::string() : "column " + header[column]; };
    DA_RETURN_IF_ERROR(CheckRecord(record, record.origin, column_label(columns.question),
                                   column_label(columns.sql), column_label(columns.notes)));
    records.push_back(std::move(record));
    return Status::Ok();
  });
  if (!st.ok()) return st;
  return records;
}

// `text` with every literal "_xHHHH_" escaped as "_x005F_xHHHH_": readers decode "_xHHHH_" in
// cell text (OOXML's escape for control characters, which libxlsxwriter applies to those).
std::string EscapeOoxmlLiterals(const std::string& text) {
  std::string out;
  for (size_t i = 0; i < text.size(); ++i) {
    const bool escape = text.compare(i, 2, "_x") == 0 && i + 6 < text.size() && text[i + 6] == '_' &&
                        std::all_of(text.begin() + i + 2, text.begin() + i + 6,
                                    [](char c) { return std::isxdigit(static_cast<unsigned char>(c)) != 0; });
    out += escape ? std::string_view("_x005F_") : std::string_view(&text[i], 1);
  }
  return out;
}

// Closes the workbook (writing the file) if Write() did not.
struct WorkbookCloser {
  void operator()(lxw_workbook* wb) const { workbook_close(wb); }
};

Status XlsxError(const std::filesystem::path& path, const std::string& what, lxw_error error) {
  if (error == LXW_ERROR_MAX_STRING_LENGTH_EXCEEDED)
    return Status::InvalidArgument(path.string() + ": " + what + ": longer than Excel's 32,767 characters per cell");
  return Status::IoError(path.string() + ": " + what + ": " + lxw_strerror(error));
}

// Writes the sheet "Examples" of `records` to the file `out` (a temp file), named `path` in errors.
Status WriteXlsxTo(const std::filesystem::path& out, const std::filesystem::path& path,
                   const std::vector<ExampleRecord>& records) {
  std::unique_ptr<lxw_workbook, WorkbookCloser> wb(workbook_new(out.c_str()));
  if (!wb) return Status::IoError(path.string() + ": cannot create the workbook");
  lxw_worksheet* sheet = workbook_add_worksheet(wb.get(), "Examples");
  lxw_format* header = workbook_add_format(wb.get());
  format_set_bold(header);
  lxw_format* text = workbook_add_format(wb.get());
  format_set_num_format(text, "@");
  format_set_align(text, LXW_ALIGN_VERTICAL_TOP);
  lxw_format* wrapped = workbook_add_format(wb.get());
  format_set_num_format(wrapped, "@");
  format_set_align(wrapped, LXW_ALIGN_VERTICAL_TOP);
  format_set_text_wrap(wrapped);
  worksheet_set_column(sheet, 0, 0, 50, text);
  worksheet_set_column(sheet, 1, 1, 80, wrapped);
  worksheet_set_column(sheet, 2, 2, 40, text);
  worksheet_freeze_panes(sheet, 1, 0);
  const char* labels[] = {"question", "query", "notes"};
  for (lxw_col_t c = 0; c < 3; ++c) worksheet_write_string(sheet, 0, c, labels[c], header);
  for (size_t i = 0; i < records.size(); ++i) {
    const ExampleRecord& r = records[i];
    const auto row = static_cast<lxw_row_t>(i + 1);
    const std::string* cells[] = {&r.question, &r.sql, &r.notes};
    for (lxw_col_t c = 0; c < 3; ++c) {
      if (cells[c]->empty()) continue;
      const std::string cell = EscapeOoxmlLiterals(*cells[c]);
      lxw_error e = worksheet_write_string(sheet, row, c, cell.c_str(), c == 1 ? wrapped : text);
      if (e != LXW_NO_ERROR)
        return XlsxError(path, "example " + std::to_string(i + 1) + ", " + labels[c], e);
    }
  }
  lxw_error e = workbook_close(wb.release());
  return e == LXW_NO_ERROR ? Status::Ok() : XlsxError(path, "cannot write the workbook", e);
}

// libxlsxwriter writes to a file name: the workbook goes to a scratch file beside `path`, whose
// bytes then replace `path` atomically.
Status WriteXlsx(const std::filesystem::path& path, const std::vector<ExampleRecord>& records) {
  static std::atomic<int> counter{0};
  std::filesystem::path scratch = path;
  scratch += ".xlsx-tmp." + std::to_string(::getpid()) + "." + std::to_string(counter++);
  Status st = WriteXlsxTo(scratch, path, records);
  Result<std::string> bytes = st.ok() ? ReadWholeFile(scratch) : Result<std::string>(st);
  std::error_code ignored;
  std::filesystem::remove(scratch, ignored);
  if (!bytes.ok()) return bytes.status();
  return WriteFileAtomically(path, *bytes);
}

}  // namespace

Result<std::vector<ExampleRecord>> ReadExampleFile(const std::filesystem::path& path) {
  DA_ASSIGN_OR_RETURN(Format format, FormatOf(path));
  std::error_code ec;
  if (!std::filesystem::exists(path, ec)) return Status::NotFound(path.string() + ": no such file");
  if (std::filesystem::is_directory(path, ec))
    return Status::InvalidArgument(path.string() + ": is a directory, not an example file");
  return format == Format::kJsonl ? ReadJsonl(path) : ReadXlsx(path);
}

Status WriteExampleFile(const std::filesystem::path& path, const std::vector<ExampleRecord>& records) {
  DA_ASSIGN_OR_RETURN(Format format, FormatOf(path));
  for (size_t i = 0; i < records.size(); ++i) {
    DA_RETURN_IF_ERROR(CheckRecord(records[i], path.string() + ": example " + std::to_string(i + 1), "question",
                                   "sql", "notes"));
  }
  return format == Format::kJsonl ? WriteFileAtomically(path, ToJsonl(records)) : WriteXlsx(path, records);
}

}  // namespace da::memory
