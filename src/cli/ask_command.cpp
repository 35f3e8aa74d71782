// `dataanalyst ask NAME "question"`: the built-in engine's answer, run through the guard. With
// --conversation ID, a follow-up ("and for 2011?") is read against the conversation's previous
// question and the turn is recorded.
#include <chrono>
#include <cstdio>
#include <optional>

#include "cli/args.h"
#include "cli/commands.h"
#include "ask/conversation.h"
#include "ask/follow_up.h"
#include "cli/output.h"
#include "engine/engine.h"
#include "sources/dataset.h"
#include "sources/dataset_store.h"

namespace da {

namespace {

double MillisecondsSince(std::chrono::steady_clock::time_point start) {
  return std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - start).count();
}

nlohmann::json AnswerJson(const std::string& question, const EngineAnswer& answer) {
  return {{"question", question},
          {"answered", answer.answered},
          {"source", "engine"},
          {"sql", answer.sql},
          {"restatement", answer.restatement},
          {"confidence", answer.confidence},
          {"alternatives", answer.alternatives},
          {"doubts", answer.doubts},
          {"unknown_terms", answer.unknown_terms},
          {"suggestions", answer.suggestions},
          {"message", answer.message}};
}

const char* FollowUpKindName(FollowUp::Kind kind) {
  switch (kind) {
    case FollowUp::Kind::kStandalone: return "standalone";
    case FollowUp::Kind::kResolved: return "resolved";
    case FollowUp::Kind::kUnresolved: return "unresolved";
  }
  return "standalone";
}

// The question to answer within conversation `id`: the message, or the follow-up resolved
// against the conversation's last question about this dataset.
Result<FollowUp> ResolveInConversation(const ConversationStore& store, const std::string& id, const Dataset& dataset,
                                       const std::string& message) {
  DA_ASSIGN_OR_RETURN(Conversation conversation, store.Load(id));
  const ConversationTurn* last = conversation.LastAnsweredTurn(dataset.info().name);
  FollowUpResolver resolver(dataset.catalog(), dataset.values());
  return resolver.Resolve(last ? last->resolved_question : "", message);
}

void PrintFollowUp(const FollowUp& follow_up) {
  if (follow_up.kind == FollowUp::Kind::kResolved) {
    std::printf("Follow-up read as: %s  (%s)\n", follow_up.question.c_str(), follow_up.note.c_str());
  } else if (follow_up.kind == FollowUp::Kind::kUnresolved) {
    std::printf("Not read as a follow-up: %s\n", follow_up.note.c_str());
  }
}

void PrintReadable(const EngineAnswer& answer, const QueryResult* result) {
  if (!answer.answered) {
    std::printf("%s\n", answer.message.empty() ? "I don't understand this question." : answer.message.c_str());
    if (!answer.suggestions.empty()) {
      std::printf("Closest names in this dataset:");
      for (const auto& s : answer.suggestions) std::printf(" %s", s.c_str());
      std::printf("\n");
    }
    if (!answer.restatement.empty()) std::printf("Best guess (not run): %s\n", answer.restatement.c_str());
    return;
  }
  std::printf("Understood as: %s  (confidence %.0f%%)\n", answer.restatement.c_str(), answer.confidence * 100);
  for (const auto& alt : answer.alternatives) std::printf("  or perhaps: %s\n", alt.c_str());
  std::printf("SQL: %s\n\n", answer.sql.c_str());
  if (result) {
    std::string table = result->ToText();
    std::fwrite(table.data(), 1, table.size(), stdout);
  }
}

}  // namespace

int AskCommand(const Words& words) {
  FlagSpec spec;
  spec.with_value = {"data-dir", "max-rows", "timeout", "min-confidence", "conversation"};
  spec.boolean = {"json"};
  auto args = Args::Parse(words, spec);
  const bool json = args.ok() && args->Has("json");
  if (!args.ok()) return ReportError(args.status(), json, true);
  if (args->positionals().size() != 2) {
    return ReportError(Status::InvalidArgument("usage: dataanalyst ask NAME \"question\" [--json] [--max-rows N] "
                                               "[--timeout SECONDS] [--min-confidence X] [--conversation ID] "
                                               "[--data-dir DIR]"),
                       json, true);
  }
  auto limits = LimitsFromArgs(*args, 1000, 20);
  if (!limits.ok()) return ReportError(limits.status(), json, true);
  EngineOptions options;
  auto min_confidence = args->GetDouble("min-confidence", options.min_confidence, 0, 1);
  if (!min_confidence.ok()) return ReportError(min_confidence.status(), json, true);
  options.min_confidence = *min_confidence;
  const bool in_conversation = args->Has("conversation");
  const std::string conversation_id = args->Get("conversation");
  if (in_conversation) {
    if (Status s = ConversationStore::ValidateId(conversation_id); !s.ok()) return ReportError(s, json, true);
  }

  const std::filesystem::path data_dir = DatasetStore::ResolveDataDir(args->Get("data-dir"));
  DatasetStore store(data_dir);
  auto dataset = Dataset::Open(store, args->positionals()[0]);
  if (!dataset.ok()) return ReportError(dataset.status(), json);
  auto engine = Engine::Create((*dataset)->catalog(), (*dataset)->values(), options);
  if (!engine.ok()) return ReportError(engine.status(), json);

  const std::string& question = args->positionals()[1];
  ConversationStore conversations(data_dir);
  FollowUp follow_up;
  follow_up.question = question;
  if (in_conversation) {
    auto resolved = ResolveInConversation(conversations, conversation_id, **dataset, question);
    if (!resolved.ok()) return ReportError(resolved.status(), json);
    follow_up = std::move(*resolved);
  }
  EngineAnswer answer = (*engine)->Answer(follow_up.question);
  nlohmann::json out = AnswerJson(question, answer);
  if (in_conversation) {
    out["conversation"] = conversation_id;
    out["resolved_question"] = follow_up.question;
    out["follow_up"] = {{"kind", FollowUpKindName(follow_up.kind)}, {"changes", follow_up.changes},
                        {"note", follow_up.note}};
  }
  nlohmann::json timings = {{"parse_ms", answer.parse_ms}, {"plan_ms", answer.plan_ms}};

  std::optional<QueryResult> result;
  if (answer.answered) {
    const auto start = std::chrono::steady_clock::now();
    auto rows = (*dataset)->Query(answer.sql, *limits);
    timings["execute_ms"] = MillisecondsSince(start);
    if (!rows.ok()) {
      // The engine wrote SQL the database refused: a bug on our side, reported as such.
      return ReportError(rows.status().WithContext("the engine's SQL failed (" + answer.sql + ")"), json);
    }
    result = std::move(rows).value();
    nlohmann::json r = result->ToJson();
    for (const char* key : {"columns", "rows", "row_count", "truncated"}) out[key] = r[key];
  }
  out["timings"] = timings;
  if (in_conversation) {
    ConversationTurn turn{question, follow_up.question, answer.answered ? answer.sql : "", answer.restatement,
                          (*dataset)->info().name, ""};
    if (auto saved = conversations.Append(conversation_id, std::move(turn)); !saved.ok()) {
      return ReportError(saved.status(), json);
    }
  }
  if (json) {
    PrintJson(out);
  } else {
    if (in_conversation) PrintFollowUp(follow_up);
    PrintReadable(answer, result ? &*result : nullptr);
  }
  return kExitOk;
}

}  // namespace da
