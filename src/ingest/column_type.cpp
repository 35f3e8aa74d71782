#include "ingest/column_type.h"

#include "common/strings.h"

namespace da {

const char* PostgresTypeName(ColumnType t) {
  switch (t) {
    case ColumnType::kInteger: return "bigint";
    case ColumnType::kReal: return "double precision";
    case ColumnType::kBoolean: return "boolean";
    case ColumnType::kDate: return "date";
    case ColumnType::kTimestamp: return "timestamp";
    case ColumnType::kText: return "text";
  }
  return "text";
}

const char* ColumnTypeName(ColumnType t) {
  switch (t) {
    case ColumnType::kInteger: return "INTEGER";
    case ColumnType::kReal: return "REAL";
    case ColumnType::kBoolean: return "BOOLEAN";
    case ColumnType::kDate: return "DATE";
    case ColumnType::kTimestamp: return "TIMESTAMP";
    case ColumnType::kText: return "TEXT";
  }
  return "TEXT";
}

ColumnType ColumnTypeFromDeclared(std::string_view declared) {
  const std::string d = ToLower(Trim(declared));
  auto has = [&](std::string_view part) { return d.find(part) != std::string::npos; };
  if (d.empty()) return ColumnType::kText;
  if (has("bool") || d == "bit" || d == "tinyint(1)") return ColumnType::kBoolean;
  if (has("timestamp") || has("datetime")) return ColumnType::kTimestamp;
  if (d == "date" || d == "date text") return ColumnType::kDate;
  // SQLite affinity rules, in their documented order.
  if (has("int")) return ColumnType::kInteger;
  if (has("char") || has("clob") || has("text")) return ColumnType::kText;
  if (has("real") || has("floa") || has("doub") || has("dec") || has("num") || has("money"))
    return ColumnType::kReal;
  if (has("date") || has("time")) return ColumnType::kTimestamp;
  return ColumnType::kText;
}

}  // namespace da
