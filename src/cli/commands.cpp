#include "ask/dataset_memory.h"
#include "cli/config_loading.h"
#include "cli/commands.h"

#include <unistd.h>

#include <chrono>
#include <cstdio>

#include "cli/args.h"
#include "cli/output.h"
#include "server/dataset_removal.h"
#include "common/strings.h"
#include "ingest/ingest.h"
#include "sources/dataset.h"
#include "sources/dataset_store.h"

namespace da {

namespace {

// Flags every dataset command accepts.
FlagSpec CommonFlags() {
  FlagSpec spec;
  spec.with_value = {"data-dir"};
  spec.boolean = {"json"};
  return spec;
}

void Print(const std::string& text) { std::fwrite(text.data(), 1, text.size(), stdout); }

}  // namespace

int IngestCommand(const Words& words) {
  FlagSpec spec = CommonFlags();
  spec.with_value.insert({"dataset", "metadata", "max-rejected"});
  spec.repeatable = {"metadata"};
  spec.boolean.insert("no-progress");
  auto args = Args::Parse(words, spec);
  const bool json = args.ok() && args->Has("json");
  if (!args.ok()) return ReportError(args.status(), json, true);
  if (args->positionals().size() != 1 || !args->Has("dataset")) {
    return ReportError(Status::InvalidArgument("usage: dataanalyst ingest PATH --dataset NAME [--metadata FILE] "
                                               "[--max-rejected N] [--data-dir DIR] [--json]"),
                       json, true);
  }
  auto max_rejected = args->GetInt("max-rejected", 0, 0, INT64_MAX);
  if (!max_rejected.ok()) return ReportError(max_rejected.status(), json, true);

  IngestOptions options;
  options.dataset = args->Get("dataset");
  options.max_rejected_rows = *max_rejected;
  options.progress_bar = !json && !args->Has("no-progress") && isatty(STDERR_FILENO);
  for (const auto& m : args->GetAll("metadata")) options.metadata_files.emplace_back(m);

  DatasetStore store(DatasetStore::ResolveDataDir(args->Get("data-dir")));
  auto report = IngestPath(&store, args->positionals()[0], options);
  if (!report.ok()) return ReportError(report.status(), json);
  if (json) {
    PrintJson(report->ToJson());
  } else {
    Print(report->ToText());
  }
  return kExitOk;
}

int SchemaCommand(const Words& words) {
  FlagSpec spec = CommonFlags();
  spec.boolean.insert("refresh");
  auto args = Args::Parse(words, spec);
  const bool json = args.ok() && args->Has("json");
  if (!args.ok()) return ReportError(args.status(), json, true);
  if (args->positionals().size() != 1) {
    return ReportError(Status::InvalidArgument("usage: dataanalyst schema NAME [--refresh] [--json] [--data-dir DIR]"),
                       json, true);
  }
  if (args->Has("refresh")) return RefreshSchema(args->positionals()[0], args->Get("data-dir"), json);
  DatasetStore store(DatasetStore::ResolveDataDir(args->Get("data-dir")));
  auto info = store.Get(args->positionals()[0]);
  if (!info.ok()) return ReportError(info.status(), json);
  auto catalog = Catalog::Load(info->catalog_path.string());
  if (!catalog.ok()) return ReportError(catalog.status(), json);
  if (json) {
    nlohmann::json j = catalog->ToJson();
    j["dataset_info"] = info->ToJson();
    PrintJson(j);
  } else {
    Print(catalog->ToText());
  }
  return kExitOk;
}

int SqlCommand(const Words& words) {
  FlagSpec spec = CommonFlags();
  spec.with_value.insert({"max-rows", "timeout"});
  spec.boolean.insert("csv");
  auto args = Args::Parse(words, spec);
  const bool json = args.ok() && args->Has("json");
  if (!args.ok()) return ReportError(args.status(), json, true);
  if (args->positionals().size() != 2) {
    return ReportError(Status::InvalidArgument("usage: dataanalyst sql NAME \"SELECT ...\" [--json|--csv] "
                                               "[--max-rows N] [--timeout SECONDS] [--data-dir DIR]"),
                       json, true);
  }
  if (json && args->Has("csv"))
    return ReportError(Status::InvalidArgument("choose one of --json and --csv"), json, true);
  auto limits = LimitsFromArgs(*args, 1000, 20);
  if (!limits.ok()) return ReportError(limits.status(), json, true);

  DatasetStore store(DatasetStore::ResolveDataDir(args->Get("data-dir")));
  auto dataset = Dataset::Open(store, args->positionals()[0]);
  if (!dataset.ok()) return ReportError(dataset.status(), json);
  auto result = (*dataset)->Query(args->positionals()[1], *limits);
  if (!result.ok()) return ReportError(result.status(), json);
  if (json) {
    PrintJson(result->ToJson());
  } else if (args->Has("csv")) {
    Print(result->ToCsv());
  } else {
    Print(result->ToText());
  }
  return kExitOk;
}

int DatasetsCommand(const Words& words) {
  FlagSpec spec = CommonFlags();
  spec.with_value.insert("config");  // where a shared memory lives, to forget a removed dataset's
  auto args = Args::Parse(words, spec);
  const bool json = args.ok() && args->Has("json");
  if (!args.ok()) return ReportError(args.status(), json, true);
  const auto& pos = args->positionals();
  DatasetStore store(DatasetStore::ResolveDataDir(args->Get("data-dir")));
  if (pos.size() == 2 && pos[0] == "remove") {
    const llm::Environment env = llm::Environment::Process();
    auto config = LoadOptionalConfig(*args, env, store.dir());
    if (!config.ok()) return ReportError(config.status(), json);
    Status st = server::RemoveDataset(&store, pos[1], *config ? &**config : nullptr, env);
    if (!st.ok()) return ReportError(st, json);
    if (json) PrintJson({{"removed", pos[1]}});
    else std::printf("removed dataset '%s'\n", pos[1].c_str());
    return kExitOk;
  }
  if (!(pos.empty() || (pos.size() == 1 && pos[0] == "list"))) {
    return ReportError(Status::InvalidArgument("usage: dataanalyst datasets [list | remove NAME] [--json]"), json, true);
  }
  auto all = store.List();
  if (!all.ok()) return ReportError(all.status(), json);
  if (json) {
    nlohmann::json arr = nlohmann::json::array();
    for (const auto& d : *all) arr.push_back(d.ToJson());
    PrintJson({{"data_dir", store.dir().string()}, {"datasets", arr}});
    return kExitOk;
  }
  if (all->empty()) {
    std::printf("no datasets in %s; create one with `dataanalyst ingest PATH --dataset NAME`\n",
                store.dir().c_str());
    return kExitOk;
  }
  for (const auto& d : *all) {
    std::printf("%-24s %-7s v%-3lld %s  %s%s\n", d.name.c_str(), d.kind.c_str(), static_cast<long long>(d.version),
                d.created_at.c_str(), d.source.c_str(), d.attached ? " (attached, read-only)" : "");
  }
  return kExitOk;
}

}  // namespace da
