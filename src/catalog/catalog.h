// The catalog: what DataAnalyst knows about a dataset's tables and columns. Computed once at
// ingest (or connect/refresh), stored beside the data as JSON, and read by every later stage
// (schema command, question engine, LLM prompts, the web page).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "common/status.h"
#include "common/value.h"
#include "ingest/column_type.h"

namespace da {

struct ValueCount {
  std::string value;
  int64_t count = 0;
};

struct ColumnInfo {
  std::string name;         // SQL identifier in the dataset
  std::string label;        // original header text (== name for SQLite inputs)
  std::string description;  // from the metadata file, else ""
  ColumnType type = ColumnType::kText;
  std::string declared_type;  // as declared in SQLite ("varchar(20)")
  bool not_null = false;      // declared NOT NULL
  double null_fraction = 0;   // 0..1 of row_count
  int64_t distinct_count = 0;
  // True when the column had more distinct values than the profiler counts exactly; then
  // distinct_count is a lower bound (see profiler.h).
  bool distinct_is_estimate = false;
  Value min, max;             // NULL when the column has no non-null values
  std::vector<ValueCount> top_values;  // up to 20, most frequent first; TEXT/BOOLEAN/DATE columns
  bool is_primary_key = false;         // declared or inferred
};

struct ForeignKey {
  std::string column;        // in the owning table
  std::string ref_table;
  std::string ref_column;
  bool declared = false;     // declared in SQLite, else inferred
  double inclusion = 1.0;    // share of distinct non-null values found in the referenced column
};

struct TableInfo {
  std::string name;
  std::string label;        // "Table Label" from metadata, else the original folder/file/sheet
  std::string description;  // "Comments" from metadata
  int64_t row_count = 0;
  bool is_view = false;
  // Views are profiled over a bounded number of rows (profiler.h). When the view returned more,
  // row_count is a lower bound and the column statistics describe only the rows read.
  bool row_count_is_lower_bound = false;
  std::vector<ColumnInfo> columns;
  std::vector<std::string> primary_key;  // column names; empty when none
  bool primary_key_declared = false;
  std::vector<ForeignKey> foreign_keys;

  const ColumnInfo* FindColumn(std::string_view name) const;  // case-insensitive
};

struct MetricInfo {
  std::string name;
  std::string description;
};

struct Catalog {
  static constexpr int kFormatVersion = 1;

  std::string dataset;
  std::vector<TableInfo> tables;          // visible tables only
  std::vector<std::string> hidden_tables;  // present in the data, hidden by the metadata file
  std::vector<MetricInfo> metrics;
  std::string built_at;  // ISO-8601 UTC

  const TableInfo* FindTable(std::string_view name) const;  // case-insensitive

  nlohmann::json ToJson() const;
  static Result<Catalog> FromJson(const nlohmann::json& j);
  std::string ToText() const;  // what `dataanalyst schema NAME` prints

  Status Save(const std::string& path) const;             // atomic: temp file + rename
  static Result<Catalog> Load(const std::string& path);
};

}  // namespace da
