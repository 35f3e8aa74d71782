// `dataanalyst feedback` and `dataanalyst examples`: what people teach the memory.
//
//   feedback NAME --approve|--reject [ID] [--question "text"] [--sql "corrected SQL"] [--notes "..."]
//     Approves or rejects a remembered answer, named by its answer id (printed by `ask`) or by
//     its question. Approving with --sql stores the corrected statement (checked first);
//     --question with --sql and no remembered answer adds the pair as an example.
//   examples NAME [list] | import FILE | export FILE | remove ID
//     Examples as JSONL ({"question", "sql", "notes"?} per line) or XLSX (the original
//     platform's columns: question, query), chosen by the file's extension.
#include <cstdio>

#include "ask/dataset_memory.h"
#include "cli/args.h"
#include "cli/commands.h"
#include "cli/config_loading.h"
#include "cli/output.h"
#include "memory/example_file.h"
#include "memory/feedback.h"
#include "sources/dataset.h"
#include "sources/dataset_store.h"

namespace da {

namespace {

using memory::EntryJson;
using memory::EntryStatus;
using memory::MemoryEntry;
using nlohmann::json;

constexpr const char* kFeedbackUsage =
    "usage: dataanalyst feedback NAME --approve|--reject [ANSWER_ID] [--question \"text\"] [--sql \"SQL\"] "
    "[--notes \"text\"] [--json] [--config FILE] [--data-dir DIR]";
constexpr const char* kExamplesUsage =
    "usage: dataanalyst examples NAME [list | import FILE | export FILE | remove ID] [--json] [--config FILE] "
    "[--data-dir DIR]";

// An open dataset and its memory, for the commands below.
struct Opened {
  std::unique_ptr<Dataset> dataset;
  DatasetMemory memory;
};

Result<Opened> OpenMemoryOf(const Args& args) {
  const std::filesystem::path data_dir = DatasetStore::ResolveDataDir(args.Get("data-dir"));
  const llm::Environment env = llm::Environment::Process();
  DA_ASSIGN_OR_RETURN(auto config, LoadOptionalConfig(args, env, data_dir));
  DatasetStore store(data_dir);
  Opened out;
  DA_ASSIGN_OR_RETURN(out.dataset, Dataset::Open(store, args.positionals()[0]));
  DA_ASSIGN_OR_RETURN(out.memory, OpenDatasetMemory(*out.dataset, data_dir, config ? &*config : nullptr, env));
  return out;
}

// An answer or example id as typed: a positive whole number.
Result<int64_t> ParseId(const std::string& text, const char* what) {
  char* end = nullptr;
  const long long id = std::strtoll(text.c_str(), &end, 10);
  if (text.empty() || *end != '\0' || id <= 0) {
    return Status::InvalidArgument(std::string("expected ") + what + " (a positive number), got '" + text + "'");
  }
  return static_cast<int64_t>(id);
}

Result<MemoryEntry> ApplyFeedback(const Args& args, memory::Memory& memory) {
  memory::Feedback feedback;
  feedback.approve = args.Has("approve");
  if (args.positionals().size() == 2) {
    DA_ASSIGN_OR_RETURN(feedback.answer_id, ParseId(args.positionals()[1], "an answer id"));
  }
  if (args.Has("question")) feedback.question = args.Get("question");
  if (args.Has("sql")) feedback.sql = args.Get("sql");
  feedback.notes = args.Get("notes");
  return memory::ApplyFeedback(memory, feedback);
}

int ExamplesList(memory::Memory& memory, bool as_json) {
  auto entries = memory.Entries(EntryStatus::kApproved);
  if (!entries.ok()) return ReportError(entries.status(), as_json);
  if (as_json) {
    json list = json::array();
    for (const auto& e : *entries) list.push_back(EntryJson(e));
    PrintJson({{"dataset", memory.dataset()}, {"examples", list}});
    return kExitOk;
  }
  for (const auto& e : *entries) {
    std::printf("%lld  %s\n      %s\n", static_cast<long long>(e.id), e.question.c_str(), e.sql.c_str());
  }
  std::printf("(%zu examples)\n", entries->size());
  return kExitOk;
}

int ExamplesImport(memory::Memory& memory, const std::string& path, bool as_json) {
  auto file = memory::ReadExampleFile(path);
  if (!file.ok()) return ReportError(file.status(), as_json);
  std::vector<memory::Example> examples;
  std::vector<std::string> origins;
  for (const auto& record : *file) {
    examples.push_back({0, record.question, record.sql, record.notes, 0});
    origins.push_back(record.origin);
  }
  if (Status s = memory.AddExamples(examples, origins, "import"); !s.ok()) return ReportError(s, as_json);
  if (as_json) {
    PrintJson({{"dataset", memory.dataset()}, {"imported", examples.size()}, {"file", path}});
  } else {
    std::printf("Imported %zu examples from %s into %s.\n", examples.size(), path.c_str(), memory.dataset().c_str());
  }
  return kExitOk;
}

int ExamplesExport(memory::Memory& memory, const std::string& path, bool as_json) {
  auto entries = memory.Entries(EntryStatus::kApproved);
  if (!entries.ok()) return ReportError(entries.status(), as_json);
  std::vector<memory::ExampleRecord> records;
  for (const auto& e : *entries) records.push_back({e.question, e.sql, e.notes, ""});
  if (Status s = memory::WriteExampleFile(path, records); !s.ok()) return ReportError(s, as_json);
  if (as_json) {
    PrintJson({{"dataset", memory.dataset()}, {"exported", records.size()}, {"file", path}});
  } else {
    std::printf("Exported %zu examples to %s.\n", records.size(), path.c_str());
  }
  return kExitOk;
}

}  // namespace

int FeedbackCommand(const Words& words) {
  FlagSpec spec;
  spec.with_value = {"data-dir", "config", "question", "sql", "notes"};
  spec.boolean = {"json", "approve", "reject"};
  auto args = Args::Parse(words, spec);
  const bool as_json = args.ok() && args->Has("json");
  if (!args.ok()) return ReportError(args.status(), as_json, true);
  const size_t n = args->positionals().size();
  if (n < 1 || n > 2 || args->Has("approve") == args->Has("reject")) {
    return ReportError(Status::InvalidArgument(kFeedbackUsage), as_json, true);
  }
  auto opened = OpenMemoryOf(*args);
  if (!opened.ok()) return ReportError(opened.status(), as_json);
  auto entry = ApplyFeedback(*args, *opened->memory.memory);
  if (!entry.ok()) return ReportError(entry.status(), as_json);
  if (as_json) {
    PrintJson({{"dataset", opened->memory.memory->dataset()}, {"entry", EntryJson(*entry)}});
  } else if (entry->status == EntryStatus::kApproved) {
    std::printf("Approved answer %lld: \"%s\" is now an example and answers similar questions.\n",
                static_cast<long long>(entry->id), entry->question.c_str());
  } else {
    std::printf("Rejected answer %lld: it will not be given again for \"%s\".\n", static_cast<long long>(entry->id),
                entry->question.c_str());
  }
  return kExitOk;
}

int ExamplesCommand(const Words& words) {
  FlagSpec spec;
  spec.with_value = {"data-dir", "config"};
  spec.boolean = {"json"};
  auto args = Args::Parse(words, spec);
  const bool as_json = args.ok() && args->Has("json");
  if (!args.ok()) return ReportError(args.status(), as_json, true);
  const auto& p = args->positionals();
  const std::string action = p.size() >= 2 ? p[1] : "list";
  const bool with_operand = action == "import" || action == "export" || action == "remove";
  if (p.empty() || p.size() != (with_operand ? 3u : std::min<size_t>(p.size(), 2)) ||
      (!with_operand && action != "list")) {
    return ReportError(Status::InvalidArgument(kExamplesUsage), as_json, true);
  }
  auto opened = OpenMemoryOf(*args);
  if (!opened.ok()) return ReportError(opened.status(), as_json);
  memory::Memory& memory = *opened->memory.memory;
  if (action == "list") return ExamplesList(memory, as_json);
  if (action == "import") return ExamplesImport(memory, p[2], as_json);
  if (action == "export") return ExamplesExport(memory, p[2], as_json);
  auto id = ParseId(p[2], "an example id");
  if (!id.ok()) return ReportError(id.status(), as_json, true);
  if (Status s = memory.Remove(*id); !s.ok()) return ReportError(s, as_json);
  if (as_json) {
    PrintJson({{"dataset", memory.dataset()}, {"removed", *id}});
  } else {
    std::printf("Removed %lld.\n", static_cast<long long>(*id));
  }
  return kExitOk;
}

}  // namespace da
