// The prompts DataAnalyst sends a language model: write SQL, repair SQL that failed, explain a
// result, and classify a message. Each builder returns a complete llm::ChatRequest (system
// prompt plus messages, starting with a user message); the caller sets max_tokens and
// temperature from the role's configuration. The prompt texts are the raw-string constants
// in prompt.cpp.
//
// Builders are pure functions of their input: the same input gives the same request, byte for
// byte (so replies can be cached and prompts diffed in tests).
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "ask/intent.h"
#include "common/query_result.h"
#include "common/status.h"
#include "llm/provider.h"

namespace da {

// A question and the SQL that answers it over this dataset (few-shot example).
struct SqlExample {
  std::string question;
  std::string sql;
};

// A previous turn of the conversation as the SQL prompt shows it, for follow-ups ("and for
// 2011?"). (Not ask/conversation.h's ConversationTurn, which is what the store keeps.)
struct PromptTurn {
  std::string question;
  std::string sql;          // empty when that turn produced no SQL
  std::string result_note;  // what came back, in a few words ("3 rows; top: Store 20")
};

struct SqlPromptInput {
  std::string question;
  std::string schema;              // from SchemaContext (ask/schema_context.h)
  // A dialect as ParseSqlDialect reads it ("SQLite", "PostgreSQL", "Amazon Redshift", "postgres",
  // "redshift"): named by its DialectName, with its notes; other names get generic notes.
  std::string dialect = "SQLite";
  std::vector<SqlExample> examples;       // may be empty; at most kMaxExamples are used
  std::vector<PromptTurn> history;        // oldest first; only the last kMaxHistoryTurns are used
};

inline constexpr size_t kMaxExamples = 8;
inline constexpr size_t kMaxHistoryTurns = 3;
// Longer result notes and example/history SQL are cut (with "…") to keep prompts bounded.
inline constexpr size_t kMaxNoteBytes = 300;
inline constexpr size_t kMaxTurnSqlBytes = 2000;

// The system prompt states the rules: exactly one read-only SELECT (or WITH ... SELECT), the
// dialect and its date functions, only the tables and columns of the schema, identifiers
// double-quoted when they are not plain words, the answer in a ```sql fence, and
// "NO_SQL: <reason>" when the schema cannot answer. It then holds the examples and the
// schema. Each history turn becomes a user message (its question, after the previous turn's
// result note) and an assistant message (its SQL in a fence, or "NO_SQL: ..." without SQL);
// the last user message carries the previous result note and the question.
llm::ChatRequest BuildSqlPrompt(const SqlPromptInput& input);

// Asks for a corrected statement after `failed_sql` failed with `error_message` (a database
// or guard error). `attempt` counts repair attempts from 1; from the second on, the prompt
// asks the model to re-check every name against the schema rather than patch the last error.
// The system prompt has the same rules as BuildSqlPrompt's (without examples).
llm::ChatRequest BuildRepairPrompt(std::string_view question, std::string_view failed_sql,
                                   std::string_view error_message, std::string_view schema,
                                   std::string_view dialect, int attempt);

// Rows shown to the explanation model: at most this many, each value cut to kMaxCellBytes.
inline constexpr size_t kMaxSampleRows = 20;
inline constexpr size_t kMaxCellBytes = 80;

// Asks for a short plain-language answer (1-3 sentences) using only the facts given: the
// question, our restatement, the SQL, the computed summary (ResultSummary::ToJson) and, when
// `sample` is not null, its first kMaxSampleRows rows as CSV. Pass null in privacy mode: then
// no row reaches the model, and the prompt says so.
llm::ChatRequest BuildExplanationPrompt(std::string_view question, std::string_view restatement,
                                        std::string_view sql, const nlohmann::json& summary,
                                        const QueryResult* sample = nullptr);

// Asks for exactly one word of data_question, chart_request, why_question, conversation,
// out_of_scope for `message`, knowing the dataset's `tables` (names or labels; the first
// kMaxIntentTables are listed, then "and N more").
inline constexpr size_t kMaxIntentTables = 50;
llm::ChatRequest BuildIntentPrompt(std::string_view message, const std::vector<std::string>& tables);

// Reads the intent word from a reply: the first of the five names found (any case, spaces or
// hyphens for '_', quotes and punctuation ignored: "Data question.", "`out-of-scope`").
// kInvalidArgument when the reply names none.
Result<Intent> ParseIntentReply(std::string_view reply);

}  // namespace da
