// The rows a query returned, and how they are shown: text table, JSON, CSV.
#pragma once

#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "common/value.h"

namespace da {

struct QueryResult {
  std::vector<std::string> columns;
  std::vector<std::vector<Value>> rows;
  bool truncated = false;  // more rows existed beyond the row cap
  double elapsed_ms = 0;

  // {"columns":[...],"rows":[[...]],"row_count":N,"truncated":b,"elapsed_ms":x}; NULL -> null.
  nlohmann::json ToJson() const;
  // RFC 4180 CSV with a header line; NULL -> empty field; CRLF line ends.
  std::string ToCsv() const;
  // Aligned text table for terminals (numbers right-aligned, NULL shown as NULL, long text
  // cut at `max_width` display columns with "…"), followed by "(N rows)" / "(first N rows)".
  std::string ToText(size_t max_width = 40) const;
};

}  // namespace da
