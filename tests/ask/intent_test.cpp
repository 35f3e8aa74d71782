#include "ask/intent.h"

#include <gtest/gtest.h>

namespace da {
namespace {

DatasetContext Walmart() {
  return {{"sales", "stores", "features"}, {"Weekly Sales", "Store", "Temperature", "Dept"}};
}

Intent IntentOf(std::string_view message, const DatasetContext& ctx = Walmart()) {
  return ClassifyIntent(message, ctx).intent;
}

TEST(IntentTest, DataQuestions) {
  for (const char* q : {"total sales by region in 2024?", "How many stores are there?",
                        "show weekly sales per store", "list the departments of store 20",
                        "Which store had the highest sales in 2012", "average temperature by month",
                        "hi, what were total sales in 2012?", "count orders by channel",
                        "compare store 1 and store 2"}) {
    IntentResult r = ClassifyIntent(q, Walmart());
    EXPECT_EQ(r.intent, Intent::kDataQuestion) << q;
    EXPECT_GE(r.confidence, 0.65) << q;
    EXPECT_TRUE(r.reply.empty()) << q;
  }
}

TEST(IntentTest, ConfidenceGrowsWithCues) {
  EXPECT_LT(ClassifyIntent("blue", {}).confidence, 0.5);
  EXPECT_GE(ClassifyIntent("what is the total revenue per customer?", {}).confidence, 0.8);
  EXPECT_GE(ClassifyIntent("weekly sales of store 20", Walmart()).confidence, 0.9);
}

TEST(IntentTest, ChartRequests) {
  IntentResult plot = ClassifyIntent("plot weekly sales over time", Walmart());
  EXPECT_EQ(plot.intent, Intent::kChartRequest);
  EXPECT_FALSE(plot.follow_up);
  EXPECT_FALSE(plot.chart.requested);

  IntentResult pie = ClassifyIntent("Show it as a pie", Walmart());
  EXPECT_EQ(pie.intent, Intent::kChartRequest);
  EXPECT_TRUE(pie.follow_up);
  EXPECT_EQ(pie.chart.requested, ChartType::kArc);

  IntentResult bar = ClassifyIntent("can you make that a bar chart instead?", Walmart());
  EXPECT_TRUE(bar.follow_up);
  EXPECT_EQ(bar.chart.requested, ChartType::kBar);

  IntentResult make_line = ClassifyIntent("hey, make it a line", Walmart());
  EXPECT_EQ(make_line.intent, Intent::kChartRequest);
  EXPECT_TRUE(make_line.follow_up);
  EXPECT_EQ(make_line.chart.requested, ChartType::kLine);

  IntentResult line = ClassifyIntent("total sales by month as a line chart", Walmart());
  EXPECT_EQ(line.intent, Intent::kChartRequest);
  EXPECT_FALSE(line.follow_up);
  EXPECT_EQ(line.chart.requested, ChartType::kLine);

  IntentResult scatter = ClassifyIntent("scatter plot of temperature against weekly sales", Walmart());
  EXPECT_EQ(scatter.chart.requested, ChartType::kPoint);
  EXPECT_EQ(ClassifyIntent("show sales as bars").chart.requested, ChartType::kBar);
  EXPECT_EQ(ClassifyIntent("visualize the share of sales by store type", Walmart()).intent,
            Intent::kChartRequest);
}

TEST(IntentTest, ChartWordsOutsideCharts) {
  // "bar" and "line" alone are data words (a bar, a product line), not chart types.
  EXPECT_EQ(ClassifyIntent("sales per product line").chart.requested, std::nullopt);
  EXPECT_EQ(ClassifyIntent("how many drinks did the bar sell").chart.requested, std::nullopt);
  EXPECT_EQ(IntentOf("how many drinks did the bar sell"), Intent::kDataQuestion);
}

TEST(IntentTest, ProportionHints) {
  EXPECT_TRUE(ClassifyIntent("what share of sales comes from each store type?").chart.proportion);
  EXPECT_TRUE(ClassifyIntent("percentage of orders by channel").chart.proportion);
  EXPECT_TRUE(ClassifyIntent("break down revenue by region").chart.proportion);
  EXPECT_TRUE(ClassifyIntent("what % of stores are type A").chart.proportion);
  EXPECT_FALSE(ClassifyIntent("total sales by region").chart.proportion);
}

TEST(IntentTest, WhyQuestions) {
  for (const char* q : {"why did sales drop in March?", "What caused the spike in week 47?",
                        "explain the decline in weekly sales in 2011", "how come store 5 sold less?",
                        "what drove the increase in December", "What led to lower sales in Q3?"}) {
    EXPECT_EQ(IntentOf(q), Intent::kWhyQuestion) << q;
  }
}

TEST(IntentTest, Conversation) {
  for (const char* q : {"hi", "Hello there!", "good morning", "thanks!", "thank you so much", "ok great",
                        "bye", "help", "what can you do?", "What can I ask?", "how does this work",
                        "who are you?", "how are you", "What can this tool do?", "", "  ?! "}) {
    IntentResult r = ClassifyIntent(q, Walmart());
    EXPECT_EQ(r.intent, Intent::kConversation) << q;
    EXPECT_FALSE(r.reply.empty()) << q;
  }
}

TEST(IntentTest, RepliesNameTheDataset) {
  IntentResult hi = ClassifyIntent("hello", Walmart());
  EXPECT_EQ(hi.reply.rfind("Hello! ", 0), 0u) << hi.reply;
  EXPECT_NE(hi.reply.find("the tables sales, stores and features"), std::string::npos) << hi.reply;
  EXPECT_NE(hi.reply.find("“How many sales are there?”"), std::string::npos) << hi.reply;
  EXPECT_NE(hi.reply.find("“Weekly sales by store”"), std::string::npos) << hi.reply;

  IntentResult tables = ClassifyIntent("what tables do you have?", Walmart());
  EXPECT_EQ(tables.intent, Intent::kConversation);
  EXPECT_EQ(tables.reply.rfind("This dataset has 3 tables: sales, stores and features.", 0), 0u) << tables.reply;

  IntentResult bare = ClassifyIntent("help", {});
  EXPECT_NE(bare.reply.find("“Total sales by region in 2024”"), std::string::npos) << bare.reply;

  DatasetContext many{{"a", "b", "c", "d", "e", "f", "g"}, {}};
  EXPECT_NE(ClassifyIntent("hi", many).reply.find("a, b, c, d, e and 2 more"), std::string::npos);
  EXPECT_EQ(ClassifyIntent("thanks").reply, "You're welcome! Ask another question about your data whenever you like.");
  EXPECT_EQ(ClassifyIntent("ok").reply, "OK. Ask another question about your data whenever you like.");
  EXPECT_EQ(ClassifyIntent("bye!").reply, "Goodbye! Come back with more questions about your data any time.");
}

TEST(IntentTest, OutOfScope) {
  for (const char* q : {"tell me a joke", "what's the weather like tomorrow?", "write a poem about spring",
                        "write a python function to reverse a list", "translate hello into French",
                        "give me a recipe for pancakes"}) {
    IntentResult r = ClassifyIntent(q, Walmart());
    EXPECT_EQ(r.intent, Intent::kOutOfScope) << q;
    EXPECT_NE(r.reply.find("I can only answer questions about the data"), std::string::npos) << q;
    EXPECT_NE(r.reply.find("sales, stores and features"), std::string::npos) << q;
  }
}

TEST(IntentTest, DatasetWordsOverrideOffTopicCues) {
  DatasetContext weather{{"weather_readings"}, {"Station", "Rainfall"}};
  EXPECT_EQ(IntentOf("average rainfall by station for the weather readings", weather), Intent::kDataQuestion);
  DatasetContext songs{{"songs", "artists"}, {"Title", "Genre"}};
  EXPECT_EQ(IntentOf("how many songs per genre", songs), Intent::kDataQuestion);
  EXPECT_EQ(IntentOf("how many songs per genre", {}), Intent::kOutOfScope);
  // Naming the dataset does not make a poem or a joke a data question.
  EXPECT_EQ(IntentOf("write a haiku about stores"), Intent::kOutOfScope);
  EXPECT_EQ(IntentOf("tell me a joke about weekly sales"), Intent::kOutOfScope);
}

TEST(IntentTest, JsonForm) {
  nlohmann::json j = ClassifyIntent("show it as a pie chart").ToJson();
  EXPECT_EQ(j["intent"], "chart_request");
  EXPECT_EQ(j["chart_type"], "arc");
  EXPECT_EQ(j["follow_up"], true);
  EXPECT_FALSE(j.contains("reply"));
  EXPECT_EQ(ClassifyIntent("hi").ToJson()["intent"], "conversation");
  EXPECT_TRUE(ClassifyIntent("hi").ToJson().contains("reply"));
  for (Intent i : {Intent::kDataQuestion, Intent::kChartRequest, Intent::kWhyQuestion, Intent::kConversation,
                   Intent::kOutOfScope})
    EXPECT_NE(std::string(IntentName(i)), "");
}

}  // namespace
}  // namespace da
