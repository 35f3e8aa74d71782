// The outcome of an evaluation run: one record per question, and the figures derived from
// them.
//
// Definitions (every ratio is 0 when its denominator is 0):
//  skipped     the question's database is missing or could not be opened: not asked
//  gold error  the gold SQL failed to run: reported, not asked (nothing to compare with)
//  asked       every other question
//  answered    asked, and the answerer returned SQL
//  correct     answered, the SQL ran, and its result equals the gold result
//  execution accuracy = correct / asked, coverage = answered / asked,
//  precision = correct / answered
//  latency     answerer time over every question it was asked (asked and gold errors),
//              p50/p95 by nearest rank
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "eval/sql_shape.h"

namespace da {

enum class Verdict { kSkipped, kGoldError, kUnanswered, kCorrect, kWrong };
const char* VerdictName(Verdict verdict);  // "skipped", "gold_error", "unanswered", "correct", "wrong"

struct QuestionRecord {
  size_t index = 0;  // position in the bench file (after --db / --limit selection)
  std::string db_id, question, gold_sql;
  QueryShape shape = QueryShape::kSingleTable;
  bool ordered = false;  // gold has a top-level ORDER BY
  Verdict verdict = Verdict::kSkipped;
  bool answered = false;
  std::string predicted_sql;  // empty when not answered
  std::string restatement;
  std::string message;  // the answerer's reason when it abstained
  std::vector<std::string> doubts;
  double confidence = 0;
  // Why not correct: the predicted SQL's error ("SQL error: no such column: x"), the
  // comparison's reason, the gold SQL's error, or why the question was skipped.
  std::string error;
  bool unreliable = false;  // a result hit the row cap or the column-order search gave up
  bool answerer_ran = false;
  double latency_ms = 0;
  int64_t gold_rows = -1, predicted_rows = -1;  // -1: not run / failed

  nlohmann::json ToJson() const;
};

struct Tally {
  int64_t asked = 0, answered = 0, correct = 0;
  double accuracy() const { return asked ? static_cast<double>(correct) / asked : 0; }
  double coverage() const { return asked ? static_cast<double>(answered) / asked : 0; }
  double precision() const { return answered ? static_cast<double>(correct) / answered : 0; }
  void Add(const QuestionRecord& record);
  nlohmann::json ToJson() const;
};

class EvalReport {
 public:
  void Add(QuestionRecord record) { records_.push_back(std::move(record)); }
  const std::vector<QuestionRecord>& records() const { return records_; }

  Tally Overall() const;
  std::map<std::string, Tally> PerDatabase() const;
  std::map<QueryShape, Tally> PerShape() const;
  int64_t Count(Verdict verdict) const;
  int64_t UnreliableCount() const;
  // db_id -> (questions skipped, reason), for the skipped databases.
  std::map<std::string, std::pair<int64_t, std::string>> SkippedDatabases() const;
  // Nearest-rank percentile (0 < p <= 100) of the answerer latencies; 0 when none ran.
  double LatencyPercentile(double p) const;

  // Headline, per shape, per database, gold errors and skipped databases.
  std::string ToText() const;
  // {"summary":{...},"per_shape":{...},"per_database":{...},"skipped_databases":{...},
  //  "latency_ms":{"p50","p95","max"},"questions":[...records]}
  nlohmann::json ToJson() const;
  // Spider's prediction file: one SQL per line in question order, newlines (and tabs) inside
  // the SQL replaced by spaces; "SELECT 1" for skipped and unanswered questions.
  std::string PredictionsText() const;

 private:
  std::vector<QuestionRecord> records_;
};

}  // namespace da
