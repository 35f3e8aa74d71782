#include "ingest/xlsx_sheet.h"

#include <algorithm>
#include <charconv>
#include <optional>

#include "ingest/xlsx_xml.h"

namespace da::xlsx {

namespace {

template <typename T>
bool ParseWhole(std::string_view s, T* out) {
  auto r = std::from_chars(s.data(), s.data() + s.size(), *out);
  return r.ec == std::errc() && r.ptr == s.data() + s.size();
}

bool IsLetter(char c) { return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z'); }

// An ISO 8601 value of a t="d" cell ("2024-03-01T14:30:00Z") in the form DATE/TIMESTAMP
// columns use: 'T' becomes a space, a 'Z' is dropped, midnight is dropped for date formats.
std::string NormalizeIsoDateTime(std::string_view v, DateKind kind) {
  std::string out(v);
  if (!out.empty() && (out.back() == 'Z' || out.back() == 'z')) out.pop_back();
  size_t t = out.find('T');
  if (t != std::string::npos) out[t] = ' ';
  constexpr std::string_view kMidnight = " 00:00:00";
  if (kind == DateKind::kDate && out.ends_with(kMidnight)) out.resize(out.size() - kMidnight.size());
  return out;
}

bool IsXmlNameChar(char c) {
  return IsLetter(c) || (c >= '0' && c <= '9') || c == '_' || c == '-' || c == '.' || c == ':';
}

// The bytes between "<sheetData>" and "</sheetData>" (the rows), when the part can be cut
// there safely: an attribute-less opening tag, its matching closing tag, and no comment,
// CDATA or processing instruction in between (the only places where "<row" could appear
// without starting an element). Otherwise nullopt and the part is parsed whole.
struct SheetDataSpan {
  std::string prefix;  // "" or "x:"
  size_t begin = 0;
  size_t end = 0;
};

std::optional<SheetDataSpan> FindSheetData(std::string_view xml) {
  constexpr std::string_view kName = "sheetData>";
  const size_t name = xml.find(kName);
  if (name == std::string_view::npos) return std::nullopt;
  size_t lt = name;
  while (lt > 0 && IsXmlNameChar(xml[lt - 1])) --lt;
  if (lt == 0 || xml[lt - 1] != '<') return std::nullopt;  // "</sheetData>" or text
  SheetDataSpan span;
  span.prefix = std::string(xml.substr(lt, name - lt));
  if (!span.prefix.empty() && span.prefix.back() != ':') return std::nullopt;
  span.begin = name + kName.size();
  span.end = xml.rfind("</" + span.prefix + "sheetData>");
  if (span.end == std::string_view::npos || span.end < span.begin) return std::nullopt;
  // "<!" starts a comment or CDATA, "<?" a processing instruction. One pass over the rows.
  std::string_view body = xml.substr(span.begin, span.end - span.begin);
  for (size_t p = body.find('<'); p != std::string_view::npos; p = body.find('<', p + 1))
    if (p + 1 < body.size() && (body[p + 1] == '!' || body[p + 1] == '?')) return std::nullopt;
  return span;
}

// Start of the first "<row" tag at or after `from`, or `end`.
size_t NextRowStart(std::string_view xml, const std::string& prefix, size_t from, size_t end) {
  const std::string tag = "<" + prefix + "row";
  for (size_t p = xml.find(tag, from); p != std::string_view::npos && p < end; p = xml.find(tag, p + 1)) {
    char next = p + tag.size() < xml.size() ? xml[p + tag.size()] : '\0';
    if (next == ' ' || next == '\t' || next == '\r' || next == '\n' || next == '>' || next == '/') return p;
  }
  return end;
}

}  // namespace

int ColumnIndex(std::string_view letters) {
  if (letters.empty() || letters.size() > 3) return -1;
  int index = 0;
  for (char c : letters) {
    if (!IsLetter(c)) return -1;
    index = index * 26 + ((c | 0x20) - 'a' + 1);
  }
  return index <= kMaxColumns ? index - 1 : -1;
}

std::string ColumnName(int index) {
  std::string name;
  for (int n = index + 1; n > 0; n = (n - 1) / 26) name.insert(name.begin(), static_cast<char>('A' + (n - 1) % 26));
  return name;
}

// Walks <sheetData> and records every non-empty cell in a SheetSource.
class SheetParser {
 public:
  SheetParser(SheetSource* out, std::string_view label, const SheetRef& sheet, const WorkbookInfo& book)
      : out_(out), label_(label), sheet_(sheet), book_(book) {}

  // Records the <row> children of `parent`: <sheetData>, or a document holding a slice of it.
  // Called once per slice, in order.
  Status ParseRows(pugi::xml_node parent) {
    Status status;
    ForEachChild(parent, "row", [&](pugi::xml_node row) {
      if (status.ok()) status = ParseRow(row, &row_number_);
    });
    return status;
  }

 private:
  Status Error(const std::string& what) const {
    return Status::InvalidArgument(std::string(label_) + ": sheet '" + sheet_.name + "' (" + sheet_.part +
                                   "): " + what);
  }

  Status ParseRow(pugi::xml_node row, int64_t* row_number) {
    pugi::xml_attribute r = Attribute(row, "r");
    if (r) {
      if (!ParseWhole(r.value(), row_number) || *row_number < 1 || *row_number > kMaxRows)
        return Error("invalid row number '" + std::string(r.value()) + "'");
    } else {
      if (++*row_number > kMaxRows) return Error("more rows than Excel allows (" + std::to_string(kMaxRows) + ")");
    }
    const size_t first_cell = out_->cells_.size();
    int column = -1;
    Status status;
    ForEachChild(row, "c", [&](pugi::xml_node c) {
      if (status.ok()) status = ParseCell(c, *row_number, &column);
    });
    DA_RETURN_IF_ERROR(status);
    if (out_->cells_.size() > first_cell)
      out_->rows_.push_back({*row_number, first_cell, out_->cells_.size() - first_cell});
    return Status::Ok();
  }

  // Column of a cell: from its reference ("B7"), or the one after the previous cell.
  Status CellColumn(pugi::xml_node c, int64_t row_number, int* column) {
    pugi::xml_attribute r = Attribute(c, "r");
    if (!r) {
      if (++*column >= kMaxColumns) return Error("row " + std::to_string(row_number) + " has too many cells");
      return Status::Ok();
    }
    std::string_view ref = r.value();
    size_t letters = 0;
    while (letters < ref.size() && IsLetter(ref[letters])) ++letters;
    int64_t ref_row = 0;
    *column = ColumnIndex(ref.substr(0, letters));
    if (*column < 0 || !ParseWhole(ref.substr(letters), &ref_row) || ref_row < 1 || ref_row > kMaxRows)
      return Error("invalid cell reference '" + std::string(ref) + "'");
    return Status::Ok();
  }

  Status ParseCell(pugi::xml_node c, int64_t row_number, int* column) {
    DA_RETURN_IF_ERROR(CellColumn(c, row_number, column));
    const std::string_view type = Attribute(c, "t").value();
    if (type == "inlineStr") {
      AddText(*column, StringItemText(Child(c, "is")), true);
      return Status::Ok();
    }
    pugi::xml_node v = Child(c, "v");
    if (!v) return Status::Ok();  // a styled blank cell
    if (type == "s") return AddShared(*column, row_number, v.child_value());
    if (type == "str") {
      AddText(*column, TextOf(v), true);
    } else if (type == "b") {
      std::string_view b = v.child_value();
      AddText(*column, b == "1" || b == "true" ? "TRUE" : "FALSE", false);
    } else if (type == "e") {
      // #N/A, #DIV/0!, ...: an error is no value.
    } else if (type == "d") {
      AddText(*column, NormalizeIsoDateTime(v.child_value(), StyleKind(c)), false);
    } else {
      AddNumber(c, *column, v.child_value());
    }
    return Status::Ok();
  }

  DateKind StyleKind(pugi::xml_node c) const {
    size_t style = 0;
    if (!ParseWhole(Attribute(c, "s").value(), &style) || style >= book_.style_date_kinds.size())
      return DateKind::kNumber;
    return book_.style_date_kinds[style];
  }

  void AddNumber(pugi::xml_node c, int column, std::string_view raw) {
    double value = 0;
    if (!ParseWhole(raw, &value)) {  // not a number after all: keep what the file says
      AddText(column, raw, true);
      return;
    }
    const DateKind kind = StyleKind(c);
    if (kind != DateKind::kNumber) {
      if (auto text = FormatSerial(value, kind, book_.date1904)) {
        AddText(column, *text, false);
        return;
      }
    }
    AddText(column, FormatNumber(value), false);
  }

  Status AddShared(int column, int64_t row_number, std::string_view raw) {
    const std::vector<std::string>& strings = *book_.shared_strings;
    size_t index = 0;
    if (!ParseWhole(raw, &index) || index >= strings.size())
      return Error("cell " + ColumnName(column) + std::to_string(row_number) + ": shared string index '" +
                   std::string(raw) + "' is out of range (the workbook has " + std::to_string(strings.size()) +
                   " shared strings)");
    if (!strings[index].empty())
      out_->cells_.push_back({index, 0, static_cast<uint16_t>(column), SheetSource::kText | SheetSource::kShared});
    return Status::Ok();
  }

  void AddText(int column, std::string_view text, bool is_text) {
    if (text.empty()) return;
    out_->cells_.push_back({out_->text_.size(), static_cast<uint32_t>(text.size()), static_cast<uint16_t>(column),
                            static_cast<uint8_t>(is_text ? SheetSource::kText : 0)});
    out_->text_.append(text);
  }

  SheetSource* out_;
  int64_t row_number_ = 0;  // of the last row seen; a row without r="" is the next one
  std::string_view label_;
  const SheetRef& sheet_;
  const WorkbookInfo& book_;
};

namespace {

Status NotAWorksheet(std::string_view label, const SheetRef& sheet) {
  return Status::InvalidArgument(std::string(label) + ": sheet '" + sheet.name + "' (" + sheet.part +
                                 ") is not a SpreadsheetML worksheet (unexpected root element)");
}

// Checks everything but the rows: the part with the sheetData body cut out must be a
// well-formed worksheet.
Status ParseFrame(std::string_view label, const SheetRef& sheet, std::string_view xml, const SheetDataSpan& span) {
  std::string frame;
  frame.reserve(xml.size() - (span.end - span.begin));
  frame.append(xml.substr(0, span.begin)).append(xml.substr(span.end));
  pugi::xml_document doc;
  const unsigned options = pugi::parse_default | pugi::parse_ws_pcdata_single;
  pugi::xml_parse_result r = doc.load_buffer_inplace(frame.data(), frame.size(), options);
  if (!r) {
    size_t offset = static_cast<size_t>(r.offset);
    if (offset >= span.begin) offset += span.end - span.begin;
    return MalformedXml(label, sheet.part, offset, r.description());
  }
  pugi::xml_node root = RootElement(doc, "worksheet");
  if (!root) return NotAWorksheet(label, sheet);
  return Status::Ok();
}

// Parses the rows a slice of about `slice_bytes` at a time, each slice cut before a "<row"
// tag, so that only one slice's DOM exists at once.
Status ParseInSlices(std::string_view label, const SheetRef& sheet, std::string* xml, const SheetDataSpan& span,
                     size_t slice_bytes, SheetParser* parser) {
  for (size_t begin = span.begin; begin < span.end;) {
    const size_t target = span.end - begin > slice_bytes ? begin + slice_bytes : span.end;
    const size_t end = NextRowStart(*xml, span.prefix, target, span.end);
    pugi::xml_document doc;
    DA_RETURN_IF_ERROR(ParseXmlRange(label, sheet.part, xml->data() + begin, end - begin, begin, true, &doc));
    DA_RETURN_IF_ERROR(parser->ParseRows(doc));
    begin = end;
  }
  return Status::Ok();
}

}  // namespace

Result<std::unique_ptr<SheetSource>> SheetSource::Parse(std::string name, std::string_view label,
                                                        const SheetRef& sheet, std::string xml,
                                                        const WorkbookInfo& book, size_t slice_bytes) {
  std::unique_ptr<SheetSource> source(new SheetSource());
  source->name_ = std::move(name);
  source->byte_size_ = xml.size();
  source->shared_strings_ = book.shared_strings;
  SheetParser parser(source.get(), label, sheet, book);
  if (auto span = FindSheetData(xml)) {
    DA_RETURN_IF_ERROR(ParseFrame(label, sheet, xml, *span));
    DA_RETURN_IF_ERROR(ParseInSlices(label, sheet, &xml, *span, std::max<size_t>(slice_bytes, 1), &parser));
  } else {
    pugi::xml_document doc;
    DA_RETURN_IF_ERROR(ParseXmlPart(label, sheet.part, &xml, &doc));
    pugi::xml_node root = RootElement(doc, "worksheet");
    if (!root) return NotAWorksheet(label, sheet);
    DA_RETURN_IF_ERROR(parser.ParseRows(Child(root, "sheetData")));
  }
  source->text_.shrink_to_fit();
  source->cells_.shrink_to_fit();
  source->FindHeader();
  return source;
}

std::string_view SheetSource::CellText(const Cell& cell) const {
  if (cell.flags & kShared) return (*shared_strings_)[cell.offset];
  return std::string_view(text_).substr(cell.offset, cell.length);
}

int SheetSource::TextCellCount(const Row& row) const {
  int n = 0;
  for (size_t i = row.first_cell; i < row.first_cell + row.cell_count; ++i) n += (cells_[i].flags & kText) ? 1 : 0;
  return n;
}

void SheetSource::FindHeader() {
  if (rows_.empty()) return;
  const size_t search = std::min<size_t>(rows_.size(), kHeaderSearchRows);
  size_t best = rows_.size();  // none
  int best_text = 0;
  size_t best_cells = 0;
  for (size_t i = 0; i < search && i + 1 < rows_.size(); ++i) {
    const int text = TextCellCount(rows_[i]);
    if (text > best_text || (text == best_text && text > 0 && rows_[i].cell_count > best_cells)) {
      best = i;
      best_text = text;
      best_cells = rows_[i].cell_count;
    }
  }
  if (best == rows_.size() && rows_.size() == 1 && TextCellCount(rows_[0]) > 0) best = 0;  // a header alone
  const bool has_header = best < rows_.size();
  const size_t first = has_header ? best : 0;
  data_begin_ = has_header ? best + 1 : 0;
  header_row_ = has_header ? rows_[best].number : 0;

  int min_column = kMaxColumns;
  int max_column = -1;
  for (size_t i = rows_[first].first_cell; i < cells_.size(); ++i) {
    min_column = std::min<int>(min_column, cells_[i].column);
    max_column = std::max<int>(max_column, cells_[i].column);
  }
  first_column_ = min_column;
  header_.assign(static_cast<size_t>(max_column - min_column + 1), std::string());
  if (has_header) {
    const Row& row = rows_[best];
    for (size_t i = row.first_cell; i < row.first_cell + row.cell_count; ++i)
      header_[cells_[i].column - first_column_] = std::string(CellText(cells_[i]));
  } else {
    for (size_t i = 0; i < header_.size(); ++i) header_[i] = "column_" + std::to_string(i + 1);
  }
}

Status SheetSource::ForEachRow(const std::function<Status(const RowView&)>& fn) {
  std::vector<std::string_view> fields(header_.size());
  for (size_t r = data_begin_; r < rows_.size(); ++r) {
    const Row& row = rows_[r];
    std::fill(fields.begin(), fields.end(), std::string_view());
    for (size_t i = row.first_cell; i < row.first_cell + row.cell_count; ++i)
      fields[cells_[i].column - first_column_] = CellText(cells_[i]);
    RowView view;
    view.fields = fields;
    view.line = row.number;
    DA_RETURN_IF_ERROR(fn(view));
  }
  return Status::Ok();
}

}  // namespace da::xlsx
