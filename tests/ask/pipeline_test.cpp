// The ask pipeline end to end: a real SQLite dataset opened through the guard, the real engine,
// and LLM roles served by a fake OpenAI-compatible server over loopback HTTP with scripted replies.
#include "pipeline_fixture.h"

namespace da {
namespace {

TEST_F(PipelineTest, ConfidentEngineNeverCallsTheLlm) {
  AskAnswer a = Ask("How many stores are there?", AskModels{Model(), Model(), Model()});
  ASSERT_TRUE(a.answered) << a.ToJson().dump(1);
  EXPECT_EQ(a.source, "engine");
  EXPECT_EQ(a.result->rows[0][0], Value(int64_t{7}));
  EXPECT_TRUE(Requests().empty());
  EXPECT_EQ(a.usage.calls, 0);
  EXPECT_FALSE(a.explanation.empty());
  EXPECT_EQ(a.chart.type, ChartType::kNone);  // one number
}

TEST_F(PipelineTest, NoLlmGivesTheEnginesHonestMessage) {
  AskAnswer a = Ask(kHardQuestion, AskModels{});
  EXPECT_FALSE(a.answered);
  EXPECT_TRUE(a.error.ok());
  EXPECT_EQ(a.source, "engine");
  EXPECT_FALSE(a.message.empty());
  EXPECT_TRUE(a.sql.empty());
}

TEST_F(PipelineTest, LlmWritesGoodSql) {
  server_.Script({OpenAIChatReply(Fenced(kGoodSql), 300, 40)});
  AskAnswer a = Ask(kHardQuestion, SqlOnly());
  ASSERT_TRUE(a.answered) << a.ToJson().dump(1);
  EXPECT_EQ(a.source, "llm");
  EXPECT_EQ(a.sql, kGoodSql);
  ASSERT_EQ(a.result->rows.size(), 6u);
  EXPECT_EQ(a.result->rows[0][0], Value(std::string("New York")));  // 330.5, the largest city total
  EXPECT_EQ(a.chart.type, ChartType::kBar);
  EXPECT_FALSE(a.explanation.empty());
  EXPECT_TRUE(a.repairs.empty());
  EXPECT_EQ(a.usage.calls, 1);
  EXPECT_EQ(a.usage.input_tokens, 300);
  EXPECT_EQ(a.usage.output_tokens, 40);
  // The prompt held the schema and the question.
  ASSERT_EQ(Requests().size(), 1u);
  const std::string prompt = Requests()[0].body;
  EXPECT_NE(prompt.find("stores"), std::string::npos);
  EXPECT_NE(prompt.find("zorbly"), std::string::npos);
}

TEST_F(PipelineTest, SqlInProseIsFound) {
  server_.Script({OpenAIChatReply("The count is given by SELECT COUNT(*) FROM stores WHERE store_type = 'A'; "
                                  "which counts type A stores.",
                                  10, 10)});
  AskAnswer a = Ask(kHardQuestion, SqlOnly());
  ASSERT_TRUE(a.answered) << a.ToJson().dump(1);
  EXPECT_EQ(a.sql, "SELECT COUNT(*) FROM stores WHERE store_type = 'A'");
  EXPECT_EQ(a.result->rows[0][0], Value(int64_t{2}));
}

TEST_F(PipelineTest, WrongColumnIsRepaired) {
  server_.Script({OpenAIChatReply(Fenced("SELECT citty, COUNT(*) FROM stores GROUP BY citty"), 100, 10),
                  OpenAIChatReply(Fenced("SELECT city, COUNT(*) AS n FROM stores GROUP BY city"), 120, 12)});
  AskAnswer a = Ask(kHardQuestion, SqlOnly());
  ASSERT_TRUE(a.answered) << a.ToJson().dump(1);
  ASSERT_EQ(a.repairs.size(), 1u);
  EXPECT_NE(a.repairs[0].sql.find("citty"), std::string::npos);
  EXPECT_NE(a.repairs[0].error.find("citty"), std::string::npos) << a.repairs[0].error;
  EXPECT_EQ(a.sql, "SELECT city, COUNT(*) AS n FROM stores GROUP BY city");
  EXPECT_EQ(a.result->rows.size(), 6u);
  // The repair request carried the failed SQL and the database's error; usage is summed.
  ASSERT_EQ(Requests().size(), 2u);
  EXPECT_NE(PromptText(1).find("citty"), std::string::npos);
  EXPECT_EQ(a.usage.calls, 2);
  EXPECT_EQ(a.usage.input_tokens, 220);
  EXPECT_EQ(a.usage.output_tokens, 22);
  nlohmann::json j = a.ToJson();
  EXPECT_EQ(j["repairs"].size(), 1u);
  EXPECT_EQ(j["usage"]["calls"], 2);
}

TEST_F(PipelineTest, RepairsStopAfterThreeTries) {
  server_.SetGate([](const RecordedRequest&) {
    return std::optional<ScriptedReply>(OpenAIChatReply(Fenced("SELECT nope FROM stores"), 5, 5));
  });
  AskAnswer a = Ask(kHardQuestion, SqlOnly());
  EXPECT_FALSE(a.answered);
  EXPECT_FALSE(a.error.ok());
  EXPECT_NE(a.error.message().find("after 3 repairs"), std::string::npos) << a.error.ToString();
  EXPECT_EQ(a.repairs.size(), 4u);  // the first statement and three repairs, each failed
  EXPECT_EQ(Requests().size(), 4u);
  EXPECT_EQ(a.usage.calls, 4);
}

TEST_F(PipelineTest, GarbageRepliesAreClearErrors) {
  server_.Script({OpenAIChatReply("I really like turtles.", 5, 5)});
  AskAnswer a = Ask(kHardQuestion, SqlOnly());
  EXPECT_FALSE(a.answered);
  EXPECT_EQ(a.error.code(), Status::Code::kInvalidArgument);
  EXPECT_NE(a.message.find("no SQL"), std::string::npos) << a.message;

  server_.Script({llm::testing::Garbage()});
  a = Ask(kHardQuestion, SqlOnly());
  EXPECT_FALSE(a.answered);
  EXPECT_FALSE(a.error.ok());
  EXPECT_NE(a.message.find("SQL model failed"), std::string::npos) << a.message;
}

TEST_F(PipelineTest, ModelThatDeclinesIsAnHonestNonAnswer) {
  server_.Script({OpenAIChatReply("NO_SQL: the data has no churn", 5, 5)});
  AskAnswer a = Ask(kHardQuestion, SqlOnly());
  EXPECT_FALSE(a.answered);
  EXPECT_TRUE(a.error.ok());
  EXPECT_NE(a.message.find("no churn"), std::string::npos) << a.message;
}

TEST_F(PipelineTest, WritesAreRefusedAndNeverRun) {
  const std::string before = testing::ReadFile(data_path_);
  for (const std::string& sql : {std::string("DELETE FROM sales"), std::string("DROP TABLE sales"),
                                 std::string("SELECT 1; DROP TABLE sales"),
                                 std::string("UPDATE stores SET city = 'x'"),
                                 std::string("ATTACH DATABASE '/tmp/x.db' AS x")}) {
    server_.Script({OpenAIChatReply(Fenced(sql), 5, 5)});
    const size_t requests_before = Requests().size();
    AskAnswer a = Ask(kHardQuestion, SqlOnly());
    EXPECT_FALSE(a.answered) << sql;
    EXPECT_EQ(a.error.code(), Status::Code::kRefused) << sql << ": " << a.error.ToString();
    EXPECT_NE(a.message.find("not run"), std::string::npos) << a.message;
    EXPECT_EQ(a.sql, sql);
    EXPECT_TRUE(a.repairs.empty());
    EXPECT_EQ(Requests().size(), requests_before + 1) << "a refused statement is not sent for repair";
  }
  EXPECT_EQ(testing::ReadFile(data_path_), before);
  auto rows = dataset_->Query("SELECT COUNT(*) FROM sales");
  ASSERT_TRUE(rows.ok());
  EXPECT_EQ(rows->rows[0][0], Value(int64_t{8}));
}

TEST_F(PipelineTest, EmptyResultIsNormalisedToStoredValues) {
  server_.Script({OpenAIChatReply(Fenced("SELECT COUNT(*) FROM stores WHERE city = 'new york'"), 5, 5)});
  AskAnswer a = Ask(kHardQuestion, SqlOnly());
  ASSERT_TRUE(a.answered) << a.ToJson().dump(1);
  EXPECT_EQ(a.result->rows[0][0], Value(int64_t{2}));
  EXPECT_EQ(a.sql, "SELECT COUNT(*) FROM stores WHERE city = 'New York'");
  ASSERT_EQ(a.normalisations.size(), 1u);
  EXPECT_EQ(a.normalisations[0].table, "stores");
  EXPECT_EQ(a.normalisations[0].column, "city");
  EXPECT_EQ(a.normalisations[0].from, "new york");
  EXPECT_EQ(a.normalisations[0].to, "New York");
}

TEST_F(PipelineTest, ProviderTimeoutIsAClearError) {
  ScriptedReply slow = OpenAIChatReply(Fenced(kGoodSql), 5, 5);
  slow.delay_ms = 2500;
  server_.Script({slow});
  AskAnswer a = Ask(kHardQuestion, AskModels{Model(/*timeout_s=*/0.5), {}, {}});
  EXPECT_FALSE(a.answered);
  EXPECT_EQ(a.error.code(), Status::Code::kTimeout) << a.error.ToString();
  EXPECT_NE(a.message.find("SQL model failed"), std::string::npos) << a.message;
}

TEST_F(PipelineTest, ExplanationSeesRowsButPrivacyModeSendsNone) {
  server_.Script({OpenAIChatReply(Fenced(kGoodSql), 5, 5), OpenAIChatReply("New York sells most.", 7, 3)});
  AskAnswer a = Ask(kHardQuestion, AskModels{Model(), {}, Model()});
  ASSERT_TRUE(a.answered) << a.ToJson().dump(1);
  EXPECT_EQ(a.explanation, "New York sells most.");
  ASSERT_EQ(Requests().size(), 2u);
  EXPECT_NE(PromptText(1).find("Chicago"), std::string::npos);
  EXPECT_EQ(a.usage.calls, 2);
  EXPECT_EQ(a.usage.input_tokens, 12);

  AskOptions privacy;
  privacy.privacy_mode = true;
  server_.Script({OpenAIChatReply(Fenced(kGoodSql), 5, 5), OpenAIChatReply("Totals by city.", 7, 3)});
  a = Ask(kHardQuestion, AskModels{Model(), {}, Model()}, privacy);
  ASSERT_TRUE(a.answered) << a.ToJson().dump(1);
  EXPECT_EQ(a.explanation, "Totals by city.");
  ASSERT_EQ(Requests().size(), 4u);
  for (size_t i : {size_t{2}, size_t{3}}) {
    const std::string body = Requests()[i].body;
    for (const char* value : {"Chicago", "New York", "San Francisco", "Newark", "375.5", "100.5", "Widget"}) {
      EXPECT_EQ(body.find(value), std::string::npos) << "request " << i << " holds " << value << ": " << body;
    }
  }
}

TEST_F(PipelineTest, ConversationAndOutOfScopeGetRepliesWithoutSql) {
  AskAnswer hello = Ask("hello", AskModels{Model(), Model(), Model()});
  EXPECT_EQ(hello.intent, Intent::kConversation);
  EXPECT_FALSE(hello.answered);
  EXPECT_TRUE(hello.sql.empty());
  EXPECT_FALSE(hello.message.empty());
  EXPECT_TRUE(Requests().empty());

  AskAnswer joke = Ask("tell me a joke", AskModels{});
  EXPECT_EQ(joke.intent, Intent::kOutOfScope);
  EXPECT_NE(joke.message.find("only answer questions about the data"), std::string::npos) << joke.message;

  // Unsure rules ask the chat model.
  server_.Script({OpenAIChatReply("out_of_scope", 20, 2)});
  joke = Ask("tell me a joke", AskModels{Model(), Model(), {}});
  EXPECT_EQ(joke.intent, Intent::kOutOfScope);
  EXPECT_EQ(joke.source, "llm");
  EXPECT_TRUE(joke.sql.empty());
  EXPECT_FALSE(joke.message.empty());
  EXPECT_EQ(joke.usage.calls, 1);
  ASSERT_EQ(Requests().size(), 1u);
  EXPECT_NE(PromptText(0).find("tell me a joke"), std::string::npos);
}

TEST_F(PipelineTest, UnsureRulesAskTheChatModelThenTheSqlModel) {
  // No question word, no data word: the rules are unsure, so the chat model decides.
  server_.Script({OpenAIChatReply("Data question.", 20, 2), OpenAIChatReply(Fenced(kGoodSql), 100, 10)});
  AskAnswer a = Ask("zorbly quuxness per town", AskModels{Model(), Model(), {}});
  ASSERT_TRUE(a.answered) << a.ToJson().dump(1);
  EXPECT_EQ(a.intent, Intent::kDataQuestion);
  EXPECT_EQ(a.usage.calls, 2);
  EXPECT_EQ(a.usage.input_tokens, 120);

  // An intent reply naming nothing: the rules' reading stands, with a warning.
  server_.Script({OpenAIChatReply("Hmm.", 20, 2), OpenAIChatReply(Fenced(kGoodSql), 100, 10)});
  a = Ask("zorbly quuxness per town", AskModels{Model(), Model(), {}});
  ASSERT_TRUE(a.answered) << a.ToJson().dump(1);
  ASSERT_EQ(a.warnings.size(), 1u);
  EXPECT_NE(a.warnings[0].find("could not classify"), std::string::npos) << a.warnings[0];
}

TEST_F(PipelineTest, FailingExplanationModelFallsBackToTheTemplate) {
  server_.Script({OpenAIChatReply(Fenced(kGoodSql), 5, 5), llm::testing::OpenAIError(500, "server_error", "boom")});
  AskAnswer a = Ask(kHardQuestion, AskModels{Model(), {}, Model()});
  ASSERT_TRUE(a.answered) << a.ToJson().dump(1);
  EXPECT_TRUE(a.error.ok());
  EXPECT_NE(a.explanation.find("New York"), std::string::npos) << a.explanation;
  ASSERT_EQ(a.warnings.size(), 1u);
  EXPECT_NE(a.warnings[0].find("explanation model failed"), std::string::npos) << a.warnings[0];
}

TEST_F(PipelineTest, HistoryGoesIntoThePrompt) {
  server_.Script({OpenAIChatReply(Fenced("SELECT COUNT(*) FROM stores WHERE store_type = 'B'"), 5, 5)});
  std::vector<AskHistoryTurn> history = {
      {"How many type A stores are there?", "SELECT COUNT(*) FROM stores WHERE store_type = 'A'", "2"}};
  AskAnswer a = Ask("and the zorbly B ones?", SqlOnly(), {}, history);
  ASSERT_TRUE(a.answered) << a.ToJson().dump(1);
  EXPECT_EQ(a.result->rows[0][0], Value(int64_t{2}));
  const std::string prompt = PromptText(0);
  EXPECT_NE(prompt.find("How many type A stores are there?"), std::string::npos) << prompt;
  EXPECT_NE(prompt.find("store_type = 'A'"), std::string::npos);
}

TEST_F(PipelineTest, WhyQuestionRunsTheExplainingDataAndExplainsIt) {
  const std::string sql =
      "SELECT substr(sale_date, 1, 7) AS month, SUM(amount) AS total FROM sales GROUP BY month ORDER BY month";
  server_.Script({OpenAIChatReply(Fenced(sql), 50, 10), OpenAIChatReply("Sales fell after February 2011.", 30, 8)});
  AskAnswer a = Ask("Why did sales drop in 2012?", AskModels{Model(), {}, Model()});
  ASSERT_TRUE(a.answered) << a.ToJson().dump(1);
  EXPECT_EQ(a.intent, Intent::kWhyQuestion);
  EXPECT_EQ(a.source, "llm");
  EXPECT_EQ(a.sql, sql);
  EXPECT_EQ(a.explanation, "Sales fell after February 2011.");
  ASSERT_TRUE(a.facts.is_object()) << a.ToJson().dump(1);
  EXPECT_TRUE(a.facts.contains("measures"));
  EXPECT_EQ(a.chart.type, ChartType::kLine);
  // The SQL model was asked for the data behind the question; the explainer got our facts.
  EXPECT_NE(PromptText(0).find("explain"), std::string::npos);
  EXPECT_NE(PromptText(1).find("trend"), std::string::npos) << PromptText(1);
}

TEST_F(PipelineTest, WhyQuestionWithoutLlmSaysSo) {
  AskAnswer a = Ask("Why did zorbly sales drop?", AskModels{});
  EXPECT_EQ(a.intent, Intent::kWhyQuestion);
  EXPECT_FALSE(a.answered) << a.ToJson().dump(1);
  EXPECT_NE(a.message.find("why-question"), std::string::npos) << a.message;
}

TEST_F(PipelineTest, ChartRequestsAreHonoured) {
  AskAnswer a = Ask("Show the number of stores per city as a pie chart", AskModels{});
  ASSERT_TRUE(a.answered) << a.ToJson().dump(1);
  EXPECT_EQ(a.intent, Intent::kChartRequest);
  EXPECT_EQ(a.chart.type, ChartType::kArc) << a.chart.ToJson().dump();
  ASSERT_FALSE(a.chart.spec.is_null());
  EXPECT_EQ(a.source, "engine");

  a = Ask("Plot the number of stores per city", AskModels{});
  ASSERT_TRUE(a.answered) << a.ToJson().dump(1);
  EXPECT_EQ(a.chart.type, ChartType::kBar) << a.chart.ToJson().dump();
}

TEST_F(PipelineTest, AnswerJsonHasEveryField) {
  nlohmann::json j = Ask("How many stores are there?", AskModels{}).ToJson();
  for (const char* key : {"question", "intent", "sql", "columns", "rows", "row_count", "truncated", "chart",
                          "explanation", "restatement", "source", "confidence", "repairs", "normalisations",
                          "timings", "usage"}) {
    EXPECT_TRUE(j.contains(key)) << key;
  }
  for (const char* key : {"intent_ms", "engine_ms", "prompt_ms", "llm_ms", "execute_ms", "repair_ms",
                          "normalise_ms", "chart_ms", "explain_ms", "total_ms"}) {
    EXPECT_TRUE(j["timings"].contains(key)) << key;
  }
}

}  // namespace
}  // namespace da
