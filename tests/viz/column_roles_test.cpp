#include "viz/column_roles.h"

#include <gtest/gtest.h>

#include "viz/viz_fixtures.h"

namespace da {
namespace {

using namespace da::testing;

ColumnRole RoleOf(const QueryResult& r, size_t col) { return InferColumnRoles(r)[col].role; }

TEST(ColumnRolesTest, IsoDatesTimestampsMonthsAndQuarters) {
  auto r = MakeResult({"d", "ts", "m", "q", "v"},
                      {{S("2012-03-04"), S("2012-03-04 10:00:00"), S("2012-03"), S("2012-Q1"), I(1)},
                       {S("2012-03-11"), S("2012-03-04T11:30:15.250Z"), S("2012-04"), S("2012-Q2"), I(2)},
                       {Null(), S("2012-03-04T12:00+02:00"), S("2012-05"), S("2012Q3"), I(3)}});
  auto cols = InferColumnRoles(r);
  EXPECT_EQ(cols[0].role, ColumnRole::kTemporal);
  EXPECT_EQ(cols[0].grain, TimeGrain::kDate);
  EXPECT_EQ(cols[1].grain, TimeGrain::kTimestamp);
  EXPECT_EQ(cols[2].grain, TimeGrain::kMonth);
  EXPECT_EQ(cols[3].grain, TimeGrain::kQuarter);
  EXPECT_EQ(cols[4].role, ColumnRole::kQuantitative);
  EXPECT_EQ(cols[0].non_null, 2u);
}

TEST(ColumnRolesTest, DatesMixedWithTimestampsAreTimestamps) {
  auto r = MakeResult({"when"}, {{S("2012-03-04")}, {S("2012-03-04 10:00")}});
  EXPECT_EQ(InferColumnRoles(r)[0].grain, TimeGrain::kTimestamp);
}

TEST(ColumnRolesTest, NearlyDatesAreText) {
  auto r = MakeResult({"code"}, {{S("2012-13")}, {S("2012-03-04x")}, {S("2012-03-04 25:00")}});
  EXPECT_EQ(RoleOf(r, 0), ColumnRole::kNominal);
  auto one_bad = MakeResult({"d"}, {{S("2012-03-04")}, {S("soon")}});
  EXPECT_EQ(RoleOf(one_bad, 0), ColumnRole::kNominal);
}

TEST(ColumnRolesTest, YearsAndMonthNumbersNeedTheirNames) {
  auto r = MakeResult({"year", "strftime('%Y', date)", "month", "n", "sales"},
                      {{I(2010), S("2010"), I(1), I(2010), D(1.5)}, {I(2011), S("2011"), I(12), I(2011), D(2.5)}});
  auto cols = InferColumnRoles(r);
  EXPECT_EQ(cols[0].grain, TimeGrain::kYear);
  EXPECT_EQ(cols[1].grain, TimeGrain::kYear);
  EXPECT_EQ(cols[2].grain, TimeGrain::kMonthNumber);
  EXPECT_EQ(cols[3].role, ColumnRole::kQuantitative);  // a number named n is a measure
  auto out_of_range = MakeResult({"year", "x"}, {{I(12), D(1)}, {I(13), D(2)}});
  EXPECT_NE(RoleOf(out_of_range, 0), ColumnRole::kTemporal);
}

TEST(ColumnRolesTest, PostgresDateFunctionsNameTheirGrain) {
  auto r = MakeResult({"EXTRACT(YEAR FROM sold_on)", "date_part('month', sold_on)", "to_char(sold_on, 'YYYY-MM')", "sales"},
                      {{I(2010), I(1), S("2010-01"), D(1.5)}, {I(2011), I(12), S("2011-12"), D(2.5)}});
  auto cols = InferColumnRoles(r);
  EXPECT_EQ(cols[0].grain, TimeGrain::kYear);
  EXPECT_EQ(cols[1].grain, TimeGrain::kMonthNumber);
  EXPECT_EQ(cols[2].role, ColumnRole::kTemporal);
  EXPECT_EQ(cols[3].role, ColumnRole::kQuantitative);
  EXPECT_EQ(ColumnTitle("to_char(order_date, 'YYYY-MM')"), "Month of order date");
}

TEST(ColumnRolesTest, IdentifierNamesAreNominal) {
  auto r = MakeResult({"store_id", "zip", "order_no", "number_of_orders", "count(store_id)", "is_holiday"},
                      {{I(1), I(90210), I(7), I(3), I(4), I(0)}, {I(2), I(10001), I(8), I(5), I(4), I(1)}});
  auto cols = InferColumnRoles(r);
  EXPECT_EQ(cols[0].role, ColumnRole::kNominal);
  EXPECT_EQ(cols[1].role, ColumnRole::kNominal);
  EXPECT_EQ(cols[2].role, ColumnRole::kNominal);
  EXPECT_EQ(cols[3].role, ColumnRole::kQuantitative);
  EXPECT_EQ(cols[4].role, ColumnRole::kQuantitative);
  EXPECT_EQ(cols[5].role, ColumnRole::kNominal);
}

TEST(ColumnRolesTest, LeftmostUniqueIntegersBesideAMeasureLabelRows) {
  EXPECT_EQ(RoleOf(SalesByStore(5), 0), ColumnRole::kNominal);
  // A measure word in the name keeps it a measure: two measures, a scatter.
  auto r = MakeResult({"price", "quantity"}, {{I(3), I(10)}, {I(5), I(7)}, {I(9), I(2)}});
  EXPECT_EQ(RoleOf(r, 0), ColumnRole::kQuantitative);
  // Repeated values: not a label.
  auto dup = MakeResult({"age", "score"}, {{I(30), D(1)}, {I(30), D(2)}});
  EXPECT_EQ(RoleOf(dup, 0), ColumnRole::kQuantitative);
  // Alone: nothing to label.
  auto alone = MakeResult({"store"}, {{I(1)}, {I(2)}});
  EXPECT_EQ(RoleOf(alone, 0), ColumnRole::kQuantitative);
}

TEST(ColumnRolesTest, IntegerKeysBesideAnAggregateAreCategories) {
  auto r = MakeResult({"Store", "Year", "sum(Weekly_Sales)", "size"},
                      {{I(1), I(2010), D(5), I(100)}, {I(1), I(2011), D(6), I(100)}, {I(2), I(2010), D(7), I(80)}});
  auto cols = InferColumnRoles(r);
  EXPECT_EQ(cols[0].role, ColumnRole::kNominal);
  EXPECT_EQ(cols[1].role, ColumnRole::kTemporal);
  EXPECT_EQ(cols[2].role, ColumnRole::kQuantitative);
  EXPECT_EQ(cols[3].role, ColumnRole::kQuantitative);  // its name says it measures
  // Without an aggregate column the repeated integers stay numbers.
  auto raw = MakeResult({"Store", "Weekly_Sales"}, {{I(1), D(5)}, {I(1), D(6)}});
  EXPECT_EQ(InferColumnRoles(raw)[0].role, ColumnRole::kQuantitative);
}

TEST(ColumnRolesTest, TextMixedAndEmptyColumns) {
  auto r = MakeResult({"name", "mixed", "nothing", "real"},
                      {{S("Ann"), I(1), Null(), D(std::nan(""))}, {S("Bob"), S("x"), Null(), D(2.5)}});
  auto cols = InferColumnRoles(r);
  EXPECT_EQ(cols[0].role, ColumnRole::kNominal);
  EXPECT_EQ(cols[0].max_label_length, 3u);
  EXPECT_EQ(cols[1].role, ColumnRole::kNominal);
  EXPECT_EQ(cols[2].role, ColumnRole::kEmpty);
  EXPECT_EQ(cols[3].role, ColumnRole::kQuantitative);
  EXPECT_EQ(cols[3].non_null, 1u);  // NaN counts as missing
}

TEST(ColumnRolesTest, OnlyTheFirstMaxRowsAreLookedAt) {
  auto r = MakeResult({"d"}, {{S("2012-01-01")}, {S("2012-01-02")}, {S("not a date")}});
  EXPECT_EQ(InferColumnRoles(r, 2)[0].role, ColumnRole::kTemporal);
  EXPECT_EQ(InferColumnRoles(r)[0].role, ColumnRole::kNominal);
}

TEST(ColumnTitleTest, AggregatesQualifiersAndCase) {
  EXPECT_EQ(ColumnTitle("sum(T1.weekly_sales)"), "Total weekly sales");
  EXPECT_EQ(ColumnTitle("avg(price)"), "Average price");
  EXPECT_EQ(ColumnTitle("AVG(T2.CPI)"), "Average CPI");
  EXPECT_EQ(ColumnTitle("count(*)"), "Count");
  EXPECT_EQ(ColumnTitle("count(DISTINCT store)"), "Number of distinct store");
  EXPECT_EQ(ColumnTitle("max(\"Unit Price\")"), "Maximum unit price");
  EXPECT_EQ(ColumnTitle("round(avg(x), 2)"), "Average x");
  EXPECT_EQ(ColumnTitle("strftime('%Y-%m', order_date)"), "Month of order date");
  EXPECT_EQ(ColumnTitle("order_date"), "Order date");
  EXPECT_EQ(ColumnTitle("storeName"), "Store name");
  EXPECT_EQ(ColumnTitle("Weekly_Sales"), "Weekly sales");
  EXPECT_EQ(ColumnTitle(""), "");
}

TEST(ColumnTitleTest, SentencesAndPlurals) {
  EXPECT_EQ(InSentence("Total weekly sales"), "total weekly sales");
  EXPECT_EQ(InSentence("CPI by store"), "CPI by store");
  EXPECT_EQ(PluralNoun("Store"), "stores");
  EXPECT_EQ(PluralNoun("Product category"), "product categories");
  EXPECT_EQ(PluralNoun("Box"), "boxes");
  EXPECT_EQ(PluralNoun("Day"), "days");
  EXPECT_EQ(PluralNoun("Status"), "status");
}

TEST(TimeKeyTest, SortsInTimeOrder) {
  EXPECT_LT(TimeKey(I(2011)), TimeKey(I(2012)));
  EXPECT_LT(TimeKey(I(9)), TimeKey(I(10)));
  EXPECT_LT(TimeKey(S("3")), TimeKey(S("10")));
  EXPECT_LT(TimeKey(S("2011-12")), TimeKey(S("2012-01")));
}

}  // namespace
}  // namespace da
