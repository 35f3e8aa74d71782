// The ask pipeline: one question in, one answer out, every stage of issue #4 joined in order.
// The CLI (and later the server) run exactly this code.
//
//  1. Intent: the rules (ask/intent.h) first; the chat model is asked only when the rules are
//     not sure and the engine has not answered confidently. Conversation and out-of-scope
//     messages get a reply and no SQL.
//  2. The built-in engine (chart wording removed) answers data and chart questions when its
//     confidence reaches AskOptions::engine_threshold; no model is then called at all.
//     Otherwise the SQL model writes the SQL from the schema context and the conversation
//     history; with no SQL model the answer is the engine's own "I don't understand" message.
//  3. The SQL is taken from the reply (ask/sql_extract.h); a reply with none is an error, a
//     model that declines (NO_SQL) is an honest non-answer.
//  4. The guard runs it. A database error goes back to the SQL model with the error (at most
//     max_repairs times, each failed try recorded). A statement the guard refuses (a write,
//     ATTACH, a hidden table...) is never executed and never repaired: it is reported.
//  5. An empty result (or one row of NULL/0) with text filters: the filter literals are
//     normalised to stored values (ask/value_normalizer.h) and the query re-run; the
//     replacements are recorded.
//  6. Why-questions: with an SQL model, it is asked for the data that would explain the
//     question; we run it, compute the facts (ask/result_summary.h) and the explanation model
//     phrases them. Without one, the engine answers the data part if it can.
//  7. Chart: ChooseChart with the intent's hints. Nothing generated is ever executed.
//  Memory (memory/memory.h), when given: before the engine, a standalone data or chart question
//     is looked up; a hit is answered from the remembered SQL (its stored result reused while
//     still valid, else re-run; no model is called) and a remembered SQL that no longer runs
//     falls through to the normal path. Every answer computed afresh is remembered, and its id
//     (answer_id) is what feedback approves or rejects. Approved examples near the question go
//     into the SQL prompt as few-shot examples.
//  8. Explanation: for LLM SQL, the explanation model sees the computed facts and at most sample_rows rows;
//     in privacy mode only the question, the SQL and the result's shape (no rows, no values).
//     Engine answers (no model involved), no model, or a model that fails: TemplatedExplanation.
//
// Errors never throw out of Ask(): they are in AskAnswer::error with a message for people.
#pragma once

#include <functional>

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "ask/intent.h"
#include "common/query_result.h"
#include "common/status.h"
#include "guard/sql_guard.h"
#include "llm/provider.h"
#include "viz/chart.h"

namespace da {

namespace memory {
class Memory;
}
class Dataset;
class Engine;
class SchemaContextBuilder;

// A model serving one role, with the settings its configuration gives for each request.
struct RoleModel {
  llm::ChatModel* model = nullptr;  // null: no LLM for this role
  int max_tokens = 1024;
  std::optional<double> temperature;
};

struct AskModels {
  RoleModel sql;          // writes and repairs SQL
  RoleModel chat;         // classifies intent when the rules are unsure
  RoleModel explanation;  // phrases the answer
};

struct AskOptions {
  double engine_threshold = 0.7;  // the engine answers alone at or above this confidence
  bool privacy_mode = false;      // no data values or rows are sent to any model
  GuardLimits limits;
  int max_repairs = 3;            // repair requests after the first statement fails
  size_t sample_rows = 20;        // rows the explanation model sees at most (capped at 20)
  size_t schema_tokens = 2000;    // budget of the schema context in SQL prompts
};

// A previous turn, oldest first, for follow-ups the LLM reads.
struct AskHistoryTurn {
  std::string question;     // the standalone question
  std::string sql;          // empty when it was not answered
  std::string result_note;  // what came back, in a few words
};

struct SqlRepair {
  std::string sql;    // the statement that failed
  std::string error;  // the database's error for it
};

struct AskNormalisation {
  std::string table, column, from, to;
};

// Milliseconds per stage; a stage that did not run stays 0. llm is the SQL model's first
// request; repair covers repair requests and their re-runs; explain includes its model call.
struct AskTimings {
  double intent = 0, cache = 0, engine = 0, prompt = 0, llm = 0, execute = 0, repair = 0, normalise = 0,
         chart = 0, explain = 0, total = 0;
};

struct AskUsage {
  int64_t input_tokens = 0, output_tokens = 0;
  int calls = 0;  // model requests made
};

// How the memory answered (hit) or was consulted.
struct AskCacheInfo {
  bool hit = false;
  bool exact = false;            // the same question was answered before
  bool approved = false;         // the entry served was approved by a person
  bool reparameterised = false;  // its SQL's literals were replaced with the question's
  bool result_reused = false;    // its stored rows were served without running the SQL
  double similarity = 0;
};

// Whether a question can be read alone. A follow-up the rules could not rewrite needs the
// conversation's history: it is neither looked up in nor remembered by the memory.
enum class QuestionContext { kStandalone, kNeedsHistory };

struct AskAnswer {
  std::string question;
  Intent intent = Intent::kDataQuestion;
  bool answered = false;          // a statement ran and `result` holds its rows
  std::string sql;                // the statement run (after repairs and normalisation)
  std::optional<QueryResult> result;
  Chart chart;
  std::string explanation;
  std::string restatement;        // the question as understood
  std::string source;             // "engine", "llm" or "cache": who wrote the SQL (or the reply)
  int64_t answer_id = 0;          // the memory's entry for this answer (0: not remembered)
  AskCacheInfo cache;
  std::vector<int64_t> examples;  // approved examples put in the SQL prompt
  double confidence = 0;          // the engine's confidence in its reading (below the
                                  // threshold when the LLM wrote the SQL)
  std::vector<SqlRepair> repairs;
  std::vector<AskNormalisation> normalisations;
  AskTimings timings;
  AskUsage usage;
  std::string message;            // when not answered: the reply, or why not (for people)
  Status error;                   // not ok when a stage failed (not for honest non-answers)
  std::vector<std::string> doubts, alternatives, unknown_terms, suggestions;  // the engine's
  std::vector<std::string> warnings;  // stages that fell back (an LLM explanation that failed)
  nlohmann::json facts;           // computed facts of a why-question's data; null otherwise

  // {"question", "intent", "answered", "sql", "columns"?, "rows"?, "row_count"?, "truncated"?,
  //  "chart", "explanation", "restatement", "source", "confidence", "repairs": [{"sql","error"}],
  //  "normalisations": [{"table","column","from","to"}], "timings": {"intent_ms", ...,
  //  "total_ms"}, "usage": {"input_tokens","output_tokens","calls"}, "message", "doubts",
  //  "alternatives", "unknown_terms", "suggestions", "warnings", "error"?: {"code","message"},
  //  "facts"?, "answer_id"?, "cache": {"hit", "exact", "approved", "reparameterised",
  //  "result_reused", "similarity"}, "examples": [ids]}. Result fields only when answered.
  nlohmann::json ToJson() const;
};

// The stages a client can watch finish (the server streams them as server-sent events).
// kSql is sent before its statement runs; a stage may be sent again when a later step replaces
// its result (a repaired statement, a remembered SQL that failed and was answered afresh, an
// intent the chat model revised).
enum class AskStage { kIntent, kSql, kRows, kChart, kExplanation };
const char* AskStageName(AskStage stage);  // "intent", "sql", "rows", "chart", "explanation"
// Called on the asking thread as each stage finishes, with the answer so far.
using AskStageObserver = std::function<void(AskStage, const AskAnswer&)>;

class AskPipeline {
 public:
  // `dataset` and `engine` (built over the dataset's catalog), the models and `memory` (may be
  // null: no memory) must outlive the pipeline. Indexes the schema once for prompts.
  AskPipeline(Dataset& dataset, const Engine& engine, AskModels models, AskOptions options = {},
              memory::Memory* memory = nullptr);
  ~AskPipeline();

  // Answers `question` (already standalone, or a follow-up the SQL model reads with
  // `history`). Not thread-safe: the dataset's connection runs one statement at a time.
  // `on_stage` (may be empty) sees each stage as it finishes.
  AskAnswer Ask(std::string_view question, const std::vector<AskHistoryTurn>& history = {},
                QuestionContext context = QuestionContext::kStandalone, const AskStageObserver& on_stage = {});

  // The row cap and time limit of the following questions (the server sets them per request).
  void set_limits(const GuardLimits& limits) { options_.limits = limits; }

 private:
  class Run;
  Dataset& dataset_;
  const Engine& engine_;
  AskModels models_;
  AskOptions options_;
  memory::Memory* memory_;
  DatasetContext context_;
  std::unique_ptr<SchemaContextBuilder> schema_;
};

}  // namespace da
