#include "ask/prompt.h"

#include <gtest/gtest.h>

#include "ask/sql_extract.h"
#include "viz/viz_fixtures.h"

namespace da {
namespace {

using llm::Message;
using testing::MakeResult;

bool Has(const std::string& text, std::string_view part) { return text.find(part) != std::string::npos; }

const char* kSchema = "Dialect: SQLite\nTABLE singer (6 rows)\n  name TEXT\n  country TEXT; values: 'France'\n";

TEST(PromptTest, SqlPromptStatesTheRulesDialectAndSchema) {
  SqlPromptInput in;
  in.question = "How many singers are from France?";
  in.schema = kSchema;
  llm::ChatRequest r = BuildSqlPrompt(in);
  EXPECT_TRUE(Has(r.system, "SQLite SQL"));
  EXPECT_TRUE(Has(r.system, "strftime('%Y', col)"));
  EXPECT_TRUE(Has(r.system, "read-only"));
  EXPECT_TRUE(Has(r.system, "WITH ... SELECT"));
  EXPECT_TRUE(Has(r.system, "```sql"));
  EXPECT_TRUE(Has(r.system, "NO_SQL: <"));
  EXPECT_TRUE(Has(r.system, "Double-quote an identifier"));
  EXPECT_TRUE(Has(r.system, "Use only the tables and columns listed in the schema"));
  EXPECT_TRUE(Has(r.system, "Schema:\n" + std::string(kSchema)));
  EXPECT_FALSE(Has(r.system, "Examples of questions"));
  EXPECT_FALSE(Has(r.system, "follows up"));
  ASSERT_EQ(r.messages.size(), 1u);
  EXPECT_EQ(r.messages[0].role, Message::Role::kUser);
  EXPECT_EQ(r.messages[0].text, "Question: How many singers are from France?");
}

TEST(PromptTest, PostgresDialectNotes) {
  SqlPromptInput in;
  in.question = "q";
  in.schema = kSchema;
  in.dialect = "PostgreSQL";
  llm::ChatRequest r = BuildSqlPrompt(in);
  EXPECT_TRUE(Has(r.system, "PostgreSQL SQL"));
  EXPECT_TRUE(Has(r.system, "EXTRACT(YEAR FROM col)"));
  EXPECT_TRUE(Has(r.system, "date_trunc"));
  EXPECT_FALSE(Has(r.system, "strftime"));

  in.dialect = "DuckDB";
  r = BuildSqlPrompt(in);
  EXPECT_TRUE(Has(r.system, "DuckDB: use only standard SQL functions that DuckDB supports."));
}

TEST(PromptTest, DialectsByNameOrKind) {
  SqlPromptInput in;
  in.question = "q";
  in.schema = kSchema;
  in.dialect = "postgres";  // a dataset kind reads as its dialect, named properly
  llm::ChatRequest r = BuildSqlPrompt(in);
  EXPECT_TRUE(Has(r.system, "You write PostgreSQL SQL"));
  EXPECT_TRUE(Has(r.system, "use ILIKE"));
  EXPECT_TRUE(Has(r.system, "NULLS LAST"));
  EXPECT_TRUE(Has(r.system, "GROUP BY"));

  in.dialect = "redshift";
  r = BuildSqlPrompt(in);
  EXPECT_TRUE(Has(r.system, "You write Amazon Redshift SQL"));
  EXPECT_TRUE(Has(r.system, "LISTAGG"));
  EXPECT_TRUE(Has(r.system, "DATEADD"));
  EXPECT_TRUE(Has(r.system, "GETDATE()"));
  EXPECT_TRUE(Has(r.system, "AVG(CAST(col AS DOUBLE PRECISION))"));
  EXPECT_TRUE(Has(r.system, "no GENERATE_SERIES"));
  EXPECT_FALSE(Has(r.system, "strftime"));
  EXPECT_FALSE(Has(r.system, "STRING_AGG(")) << "Redshift has no STRING_AGG";
  EXPECT_EQ(r.system, BuildRepairPrompt("q", "SELECT 1", "e", kSchema, "Amazon Redshift", 1).system);

  in.dialect = "SQLite";
  r = BuildSqlPrompt(in);
  EXPECT_TRUE(Has(r.system, "strftime('%Y', col)"));
  EXPECT_FALSE(Has(r.system, "ILIKE"));
}

TEST(PromptTest, ExamplesGoInTheSystemPrompt) {
  SqlPromptInput in;
  in.question = "Singers from Spain?";
  in.schema = kSchema;
  in.examples = {{"Singers from France?", "SELECT name FROM singer WHERE country = 'France';"},
                 {"How many singers?", "SELECT count(*) FROM singer"}};
  llm::ChatRequest r = BuildSqlPrompt(in);
  EXPECT_TRUE(Has(r.system, "Examples of questions about this dataset"));
  EXPECT_TRUE(Has(r.system,
                  "Question: Singers from France?\n```sql\nSELECT name FROM singer WHERE country = 'France';\n```"));
  EXPECT_TRUE(Has(r.system, "Question: How many singers?\n```sql\nSELECT count(*) FROM singer\n```"));
  EXPECT_LT(r.system.find("Examples of questions"), r.system.find("Schema:"));
  ASSERT_EQ(r.messages.size(), 1u);

  in.examples.assign(kMaxExamples + 4, SqlExample{"q?", "SELECT 1"});
  r = BuildSqlPrompt(in);
  size_t count = 0;
  for (size_t p = r.system.find("Question: q?"); p != std::string::npos; p = r.system.find("Question: q?", p + 1)) ++count;
  EXPECT_EQ(count, kMaxExamples);
}

TEST(PromptTest, HistoryBecomesTurnsWithResultNotes) {
  SqlPromptInput in;
  in.question = "and for 2011?";
  in.schema = kSchema;
  in.history = {{"total sales in 2010", "SELECT sum(amount) FROM sales WHERE year = 2010", "1 row: 1,234"},
                {"what is churn?", "", "no column for churn"},
                {"sales per store in 2010", "SELECT store, sum(amount) FROM sales GROUP BY store", "45 rows; top: Store 20"}};
  llm::ChatRequest r = BuildSqlPrompt(in);
  EXPECT_TRUE(Has(r.system, "follows up"));
  ASSERT_EQ(r.messages.size(), 7u);
  EXPECT_EQ(r.messages[0].role, Message::Role::kUser);
  EXPECT_EQ(r.messages[0].text, "Question: total sales in 2010");
  EXPECT_EQ(r.messages[1].role, Message::Role::kAssistant);
  EXPECT_EQ(r.messages[1].text, "```sql\nSELECT sum(amount) FROM sales WHERE year = 2010\n```");
  EXPECT_EQ(r.messages[2].text, "Result of the previous query: 1 row: 1,234\n\nQuestion: what is churn?");
  EXPECT_EQ(r.messages[3].text, "NO_SQL: no column for churn");
  EXPECT_EQ(r.messages[4].text, "Question: sales per store in 2010");
  EXPECT_EQ(r.messages[6].role, Message::Role::kUser);
  EXPECT_EQ(r.messages[6].text, "Result of the previous query: 45 rows; top: Store 20\n\nQuestion: and for 2011?");
  // Each assistant turn is a reply the extractor reads back.
  EXPECT_EQ(*ExtractSql(r.messages[1].text), "SELECT sum(amount) FROM sales WHERE year = 2010");
}

TEST(PromptTest, OnlyTheLastTurnsAndBoundedNotes) {
  SqlPromptInput in;
  in.question = "now?";
  in.schema = kSchema;
  for (int i = 0; i < 6; ++i) {
    in.history.push_back({"q" + std::to_string(i), "SELECT " + std::to_string(i), std::string(1000, 'x')});
  }
  llm::ChatRequest r = BuildSqlPrompt(in);
  ASSERT_EQ(r.messages.size(), 2 * kMaxHistoryTurns + 1);
  EXPECT_EQ(r.messages[0].text, "Question: q3");
  EXPECT_LT(r.messages.back().text.size(), kMaxNoteBytes + 100);
  EXPECT_TRUE(Has(r.messages.back().text, "…"));
}

TEST(PromptTest, SameInputSameRequest) {
  SqlPromptInput in;
  in.question = "q";
  in.schema = kSchema;
  in.examples = {{"a", "SELECT 1"}};
  llm::ChatRequest a = BuildSqlPrompt(in), b = BuildSqlPrompt(in);
  EXPECT_EQ(a.system, b.system);
  ASSERT_EQ(a.messages.size(), b.messages.size());
  EXPECT_EQ(a.messages[0].text, b.messages[0].text);
}

TEST(PromptTest, RepairPromptCarriesTheFailure) {
  llm::ChatRequest r = BuildRepairPrompt("How many singers?", "SELECT count(*) FROM singers",
                                         "no such table: singers", kSchema, "SQLite", 1);
  EXPECT_TRUE(Has(r.system, "SQLite SQL"));
  EXPECT_TRUE(Has(r.system, "Schema:\n" + std::string(kSchema)));
  ASSERT_EQ(r.messages.size(), 1u);
  const std::string& u = r.messages[0].text;
  EXPECT_TRUE(Has(u, "Question: How many singers?"));
  EXPECT_TRUE(Has(u, "```sql\nSELECT count(*) FROM singers\n```"));
  EXPECT_TRUE(Has(u, "Error: no such table: singers"));
  EXPECT_FALSE(Has(u, "attempt"));

  r = BuildRepairPrompt("How many singers?", "SELECT count(*) FROM singerz", "no such table: singerz", kSchema,
                        "SQLite", 2);
  EXPECT_TRUE(Has(r.messages[0].text, "This is attempt 2"));
  EXPECT_TRUE(Has(r.messages[0].text, "check every table and column name"));
}

TEST(PromptTest, ExplanationPromptWithBoundedSample) {
  QueryResult result = MakeResult({"store", "total"}, {});
  for (int i = 0; i < 30; ++i) result.rows.push_back({Value(std::string(i == 0 ? 200 : 3, 'S')), Value(i * 1.5)});
  const nlohmann::json summary = {{"row_count", 30}, {"single_value", nullptr}};
  llm::ChatRequest r = BuildExplanationPrompt("Sales per store?", "Total sales per store",
                                              "SELECT store, sum(x) AS total FROM t GROUP BY store", summary, &result);
  EXPECT_TRUE(Has(r.system, "one to three short sentences"));
  EXPECT_TRUE(Has(r.system, "Never invent"));
  ASSERT_EQ(r.messages.size(), 1u);
  const std::string& u = r.messages[0].text;
  EXPECT_TRUE(Has(u, "Question: Sales per store?"));
  EXPECT_TRUE(Has(u, "Understood as: Total sales per store"));
  EXPECT_TRUE(Has(u, "```sql\nSELECT store, sum(x) AS total FROM t GROUP BY store\n```"));
  EXPECT_TRUE(Has(u, summary.dump()));
  EXPECT_TRUE(Has(u, "Sample rows (first 20 of 30, CSV):\nstore,total\n"));
  EXPECT_TRUE(Has(u, "\nSSS,28.5"));  // row 20
  size_t short_rows = 0;
  for (size_t p = u.find("\nSSS,"); p != std::string::npos; p = u.find("\nSSS,", p + 1)) ++short_rows;
  EXPECT_EQ(short_rows, kMaxSampleRows - 1);
  EXPECT_FALSE(Has(u, std::string(kMaxCellBytes + 1, 'S')));
  EXPECT_FALSE(Has(u, "\r"));
}

TEST(PromptTest, ExplanationPromptWithoutRows) {
  const nlohmann::json summary = {{"row_count", 3}};
  llm::ChatRequest r = BuildExplanationPrompt("Sales?", "", "SELECT 1", summary, nullptr);
  const std::string& u = r.messages[0].text;
  EXPECT_TRUE(Has(u, "No rows are shared with you"));
  EXPECT_FALSE(Has(u, "Understood as"));
  EXPECT_FALSE(Has(u, "Sample rows"));

  QueryResult empty = MakeResult({"a"}, {});
  r = BuildExplanationPrompt("Sales?", "", "SELECT 1", summary, &empty);
  EXPECT_TRUE(Has(r.messages[0].text, "The result has no rows."));
}

TEST(PromptTest, IntentPromptListsTheWordsAndTables) {
  llm::ChatRequest r = BuildIntentPrompt("why did sales drop?", {"stores", "sales"});
  for (const char* word : {"data_question", "chart_request", "why_question", "conversation", "out_of_scope"}) {
    EXPECT_TRUE(Has(r.system, word)) << word;
  }
  EXPECT_TRUE(Has(r.system, "exactly one word"));
  ASSERT_EQ(r.messages.size(), 1u);
  EXPECT_EQ(r.messages[0].text, "Dataset tables: stores, sales\n\nMessage: why did sales drop?");

  std::vector<std::string> many(kMaxIntentTables, "t");
  many.push_back("u");
  r = BuildIntentPrompt("hi", many);
  EXPECT_TRUE(Has(r.messages[0].text, " and 1 more"));
}

TEST(PromptTest, ParseIntentReplies) {
  EXPECT_EQ(*ParseIntentReply("data_question"), Intent::kDataQuestion);
  EXPECT_EQ(*ParseIntentReply("Chart_Request\n"), Intent::kChartRequest);
  EXPECT_EQ(*ParseIntentReply("`why_question`"), Intent::kWhyQuestion);
  EXPECT_EQ(*ParseIntentReply("Conversation."), Intent::kConversation);
  EXPECT_EQ(*ParseIntentReply("out-of-scope"), Intent::kOutOfScope);
  EXPECT_EQ(*ParseIntentReply("The intent is: data question"), Intent::kDataQuestion);
  EXPECT_EQ(*ParseIntentReply("out_of_scope (not a data_question)"), Intent::kOutOfScope);
  Result<Intent> bad = ParseIntentReply("I think the user wants a chart");
  ASSERT_FALSE(bad.ok());
  EXPECT_EQ(bad.status().code(), Status::Code::kInvalidArgument);
  EXPECT_FALSE(ParseIntentReply("").ok());
  EXPECT_FALSE(ParseIntentReply("big_data_questionnaire").ok());
}

}  // namespace
}  // namespace da
