#include "ask/result_summary.h"

#include <algorithm>
#include <cmath>
#include <cstdlib>
#include <set>

#include "common/strings.h"
#include "viz/chart_fields.h"

namespace da {

namespace {

constexpr size_t kSampleLabels = 3;

bool Finite(double x) { return std::isfinite(x); }

const Value& Cell(const QueryResult& r, size_t row, int col) {
  static const Value kNull;
  return static_cast<size_t>(col) < r.rows[row].size() ? r.rows[row][col] : kNull;
}

// "Store 20" for an integer category, "March" for month number 3, the text itself otherwise.
std::string LabelPart(const ResultColumn& col, const Value& v) {
  static const char* kMonths[] = {"January", "February", "March",     "April",   "May",      "June",
                                  "July",    "August",   "September", "October", "November", "December"};
  if (IsNull(v)) return "(blank)";
  const std::string text = ValueToString(v);
  if (col.grain == TimeGrain::kMonthNumber) {
    const int month = std::atoi(text.c_str());
    if (month >= 1 && month <= 12) return kMonths[month - 1];
  }
  // Numbers and short codes read better with their column's name: "Store 20", "Type A".
  const bool bare = col.role == ColumnRole::kNominal && (col.integer || text.size() <= 2);
  return bare ? col.title + " " + text : text;
}

// "Store 4", "North, web", "Store 4, 2011": the categories, then the time.
std::string RowLabel(const ResultSummary& s, const QueryResult& r, size_t row) {
  std::vector<std::string> parts;
  for (int c : ColumnsWith(s.roles, ColumnRole::kNominal)) parts.push_back(LabelPart(s.roles[c], Cell(r, row, c)));
  if (s.time_column >= 0) parts.push_back(LabelPart(s.roles[s.time_column], Cell(r, row, s.time_column)));
  if (parts.empty()) return "Row " + std::to_string(row + 1);
  return Join(parts, ", ");
}

bool Additive(const std::string& name) {
  for (const char* fn : {"avg(", "min(", "max(", "mean(", "median("})
    if (StartsWithIgnoreCase(Trim(name), fn)) return false;
  for (const char* fn : {"sum(", "count(", "total("})
    if (StartsWithIgnoreCase(Trim(name), fn)) return true;
  static const std::set<std::string> kNot = {"avg", "average", "mean", "median", "rate", "ratio", "percent",
                                             "pct", "percentage", "share", "price", "temperature", "score",
                                             "age", "min", "max", "minimum", "maximum", "index", "cpi"};
  static const std::set<std::string> kYes = {"sales", "revenue", "amount", "count", "total", "quantity", "qty",
                                             "units", "orders", "spend", "spent", "cost", "costs", "profit",
                                             "income", "volume", "sold", "visits", "population", "sum"};
  bool yes = false;
  for (const auto& w : SplitIdentifier(name)) {
    if (kNot.count(w)) return false;
    yes = yes || kYes.count(w);
  }
  return yes;
}

double Median(std::vector<double> v) {
  std::sort(v.begin(), v.end());
  const size_t n = v.size();
  return n % 2 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
}

std::optional<double> PercentChange(double from, double to) {
  if (from == 0) return std::nullopt;
  return (to - from) / std::fabs(from) * 100;
}

struct Point {
  std::string key, label;
  double value;
  size_t row;
};

std::optional<Trend> TrendOf(const std::vector<Point>& pts) {
  if (pts.size() < 2) return std::nullopt;
  Trend t;
  t.points = pts.size();
  t.first_label = pts.front().label;
  t.last_label = pts.back().label;
  t.first = pts.front().value;
  t.last = pts.back().value;
  t.change = t.last - t.first;
  t.change_pct = PercentChange(t.first, t.last);
  t.peak = t.low = {pts[0].label, pts[0].value, pts[0].row};
  for (size_t i = 0; i < pts.size(); ++i) {
    if (pts[i].value > t.peak.value) t.peak = {pts[i].label, pts[i].value, pts[i].row};
    if (pts[i].value < t.low.value) t.low = {pts[i].label, pts[i].value, pts[i].row};
    if (i == 0) continue;
    TrendStep step{pts[i - 1].label, pts[i].label, pts[i].value - pts[i - 1].value,
                   PercentChange(pts[i - 1].value, pts[i].value)};
    if (step.change > 0 && (!t.largest_rise || step.change > t.largest_rise->change)) t.largest_rise = step;
    if (step.change < 0 && (!t.largest_drop || step.change < t.largest_drop->change)) t.largest_drop = step;
  }
  return t;
}

// One value per time point: the rows are a single time series.
bool IsTimeSeries(const ResultSummary& s) {
  if (s.time_column < 0) return false;
  const ResultColumn& t = s.roles[s.time_column];
  return t.unique && t.non_null >= 2;
}

MeasureSummary SummarizeMeasure(const ResultSummary& s, const QueryResult& r, int col, const SummaryOptions& o) {
  MeasureSummary m;
  m.column = s.columns[col];
  m.title = s.roles[col].title;
  m.additive = Additive(m.column);
  std::vector<double> values;
  std::vector<RankedItem> items;
  std::vector<Point> points;
  const bool series = IsTimeSeries(s);
  for (size_t row = 0; row < s.rows_considered; ++row) {
    const double v = NumericValue(Cell(r, row, col));
    if (!Finite(v)) {
      ++m.missing;
      continue;
    }
    values.push_back(v);
    items.push_back({RowLabel(s, r, row), v, row});
    const Value& time = series ? Cell(r, row, s.time_column) : Value();
    if (series && !IsNull(time)) points.push_back({TimeKey(time), LabelPart(s.roles[s.time_column], time), v, row});
  }
  m.count = values.size();
  if (values.empty()) return m;
  m.min = *std::min_element(values.begin(), values.end());
  m.max = *std::max_element(values.begin(), values.end());
  for (double v : values) m.sum += v;
  m.mean = m.sum / static_cast<double>(values.size());
  m.median = Median(values);
  std::stable_sort(items.begin(), items.end(), [](const auto& a, const auto& b) { return a.value > b.value; });
  const size_t k = std::min(o.ranked, items.size());
  m.top.assign(items.begin(), items.begin() + k);
  m.bottom.assign(items.rbegin(), items.rbegin() + k);
  if (m.additive && m.min >= 0 && m.sum > 0) m.top_share = m.top[0].value / m.sum * 100;
  std::stable_sort(points.begin(), points.end(), [](const Point& a, const Point& b) { return a.key < b.key; });
  if (series) m.trend = TrendOf(points);
  return m;
}

std::optional<Correlation> CorrelationOf(const ResultSummary& s, const QueryResult& r, int x, int y) {
  double sx = 0, sy = 0, sxx = 0, syy = 0, sxy = 0;
  size_t n = 0;
  for (size_t row = 0; row < s.rows_considered; ++row) {
    const double a = NumericValue(Cell(r, row, x)), b = NumericValue(Cell(r, row, y));
    if (!Finite(a) || !Finite(b)) continue;
    ++n;
    sx += a;
    sy += b;
    sxx += a * a;
    syy += b * b;
    sxy += a * b;
  }
  if (n < 3) return std::nullopt;
  const double dn = static_cast<double>(n);
  const double cov = sxy - sx * sy / dn, vx = sxx - sx * sx / dn, vy = syy - sy * sy / dn;
  if (vx <= 0 || vy <= 0) return std::nullopt;
  const double rho = std::clamp(cov / std::sqrt(vx * vy), -1.0, 1.0);
  if (!Finite(rho)) return std::nullopt;
  return Correlation{s.columns[x], s.columns[y], rho, n};
}

nlohmann::json ItemJson(const RankedItem& i) { return {{"label", ValidUtf8Text(i.label)}, {"value", i.value}}; }

nlohmann::json StepJson(const TrendStep& s) {
  nlohmann::json j = {{"from", ValidUtf8Text(s.from)}, {"to", ValidUtf8Text(s.to)}, {"change", s.change}};
  if (s.change_pct) j["change_pct"] = *s.change_pct;
  return j;
}

nlohmann::json TrendJson(const Trend& t) {
  nlohmann::json j = {{"points", t.points},
                      {"first", {{"label", ValidUtf8Text(t.first_label)}, {"value", t.first}}},
                      {"last", {{"label", ValidUtf8Text(t.last_label)}, {"value", t.last}}},
                      {"change", t.change},
                      {"peak", ItemJson(t.peak)},
                      {"low", ItemJson(t.low)}};
  if (t.change_pct) j["change_pct"] = *t.change_pct;
  if (t.largest_rise) j["largest_rise"] = StepJson(*t.largest_rise);
  if (t.largest_drop) j["largest_drop"] = StepJson(*t.largest_drop);
  return j;
}

nlohmann::json MeasureJson(const MeasureSummary& m) {
  nlohmann::json j = {{"column", ValidUtf8Text(m.column)},
                      {"title", ValidUtf8Text(m.title)},
                      {"count", m.count},
                      {"missing", m.missing},
                      {"additive", m.additive}};
  if (m.count > 0) {
    j.update({{"min", m.min}, {"max", m.max}, {"sum", m.sum}, {"mean", m.mean}, {"median", m.median}});
    j["top"] = nlohmann::json::array();
    j["bottom"] = nlohmann::json::array();
    for (const auto& i : m.top) j["top"].push_back(ItemJson(i));
    for (const auto& i : m.bottom) j["bottom"].push_back(ItemJson(i));
  }
  if (m.top_share) j["top_share"] = *m.top_share;
  if (m.trend) j["trend"] = TrendJson(*m.trend);
  return j;
}

}  // namespace

ResultSummary Summarize(const QueryResult& result, const SummaryOptions& options) {
  return Summarize(result, InferColumnRoles(result, options.max_rows), options);
}

ResultSummary Summarize(const QueryResult& result, std::vector<ResultColumn> roles, const SummaryOptions& options) {
  ResultSummary s;
  s.row_count = result.rows.size();
  s.rows_considered = std::min(result.rows.size(), options.max_rows);
  s.truncated = result.truncated;
  s.columns = result.columns;
  s.roles = std::move(roles);
  s.time_column = FirstColumn(s.roles, ColumnRole::kTemporal);
  s.label_column = FirstColumn(s.roles, ColumnRole::kNominal);
  if (s.label_column < 0) s.label_column = s.time_column;
  if (s.row_count == 1 && s.columns.size() == 1) s.single_value = result.rows[0].empty() ? Value() : result.rows[0][0];

  std::set<std::string> labels;
  for (size_t row = 0; row < s.rows_considered; ++row) {
    std::string label = RowLabel(s, result, row);
    if (labels.insert(label).second && s.sample_labels.size() < kSampleLabels) s.sample_labels.push_back(label);
  }
  s.label_count = s.label_column >= 0 ? labels.size() : 0;
  if (s.label_column < 0) s.sample_labels.clear();

  const std::vector<int> measures = ColumnsWith(s.roles, ColumnRole::kQuantitative);
  for (int c : measures) s.measures.push_back(SummarizeMeasure(s, result, c, options));
  if (measures.size() == 2) s.correlation = CorrelationOf(s, result, measures[0], measures[1]);
  return s;
}

nlohmann::json ResultSummary::ToJson() const {
  auto column = [&](int c) { return c >= 0 ? nlohmann::json(ValidUtf8Text(columns[c])) : nlohmann::json(); };
  nlohmann::json names = nlohmann::json::array(), samples = nlohmann::json::array();
  for (const auto& c : columns) names.push_back(ValidUtf8Text(c));
  for (const auto& l : sample_labels) samples.push_back(ValidUtf8Text(l));
  nlohmann::json j = {{"row_count", row_count},
                      {"rows_considered", rows_considered},
                      {"truncated", truncated},
                      {"columns", names},
                      {"label_column", column(label_column)},
                      {"time_column", column(time_column)},
                      {"label_count", label_count},
                      {"sample_labels", samples}};
  j["measures"] = nlohmann::json::array();
  for (const auto& m : measures) j["measures"].push_back(MeasureJson(m));
  if (correlation) {
    j["correlation"] = {{"x", ValidUtf8Text(correlation->x)},
                        {"y", ValidUtf8Text(correlation->y)},
                        {"r", correlation->r},
                        {"n", correlation->n}};
  }
  if (single_value) {
    QueryResult one;
    one.columns = {"value"};
    one.rows = {{*single_value}};
    j["single_value"] = one.ToJson()["rows"][0][0];  // the same number/UTF-8 cleaning as results
  }
  return j;
}

}  // namespace da
