#include "viz/chart.h"

#include <gtest/gtest.h>

#include "viz/chart_fields.h"
#include "viz/chart_validator.h"
#include "viz/viz_fixtures.h"

namespace da {
namespace {

using namespace da::testing;

// Every chart we emit must pass our own validator.
Chart Choose(const QueryResult& r, const ChartHints& hints = {}) {
  Chart c = ChooseChart(r, hints);
  if (c.type != ChartType::kNone) {
    Status st = ValidateChart(c.spec, r);
    EXPECT_TRUE(st.ok()) << st.ToString() << "\n" << c.spec.dump(2);
  } else {
    EXPECT_TRUE(c.spec.is_null());
    EXPECT_FALSE(c.reason.empty());
  }
  return c;
}

std::string Mark(const Chart& c) { return c.spec["mark"]["type"]; }

TEST(ChooseChartTest, EmptyResultHasNoChart) {
  Chart c = Choose(MakeResult({"store", "sales"}, {}));
  EXPECT_EQ(c.type, ChartType::kNone);
  EXPECT_NE(c.reason.find("No rows matched"), std::string::npos);
}

TEST(ChooseChartTest, OneNumberHasNoChart) {
  Chart c = Choose(MakeResult({"count(*)"}, {{I(6435)}}));
  EXPECT_EQ(c.type, ChartType::kNone);
  EXPECT_NE(c.reason.find("single row"), std::string::npos);
  // Even when a chart is asked for.
  ChartHints pie;
  pie.requested = ChartType::kArc;
  EXPECT_EQ(Choose(MakeResult({"count(*)"}, {{I(6435)}}), pie).type, ChartType::kNone);
}

TEST(ChooseChartTest, TimeAndMeasureIsALine) {
  Chart c = Choose(MonthlySales());
  ASSERT_EQ(c.type, ChartType::kLine);
  EXPECT_EQ(c.spec["$schema"], "https://vega.github.io/schema/vega-lite/v5.json");
  EXPECT_EQ(Mark(c), "line");
  EXPECT_EQ(c.spec["encoding"]["x"]["field"], "month");
  EXPECT_EQ(c.spec["encoding"]["x"]["type"], "temporal");
  EXPECT_EQ(c.spec["encoding"]["x"]["timeUnit"], "utcyearmonth");
  EXPECT_EQ(c.spec["encoding"]["y"]["type"], "quantitative");
  EXPECT_EQ(c.spec["encoding"]["y"]["title"], "Total sales");
  EXPECT_EQ(c.spec["title"], "Total sales over month");
  ASSERT_EQ(c.spec["data"]["values"].size(), 6u);
  EXPECT_EQ(c.spec["data"]["values"][0], nlohmann::json({{"month", "2012-01"}, {"total_sales", 100.0}}));
  EXPECT_TRUE(c.notes.empty());
}

TEST(ChooseChartTest, YearsAreOrdinalOnALine) {
  Chart c = Choose(MakeResult({"year", "sum(sales)"}, {{I(2010), D(5)}, {I(2011), D(7)}, {I(2012), D(6)}}));
  ASSERT_EQ(c.type, ChartType::kLine);
  EXPECT_EQ(c.spec["encoding"]["x"]["type"], "ordinal");
}

TEST(ChooseChartTest, LargeNumbersGetShortAxisLabels) {
  Chart c = Choose(MakeResult({"year", "sum(sales)"}, {{I(2010), D(5e8)}, {I(2011), D(-7e8)}}));
  ASSERT_EQ(c.type, ChartType::kLine);
  EXPECT_EQ(c.spec["encoding"]["y"]["axis"]["format"], "~s");
  EXPECT_EQ(c.spec["encoding"]["x"]["axis"]["labelAngle"], 0);  // years read level
  EXPECT_FALSE(Choose(AmountByRegion()).spec["encoding"]["y"].contains("axis"));
}

TEST(ChooseChartTest, SeveralMeasuresOverTimeAreFoldedIntoColoredLines) {
  Chart c = Choose(MakeResult({"date", "sales", "returns"},
                              {{S("2012-01-06"), D(10), D(1)}, {S("2012-01-13"), D(12), D(2)}}));
  ASSERT_EQ(c.type, ChartType::kLine);
  EXPECT_EQ(c.spec["transform"][0]["fold"], nlohmann::json({"sales", "returns"}));
  EXPECT_EQ(c.spec["encoding"]["color"]["field"], "Measure");
  EXPECT_EQ(c.spec["encoding"]["y"]["field"], "Value");
  EXPECT_EQ(c.spec["encoding"]["x"]["timeUnit"], "utcyearmonthdate");
}

TEST(ChooseChartTest, ACategoryOverTimeColorsTheLines) {
  auto r = MakeResult({"month", "region", "sales"}, {{S("2012-01"), S("North"), D(1)},
                                                     {S("2012-01"), S("South"), D(2)},
                                                     {S("2012-02"), S("North"), D(3)},
                                                     {S("2012-02"), S("South"), D(4)}});
  Chart c = Choose(r);
  ASSERT_EQ(c.type, ChartType::kLine);
  EXPECT_EQ(c.spec["encoding"]["color"]["field"], "region");
}

TEST(ChooseChartTest, RepeatedTimesWithoutSeriesAreSummed) {
  auto r = MakeResult({"date", "sales"}, {{S("2012-01-06"), D(1)}, {S("2012-01-06"), D(2)}, {S("2012-01-13"), D(3)}});
  Chart c = Choose(r);
  ASSERT_EQ(c.type, ChartType::kLine);
  EXPECT_EQ(c.spec["encoding"]["y"]["aggregate"], "sum");
  ASSERT_EQ(c.notes.size(), 1u);
  EXPECT_EQ(c.notes[0], "Values at the same date are added up.");
}

TEST(ChooseChartTest, CategoryAndMeasureIsABarSortedByTheMeasure) {
  Chart c = Choose(AmountByRegion());
  ASSERT_EQ(c.type, ChartType::kBar);
  EXPECT_EQ(c.spec["encoding"]["x"]["field"], "region");
  EXPECT_EQ(c.spec["encoding"]["x"]["type"], "nominal");
  EXPECT_EQ(c.spec["encoding"]["x"]["sort"], "-y");
  EXPECT_EQ(c.spec["encoding"]["y"]["field"], "amount");
  EXPECT_FALSE(c.spec["encoding"]["y"].contains("aggregate"));
  EXPECT_EQ(c.spec["title"], "Amount by region");
}

TEST(ChooseChartTest, LongLabelsMakeHorizontalBars) {
  auto r = MakeResult({"product_category", "revenue"},
                      {{S("Garden furniture and outdoor living"), D(5)}, {S("Kitchen"), D(3)}});
  Chart c = Choose(r);
  ASSERT_EQ(c.type, ChartType::kBar);
  EXPECT_EQ(c.spec["encoding"]["y"]["field"], "product_category");
  EXPECT_EQ(c.spec["encoding"]["y"]["sort"], "-x");
  EXPECT_EQ(c.spec["encoding"]["x"]["field"], "revenue");
}

TEST(ChooseChartTest, ManyCategoriesShowTheTopOnesWithANote) {
  Chart c = Choose(SalesByStore(45));
  ASSERT_EQ(c.type, ChartType::kBar);
  ASSERT_EQ(c.notes.size(), 1u);
  EXPECT_EQ(c.notes[0], "Showing the top 20 of 45 stores by total weekly sales.");
  const auto& values = c.spec["data"]["values"];
  ASSERT_EQ(values.size(), 20u);
  for (const auto& v : values) EXPECT_GE(v["store"].get<int>(), 26);
  // Store numbers are categories, and the measure's name is escaped as a field.
  EXPECT_EQ(c.spec["encoding"]["y"]["field"], "store");  // 20 bars: horizontal
  EXPECT_EQ(c.spec["encoding"]["x"]["field"], "sum(T1\\.weekly_sales)");
  EXPECT_TRUE(values[0].contains("sum(T1.weekly_sales)"));
}

TEST(ChooseChartTest, TwoCategoriesStackByColor) {
  auto r = MakeResult({"region", "channel", "sales"},
                      {{S("North"), S("web"), D(1)}, {S("North"), S("shop"), D(2)}, {S("South"), S("web"), D(3)}});
  Chart c = Choose(r);
  ASSERT_EQ(c.type, ChartType::kBar);
  EXPECT_EQ(c.spec["encoding"]["color"]["field"], "channel");
}

TEST(ChooseChartTest, RepeatedCategoriesAreSummed) {
  auto r = MakeResult({"region", "sales"}, {{S("North"), D(1)}, {S("North"), D(2)}, {S("South"), D(3)}});
  Chart c = Choose(r);
  ASSERT_EQ(c.type, ChartType::kBar);
  EXPECT_EQ(c.spec["encoding"]["y"]["aggregate"], "sum");
}

TEST(ChooseChartTest, ShareQuestionsWithFewCategoriesArePies) {
  ChartHints share;
  share.proportion = true;
  Chart c = Choose(AmountByRegion(), share);
  ASSERT_EQ(c.type, ChartType::kArc);
  EXPECT_EQ(c.spec["encoding"]["theta"]["field"], "amount");
  EXPECT_EQ(c.spec["encoding"]["color"]["field"], "region");
  EXPECT_EQ(c.spec["title"], "Share of amount by region");
  // Too many slices: a bar, silently (nobody asked for a pie).
  Chart many = Choose(SalesByStore(9), share);
  EXPECT_EQ(many.type, ChartType::kBar);
  EXPECT_TRUE(many.notes.empty());
}

TEST(ChooseChartTest, TwoMeasuresAreAScatter) {
  auto r = MakeResult({"temperature", "weekly_sales"}, {{D(40.5), D(1000)}, {D(60.1), D(1200)}, {D(80), D(900)}});
  Chart c = Choose(r);
  ASSERT_EQ(c.type, ChartType::kPoint);
  EXPECT_EQ(c.spec["encoding"]["x"]["field"], "temperature");
  EXPECT_EQ(c.spec["encoding"]["y"]["field"], "weekly_sales");
  EXPECT_EQ(c.spec["title"], "Weekly sales against temperature");
}

TEST(ChooseChartTest, NothingToMeasureHasNoChart) {
  EXPECT_EQ(Choose(MakeResult({"name"}, {{S("a")}, {S("b")}})).type, ChartType::kNone);
  EXPECT_EQ(Choose(MakeResult({"amount"}, {{D(1)}, {D(2)}})).type, ChartType::kNone);
}

TEST(ChooseChartTest, RequestedTypeIsHonouredWhenItFits) {
  ChartHints pie;
  pie.requested = ChartType::kArc;
  EXPECT_EQ(Choose(AmountByRegion(), pie).type, ChartType::kArc);
  ChartHints bar;
  bar.requested = ChartType::kBar;
  Chart c = Choose(MonthlySales(), bar);
  ASSERT_EQ(c.type, ChartType::kBar);
  EXPECT_EQ(c.spec["encoding"]["x"]["field"], "month");  // time stays on x, in time order
  EXPECT_FALSE(c.spec["encoding"]["x"].contains("sort"));
}

TEST(ChooseChartTest, RequestedTypeThatDoesNotFitFallsBackAndSaysWhy) {
  ChartHints pie;
  pie.requested = ChartType::kArc;
  Chart c = Choose(SalesByStore(45), pie);
  ASSERT_EQ(c.type, ChartType::kBar);
  ASSERT_GE(c.notes.size(), 1u);
  EXPECT_EQ(c.notes[0], "A pie chart shows at most 8 slices and this result has 45; showing a bar chart instead.");

  ChartHints line;
  line.requested = ChartType::kLine;
  Chart l = Choose(AmountByRegion(), line);
  ASSERT_EQ(l.type, ChartType::kBar);
  EXPECT_EQ(l.notes.at(0), "A line chart needs a time column and a measure; showing a bar chart instead.");

  auto negative = MakeResult({"region", "profit"}, {{S("North"), D(5)}, {S("South"), D(-2)}});
  Chart n = Choose(negative, pie);
  EXPECT_EQ(n.type, ChartType::kBar);
  EXPECT_EQ(n.notes.at(0), "A pie chart cannot show negative values; showing a bar chart instead.");

  ChartHints scatter;
  scatter.requested = ChartType::kPoint;
  Chart t = Choose(MakeResult({"name"}, {{S("a")}, {S("b")}}), scatter);
  EXPECT_EQ(t.type, ChartType::kNone);
  EXPECT_EQ(t.notes.at(0), "A scatter plot needs two measures; showing the table only.");
}

TEST(ChooseChartTest, TitleHintAndRowNotes) {
  ChartHints hints;
  hints.title = "Total weekly sales per store";
  hints.max_points = 3;
  hints.max_bars = 100;
  QueryResult r = SalesByStore(5);
  r.truncated = true;
  Chart c = Choose(r, hints);
  EXPECT_EQ(c.spec["title"], "Total weekly sales per store");
  EXPECT_EQ(c.spec["data"]["values"].size(), 3u);
  ASSERT_EQ(c.notes.size(), 2u);
  EXPECT_EQ(c.notes[0], "Plotting the first 3 of 5 rows.");
  EXPECT_EQ(c.notes[1], "The row cap cut the result at 5 rows; the chart shows only those.");
}

TEST(ChooseChartTest, NullsAndNonFiniteValuesBecomeJsonNull) {
  auto r = MakeResult({"region", "amount"}, {{S("North"), D(std::nan(""))}, {Null(), D(2)}, {S("East"), D(3)}});
  Chart c = Choose(r);
  ASSERT_EQ(c.type, ChartType::kBar);
  EXPECT_TRUE(c.spec["data"]["values"][0]["amount"].is_null());
  EXPECT_TRUE(c.spec["data"]["values"][1]["region"].is_null());
}

TEST(AlternativeChartsTest, ListsWhatFitsAutomaticChoiceFirst) {
  EXPECT_EQ(AlternativeCharts(AmountByRegion()), (std::vector<ChartType>{ChartType::kBar, ChartType::kArc}));
  ChartHints share;
  share.proportion = true;
  EXPECT_EQ(AlternativeCharts(AmountByRegion(), share), (std::vector<ChartType>{ChartType::kArc, ChartType::kBar}));
  EXPECT_EQ(AlternativeCharts(MonthlySales()),
            (std::vector<ChartType>{ChartType::kLine, ChartType::kBar, ChartType::kArc}));
  EXPECT_EQ(AlternativeCharts(SalesByStore(45)), (std::vector<ChartType>{ChartType::kBar}));
  auto two = MakeResult({"a_total", "b_total"}, {{D(1), D(2)}, {D(3), D(4)}});
  EXPECT_EQ(AlternativeCharts(two), (std::vector<ChartType>{ChartType::kPoint}));
  EXPECT_TRUE(AlternativeCharts(MakeResult({"count(*)"}, {{I(1)}})).empty());
}

TEST(MakeChartTest, SwitchesTypeOrSaysWhyNot) {
  auto pie = MakeChart(AmountByRegion(), ChartType::kArc);
  ASSERT_TRUE(pie.ok());
  EXPECT_EQ(pie->type, ChartType::kArc);
  EXPECT_TRUE(ValidateChart(pie->spec, AmountByRegion()).ok());
  auto line = MakeChart(AmountByRegion(), ChartType::kLine);
  ASSERT_FALSE(line.ok());
  EXPECT_EQ(line.status().code(), Status::Code::kUnsupported);
  EXPECT_EQ(line.status().message(), "a line chart needs a time column and a measure");
  auto none = MakeChart(AmountByRegion(), ChartType::kNone);
  ASSERT_TRUE(none.ok());
  EXPECT_TRUE(none->spec.is_null());
}

TEST(ChartJsonTest, TypeSpecNotesAndReason) {
  nlohmann::json bar = ChooseChart(SalesByStore(45)).ToJson();
  EXPECT_EQ(bar["type"], "bar");
  EXPECT_TRUE(bar["spec"].is_object());
  EXPECT_EQ(bar["notes"].size(), 1u);
  EXPECT_FALSE(bar.contains("reason"));
  nlohmann::json none = ChooseChart(MakeResult({"n"}, {{I(1)}})).ToJson();
  EXPECT_EQ(none["type"], "none");
  EXPECT_TRUE(none["spec"].is_null());
  EXPECT_FALSE(none["reason"].get<std::string>().empty());
}

TEST(ChartFieldsTest, ProposedSpecsGetTheResultsRows) {
  auto spec = nlohmann::json::parse(R"({"mark": "bar", "encoding": {"x": {"field": "region", "type": "nominal"},
    "y": {"field": "amount", "type": "quantitative"}}, "data": {"url": "https://example.com/x.csv"}})");
  EXPECT_FALSE(ValidateChart(spec, AmountByRegion()).ok());
  nlohmann::json with = WithResultData(spec, AmountByRegion());
  EXPECT_EQ(with["data"], nlohmann::json({{"values", ChartValues(AmountByRegion())}}));
  EXPECT_TRUE(ValidateChart(with, AmountByRegion()).ok());
  EXPECT_EQ(WithResultData(nlohmann::json::array(), AmountByRegion()), nlohmann::json::array());
}

TEST(ChartTypeNamesTest, RoundTripAndEverydayWords) {
  for (ChartType t : {ChartType::kNone, ChartType::kBar, ChartType::kLine, ChartType::kArc, ChartType::kPoint})
    EXPECT_EQ(ChartTypeFromName(ChartTypeName(t)), t);
  EXPECT_EQ(ChartTypeFromName("Pie"), ChartType::kArc);
  EXPECT_EQ(ChartTypeFromName("scatter"), ChartType::kPoint);
  EXPECT_EQ(ChartTypeFromName("column"), ChartType::kBar);
  EXPECT_EQ(ChartTypeFromName("sunburst"), std::nullopt);
}

TEST(ChartFieldsTest, DuplicateAndEmptyNamesAndEscaping) {
  auto r = MakeResult({"count(*)", "count(*)", ""}, {{I(1), I(2), I(3)}});
  EXPECT_EQ(ChartFieldNames(r), (std::vector<std::string>{"count(*)", "count(*) (2)", "column 3"}));
  EXPECT_EQ(EscapeField("a.b[0]\"c'\\"), "a\\.b\\[0\\]\\\"c\\'\\\\");
  EXPECT_EQ(*ParseField(EscapeField("a.b[0]\"c'\\")), "a.b[0]\"c'\\");
  EXPECT_EQ(*ParseField("plain name"), "plain name");
  EXPECT_FALSE(ParseField("a.b").ok());
  EXPECT_FALSE(ParseField("a[0]").ok());
  EXPECT_FALSE(ParseField("'quoted'").ok());
  EXPECT_FALSE(ParseField("trailing\\").ok());
  EXPECT_FALSE(ParseField("").ok());
}

}  // namespace
}  // namespace da
