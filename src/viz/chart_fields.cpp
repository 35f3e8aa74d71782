#include "viz/chart_fields.h"

#include <algorithm>
#include <set>

namespace da {

std::string ValidUtf8Text(std::string_view text) {
  // QueryResult::ToJson does the cleaning; reuse it on a one-column header.
  QueryResult header;
  header.columns = {std::string(text)};
  return header.ToJson()["columns"][0].get<std::string>();
}

std::vector<std::string> ChartFieldNames(const QueryResult& result) {
  std::vector<std::string> names;
  std::set<std::string> used;
  for (size_t i = 0; i < result.columns.size(); ++i) {
    std::string base = ValidUtf8Text(result.columns[i]);
    if (base.empty()) base = "column " + std::to_string(i + 1);
    std::string name = base;
    for (int k = 2; used.count(name); ++k) name = base + " (" + std::to_string(k) + ")";
    used.insert(name);
    names.push_back(std::move(name));
  }
  return names;
}

std::string EscapeField(std::string_view name) {
  std::string out;
  for (char c : name) {
    if (c == '\\' || c == '.' || c == '[' || c == ']' || c == '"' || c == '\'') out += '\\';
    out += c;
  }
  return out;
}

Result<std::string> ParseField(std::string_view p) {
  // Only the form EscapeField writes is accepted: any character but '\', '.', '[', ']', '"'
  // and '\'', each of which must be escaped. Vega's accessor parser reads such a reference as
  // exactly one key; nested paths and quoted segments are refused rather than interpreted.
  std::string key;
  for (size_t j = 0; j < p.size(); ++j) {
    const char c = p[j];
    if (c == '\\') {
      if (j + 1 == p.size()) return Status::InvalidArgument("field '" + std::string(p) + "' ends in '\\'");
      key += p[++j];
    } else if (c == '.' || c == '[' || c == ']' || c == '"' || c == '\'') {
      return Status::InvalidArgument("field '" + std::string(p) +
                                     "' is read as a nested path; escape '.', '[', ']' and quotes with '\\'");
    } else {
      key += c;
    }
  }
  if (key.empty()) return Status::InvalidArgument("empty field name");
  return key;
}

nlohmann::json ChartValues(const QueryResult& result, const std::vector<size_t>& row_indices, size_t max_rows) {
  const std::vector<std::string> keys = ChartFieldNames(result);
  std::vector<size_t> rows = row_indices;
  if (rows.empty()) {
    for (size_t r = 0; r < result.rows.size(); ++r) rows.push_back(r);
  }
  if (rows.size() > max_rows) rows.resize(max_rows);
  // ToJson does the number and UTF-8 cleaning; convert only the rows we keep.
  QueryResult picked;
  picked.columns = result.columns;
  for (size_t r : rows) picked.rows.push_back(result.rows.at(r));
  const nlohmann::json cleaned = picked.ToJson()["rows"];
  nlohmann::json values = nlohmann::json::array();
  for (const auto& row : cleaned) {
    nlohmann::json obj = nlohmann::json::object();
    for (size_t c = 0; c < keys.size(); ++c) obj[keys[c]] = c < row.size() ? row[c] : nlohmann::json();
    values.push_back(std::move(obj));
  }
  return values;
}

nlohmann::json WithResultData(nlohmann::json spec, const QueryResult& result, size_t max_rows) {
  if (!spec.is_object()) return spec;  // ValidateChart will say what is wrong
  spec["data"] = {{"values", ChartValues(result, {}, max_rows)}};
  return spec;
}

}  // namespace da
