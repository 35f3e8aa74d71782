#include "ingest/xlsx_reader.h"

#include <cstring>
#include <fstream>
#include <set>
#include <string>

#include "ingest/identifiers.h"
#include "ingest/xlsx_package.h"
#include "ingest/xlsx_sheet.h"
#include "ingest/zip_archive.h"

namespace da {

namespace {

// OLE2 Compound File Binary: legacy .xls, and also any password-protected .xlsx (Office wraps
// the encrypted package in a CFB container).
constexpr unsigned char kCfbSignature[8] = {0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1};

struct WorkbookSheet {
  std::string sheet_name;  // as on the tab
  std::unique_ptr<xlsx::SheetSource> source;
};

struct Workbook {
  std::vector<WorkbookSheet> sheets;  // non-empty worksheets in tab order
  std::vector<std::string> skipped;   // "book.xlsx#Chart1: a chart sheet"
};

Status NotAWorkbook(const std::string& label, const std::string& why) {
  return Status::InvalidArgument(label + ": not an Excel .xlsx workbook (" + why + ")");
}

// Tells legacy/encrypted workbooks and non-ZIP files apart before libzip sees them.
Status CheckSignature(const std::filesystem::path& path, const std::string& label) {
  std::error_code ec;
  if (!std::filesystem::exists(path, ec)) return Status::NotFound(label + ": no such file");
  std::ifstream in(path, std::ios::binary);
  if (!in) return Status::IoError(label + ": cannot open the file for reading");
  unsigned char head[sizeof kCfbSignature] = {};
  in.read(reinterpret_cast<char*>(head), sizeof head);
  const auto got = static_cast<size_t>(in.gcount());
  if (got == sizeof head && std::memcmp(head, kCfbSignature, sizeof head) == 0)
    return Status::InvalidArgument(label + ": is an encrypted or legacy .xls workbook; save it as .xlsx");
  if (got < 4 || head[0] != 'P' || head[1] != 'K') return NotAWorkbook(label, "it is not a ZIP archive");
  return Status::Ok();
}

Result<std::unique_ptr<ZipArchive>> OpenPackage(const std::filesystem::path& path, const std::string& label) {
  DA_RETURN_IF_ERROR(CheckSignature(path, label));
  auto zip = ZipArchive::Open(path);
  if (!zip.ok() && zip.status().code() == Status::Code::kInvalidArgument)
    return NotAWorkbook(label, "it is not a valid ZIP archive");
  return zip;
}

Result<Workbook> ReadWorkbook(const std::filesystem::path& path, const XlsxLimits& limits) {
  const std::string label = path.string();
  const std::string file_name = path.filename().string();
  DA_ASSIGN_OR_RETURN(std::unique_ptr<ZipArchive> zip, OpenPackage(path, label));
  DA_ASSIGN_OR_RETURN(xlsx::WorkbookInfo info, xlsx::ReadWorkbookInfo(*zip, label, limits.max_part_bytes));
  Workbook book;
  for (const xlsx::SheetRef& sheet : info.sheets) {
    std::string name = file_name + "#" + sheet.name;
    if (!sheet.not_a_worksheet.empty()) {
      book.skipped.push_back(name + ": " + sheet.not_a_worksheet);
      continue;
    }
    const ZipEntry* entry = zip->Find(sheet.part);
    if (!entry)
      return Status::InvalidArgument(label + ": sheet '" + sheet.name + "': its part " + sheet.part +
                                     " is missing from the workbook");
    DA_ASSIGN_OR_RETURN(std::string xml,
                        xlsx::ReadPart(*zip, label, *entry, "sheet '" + sheet.name + "'", limits.max_part_bytes));
    DA_ASSIGN_OR_RETURN(std::unique_ptr<xlsx::SheetSource> source,
                        xlsx::SheetSource::Parse(std::move(name), label, sheet, std::move(xml), info));
    if (source->empty()) {
      book.skipped.push_back(source->name() + ": empty sheet");
      continue;
    }
    book.sheets.push_back({sheet.name, std::move(source)});
  }
  if (book.sheets.empty()) {
    std::string why = info.sheets.empty() ? "it lists no sheets" : "every sheet is empty or not a worksheet";
    return Status::InvalidArgument(label + ": the workbook has no non-empty sheet (" + why + ")");
  }
  return book;
}

// Table names in tab order: "sales", then "sales_2" for a second sheet mapping to it.
std::string UniqueTableName(const std::string& sheet_name, std::set<std::string>* used) {
  const std::string base = ToSqlIdentifier(sheet_name, "sheet");
  std::string name = base;
  for (int n = 2; used->count(name); ++n) name = base + "_" + std::to_string(n);
  used->insert(name);
  return name;
}

// Notes where the table was found when it was not simply "header in the first row".
void AddHeaderWarning(const xlsx::SheetSource& sheet, IngestReport* report) {
  if (sheet.header_row() == 0) {
    report->warnings.push_back(sheet.name() + ": no header row found; columns are named column_1, column_2, ...");
  } else if (sheet.header_row() > sheet.first_row()) {
    report->warnings.push_back(sheet.name() + ": header found in row " + std::to_string(sheet.header_row()) +
                               "; rows " + std::to_string(sheet.first_row()) + "-" +
                               std::to_string(sheet.header_row() - 1) + " above it were skipped as titles");
  }
}

}  // namespace

Result<std::vector<std::unique_ptr<RowSource>>> OpenXlsxSheets(const std::filesystem::path& path,
                                                               const XlsxLimits& limits) {
  DA_ASSIGN_OR_RETURN(Workbook book, ReadWorkbook(path, limits));
  std::vector<std::unique_ptr<RowSource>> sources;
  for (auto& sheet : book.sheets) sources.push_back(std::move(sheet.source));
  return sources;
}

Status IngestXlsx(const std::filesystem::path& path, sqlite3* db, const BuildOptions& options,
                  IngestReport* report, const XlsxLimits& limits) {
  report->kind = "xlsx";
  DA_ASSIGN_OR_RETURN(Workbook book, ReadWorkbook(path, limits));
  report->skipped.insert(report->skipped.end(), book.skipped.begin(), book.skipped.end());
  std::set<std::string> used;
  for (WorkbookSheet& sheet : book.sheets) {
    const std::string table = UniqueTableName(sheet.sheet_name, &used);
    AddHeaderWarning(*sheet.source, report);
    const size_t tables_before = report->tables.size();
    DA_RETURN_IF_ERROR(BuildTable(db, table, {sheet.source.get()}, options, report));
    if (report->tables.size() > tables_before) report->tables.back().label = sheet.sheet_name;
  }
  return Status::Ok();
}

}  // namespace da
