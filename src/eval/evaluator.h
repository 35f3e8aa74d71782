// Runs a question set through an answerer and scores it by execution accuracy.
//
// For each question: open its database (a missing one skips the question, reported, never
// counted as wrong), run the gold SQL through the guard on the SQLite file (a gold query that
// fails is reported as a gold error and not scored), ask the answerer about the target dataset
// (BenchDatabases::OpenTarget: the same file, or its copy on PostgreSQL; timed: this is the
// engine's parse+plan latency), run the predicted SQL there with the same limits, and
// compare the two results with CompareResults (in order when the gold SQL has a top-level
// ORDER BY).
#pragma once

#include <chrono>
#include <functional>
#include <string>
#include <vector>

#include "eval/bench_databases.h"
#include "eval/bench_file.h"
#include "eval/eval_report.h"
#include "guard/sql_guard.h"
#include "sources/dataset.h"

namespace da {

// What an answerer said about one question.
struct AnswerOutcome {
  bool answered = false;
  std::string sql;          // when answered
  std::string restatement;  // optional
  std::string message;      // why not answered (optional)
  std::vector<std::string> doubts;  // what lowered the confidence (optional)
  double confidence = 0;
};

// What is evaluated: something that turns a question about a dataset into SQL, or abstains.
// Both functions are called from one thread.
struct Answerer {
  // Called once per database before its first question, outside the timed answer (for
  // per-dataset set-up such as building an engine's schema index). May be empty. When it
  // fails, every question of that database counts as unanswered with its error as message.
  std::function<Status(const Dataset& dataset)> prepare;
  // Timed: the reported latency.
  std::function<AnswerOutcome(const Dataset& dataset, const std::string& question)> answer;
};

struct EvalOptions {
  // Applied to gold and predicted queries alike. A result that reaches the row cap makes its
  // comparison unreliable (flagged, still scored on the rows fetched).
  GuardLimits limits{100'000, std::chrono::milliseconds(10'000)};
  // Called after each question (for a progress line); may be empty.
  std::function<void(size_t done, size_t total)> progress;
};

EvalReport RunEval(const std::vector<BenchQuestion>& questions, BenchDatabases* databases, const Answerer& answerer,
                   const EvalOptions& options = {});

}  // namespace da
