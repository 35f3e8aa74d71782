#include "catalog/metadata.h"

#include <fstream>

#include "common/strings.h"
#include "ingest/csv_source.h"
#include "ingest/xlsx_reader.h"

namespace da {

namespace {

enum class Shape { kTables, kColumns, kMetrics };

// "Table Name", "table_name", "TABLENAME" -> "tablename".
std::string HeaderKey(std::string_view header) {
  std::string out;
  for (char c : ToLower(Trim(header)))
    if (c != ' ' && c != '_' && c != '\t') out += c;
  return out;
}

struct ShapeSpec {
  Shape shape;
  std::vector<std::string> keys;  // required header keys, in the order fields are read
};

// Columns first: its header is a superset of what a table sheet starts with.
const std::vector<ShapeSpec>& Shapes() {
  static const std::vector<ShapeSpec> kShapes = {
      {Shape::kColumns, {"tablename", "columnname", "columndescription"}},
      {Shape::kTables, {"tablename", "tablelabel", "comments"}},
      {Shape::kMetrics, {"metricname", "description"}},
  };
  return kShapes;
}

constexpr const char* kExpectedShapes =
    "expected columns 'Table Name','Table Label','Comments' or 'Table Name','Column Name',"
    "'Column Description' or 'Metric Name','Description'";

// Field positions for `spec` in `header`, or empty when a required column is missing.
std::vector<size_t> MatchShape(const ShapeSpec& spec, const std::vector<std::string>& header) {
  std::vector<size_t> positions;
  for (const auto& key : spec.keys) {
    size_t found = header.size();
    for (size_t i = 0; i < header.size(); ++i) {
      if (HeaderKey(header[i]) == key) {
        found = i;
        break;
      }
    }
    if (found == header.size()) return {};
    positions.push_back(found);
  }
  return positions;
}

std::string QuotedList(const std::vector<std::string>& items) {
  std::vector<std::string> quoted;
  for (const auto& s : items) quoted.push_back("'" + s + "'");
  return Join(quoted, ",");
}

// The first data row, for sources whose reader did not take it as a header.
Result<std::vector<std::string>> FirstRow(RowSource* source) {
  std::vector<std::string> first;
  Status s = source->ForEachRow([&](const RowView& row) -> Status {
    for (auto f : row.fields) first.emplace_back(f);
    return Status::Internal("stop after the first row");  // ends the walk; not reported
  });
  if (!s.ok() && first.empty()) return s;
  return first;
}

// True for the names readers give header-less columns ("column_1", "column_2", ...).
bool IsGeneratedHeader(const std::vector<std::string>& header) {
  for (size_t i = 0; i < header.size(); ++i)
    if (header[i] != "column_" + std::to_string(i + 1)) return false;
  return !header.empty();
}

// Reads one sheet/CSV into `out`. Returns false (and leaves `out` alone) when its header has
// none of the known shapes. When the reader judged the file header-less (a metadata file of
// text only can look like that), its first row is tried as the header.
Result<bool> ReadSource(RowSource* source, Metadata* out) {
  std::vector<std::string> header = source->header();
  bool header_is_first_row = false;
  if (IsGeneratedHeader(header)) {
    DA_ASSIGN_OR_RETURN(std::vector<std::string> first, FirstRow(source));
    for (const auto& spec : Shapes()) {
      if (!MatchShape(spec, first).empty()) {
        header = std::move(first);
        header_is_first_row = true;
        break;
      }
    }
  }
  for (const auto& spec : Shapes()) {
    std::vector<size_t> pos = MatchShape(spec, header);
    if (pos.empty()) continue;
    bool skip = header_is_first_row;
    Status s = source->ForEachRow([&](const RowView& row) -> Status {
      if (skip) {
        skip = false;
        return Status::Ok();
      }
      auto field = [&](size_t k) -> std::string {
        return pos[k] < row.fields.size() ? std::string(Trim(row.fields[pos[k]])) : std::string();
      };
      switch (spec.shape) {
        case Shape::kTables:
          if (!field(0).empty()) out->tables.push_back({field(0), field(1), field(2)});
          break;
        case Shape::kColumns:
          if (!field(0).empty() && !field(1).empty()) out->columns.push_back({field(0), field(1), field(2)});
          break;
        case Shape::kMetrics:
          if (!field(0).empty()) out->metrics.push_back({field(0), field(1)});
          break;
      }
      return Status::Ok();
    });
    DA_RETURN_IF_ERROR(s);
    return true;
  }
  return false;
}

bool LooksLikeZip(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  char magic[4] = {};
  in.read(magic, 4);
  return in.gcount() == 4 && magic[0] == 'P' && magic[1] == 'K' && magic[2] == 3 && magic[3] == 4;
}

Status LoadXlsx(const std::filesystem::path& path, Metadata* out) {
  DA_ASSIGN_OR_RETURN(auto sheets, OpenXlsxSheets(path));
  std::vector<std::string> seen;
  bool any = false;
  for (auto& sheet : sheets) {
    DA_ASSIGN_OR_RETURN(bool matched, ReadSource(sheet.get(), out));
    any = any || matched;
    if (!matched) seen.push_back(sheet->name() + ": " + QuotedList(sheet->header()));
  }
  if (!any) {
    return Status::InvalidArgument(path.filename().string() + ": no sheet has a metadata header; " +
                                   kExpectedShapes + "; found " + Join(seen, "; "));
  }
  return Status::Ok();
}

Status LoadCsv(const std::filesystem::path& path, Metadata* out) {
  DA_ASSIGN_OR_RETURN(auto source, OpenCsvFile(path));
  DA_ASSIGN_OR_RETURN(bool matched, ReadSource(source.get(), out));
  if (!matched) {
    return Status::InvalidArgument(path.filename().string() + ": " + kExpectedShapes + "; found " +
                                   QuotedList(source->header()));
  }
  return Status::Ok();
}

// Identifier or label, case-insensitively; then ignoring spaces and underscores
// ("Order Lines" finds order_lines).
template <typename T>
T* FindByNameOrLabel(std::vector<T>& items, std::string_view wanted) {
  for (auto& item : items)
    if (EqualsIgnoreCase(item.name, wanted) || EqualsIgnoreCase(item.label, wanted)) return &item;
  const std::string key = HeaderKey(wanted);
  for (auto& item : items)
    if (HeaderKey(item.name) == key || HeaderKey(item.label) == key) return &item;
  return nullptr;
}

}  // namespace

Result<Metadata> LoadMetadata(const std::vector<std::filesystem::path>& files) {
  Metadata metadata;
  for (const auto& path : files) {
    if (!std::filesystem::exists(path))
      return Status::NotFound("metadata file " + path.string() + " does not exist");
    const bool xlsx = EqualsIgnoreCase(path.extension().string(), ".xlsx") || LooksLikeZip(path);
    DA_RETURN_IF_ERROR(xlsx ? LoadXlsx(path, &metadata) : LoadCsv(path, &metadata));
  }
  return metadata;
}

std::vector<std::string> ApplyMetadata(const Metadata& metadata, Catalog* catalog) {
  std::vector<std::string> warnings;
  std::vector<const TableInfo*> listed;
  for (const auto& tm : metadata.tables) {
    TableInfo* t = FindByNameOrLabel(catalog->tables, tm.table);
    if (!t) {
      warnings.push_back("metadata: unknown table " + tm.table);
      continue;
    }
    if (!tm.label.empty()) t->label = tm.label;
    if (!tm.comments.empty()) t->description = tm.comments;
    listed.push_back(t);
  }
  for (const auto& cm : metadata.columns) {
    TableInfo* t = FindByNameOrLabel(catalog->tables, cm.table);
    if (!t) {
      warnings.push_back("metadata: unknown table " + cm.table + " (for column " + cm.column + ")");
      continue;
    }
    ColumnInfo* c = FindByNameOrLabel(t->columns, cm.column);
    if (!c) {
      warnings.push_back("metadata: unknown column " + t->name + "." + cm.column);
      continue;
    }
    c->description = cm.description;
  }
  for (const auto& m : metadata.metrics) {
    bool replaced = false;
    for (auto& existing : catalog->metrics) {
      if (EqualsIgnoreCase(existing.name, m.name)) {
        existing.description = m.description;
        replaced = true;
      }
    }
    if (!replaced) catalog->metrics.push_back(m);
  }
  if (!listed.empty()) {
    std::vector<TableInfo> visible;
    for (auto& t : catalog->tables) {
      bool keep = false;
      for (const TableInfo* l : listed) keep = keep || l == &t;
      if (keep) visible.push_back(std::move(t));
      else catalog->hidden_tables.push_back(t.name);
    }
    catalog->tables = std::move(visible);
    // A visible table must not point the reader at a table they cannot see.
    for (auto& t : catalog->tables) {
      std::erase_if(t.foreign_keys, [&](const ForeignKey& fk) { return !catalog->FindTable(fk.ref_table); });
    }
  }
  return warnings;
}

}  // namespace da
