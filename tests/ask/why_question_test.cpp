// Why-questions rewritten into data questions for the engine, and answered without an LLM.
#include "ask/why_question.h"

#include <gtest/gtest.h>

#include "pipeline_fixture.h"

namespace da {
namespace {

TEST(WhyDataQuestionsTest, FramingAndChangeWordsGoTheMeasureAndPeriodStay) {
  auto q = WhyDataQuestions("Why did sales drop in March 2012?");
  ASSERT_FALSE(q.empty());
  EXPECT_EQ(q[0], "total sales in 2012 by month");
  EXPECT_EQ(q.size(), 2u);  // with a year, no yearly totals
  auto caused = WhyDataQuestions("What caused the spike in returns last year?");
  ASSERT_FALSE(caused.empty());
  EXPECT_EQ(caused[0], "total returns last year by month");
  auto how_come = WhyDataQuestions("How come revenue is so low in the West region?");
  ASSERT_FALSE(how_come.empty());
  EXPECT_EQ(how_come[0], "total revenue in west region by month");
  EXPECT_NE(std::find(how_come.begin(), how_come.end(), "total revenue in west region by year"), how_come.end());
}

TEST(WhyDataQuestionsTest, NothingLeftMeansNoQuestion) {
  EXPECT_TRUE(WhyDataQuestions("Why?").empty());
  EXPECT_TRUE(WhyDataQuestions("why did it drop so much").empty());
  EXPECT_TRUE(WhyDataQuestions("").empty());
}

TEST_F(PipelineTest, AWhyQuestionWithoutAnLlmShowsTheDataBehindItWithItsChanges) {
  AskAnswer a = Ask("Why did sales drop?", AskModels{});
  ASSERT_TRUE(a.answered) << a.ToJson().dump(1);
  EXPECT_EQ(a.intent, Intent::kWhyQuestion);
  EXPECT_EQ(a.source, "engine");
  EXPECT_NE(a.restatement.find("The data behind"), std::string::npos) << a.restatement;
  EXPECT_GT(a.result->rows.size(), 1u);
  ASSERT_FALSE(a.facts.is_null());
  EXPECT_FALSE(a.explanation.empty());
  ASSERT_FALSE(a.warnings.empty());
  EXPECT_NE(a.warnings.back().find("no LLM"), std::string::npos);
  EXPECT_EQ(a.usage.calls, 0);
}

}  // namespace
}  // namespace da
