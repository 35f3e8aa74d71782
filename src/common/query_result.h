// The rows a query returned, and how they are shown: text table, JSON, CSV.
#pragma once

#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "common/status.h"
#include "common/value.h"

namespace da {

struct QueryResult {
  std::vector<std::string> columns;
  std::vector<std::vector<Value>> rows;
  bool truncated = false;  // more rows existed beyond the row cap
  double elapsed_ms = 0;

  // {"columns":[...],"rows":[[...]],"row_count":N,"truncated":b,"elapsed_ms":x}; NULL -> null,
  // integers and reals -> numbers (NaN/infinity -> null). Text that is not valid UTF-8 has each
  // bad byte replaced by U+FFFD, so dump() never throws.
  nlohmann::json ToJson() const;
  // The inverse of ToJson (elapsed_ms and row_count are not read back): JSON integers become
  // INTEGER, other numbers REAL, strings TEXT, null NULL. kCorruption naming what is missing or
  // mistyped (a row of another width, a nested array...).
  static Result<QueryResult> FromJson(const nlohmann::json& j);
  // RFC 4180 CSV with a header line; NULL -> empty field; fields holding ',', '"', CR or LF
  // are quoted with '"' doubled; CRLF line ends.
  std::string ToCsv() const;
  // Aligned text table for terminals:
  //   id | name  | amount
  //   ---+-------+-------
  //    1 | Alice |    3.5
  //   12 | Bob   |   NULL
  //   (2 rows)
  // Widths count display columns (code points; East Asian wide characters count 2). Columns
  // whose non-NULL values are all numbers are right-aligned, header included; NULL shows as
  // NULL; tab, CR and LF show as \t, \r, \n; text longer than `max_width` columns is cut
  // with "…" (max_width >= 2). The footer is "(N rows)" with thousands separators, or
  // "(first N rows; more were cut by the row cap)" when truncated.
  std::string ToText(size_t max_width = 40) const;
};

}  // namespace da
