#include "eval/evaluator.h"

#include <gtest/gtest.h>

#include <map>

#include "eval_fixture.h"
#include "test_util.h"

namespace da {
namespace {

using testing::TempDir;

// A test double for the engine: a fixed answer per question, abstaining on the rest.
Answerer Scripted(std::map<std::string, std::string> answers) {
  Answerer answerer;
  answerer.answer = [answers = std::move(answers)](const Dataset&, const std::string& question) {
    AnswerOutcome outcome;
    auto it = answers.find(question);
    if (it == answers.end()) {
      outcome.message = "I don't know which column that refers to";
      return outcome;
    }
    outcome.answered = true;
    outcome.sql = it->second;
    outcome.confidence = 0.9;
    return outcome;
  };
  return answerer;
}

class EvaluatorTest : public ::testing::Test {
 protected:
  void SetUp() override {
    testing::MakeConcertDatabase(dir_ / "database");
    testing::MakeSpiderDatabase(dir_ / "database", "shop", R"(
      CREATE TABLE item (id INTEGER PRIMARY KEY, name TEXT, price REAL);
      INSERT INTO item VALUES (1, 'pen', 1.5), (2, 'cup', 4.0), (3, 'pen', 1.5);
    )");
    auto databases = BenchDatabases::Create(dir_ / "database", dir_ / "data");
    ASSERT_TRUE(databases.ok()) << databases.status().ToString();
    databases_ = std::move(databases).value();
  }

  TempDir dir_;
  std::unique_ptr<BenchDatabases> databases_;
};

TEST_F(EvaluatorTest, DatabasesAreIngestedAsAttachedSqliteDatasets) {
  auto dataset = databases_->Open("concert");
  ASSERT_TRUE(dataset.ok()) << dataset.status().ToString();
  EXPECT_EQ((*dataset)->info().kind, "sqlite");
  EXPECT_TRUE((*dataset)->info().attached);
  EXPECT_EQ((*dataset)->catalog().tables.size(), 2u);
  auto again = databases_->Open("concert");
  ASSERT_TRUE(again.ok());
  EXPECT_EQ(*again, *dataset);  // opened once
  auto missing = databases_->Open("ghost");
  ASSERT_FALSE(missing.ok());
  EXPECT_EQ(missing.status().code(), Status::Code::kNotFound);
  EXPECT_NE(missing.status().message().find("ghost/ghost.sqlite"), std::string::npos);
  EXPECT_FALSE(databases_->Open("../concert").ok());
}

TEST_F(EvaluatorTest, MissingDbDirIsAnError) {
  auto databases = BenchDatabases::Create(dir_ / "nope", dir_ / "data2");
  ASSERT_FALSE(databases.ok());
  EXPECT_EQ(databases.status().code(), Status::Code::kNotFound);
  EXPECT_NE(databases.status().message().find("database directory"), std::string::npos);
}

TEST_F(EvaluatorTest, ScoresVerdictsAndTalliesThem) {
  const std::vector<BenchQuestion> questions = {
      {"concert", "How many singers?", "SELECT count(*) FROM singer"},
      {"concert", "Singers from France", "SELECT name FROM singer WHERE country = 'France'"},
      {"concert", "Names and ages, oldest first", "SELECT name, age FROM singer ORDER BY age DESC"},
      {"concert", "Names and ages, youngest first", "SELECT name, age FROM singer ORDER BY age"},
      {"concert", "Something unclear", "SELECT max(age) FROM singer"},
      {"concert", "Bad column", "SELECT min(age) FROM singer"},
      {"concert", "Broken gold", "SELECT x FROM missing_table"},
      {"concert", "Delete everything", "SELECT count(*) FROM concert"},
      {"concert", "Singers per country", "SELECT country, count(*) FROM singer GROUP BY country"},
      {"ghost", "Question on a missing db", "SELECT 1"},
      {"ghost", "Another one", "SELECT 2"},
      {"shop", "Item names with concerts", "SELECT T1.name FROM item AS T1 JOIN item AS T2 ON T1.id = T2.id"},
  };
  Answerer answerer = Scripted({
      {"How many singers?", "SELECT count(*) FROM singer"},
      {"Singers from France", "SELECT name FROM singer WHERE country = 'Netherlands'"},
      {"Names and ages, oldest first", "SELECT age, name FROM singer ORDER BY age DESC"},
      {"Names and ages, youngest first", "SELECT name, age FROM singer ORDER BY age DESC"},
      {"Bad column", "SELECT nope FROM singer"},
      {"Broken gold", "SELECT 1"},
      {"Delete everything", "DELETE FROM concert"},
      {"Singers per country", "SELECT count(*), country\nFROM singer\tGROUP BY country"},
      {"Question on a missing db", "SELECT 1"},
      {"Item names with concerts", "SELECT name FROM item"},
  });
  EvalReport report = RunEval(questions, databases_.get(), answerer);
  const auto& r = report.records();
  ASSERT_EQ(r.size(), questions.size());
  EXPECT_EQ(r[0].verdict, Verdict::kCorrect);
  EXPECT_EQ(r[1].verdict, Verdict::kWrong);
  EXPECT_EQ(r[1].error, "1 row, gold has 2");
  EXPECT_EQ(r[2].verdict, Verdict::kCorrect);  // column order aside, row order kept
  EXPECT_TRUE(r[2].ordered);
  EXPECT_EQ(r[3].verdict, Verdict::kWrong);
  EXPECT_EQ(r[3].error, "rows equal as a multiset but not in the gold ORDER BY order");
  EXPECT_EQ(r[4].verdict, Verdict::kUnanswered);
  EXPECT_EQ(r[4].message, "I don't know which column that refers to");
  EXPECT_EQ(r[5].verdict, Verdict::kWrong);
  EXPECT_NE(r[5].error.find("no such column: nope"), std::string::npos) << r[5].error;
  EXPECT_EQ(r[6].verdict, Verdict::kGoldError);
  EXPECT_NE(r[6].error.find("gold SQL failed"), std::string::npos);
  EXPECT_NE(r[6].error.find("missing_table"), std::string::npos) << r[6].error;
  EXPECT_EQ(r[7].verdict, Verdict::kWrong);
  EXPECT_NE(r[7].error.find("only read-only queries"), std::string::npos) << r[7].error;
  EXPECT_EQ(r[8].verdict, Verdict::kCorrect);
  EXPECT_EQ(r[8].shape, QueryShape::kGroupBy);
  EXPECT_EQ(r[9].verdict, Verdict::kSkipped);
  EXPECT_FALSE(r[9].answerer_ran);
  EXPECT_EQ(r[11].verdict, Verdict::kCorrect);  // duplicates 'pen','pen','cup' in both
  EXPECT_EQ(r[11].shape, QueryShape::kJoin);

  // The guard kept the data intact.
  auto dataset = databases_->Open("concert");
  ASSERT_TRUE(dataset.ok());
  auto count = (*dataset)->Query("SELECT count(*) FROM concert");
  ASSERT_TRUE(count.ok());
  EXPECT_EQ(std::get<int64_t>(count->rows[0][0]), 3);

  // asked: 12 - 2 skipped - 1 gold error = 9; answered 8 (one abstained); correct 4.
  const Tally all = report.Overall();
  EXPECT_EQ(all.asked, 9);
  EXPECT_EQ(all.answered, 8);
  EXPECT_EQ(all.correct, 4);
  EXPECT_DOUBLE_EQ(all.accuracy(), 4.0 / 9);
  EXPECT_DOUBLE_EQ(all.coverage(), 8.0 / 9);
  EXPECT_DOUBLE_EQ(all.precision(), 4.0 / 8);
  EXPECT_EQ(report.Count(Verdict::kSkipped), 2);
  EXPECT_EQ(report.Count(Verdict::kGoldError), 1);

  const auto per_db = report.PerDatabase();
  ASSERT_EQ(per_db.size(), 2u);  // skipped databases have no tally
  EXPECT_EQ(per_db.at("concert").asked, 8);
  EXPECT_EQ(per_db.at("concert").correct, 3);
  EXPECT_EQ(per_db.at("shop").correct, 1);
  const auto per_shape = report.PerShape();
  EXPECT_EQ(per_shape.at(QueryShape::kSingleTable).asked, 7);
  EXPECT_EQ(per_shape.at(QueryShape::kSingleTable).correct, 2);
  EXPECT_EQ(per_shape.at(QueryShape::kGroupBy).correct, 1);
  EXPECT_EQ(per_shape.at(QueryShape::kJoin).correct, 1);

  const auto skipped = report.SkippedDatabases();
  ASSERT_EQ(skipped.size(), 1u);
  EXPECT_EQ(skipped.at("ghost").first, 2);
  EXPECT_NE(skipped.at("ghost").second.find("ghost/ghost.sqlite"), std::string::npos);

  // Prediction file: one line per question, SELECT 1 for unanswered and skipped, no newlines.
  const std::string predictions = report.PredictionsText();
  std::vector<std::string> lines;
  size_t start = 0;
  for (size_t nl; (nl = predictions.find('\n', start)) != std::string::npos; start = nl + 1)
    lines.push_back(predictions.substr(start, nl - start));
  EXPECT_EQ(start, predictions.size());
  ASSERT_EQ(lines.size(), questions.size());
  EXPECT_EQ(lines[0], "SELECT count(*) FROM singer");
  EXPECT_EQ(lines[4], "SELECT 1");
  EXPECT_EQ(lines[8], "SELECT count(*), country FROM singer GROUP BY country");
  EXPECT_EQ(lines[9], "SELECT 1");  // skipped, even though the answerer would have answered
  EXPECT_EQ(lines[10], "SELECT 1");

  // JSON report.
  const nlohmann::json j = report.ToJson();
  EXPECT_EQ(j["summary"]["asked"], 9);
  EXPECT_EQ(j["summary"]["skipped"], 2);
  EXPECT_EQ(j["summary"]["gold_errors"], 1);
  EXPECT_EQ(j["per_shape"]["group_by"]["correct"], 1);
  EXPECT_EQ(j["skipped_databases"]["ghost"]["questions"], 2);
  ASSERT_EQ(j["questions"].size(), questions.size());
  const auto& q1 = j["questions"][1];
  EXPECT_EQ(q1["question"], "Singers from France");
  EXPECT_EQ(q1["db_id"], "concert");
  EXPECT_EQ(q1["gold"], "SELECT name FROM singer WHERE country = 'France'");
  EXPECT_EQ(q1["predicted"], "SELECT name FROM singer WHERE country = 'Netherlands'");
  EXPECT_EQ(q1["answered"], true);
  EXPECT_EQ(q1["correct"], false);
  EXPECT_EQ(q1["shape"], "single_table");
  EXPECT_TRUE(q1["latency_ms"].is_number());
  EXPECT_TRUE(j["questions"][9]["latency_ms"].is_null());
  EXPECT_TRUE(j["questions"][4]["predicted"].is_null());

  const std::string text = report.ToText();
  EXPECT_NE(text.find("Execution accuracy    44.4%  (4 correct of 9 asked)"), std::string::npos) << text;
  EXPECT_NE(text.find("ghost: 2 questions"), std::string::npos) << text;
  EXPECT_NE(text.find("  set_operation                         0         0        0         -         -          -"),
            std::string::npos)
      << text;
  EXPECT_NE(text.find("Gold SQL errors"), std::string::npos) << text;
}

TEST_F(EvaluatorTest, RowCapMakesComparisonUnreliable) {
  EvalOptions options;
  options.limits.max_rows = 2;
  EvalReport report = RunEval({{"concert", "All names", "SELECT name FROM singer"}}, databases_.get(),
                              Scripted({{"All names", "SELECT name FROM singer"}}), options);
  ASSERT_EQ(report.records().size(), 1u);
  EXPECT_TRUE(report.records()[0].unreliable);
  EXPECT_EQ(report.UnreliableCount(), 1);
}

TEST_F(EvaluatorTest, FailedPreparationLeavesTheDatabasesQuestionsUnanswered) {
  Answerer answerer = Scripted({{"How many singers?", "SELECT count(*) FROM singer"}});
  int prepared = 0;
  answerer.prepare = [&prepared](const Dataset& dataset) {
    ++prepared;
    return dataset.info().name == "shop" ? Status::Unsupported("no engine for shops") : Status::Ok();
  };
  EvalReport report = RunEval({{"shop", "How many singers?", "SELECT count(*) FROM item"},
                               {"concert", "How many singers?", "SELECT count(*) FROM singer"},
                               {"shop", "How many singers?", "SELECT count(*) FROM item"}},
                              databases_.get(), answerer);
  EXPECT_EQ(prepared, 2);  // once per database
  EXPECT_EQ(report.records()[0].verdict, Verdict::kUnanswered);
  EXPECT_NE(report.records()[0].message.find("no engine for shops"), std::string::npos);
  EXPECT_EQ(report.records()[1].verdict, Verdict::kCorrect);
  EXPECT_EQ(report.records()[2].verdict, Verdict::kUnanswered);
}

TEST(EvalReportTest, LatencyPercentilesByNearestRank) {
  EvalReport report;
  for (int i = 1; i <= 20; ++i) {
    QuestionRecord r;
    r.verdict = Verdict::kUnanswered;
    r.answerer_ran = true;
    r.latency_ms = 21 - i;  // out of order on purpose
    report.Add(r);
  }
  QuestionRecord skipped;  // not timed
  skipped.verdict = Verdict::kSkipped;
  report.Add(skipped);
  EXPECT_DOUBLE_EQ(report.LatencyPercentile(50), 10);
  EXPECT_DOUBLE_EQ(report.LatencyPercentile(95), 19);
  EXPECT_DOUBLE_EQ(report.LatencyPercentile(100), 20);
  EXPECT_DOUBLE_EQ(EvalReport().LatencyPercentile(50), 0);
}

TEST(EvalReportTest, EmptyReportHasZeroRatios) {
  EvalReport report;
  const Tally t = report.Overall();
  EXPECT_EQ(t.asked, 0);
  EXPECT_DOUBLE_EQ(t.accuracy(), 0);
  EXPECT_DOUBLE_EQ(t.precision(), 0);
  EXPECT_EQ(report.PredictionsText(), "");
}

}  // namespace
}  // namespace da

namespace da {
namespace {

TEST(BenchDatabasesTest, RestrictedToTheListedDatabases) {
  testing::TempDir dir;
  testing::MakeConcertDatabase(dir / "database");
  testing::MakeSpiderDatabase(dir / "database", "other", "CREATE TABLE t (x INTEGER);");
  auto databases = BenchDatabases::Create(dir / "database", dir / "data");
  ASSERT_TRUE(databases.ok());
  (*databases)->RestrictTo({"concert"}, "tables.json");
  EXPECT_TRUE((*databases)->Open("concert").ok());
  auto other = (*databases)->Open("other");
  ASSERT_FALSE(other.ok());
  EXPECT_EQ(other.status().message(), "database other is not listed in tables.json");
}

TEST(BenchDatabasesTest, DatasetNamesForDbIds) {
  EXPECT_EQ(DatasetNameForDbId("concert_singer"), "concert_singer");
  EXPECT_EQ(DatasetNameForDbId("cre_Doc-1"), "cre_Doc-1");
  EXPECT_EQ(DatasetNameForDbId("a b.c"), "a_b_c");
  EXPECT_EQ(DatasetNameForDbId("_x"), "db_x");
  EXPECT_EQ(DatasetNameForDbId(std::string(80, 'a')).size(), 64u);
}

}  // namespace
}  // namespace da
