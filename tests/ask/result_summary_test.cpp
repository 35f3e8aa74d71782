#include "ask/result_summary.h"

#include <gtest/gtest.h>

#include <cmath>
#include <limits>

#include "viz/viz_fixtures.h"

namespace da {
namespace {

using namespace da::testing;

TEST(ResultSummaryTest, RankingTotalsAndShareByCategory) {
  ResultSummary s = Summarize(SalesByStore(45));
  EXPECT_EQ(s.row_count, 45u);
  EXPECT_EQ(s.label_column, 0);
  EXPECT_EQ(s.label_count, 45u);
  ASSERT_EQ(s.measures.size(), 1u);
  const MeasureSummary& m = s.measures[0];
  EXPECT_EQ(m.title, "Total weekly sales");
  EXPECT_TRUE(m.additive);
  EXPECT_EQ(m.count, 45u);
  EXPECT_DOUBLE_EQ(m.min, 1000);
  EXPECT_DOUBLE_EQ(m.max, 45000);
  EXPECT_DOUBLE_EQ(m.sum, 1000.0 * 45 * 46 / 2);
  EXPECT_DOUBLE_EQ(m.mean, 23000);
  EXPECT_DOUBLE_EQ(m.median, 23000);
  ASSERT_EQ(m.top.size(), 3u);
  EXPECT_EQ(m.top[0].label, "Store 45");
  EXPECT_EQ(m.top[1].label, "Store 44");
  EXPECT_EQ(m.bottom[0].label, "Store 1");
  EXPECT_EQ(m.top[0].row, 44u);
  ASSERT_TRUE(m.top_share);
  EXPECT_NEAR(*m.top_share, 45000.0 / 1035000 * 100, 1e-9);
  EXPECT_FALSE(m.trend);
  EXPECT_FALSE(s.correlation);
}

TEST(ResultSummaryTest, NullsNaNsAndInfinitiesAreIgnored) {
  auto r = MakeResult({"region", "amount"}, {{S("North"), D(10)},
                                             {S("South"), Null()},
                                             {S("East"), D(std::nan(""))},
                                             {S("West"), D(std::numeric_limits<double>::infinity())},
                                             {S("Mid"), I(4)}});
  const ResultSummary s = Summarize(r);
  const MeasureSummary& m = s.measures.at(0);
  EXPECT_EQ(m.count, 2u);
  EXPECT_EQ(m.missing, 3u);
  EXPECT_DOUBLE_EQ(m.sum, 14);
  EXPECT_DOUBLE_EQ(m.median, 7);
  EXPECT_EQ(m.bottom[0].label, "Mid");
}

TEST(ResultSummaryTest, SharesOnlyForAdditiveNonNegativeMeasures) {
  auto avg = MakeResult({"region", "avg(price)"}, {{S("N"), D(10)}, {S("S"), D(30)}});
  EXPECT_FALSE(Summarize(avg).measures[0].additive);
  EXPECT_FALSE(Summarize(avg).measures[0].top_share);
  auto negative = MakeResult({"region", "sum(profit)"}, {{S("N"), D(10)}, {S("S"), D(-30)}});
  EXPECT_TRUE(Summarize(negative).measures[0].additive);
  EXPECT_FALSE(Summarize(negative).measures[0].top_share);
  auto count = MakeResult({"region", "count(*)"}, {{S("N"), I(1)}, {S("S"), I(3)}});
  EXPECT_DOUBLE_EQ(*Summarize(count).measures[0].top_share, 75);
}

TEST(ResultSummaryTest, TimeSeriesTrendAndLargestSteps) {
  ResultSummary s = Summarize(MonthlySales());  // 100 120 90 95 130 104
  ASSERT_EQ(s.time_column, 0);
  const auto& t = s.measures.at(0).trend;
  ASSERT_TRUE(t);
  EXPECT_EQ(t->points, 6u);
  EXPECT_EQ(t->first_label, "2012-01");
  EXPECT_EQ(t->last_label, "2012-06");
  EXPECT_DOUBLE_EQ(t->change, 4);
  EXPECT_DOUBLE_EQ(*t->change_pct, 4);
  ASSERT_TRUE(t->largest_rise);
  EXPECT_EQ(t->largest_rise->from, "2012-04");
  EXPECT_EQ(t->largest_rise->to, "2012-05");
  EXPECT_DOUBLE_EQ(t->largest_rise->change, 35);
  ASSERT_TRUE(t->largest_drop);
  EXPECT_EQ(t->largest_drop->to, "2012-03");
  EXPECT_DOUBLE_EQ(*t->largest_drop->change_pct, -25);
  EXPECT_EQ(t->peak.label, "2012-05");
  EXPECT_EQ(t->low.label, "2012-03");
}

TEST(ResultSummaryTest, TimeSeriesIsSortedByTimeAndZeroStartHasNoPercent) {
  auto r = MakeResult({"year", "sum(sales)"}, {{I(2012), D(5)}, {I(2010), D(0)}, {I(2011), D(3)}});
  const ResultSummary s = Summarize(r);
  const auto& t = s.measures.at(0).trend;
  ASSERT_TRUE(t);
  EXPECT_EQ(t->first_label, "2010");
  EXPECT_EQ(t->last_label, "2012");
  EXPECT_FALSE(t->change_pct);
  EXPECT_FALSE(t->largest_drop);
  EXPECT_FALSE(t->largest_rise->change_pct);  // 0 -> 3
}

TEST(ResultSummaryTest, RepeatedTimesAreNotOneSeries) {
  auto r = MakeResult({"month", "region", "sales"}, {{S("2012-01"), S("N"), D(1)},
                                                     {S("2012-01"), S("S"), D(2)},
                                                     {S("2012-02"), S("N"), D(3)}});
  ResultSummary s = Summarize(r);
  EXPECT_FALSE(s.measures.at(0).trend);
  EXPECT_EQ(s.label_column, 1);  // the category names rows
  EXPECT_EQ(s.measures[0].top[0].label, "Region N, 2012-02");  // short codes carry their column
}

TEST(ResultSummaryTest, CorrelationOfTwoMeasures) {
  auto r = MakeResult({"temperature", "weekly_sales"},
                      {{D(1), D(2)}, {D(2), D(4.1)}, {D(3), D(5.9)}, {D(4), D(8)}, {D(5), Null()}});
  ResultSummary s = Summarize(r);
  ASSERT_TRUE(s.correlation);
  EXPECT_EQ(s.correlation->x, "temperature");
  EXPECT_EQ(s.correlation->y, "weekly_sales");
  EXPECT_EQ(s.correlation->n, 4u);
  EXPECT_GT(s.correlation->r, 0.99);
  EXPECT_EQ(s.measures[0].top[0].label, "Row 5");  // no label column: rows by number
  auto flat = MakeResult({"a_total", "b_total"}, {{D(1), D(2)}, {D(2), D(2)}, {D(3), D(2)}});
  EXPECT_FALSE(Summarize(flat).correlation);  // no variance
}

TEST(ResultSummaryTest, SingleValueLabelsAndJson) {
  ResultSummary one = Summarize(MakeResult({"count(*)"}, {{I(6435)}}));
  ASSERT_TRUE(one.single_value);
  EXPECT_EQ(std::get<int64_t>(*one.single_value), 6435);
  EXPECT_EQ(one.ToJson()["single_value"], 6435);

  ResultSummary names = Summarize(MakeResult({"name"}, {{S("Ann")}, {S("Bob")}, {S("Cid")}, {S("Dee")}}));
  EXPECT_TRUE(names.measures.empty());
  EXPECT_EQ(names.sample_labels, (std::vector<std::string>{"Ann", "Bob", "Cid"}));
}

TEST(ResultSummaryTest, OnlyMaxRowsAreConsidered) {
  SummaryOptions o;
  o.max_rows = 10;
  o.ranked = 1;
  ResultSummary s = Summarize(SalesByStore(45), o);
  EXPECT_EQ(s.row_count, 45u);
  EXPECT_EQ(s.rows_considered, 10u);
  EXPECT_EQ(s.measures[0].count, 10u);
  EXPECT_EQ(s.measures[0].top.size(), 1u);
  EXPECT_EQ(s.measures[0].top[0].label, "Store 10");
}

TEST(ResultSummaryTest, JsonCarriesTheFacts) {
  QueryResult r = MonthlySales();
  r.truncated = true;
  nlohmann::json j = Summarize(r).ToJson();
  EXPECT_EQ(j["row_count"], 6);
  EXPECT_EQ(j["truncated"], true);
  EXPECT_EQ(j["time_column"], "month");
  EXPECT_EQ(j["label_column"], "month");
  const auto& m = j["measures"][0];
  EXPECT_EQ(m["column"], "total_sales");
  EXPECT_EQ(m["sum"], 639.0);
  EXPECT_EQ(m["top"][0], nlohmann::json({{"label", "2012-05"}, {"value", 130.0}}));
  EXPECT_EQ(m["trend"]["first"]["label"], "2012-01");
  EXPECT_EQ(m["trend"]["largest_drop"]["to"], "2012-03");
  EXPECT_DOUBLE_EQ(m["trend"]["change_pct"].get<double>(), 4);
  EXPECT_FALSE(j.contains("correlation"));
  EXPECT_FALSE(j.contains("single_value"));

  // Bad UTF-8 in labels never makes dump() throw.
  auto bad = MakeResult({"name\xFF", "amount"}, {{S("caf\xE9"), D(1)}, {S("ok"), D(2)}});
  EXPECT_NO_THROW(Summarize(bad).ToJson().dump());
}

TEST(ResultSummaryTest, EmptyResult) {
  ResultSummary s = Summarize(MakeResult({"region", "amount"}, {}));
  EXPECT_EQ(s.row_count, 0u);
  EXPECT_EQ(s.measures.size(), 0u);  // an all-NULL column has no role to measure
  EXPECT_NO_THROW(s.ToJson().dump());
}

}  // namespace
}  // namespace da
