// The ask pipeline's steps 1-7 (pipeline.h); step 8 is in pipeline_explain.cpp.
#include "ask/pipeline.h"

#include <algorithm>
#include <regex>
#include <utility>

#include "ask/pipeline_internal.h"
#include "ask/prompt.h"
#include "ask/schema_context.h"
#include "ask/sql_extract.h"
#include "ask/value_normalizer.h"
#include "ask/why_question.h"
#include "engine/engine.h"
#include "memory/memory.h"
#include "sources/dataset.h"

namespace da {

namespace {

using ask_internal::CallModel;
using ask_internal::Clock;
using ask_internal::MillisSince;

// Below this the rules' intent is checked with the chat model (when there is one).
constexpr double kSureIntent = 0.85;
constexpr size_t kMaxContextColumns = 12;
// Results up to this many rows are stored with a remembered answer for reuse.
constexpr size_t kMaxRememberedRows = 1000;

DatasetContext ContextOf(const Catalog& catalog) {
  DatasetContext ctx;
  for (const auto& table : catalog.tables) {
    ctx.tables.push_back(table.label.empty() ? table.name : table.label);
    for (const auto& column : table.columns) {
      if (ctx.column_labels.size() < kMaxContextColumns) {
        ctx.column_labels.push_back(column.label.empty() ? column.name : column.label);
      }
    }
  }
  return ctx;
}

bool IsReply(Intent intent) { return intent == Intent::kConversation || intent == Intent::kOutOfScope; }

// A reply for an intent the model decided when the rules had none ready.
std::string FallbackReply(Intent intent, const DatasetContext& ctx) {
  const std::string help = ClassifyIntent("help", ctx).reply;
  if (intent == Intent::kOutOfScope) {
    return "I can only answer questions about the data in this dataset, so I can't help with that. " + help;
  }
  return help;
}

// Whether the SQL model may be asked to fix a statement that failed with `status`: database
// errors (unknown columns, syntax) only; never a refusal, a timeout or a read failure.
bool Repairable(const Status& status) { return status.code() == Status::Code::kInvalidArgument; }

// The question the SQL model answers for a why-question: the data that would explain it.
std::string WhyDataQuestion(std::string_view question) {
  return "The user asks: \"" + std::string(question) +
         "\"\nWrite one query that returns the data needed to explain this: the measure the question is "
         "about over time or broken down by the categories that could explain it (a few columns, ordered, "
         "enough rows to compare). Do not try to answer 'why' in SQL; return the numbers.";
}

// A chart request without its chart wording, for the engine, which reads data words only:
// "Show sales per city as a pie chart" -> "Show sales per city"; "Plot sales by month" ->
// "show sales by month".
std::string WithoutChartWords(std::string_view question) {
  static const std::regex kPhrases(
      R"(\s*\b(?:(?:as|in|into|with|using|on)\s+(?:an?\s+)?)?)"
      R"((?:(?:pie|bar|line|column|scatter|donut|doughnut|area)\s+)?(?:chart|graph|plot|diagram)s?\b)",
      std::regex::icase);
  static const std::regex kAsType(R"(\s*\bas\s+an?\s+(?:pie|bar|line|scatter|donut)\b)", std::regex::icase);
  static const std::regex kVerb(R"(^\s*(?:plot|chart|graph|visuali[sz]e|draw)\b)", std::regex::icase);
  std::string out = std::regex_replace(std::string(question), kVerb, "show");
  out = std::regex_replace(out, kPhrases, "");
  return std::regex_replace(out, kAsType, "");
}

}  // namespace

// One question's way through the pipeline.
class AskPipeline::Run {
 public:
  Run(AskPipeline& p, std::string_view question, const std::vector<AskHistoryTurn>& history,
      QuestionContext context, const AskStageObserver& on_stage)
      : p_(p),
        question_(question),
        history_(history),
        on_stage_(on_stage),
        remembers_(p.memory_ && context == QuestionContext::kStandalone) {
    a_.question = std::string(question);
  }

  AskAnswer Go() {
    const auto start = Clock::now();
    Steps();
    Remember();
    a_.timings.total = MillisSince(start);
    return std::move(a_);
  }

 private:
  void Steps() {
    auto t = Clock::now();
    IntentResult rules = ClassifyIntent(question_, p_.context_);
    a_.timings.intent = MillisSince(t);
    a_.intent = rules.intent;
    hints_ = rules.chart;
    if (IsReply(rules.intent)) {
      if (rules.confidence < kSureIntent) AskModelIntent();
      if (IsReply(a_.intent)) return Reply(rules);
    }
    Emit(AskStage::kIntent);
    if (rules.intent == Intent::kChartRequest && rules.follow_up && ChartPrevious()) return;
    const std::string data_question =
        a_.intent == Intent::kChartRequest ? WithoutChartWords(question_) : std::string(question_);
    if (a_.intent != Intent::kWhyQuestion && FromMemory(data_question)) return;

    t = Clock::now();
    const EngineAnswer e = p_.engine_.Answer(data_question);
    a_.timings.engine = MillisSince(t);
    TakeEngine(e);
    const bool confident = e.answered && e.confidence >= p_.options_.engine_threshold;
    if (confident && a_.intent != Intent::kWhyQuestion) return AnswerWith(e.sql, "engine");
    if (!IsReply(rules.intent) && rules.confidence < kSureIntent && AskModelIntent() && IsReply(a_.intent)) {
      return Reply(rules);
    }
    if (p_.models_.sql.model == nullptr) return WithoutLlm(e, confident);
    if (a_.intent == Intent::kWhyQuestion) return AnswerWhy();
    GenerateAndAnswer(std::string(question_));
  }

  // Asks the chat model for the intent; false when there is no model or it could not say
  // (the rules' intent stands, with a warning).
  bool AskModelIntent() {
    if (p_.models_.chat.model == nullptr || asked_intent_) return false;
    asked_intent_ = true;
    const auto t = Clock::now();
    auto reply = CallModel(p_.models_.chat, BuildIntentPrompt(question_, p_.context_.tables), a_.usage);
    a_.timings.intent += MillisSince(t);
    Result<Intent> intent = reply.ok() ? ParseIntentReply(reply->text) : Result<Intent>(reply.status());
    if (!intent.ok()) {
      a_.warnings.push_back("the chat model could not classify the message (" + intent.status().ToString() +
                            "); the rules' reading is used");
      return false;
    }
    a_.intent = *intent;
    intent_source_ = "llm";
    return true;
  }

  // Conversation and out-of-scope: the rules' reply when they read the message so, else a
  // general one for the intent the model chose. No SQL.
  void Reply(const IntentResult& rules) {
    Emit(AskStage::kIntent);
    a_.source = intent_source_;
    a_.message = rules.intent == a_.intent && !rules.reply.empty() ? rules.reply : FallbackReply(a_.intent, p_.context_);
  }

  void TakeEngine(const EngineAnswer& e) {
    a_.restatement = e.restatement;
    a_.confidence = e.confidence;
    a_.doubts = e.doubts;
    a_.alternatives = e.alternatives;
    a_.unknown_terms = e.unknown_terms;
    a_.suggestions = e.suggestions;
  }

  // "Show it as a pie": the previous answer's statement again, charted as asked.
  bool ChartPrevious() {
    for (auto it = history_.rbegin(); it != history_.rend(); ++it) {
      if (it->sql.empty()) continue;
      a_.restatement = it->question;
      AnswerWith(it->sql, "engine");
      return true;
    }
    return false;
  }

  // No SQL model: the engine's answer when it has one, else its honest message.
  void WithoutLlm(const EngineAnswer& e, bool confident) {
    if (a_.intent == Intent::kWhyQuestion && WhyFromData()) return;
    if (confident) {
      a_.warnings.push_back("a why-question needs an LLM to be explained; here is the data the question is about");
      return AnswerWith(e.sql, "engine");
    }
    a_.source = "engine";
    a_.message = e.message.empty() ? "I don't understand this question." : e.message;
    if (a_.intent == Intent::kWhyQuestion) {
      a_.message = "This is a why-question: explaining it needs an LLM, and none is configured. " + a_.message;
    }
  }

  // A why-question without an LLM: the first of its data questions (ask/why_question.h) the
  // engine reads with more than its usual confidence (the rewrite is a guess already),
  // explained with the facts computed from its result.
  bool WhyFromData() {
    const double sure = (1 + p_.options_.engine_threshold) / 2;
    for (const std::string& q : WhyDataQuestions(question_)) {
      const auto t = Clock::now();
      const EngineAnswer e = p_.engine_.Answer(q);
      a_.timings.engine += MillisSince(t);
      if (!e.answered || e.confidence < sure) continue;
      TakeEngine(e);
      a_.restatement = "The data behind \"" + std::string(question_) + "\": " + e.restatement;
      a_.warnings.push_back("no LLM is configured to reason about causes: this is the data the question is about, "
                            "with its largest changes");
      AnswerWith(e.sql, "engine");
      return true;
    }
    return false;
  }

  void AnswerWhy() {
    a_.restatement = "The data behind: " + std::string(question_);
    GenerateAndAnswer(WhyDataQuestion(question_));
  }

  // Steps 2-4 with the SQL model, then the rest.
  void GenerateAndAnswer(const std::string& question) {
    a_.source = "llm";
    auto t = Clock::now();
    SchemaContextOptions schema_options;
    schema_options.max_tokens = p_.options_.schema_tokens;
    schema_options.sample_values = p_.options_.privacy_mode ? 0 : schema_options.sample_values;
    schema_options.dialect = DialectName(p_.dataset_.dialect());
    schema_ = p_.schema_->Build(question_, schema_options);
    SqlPromptInput input;
    input.question = question;
    input.schema = schema_;
    input.dialect = DialectName(p_.dataset_.dialect());
    input.examples = FewShot();
    for (const auto& turn : history_) input.history.push_back({turn.question, turn.sql, turn.result_note});
    llm::ChatRequest request = BuildSqlPrompt(input);
    a_.timings.prompt = MillisSince(t);

    t = Clock::now();
    auto reply = CallModel(p_.models_.sql, std::move(request), a_.usage);
    a_.timings.llm = MillisSince(t);
    if (!reply.ok()) return Fail(reply.status().WithContext("the SQL model failed"));
    auto sql = ExtractSql(reply->text);
    if (!sql.ok()) return Declined(sql.status());
    if (a_.restatement.empty() || a_.intent != Intent::kWhyQuestion) a_.restatement = std::string(question_);
    repair_question_ = question;
    AnswerWith(*sql, "llm");
  }

  // The model's reply held no usable SQL: an honest non-answer when it declined, else an error.
  void Declined(const Status& status) {
    if (status.code() == Status::Code::kUnsupported) {
      a_.message = "The model says this dataset cannot answer the question: " + status.message();
      return;
    }
    Fail(Status::InvalidArgument("the SQL model's reply could not be used: " + status.message()));
  }

  void Fail(const Status& status) {
    a_.error = status;
    a_.message = status.message();
  }

  // Steps 4-8 for `sql`.
  void AnswerWith(const std::string& sql, const char* source) {
    a_.source = source;
    a_.sql = sql;
    Emit(AskStage::kSql);
    auto result = Execute(sql);
    if (!result.ok()) return Fail(result.status());
    a_.result = std::move(*result);
    a_.answered = true;
    Normalise();
    Emit(AskStage::kRows);
    auto t = Clock::now();
    hints_.title = a_.restatement;
    a_.chart = ChooseChart(*a_.result, hints_);
    a_.timings.chart = MillisSince(t);
    Emit(AskStage::kChart);
    t = Clock::now();
    // Only LLM SQL is phrased by the explanation model: engine and memory answers stay local and free.
    const RoleModel explainer = a_.source == "llm" ? p_.models_.explanation : RoleModel{};
    auto explained = ask_internal::ExplainResult(explainer, p_.options_, question_, a_.restatement,
                                                 a_.sql, *a_.result, a_.usage);
    a_.timings.explain = MillisSince(t);
    a_.explanation = std::move(explained.text);
    Emit(AskStage::kExplanation);
    if (!explained.warning.empty()) a_.warnings.push_back(std::move(explained.warning));
    if (a_.intent == Intent::kWhyQuestion) a_.facts = std::move(explained.facts);
  }

  // Step 4: the guard runs `sql`; database errors of LLM SQL go back to the model.
  Result<QueryResult> Execute(std::string sql) {
    auto t = Clock::now();
    Result<QueryResult> result = p_.dataset_.Query(sql, p_.options_.limits);
    a_.timings.execute = MillisSince(t);
    const bool llm_sql = a_.source == "llm";
    for (int attempt = 1; !result.ok(); ++attempt) {
      const Status& failed = result.status();
      if (failed.code() == Status::Code::kRefused) {
        a_.sql = sql;
        return Status::Refused("the guard refused the generated SQL, so it was not run: " + failed.message());
      }
      if (!llm_sql) return failed.WithContext("the " + std::string(a_.source) + "'s SQL failed (" + sql + ")");
      if (!Repairable(failed)) return failed.WithContext("the generated SQL failed");
      a_.repairs.push_back({sql, failed.message()});
      if (attempt > p_.options_.max_repairs) {
        a_.sql = sql;
        return failed.WithMessage("the generated SQL still failed after " + std::to_string(p_.options_.max_repairs) +
                                  " repairs: " + failed.message());
      }
      t = Clock::now();
      auto fixed = Repair(sql, failed.message(), attempt);
      if (!fixed.ok()) {
        a_.timings.repair += MillisSince(t);
        a_.sql = sql;
        return fixed.status();
      }
      sql = std::move(*fixed);
      result = p_.dataset_.Query(sql, p_.options_.limits);
      a_.timings.repair += MillisSince(t);
    }
    a_.sql = sql;
    return result;
  }

  Result<std::string> Repair(const std::string& sql, const std::string& error, int attempt) {
    llm::ChatRequest request =
        BuildRepairPrompt(repair_question_, sql, error, schema_, DialectName(p_.dataset_.dialect()), attempt);
    auto reply = CallModel(p_.models_.sql, std::move(request), a_.usage);
    if (!reply.ok()) return reply.status().WithContext("the SQL model failed during repair " + std::to_string(attempt));
    auto fixed = ExtractSql(reply->text);
    if (!fixed.ok()) {
      return Status::InvalidArgument("the SQL model's repair " + std::to_string(attempt) +
                                     " could not be used: " + fixed.status().message());
    }
    return fixed;
  }

  // A remembered answer for the question: its stored result when still valid, else its SQL run
  // again. False (and nothing of it kept) when there is none or its SQL no longer runs.
  bool FromMemory(const std::string& question) {
    if (!remembers_) return false;
    const auto t = Clock::now();
    auto hit = p_.memory_->Lookup(question);
    a_.timings.cache = MillisSince(t);
    if (!hit.ok()) {
      a_.warnings.push_back("the memory could not be read (" + hit.status().message() + "); answered afresh");
      return false;
    }
    if (!*hit) return false;
    const memory::CacheHit& h = **hit;
    a_.cache = {true, h.exact, h.entry.status == memory::EntryStatus::kApproved, h.reparameterised, false, h.similarity};
    a_.answer_id = h.entry.id;
    a_.restatement = h.entry.question;
    if (!h.result.is_null() && Reuse(h)) return true;
    AnswerWith(h.sql, "cache");
    if (a_.error.ok()) return true;
    a_.warnings.push_back("the remembered SQL failed (" + a_.error.message() + "); answered afresh");
    AskAnswer fresh;  // nothing of the failed hit but what was learnt on the way
    fresh.question = std::move(a_.question);
    fresh.intent = a_.intent;
    fresh.timings = a_.timings;
    fresh.warnings = std::move(a_.warnings);
    a_ = std::move(fresh);
    return false;
  }

  // Serves the stored result of a hit whose SQL, data version and age still hold.
  bool Reuse(const memory::CacheHit& h) {
    auto result = QueryResult::FromJson(h.result.value("result", nlohmann::json()));
    if (!result.ok()) return false;
    a_.source = "cache";
    a_.sql = h.sql;
    a_.result = std::move(*result);
    a_.answered = true;
    a_.cache.result_reused = true;
    a_.restatement = h.result.value("restatement", a_.restatement);
    Emit(AskStage::kSql);
    Emit(AskStage::kRows);
    const auto t = Clock::now();
    hints_.title = a_.restatement;
    a_.chart = ChooseChart(*a_.result, hints_);
    a_.timings.chart = MillisSince(t);
    Emit(AskStage::kChart);
    a_.explanation = h.result.value("explanation", "");
    Emit(AskStage::kExplanation);
    return true;
  }

  // Every answer computed afresh is remembered, with its result when small enough to keep.
  void Remember() {
    if (!remembers_ || !a_.answered || !a_.error.ok() || a_.source == "cache" || a_.intent == Intent::kWhyQuestion) {
      return;
    }
    nlohmann::json stored = {{"restatement", a_.restatement}, {"explanation", a_.explanation}};
    if (a_.result->rows.size() <= kMaxRememberedRows) stored["result"] = a_.result->ToJson();
    auto id = p_.memory_->Remember(question_, a_.sql, a_.source, stored);
    if (id.ok()) {
      a_.answer_id = *id;
    } else {
      a_.warnings.push_back("the answer could not be remembered: " + id.status().message());
    }
  }

  // Approved examples near the question, for the SQL prompt.
  std::vector<SqlExample> FewShot() {
    std::vector<SqlExample> out;
    if (!remembers_) return out;
    auto examples = p_.memory_->FewShot(question_);
    if (!examples.ok()) {
      a_.warnings.push_back("examples could not be read from memory: " + examples.status().message());
      return out;
    }
    for (const auto& e : *examples) {
      out.push_back({e.question, e.sql});
      a_.examples.push_back(e.id);
    }
    return out;
  }

  // Step 5: an empty-looking result with text filters is re-run with the filter values the
  // data actually stores.
  void Normalise() {
    if (!ResultLooksEmpty(*a_.result)) return;
    const auto t = Clock::now();
    NormalizationResult n = NormalizeValues(a_.sql, p_.dataset_.catalog(), p_.dataset_.values(), p_.dataset_.dialect());
    if (!n.replacements.empty()) {
      auto rerun = p_.dataset_.Query(n.sql, p_.options_.limits);
      if (rerun.ok()) {
        a_.sql = n.sql;
        a_.result = std::move(*rerun);
        for (const auto& r : n.replacements) a_.normalisations.push_back({r.table, r.column, r.from, r.to});
      } else {
        a_.warnings.push_back("re-running with normalised values failed: " + rerun.status().message());
      }
    }
    a_.timings.normalise = MillisSince(t);
  }

  AskPipeline& p_;
  std::string_view question_;
  const std::vector<AskHistoryTurn>& history_;
  AskAnswer a_;
  ChartHints hints_;
  std::string schema_;           // the schema context sent with the SQL prompt
  std::string repair_question_;  // the question the SQL model was given
  std::string intent_source_ = "engine";
  void Emit(AskStage stage) {
    if (on_stage_) on_stage_(stage, a_);
  }

  bool asked_intent_ = false;
  const AskStageObserver& on_stage_;
  const bool remembers_;  // the memory is consulted and told about this question
};

AskPipeline::AskPipeline(Dataset& dataset, const Engine& engine, AskModels models, AskOptions options,
                         memory::Memory* memory)
    : dataset_(dataset),
      engine_(engine),
      models_(models),
      options_(std::move(options)),
      memory_(memory),
      context_(ContextOf(dataset.catalog())),
      schema_(std::make_unique<SchemaContextBuilder>(dataset.catalog(), dataset.values())) {}

AskPipeline::~AskPipeline() = default;

AskAnswer AskPipeline::Ask(std::string_view question, const std::vector<AskHistoryTurn>& history,
                           QuestionContext context, const AskStageObserver& on_stage) {
  return Run(*this, question, history, context, on_stage).Go();
}

const char* AskStageName(AskStage stage) {
  switch (stage) {
    case AskStage::kIntent: return "intent";
    case AskStage::kSql: return "sql";
    case AskStage::kRows: return "rows";
    case AskStage::kChart: return "chart";
    case AskStage::kExplanation: return "explanation";
  }
  return "intent";
}

}  // namespace da
