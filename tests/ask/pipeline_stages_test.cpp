// The stages the pipeline reports as they finish (what the server streams as events).
#include "pipeline_fixture.h"

namespace da {
namespace {

struct Seen {
  std::vector<std::string> stages;
  std::vector<std::string> sql;  // a.sql when each stage was reported
  std::vector<bool> had_rows;
};

AskStageObserver Recorder(Seen* seen) {
  return [seen](AskStage stage, const AskAnswer& a) {
    seen->stages.push_back(AskStageName(stage));
    seen->sql.push_back(a.sql);
    seen->had_rows.push_back(a.result.has_value());
  };
}

TEST_F(PipelineTest, EngineAnswerReportsEveryStageInOrder) {
  AskPipeline pipeline(*dataset_, *engine_, AskModels{});
  Seen seen;
  AskAnswer a = pipeline.Ask("How many stores are there?", {}, QuestionContext::kStandalone, Recorder(&seen));
  ASSERT_TRUE(a.answered);
  EXPECT_EQ(seen.stages, (std::vector<std::string>{"intent", "sql", "rows", "chart", "explanation"}));
  // The SQL is reported before it runs; the rows after.
  EXPECT_EQ(seen.sql[1], a.sql);
  EXPECT_FALSE(seen.had_rows[1]);
  EXPECT_TRUE(seen.had_rows[2]);
}

TEST_F(PipelineTest, ReplyReportsOnlyItsIntent) {
  AskPipeline pipeline(*dataset_, *engine_, AskModels{});
  Seen seen;
  AskAnswer a = pipeline.Ask("hello there!", {}, QuestionContext::kStandalone, Recorder(&seen));
  EXPECT_FALSE(a.answered);
  EXPECT_EQ(seen.stages, (std::vector<std::string>{"intent"}));
}

TEST_F(PipelineTest, RepairedSqlIsReportedBeforeTheFirstTryRuns) {
  server_.Script({OpenAIChatReply(Fenced("SELECT citty, COUNT(*) FROM stores GROUP BY citty"), 100, 10),
                  OpenAIChatReply(Fenced("SELECT city, COUNT(*) AS n FROM stores GROUP BY city"), 120, 12)});
  AskPipeline pipeline(*dataset_, *engine_, SqlOnly());
  Seen seen;
  AskAnswer a = pipeline.Ask(kHardQuestion, {}, QuestionContext::kStandalone, Recorder(&seen));
  ASSERT_TRUE(a.answered) << a.ToJson().dump(1);
  ASSERT_GE(seen.stages.size(), 3u);
  EXPECT_EQ(seen.stages[1], "sql");
  EXPECT_NE(seen.sql[1].find("citty"), std::string::npos);  // the first try, before its repair
  EXPECT_EQ(seen.stages[2], "rows");
  EXPECT_EQ(seen.sql[2], a.sql);  // rows come with the statement that produced them
}

TEST_F(PipelineTest, NoObserverChangesNothing) {
  AskPipeline pipeline(*dataset_, *engine_, AskModels{});
  AskAnswer with = pipeline.Ask("How many stores are there?", {}, QuestionContext::kStandalone, [](AskStage, const AskAnswer&) {});
  AskAnswer without = pipeline.Ask("How many stores are there?");
  EXPECT_EQ(with.sql, without.sql);
  EXPECT_EQ(with.result->rows, without.result->rows);
}

}  // namespace
}  // namespace da
