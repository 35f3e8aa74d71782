// `dataanalyst eval BENCH.json --db-dir DIR`: scores the built-in question engine on a
// Spider-format question set by execution accuracy (see src/eval/evaluator.h).
//
// With --postgres CONNINFO each database is copied into a schema of that server and the engine
// answers on it, in PostgreSQL's dialect (gold SQL still runs on the SQLite files);
// --compare-sqlite runs the questions on both and lists those whose verdict differs.
#include <unistd.h>

#include <cstdio>
#include <fstream>
#include <map>
#include <optional>
#include <set>

#include "cli/args.h"
#include "cli/commands.h"
#include "cli/output.h"
#include "eval/bench_databases.h"
#include "common/strings.h"
#include "eval/bench_file.h"
#include "eval/engine_answerer.h"
#include "eval/eval_diff.h"
#include "eval/evaluator.h"

namespace da {

namespace {

constexpr const char* kEvalUsage =
    "usage: dataanalyst eval BENCH.json --db-dir DIR [--tables tables.json] [--pred-out FILE] [--db DB_ID[,DB_ID...]] "
    "[--limit N] [--timeout SECONDS] [--max-rows N] [--min-confidence X] [--postgres CONNINFO "
    "[--password-env VAR | --password-file FILE] [--schema-prefix P] [--compare-sqlite]] [--json]";

// The questions to run: those of the comma-separated db_ids in `dbs` when given
// (InvalidArgument naming one without questions), the first `limit` when limit > 0.
Result<std::vector<BenchQuestion>> SelectQuestions(std::vector<BenchQuestion> all, const std::string& dbs,
                                                   int64_t limit) {
  std::set<std::string> wanted;
  for (const auto& db : Split(dbs, ',')) {
    if (!Trim(db).empty()) wanted.insert(std::string(Trim(db)));
  }
  std::set<std::string> seen;
  std::vector<BenchQuestion> selected;
  for (auto& q : all) {
    if (!wanted.empty() && !wanted.count(q.db_id)) continue;
    if (limit > 0 && static_cast<int64_t>(selected.size()) >= limit) break;
    seen.insert(q.db_id);
    selected.push_back(std::move(q));
  }
  for (const auto& db : wanted) {
    if (!seen.count(db) && limit == 0)
      return Status::InvalidArgument("no question in the bench file has db_id '" + db + "'");
  }
  if (!wanted.empty() && selected.empty())
    return Status::InvalidArgument("no question in the bench file has db_id '" + dbs + "'");
  return selected;
}

Result<PostgresTarget> TargetFromArgs(const Args& args) {
  PostgresTarget target;
  if (args.Has("password-env") && args.Has("password-file"))
    return Status::InvalidArgument("choose one of --password-env and --password-file");
  target.login.conninfo = args.Get("postgres");
  target.login.password_env = args.Get("password-env");
  target.login.password_file = args.Get("password-file");
  target.login.application_name = "dataanalyst eval";
  if (args.Has("schema-prefix")) target.schema_prefix = args.Get("schema-prefix");
  DA_RETURN_IF_ERROR(target.login.Describe().status());
  // Each database becomes a connected dataset, whose stored connection never holds a password.
  if (target.login.ConninfoHasPassword())
    return Status::InvalidArgument("the connection string holds a password: pass it with --password-env VAR or "
                                   "--password-file FILE instead");
  return target;
}

// Runs the bench on the databases' current target.
EvalReport RunOn(const std::vector<BenchQuestion>& questions, BenchDatabases* databases,
                 const EngineOptions& engine_options, const EvalOptions& options) {
  return RunEval(questions, databases, MakeEngineAnswerer(engine_options), options);
}

nlohmann::json LoadsJson(const std::map<std::string, PgLoadReport>& loads) {
  nlohmann::json j = nlohmann::json::object();
  for (const auto& [db_id, load] : loads) {
    j[db_id] = {{"schema", load.schema},           {"up_to_date", load.up_to_date},
                {"tables", load.tables.size()},    {"primary_keys", load.primary_keys},
                {"foreign_keys", load.foreign_keys}, {"notes", load.notes},
                {"seconds", load.seconds}};
  }
  return j;
}

std::string LoadsText(const std::map<std::string, PgLoadReport>& loads) {
  std::string out = "Loaded into PostgreSQL:\n";
  for (const auto& [db_id, load] : loads) {
    char line[512];
    if (load.up_to_date) {
      std::snprintf(line, sizeof line, "  %s -> schema %s: up to date (loaded before from the same file)\n", db_id.c_str(),
                    load.schema.c_str());
    } else {
      std::snprintf(line, sizeof line, "  %s -> schema %s: %zu tables, %lld primary keys, %lld foreign keys, %.2f s\n",
                    db_id.c_str(), load.schema.c_str(), load.tables.size(), static_cast<long long>(load.primary_keys),
                    static_cast<long long>(load.foreign_keys), load.seconds);
    }
    out += line;
    for (const auto& note : load.notes) out += "    " + note + "\n";
  }
  return out;
}

void PrintText(const std::string& text) { std::fwrite(text.data(), 1, text.size(), stdout); }

// "db_id  SQLite  PostgreSQL" accuracy per database, for the compare mode.
std::string AccuracyTable(const EvalReport& a, const EvalReport& b, const std::string& b_name) {
  const auto pa = a.PerDatabase();
  const auto pb = b.PerDatabase();
  char line[256];
  std::snprintf(line, sizeof line, "%-28s %14s %14s\n", "db_id", "SQLite", b_name.substr(0, 14).c_str());
  std::string out = line;
  auto row = [&](const std::string& name, const Tally& ta, const Tally& tb) {
    const std::string ca = std::to_string(ta.correct) + "/" + std::to_string(ta.asked);
    const std::string cb = std::to_string(tb.correct) + "/" + std::to_string(tb.asked);
    std::snprintf(line, sizeof line, "%-28s %14s %14s\n", name.c_str(), ca.c_str(), cb.c_str());
    out += line;
  };
  for (const auto& [db, ta] : pa) row(db, ta, pb.count(db) ? pb.at(db) : Tally());
  row("all", a.Overall(), b.Overall());
  return out;
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
  spec.with_value = {"db-dir",   "tables",   "pred-out",       "limit",        "db",           "timeout",
                     "max-rows", "min-confidence", "postgres", "password-env", "password-file", "schema-prefix"};
  spec.boolean = {"json", "compare-sqlite"};
  auto args = Args::Parse(words, spec);
  const bool json = args.ok() && args->Has("json");
  if (!args.ok()) return ReportError(args.status(), json, true);
  if (args->positionals().size() != 1 || !args->Has("db-dir"))
    return ReportError(Status::InvalidArgument(kEvalUsage), json, true);
  const bool postgres = args->Has("postgres");
  const bool compare = args->Has("compare-sqlite");
  if (!postgres && (compare || args->Has("password-env") || args->Has("password-file") || args->Has("schema-prefix")))
    return ReportError(Status::InvalidArgument("--compare-sqlite, --password-env, --password-file and --schema-prefix "
                                               "need --postgres CONNINFO"),
                       json, true);
  auto limit = args->GetInt("limit", 0, 1, INT64_MAX);
  if (args->Has("limit") && !limit.ok()) return ReportError(limit.status(), json, true);
  auto limits = LimitsFromArgs(*args, 100'000, 10);
  if (!limits.ok()) return ReportError(limits.status(), json, true);
  auto min_confidence = args->GetDouble("min-confidence", EngineOptions().min_confidence, 0, 1);
  if (!min_confidence.ok()) return ReportError(min_confidence.status(), json, true);
  std::optional<PostgresTarget> target;
  if (postgres) {
    auto parsed = TargetFromArgs(*args);
    if (!parsed.ok()) return ReportError(parsed.status(), json, true);
    target = std::move(parsed).value();
    // Fail fast (a bad password or an unreachable server) instead of skipping every database.
    auto probe = PgClient::Connect(target->login);
    if (!probe.ok()) return ReportError(probe.status(), json);
  }

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
  // The SQLite run first when comparing: the same BenchDatabases then switches its target, so
  // the SQLite datasets (and the gold results' database) are shared by both runs.
  std::optional<EvalReport> sqlite_report;
  if (compare) sqlite_report = RunOn(*questions, databases->get(), engine_options, options);
  if (target) (*databases)->UsePostgres(*target);
  const std::string ran_on = (*databases)->TargetDescription();
  EvalReport report = RunOn(*questions, databases->get(), engine_options, options);

  if (args->Has("pred-out")) {
    Status st = WritePredictions(args->Get("pred-out"), report.PredictionsText());
    if (!st.ok()) return ReportError(st, json);
  }
  std::vector<QuestionDifference> differences;
  if (sqlite_report) {
    differences = DiffReports(*sqlite_report, report);
    AddResultRows(&differences, databases->get(), 5, options.limits);
  }
  if (json) {
    nlohmann::json j = report.ToJson();
    j["bench"] = args->positionals()[0];
    j["db_dir"] = args->Get("db-dir");
    j["gold_ran_on"] = "SQLite";
    j["predictions_ran_on"] = ran_on;
    if (target) j["postgres_loads"] = LoadsJson((*databases)->postgres_loads());
    if (sqlite_report) {
      nlohmann::json sqlite_json = sqlite_report->ToJson();
      sqlite_json["predictions_ran_on"] = "SQLite";
      j["sqlite"] = std::move(sqlite_json);
      j["differences"] = nlohmann::json::array();
      for (const auto& d : differences) j["differences"].push_back(d.ToJson("sqlite", "postgres"));
    }
    PrintJson(j);
    return kExitOk;
  }
  std::printf("Bench %s: %zu questions, databases in %s\nGold SQL ran on SQLite; predictions on %s\n\n",
              args->positionals()[0].c_str(), questions->size(), args->Get("db-dir").c_str(), ran_on.c_str());
  if (sqlite_report) {
    PrintText("== Predictions on SQLite\n" + sqlite_report->ToText() + "\n== Predictions on " + ran_on + "\n");
  }
  PrintText(report.ToText());
  if (target) PrintText("\n" + LoadsText((*databases)->postgres_loads()));
  if (sqlite_report) {
    PrintText("\nExecution accuracy, SQLite vs PostgreSQL (correct/asked):\n" + AccuracyTable(*sqlite_report, report, "PostgreSQL") +
              "\n" + DifferencesText(differences, "SQLite", "PostgreSQL"));
  }
  return kExitOk;
}

}  // namespace da
