#include "eval/evaluator.h"

#include <chrono>
#include <map>

#include "eval/result_compare.h"
#include "eval/sql_shape.h"

namespace da {

namespace {

double MillisecondsSince(std::chrono::steady_clock::time_point start) {
  return std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - start).count();
}

// Scores the answerer's SQL against the gold result; fills verdict, error and row counts.
void ScorePrediction(Dataset* dataset, const QueryResult& gold, const EvalOptions& options, QuestionRecord* record) {
  auto predicted = dataset->Query(record->predicted_sql, options.limits);
  if (!predicted.ok()) {
    record->verdict = Verdict::kWrong;
    record->error = predicted.status().message();
    return;
  }
  record->predicted_rows = static_cast<int64_t>(predicted->rows.size());
  if (predicted->truncated) record->unreliable = true;
  ResultComparison comparison = CompareResults(gold.rows, predicted->rows, record->ordered);
  if (comparison.gave_up) record->unreliable = true;
  record->verdict = comparison.equal ? Verdict::kCorrect : Verdict::kWrong;
  if (!comparison.equal) record->error = comparison.reason;
}

// Prepares each dataset for the answerer once, remembering failures.
class PreparedDatasets {
 public:
  explicit PreparedDatasets(const Answerer& answerer) : answerer_(answerer) {}
  const Status& Prepare(const Dataset* dataset) {
    auto it = status_.find(dataset);
    if (it == status_.end())
      it = status_.emplace(dataset, answerer_.prepare ? answerer_.prepare(*dataset) : Status::Ok()).first;
    return it->second;
  }

 private:
  const Answerer& answerer_;
  std::map<const Dataset*, Status> status_;
};

AnswerOutcome Ask(const Answerer& answerer, PreparedDatasets* prepared, const Dataset& dataset,
                  const std::string& question) {
  const Status& ready = prepared->Prepare(&dataset);
  if (!ready.ok()) {
    AnswerOutcome outcome;
    outcome.message = "answerer not ready for this database: " + ready.ToString();
    return outcome;
  }
  return answerer.answer(dataset, question);
}

QuestionRecord EvaluateOne(size_t index, const BenchQuestion& q, BenchDatabases* databases, const Answerer& answerer,
                           PreparedDatasets* prepared, const EvalOptions& options) {
  QuestionRecord record;
  record.index = index;
  record.db_id = q.db_id;
  record.question = q.question;
  record.gold_sql = q.gold_sql;
  record.shape = ClassifyQueryShape(q.gold_sql);
  record.ordered = HasTopLevelOrderBy(q.gold_sql);

  auto truth = databases->Open(q.db_id);
  auto dataset = truth.ok() ? databases->OpenTarget(q.db_id) : truth;
  if (!dataset.ok()) {
    record.verdict = Verdict::kSkipped;
    record.error = dataset.status().message();
    return record;
  }
  auto gold = (*truth)->Query(q.gold_sql, options.limits);

  prepared->Prepare(*dataset);  // once per database, outside the timed answer
  const auto start = std::chrono::steady_clock::now();
  AnswerOutcome outcome = Ask(answerer, prepared, **dataset, q.question);
  record.latency_ms = MillisecondsSince(start);
  record.answerer_ran = true;
  record.answered = outcome.answered && !outcome.sql.empty();
  record.predicted_sql = record.answered ? outcome.sql : "";
  record.restatement = outcome.restatement;
  record.doubts = outcome.doubts;
  record.message = outcome.message;
  record.confidence = outcome.confidence;

  if (!gold.ok()) {
    record.verdict = Verdict::kGoldError;
    record.error = "gold SQL failed: " + gold.status().message();
    return record;
  }
  record.gold_rows = static_cast<int64_t>(gold->rows.size());
  if (gold->truncated) record.unreliable = true;
  if (!record.answered) {
    record.verdict = Verdict::kUnanswered;
    return record;
  }
  ScorePrediction(*dataset, *gold, options, &record);
  return record;
}

}  // namespace

EvalReport RunEval(const std::vector<BenchQuestion>& questions, BenchDatabases* databases, const Answerer& answerer,
                   const EvalOptions& options) {
  EvalReport report;
  PreparedDatasets prepared(answerer);
  for (size_t i = 0; i < questions.size(); ++i) {
    report.Add(EvaluateOne(i, questions[i], databases, answerer, &prepared, options));
    if (options.progress) options.progress(i + 1, questions.size());
  }
  return report;
}

}  // namespace da
