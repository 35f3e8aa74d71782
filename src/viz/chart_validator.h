// Structural validation of a Vega-Lite spec before anyone renders it: the specs we write, and
// later specs an LLM proposes. We never run generated code, so anything that could evaluate an
// expression or fetch a resource is refused, and every field must name the result's data.
#pragma once

#include <nlohmann/json.hpp>

#include "common/query_result.h"
#include "common/status.h"

namespace da {

// OK when `spec` is a single-view Vega-Lite chart of `result` that is safe to render:
//   - top-level keys only from: $schema (Vega-Lite v5), title, description, data, mark,
//     encoding, transform, width, height, autosize, padding, background (no layer/concat/
//     repeat/facet specs, params or selections, config or usermeta);
//   - data is exactly {"values": [...]}: at least one row, at most as many rows as the result,
//     each an object whose keys are result fields (ChartFieldNames) and whose values are
//     scalars; no "url", named or generated data;
//   - mark is a known type (arc area bar circle line point rect rule square text tick trail),
//     as a string or an object with scalar properties;
//   - encoding channels from a known set (no href/url/key channels); every "field" reference
//     parses (ParseField) to a data key or a fold output; "type" is quantitative, temporal,
//     nominal or ordinal and required with a field (except count); aggregate, timeUnit, bin,
//     sort, stack and formatType values are from Vega-Lite's fixed vocabularies; arc needs
//     theta, other marks x or y;
//   - transform, if present, holds only {"fold": [fields], "as": [key, value]};
//   - nowhere an "expr", "signal", "*Expr" (labelExpr...), "condition", "test", "param(s)",
//     "selection", "url", "href", "calculate", "filter" or "loader" key.
// InvalidArgument names the first problem with its JSON path ("encoding.x.field: ...").
Status ValidateChart(const nlohmann::json& spec, const QueryResult& result);

}  // namespace da
