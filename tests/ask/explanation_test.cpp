#include "ask/explanation.h"

#include <gtest/gtest.h>

#include <cmath>
#include <limits>
#include <random>

#include "viz/viz_fixtures.h"

namespace da {
namespace {

using namespace da::testing;

const std::string kMinus = "\xE2\x88\x92";

std::string Explain(const QueryResult& r, std::string_view restatement = "") {
  return TemplatedExplanation(restatement, Summarize(r));
}

TEST(ExplanationTest, NoRows) {
  EXPECT_EQ(Explain(MakeResult({"a"}, {})),
            "No rows matched, so there is nothing to report; the filters may be too narrow.");
}

TEST(ExplanationTest, OneNumber) {
  EXPECT_EQ(Explain(MakeResult({"count(*)"}, {{I(6435)}})), "The answer is 6,435.");
  EXPECT_EQ(Explain(MakeResult({"count(*)"}, {{I(45)}}), "number of stores"), "Number of stores: 45.");
  EXPECT_EQ(Explain(MakeResult({"sum(weekly_sales)"}, {{D(6737218987.114)}})),
            "The answer is 6.7 billion (6,737,218,987.11).");
  EXPECT_EQ(Explain(MakeResult({"avg(x)"}, {{D(-0.126)}})), "The answer is " + kMinus + "0.13.");
  EXPECT_EQ(Explain(MakeResult({"n"}, {{I(12345678)}})), "The answer is 12.3 million (12,345,678).");
  EXPECT_EQ(Explain(MakeResult({"name"}, {{S("Store A")}})), "The answer is Store A.");
  EXPECT_EQ(Explain(MakeResult({"max(x)"}, {{Null()}})), "The answer is empty (NULL).");
}

TEST(ExplanationTest, RankingWithShare) {
  // Store 20 leads with 301.4 million of 4.245 billion in total.
  QueryResult r;
  r.columns = {"store", "sum(T1.weekly_sales)"};
  for (int k = 1; k <= 45; ++k) r.rows.push_back({I(k), D(k == 20 ? 301.4e6 : k == 33 ? 37.2e6 : 90.85e6)});
  EXPECT_EQ(Explain(r),
            "Store 20 had the highest total weekly sales (301.4 million), 7.1% of the total across 45 stores. "
            "Store 33 had the lowest (37.2 million).");
}

TEST(ExplanationTest, RankingWithoutShareAndTies) {
  auto avg = MakeResult({"region", "avg(price)"}, {{S("North"), D(12.5)}, {S("South"), D(30)}, {S("East"), D(7)}});
  EXPECT_EQ(Explain(avg), "South had the highest average price (30). East had the lowest (7).");
  auto tie = MakeResult({"region", "count(*)"}, {{S("North"), I(5)}, {S("South"), I(5)}});
  EXPECT_EQ(Explain(tie), "North and South tied for the highest count (5).");
}

TEST(ExplanationTest, TimeSeries) {
  EXPECT_EQ(Explain(MonthlySales()),
            "Total sales rose 4% from 2012-01 to 2012-06; the biggest drop was in 2012-03 (" + kMinus +
                "25%). The highest was 130 in 2012-05.");
  auto falling = MakeResult({"year", "sum(sales)"}, {{I(2010), D(200)}, {I(2011), D(150)}, {I(2012), D(180)}});
  EXPECT_EQ(Explain(falling), "Total sales fell 10% from 2010 to 2012; the biggest drop was in 2011 (" + kMinus +
                                  "25%).");
  auto rising = MakeResult({"month", "orders"}, {{S("2012-01"), I(0)}, {S("2012-02"), I(4)}, {S("2012-03"), I(5)}});
  EXPECT_EQ(Explain(rising), "Orders rose by 5 from 2012-01 to 2012-03; the biggest rise was in 2012-02 (up 4).");
  auto flat = MakeResult({"year", "sales"}, {{I(2011), D(3)}, {I(2012), D(3)}});
  EXPECT_EQ(Explain(flat), "Sales was 3 in both 2011 and 2012.");
}

TEST(ExplanationTest, MonthNumbersAreNamed) {
  auto r = MakeResult({"Month", "avg(Weekly_Sales)"}, {{I(1), D(100)}, {I(2), D(80)}, {I(3), D(150)}});
  EXPECT_EQ(Explain(r), "Average weekly sales rose 50% from January to March; the biggest drop was in February (" +
                            kMinus + "20%).");
}

TEST(ExplanationTest, CompositeLabelsCountRows) {
  auto r = MakeResult({"Store", "Year", "sum(Weekly_Sales)"},
                      {{I(1), I(2010), D(50)}, {I(1), I(2011), D(30)}, {I(2), I(2010), D(20)}});
  EXPECT_EQ(Explain(r), "Store 1, 2010 had the highest total weekly sales (50), 50% of the total across 3 rows. "
                        "Store 2, 2010 had the lowest (20).");
}

TEST(ExplanationTest, TwoMeasuresCorrelate) {
  auto r = MakeResult({"temperature", "weekly_sales"}, {{D(1), D(2)}, {D(2), D(4.1)}, {D(3), D(5.9)}, {D(4), D(8)}});
  EXPECT_EQ(Explain(r), "Weekly sales and temperature are strongly positively correlated (r = 1).");
  auto none = MakeResult({"a_total", "b_total"}, {{D(1), D(1)}, {D(2), D(-1)}, {D(3), D(1)}, {D(4), D(-1)},
                                                  {D(5), D(1)}});
  EXPECT_NE(Explain(none).find("show almost no linear relationship"), std::string::npos) << Explain(none);
}

TEST(ExplanationTest, MeasureWithoutLabels) {
  auto r = MakeResult({"amount"}, {{D(3)}, {D(90)}, {D(0)}, {Null()}});
  EXPECT_EQ(Explain(r), "Amount ranges from 0 to 90 across 3 rows (average 31).");
}

TEST(ExplanationTest, RowsWithoutMeasures) {
  EXPECT_EQ(Explain(MakeResult({"name"}, {{S("Ann")}, {S("Bob")}, {S("Cid")}, {S("Dee")}, {S("Eve")}})),
            "5 rows: Ann, Bob, Cid and 2 more.");
  EXPECT_EQ(Explain(MakeResult({"name"}, {{S("Ann")}, {S("Bob")}})), "2 rows: Ann and Bob.");
}

TEST(ExplanationTest, OneRowOfSeveralColumns) {
  EXPECT_EQ(Explain(MakeResult({"min(price)", "max(price)", "avg(price)"}, {{D(3), D(90), D(25.44)}})),
            "Minimum price is 3, maximum price is 90 and average price is 25.44.");
  EXPECT_EQ(Explain(MakeResult({"store", "sum(weekly_sales)"}, {{S("Downtown"), D(301.4e6)}})),
            "Downtown has total weekly sales of 301.4 million.");
}

TEST(ExplanationTest, TruncatedResultsSayTotalsMayBeIncomplete) {
  QueryResult r = MonthlySales();
  r.truncated = true;
  const std::string e = Explain(r);
  EXPECT_EQ(e, "Total sales rose 4% from 2012-01 to 2012-06; the biggest drop was in 2012-03 (" + kMinus +
                   "25%). The highest was 130 in 2012-05. Only the first 6 rows were returned, so totals may be "
                   "incomplete.");
}

TEST(ExplanationTest, OddResultsAlwaysExplainAndSerialize) {
  const std::vector<Value> pool = {Null(), I(0), I(-3), I(2011), I(std::numeric_limits<int64_t>::min()), D(2.5),
                                   D(std::nan("")), D(-std::numeric_limits<double>::infinity()), D(1e308),
                                   S("2012-01"), S("North"), S("caf\xE9"), S("")};
  const std::vector<std::string> names = {"year", "store", "sum(x)", "bad\xFF"};
  std::mt19937 rng(7);
  for (int i = 0; i < 2000; ++i) {
    QueryResult r;
    const size_t cols = 1 + rng() % 3, rows = rng() % 12;
    for (size_t c = 0; c < cols; ++c) r.columns.push_back(names[rng() % names.size()]);
    for (size_t k = 0; k < rows; ++k) {
      std::vector<Value> row;
      const size_t width = rng() % 6 == 0 ? rng() % (cols + 1) : cols;  // sometimes ragged
      for (size_t c = 0; c < width; ++c) row.push_back(pool[rng() % pool.size()]);
      r.rows.push_back(std::move(row));
    }
    r.truncated = rng() % 5 == 0;
    ResultSummary s = Summarize(r);
    ASSERT_NO_THROW(s.ToJson().dump());
    EXPECT_FALSE(TemplatedExplanation("", s).empty());
  }
}

}  // namespace
}  // namespace da
