// The optional metadata file, in the original platform's format: a CSV or XLSX holding any of
//  tables:  "Table Name", "Table Label", "Comments"
//  columns: "Table Name", "Column Name", "Column Description"
//  metrics: "Metric Name", "Description"
// An XLSX may hold them as separate sheets; several CSVs may be given. Headers are matched
// case-insensitively and ignoring spaces/underscores.
#pragma once

#include <filesystem>
#include <string>
#include <vector>

#include "catalog/catalog.h"
#include "common/status.h"

namespace da {

struct TableMetadata {
  std::string table, label, comments;
};
struct ColumnMetadata {
  std::string table, column, description;
};

struct Metadata {
  std::vector<TableMetadata> tables;
  std::vector<ColumnMetadata> columns;
  std::vector<MetricInfo> metrics;
};

// Reads and merges metadata files. Errors name the file and what was expected when a file
// has none of the three known header shapes.
Result<Metadata> LoadMetadata(const std::vector<std::filesystem::path>& files);

// Applies descriptions and labels. Table/column names are matched against identifiers and
// labels, case-insensitively. When the metadata lists any tables, only those tables stay
// visible (the rest move to hidden_tables). Entries naming unknown tables/columns are returned
// as warnings ("metadata: unknown column orders.foo"), never silently ignored.
std::vector<std::string> ApplyMetadata(const Metadata& metadata, Catalog* catalog);

}  // namespace da
