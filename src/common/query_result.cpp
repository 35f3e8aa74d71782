#include "common/query_result.h"

#include <cstdio>

#include <algorithm>
#include <cmath>
#include <cstdint>

namespace da {

namespace {

// Length of the UTF-8 sequence starting at s[i] and its code point, or 0 if the bytes there
// are not a valid, shortest-form sequence.
size_t DecodeUtf8(std::string_view s, size_t i, char32_t* cp) {
  auto byte = [&](size_t k) { return static_cast<unsigned char>(s[k]); };
  unsigned char b0 = byte(i);
  size_t len = b0 < 0x80 ? 1 : (b0 >> 5) == 0x6 ? 2 : (b0 >> 4) == 0xE ? 3 : (b0 >> 3) == 0x1E ? 4 : 0;
  if (len == 0 || i + len > s.size()) return 0;
  char32_t c = len == 1 ? b0 : len == 2 ? (b0 & 0x1F) : len == 3 ? (b0 & 0x0F) : (b0 & 0x07);
  for (size_t k = 1; k < len; ++k) {
    if ((byte(i + k) & 0xC0) != 0x80) return 0;
    c = (c << 6) | (byte(i + k) & 0x3F);
  }
  static const char32_t kMin[] = {0, 0, 0x80, 0x800, 0x10000};
  if (c < kMin[len] || c > 0x10FFFF || (c >= 0xD800 && c <= 0xDFFF)) return 0;
  *cp = c;
  return len;
}

// `s` with every byte that is not part of valid UTF-8 replaced by U+FFFD.
std::string ValidUtf8(std::string_view s) {
  std::string out;
  out.reserve(s.size());
  for (size_t i = 0; i < s.size();) {
    char32_t cp;
    size_t len = DecodeUtf8(s, i, &cp);
    if (len == 0) {
      out += "\xEF\xBF\xBD";
      ++i;
    } else {
      out.append(s.substr(i, len));
      i += len;
    }
  }
  return out;
}

// Terminal columns a code point occupies: 0 for combining marks, 2 for East Asian wide and
// emoji ranges, 1 otherwise. An approximation of wcwidth good enough for tables.
size_t CodePointWidth(char32_t c) {
  if ((c >= 0x0300 && c <= 0x036F) || (c >= 0x200B && c <= 0x200F) || c == 0xFE0F) return 0;
  bool wide = (c >= 0x1100 && c <= 0x115F) || (c >= 0x2E80 && c <= 0xA4CF) ||
              (c >= 0xAC00 && c <= 0xD7A3) || (c >= 0xF900 && c <= 0xFAFF) ||
              (c >= 0xFE30 && c <= 0xFE4F) || (c >= 0xFF00 && c <= 0xFF60) ||
              (c >= 0xFFE0 && c <= 0xFFE6) || (c >= 0x1F300 && c <= 0x1F64F) ||
              (c >= 0x1F900 && c <= 0x1F9FF) || (c >= 0x20000 && c <= 0x3FFFD);
  return wide ? 2 : 1;
}

// Calls fn(bytes, width) for each displayed unit of `s` (a code point, or one invalid byte).
template <typename Fn>
void ForEachGlyph(std::string_view s, Fn fn) {
  for (size_t i = 0; i < s.size();) {
    char32_t cp;
    size_t len = DecodeUtf8(s, i, &cp);
    if (len == 0) {
      fn(s.substr(i, 1), size_t{1});
      ++i;
    } else {
      fn(s.substr(i, len), CodePointWidth(cp));
      i += len;
    }
  }
}

size_t DisplayWidth(std::string_view s) {
  size_t width = 0;
  ForEachGlyph(s, [&](std::string_view, size_t w) { width += w; });
  return width;
}

// `s` cut to at most `max_width` display columns, ending in "…" when anything was cut.
std::string Truncate(std::string_view s, size_t max_width) {
  if (DisplayWidth(s) <= max_width) return std::string(s);
  std::string out;
  size_t width = 0;
  bool full = false;
  ForEachGlyph(s, [&](std::string_view glyph, size_t w) {
    if (full || width + w > max_width - 1) {
      full = true;
      return;
    }
    out.append(glyph);
    width += w;
  });
  return out + "…";
}

std::string EscapeControls(std::string_view s) {
  std::string out;
  out.reserve(s.size());
  for (char c : s) {
    if (c == '\n') out += "\\n";
    else if (c == '\r') out += "\\r";
    else if (c == '\t') out += "\\t";
    else out += c;
  }
  return out;
}

bool IsNumber(const Value& v) {
  return std::holds_alternative<int64_t>(v) || std::holds_alternative<double>(v);
}

std::string Pad(const std::string& s, size_t width, bool right_align) {
  size_t w = DisplayWidth(s);
  std::string fill(w < width ? width - w : 0, ' ');
  return right_align ? fill + s : s + fill;
}

// 1234567 -> "1,234,567".
std::string WithThousands(size_t n) {
  std::string digits = std::to_string(n);
  std::string out;
  for (size_t i = 0; i < digits.size(); ++i) {
    if (i > 0 && (digits.size() - i) % 3 == 0) out += ',';
    out += digits[i];
  }
  return out;
}

std::string CsvField(const std::string& s) {
  if (s.find_first_of(",\"\r\n") == std::string::npos) return s;
  std::string out = "\"";
  for (char c : s) {
    out += c;
    if (c == '"') out += '"';
  }
  return out + "\"";
}

nlohmann::json JsonValue(const Value& v) {
  if (auto* i = std::get_if<int64_t>(&v)) return *i;
  if (auto* d = std::get_if<double>(&v)) return std::isfinite(*d) ? nlohmann::json(*d) : nullptr;
  if (auto* s = std::get_if<std::string>(&v)) return ValidUtf8(*s);
  return nullptr;
}

}  // namespace

nlohmann::json QueryResult::ToJson() const {
  nlohmann::json cols = nlohmann::json::array();
  for (const std::string& c : columns) cols.push_back(ValidUtf8(c));
  nlohmann::json out_rows = nlohmann::json::array();
  for (const auto& row : rows) {
    nlohmann::json r = nlohmann::json::array();
    for (const Value& v : row) r.push_back(JsonValue(v));
    out_rows.push_back(std::move(r));
  }
  return {{"columns", std::move(cols)},
          {"rows", std::move(out_rows)},
          {"row_count", rows.size()},
          {"truncated", truncated},
          {"elapsed_ms", elapsed_ms}};
}

Result<QueryResult> QueryResult::FromJson(const nlohmann::json& j) {
  auto bad = [](const std::string& what) { return Status::Corruption("stored result: " + what); };
  if (!j.is_object() || !j.contains("columns") || !j["columns"].is_array() || !j.contains("rows") ||
      !j["rows"].is_array()) {
    return bad("expected an object with \"columns\" and \"rows\" arrays");
  }
  QueryResult out;
  for (const auto& c : j["columns"]) {
    if (!c.is_string()) return bad("a column name is not a string");
    out.columns.push_back(c.get<std::string>());
  }
  for (const auto& r : j["rows"]) {
    if (!r.is_array() || r.size() != out.columns.size()) return bad("a row does not have one value per column");
    std::vector<Value>& row = out.rows.emplace_back();
    for (const auto& v : r) {
      if (v.is_null()) row.emplace_back();
      else if (v.is_number_integer()) row.emplace_back(v.get<int64_t>());
      else if (v.is_number()) row.emplace_back(v.get<double>());
      else if (v.is_string()) row.emplace_back(v.get<std::string>());
      else if (v.is_boolean()) row.emplace_back(static_cast<int64_t>(v.get<bool>()));
      else return bad("a value is neither null, a number nor text");
    }
  }
  out.truncated = j.value("truncated", false);
  return out;
}

std::string QueryResult::ToCsv() const {
  std::string out;
  auto line = [&](const auto& fields, auto to_text) {
    for (size_t i = 0; i < fields.size(); ++i) {
      if (i) out += ',';
      out += CsvField(to_text(fields[i]));
    }
    out += "\r\n";
  };
  line(columns, [](const std::string& s) { return s; });
  for (const auto& row : rows) line(row, [](const Value& v) { return ValueToString(v, ""); });
  return out;
}

namespace {

// Terminal tables show reals to 10 significant digits: sums of decimals carry binary noise
// (6374.389999999875) that helps nobody reading a table. JSON and CSV keep full precision.
std::string DisplayText(const Value& v) {
  if (const double* d = std::get_if<double>(&v); d && std::isfinite(*d)) {
    char buf[32];
    std::snprintf(buf, sizeof buf, "%.10g", *d);
    return buf;
  }
  return ValueToString(v, "NULL");
}

}  // namespace

std::string QueryResult::ToText(size_t max_width) const {
  if (max_width < 2) max_width = 2;
  const size_t ncols = columns.size();
  std::vector<std::string> header(ncols);
  std::vector<std::vector<std::string>> cells(rows.size(), std::vector<std::string>(ncols));
  std::vector<size_t> widths(ncols, 0);
  std::vector<bool> numeric(ncols, false);
  for (size_t c = 0; c < ncols; ++c) {
    header[c] = Truncate(EscapeControls(columns[c]), max_width);
    widths[c] = DisplayWidth(header[c]);
    bool any_number = false, all_numbers = true;
    for (size_t r = 0; r < rows.size(); ++r) {
      const Value& v = c < rows[r].size() ? rows[r][c] : Value{};
      if (!IsNull(v)) {
        any_number |= IsNumber(v);
        all_numbers &= IsNumber(v);
      }
      cells[r][c] = Truncate(EscapeControls(DisplayText(v)), max_width);
      widths[c] = std::max(widths[c], DisplayWidth(cells[r][c]));
    }
    numeric[c] = any_number && all_numbers;
  }

  std::string out;
  // Headers align like their column's values.
  auto emit_line = [&](const std::vector<std::string>& fields) {
    std::string line;
    for (size_t c = 0; c < ncols; ++c) {
      if (c) line += " | ";
      line += Pad(fields[c], widths[c], numeric[c]);
    }
    while (!line.empty() && line.back() == ' ') line.pop_back();
    out += line + "\n";
  };
  if (ncols > 0) {
    emit_line(header);
    std::string rule;
    for (size_t c = 0; c < ncols; ++c) {
      if (c) rule += "-+-";
      rule += std::string(widths[c], '-');
    }
    out += rule + "\n";
    for (const auto& row : cells) emit_line(row);
  }
  if (truncated) {
    out += "(first " + WithThousands(rows.size()) + " rows; more were cut by the row cap)\n";
  } else {
    out += "(" + WithThousands(rows.size()) + (rows.size() == 1 ? " row)\n" : " rows)\n");
  }
  return out;
}

}  // namespace da
