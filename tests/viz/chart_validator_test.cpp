#include "viz/chart_validator.h"

#include <gtest/gtest.h>

#include "viz/chart.h"
#include "viz/viz_fixtures.h"

namespace da {
namespace {

using namespace da::testing;
using Json = nlohmann::json;

// A hand-written spec over AmountByRegion(), as an LLM might propose it.
Json Proposed() {
  return Json::parse(R"({
    "$schema": "https://vega.github.io/schema/vega-lite/v5.json",
    "title": {"text": "Amount by region", "subtitle": "2024"},
    "width": "container",
    "data": {"values": [{"region": "North", "amount": 40}, {"region": "South", "amount": 30}]},
    "mark": {"type": "bar", "tooltip": true, "cornerRadiusEnd": 3},
    "encoding": {
      "x": {"field": "region", "type": "nominal", "sort": {"field": "amount", "op": "sum", "order": "descending"},
            "axis": {"labelAngle": -45, "title": null}},
      "y": {"field": "amount", "type": "quantitative", "aggregate": "sum", "scale": {"zero": true}},
      "tooltip": [{"field": "region", "type": "nominal"}, {"field": "amount", "type": "quantitative",
                   "format": ",.0f"}]
    }
  })");
}

std::string Error(const Json& spec, const QueryResult& r = AmountByRegion()) {
  Status st = ValidateChart(spec, r);
  return st.ok() ? "" : st.message();
}

TEST(ValidateChartTest, AcceptsAPlainSingleViewSpec) { EXPECT_EQ(Error(Proposed()), ""); }

TEST(ValidateChartTest, AcceptsEverySpecWeEmit) {
  ChartHints share;
  share.proportion = true;
  for (const QueryResult& r : {AmountByRegion(), MonthlySales(), SalesByStore(45)}) {
    for (ChartType t : AlternativeCharts(r, share)) {
      auto chart = MakeChart(r, t, share);
      ASSERT_TRUE(chart.ok());
      EXPECT_EQ(Error(chart->spec, r), "") << chart->spec.dump();
    }
  }
}

TEST(ValidateChartTest, RefusesUnknownTopLevelKeysAndCompositeViews) {
  for (const char* key : {"layer", "hconcat", "repeat", "facet", "params", "config", "usermeta", "datasets",
                          "resolve", "projection"}) {
    Json spec = Proposed();
    spec[key] = Json::array();
    EXPECT_NE(Error(spec), "") << key;
  }
  Json spec = Proposed();
  spec["$schema"] = "https://vega.github.io/schema/vega/v5.json";
  EXPECT_NE(Error(spec).find("Vega-Lite v5"), std::string::npos);
}

TEST(ValidateChartTest, DataMustBeInlineValuesOfTheResult) {
  Json url = Proposed();
  url["data"] = {{"url", "https://example.com/data.json"}};
  EXPECT_NE(Error(url), "");
  Json named = Proposed();
  named["data"] = {{"name", "table"}};
  EXPECT_NE(Error(named), "");
  Json none = Proposed();
  none.erase("data");
  EXPECT_NE(Error(none).find("inline data values are required"), std::string::npos);
  Json empty = Proposed();
  empty["data"]["values"] = Json::array();
  EXPECT_NE(Error(empty), "");
  Json invented = Proposed();
  invented["data"]["values"][0]["secret"] = 1;
  EXPECT_NE(Error(invented).find("'secret' is not a column of the result"), std::string::npos);
  Json nested = Proposed();
  nested["data"]["values"][0]["amount"] = {{"expr", "1"}};
  EXPECT_NE(Error(nested), "");
  Json too_many = Proposed();
  for (int i = 0; i < 5; ++i) too_many["data"]["values"].push_back({{"region", "X"}, {"amount", 1}});
  EXPECT_NE(Error(too_many).find("has 7 rows but the result has 4"), std::string::npos);
}

TEST(ValidateChartTest, ColumnsNamedLikeForbiddenKeysAreStillData) {
  auto r = MakeResult({"url", "filter", "total"}, {{S("a"), S("b"), D(1)}, {S("c"), S("d"), D(2)}});
  Chart c = ChooseChart(r);
  ASSERT_EQ(c.type, ChartType::kBar);
  EXPECT_EQ(Error(c.spec, r), "");
}

TEST(ValidateChartTest, MarksMustBeKnown) {
  Json spec = Proposed();
  spec["mark"] = "image";
  EXPECT_NE(Error(spec).find("unknown mark type 'image'"), std::string::npos);
  spec["mark"] = "line";
  EXPECT_EQ(Error(spec), "");
  spec["mark"] = {{"type", "bar"}, {"color", {{"expr", "alert(1)"}}}};
  EXPECT_NE(Error(spec), "");
  spec.erase("mark");
  EXPECT_NE(Error(spec), "");
}

TEST(ValidateChartTest, EncodingFieldsMustExistAndBeSimple) {
  Json missing = Proposed();
  missing["encoding"]["y"]["field"] = "profit";
  EXPECT_NE(Error(missing).find("field 'profit' is not in the chart's data"), std::string::npos);
  Json nested = Proposed();
  nested["encoding"]["y"]["field"] = "amount.value";
  EXPECT_NE(Error(nested).find("nested path"), std::string::npos);
  Json sort_field = Proposed();
  sort_field["encoding"]["x"]["sort"]["field"] = "nope";
  EXPECT_NE(Error(sort_field), "");
  // Dotted names are fine once escaped.
  QueryResult dotted = MakeResult({"T1.region", "sum(T1.amount)"}, {{S("N"), D(1)}, {S("S"), D(2)}});
  Json ok = Json::parse(R"J({"data": {"values": [{"T1.region": "N", "sum(T1.amount)": 1}]}, "mark": "bar",
    "encoding": {"x": {"field": "T1\\.region", "type": "nominal"},
                 "y": {"field": "sum(T1\\.amount)", "type": "quantitative"}}})J");
  EXPECT_EQ(Error(ok, dotted), "");
  ok["encoding"]["x"]["field"] = "T1.region";
  EXPECT_NE(Error(ok, dotted), "");
}

TEST(ValidateChartTest, TypesAggregatesTimeUnitsAndChannels) {
  Json type = Proposed();
  type["encoding"]["y"]["type"] = "geojson";
  EXPECT_NE(Error(type).find("must be quantitative, temporal, nominal or ordinal"), std::string::npos);
  Json untyped = Proposed();
  untyped["encoding"]["y"].erase("type");
  EXPECT_NE(Error(untyped).find("a field needs a type"), std::string::npos);
  Json count = Proposed();
  count["encoding"]["y"] = {{"aggregate", "count"}};
  EXPECT_EQ(Error(count), "");
  Json agg = Proposed();
  agg["encoding"]["y"]["aggregate"] = "exec";
  EXPECT_NE(Error(agg).find("unknown aggregate"), std::string::npos);
  Json argmax = Proposed();
  argmax["encoding"]["y"]["aggregate"] = {{"argmax", "amount"}};
  EXPECT_NE(Error(argmax), "");
  Json unit = Proposed();
  unit["encoding"]["x"]["timeUnit"] = "utcyearmonthdate";
  EXPECT_EQ(Error(unit), "");
  unit["encoding"]["x"]["timeUnit"] = "fortnight";
  EXPECT_NE(Error(unit).find("unknown time unit"), std::string::npos);
  for (const char* channel : {"href", "url", "key", "description2"}) {
    Json ch = Proposed();
    ch["encoding"][channel] = {{"field", "region"}, {"type", "nominal"}};
    EXPECT_NE(Error(ch), "") << channel;
  }
  Json arc = Proposed();
  arc["mark"] = "arc";
  EXPECT_NE(Error(arc).find("theta"), std::string::npos);
  Json stack = Proposed();
  stack["encoding"]["y"]["stack"] = "normalize";
  EXPECT_EQ(Error(stack), "");
  stack["encoding"]["y"]["stack"] = "sideways";
  EXPECT_NE(Error(stack), "");
}

TEST(ValidateChartTest, RefusesExpressionsSignalsAndConditionsAnywhere) {
  Json label_expr = Proposed();
  label_expr["encoding"]["x"]["axis"]["labelExpr"] = "datum.label + '!'";
  EXPECT_NE(Error(label_expr).find("'labelExpr' is not allowed"), std::string::npos);
  Json condition = Proposed();
  condition["encoding"]["color"] = {{"condition", {{"test", "datum.amount > 10"}, {"value", "red"}}},
                                    {"value", "grey"}};
  EXPECT_NE(Error(condition), "");
  Json signal = Proposed();
  signal["width"] = {{"signal", "innerWidth"}};
  EXPECT_NE(Error(signal), "");
  Json scale = Proposed();
  scale["encoding"]["y"]["scale"]["domain"] = {{"param", "brush"}};
  EXPECT_NE(Error(scale), "");
  Json title = Proposed();
  title["title"]["text"] = {{"expr", "'x'"}};
  EXPECT_NE(Error(title), "");
  Json format_type = Proposed();
  format_type["encoding"]["tooltip"][1]["formatType"] = "myFunction";
  EXPECT_NE(Error(format_type), "");
}

TEST(ValidateChartTest, OnlyFoldTransforms) {
  Json fold = Proposed();
  fold["transform"] = Json::parse(R"([{"fold": ["amount"], "as": ["Measure", "Value"]}])");
  fold["encoding"]["y"]["field"] = "Value";
  EXPECT_EQ(Error(fold), "");
  Json calc = Proposed();
  calc["transform"] = Json::parse(R"([{"calculate": "datum.amount * 2", "as": "double"}])");
  EXPECT_NE(Error(calc), "");
  Json filter = Proposed();
  filter["transform"] = Json::parse(R"([{"filter": "datum.amount > 1"}])");
  EXPECT_NE(Error(filter), "");
  Json lookup = Proposed();
  lookup["transform"] = Json::parse(R"([{"lookup": "region", "from": {"data": {"url": "x.csv"}}}])");
  EXPECT_NE(Error(lookup), "");
  Json bad_fold = Proposed();
  bad_fold["transform"] = Json::parse(R"([{"fold": ["nope"], "as": ["k", "v"]}])");
  EXPECT_NE(Error(bad_fold), "");
}

TEST(ValidateChartTest, NotAnObject) {
  EXPECT_NE(Error(Json::array()), "");
  EXPECT_NE(Error(Json("bar")), "");
}

}  // namespace
}  // namespace da
