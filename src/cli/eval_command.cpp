// `dataanalyst eval BENCH.json --db-dir DIR`: scores the built-in question engine on a
// Spider-format question set by execution accuracy (see src/eval/evaluator.h).
#include <unistd.h>

#include <cstdio>
#include <fstream>
#include <set>

#include "cli/args.h"
#include "cli/commands.h"
#include "cli/output.h"
#include "eval/bench_databases.h"
#include "eval/bench_file.h"
#include "eval/engine_answerer.h"
#include "eval/evaluator.h"

namespace da {

namespace {

constexpr const char* kEvalUsage =
    "usage: dataanalyst eval BENCH.json --db-dir DIR [--tables tables.json] [--pred-out FILE] [--db DB_ID] "
    "[--limit N] [--timeout SECONDS] [--max-rows N] [--min-confidence X] [--json]";

// The questions to run: those of `db` when given (InvalidArgument when there are none), the
// first `limit` when limit > 0.
Result<std::vector<BenchQuestion>> SelectQuestions(std::vector<BenchQuestion> all, const std::string& db,
                                                   int64_t limit) {
  std::vector<BenchQuestion> selected;
  for (auto& q : all) {
    if (!db.empty() && q.db_id != db) continue;
    if (limit > 0 && static_cast<int64_t>(selected.size()) >= limit) break;
    selected.push_back(std::move(q));
  }
  if (!db.empty() && selected.empty())
    return Status::InvalidArgument("no question in the bench file has db_id '" + db + "'");
  return selected;
}

Status WritePredictions(const std::string& path, const std::string& text) {
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  if (!out) return Status::IoError("cannot write predictions to " + path);
  out << text;
  out.close();
  if (!out) return Status::IoError("cannot write predictions to " + path);
  return Status::Ok();
}

}  // namespace

int EvalCommand(const Words& words) {
  FlagSpec spec;
  spec.with_value = {"db-dir", "tables", "pred-out", "limit", "db", "timeout", "max-rows", "min-confidence"};
  spec.boolean = {"json"};
  auto args = Args::Parse(words, spec);
  const bool json = args.ok() && args->Has("json");
  if (!args.ok()) return ReportError(args.status(), json, true);
  if (args->positionals().size() != 1 || !args->Has("db-dir"))
    return ReportError(Status::InvalidArgument(kEvalUsage), json, true);
  auto limit = args->GetInt("limit", 0, 1, INT64_MAX);
  if (args->Has("limit") && !limit.ok()) return ReportError(limit.status(), json, true);
  auto limits = LimitsFromArgs(*args, 100'000, 10);
  if (!limits.ok()) return ReportError(limits.status(), json, true);
  auto min_confidence = args->GetDouble("min-confidence", EngineOptions().min_confidence, 0, 1);
  if (!min_confidence.ok()) return ReportError(min_confidence.status(), json, true);

  auto all = LoadBench(args->positionals()[0]);
  if (!all.ok()) return ReportError(all.status(), json);
  auto questions = SelectQuestions(std::move(all).value(), args->Get("db"), args->Has("limit") ? *limit : 0);
  if (!questions.ok()) return ReportError(questions.status(), json);
  std::set<std::string> listed;
  if (args->Has("tables")) {
    auto ids = LoadTablesDbIds(args->Get("tables"));
    if (!ids.ok()) return ReportError(ids.status(), json);
    listed = std::move(ids).value();
  }

  auto scratch = ScratchDir::Create("dataanalyst-eval-");
  if (!scratch.ok()) return ReportError(scratch.status(), json);
  auto databases = BenchDatabases::Create(args->Get("db-dir"), (*scratch)->path() / "data");
  if (!databases.ok()) return ReportError(databases.status(), json);
  if (args->Has("tables")) (*databases)->RestrictTo(listed, args->Get("tables"));

  EngineOptions engine_options;
  engine_options.min_confidence = *min_confidence;
  EvalOptions options;
  options.limits = *limits;
  if (!json && isatty(STDERR_FILENO)) {
    options.progress = [](size_t done, size_t total) {
      std::fprintf(stderr, "\r%zu/%zu questions", done, total);
      if (done == total) std::fputs("\n", stderr);
    };
  }
  EvalReport report = RunEval(*questions, databases->get(), MakeEngineAnswerer(engine_options), options);

  if (args->Has("pred-out")) {
    Status st = WritePredictions(args->Get("pred-out"), report.PredictionsText());
    if (!st.ok()) return ReportError(st, json);
  }
  if (json) {
    nlohmann::json j = report.ToJson();
    j["bench"] = args->positionals()[0];
    j["db_dir"] = args->Get("db-dir");
    PrintJson(j);
  } else {
    std::printf("Bench %s: %zu questions, databases in %s\n\n", args->positionals()[0].c_str(), questions->size(),
                args->Get("db-dir").c_str());
    const std::string text = report.ToText();
    std::fwrite(text.data(), 1, text.size(), stdout);
  }
  return kExitOk;
}

}  // namespace da
