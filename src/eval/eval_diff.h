// The questions whose verdict differs between two runs of one bench: the engine answering on
// SQLite and on PostgreSQL (`dataanalyst eval --postgres CONNINFO --compare-sqlite`), with both
// SQLs, both errors and the first rows of gold and of each prediction, which is what explaining
// a difference needs.
#pragma once

#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "eval/bench_databases.h"
#include "eval/eval_report.h"
#include "guard/query_connection.h"

namespace da {

struct RunSide {
  Verdict verdict = Verdict::kSkipped;
  std::string sql;    // empty when not answered
  std::string error;  // the record's error (why not correct)
  std::vector<std::string> rows;  // first rows of its result, values joined by " | "
};

struct QuestionDifference {
  size_t index = 0;
  std::string db_id, question, gold_sql;
  std::vector<std::string> gold_rows;
  RunSide a, b;

  nlohmann::json ToJson(const std::string& a_name, const std::string& b_name) const;
};

// Records with the same index whose verdicts differ. The reports must come from the same
// questions (records are matched by position).
std::vector<QuestionDifference> DiffReports(const EvalReport& a, const EvalReport& b);

// Fills the rows of each difference: gold and `a`'s SQL on databases->Open (SQLite), `b`'s on
// databases->OpenTarget; at most `max_rows` each (a failing query leaves its rows empty).
void AddResultRows(std::vector<QuestionDifference>* differences, BenchDatabases* databases, int64_t max_rows,
                   const GuardLimits& limits);

// For people: one block per difference.
std::string DifferencesText(const std::vector<QuestionDifference>& differences, const std::string& a_name,
                            const std::string& b_name);

}  // namespace da
