// The ask pipeline with a memory: answers are remembered, the same question is answered from
// memory without any model call, approved examples reach the SQL prompt, and a remembered
// statement that no longer runs falls back to answering afresh.
#include <gtest/gtest.h>

#include "memory/memory.h"
#include "memory/text_embedder.h"
#include "pipeline_fixture.h"

namespace da {
namespace {

class PipelineMemoryTest : public PipelineTest {
 protected:
  void SetUp() override {
    PipelineTest::SetUp();
    auto store = memory::OpenSqliteMemoryStore((dir_.path() / "memory.db").string());
    ASSERT_TRUE(store.ok()) << store.status().ToString();
    store_memory_ = std::move(*store);
    memory::DatasetView view;
    view.name = "retail";
    view.catalog = &dataset_->catalog();
    view.values = dataset_->values();
    view.data_version = dataset_->info().version;
    view.validate = [this](std::string_view sql) { return dataset_->Validate(sql); };
    auto memory = memory::Memory::Open(*store_memory_, view, embedder_);
    ASSERT_TRUE(memory.ok()) << memory.status().ToString();
    memory_ = std::move(*memory);
  }
  AskAnswer AskRemembering(const std::string& question, AskModels models) {
    return Ask(question, models, {}, {}, memory_.get());
  }

  memory::TextEmbedder embedder_;
  std::unique_ptr<memory::MemoryStore> store_memory_;
  std::unique_ptr<memory::Memory> memory_;
};

TEST_F(PipelineMemoryTest, TheSameQuestionIsAnsweredFromMemoryWithoutCallingTheModel) {
  server_.Script({OpenAIChatReply(Fenced(kGoodSql), 300, 40)});
  AskAnswer first = AskRemembering(kHardQuestion, SqlOnly());
  ASSERT_TRUE(first.answered) << first.ToJson().dump(1);
  EXPECT_EQ(first.source, "llm");
  ASSERT_GT(first.answer_id, 0);
  AskAnswer again = AskRemembering(kHardQuestion, SqlOnly());
  ASSERT_TRUE(again.answered) << again.ToJson().dump(1);
  EXPECT_EQ(again.source, "cache");
  EXPECT_EQ(again.answer_id, first.answer_id);
  EXPECT_EQ(again.usage.calls, 0);
  EXPECT_EQ(Requests().size(), 1u);
  EXPECT_TRUE(again.cache.result_reused);
  EXPECT_EQ(again.result->rows, first.result->rows);
  EXPECT_EQ(again.sql, kGoodSql);
  EXPECT_EQ(again.chart.type, first.chart.type);
  EXPECT_EQ(again.ToJson()["cache"]["hit"], true);
}

TEST_F(PipelineMemoryTest, ApprovedExamplesReachTheSqlPrompt) {
  const std::string example_sql = "SELECT city, COUNT(*) FROM stores GROUP BY city";
  auto id = memory_->AddExample("How many stores are in each city?", example_sql, "");
  ASSERT_TRUE(id.ok()) << id.status().ToString();
  server_.Script({OpenAIChatReply(Fenced(kGoodSql), 300, 40)});
  AskAnswer a = AskRemembering("What is the zorbly quuxness of stores in each city?", SqlOnly());
  ASSERT_EQ(Requests().size(), 1u) << a.ToJson().dump(1);
  EXPECT_NE(Requests()[0].body.find("How many stores are in each city?"), std::string::npos);
  EXPECT_NE(Requests()[0].body.find("COUNT(*) FROM stores GROUP BY city"), std::string::npos);
  ASSERT_EQ(a.examples.size(), 1u);
  EXPECT_EQ(a.examples[0], *id);
}

TEST_F(PipelineMemoryTest, ARememberedStatementThatNoLongerRunsIsAnsweredAfresh) {
  // Remembered before a change that broke it (here: written wrong), for a question the engine reads.
  ASSERT_TRUE(memory_->Remember("How many stores are there?", "SELECT COUNT(*) FROM shops", "llm", nullptr).ok());
  AskAnswer a = AskRemembering("How many stores are there?", AskModels{});
  ASSERT_TRUE(a.answered) << a.ToJson().dump(1);
  EXPECT_EQ(a.source, "engine");
  EXPECT_FALSE(a.cache.hit);
  EXPECT_EQ(a.result->rows[0][0], Value(int64_t{7}));
  ASSERT_FALSE(a.warnings.empty());
  EXPECT_NE(a.warnings[0].find("remembered SQL failed"), std::string::npos) << a.warnings[0];
  EXPECT_TRUE(a.error.ok());
}

TEST_F(PipelineMemoryTest, AFollowUpThatNeedsHistoryIsNeitherLookedUpNorRemembered) {
  ASSERT_TRUE(memory_->AddExample("and for 2011?", "SELECT 1", "").ok());
  server_.Script({OpenAIChatReply(Fenced(kGoodSql), 10, 10)});
  AskPipeline pipeline(*dataset_, *engine_, SqlOnly(), {}, memory_.get());
  AskAnswer a = pipeline.Ask("and for 2011?", {{"total sales per city", kGoodSql, "6 rows"}},
                             QuestionContext::kNeedsHistory);
  EXPECT_NE(a.source, "cache");
  EXPECT_EQ(a.answer_id, 0);
  EXPECT_EQ(memory_->Entries()->size(), 1u);
}

TEST_F(PipelineMemoryTest, WhyQuestionsAreNotAnsweredFromMemory) {
  ASSERT_TRUE(memory_->Remember("Why did sales drop in 2012?", "SELECT 1", "llm", nullptr).ok());
  AskAnswer a = AskRemembering("Why did sales drop in 2012?", AskModels{});
  EXPECT_NE(a.source, "cache");
}

}  // namespace
}  // namespace da
