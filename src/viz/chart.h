// Choosing a chart for a query result and writing it as a Vega-Lite v5 spec with the data
// inline. The rules (docs/charts.md):
//   no rows, or a single row (one number)             -> no chart
//   a time column and a measure                        -> line (several measures or a category
//                                                         -> one line per series, by color)
//   a share/percentage/breakdown question, one category
//     with <= max_arc_slices values, measure >= 0       -> arc (pie)
//   two or more measures and no category               -> point (scatter)
//   a category and a measure                           -> bar, sorted by the measure descending;
//                                                         horizontal for long labels or many
//                                                         bars; more than max_bars categories
//                                                         -> the top max_bars, with a note
//   anything else (only text, one column of numbers)   -> no chart
// An explicitly requested type is honoured when the data fits it; otherwise the automatic
// choice is made and a note says why the request was not followed.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "common/query_result.h"
#include "common/status.h"

namespace da {

enum class ChartType { kNone, kBar, kLine, kArc, kPoint };

// "none", "bar", "line", "arc", "point" (the Vega-Lite mark).
const char* ChartTypeName(ChartType type);
// Mark names and everyday words: "bar", "column", "line", "arc", "pie", "donut", "point",
// "scatter", "none"; case-insensitive. nullopt for anything else.
std::optional<ChartType> ChartTypeFromName(std::string_view name);

struct ChartHints {
  std::optional<ChartType> requested;  // "... as a pie chart"
  bool proportion = false;             // the question asks for a share, percentage or breakdown
  std::string title;                   // chart title (e.g. the restatement); empty: from columns
  size_t max_bars = 20;                // bar charts of more categories show the top ones
  size_t max_arc_slices = 8;           // pies with more slices do not fit
  size_t max_points = 5000;            // rows placed in a spec at most
};

struct Chart {
  ChartType type = ChartType::kNone;
  nlohmann::json spec;             // Vega-Lite v5; null when type is kNone
  std::vector<std::string> notes;  // for people: "Showing the top 20 of 45 stores by total sales."
  std::string reason;              // why there is no chart, when type is kNone

  // {"type": "bar", "spec": {...} | null, "notes": [...], "reason": "..." (only when no chart)}
  nlohmann::json ToJson() const;
};

// The chart for `result`; never fails (a result that suits no chart gets kNone and a reason).
Chart ChooseChart(const QueryResult& result, const ChartHints& hints = {});

// Chart types that fit `result`, the automatic choice first (what a chart-type switch offers).
// Empty when nothing fits.
std::vector<ChartType> AlternativeCharts(const QueryResult& result, const ChartHints& hints = {});

// A chart of exactly `type` (the switch); Unsupported, saying why, when the data does not fit.
// kNone gives a Chart without a spec.
Result<Chart> MakeChart(const QueryResult& result, ChartType type, const ChartHints& hints = {});

}  // namespace da
