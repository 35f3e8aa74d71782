// How a query result's columns become Vega-Lite data fields, and how field references in a
// spec are written and read back.
//
// Data keys are the column names themselves, so the chart and the table speak of the same
// names; a repeated name gets " (2)", " (3)", ...; an empty name becomes "column N". In
// field *references* Vega-Lite reads '.' and '[...]' as nested access and a leading quote as
// a quoted path, so those characters (and '\') are escaped with a backslash.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "common/query_result.h"
#include "common/status.h"

namespace da {

// `text` as valid UTF-8: each byte that is not part of a valid sequence becomes U+FFFD, as in
// QueryResult::ToJson, so JSON holding it always serializes.
std::string ValidUtf8Text(std::string_view text);

// The data key of each column, in column order (unique, valid UTF-8).
std::vector<std::string> ChartFieldNames(const QueryResult& result);

// "sum(T1.sales)" -> "sum(T1\\.sales)": a reference Vega-Lite reads as the one key `name`.
std::string EscapeField(std::string_view name);

// The data key a reference written by EscapeField names. Unescaped '.', '[', ']' or quotes
// (which Vega would read as a nested or quoted path) and empty references are errors.
Result<std::string> ParseField(std::string_view reference);

// [{key: value, ...}, ...] for the rows at `row_indices` (all rows, up to `max_rows`, when
// empty). Integers and reals are numbers (NaN/infinity -> null), text is a string (invalid
// UTF-8 bytes replaced), NULL is null.
nlohmann::json ChartValues(const QueryResult& result, const std::vector<size_t>& row_indices = {},
                           size_t max_rows = 5000);

// `spec` with its data replaced by the rows of `result` ({"values": ChartValues(...)}): how a
// spec proposed without rows (an LLM sees facts, not data) gets the data it is validated against.
nlohmann::json WithResultData(nlohmann::json spec, const QueryResult& result, size_t max_rows = 5000);

}  // namespace da
