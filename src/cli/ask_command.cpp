// `dataanalyst ask NAME "question"`: the built-in engine's answer, run through the guard.
#include <chrono>
#include <cstdio>
#include <optional>

#include "cli/args.h"
#include "cli/commands.h"
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
  spec.with_value = {"data-dir", "max-rows", "timeout", "min-confidence"};
  spec.boolean = {"json"};
  auto args = Args::Parse(words, spec);
  const bool json = args.ok() && args->Has("json");
  if (!args.ok()) return ReportError(args.status(), json, true);
  if (args->positionals().size() != 2) {
    return ReportError(Status::InvalidArgument("usage: dataanalyst ask NAME \"question\" [--json] [--max-rows N] "
                                               "[--timeout SECONDS] [--min-confidence X] [--data-dir DIR]"),
                       json, true);
  }
  auto limits = LimitsFromArgs(*args, 1000, 20);
  if (!limits.ok()) return ReportError(limits.status(), json, true);
  EngineOptions options;
  auto min_confidence = args->GetDouble("min-confidence", options.min_confidence, 0, 1);
  if (!min_confidence.ok()) return ReportError(min_confidence.status(), json, true);
  options.min_confidence = *min_confidence;

  DatasetStore store(DatasetStore::ResolveDataDir(args->Get("data-dir")));
  auto dataset = Dataset::Open(store, args->positionals()[0]);
  if (!dataset.ok()) return ReportError(dataset.status(), json);
  auto engine = Engine::Create((*dataset)->catalog(), (*dataset)->values(), options);
  if (!engine.ok()) return ReportError(engine.status(), json);

  const std::string& question = args->positionals()[1];
  EngineAnswer answer = (*engine)->Answer(question);
  nlohmann::json out = AnswerJson(question, answer);
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
  if (json) {
    PrintJson(out);
  } else {
    PrintReadable(answer, result ? &*result : nullptr);
  }
  return kExitOk;
}

}  // namespace da
