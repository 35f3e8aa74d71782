#include "viz/chart.h"

#include <algorithm>
#include <cmath>
#include <map>
#include <set>

#include "common/strings.h"
#include "viz/chart_fields.h"
#include "viz/column_roles.h"
#include "viz/number_format.h"

namespace da {

namespace {

constexpr const char* kSchema = "https://vega.github.io/schema/vega-lite/v5.json";
constexpr size_t kHorizontalLabelLength = 12;  // longer category labels -> horizontal bars
constexpr size_t kHorizontalBarCount = 12;     // more bars -> horizontal bars
constexpr size_t kMaxColorSeries = 20;         // more series -> lines without a legend
constexpr size_t kLinePointMarkers = 100;      // fewer points -> a marker on each
constexpr int kLineWidth = 400;                // pixels; a page may override
constexpr double kShortAxisNumbers = 1e5;      // from here on axes read "300M", not "300,000,000"

// What a result offers a chart: its columns' roles and data keys.
struct Shape {
  const QueryResult* result = nullptr;
  std::vector<ResultColumn> cols;
  std::vector<std::string> keys;
  int time = -1;
  std::vector<int> measures, categories;

  size_t rows() const { return result->rows.size(); }
  // The column that names bars and slices: the first category, else the time column.
  int label() const { return categories.empty() ? time : categories[0]; }
};

Shape Analyze(const QueryResult& result) {
  Shape s;
  s.result = &result;
  s.cols = InferColumnRoles(result);
  s.keys = ChartFieldNames(result);
  for (size_t c = 0; c < s.cols.size(); ++c) s.cols[c].title = ColumnTitle(s.keys[c]);  // valid UTF-8
  s.time = FirstColumn(s.cols, ColumnRole::kTemporal);
  s.measures = ColumnsWith(s.cols, ColumnRole::kQuantitative);
  s.categories = ColumnsWith(s.cols, ColumnRole::kNominal);
  return s;
}

const char* TypeNoun(ChartType type) {
  switch (type) {
    case ChartType::kBar: return "bar chart";
    case ChartType::kLine: return "line chart";
    case ChartType::kArc: return "pie chart";
    case ChartType::kPoint: return "scatter plot";
    case ChartType::kNone: break;
  }
  return "table";
}

const Value& Cell(const Shape& s, size_t row, int col) {
  static const Value kNull;
  const auto& r = s.result->rows[row];
  return static_cast<size_t>(col) < r.size() ? r[col] : kNull;
}

// Sum of `measure` per distinct label text, first-seen order kept in `order`.
std::map<std::string, double> TotalsByLabel(const Shape& s, int label, int measure,
                                            std::vector<std::string>* order = nullptr) {
  std::map<std::string, double> totals;
  for (size_t r = 0; r < s.rows(); ++r) {
    const std::string key = ValueToString(Cell(s, r, label));
    const double v = NumericValue(Cell(s, r, measure));
    auto [it, added] = totals.emplace(key, 0.0);
    if (added && order) order->push_back(key);
    if (!std::isnan(v)) it->second += v;
  }
  return totals;
}

// Why a pie does not fit, or "".
std::string ArcMisfit(const Shape& s, const ChartHints& hints) {
  if (s.label() < 0 || s.measures.empty()) return "a pie chart needs a category and a measure";
  const int m = s.measures[0];
  const auto totals = TotalsByLabel(s, s.label(), m);
  double sum = 0;
  for (size_t r = 0; r < s.rows(); ++r) {
    const double v = NumericValue(Cell(s, r, m));
    if (v < 0) return "a pie chart cannot show negative values";
    if (!std::isnan(v)) sum += v;
  }
  if (totals.size() > hints.max_arc_slices) {
    return "a pie chart shows at most " + std::to_string(hints.max_arc_slices) + " slices and this result has " +
           FormatCount(static_cast<int64_t>(totals.size()));
  }
  if (sum <= 0) return "a pie chart needs values that add up to more than zero";
  return "";
}

// Why `type` does not fit the result, or "" when it does.
std::string Misfit(const Shape& s, ChartType type, const ChartHints& hints) {
  if (s.rows() == 0) return "the result has no rows";
  if (s.rows() == 1) return "a single row reads better as a number than as a chart";
  switch (type) {
    case ChartType::kLine:
      return s.time >= 0 && !s.measures.empty() ? "" : "a line chart needs a time column and a measure";
    case ChartType::kBar:
      return s.label() >= 0 && !s.measures.empty() ? "" : "a bar chart needs a category and a measure";
    case ChartType::kArc: return ArcMisfit(s, hints);
    case ChartType::kPoint: return s.measures.size() >= 2 ? "" : "a scatter plot needs two measures";
    case ChartType::kNone: return "";
  }
  return "";
}

ChartType AutoType(const Shape& s, const ChartHints& hints) {
  if (s.rows() < 2) return ChartType::kNone;
  if (hints.proportion && Misfit(s, ChartType::kArc, hints).empty()) return ChartType::kArc;
  if (s.time >= 0 && !s.measures.empty()) return ChartType::kLine;
  if (s.measures.size() >= 2 && s.categories.empty()) return ChartType::kPoint;
  if (!s.categories.empty() && !s.measures.empty()) return ChartType::kBar;
  return ChartType::kNone;
}

std::string NoChartReason(const Shape& s) {
  if (s.rows() == 0) return "No rows matched, so there is nothing to chart.";
  if (s.rows() == 1) return "A single row reads better as a number than as a chart.";
  return "The result has no category or time column with a measure to chart.";
}

// {"field", "type", "title"} for column `col` as a Vega-Lite `type`.
nlohmann::json FieldDef(const Shape& s, int col, const char* type) {
  return {{"field", EscapeField(s.keys[col])}, {"type", type}, {"title", s.cols[col].title}};
}

// Largest |value| of the measure columns `cols`, NaN-free.
double MaxAbs(const Shape& s, const std::vector<int>& cols) {
  double m = 0;
  for (size_t r = 0; r < s.rows(); ++r)
    for (int c : cols) {
      const double v = std::fabs(NumericValue(Cell(s, r, c)));
      if (std::isfinite(v)) m = std::max(m, v);
    }
  return m;
}

// Large numbers on an axis in SI form ("300M"); tooltips keep every digit.
void ShortAxisNumbers(const Shape& s, const std::vector<int>& cols, nlohmann::json& def) {
  if (MaxAbs(s, cols) >= kShortAxisNumbers) def["axis"] = {{"format", "~s"}};
}

// A measure on an axis.
nlohmann::json MeasureDef(const Shape& s, int col) {
  nlohmann::json d = FieldDef(s, col, "quantitative");
  ShortAxisNumbers(s, {col}, d);
  return d;
}

nlohmann::json TimeDef(const Shape& s, int col) {
  switch (s.cols[col].grain) {
    case TimeGrain::kDate: {
      nlohmann::json d = FieldDef(s, col, "temporal");
      d["timeUnit"] = "utcyearmonthdate";
      return d;
    }
    case TimeGrain::kMonth: {
      nlohmann::json d = FieldDef(s, col, "temporal");
      d["timeUnit"] = "utcyearmonth";
      return d;
    }
    case TimeGrain::kTimestamp: return FieldDef(s, col, "temporal");
    default: return FieldDef(s, col, "ordinal");  // years, quarters, month numbers
  }
}

// A key not among the data keys, for fold outputs.
std::string FreshKey(const Shape& s, const std::string& base) {
  std::string key = base;
  for (int k = 2; std::find(s.keys.begin(), s.keys.end(), key) != s.keys.end(); ++k)
    key = base + " " + std::to_string(k);
  return key;
}

bool LabelsRepeat(const Shape& s, int label) {
  return s.cols[label].distinct < s.cols[label].non_null;
}

struct Draft {
  nlohmann::json mark, encoding, transform;
  std::vector<size_t> rows;  // empty: all
  std::string title;
  std::vector<std::string> notes;
};

Draft LineDraft(const Shape& s) {
  Draft d;
  const int t = s.time, m = s.measures[0];
  d.encoding["x"] = TimeDef(s, t);
  if (d.encoding["x"]["type"] == "ordinal") d.encoding["x"]["axis"] = {{"labelAngle", 0}};
  d.title = s.cols[m].title + " over " + InSentence(s.cols[t].title);
  if (s.measures.size() >= 2) {
    const std::string series = FreshKey(s, "Measure"), value = FreshKey(s, "Value");
    nlohmann::json fold = nlohmann::json::array();
    for (int c : s.measures) fold.push_back(EscapeField(s.keys[c]));
    d.transform = nlohmann::json::array({{{"fold", fold}, {"as", {series, value}}}});
    d.encoding["y"] = {{"field", EscapeField(value)}, {"type", "quantitative"}, {"title", "Value"}};
    ShortAxisNumbers(s, s.measures, d.encoding["y"]);
    d.encoding["color"] = {{"field", EscapeField(series)}, {"type", "nominal"}, {"title", "Measure"}};
    d.title = "Measures over " + InSentence(s.cols[t].title);
  } else {
    d.encoding["y"] = MeasureDef(s, m);
    if (!s.categories.empty()) {
      const int c = s.categories[0];
      const bool legend = s.cols[c].distinct <= kMaxColorSeries;
      d.encoding[legend ? "color" : "detail"] = FieldDef(s, c, "nominal");
      if (!legend) d.notes.push_back("One line per " + InSentence(s.cols[c].title) + "; too many to name in a legend.");
    } else if (LabelsRepeat(s, t)) {
      d.encoding["y"]["aggregate"] = "sum";
      d.notes.push_back("Values at the same " + InSentence(s.cols[t].title) + " are added up.");
    }
  }
  d.mark = {{"type", "line"}, {"point", s.rows() <= kLinePointMarkers}, {"tooltip", true}};
  return d;
}

// Rows of the `limit` labels with the largest totals; empty when all labels fit.
std::vector<size_t> TopLabelRows(const Shape& s, int label, int measure, size_t limit, size_t* label_count) {
  std::vector<std::string> order;
  const auto totals = TotalsByLabel(s, label, measure, &order);
  *label_count = totals.size();
  if (totals.size() <= limit) return {};
  std::stable_sort(order.begin(), order.end(),
                   [&](const std::string& a, const std::string& b) { return totals.at(a) > totals.at(b); });
  const std::set<std::string> keep(order.begin(), order.begin() + limit);
  std::vector<size_t> rows;
  for (size_t r = 0; r < s.rows(); ++r)
    if (keep.count(ValueToString(Cell(s, r, label)))) rows.push_back(r);
  return rows;
}

Draft BarDraft(const Shape& s, const ChartHints& hints) {
  Draft d;
  const int label = s.label(), m = s.measures[0];
  const bool by_time = label == s.time;
  size_t label_count = s.cols[label].distinct;
  if (!by_time) {
    d.rows = TopLabelRows(s, label, m, hints.max_bars, &label_count);
    if (!d.rows.empty()) {
      d.notes.push_back("Showing the top " + FormatCount(static_cast<int64_t>(hints.max_bars)) + " of " +
                        FormatCount(static_cast<int64_t>(label_count)) + " " + PluralNoun(s.cols[label].title) +
                        " by " + InSentence(s.cols[m].title) + ".");
      label_count = hints.max_bars;
    }
  }
  const bool horizontal =
      !by_time && (label_count > kHorizontalBarCount || s.cols[label].max_label_length > kHorizontalLabelLength);
  const char* cat_axis = horizontal ? "y" : "x";
  const char* value_axis = horizontal ? "x" : "y";
  nlohmann::json cat = by_time ? TimeDef(s, label) : FieldDef(s, label, "nominal");
  if (!by_time) cat["sort"] = std::string("-") + value_axis;
  nlohmann::json value = MeasureDef(s, m);
  const bool stacked = s.categories.size() >= 2 && label == s.categories[0] &&
                       s.cols[s.categories[1]].distinct <= kMaxColorSeries;
  if (stacked) {
    d.encoding["color"] = FieldDef(s, s.categories[1], "nominal");
  } else if (LabelsRepeat(s, label)) {
    value["aggregate"] = "sum";
  }
  d.encoding[cat_axis] = cat;
  d.encoding[value_axis] = value;
  d.mark = {{"type", "bar"}, {"tooltip", true}};
  d.title = s.cols[m].title + " by " + InSentence(s.cols[label].title);
  return d;
}

Draft ArcDraft(const Shape& s) {
  Draft d;
  const int label = s.label(), m = s.measures[0];
  nlohmann::json theta = FieldDef(s, m, "quantitative");
  nlohmann::json order = {{"field", EscapeField(s.keys[m])}, {"type", "quantitative"}, {"sort", "descending"}};
  if (LabelsRepeat(s, label)) {
    theta["aggregate"] = "sum";
    order["aggregate"] = "sum";
  }
  nlohmann::json color = label == s.time ? TimeDef(s, label) : FieldDef(s, label, "nominal");
  if (label != s.time) color["sort"] = {{"field", EscapeField(s.keys[m])}, {"op", "sum"}, {"order", "descending"}};
  d.encoding = {{"theta", theta}, {"color", color}, {"order", order}};
  d.mark = {{"type", "arc"}, {"tooltip", true}};
  d.title = "Share of " + InSentence(s.cols[m].title) + " by " + InSentence(s.cols[label].title);
  return d;
}

Draft PointDraft(const Shape& s) {
  Draft d;
  const int x = s.measures[0], y = s.measures[1];
  d.encoding = {{"x", MeasureDef(s, x)}, {"y", MeasureDef(s, y)}};
  d.mark = {{"type", "point"}, {"filled", true}, {"tooltip", true}};
  d.title = s.cols[y].title + " against " + InSentence(s.cols[x].title);
  return d;
}

// "A pie chart cannot show negative values; showing a bar chart instead."
std::string FallbackNote(std::string why, ChartType shown) {
  why[0] = static_cast<char>(std::toupper(static_cast<unsigned char>(why[0])));
  const std::string instead =
      shown == ChartType::kNone ? "the table only" : std::string("a ") + TypeNoun(shown) + " instead";
  return why + "; showing " + instead + ".";
}

Chart Build(const Shape& s, ChartType type, const ChartHints& hints) {
  Draft d;
  switch (type) {
    case ChartType::kLine: d = LineDraft(s); break;
    case ChartType::kBar: d = BarDraft(s, hints); break;
    case ChartType::kArc: d = ArcDraft(s); break;
    case ChartType::kPoint: d = PointDraft(s); break;
    case ChartType::kNone: return Chart{ChartType::kNone, nullptr, {}, NoChartReason(s)};
  }
  Chart chart;
  chart.type = type;
  chart.notes = std::move(d.notes);
  const size_t plotted = d.rows.empty() ? s.rows() : d.rows.size();
  if (plotted > hints.max_points) {
    chart.notes.push_back("Plotting the first " + FormatCount(static_cast<int64_t>(hints.max_points)) + " of " +
                          FormatCount(static_cast<int64_t>(plotted)) + " rows.");
  }
  if (s.result->truncated) {
    chart.notes.push_back("The row cap cut the result at " + FormatCount(static_cast<int64_t>(s.rows())) +
                          " rows; the chart shows only those.");
  }
  chart.spec = {{"$schema", kSchema},
                {"title", hints.title.empty() ? d.title : ValidUtf8Text(hints.title)},
                {"data", {{"values", ChartValues(*s.result, d.rows, hints.max_points)}}},
                {"mark", d.mark},
                {"encoding", d.encoding}};
  if (!d.transform.is_null()) chart.spec["transform"] = d.transform;
  if (type == ChartType::kLine) chart.spec["width"] = kLineWidth;  // ordinal steps would be too narrow
  return chart;
}

}  // namespace

const char* ChartTypeName(ChartType type) {
  switch (type) {
    case ChartType::kBar: return "bar";
    case ChartType::kLine: return "line";
    case ChartType::kArc: return "arc";
    case ChartType::kPoint: return "point";
    case ChartType::kNone: break;
  }
  return "none";
}

std::optional<ChartType> ChartTypeFromName(std::string_view name) {
  const std::string n = ToLower(Trim(name));
  if (n == "bar" || n == "column" || n == "histogram") return ChartType::kBar;
  if (n == "line" || n == "area") return ChartType::kLine;
  if (n == "arc" || n == "pie" || n == "donut" || n == "doughnut") return ChartType::kArc;
  if (n == "point" || n == "scatter" || n == "scatterplot" || n == "dot") return ChartType::kPoint;
  if (n == "none" || n == "table") return ChartType::kNone;
  return std::nullopt;
}

nlohmann::json Chart::ToJson() const {
  nlohmann::json j = {{"type", ChartTypeName(type)}, {"spec", spec}, {"notes", notes}};
  if (type == ChartType::kNone) j["reason"] = reason;
  return j;
}

Chart ChooseChart(const QueryResult& result, const ChartHints& hints) {
  const Shape s = Analyze(result);
  std::string refused;
  if (hints.requested && *hints.requested != ChartType::kNone) {
    refused = Misfit(s, *hints.requested, hints);
    if (refused.empty()) return Build(s, *hints.requested, hints);
  } else if (hints.requested) {
    return Chart{ChartType::kNone, nullptr, {}, "No chart was asked for."};
  }
  const ChartType type = AutoType(s, hints);
  Chart chart = Build(s, type, hints);
  if (!refused.empty() && s.rows() >= 2) chart.notes.insert(chart.notes.begin(), FallbackNote(refused, type));
  return chart;
}

std::vector<ChartType> AlternativeCharts(const QueryResult& result, const ChartHints& hints) {
  const Shape s = Analyze(result);
  std::vector<ChartType> out;
  const ChartType first = AutoType(s, hints);
  if (first != ChartType::kNone) out.push_back(first);
  for (ChartType t : {ChartType::kBar, ChartType::kLine, ChartType::kArc, ChartType::kPoint}) {
    if (t != first && Misfit(s, t, hints).empty()) out.push_back(t);
  }
  return out;
}

Result<Chart> MakeChart(const QueryResult& result, ChartType type, const ChartHints& hints) {
  const Shape s = Analyze(result);
  if (type == ChartType::kNone) return Chart{ChartType::kNone, nullptr, {}, "No chart was asked for."};
  const std::string misfit = Misfit(s, type, hints);
  if (!misfit.empty()) return Status::Unsupported(misfit);
  return Build(s, type, hints);
}

}  // namespace da
