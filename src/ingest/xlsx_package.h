// The workbook-level parts of an .xlsx package (Office Open XML, SpreadsheetML): the sheet
// list with each sheet's worksheet part, the date system, the shared strings and the cell
// styles' number formats. Worksheets themselves are read by xlsx_sheet.h.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "common/status.h"
#include "ingest/xlsx_number_format.h"
#include "ingest/zip_archive.h"

namespace da::xlsx {

struct SheetRef {
  std::string name;             // as shown on the tab
  std::string part;             // "xl/worksheets/sheet1.xml"
  std::string not_a_worksheet;  // why the tab holds no cells ("a chart sheet"), else ""
};

struct WorkbookInfo {
  std::vector<SheetRef> sheets;  // in tab order
  bool date1904 = false;         // <workbookPr date1904="1"/>: serial 0 is 1904-01-01
  // Shared between the sheets, which keep pointing into it after the workbook is read.
  std::shared_ptr<const std::vector<std::string>> shared_strings;
  std::vector<DateKind> style_date_kinds;  // indexed by a cell's s attribute (cellXfs)
};

// Finds the workbook part (via _rels/.rels, else xl/workbook.xml) and reads it with its
// relationships, sharedStrings.xml and styles.xml (the last two are optional).
// Errors (InvalidArgument, prefixed with `label`): no workbook part ("not an Excel .xlsx
// workbook"), a binary .xlsb workbook, malformed XML naming the part, a sheet whose
// relationship is missing, a part over `max_part_bytes` (Refused).
Result<WorkbookInfo> ReadWorkbookInfo(const ZipArchive& zip, std::string_view label,
                                      uint64_t max_part_bytes);

// Inflates one part, refusing (before inflating) parts larger than `max_part_bytes`; `what`
// describes the part in that message ("sheet 'Sales'").
Result<std::string> ReadPart(const ZipArchive& zip, std::string_view label, const ZipEntry& entry,
                             std::string_view what, uint64_t max_part_bytes);

}  // namespace da::xlsx
