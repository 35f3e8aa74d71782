#include "ask/prompt.h"

#include <algorithm>
#include <array>
#include <cctype>
#include <optional>

#include "common/sql_dialect.h"
#include "common/strings.h"

namespace da {
namespace {

// --- prompt texts; {dialect}, {notes}, ... are filled in by Fill() ---

constexpr std::string_view kSqlSystem = R"(You are a careful data analyst. You write {dialect} SQL that answers questions about one dataset, whose schema is given below.

Rules:
- Write exactly one read-only statement: a SELECT, or WITH ... SELECT. Never write INSERT, UPDATE, DELETE, CREATE, DROP, ALTER, ATTACH, PRAGMA or any other kind of statement.
- Use only the tables and columns listed in the schema, spelled exactly as shown there. Never invent a table, a column or a value.
- Double-quote an identifier when it is not a plain word of letters, digits and underscores, or when it is an SQL keyword: "Weekly Sales", "order".
- Write text values the way the schema's sample values write them.
- Name computed result columns with short aliases (AS total_sales).
- Add a LIMIT only when the question asks for a number of rows ("top 5", "first 10").
- {notes}
- Reply with the SQL in one ```sql fenced block.
- When the schema cannot answer the question, reply with one line instead: NO_SQL: <the reason, in a few words>.)";

constexpr std::string_view kFollowUpRule = R"(
- Earlier questions and their SQL are in the conversation. When the new question follows up on one ("and for 2011?", "only type A stores"), write one complete query that applies it to that earlier question.)";

constexpr std::string_view kSqliteNotes =
    R"(SQLite: dates and times are ISO-8601 text ('YYYY-MM-DD', 'YYYY-MM-DD HH:MM:SS'). Use strftime('%Y', col) for the year and strftime('%m', col) for the month (both return text: compare with '2011', or CAST(strftime('%Y', col) AS INTEGER)), strftime('%Y-%m', col) for year and month, date(col, '-7 days') for date arithmetic and julianday(a) - julianday(b) for a difference in days. SQLite has no YEAR(), MONTH(), EXTRACT() or DATE_TRUNC(). Integer division truncates: multiply by 1.0 for ratios. Concatenate text with ||. LIKE ignores the case of ASCII letters.)";

constexpr std::string_view kPostgresNotes =
    R"(PostgreSQL: use EXTRACT(YEAR FROM col) and EXTRACT(MONTH FROM col) (numbers: compare with 2011, not '2011'), date_trunc('month', col) for the start of a month, to_char(col, 'YYYY-MM') for year and month as text, col::date to convert text to a date, and interval arithmetic (col - INTERVAL '7 days'). Integer division truncates: cast to numeric for ratios. LIKE is case-sensitive: use ILIKE to match text ignoring case. Concatenate text with ||. Every column in SELECT, ORDER BY or HAVING of a grouped query must be in GROUP BY or inside an aggregate; with SELECT DISTINCT, ORDER BY only selected columns. NULLs sort first in descending order: add NULLS LAST when picking the highest values. Never compare a text column with a number without quoting it. Identifiers with capital letters must be double-quoted exactly as the schema writes them.)";

constexpr std::string_view kRedshiftNotes =
    R"(Amazon Redshift (PostgreSQL-like, with its own functions): use EXTRACT(YEAR FROM col) (a number: compare with 2011), DATE_TRUNC('month', col), DATEADD(day, -7, col), DATEDIFF(day, start_col, end_col), and GETDATE() or SYSDATE for the current time (not NOW()). AVG of an integer column returns a truncated integer: write AVG(CAST(col AS DOUBLE PRECISION)); integer division truncates too. LIKE is case-sensitive: use ILIKE to match text ignoring case. Concatenate text with ||. Use LISTAGG(col, ', ') WITHIN GROUP (ORDER BY col) instead of STRING_AGG; there is no ARRAY_AGG, no arrays, no GENERATE_SERIES over tables, no FILTER (WHERE ...) on aggregates (put a CASE WHEN inside the aggregate) and no IS DISTINCT FROM. Every column in SELECT or ORDER BY of a grouped query must be in GROUP BY or inside an aggregate. NULLs sort first in descending order: add NULLS LAST when picking the highest values. Double-quote reserved words used as names.)";

constexpr std::string_view kGenericNotes =
    R"({dialect}: use only standard SQL functions that {dialect} supports.)";

constexpr std::string_view kExamplesHeader = R"(
Examples of questions about this dataset and SQL that answers them:
)";

constexpr std::string_view kSchemaHeader = R"(
Schema:
)";

constexpr std::string_view kPreviousResult = "Result of the previous query: ";

constexpr std::string_view kRepairUser = R"(Question: {question}

This query failed:
```sql
{sql}
```
Error: {error}

Write a corrected query that answers the question.{attempt} Reply with the corrected SQL in one ```sql fenced block, or with NO_SQL: <reason> when the schema cannot answer the question.)";

constexpr std::string_view kRepairRetry =
    R"( This is attempt {attempt}: earlier corrections failed too, so check every table and column name against the schema instead of patching only the reported error.)";

constexpr std::string_view kExplanationSystem = R"(You explain query results to people who do not read SQL. Answer the question in one to three short sentences of plain language, leading with the answer itself.

Rules:
- Use only the facts given: the summary computed over the result and, when present, the sample rows. Never invent, estimate or recompute numbers.
- Write numbers for people (2.1 million, 4.2%), keeping units.
- If the result has no rows, say that nothing matched and that the filters may be too narrow.
- If the result was cut by the row limit ("truncated": true), say that totals may be incomplete.
- Do not mention SQL, queries, tables or column names unless the question does. No markdown, no lists.)";

constexpr std::string_view kExplanationUser = R"(Question: {question}
{restatement}
SQL that produced the result:
```sql
{sql}
```

Summary computed over the result:
{summary}

{rows})";

constexpr std::string_view kNoRowsShared = "No rows are shared with you: rely on the summary.";

constexpr std::string_view kIntentSystem = R"(You sort the messages people send to a data-analysis assistant that answers questions about one dataset. Reply with exactly one word from this list and nothing else:
data_question - asks for facts, numbers or lists the data can answer ("total sales by region in 2012")
chart_request - asks for a chart or graph, or to show the previous answer as one ("plot monthly sales", "make it a pie chart")
why_question - asks why something happened or what drove it ("why did sales drop in March?")
conversation - greetings, thanks, help, and questions about the assistant or about what the dataset holds
out_of_scope - anything unrelated to this data (weather, jokes, general knowledge, writing code))";

constexpr std::string_view kIntentUser = R"(Dataset tables: {tables}

Message: {message})";

// --- helpers ---

// Replaces every {key} in `text` by its value; unknown keys stay as they are.
std::string Fill(std::string_view text, const std::vector<std::pair<std::string_view, std::string_view>>& values) {
  std::string out;
  size_t pos = 0;
  while (pos < text.size()) {
    size_t open = text.find('{', pos);
    if (open == std::string_view::npos) break;
    size_t close = text.find('}', open);
    if (close == std::string_view::npos) break;
    std::string_view key = text.substr(open + 1, close - open - 1);
    auto it = std::find_if(values.begin(), values.end(), [&](const auto& kv) { return kv.first == key; });
    out.append(text.substr(pos, open - pos));
    if (it == values.end()) {
      out.append(text.substr(open, close + 1 - open));
    } else {
      out.append(it->second);
    }
    pos = close + 1;
  }
  out.append(text.substr(pos));
  return out;
}

// At most `max` bytes of `text`, cut at a UTF-8 boundary and marked with "…" when cut.
std::string Cut(std::string_view text, size_t max) {
  if (text.size() <= max) return std::string(text);
  size_t end = max;
  while (end > 0 && (static_cast<unsigned char>(text[end]) & 0xC0) == 0x80) --end;
  return std::string(text.substr(0, end)) + "…";
}

std::string SqlFence(std::string_view sql) { return "```sql\n" + std::string(Trim(sql)) + "\n```"; }

// The notes for a known dialect (ParseSqlDialect), else generic notes naming it.
std::string DialectNotes(std::string_view dialect) {
  std::optional<SqlDialect> d = ParseSqlDialect(dialect);
  if (!d) return Fill(kGenericNotes, {{"dialect", dialect}});
  switch (*d) {
    case SqlDialect::kSqlite: return std::string(kSqliteNotes);
    case SqlDialect::kPostgres: return std::string(kPostgresNotes);
    case SqlDialect::kRedshift: return std::string(kRedshiftNotes);
  }
  return std::string(kSqliteNotes);
}

// "PostgreSQL" for "postgres": a known dialect by its DialectName, others as given.
std::string DisplayName(std::string_view dialect) {
  std::optional<SqlDialect> d = ParseSqlDialect(dialect);
  return d ? std::string(DialectName(*d)) : std::string(dialect);
}

std::string SqlSystemPrompt(std::string_view dialect, std::string_view schema,
                            const std::vector<SqlExample>& examples, bool follow_ups) {
  const std::string notes = DialectNotes(dialect);
  std::string system = Fill(kSqlSystem, {{"dialect", DisplayName(dialect)}, {"notes", notes}});
  if (follow_ups) system += kFollowUpRule;
  system += '\n';
  if (!examples.empty()) {
    system += kExamplesHeader;
    const size_t n = std::min(examples.size(), kMaxExamples);
    for (size_t i = 0; i < n; ++i) {
      system += "\nQuestion: " + std::string(Trim(examples[i].question)) + "\n";
      system += SqlFence(Cut(examples[i].sql, kMaxTurnSqlBytes)) + "\n";
    }
  }
  system += kSchemaHeader;
  system += Trim(schema);
  system += '\n';
  return system;
}

llm::Message User(std::string text) { return llm::Message{llm::Message::Role::kUser, std::move(text)}; }
llm::Message Assistant(std::string text) {
  return llm::Message{llm::Message::Role::kAssistant, std::move(text)};
}

// The user message asking `question`, after the previous turn's result note if any.
std::string QuestionMessage(std::string_view question, std::string_view previous_note) {
  std::string text;
  if (!previous_note.empty()) text = std::string(kPreviousResult) + Cut(Trim(previous_note), kMaxNoteBytes) + "\n\n";
  return text + "Question: " + std::string(Trim(question));
}

// A bounded copy of `result` for the explanation prompt.
QueryResult SampleOf(const QueryResult& result) {
  QueryResult sample;
  sample.columns = result.columns;
  const size_t n = std::min(result.rows.size(), kMaxSampleRows);
  for (size_t i = 0; i < n; ++i) {
    std::vector<Value> row = result.rows[i];
    for (Value& v : row) {
      if (auto* s = std::get_if<std::string>(&v)) *s = Cut(*s, kMaxCellBytes);
    }
    sample.rows.push_back(std::move(row));
  }
  return sample;
}

std::string SampleText(const QueryResult* result) {
  if (result == nullptr) return std::string(kNoRowsShared);
  if (result->rows.empty()) return "The result has no rows.";
  const QueryResult sample = SampleOf(*result);
  std::string csv = sample.ToCsv();
  std::string text;
  for (char c : csv) {
    if (c != '\r') text += c;
  }
  const std::string count = std::to_string(sample.rows.size());
  const std::string total = std::to_string(result->rows.size()) + (result->truncated ? "+" : "");
  return "Sample rows (" + (sample.rows.size() == result->rows.size() ? "all " + count : "first " + count + " of " + total) +
         ", CSV):\n" + std::string(Trim(text));
}

constexpr std::array<std::pair<std::string_view, Intent>, 5> kIntentNames = {{
    {"data_question", Intent::kDataQuestion},
    {"chart_request", Intent::kChartRequest},
    {"why_question", Intent::kWhyQuestion},
    {"conversation", Intent::kConversation},
    {"out_of_scope", Intent::kOutOfScope},
}};

}  // namespace

llm::ChatRequest BuildSqlPrompt(const SqlPromptInput& input) {
  llm::ChatRequest request;
  const size_t skip = input.history.size() > kMaxHistoryTurns ? input.history.size() - kMaxHistoryTurns : 0;
  const std::vector<PromptTurn> turns(input.history.begin() + static_cast<std::ptrdiff_t>(skip),
                                            input.history.end());
  request.system = SqlSystemPrompt(input.dialect, input.schema, input.examples, !turns.empty());
  std::string note;  // the previous turn's result, told with the next question
  for (const PromptTurn& turn : turns) {
    request.messages.push_back(User(QuestionMessage(turn.question, note)));
    if (turn.sql.empty()) {
      const std::string_view reason = Trim(turn.result_note);
      request.messages.push_back(Assistant("NO_SQL: " + (reason.empty() ? std::string("not answered") : Cut(reason, kMaxNoteBytes))));
      note.clear();
    } else {
      request.messages.push_back(Assistant(SqlFence(Cut(turn.sql, kMaxTurnSqlBytes))));
      note = turn.result_note;
    }
  }
  request.messages.push_back(User(QuestionMessage(input.question, note)));
  return request;
}

llm::ChatRequest BuildRepairPrompt(std::string_view question, std::string_view failed_sql,
                                   std::string_view error_message, std::string_view schema,
                                   std::string_view dialect, int attempt) {
  llm::ChatRequest request;
  request.system = SqlSystemPrompt(dialect, schema, {}, false);
  const std::string number = std::to_string(attempt);
  const std::string retry = attempt >= 2 ? Fill(kRepairRetry, {{"attempt", number}}) : std::string();
  const std::string sql(Trim(failed_sql));
  const std::string error = Cut(Trim(error_message), 1000);
  request.messages.push_back(User(Fill(kRepairUser, {{"question", Trim(question)},
                                                     {"sql", sql},
                                                     {"error", error},
                                                     {"attempt", retry}})));
  return request;
}

llm::ChatRequest BuildExplanationPrompt(std::string_view question, std::string_view restatement,
                                        std::string_view sql, const nlohmann::json& summary,
                                        const QueryResult* sample) {
  llm::ChatRequest request;
  request.system = std::string(kExplanationSystem);
  const std::string understood =
      Trim(restatement).empty() ? std::string() : "Understood as: " + std::string(Trim(restatement)) + "\n";
  const std::string summary_text = summary.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
  const std::string rows = SampleText(sample);
  request.messages.push_back(User(Fill(kExplanationUser, {{"question", Trim(question)},
                                                          {"restatement", understood},
                                                          {"sql", Trim(sql)},
                                                          {"summary", summary_text},
                                                          {"rows", rows}})));
  return request;
}

llm::ChatRequest BuildIntentPrompt(std::string_view message, const std::vector<std::string>& tables) {
  llm::ChatRequest request;
  request.system = std::string(kIntentSystem);
  std::vector<std::string> listed(tables.begin(), tables.begin() + static_cast<std::ptrdiff_t>(
                                                                       std::min(tables.size(), kMaxIntentTables)));
  std::string names = listed.empty() ? std::string("(none)") : Join(listed, ", ");
  if (tables.size() > listed.size()) names += " and " + std::to_string(tables.size() - listed.size()) + " more";
  request.messages.push_back(User(Fill(kIntentUser, {{"tables", names}, {"message", Trim(message)}})));
  return request;
}

Result<Intent> ParseIntentReply(std::string_view reply) {
  // Lowercase, every run of other characters one '_': "Out-of-scope." -> "out_of_scope_".
  std::string folded = "_";
  for (char c : reply) {
    if (std::isalnum(static_cast<unsigned char>(c))) {
      folded += static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    } else if (folded.back() != '_') {
      folded += '_';
    }
  }
  if (folded.back() != '_') folded += '_';
  size_t best = std::string::npos;
  Intent intent = Intent::kDataQuestion;
  for (const auto& [name, value] : kIntentNames) {
    size_t pos = folded.find("_" + std::string(name) + "_");
    if (pos < best) best = pos, intent = value;
  }
  if (best == std::string::npos) {
    return Status::InvalidArgument("the model's intent reply names no known intent: '" + Cut(Trim(reply), 80) + "'");
  }
  return intent;
}

}  // namespace da
