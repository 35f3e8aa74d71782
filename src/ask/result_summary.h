// The facts a query result supports, computed once: counts, extremes, totals, shares, trends
// and a correlation. The templated explanation is written from these, and an LLM asked to
// phrase an answer gets them (ToJson) instead of raw rows in privacy mode.
//
// Cost is bounded: only the first SummaryOptions::max_rows rows are looked at (10,000 by
// default; the guard's row cap is usually lower), each numeric column is sorted once for its
// median, so a summary costs O(rows x columns x log rows).
#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "common/query_result.h"
#include "viz/column_roles.h"

namespace da {

struct SummaryOptions {
  size_t max_rows = 10000;  // rows looked at
  size_t ranked = 3;        // rows kept at each end of a measure's ranking
};

// A row named by its label ("Store 20", "North", "2012-03") and one measure's value there.
struct RankedItem {
  std::string label;
  double value = 0;
  size_t row = 0;  // index in the result
};

// A change between consecutive points of a time series.
struct TrendStep {
  std::string from, to;  // time labels
  double change = 0;     // to - from
  std::optional<double> change_pct;  // percent of the earlier value; absent when it is 0
};

struct Trend {
  size_t points = 0;
  std::string first_label, last_label;
  double first = 0, last = 0, change = 0;
  std::optional<double> change_pct;  // percent of `first`; absent when first is 0
  std::optional<TrendStep> largest_rise, largest_drop;  // by absolute change
  RankedItem peak, low;                                  // highest and lowest point
};

struct MeasureSummary {
  std::string column, title;
  size_t count = 0;  // finite numbers; NULL, NaN and infinities are skipped
  size_t missing = 0;
  double min = 0, max = 0, sum = 0, mean = 0, median = 0;
  // Whether values add up to a meaningful total (sums, counts, sales...; not averages,
  // prices or rates). Shares are given only for additive measures.
  bool additive = false;
  std::vector<RankedItem> top, bottom;  // highest first / lowest first
  std::optional<double> top_share;      // top item's percent of the sum: additive, all >= 0, sum > 0
  std::optional<Trend> trend;           // when the rows are a time series (one value per time)
};

struct Correlation {
  std::string x, y;  // columns
  double r = 0;      // Pearson
  size_t n = 0;      // pairs used
};

struct ResultSummary {
  size_t row_count = 0;        // rows in the result
  size_t rows_considered = 0;  // rows looked at (<= max_rows)
  bool truncated = false;      // the row cap cut the result
  std::vector<std::string> columns;
  std::vector<ResultColumn> roles;
  int label_column = -1;  // names the rows: first category, else the time column
  int time_column = -1;
  size_t label_count = 0;  // distinct labels among the rows looked at
  std::vector<MeasureSummary> measures;
  std::optional<Correlation> correlation;  // when there are exactly two measures
  std::optional<Value> single_value;       // a 1 x 1 result
  std::vector<std::string> sample_labels;  // first few labels, for results without measures

  // {"row_count", "rows_considered", "truncated", "columns", "label_column", "time_column",
  //  "label_count", "measures": [{"column", "title", "count", "missing", "min", "max", "sum",
  //  "mean", "median", "additive", "top": [{"label", "value"}], "bottom", "top_share"?,
  //  "trend"?: {"points", "first": {"label", "value"}, "last", "change", "change_pct"?,
  //  "largest_rise"?: {"from", "to", "change", "change_pct"?}, "largest_drop"?, "peak", "low"}}],
  //  "correlation"?: {"x", "y", "r", "n"}, "single_value"?, "sample_labels"}
  // Absent facts are left out; columns are named by their result names.
  nlohmann::json ToJson() const;
};

// Facts of `result`, with column roles inferred (InferColumnRoles) or given.
ResultSummary Summarize(const QueryResult& result, const SummaryOptions& options = {});
ResultSummary Summarize(const QueryResult& result, std::vector<ResultColumn> roles,
                        const SummaryOptions& options = {});

}  // namespace da
