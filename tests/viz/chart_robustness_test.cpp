// Odd results (ragged rows, mixed types, NULL columns, extreme numbers, bad UTF-8) never crash
// chart choice, and every chart produced passes validation and serializes.
#include <gtest/gtest.h>

#include <cmath>
#include <limits>
#include <random>

#include "viz/chart.h"
#include "viz/chart_validator.h"
#include "viz/viz_fixtures.h"

namespace da {
namespace {

using namespace da::testing;

Value RandomValue(std::mt19937& rng) {
  static const std::vector<Value> kPool = {Null(),
                                           I(0),
                                           I(1),
                                           I(-7),
                                           I(2012),
                                           I(12),
                                           I(std::numeric_limits<int64_t>::max()),
                                           D(3.5),
                                           D(-1e300),
                                           D(std::nan("")),
                                           D(std::numeric_limits<double>::infinity()),
                                           D(1e-300),
                                           S(""),
                                           S("North"),
                                           S("2012-03"),
                                           S("2012-03-04"),
                                           S("2012-03-04 10:00:00"),
                                           S("2012-Q2"),
                                           S("caf\xE9"),
                                           S("a.b[0]'\"\\"),
                                           S(std::string(200, 'x'))};
  return kPool[rng() % kPool.size()];
}

QueryResult RandomResult(std::mt19937& rng) {
  static const std::vector<std::string> kNames = {
      "store",    "year", "month", "sum(T1.sales)", "count(*)",   "region", "date",
      "store_id", "",     "a.b",   "url",           "avg(price)", "bad\xFF"};
  QueryResult r;
  const size_t cols = 1 + rng() % 4, rows = rng() % 30;
  for (size_t c = 0; c < cols; ++c) r.columns.push_back(kNames[rng() % kNames.size()]);
  for (size_t i = 0; i < rows; ++i) {
    std::vector<Value> row;
    const size_t width = rng() % 5 == 0 ? rng() % (cols + 2) : cols;  // sometimes ragged
    for (size_t c = 0; c < width; ++c) row.push_back(RandomValue(rng));
    r.rows.push_back(std::move(row));
  }
  r.truncated = rng() % 4 == 0;
  return r;
}

TEST(ChartRobustnessTest, RandomResultsNeverCrashAndChartsValidate) {
  std::mt19937 rng(20260611);
  int charts = 0;
  for (int i = 0; i < 3000; ++i) {
    const QueryResult r = RandomResult(rng);
    ChartHints hints;
    hints.proportion = rng() % 2;
    if (rng() % 10 == 0) hints.title = "caf\xE9 title";
    if (rng() % 3 == 0) hints.requested = static_cast<ChartType>(rng() % 5);
    const Chart c = ChooseChart(r, hints);
    if (c.type != ChartType::kNone) {
      ++charts;
      Status st = ValidateChart(c.spec, r);
      ASSERT_TRUE(st.ok()) << st.ToString() << "\n"
                           << c.spec.dump(2, ' ', false, nlohmann::json::error_handler_t::replace);
      ASSERT_NO_THROW(c.spec.dump());
    }
    for (ChartType t : AlternativeCharts(r, hints)) {
      auto made = MakeChart(r, t, hints);
      ASSERT_TRUE(made.ok()) << made.status().ToString();
      ASSERT_TRUE(ValidateChart(made->spec, r).ok());
    }
  }
  EXPECT_GT(charts, 100);
}

}  // namespace
}  // namespace da
