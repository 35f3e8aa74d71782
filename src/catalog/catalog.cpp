#include "catalog/catalog.h"

#include "common/file_util.h"

#include <unistd.h>

#include <cerrno>
#include <cmath>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "common/strings.h"

namespace da {

const ColumnInfo* TableInfo::FindColumn(std::string_view name) const {
  for (const auto& c : columns)
    if (EqualsIgnoreCase(c.name, name)) return &c;
  return nullptr;
}

const TableInfo* Catalog::FindTable(std::string_view name) const {
  for (const auto& t : tables)
    if (EqualsIgnoreCase(t.name, name)) return &t;
  return nullptr;
}

// ---------------------------------------------------------------------------------------------
// JSON
// ---------------------------------------------------------------------------------------------

namespace {

using nlohmann::json;

// Values are stored as plain JSON scalars: null, integer, number (REAL) or string. A REAL is
// always written with a fraction or exponent by nlohmann, so it reads back as a REAL.
// Non-finite REALs cannot be expressed in JSON and are stored as null.
json ValueToJson(const Value& v) {
  if (auto* i = std::get_if<int64_t>(&v)) return *i;
  if (auto* d = std::get_if<double>(&v)) return std::isfinite(*d) ? json(*d) : json(nullptr);
  if (auto* s = std::get_if<std::string>(&v)) return *s;
  return nullptr;
}

json ColumnToJson(const ColumnInfo& c) {
  json top = json::array();
  for (const auto& tv : c.top_values) top.push_back({{"value", tv.value}, {"count", tv.count}});
  return {{"name", c.name},
          {"label", c.label},
          {"description", c.description},
          {"type", ColumnTypeName(c.type)},
          {"declared_type", c.declared_type},
          {"not_null", c.not_null},
          {"null_fraction", c.null_fraction},
          {"distinct_count", c.distinct_count},
          {"distinct_is_estimate", c.distinct_is_estimate},
          {"min", ValueToJson(c.min)},
          {"max", ValueToJson(c.max)},
          {"top_values", std::move(top)},
          {"is_primary_key", c.is_primary_key}};
}

json TableToJson(const TableInfo& t) {
  json cols = json::array();
  for (const auto& c : t.columns) cols.push_back(ColumnToJson(c));
  json fks = json::array();
  for (const auto& fk : t.foreign_keys) {
    fks.push_back({{"column", fk.column},
                   {"ref_table", fk.ref_table},
                   {"ref_column", fk.ref_column},
                   {"declared", fk.declared},
                   {"inclusion", fk.inclusion}});
  }
  return {{"name", t.name},
          {"label", t.label},
          {"description", t.description},
          {"row_count", t.row_count},
          {"row_count_is_lower_bound", t.row_count_is_lower_bound},
          {"is_view", t.is_view},
          {"columns", std::move(cols)},
          {"primary_key", t.primary_key},
          {"primary_key_declared", t.primary_key_declared},
          {"foreign_keys", std::move(fks)}};
}

// Reads fields of one JSON object, remembering the first problem with its path
// ("tables[2].columns[0].type: expected a string").
class JsonReader {
 public:
  JsonReader(const json& obj, std::string path, Status* error)
      : obj_(obj), path_(std::move(path)), error_(error) {
    if (!obj_.is_object()) Fail(path_, "expected an object");
  }

  const json* Field(const std::string& key, json::value_t kind, const char* kind_name) {
    if (!obj_.is_object() || !error_->ok()) return nullptr;
    auto it = obj_.find(key);
    if (it == obj_.end()) {
      Fail(Sub(key), "missing field");
      return nullptr;
    }
    bool matches = it->type() == kind ||
                   (kind == json::value_t::number_float && it->is_number()) ||
                   (kind == json::value_t::number_integer && it->is_number_integer());
    if (!matches) {
      Fail(Sub(key), std::string("expected ") + kind_name + ", found " + it->type_name());
      return nullptr;
    }
    return &*it;
  }

  void String(const std::string& key, std::string* out) {
    if (auto* j = Field(key, json::value_t::string, "a string")) *out = j->get<std::string>();
  }
  void Bool(const std::string& key, bool* out) {
    if (auto* j = Field(key, json::value_t::boolean, "a boolean")) *out = j->get<bool>();
  }
  void Int(const std::string& key, int64_t* out) {
    if (auto* j = Field(key, json::value_t::number_integer, "an integer")) *out = j->get<int64_t>();
  }
  void Double(const std::string& key, double* out) {
    if (auto* j = Field(key, json::value_t::number_float, "a number")) *out = j->get<double>();
  }
  void Scalar(const std::string& key, Value* out) {
    if (!obj_.is_object() || !error_->ok()) return;
    auto it = obj_.find(key);
    if (it == obj_.end()) return Fail(Sub(key), "missing field");
    if (it->is_null()) *out = std::monostate{};
    else if (it->is_number_integer()) *out = it->get<int64_t>();
    else if (it->is_number()) *out = it->get<double>();
    else if (it->is_string()) *out = it->get<std::string>();
    else Fail(Sub(key), std::string("expected a scalar value, found ") + it->type_name());
  }
  const json* Array(const std::string& key) {
    return Field(key, json::value_t::array, "an array");
  }
  void StringArray(const std::string& key, std::vector<std::string>* out) {
    const json* arr = Array(key);
    if (!arr) return;
    for (size_t i = 0; i < arr->size(); ++i) {
      if (!(*arr)[i].is_string())
        return Fail(Sub(key) + "[" + std::to_string(i) + "]", "expected a string");
      out->push_back((*arr)[i].get<std::string>());
    }
  }

  std::string Sub(const std::string& key) const { return path_.empty() ? key : path_ + "." + key; }
  void Fail(const std::string& where, const std::string& what) {
    if (error_->ok()) *error_ = Status::Corruption("catalog: " + where + ": " + what);
  }
  bool ok() const { return error_->ok(); }

 private:
  const json& obj_;
  std::string path_;
  Status* error_;
};

std::string Indexed(const std::string& base, size_t i) {
  return base + "[" + std::to_string(i) + "]";
}

bool ParseColumnType(const std::string& name, ColumnType* out) {
  for (ColumnType t : {ColumnType::kInteger, ColumnType::kReal, ColumnType::kBoolean,
                       ColumnType::kDate, ColumnType::kTimestamp, ColumnType::kText}) {
    if (name == ColumnTypeName(t)) {
      *out = t;
      return true;
    }
  }
  return false;
}

void ReadColumn(const json& j, const std::string& path, Status* error, ColumnInfo* c) {
  JsonReader r(j, path, error);
  r.String("name", &c->name);
  r.String("label", &c->label);
  r.String("description", &c->description);
  std::string type;
  r.String("type", &type);
  if (r.ok() && !ParseColumnType(type, &c->type))
    r.Fail(r.Sub("type"), "unknown column type \"" + type +
                              "\" (expected INTEGER, REAL, BOOLEAN, DATE, TIMESTAMP or TEXT)");
  r.String("declared_type", &c->declared_type);
  r.Bool("not_null", &c->not_null);
  r.Double("null_fraction", &c->null_fraction);
  if (r.ok() && !(c->null_fraction >= 0 && c->null_fraction <= 1))
    r.Fail(r.Sub("null_fraction"), "expected a number between 0 and 1");
  r.Int("distinct_count", &c->distinct_count);
  r.Bool("distinct_is_estimate", &c->distinct_is_estimate);
  r.Scalar("min", &c->min);
  r.Scalar("max", &c->max);
  if (const json* top = r.Array("top_values")) {
    for (size_t i = 0; i < top->size() && r.ok(); ++i) {
      JsonReader tr((*top)[i], Indexed(r.Sub("top_values"), i), error);
      ValueCount vc;
      tr.String("value", &vc.value);
      tr.Int("count", &vc.count);
      c->top_values.push_back(std::move(vc));
    }
  }
  r.Bool("is_primary_key", &c->is_primary_key);
}

void ReadTable(const json& j, const std::string& path, Status* error, TableInfo* t) {
  JsonReader r(j, path, error);
  r.String("name", &t->name);
  r.String("label", &t->label);
  r.String("description", &t->description);
  r.Int("row_count", &t->row_count);
  r.Bool("row_count_is_lower_bound", &t->row_count_is_lower_bound);
  r.Bool("is_view", &t->is_view);
  if (const json* cols = r.Array("columns")) {
    for (size_t i = 0; i < cols->size() && r.ok(); ++i) {
      ColumnInfo c;
      ReadColumn((*cols)[i], Indexed(r.Sub("columns"), i), error, &c);
      t->columns.push_back(std::move(c));
    }
  }
  r.StringArray("primary_key", &t->primary_key);
  for (const auto& k : t->primary_key) {
    if (r.ok() && !t->FindColumn(k))
      r.Fail(r.Sub("primary_key"), "names unknown column \"" + k + "\"");
  }
  r.Bool("primary_key_declared", &t->primary_key_declared);
  if (const json* fks = r.Array("foreign_keys")) {
    for (size_t i = 0; i < fks->size() && r.ok(); ++i) {
      JsonReader fr((*fks)[i], Indexed(r.Sub("foreign_keys"), i), error);
      ForeignKey fk;
      fr.String("column", &fk.column);
      fr.String("ref_table", &fk.ref_table);
      fr.String("ref_column", &fk.ref_column);
      fr.Bool("declared", &fk.declared);
      fr.Double("inclusion", &fk.inclusion);
      t->foreign_keys.push_back(std::move(fk));
    }
  }
}

}  // namespace

nlohmann::json Catalog::ToJson() const {
  json tabs = json::array();
  for (const auto& t : tables) tabs.push_back(TableToJson(t));
  json mets = json::array();
  for (const auto& m : metrics) mets.push_back({{"name", m.name}, {"description", m.description}});
  return {{"format_version", kFormatVersion},
          {"dataset", dataset},
          {"built_at", built_at},
          {"tables", std::move(tabs)},
          {"hidden_tables", hidden_tables},
          {"metrics", std::move(mets)}};
}

Result<Catalog> Catalog::FromJson(const nlohmann::json& j) {
  Status error;
  Catalog cat;
  JsonReader r(j, "", &error);
  int64_t version = 0;
  r.Int("format_version", &version);
  if (r.ok() && version != kFormatVersion)
    r.Fail("format_version", "unsupported version " + std::to_string(version) + " (expected " +
                                 std::to_string(kFormatVersion) + ")");
  r.String("dataset", &cat.dataset);
  r.String("built_at", &cat.built_at);
  if (const json* tabs = r.Array("tables")) {
    for (size_t i = 0; i < tabs->size() && r.ok(); ++i) {
      TableInfo t;
      ReadTable((*tabs)[i], Indexed("tables", i), &error, &t);
      cat.tables.push_back(std::move(t));
    }
  }
  r.StringArray("hidden_tables", &cat.hidden_tables);
  if (const json* mets = r.Array("metrics")) {
    for (size_t i = 0; i < mets->size() && r.ok(); ++i) {
      JsonReader mr((*mets)[i], Indexed("metrics", i), &error);
      MetricInfo m;
      mr.String("name", &m.name);
      mr.String("description", &m.description);
      cat.metrics.push_back(std::move(m));
    }
  }
  if (!error.ok()) return error;
  return cat;
}

// ---------------------------------------------------------------------------------------------
// Text
// ---------------------------------------------------------------------------------------------

namespace {

// Display width in terminal columns: one per UTF-8 code point (continuation bytes are free).
size_t DisplayWidth(std::string_view s) {
  size_t w = 0;
  for (unsigned char c : s)
    if ((c & 0xC0) != 0x80) ++w;
  return w;
}

// Cuts `s` to at most `max` display columns, ending with "…" when cut.
std::string Truncate(std::string_view s, size_t max) {
  std::string flat;
  for (char c : s) flat += (c == '\n' || c == '\r' || c == '\t') ? ' ' : c;
  if (DisplayWidth(flat) <= max) return flat;
  size_t w = 0, i = 0;
  for (; i < flat.size(); ++i) {
    if ((static_cast<unsigned char>(flat[i]) & 0xC0) != 0x80) {
      if (w == max - 1) break;
      ++w;
    }
  }
  return flat.substr(0, i) + "…";
}

std::string WithThousands(int64_t n) {
  std::string digits = std::to_string(n < 0 ? -n : n);
  std::string out;
  for (size_t i = 0; i < digits.size(); ++i) {
    if (i && (digits.size() - i) % 3 == 0) out += ',';
    out += digits[i];
  }
  return n < 0 ? "-" + out : out;
}

std::string FormatPercent(double fraction) {
  if (fraction <= 0) return "0%";
  if (fraction < 0.001) return "<0.1%";
  char buf[32];
  double pct = fraction * 100;
  std::snprintf(buf, sizeof buf, pct == std::floor(pct) ? "%.0f%%" : "%.1f%%", pct);
  return buf;
}

std::string TopValuesText(const ColumnInfo& c) {
  constexpr size_t kShown = 5;
  std::string out;
  for (size_t i = 0; i < c.top_values.size() && i < kShown; ++i) {
    if (i) out += ", ";
    out += Truncate(c.top_values[i].value, 20) + " (" + WithThousands(c.top_values[i].count) + ")";
  }
  if (c.top_values.size() > kShown) out += ", …";
  return out;
}

std::string KeysText(const TableInfo& t, const ColumnInfo& c) {
  std::vector<std::string> parts;
  if (c.is_primary_key) parts.push_back(t.primary_key_declared ? "PK" : "PK (inferred)");
  for (const auto& fk : t.foreign_keys) {
    if (!EqualsIgnoreCase(fk.column, c.name)) continue;
    std::string s = "→ " + fk.ref_table + "." + fk.ref_column;
    if (!fk.declared) s += " (inferred)";
    parts.push_back(std::move(s));
  }
  return Join(parts, " ");
}

std::string RenderGrid(const std::vector<std::vector<std::string>>& rows) {
  std::vector<size_t> widths;
  std::vector<bool> used;
  for (const auto& row : rows) {
    widths.resize(std::max(widths.size(), row.size()), 0);
    used.resize(widths.size(), false);
  }
  for (size_t r = 0; r < rows.size(); ++r) {
    for (size_t i = 0; i < rows[r].size(); ++i) {
      widths[i] = std::max(widths[i], DisplayWidth(rows[r][i]));
      if (r > 0 && !rows[r][i].empty()) used[i] = true;
    }
  }
  std::string out;
  for (const auto& row : rows) {
    std::string line = "  ";
    for (size_t i = 0; i < row.size(); ++i) {
      if (!used[i]) continue;  // drop columns that are empty for every row
      line += row[i];
      line.append(widths[i] - DisplayWidth(row[i]) + 2, ' ');
    }
    while (!line.empty() && line.back() == ' ') line.pop_back();
    out += line + "\n";
  }
  return out;
}

std::string TableHeader(const TableInfo& t) {
  std::string head = t.name;
  if (t.is_view) head += " (view)";
  else if (!t.label.empty() && t.label != t.name) head += " (" + t.label + ")";
  head += " — " + std::string(t.row_count_is_lower_bound ? "at least " : "") +
          WithThousands(t.row_count) + (t.row_count == 1 ? " row" : " rows");
  if (!t.primary_key.empty()) {
    head += " — primary key " + Join(t.primary_key, ", ");
    if (!t.primary_key_declared) head += " (inferred)";
  }
  return head + "\n";
}

std::string TableText(const TableInfo& t) {
  std::string out = TableHeader(t);
  if (!t.description.empty()) out += "  " + t.description + "\n";
  std::vector<std::vector<std::string>> rows;
  rows.push_back({"column", "type", "label", "nulls", "distinct", "range", "keys", "top values",
                  "description"});
  for (const auto& c : t.columns) {
    std::string range;
    if (!IsNull(c.min)) {
      range = Truncate(ValueToString(c.min), 24);
      if (ValueToString(c.max) != ValueToString(c.min)) range += " .. " + Truncate(ValueToString(c.max), 24);
    }
    std::string distinct = (c.distinct_is_estimate ? "≥" : "") + WithThousands(c.distinct_count);
    rows.push_back({c.name, ColumnTypeName(c.type), c.label != c.name ? Truncate(c.label, 30) : "",
                    FormatPercent(c.null_fraction), distinct, range, KeysText(t, c),
                    TopValuesText(c), Truncate(c.description, 60)});
  }
  return out + RenderGrid(rows);
}

}  // namespace

std::string Catalog::ToText() const {
  std::string out = "Dataset " + dataset + " — " + std::to_string(tables.size()) +
                    (tables.size() == 1 ? " table" : " tables");
  if (!built_at.empty()) out += ", profiled " + built_at;
  out += "\n";
  for (const auto& t : tables) out += "\n" + TableText(t);
  if (!hidden_tables.empty()) out += "\nHidden by the metadata file: " + Join(hidden_tables, ", ") + "\n";
  if (!metrics.empty()) {
    out += "\nMetrics\n";
    for (const auto& m : metrics) {
      out += "  " + m.name;
      if (!m.description.empty()) out += " — " + m.description;
      out += "\n";
    }
  }
  return out;
}

// ---------------------------------------------------------------------------------------------
// Files
// ---------------------------------------------------------------------------------------------

Status Catalog::Save(const std::string& path) const {
  return WriteFileAtomically(path, ToJson().dump(1) + "\n");
}

Result<Catalog> Catalog::Load(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    if (!std::filesystem::exists(path)) return Status::NotFound("catalog file " + path + " does not exist");
    return Status::IoError("cannot read " + path + ": " + std::strerror(errno));
  }
  std::stringstream ss;
  ss << in.rdbuf();
  json j;
  try {
    j = json::parse(ss.str());
  } catch (const json::parse_error& e) {
    return Status::Corruption(path + ": not valid JSON at byte " + std::to_string(e.byte));
  }
  auto cat = FromJson(j);
  if (!cat.ok()) return cat.status().WithContext(path);
  return cat;
}

}  // namespace da
