// One worksheet of an .xlsx workbook as a RowSource: its cells parsed into memory, the header
// row found below any title rows, and rows handed out with their Excel row numbers.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "common/status.h"
#include "ingest/row_source.h"
#include "ingest/xlsx_package.h"

namespace da::xlsx {

// Excel's sheet size: 1,048,576 rows by 16,384 columns (A..XFD).
constexpr int64_t kMaxRows = 1048576;
constexpr int kMaxColumns = 16384;

// "A" -> 0, "XFD" -> 16383; -1 when `letters` is not a column name within Excel's limits.
int ColumnIndex(std::string_view letters);
// 0 -> "A", 27 -> "AB".
std::string ColumnName(int index);

// Header detection: the first row, among the first kHeaderSearchRows non-empty rows, with the
// most non-empty text cells (ties broken by most non-empty cells, then by position) that has
// a non-empty row below it. Rows above it (titles, notes) are skipped. When no such row has a
// text cell the sheet has no header: columns are labelled "column_1", "column_2", ... and
// every row is data. Columns empty in the header and every data row, at either edge, are
// dropped; rows with no non-empty cell are skipped.
constexpr int kHeaderSearchRows = 20;

class SheetSource : public RowSource {
 public:
  // Parses a worksheet part. `label` prefixes error messages (the workbook's path); the
  // RowSource name is `name`.
  // Memory: pugixml's DOM costs about 6x the XML it covers, so the rows inside <sheetData>
  // are parsed `slice_bytes` at a time (cut before a <row> tag); peak is the XML, plus the
  // part without its rows, plus one slice's DOM, plus what is kept. Kept afterwards: the
  // non-empty cells only (their text and 16 bytes of bookkeeping each; shared strings are
  // referenced, not copied). A part that cannot be cut safely (sheetData with attributes,
  // comments or CDATA among the rows) is parsed whole.
  // Errors (InvalidArgument): malformed XML naming the part and byte offset, an invalid cell
  // or row reference, a shared string index out of range, naming the cell.
  static constexpr size_t kSliceBytes = 4u << 20;
  static Result<std::unique_ptr<SheetSource>> Parse(std::string name, std::string_view label,
                                                    const SheetRef& sheet, std::string xml,
                                                    const WorkbookInfo& book,
                                                    size_t slice_bytes = kSliceBytes);

  const std::string& name() const override { return name_; }
  const std::vector<std::string>& header() const override { return header_; }
  Status ForEachRow(const std::function<Status(const RowView&)>& fn) override;
  uint64_t byte_size() const override { return byte_size_; }

  // True when the sheet has no non-empty cell (nothing to ingest).
  bool empty() const { return rows_.empty(); }
  // Excel row number of the header row; 0 when the sheet has no header row.
  int64_t header_row() const { return header_row_; }
  // Excel row number of the first non-empty row (where titles above a header start).
  int64_t first_row() const { return rows_.empty() ? 0 : rows_.front().number; }
  int64_t data_row_count() const { return static_cast<int64_t>(rows_.size() - data_begin_); }

 private:
  enum CellFlags : uint8_t { kText = 1, kShared = 2 };
  struct Cell {
    uint64_t offset = 0;  // into text_, or the shared string index when kShared
    uint32_t length = 0;
    uint16_t column = 0;  // 0-based
    uint8_t flags = 0;
  };
  struct Row {
    int64_t number = 0;  // Excel row number
    size_t first_cell = 0;
    size_t cell_count = 0;
  };

  friend class SheetParser;  // fills cells_ and rows_ from the worksheet XML

  SheetSource() = default;
  std::string_view CellText(const Cell& cell) const;
  int TextCellCount(const Row& row) const;
  void FindHeader();

  std::string name_;
  std::vector<std::string> header_;
  uint64_t byte_size_ = 0;
  std::shared_ptr<const std::vector<std::string>> shared_strings_;
  std::string text_;  // cell text other than shared strings, back to back
  std::vector<Cell> cells_;
  std::vector<Row> rows_;  // non-empty rows only, in sheet order
  size_t data_begin_ = 0;  // index in rows_ of the first data row
  int64_t header_row_ = 0;
  int first_column_ = 0;   // columns [first_column_, first_column_ + header_.size()) are kept
};

}  // namespace da::xlsx
