// `dataanalyst ask NAME "question"`: the ask pipeline (ask/pipeline.h) over a dataset. With an
// LLM configuration (--config FILE, DATAANALYST_CONFIG or <data-dir>/config.json) the models it
// names are used; without one the built-in engine answers alone. With --conversation ID, a
// follow-up ("and for 2011?") is read against the conversation's previous question, the
// previous turns go to the SQL model, and the turn is recorded.
#include <cstdio>
#include <map>
#include <memory>
#include <optional>
#include <vector>

#include "ask/ask_models.h"
#include "ask/conversation.h"
#include "ask/conversation_ask.h"
#include "ask/dataset_memory.h"
#include "cli/config_loading.h"
#include "ask/follow_up.h"
#include "ask/pipeline.h"
#include "cli/args.h"
#include "cli/commands.h"
#include "cli/output.h"
#include "engine/engine.h"
#include "llm/llm_config.h"
#include "sources/dataset.h"
#include "sources/dataset_store.h"

namespace da {

namespace {

constexpr const char* kUsage =
    "usage: dataanalyst ask NAME \"question\" [--json] [--config FILE] [--max-rows N] [--timeout SECONDS] "
    "[--min-confidence X] [--conversation ID] [--no-memory] [--data-dir DIR]";

void PrintFollowUp(const FollowUp& follow_up) {
  if (follow_up.kind == FollowUp::Kind::kResolved) {
    std::printf("Follow-up read as: %s  (%s)\n", follow_up.question.c_str(), follow_up.note.c_str());
  } else if (follow_up.kind == FollowUp::Kind::kUnresolved) {
    std::printf("Not read as a follow-up: %s\n", follow_up.note.c_str());
  }
}

void PrintNotAnswered(const AskAnswer& a) {
  if (!a.error.ok()) {
    std::fprintf(stderr, "error: %s\n", a.error.message().c_str());
  } else {
    std::printf("%s\n", a.message.empty() ? "I don't understand this question." : a.message.c_str());
  }
  if (!a.suggestions.empty()) {
    std::printf("Closest names in this dataset:");
    for (const auto& s : a.suggestions) std::printf(" %s", s.c_str());
    std::printf("\n");
  }
  if (a.error.ok() && a.source == "engine" && !a.restatement.empty()) {
    std::printf("Best guess (not run): %s\n", a.restatement.c_str());
  }
  for (size_t i = 0; i < a.repairs.size(); ++i) {
    std::printf("Try %zu: %s\n  failed: %s\n", i + 1, a.repairs[i].sql.c_str(), a.repairs[i].error.c_str());
  }
}

// What opening the memory did that people should know about.
std::vector<std::string> OpenNotes(const memory::OpenReport& report) {
  std::vector<std::string> notes;
  if (report.schema_changed) {
    notes.push_back("the dataset's schema changed: " + std::to_string(report.revalidated) +
                    " remembered answers still run, " + std::to_string(report.dropped) + " no longer do and were dropped");
  }
  if (!report.warning.empty()) notes.push_back(report.warning);
  return notes;
}

std::string CacheNote(const AskAnswer& a) {
  std::string note = a.cache.approved ? "an approved answer" : "the answer given before";
  if (a.cache.exact) {
    note += " to the same question";
  } else {
    char similarity[32];
    std::snprintf(similarity, sizeof similarity, "%.2f", a.cache.similarity);
    note += " to \"" + a.restatement + "\" (similarity " + similarity + ")";
  }
  if (a.cache.reparameterised) note += ", with this question's values";
  if (a.cache.result_reused) note += "; rows from memory";
  return note;
}

void PrintReadable(const AskAnswer& a) {
  if (!a.answered) return PrintNotAnswered(a);
  if (a.source == "cache") {
    std::printf("Answered from memory: %s\n", CacheNote(a).c_str());
  } else if (a.source == "engine") {
    std::printf("Understood as: %s  (confidence %.0f%%)\n", a.restatement.c_str(), a.confidence * 100);
    for (const auto& alt : a.alternatives) std::printf("  or perhaps: %s\n", alt.c_str());
  } else {
    std::printf("Understood as: %s  (SQL written by the LLM)\n", a.restatement.c_str());
  }
  if (!a.repairs.empty()) std::printf("Repaired after %zu failed tries.\n", a.repairs.size());
  for (const auto& n : a.normalisations) {
    std::printf("Replaced '%s' with '%s' (%s.%s), the value the data stores.\n", n.from.c_str(), n.to.c_str(),
                n.table.c_str(), n.column.c_str());
  }
  std::printf("SQL: %s\n\n", a.sql.c_str());
  const std::string table = a.result->ToText();
  std::fwrite(table.data(), 1, table.size(), stdout);
  if (!a.explanation.empty()) std::printf("\n%s\n", a.explanation.c_str());
  if (a.chart.type != ChartType::kNone) {
    std::printf("Chart: %s\n", ChartTypeName(a.chart.type));
  } else {
    std::printf("Chart: none (%s)\n", a.chart.reason.c_str());
  }
  for (const auto& w : a.warnings) std::printf("Note: %s\n", w.c_str());
  std::printf("Source: %s; %.1f ms (execute %.1f ms", a.source.c_str(), a.timings.total, a.timings.execute);
  if (a.usage.calls > 0) {
    std::printf(", LLM %.1f ms; %d calls, %lld tokens in, %lld out", a.timings.llm, a.usage.calls,
                static_cast<long long>(a.usage.input_tokens), static_cast<long long>(a.usage.output_tokens));
  }
  std::printf(")\n");
  if (a.answer_id > 0) std::printf("Answer id: %lld (approve or reject it with `dataanalyst feedback`)\n",
                                   static_cast<long long>(a.answer_id));
}

}  // namespace

int AskCommand(const Words& words) {
  FlagSpec spec;
  spec.with_value = {"data-dir", "max-rows", "timeout", "min-confidence", "conversation", "config"};
  spec.boolean = {"json", "no-memory"};
  auto args = Args::Parse(words, spec);
  const bool json = args.ok() && args->Has("json");
  if (!args.ok()) return ReportError(args.status(), json, true);
  if (args->positionals().size() != 2) return ReportError(Status::InvalidArgument(kUsage), json, true);
  auto limits = LimitsFromArgs(*args, 1000, 20);
  if (!limits.ok()) return ReportError(limits.status(), json, true);
  const bool in_conversation = args->Has("conversation");
  const std::string conversation_id = args->Get("conversation");
  if (in_conversation) {
    if (Status s = ConversationStore::ValidateId(conversation_id); !s.ok()) return ReportError(s, json, true);
  }

  const std::filesystem::path data_dir = DatasetStore::ResolveDataDir(args->Get("data-dir"));
  const llm::Environment env = llm::Environment::Process();
  auto config = LoadOptionalConfig(*args, env, data_dir);
  if (!config.ok()) return ReportError(config.status(), json);
  AskOptions options;
  options.limits = *limits;
  if (*config) {
    options.engine_threshold = (*config)->engine_confidence_threshold;
    options.privacy_mode = (*config)->privacy_mode;
  }
  auto min_confidence = args->GetDouble("min-confidence", options.engine_threshold, 0, 1);
  if (!min_confidence.ok()) return ReportError(min_confidence.status(), json, true);
  options.engine_threshold = *min_confidence;
  auto models = LoadAskModels(std::move(*config), env);
  if (!models.ok()) return ReportError(models.status(), json);

  DatasetStore store(data_dir);
  auto dataset = Dataset::Open(store, args->positionals()[0]);
  if (!dataset.ok()) return ReportError(dataset.status(), json);
  EngineOptions engine_options;
  engine_options.min_confidence = options.engine_threshold;
  engine_options.dialect = (*dataset)->dialect();
  auto engine = Engine::Create((*dataset)->catalog(), (*dataset)->values(), engine_options);
  if (!engine.ok()) return ReportError(engine.status(), json);

  const std::string& question = args->positionals()[1];
  const std::string dataset_name = (*dataset)->info().name;
  ConversationStore conversations(data_dir);
  const FollowUpResolver resolver((*dataset)->catalog(), (*dataset)->values());
  auto read = ReadInConversation(conversations, conversation_id, dataset_name, resolver, question);
  if (!read.ok()) return ReportError(read.status(), json);

  std::vector<std::string> memory_notes;
  DatasetMemory memory;
  if (!args->Has("no-memory")) {
    auto opened = OpenDatasetMemory(**dataset, data_dir, models->config ? &*models->config : nullptr, env);
    if (opened.ok()) {
      memory = std::move(*opened);
      memory_notes = OpenNotes(memory.memory->open_report());
    } else {
      memory_notes.push_back("memory is unavailable (" + opened.status().message() + "); answered without it");
    }
  }
  AskPipeline pipeline(**dataset, **engine, models->models, options, memory.memory.get());
  AskAnswer answer = pipeline.Ask(read->follow_up.question, read->history, read->context);
  answer.warnings.insert(answer.warnings.begin(), memory_notes.begin(), memory_notes.end());
  nlohmann::json out = answer.ToJson();
  out["question"] = question;
  if (Status s = RecordInConversation(conversations, conversation_id, dataset_name, question, *read, answer, &out);
      !s.ok()) {
    return ReportError(s, json);
  }
  if (json) {
    PrintJson(out);
  } else {
    if (in_conversation) PrintFollowUp(read->follow_up);
    PrintReadable(answer);
  }
  return answer.error.ok() ? kExitOk : kExitFailed;
}

}  // namespace da
