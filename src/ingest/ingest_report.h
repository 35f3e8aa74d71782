// What an ingest did: printed to the terminal and returned as JSON by `ingest --json`.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "ingest/column_type.h"

namespace da {

struct RejectedRow {
  std::string file;  // RowSource::name()
  int64_t line = 0;
  std::string reason;  // "expected 5 fields, found 7"
};

struct ColumnReport {
  std::string name;   // SQL identifier
  std::string label;  // original header text
  ColumnType type = ColumnType::kText;
  // Why a column that looked typed ended as TEXT ("line 1042: 'n/a' is not a number"), else "".
  std::string fallback_reason;
};

struct TableReport {
  std::string name;
  std::string label;  // what the user called it: folder, file stem or sheet name
  std::vector<std::string> sources;  // RowSource names unioned into this table
  int64_t rows = 0;
  int64_t rejected_rows = 0;
  bool has_source_file_column = false;
  std::vector<ColumnReport> columns;
};

struct IngestReport {
  static constexpr size_t kMaxRejectedListed = 20;

  std::string dataset;
  std::string input;  // the path given by the user
  std::string kind;   // "csv", "zip", "xlsx", "sqlite"
  std::vector<TableReport> tables;
  std::vector<RejectedRow> rejected;  // the first kMaxRejectedListed
  int64_t rejected_total = 0;
  std::vector<std::string> skipped;  // "docs/readme.txt: not a CSV file"
  std::vector<std::string> warnings;
  uint64_t input_bytes = 0;
  double elapsed_seconds = 0;

  // Records a rejected row, keeping only the first kMaxRejectedListed in `rejected`.
  void AddRejected(RejectedRow row);
  double megabytes_per_second() const;
  int64_t total_rows() const;

  nlohmann::json ToJson() const;
  std::string ToText() const;  // the human-readable report printed by the CLI
};

}  // namespace da
