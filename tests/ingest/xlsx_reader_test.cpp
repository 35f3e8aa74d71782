#include "ingest/xlsx_reader.h"

#include <gtest/gtest.h>
#include <xlsxwriter.h>

#include <functional>
#include <stdexcept>
#include <string>
#include <vector>

#include "common/sqlite.h"
#include "ingest/xlsx_number_format.h"
#include "ingest/xlsx_sheet.h"
#include "ingest/zip_archive.h"
#include "test_util.h"

namespace da {
namespace {

using ::da::testing::TempDir;
using ::da::testing::WriteFile;
using ::da::testing::WriteZip;
using xlsx::DateKind;

bool Contains(const std::string& haystack, const std::string& needle) {
  return haystack.find(needle) != std::string::npos;
}

// ---------------------------------------------------------------------------------------
// Number formats and cell values.

TEST(XlsxNumberFormatTest, BuiltinDateAndTimeIds) {
  for (int id : {14, 15, 16, 17}) EXPECT_EQ(xlsx::ClassifyBuiltinFormat(id), DateKind::kDate) << id;
  for (int id : {18, 19, 20, 21, 45, 47}) EXPECT_EQ(xlsx::ClassifyBuiltinFormat(id), DateKind::kTime) << id;
  EXPECT_EQ(xlsx::ClassifyBuiltinFormat(22), DateKind::kDateTime);
  EXPECT_EQ(xlsx::ClassifyBuiltinFormat(46), DateKind::kDuration);
  for (int id : {0, 1, 2, 4, 9, 10, 13, 23, 37, 44, 48, 49})
    EXPECT_EQ(xlsx::ClassifyBuiltinFormat(id), DateKind::kNumber) << id;
}

TEST(XlsxNumberFormatTest, CustomFormatCodes) {
  struct Case {
    const char* code;
    DateKind kind;
  };
  const Case cases[] = {
      {"yyyy-mm-dd", DateKind::kDate},
      {"dd/mm/yyyy", DateKind::kDate},
      {"mmm-yy", DateKind::kDate},
      {"[$-409]mmmm d, yyyy;@", DateKind::kDate},
      {"DD.MM.YYYY", DateKind::kDate},
      {"yyyy-mm-dd hh:mm:ss", DateKind::kDateTime},
      {"m/d/yyyy h:mm AM/PM", DateKind::kDateTime},
      {"h:mm AM/PM", DateKind::kTime},
      {"hh:mm", DateKind::kTime},
      {"mm:ss", DateKind::kTime},
      {"[h]:mm:ss", DateKind::kDuration},
      {"[mm]:ss", DateKind::kDuration},
      {"General", DateKind::kNumber},
      {"#,##0.00", DateKind::kNumber},
      {"0.00E+00", DateKind::kNumber},
      {"[Red]0.00", DateKind::kNumber},
      {"#,##0_);[Red](#,##0)", DateKind::kNumber},
      {"0.0 \"days\"", DateKind::kNumber},        // quoted text is not a token
      {"0\\m", DateKind::kNumber},                 // escaped letter
      {"#,##0 [$EUR]", DateKind::kNumber},         // currency in brackets
      {"0.00;\"-\";\"yes\";@", DateKind::kNumber},  // only the first section counts
      {"_-* #,##0.00_-;-* #,##0.00_-", DateKind::kNumber},
  };
  for (const Case& c : cases) EXPECT_EQ(xlsx::ClassifyFormatCode(c.code), c.kind) << c.code;
}

TEST(XlsxNumberFormatTest, NumbersPrintWithoutFloatNoise) {
  EXPECT_EQ(xlsx::FormatNumber(42), "42");
  EXPECT_EQ(xlsx::FormatNumber(-7), "-7");
  EXPECT_EQ(xlsx::FormatNumber(-0.0), "0");
  EXPECT_EQ(xlsx::FormatNumber(0.1), "0.1");
  EXPECT_EQ(xlsx::FormatNumber(0.1 + 0.2), "0.3");
  EXPECT_EQ(xlsx::FormatNumber(2.9999999999999996), "3");
  EXPECT_EQ(xlsx::FormatNumber(1234567.891), "1234567.891");
  EXPECT_EQ(xlsx::FormatNumber(1.0 / 3.0), "0.333333333333333");
  EXPECT_EQ(xlsx::FormatNumber(9007199254740991.0), "9007199254740991");
  EXPECT_EQ(xlsx::FormatNumber(1e20), "1e+20");
  EXPECT_EQ(xlsx::FormatNumber(1.5e-7), "1.5e-07");
}

TEST(XlsxNumberFormatTest, SerialDatesIn1900System) {
  EXPECT_EQ(xlsx::FormatSerial(45352, DateKind::kDate, false), "2024-03-01");
  EXPECT_EQ(xlsx::FormatSerial(45352.5, DateKind::kDate, false), "2024-03-01 12:00:00");
  EXPECT_EQ(xlsx::FormatSerial(45352, DateKind::kDateTime, false), "2024-03-01 00:00:00");
  EXPECT_EQ(xlsx::FormatSerial(45352.604166666664, DateKind::kDateTime, false), "2024-03-01 14:30:00");
  // Excel's phantom 1900-02-29 (serial 60): the days around it are right.
  EXPECT_EQ(xlsx::FormatSerial(1, DateKind::kDate, false), "1900-01-01");
  EXPECT_EQ(xlsx::FormatSerial(59, DateKind::kDate, false), "1900-02-28");
  EXPECT_EQ(xlsx::FormatSerial(61, DateKind::kDate, false), "1900-03-01");
  EXPECT_EQ(xlsx::FormatSerial(60, DateKind::kDate, false), "1900-02-28");
  EXPECT_EQ(xlsx::FormatSerial(2958465, DateKind::kDate, false), "9999-12-31");
  // Rounding to the second may carry into the next day.
  EXPECT_EQ(xlsx::FormatSerial(45352.999999999, DateKind::kDateTime, false), "2024-03-02 00:00:00");
  // Out of Excel's range: the caller prints the number.
  EXPECT_EQ(xlsx::FormatSerial(-1, DateKind::kDate, false), std::nullopt);
  EXPECT_EQ(xlsx::FormatSerial(2958466, DateKind::kDate, false), std::nullopt);
  EXPECT_EQ(xlsx::FormatSerial(45352, DateKind::kNumber, false), std::nullopt);
}

TEST(XlsxNumberFormatTest, SerialDatesIn1904SystemTimesAndDurations) {
  EXPECT_EQ(xlsx::FormatSerial(0, DateKind::kDate, true), "1904-01-01");
  EXPECT_EQ(xlsx::FormatSerial(43890, DateKind::kDate, true), "2024-03-01");
  EXPECT_EQ(xlsx::FormatSerial(0.75, DateKind::kTime, false), "18:00:00");
  EXPECT_EQ(xlsx::FormatSerial(45352.75, DateKind::kTime, false), "2024-03-01 18:00:00");
  EXPECT_EQ(xlsx::FormatSerial(27.5 / 24, DateKind::kDuration, false), "27:30:00");
}

TEST(XlsxSheetTest, ColumnNamesAndIndexes) {
  EXPECT_EQ(xlsx::ColumnIndex("A"), 0);
  EXPECT_EQ(xlsx::ColumnIndex("z"), 25);
  EXPECT_EQ(xlsx::ColumnIndex("AA"), 26);
  EXPECT_EQ(xlsx::ColumnIndex("XFD"), 16383);
  EXPECT_EQ(xlsx::ColumnIndex("XFE"), -1);
  EXPECT_EQ(xlsx::ColumnIndex(""), -1);
  EXPECT_EQ(xlsx::ColumnIndex("A1"), -1);
  EXPECT_EQ(xlsx::ColumnName(0), "A");
  EXPECT_EQ(xlsx::ColumnName(27), "AB");
  EXPECT_EQ(xlsx::ColumnName(16383), "XFD");
}

// ---------------------------------------------------------------------------------------
// Workbooks written by libxlsxwriter.

// Owns an lxw_workbook being written; Close() writes the file.
class Book {
 public:
  Book(const std::filesystem::path& path, bool constant_memory = false) {
    lxw_workbook_options options = {};
    options.constant_memory = constant_memory ? LXW_TRUE : LXW_FALSE;
    wb_ = workbook_new_opt(path.c_str(), &options);
    if (!wb_) throw std::runtime_error("workbook_new_opt failed");
  }
  ~Book() {
    if (wb_) workbook_close(wb_);
  }
  lxw_worksheet* Sheet(const std::string& name) { return workbook_add_worksheet(wb_, name.c_str()); }
  lxw_format* NumFormat(const std::string& code) {
    lxw_format* f = workbook_add_format(wb_);
    format_set_num_format(f, code.c_str());
    return f;
  }
  lxw_format* BuiltinFormat(uint8_t index) {
    lxw_format* f = workbook_add_format(wb_);
    format_set_num_format_index(f, index);
    return f;
  }
  lxw_workbook* get() { return wb_; }
  void Close() {
    ASSERT_EQ(workbook_close(wb_), LXW_NO_ERROR);
    wb_ = nullptr;
  }

 private:
  lxw_workbook* wb_ = nullptr;
};

struct SheetRows {
  std::string name;
  std::vector<std::string> header;
  std::vector<std::vector<std::string>> rows;
  std::vector<int64_t> lines;
};

SheetRows Collect(RowSource* source) {
  SheetRows out;
  out.name = source->name();
  out.header = source->header();
  Status st = source->ForEachRow([&](const RowView& row) {
    out.rows.emplace_back(row.fields.begin(), row.fields.end());
    out.lines.push_back(row.line);
    return Status::Ok();
  });
  EXPECT_TRUE(st.ok()) << st.ToString();
  return out;
}

std::vector<SheetRows> ReadSheets(const std::filesystem::path& path) {
  auto sources = OpenXlsxSheets(path);
  EXPECT_TRUE(sources.ok()) << sources.status().ToString();
  std::vector<SheetRows> out;
  if (!sources.ok()) return out;
  for (auto& s : *sources) out.push_back(Collect(s.get()));
  return out;
}

using Row = std::vector<std::string>;

lxw_datetime DateTime(int y, int mo, int d, int h = 0, int mi = 0, double s = 0) {
  lxw_datetime dt = {};
  dt.year = y;
  dt.month = mo;
  dt.day = d;
  dt.hour = h;
  dt.min = mi;
  dt.sec = s;
  return dt;
}

class XlsxReaderTest : public ::testing::Test {
 protected:
  // Rewrites a file's ZIP entries through `edit(name, bytes)`, keeping their order.
  void EditParts(const std::filesystem::path& path,
                 const std::function<void(const std::string&, std::string*)>& edit) {
    std::vector<std::pair<std::string, std::string>> entries;
    {
      auto zip = ZipArchive::Open(path);
      ASSERT_TRUE(zip.ok()) << zip.status().ToString();
      for (const ZipEntry& e : (*zip)->entries()) {
        auto bytes = (*zip)->Read(e);
        ASSERT_TRUE(bytes.ok()) << bytes.status().ToString();
        edit(e.path, &bytes.value());
        entries.emplace_back(e.path, std::move(bytes.value()));
      }
    }
    WriteZip(path, entries);
  }

  Status ExpectError(const std::filesystem::path& path) {
    auto r = OpenXlsxSheets(path);
    EXPECT_FALSE(r.ok());
    return r.ok() ? Status::Ok() : r.status();
  }

  TempDir dir_;
};

TEST_F(XlsxReaderTest, ReadsEveryCellTypeFromSeveralSheets) {
  const auto path = dir_ / "shop.xlsx";
  {
    Book book(path);
    lxw_format* date = book.NumFormat("yyyy-mm-dd");
    lxw_format* datetime = book.NumFormat("dd/mm/yyyy hh:mm:ss");
    lxw_format* builtin_date = book.BuiltinFormat(14);
    lxw_format* money = book.NumFormat("#,##0.00 [$EUR]");
    lxw_worksheet* orders = book.Sheet("Orders");
    const char* labels[] = {"Order", "Customer", "Amount", "Day", "Placed at", "Paid", "Total", "Shipped"};
    for (int c = 0; c < 8; ++c) worksheet_write_string(orders, 0, c, labels[c], nullptr);
    for (int r = 1; r <= 3; ++r) {
      worksheet_write_number(orders, r, 0, 1000 + r, nullptr);
      worksheet_write_string(orders, r, 1, r == 2 ? "Zoë" : "Acme Ltd", nullptr);
      worksheet_write_number(orders, r, 2, r * 10.1, money);
      lxw_datetime day = DateTime(2024, 3, r);
      worksheet_write_datetime(orders, r, 3, &day, date);
      lxw_datetime placed = DateTime(2024, 3, r, 14, 30, 5);
      worksheet_write_datetime(orders, r, 4, &placed, datetime);
      worksheet_write_boolean(orders, r, 5, r != 2, nullptr);
      std::string formula = "=A" + std::to_string(r + 1) + "*2";
      worksheet_write_formula_num(orders, r, 6, formula.c_str(), nullptr, (1000 + r) * 2);
      lxw_datetime shipped = DateTime(2024, 4, r);
      worksheet_write_datetime(orders, r, 7, &shipped, builtin_date);
    }
    lxw_worksheet* people = book.Sheet("People");
    worksheet_write_string(people, 0, 0, "name", nullptr);
    worksheet_write_string(people, 0, 1, "age", nullptr);
    worksheet_write_string(people, 1, 0, "Ann", nullptr);
    worksheet_write_number(people, 1, 1, 0.1 + 0.2, nullptr);
    book.Close();
  }
  auto sheets = ReadSheets(path);
  ASSERT_EQ(sheets.size(), 2u);
  EXPECT_EQ(sheets[0].name, "shop.xlsx#Orders");
  EXPECT_EQ(sheets[0].header, (Row{"Order", "Customer", "Amount", "Day", "Placed at", "Paid", "Total", "Shipped"}));
  ASSERT_EQ(sheets[0].rows.size(), 3u);
  EXPECT_EQ(sheets[0].rows[0],
            (Row{"1001", "Acme Ltd", "10.1", "2024-03-01", "2024-03-01 14:30:05", "TRUE", "2002", "2024-04-01"}));
  EXPECT_EQ(sheets[0].rows[1],
            (Row{"1002", "Zoë", "20.2", "2024-03-02", "2024-03-02 14:30:05", "FALSE", "2004", "2024-04-02"}));
  EXPECT_EQ(sheets[0].rows[2][2], "30.3");
  EXPECT_EQ(sheets[0].lines, (std::vector<int64_t>{2, 3, 4}));
  EXPECT_EQ(sheets[1].name, "shop.xlsx#People");
  EXPECT_EQ(sheets[1].header, (Row{"name", "age"}));
  EXPECT_EQ(sheets[1].rows, (std::vector<Row>{{"Ann", "0.3"}}));
}

TEST_F(XlsxReaderTest, SkipsTitleRowsAboveTheHeaderAndTrimsEmptyEdges) {
  const auto path = dir_ / "report.xlsx";
  {
    Book book(path);
    lxw_worksheet* ws = book.Sheet("Report");
    worksheet_write_string(ws, 0, 0, "Quarterly sales report", nullptr);
    worksheet_write_string(ws, 1, 0, "Generated by finance", nullptr);
    // The table starts at C4; column B and row 3 are empty, columns after E are empty.
    worksheet_write_string(ws, 3, 2, "Region", nullptr);
    worksheet_write_string(ws, 3, 3, "Q1", nullptr);
    worksheet_write_string(ws, 3, 4, "Q2", nullptr);
    worksheet_write_string(ws, 4, 2, "North", nullptr);
    worksheet_write_number(ws, 4, 3, 10, nullptr);
    worksheet_write_number(ws, 4, 4, 11.5, nullptr);
    // An empty row inside the table, a row with a missing cell, and styled blanks after it.
    worksheet_write_string(ws, 6, 2, "South", nullptr);
    worksheet_write_number(ws, 6, 4, 12, nullptr);
    worksheet_write_blank(ws, 9, 7, book.NumFormat("0.00"));
    book.Close();
  }
  auto sheets = ReadSheets(path);
  ASSERT_EQ(sheets.size(), 1u);
  EXPECT_EQ(sheets[0].header, (Row{"Region", "Q1", "Q2"}));
  EXPECT_EQ(sheets[0].rows, (std::vector<Row>{{"North", "10", "11.5"}, {"South", "", "12"}}));
  EXPECT_EQ(sheets[0].lines, (std::vector<int64_t>{5, 7}));
}

TEST_F(XlsxReaderTest, HeaderWithNumericLabelsBeatsATitleRow) {
  const auto path = dir_ / "years.xlsx";
  {
    Book book(path);
    lxw_worksheet* ws = book.Sheet("Years");
    worksheet_write_string(ws, 0, 0, "Population by year", nullptr);
    worksheet_write_string(ws, 2, 0, "Country", nullptr);
    worksheet_write_number(ws, 2, 1, 2021, nullptr);
    worksheet_write_number(ws, 2, 2, 2022, nullptr);
    worksheet_write_string(ws, 3, 0, "France", nullptr);
    worksheet_write_number(ws, 3, 1, 67.5, nullptr);
    worksheet_write_number(ws, 3, 2, 67.8, nullptr);
    book.Close();
  }
  auto sheets = ReadSheets(path);
  ASSERT_EQ(sheets.size(), 1u);
  EXPECT_EQ(sheets[0].header, (Row{"Country", "2021", "2022"}));
  EXPECT_EQ(sheets[0].rows, (std::vector<Row>{{"France", "67.5", "67.8"}}));
}

TEST_F(XlsxReaderTest, SheetWithoutTextHasNoHeaderRow) {
  const auto path = dir_ / "matrix.xlsx";
  {
    Book book(path);
    lxw_worksheet* ws = book.Sheet("Matrix");
    for (int r = 0; r < 3; ++r)
      for (int c = 0; c < 2; ++c) worksheet_write_number(ws, r, c, r * 2 + c, nullptr);
    book.Close();
  }
  auto sources = OpenXlsxSheets(path);
  ASSERT_TRUE(sources.ok()) << sources.status().ToString();
  auto* sheet = dynamic_cast<xlsx::SheetSource*>((*sources)[0].get());
  ASSERT_NE(sheet, nullptr);
  EXPECT_EQ(sheet->header_row(), 0);
  SheetRows rows = Collect(sheet);
  EXPECT_EQ(rows.header, (Row{"column_1", "column_2"}));
  EXPECT_EQ(rows.rows, (std::vector<Row>{{"0", "1"}, {"2", "3"}, {"4", "5"}}));
  EXPECT_EQ(rows.lines, (std::vector<int64_t>{1, 2, 3}));
}

TEST_F(XlsxReaderTest, SharedRichAndInlineStrings) {
  const auto shared = dir_ / "shared.xlsx";
  {
    Book book(shared);
    lxw_worksheet* ws = book.Sheet("S");
    worksheet_write_string(ws, 0, 0, "label", nullptr);
    lxw_format* bold = workbook_add_format(book.get());
    format_set_bold(bold);
    lxw_rich_string_tuple part1 = {nullptr, const_cast<char*>("plain and ")};
    lxw_rich_string_tuple part2 = {bold, const_cast<char*>("bold")};
    lxw_rich_string_tuple* rich[] = {&part1, &part2, nullptr};
    worksheet_write_rich_string(ws, 1, 0, rich, nullptr);
    worksheet_write_string(ws, 2, 0, " padded ", nullptr);
    worksheet_write_string(ws, 3, 0, "tab\there & <there>", nullptr);
    book.Close();
  }
  auto a = ReadSheets(shared);
  ASSERT_EQ(a.size(), 1u);
  EXPECT_EQ(a[0].rows, (std::vector<Row>{{"plain and bold"}, {" padded "}, {"tab\there & <there>"}}));

  const auto inline_path = dir_ / "inline.xlsx";
  {
    Book book(inline_path, /*constant_memory=*/true);
    lxw_worksheet* ws = book.Sheet("I");
    worksheet_write_string(ws, 0, 0, "city", nullptr);
    worksheet_write_string(ws, 0, 1, "n", nullptr);
    worksheet_write_string(ws, 1, 0, "Zürich", nullptr);
    worksheet_write_number(ws, 1, 1, 3, nullptr);
    book.Close();
  }
  // constant_memory mode writes inline strings, not a shared string table.
  std::string inline_xml;
  EditParts(inline_path, [&](const std::string& name, std::string* bytes) {
    if (name == "xl/worksheets/sheet1.xml") inline_xml = *bytes;
  });
  EXPECT_TRUE(Contains(inline_xml, "inlineStr")) << inline_xml;
  auto b = ReadSheets(inline_path);
  ASSERT_EQ(b.size(), 1u);
  EXPECT_EQ(b[0].header, (Row{"city", "n"}));
  EXPECT_EQ(b[0].rows, (std::vector<Row>{{"Zürich", "3"}}));
}

TEST_F(XlsxReaderTest, DateSystem1904) {
  const auto path = dir_ / "mac.xlsx";
  {
    Book book(path);
    lxw_worksheet* ws = book.Sheet("Dates");
    worksheet_write_string(ws, 0, 0, "day", nullptr);
    // The serial for 2024-03-01 in the 1904 system, written as a plain number.
    worksheet_write_number(ws, 1, 0, 43890, book.NumFormat("yyyy-mm-dd"));
    book.Close();
  }
  EditParts(path, [](const std::string& name, std::string* bytes) {
    if (name != "xl/workbook.xml") return;
    size_t pos = bytes->find("<workbookPr");
    ASSERT_NE(pos, std::string::npos);
    bytes->insert(pos + std::string("<workbookPr").size(), " date1904=\"1\"");
  });
  auto sheets = ReadSheets(path);
  ASSERT_EQ(sheets.size(), 1u);
  EXPECT_EQ(sheets[0].rows, (std::vector<Row>{{"2024-03-01"}}));
}

TEST_F(XlsxReaderTest, EmptySheetsAreSkippedAndAllEmptyIsAnError) {
  const auto path = dir_ / "gaps.xlsx";
  {
    Book book(path);
    book.Sheet("Blank");
    lxw_worksheet* ws = book.Sheet("Data");
    worksheet_write_string(ws, 0, 0, "x", nullptr);
    worksheet_write_number(ws, 1, 0, 1, nullptr);
    lxw_worksheet* styled = book.Sheet("Styled only");
    worksheet_write_blank(styled, 3, 3, book.NumFormat("0.0"));
    book.Close();
  }
  auto sheets = ReadSheets(path);
  ASSERT_EQ(sheets.size(), 1u);
  EXPECT_EQ(sheets[0].name, "gaps.xlsx#Data");

  const auto empty = dir_ / "empty.xlsx";
  {
    Book book(empty);
    book.Sheet("Sheet1");
    book.Sheet("Sheet2");
    book.Close();
  }
  Status st = ExpectError(empty);
  EXPECT_EQ(st.code(), Status::Code::kInvalidArgument);
  EXPECT_TRUE(Contains(st.message(), "empty.xlsx: the workbook has no non-empty sheet")) << st.message();
}

// ---------------------------------------------------------------------------------------
// Hand-written parts: what other writers produce and what libxlsxwriter cannot.

constexpr char kContentTypes[] =
    R"(<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Default Extension="xml" ContentType="application/xml"/></Types>)";
constexpr char kRootRels[] =
    R"(<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="xl/workbook.xml"/></Relationships>)";

// A minimal package: one worksheet per (name, sheetData XML) pair, optional shared strings.
std::vector<std::pair<std::string, std::string>> Package(
    const std::vector<std::pair<std::string, std::string>>& sheets, const std::string& shared_strings = "",
    const std::string& styles = "") {
  std::string workbook =
      R"(<?xml version="1.0" encoding="UTF-8"?><workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"><sheets>)";
  std::string rels =
      R"(<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">)";
  std::vector<std::pair<std::string, std::string>> parts = {{"[Content_Types].xml", kContentTypes},
                                                            {"_rels/.rels", kRootRels}};
  for (size_t i = 0; i < sheets.size(); ++i) {
    const std::string n = std::to_string(i + 1);
    workbook += "<sheet name=\"" + sheets[i].first + "\" sheetId=\"" + n + "\" r:id=\"rId" + n + "\"/>";
    rels += "<Relationship Id=\"rId" + n +
            "\" Type=\"http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet\" "
            "Target=\"worksheets/sheet" + n + ".xml\"/>";
    parts.emplace_back("xl/worksheets/sheet" + n + ".xml",
                       R"(<?xml version="1.0" encoding="UTF-8"?><worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>)" +
                           sheets[i].second + "</sheetData></worksheet>");
  }
  workbook += "</sheets></workbook>";
  rels += "</Relationships>";
  parts.emplace_back("xl/workbook.xml", workbook);
  parts.emplace_back("xl/_rels/workbook.xml.rels", rels);
  if (!shared_strings.empty()) parts.emplace_back("xl/sharedStrings.xml", shared_strings);
  if (!styles.empty()) parts.emplace_back("xl/styles.xml", styles);
  return parts;
}

TEST_F(XlsxReaderTest, ErrorCellsIsoDatesEscapesAndMissingReferences) {
  const std::string sst =
      R"(<sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" count="3" uniqueCount="3">)"
      R"(<si><t>name</t></si><si><t>line_x000D_break</t></si>)"
      R"(<si><r><t>Tok</t></r><r><t>yo</t></r><rPh sb="0" eb="2"><t>トウキョウ</t></rPh></si></sst>)";
  const std::string styles =
      R"(<styleSheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">)"
      R"(<numFmts count="1"><numFmt numFmtId="164" formatCode="d\.m\.yyyy"/></numFmts>)"
      R"(<cellXfs count="3"><xf numFmtId="0"/><xf numFmtId="164"/><xf numFmtId="22"/></cellXfs></styleSheet>)";
  // Row 1 has no r attributes at all; row 2 uses the strict ISO date type and an error cell.
  const std::string data =
      R"(<row><c t="s"><v>0</v></c><c t="inlineStr"><is><t>when</t></is></c><c t="inlineStr"><is><t>at</t></is></c><c t="inlineStr"><is><t>v</t></is></c></row>)"
      R"(<row r="2"><c r="A2" t="s"><v>1</v></c><c r="B2" t="d" s="1"><v>2024-03-01T00:00:00Z</v></c><c r="C2" s="2"><v>45352.5</v></c><c r="D2" t="e"><v>#N/A</v></c></row>)"
      R"(<row r="3"><c r="A3" t="s"><v>2</v></c><c r="B3" s="1"><v>45353</v></c><c r="C3" t="str"><f>X</f><v>text result</v></c><c r="D3" t="b"><v>0</v></c></row>)";
  const auto path = dir_ / "hand.xlsx";
  WriteZip(path, Package({{"Mixed", data}}, sst, styles));
  auto sheets = ReadSheets(path);
  ASSERT_EQ(sheets.size(), 1u);
  EXPECT_EQ(sheets[0].header, (Row{"name", "when", "at", "v"}));
  EXPECT_EQ(sheets[0].rows, (std::vector<Row>{{"line\rbreak", "2024-03-01", "2024-03-01 12:00:00", ""},
                                              {"Tokyo", "2024-03-02", "text result", "FALSE"}}));
}

TEST_F(XlsxReaderTest, PrefixedElementNamesAndChartSheets) {
  // Some writers qualify every element ("x:row"); a chart sheet has no cells.
  const std::string workbook =
      R"(<x:workbook xmlns:x="http://schemas.openxmlformats.org/spreadsheetml/2006/main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"><x:workbookPr/><x:sheets>)"
      R"(<x:sheet name="Chart" sheetId="1" r:id="rId1"/><x:sheet name="Data" sheetId="2" r:id="rId2"/></x:sheets></x:workbook>)";
  const std::string rels =
      R"(<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">)"
      R"(<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/chartsheet" Target="chartsheets/sheet1.xml"/>)"
      R"(<Relationship Id="rId2" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="/xl/worksheets/data.xml"/></Relationships>)";
  const std::string sheet =
      R"(<x:worksheet xmlns:x="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><x:sheetData>)"
      R"(<x:row x:r="1"><x:c r="A1" t="inlineStr"><x:is><x:t>k</x:t></x:is></x:c></x:row>)"
      R"(<x:row r="2"><x:c r="A2"><x:v>7</x:v></x:c></x:row></x:sheetData></x:worksheet>)";
  const auto path = dir_ / "prefixed.xlsx";
  WriteZip(path, {{"[Content_Types].xml", kContentTypes},
                  {"_rels/.rels", kRootRels},
                  {"xl/workbook.xml", workbook},
                  {"xl/_rels/workbook.xml.rels", rels},
                  {"xl/chartsheets/sheet1.xml", "<chartsheet/>"},
                  {"xl/worksheets/data.xml", sheet}});
  auto sheets = ReadSheets(path);
  ASSERT_EQ(sheets.size(), 1u);
  EXPECT_EQ(sheets[0].name, "prefixed.xlsx#Data");
  EXPECT_EQ(sheets[0].header, (Row{"k"}));
  EXPECT_EQ(sheets[0].rows, (std::vector<Row>{{"7"}}));
}

// Parses worksheet XML directly, with a tiny slice size so that rows span many slices.
Result<std::unique_ptr<xlsx::SheetSource>> ParseSheetXml(const std::string& xml, size_t slice_bytes) {
  xlsx::WorkbookInfo book;
  book.shared_strings = std::make_shared<std::vector<std::string>>(std::vector<std::string>{"label"});
  xlsx::SheetRef ref{"S", "xl/worksheets/sheet1.xml", ""};
  return xlsx::SheetSource::Parse("b.xlsx#S", "b.xlsx", ref, xml, book, slice_bytes);
}

std::string WorksheetXml(const std::string& sheet_data_open, const std::string& rows, const std::string& close) {
  return R"(<?xml version="1.0"?><worksheet xmlns="urn:x"><dimension ref="A1:B9"/>)" + sheet_data_open + rows +
         close + R"(<mergeCells count="1"><mergeCell ref="A1:B1"/></mergeCells></worksheet>)";
}

TEST(XlsxSheetSliceTest, RowsAreTheSameWhateverTheSliceSize) {
  std::string rows = R"(<row r="1"><c r="A1" t="s"><v>0</v></c><c r="B1" t="inlineStr"><is><t>n</t></is></c></row>)";
  for (int r = 2; r <= 40; ++r)
    rows += "<row r=\"" + std::to_string(r) + "\"><c r=\"A" + std::to_string(r) + "\" t=\"inlineStr\"><is><t>row " +
            std::to_string(r) + "</t></is></c><c r=\"B" + std::to_string(r) + "\"><v>" + std::to_string(r * 1.5) +
            "</v></c></row>\n";
  rows += R"(<row r="41"/>)";
  const std::string plain = WorksheetXml("<sheetData>", rows, "</sheetData>");
  // A comment among the rows makes the part unsafe to cut: it is parsed whole.
  const std::string commented = WorksheetXml("<sheetData>", "<!-- <row r=\"99\"> -->" + rows, "</sheetData>");
  std::vector<SheetRows> results;
  for (size_t slice : {size_t{1}, size_t{50}, size_t{333}, xlsx::SheetSource::kSliceBytes}) {
    for (const std::string* xml : {&plain, &commented}) {
      auto sheet = ParseSheetXml(*xml, slice);
      ASSERT_TRUE(sheet.ok()) << sheet.status().ToString();
      results.push_back(Collect(sheet->get()));
    }
  }
  ASSERT_EQ(results[0].header, (Row{"label", "n"}));
  ASSERT_EQ(results[0].rows.size(), 39u);
  EXPECT_EQ(results[0].rows[0], (Row{"row 2", "3"}));
  EXPECT_EQ(results[0].rows[38], (Row{"row 40", "60"}));
  EXPECT_EQ(results[0].lines.back(), 40);
  for (const SheetRows& r : results) {
    EXPECT_EQ(r.header, results[0].header);
    EXPECT_EQ(r.rows, results[0].rows);
    EXPECT_EQ(r.lines, results[0].lines);
  }
}

TEST(XlsxSheetSliceTest, MalformedXmlOffsetsPointIntoThePart) {
  const std::string good = R"(<row r="1"><c r="A1" t="s"><v>0</v></c></row><row r="2"><c r="A2"><v>1</v></c></row>)";
  const std::string bad_row = R"(<row r="3"><c r="A3"><v>2</v></row>)";
  const std::string xml = WorksheetXml("<sheetData>", good + bad_row, "</sheetData>");
  for (size_t slice : {size_t{10}, xlsx::SheetSource::kSliceBytes}) {
    auto sheet = ParseSheetXml(xml, slice);
    ASSERT_FALSE(sheet.ok());
    const std::string& m = sheet.status().message();
    EXPECT_TRUE(Contains(m, "b.xlsx: malformed XML in part xl/worksheets/sheet1.xml at byte offset ")) << m;
    // pugixml reports the mismatched end tag; the offset lies inside the bad row.
    size_t at = m.find("byte offset ") + 12;
    size_t offset = std::stoul(m.substr(at));
    size_t row_start = xml.find(bad_row);
    EXPECT_GE(offset, row_start) << m;
    EXPECT_LE(offset, row_start + bad_row.size()) << m;
  }
  // Broken XML after the rows is found too, with its offset in the whole part.
  std::string tail_broken = WorksheetXml("<sheetData>", good, "</sheetData>");
  tail_broken.insert(tail_broken.find("<mergeCells"), "<oops>");
  auto sheet = ParseSheetXml(tail_broken, 16);
  ASSERT_FALSE(sheet.ok());
  size_t offset = std::stoul(sheet.status().message().substr(sheet.status().message().find("byte offset ") + 12));
  EXPECT_GT(offset, tail_broken.find("</sheetData>")) << sheet.status().message();
}

// ---------------------------------------------------------------------------------------
// Errors.

TEST_F(XlsxReaderTest, RandomBytesAreNotAWorkbook) {
  const auto path = dir_ / "noise.xlsx";
  std::string bytes;
  for (int i = 0; i < 4096; ++i) bytes.push_back(static_cast<char>((i * 7919 + 13) % 251));
  WriteFile(path, bytes);
  Status st = ExpectError(path);
  EXPECT_EQ(st.code(), Status::Code::kInvalidArgument);
  EXPECT_TRUE(Contains(st.message(), path.string() + ": not an Excel .xlsx workbook")) << st.message();

  // A "PK" prefix alone does not make a ZIP.
  WriteFile(path, "PK\x03\x04 and then garbage that is no archive at all");
  st = ExpectError(path);
  EXPECT_TRUE(Contains(st.message(), ": not an Excel .xlsx workbook")) << st.message();

  WriteFile(path, "");
  st = ExpectError(path);
  EXPECT_TRUE(Contains(st.message(), ": not an Excel .xlsx workbook")) << st.message();
}

TEST_F(XlsxReaderTest, CfbFilesAreLegacyOrEncrypted) {
  const auto path = dir_ / "old.xls";
  std::string bytes = "\xD0\xCF\x11\xE0\xA1\xB1\x1A\xE1";
  bytes.append(504, '\0');
  WriteFile(path, bytes);
  Status st = ExpectError(path);
  EXPECT_EQ(st.code(), Status::Code::kInvalidArgument);
  EXPECT_EQ(st.message(), path.string() + ": is an encrypted or legacy .xls workbook; save it as .xlsx");
}

TEST_F(XlsxReaderTest, ZipWithoutWorkbookIsNotAWorkbook) {
  const auto path = dir_ / "plain.xlsx";
  WriteZip(path, {{"data.csv", "a,b\n1,2\n"}, {"docs/", ""}});
  Status st = ExpectError(path);
  EXPECT_EQ(st.code(), Status::Code::kInvalidArgument);
  EXPECT_TRUE(Contains(st.message(), path.string() + ": not an Excel .xlsx workbook (the ZIP archive has no xl/workbook.xml)"))
      << st.message();

  WriteZip(path, {{"_rels/.rels", kRootRels}, {"xl/workbook.bin", "binary"}});
  st = ExpectError(path);
  EXPECT_TRUE(Contains(st.message(), "is a binary .xlsb workbook; save it as .xlsx")) << st.message();
}

TEST_F(XlsxReaderTest, MissingFileIsNotFound) {
  Status st = ExpectError(dir_ / "nope.xlsx");
  EXPECT_EQ(st.code(), Status::Code::kNotFound);
  EXPECT_TRUE(Contains(st.message(), "nope.xlsx: no such file")) << st.message();
}

TEST_F(XlsxReaderTest, MalformedXmlNamesThePart) {
  const auto path = dir_ / "broken.xlsx";
  WriteZip(path, Package({{"Data", R"(<row r="1"><c r="A1"><v>1</v></row>)"}}));
  Status st = ExpectError(path);
  EXPECT_EQ(st.code(), Status::Code::kInvalidArgument);
  EXPECT_TRUE(Contains(st.message(), "broken.xlsx: malformed XML in part xl/worksheets/sheet1.xml at byte offset"))
      << st.message();

  auto parts = Package({{"Data", R"(<row r="1"><c r="A1"><v>1</v></c></row>)"}});
  for (auto& [name, bytes] : parts)
    if (name == "xl/workbook.xml") bytes = "<workbook><sheets><sheet name='x'</sheets></workbook>";
  WriteZip(path, parts);
  st = ExpectError(path);
  EXPECT_TRUE(Contains(st.message(), "malformed XML in part xl/workbook.xml")) << st.message();
}

TEST_F(XlsxReaderTest, BadReferencesAreReportedWithTheCell) {
  const auto path = dir_ / "refs.xlsx";
  WriteZip(path, Package({{"Data", R"(<row r="1"><c r="A1" t="s"><v>5</v></c></row>)"}},
                         R"(<sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><si><t>only</t></si></sst>)"));
  Status st = ExpectError(path);
  EXPECT_TRUE(Contains(st.message(), "sheet 'Data' (xl/worksheets/sheet1.xml): cell A1: shared string index '5' is "
                                     "out of range (the workbook has 1 shared strings)"))
      << st.message();

  WriteZip(path, Package({{"Data", R"(<row r="1"><c r="1A"><v>5</v></c></row>)"}}));
  st = ExpectError(path);
  EXPECT_TRUE(Contains(st.message(), "invalid cell reference '1A'")) << st.message();

  WriteZip(path, Package({{"Data", R"(<row r="0"><c><v>5</v></c></row>)"}}));
  st = ExpectError(path);
  EXPECT_TRUE(Contains(st.message(), "invalid row number '0'")) << st.message();
}

TEST_F(XlsxReaderTest, MissingSheetPartOrRelationshipIsAnError) {
  const auto path = dir_ / "holes.xlsx";
  auto parts = Package({{"Data", R"(<row r="1"><c r="A1"><v>1</v></c></row>)"}});
  std::erase_if(parts, [](const auto& p) { return p.first == "xl/worksheets/sheet1.xml"; });
  WriteZip(path, parts);
  Status st = ExpectError(path);
  EXPECT_TRUE(Contains(st.message(), "sheet 'Data': its part xl/worksheets/sheet1.xml is missing")) << st.message();

  parts = Package({{"Data", R"(<row r="1"><c r="A1"><v>1</v></c></row>)"}});
  std::erase_if(parts, [](const auto& p) { return p.first == "xl/_rels/workbook.xml.rels"; });
  WriteZip(path, parts);
  st = ExpectError(path);
  EXPECT_TRUE(Contains(st.message(), "sheet 'Data' refers to relationship 'rId1', which xl/_rels/workbook.xml.rels "
                                     "does not define"))
      << st.message();
}

TEST_F(XlsxReaderTest, OversizedWorksheetIsRefusedBeforeParsing) {
  const auto path = dir_ / "big.xlsx";
  std::string rows;
  for (int r = 1; r <= 200; ++r)
    rows += "<row r=\"" + std::to_string(r) + "\"><c r=\"A" + std::to_string(r) + "\"><v>" + std::to_string(r) +
            "</v></c></row>";
  WriteZip(path, Package({{"Big", rows}}));
  XlsxLimits limits;
  limits.max_part_bytes = 4096;
  auto r = OpenXlsxSheets(path, limits);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().code(), Status::Code::kRefused);
  EXPECT_TRUE(Contains(r.status().message(), "sheet 'Big' is too large to read into memory (xl/worksheets/sheet1.xml is "))
      << r.status().message();
  EXPECT_TRUE(Contains(r.status().message(), "the limit is 4096")) << r.status().message();
  EXPECT_TRUE(OpenXlsxSheets(path).ok());
}

// ---------------------------------------------------------------------------------------
// IngestXlsx: sheets to tables.

class IngestXlsxTest : public XlsxReaderTest {
 protected:
  void SetUp() override {
    auto db = OpenSqlite(dir_ / "data.db", OpenMode::kReadWriteCreate);
    ASSERT_TRUE(db.ok()) << db.status().ToString();
    db_ = std::move(db).value();
  }

  Status Ingest(const std::filesystem::path& path) {
    report_ = IngestReport();
    Status begin = ExecSql(db_.get(), "BEGIN");
    if (!begin.ok()) return begin;
    Status st = IngestXlsx(path, db_.get(), BuildOptions(), &report_);
    Status end = ExecSql(db_.get(), st.ok() ? "COMMIT" : "ROLLBACK");
    return st.ok() ? end : st;
  }

  std::vector<std::string> Strings(const std::string& sql) {
    std::vector<std::string> out;
    auto st = PrepareSql(db_.get(), sql);
    EXPECT_TRUE(st.ok()) << st.status().ToString();
    if (!st.ok()) return out;
    while (sqlite3_step(st->get()) == SQLITE_ROW) {
      const unsigned char* text = sqlite3_column_text(st->get(), 0);
      out.push_back(text ? reinterpret_cast<const char*>(text) : "NULL");
    }
    return out;
  }

  const TableReport* ReportFor(const std::string& table) {
    for (const auto& t : report_.tables)
      if (t.name == table) return &t;
    return nullptr;
  }

  SqliteDb db_;
  IngestReport report_;
};

TEST_F(IngestXlsxTest, SheetsBecomeTypedTablesNamedAfterTheSheets) {
  const auto path = dir_ / "company.xlsx";
  {
    Book book(path);
    lxw_format* date = book.NumFormat("yyyy-mm-dd");
    lxw_worksheet* sales = book.Sheet("Sales 2024");
    worksheet_write_string(sales, 0, 0, "Sales overview", nullptr);
    worksheet_write_string(sales, 2, 0, "Order Date", nullptr);
    worksheet_write_string(sales, 2, 1, "Unit Price", nullptr);
    worksheet_write_string(sales, 2, 2, "Qty", nullptr);
    worksheet_write_string(sales, 2, 3, "Paid", nullptr);
    for (int r = 3; r < 6; ++r) {
      lxw_datetime d = DateTime(2024, 1, r);
      worksheet_write_datetime(sales, r, 0, &d, date);
      worksheet_write_number(sales, r, 1, 2.5 * r, nullptr);
      worksheet_write_number(sales, r, 2, r, nullptr);
      worksheet_write_boolean(sales, r, 3, r % 2, nullptr);
    }
    book.Sheet("Notes");  // empty: skipped
    lxw_worksheet* dup = book.Sheet("sales-2024");
    worksheet_write_string(dup, 0, 0, "id", nullptr);
    worksheet_write_number(dup, 1, 0, 1, nullptr);
    lxw_worksheet* order = book.Sheet("Order");
    worksheet_write_string(order, 0, 0, "id", nullptr);
    worksheet_write_number(order, 1, 0, 9, nullptr);
    book.Close();
  }
  Status st = Ingest(path);
  ASSERT_TRUE(st.ok()) << st.ToString();
  EXPECT_EQ(report_.kind, "xlsx");
  ASSERT_EQ(report_.tables.size(), 3u);
  EXPECT_EQ(report_.tables[0].name, "sales_2024");
  EXPECT_EQ(report_.tables[0].label, "Sales 2024");
  EXPECT_EQ(report_.tables[1].name, "sales_2024_2");
  EXPECT_EQ(report_.tables[1].label, "sales-2024");
  EXPECT_EQ(report_.tables[2].name, "order_");
  EXPECT_EQ(report_.tables[2].label, "Order");

  const TableReport* sales = ReportFor("sales_2024");
  ASSERT_NE(sales, nullptr);
  EXPECT_EQ(sales->rows, 3);
  ASSERT_EQ(sales->columns.size(), 4u);
  EXPECT_EQ(sales->columns[0].name, "order_date");
  EXPECT_EQ(sales->columns[0].type, ColumnType::kDate);
  EXPECT_EQ(sales->columns[1].type, ColumnType::kReal);
  EXPECT_EQ(sales->columns[2].type, ColumnType::kInteger);
  EXPECT_EQ(sales->columns[3].type, ColumnType::kBoolean);
  EXPECT_EQ(Strings("SELECT order_date || '|' || unit_price || '|' || qty || '|' || paid FROM sales_2024 "
                    "ORDER BY order_date"),
            (std::vector<std::string>{"2024-01-03|7.5|3|1", "2024-01-04|10.0|4|0", "2024-01-05|12.5|5|1"}));
  EXPECT_EQ(Strings("SELECT id FROM order_"), (std::vector<std::string>{"9"}));

  ASSERT_EQ(report_.skipped.size(), 1u);
  EXPECT_EQ(report_.skipped[0], "company.xlsx#Notes: empty sheet");
  bool warned = false;
  for (const auto& w : report_.warnings)
    warned |= w == "company.xlsx#Sales 2024: header found in row 3; rows 1-2 above it were skipped as titles";
  EXPECT_TRUE(warned) << ::testing::PrintToString(report_.warnings);
}

TEST_F(IngestXlsxTest, SheetWithoutHeaderIsNotedAndChartSheetsAreListedAsSkipped) {
  const auto path = dir_ / "numbers.xlsx";
  {
    Book book(path);
    lxw_worksheet* ws = book.Sheet("Readings");
    for (int r = 0; r < 4; ++r) {
      worksheet_write_number(ws, r, 0, r, nullptr);
      worksheet_write_number(ws, r, 1, r * 0.5, nullptr);
    }
    lxw_chartsheet* cs = workbook_add_chartsheet(book.get(), "Plot");
    lxw_chart* chart = workbook_add_chart(book.get(), LXW_CHART_LINE);
    chart_add_series(chart, nullptr, "=Readings!$B$1:$B$4");
    chartsheet_set_chart(cs, chart);
    book.Close();
  }
  Status st = Ingest(path);
  ASSERT_TRUE(st.ok()) << st.ToString();
  ASSERT_EQ(report_.tables.size(), 1u);
  EXPECT_EQ(report_.tables[0].name, "readings");
  EXPECT_EQ(report_.tables[0].rows, 4);
  EXPECT_EQ(Strings("SELECT column_1 || '/' || column_2 FROM readings ORDER BY column_1"),
            (std::vector<std::string>{"0/0.0", "1/0.5", "2/1.0", "3/1.5"}));
  EXPECT_EQ(report_.warnings,
            (std::vector<std::string>{"numbers.xlsx#Readings: no header row found; columns are named column_1, "
                                      "column_2, ..."}));
  EXPECT_EQ(report_.skipped, (std::vector<std::string>{"numbers.xlsx#Plot: a chart sheet"}));
}

TEST_F(IngestXlsxTest, ErrorsLeaveNoTables) {
  const auto path = dir_ / "fake.xlsx";
  WriteFile(path, "Order,Qty\n1,2\n");
  Status st = Ingest(path);
  EXPECT_EQ(st.code(), Status::Code::kInvalidArgument);
  EXPECT_TRUE(Contains(st.message(), "not an Excel .xlsx workbook")) << st.message();
  EXPECT_TRUE(Strings("SELECT name FROM sqlite_master WHERE type = 'table'").empty());
}

}  // namespace
}  // namespace da
