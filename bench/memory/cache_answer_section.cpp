// A cache hit's answer end to end: AskPipeline::Ask over the walmart dataset (ingested into a
// scratch data directory, its memory opened as the CLI opens it) with no model, so every
// fresh answer is the engine's. For each question, in one process:
//
//   engine       a pipeline without memory answers it (the reference: intent, engine, SQL run,
//                chart, explanation);
//   exact        a pipeline with memory answers it again after answering it once: the
//                remembered result is served (no SQL run);
//   paraphrase   once the answer is approved, the same question reworded with the same
//                literals: a semantic hit whose stored result is still valid, so reused;
//   reparam      reworded with another literal: a semantic hit whose SQL is re-parameterised
//                and run again.
//
// Each path is asked options.rounds times after one warm-up; a path whose answer is not what
// it should be (not from memory, not reused...) is reported and left out of the figures.
#include <cstdio>
#include <filesystem>
#include <functional>
#include <string>
#include <vector>

#include "ask/dataset_memory.h"
#include "ask/pipeline.h"
#include "bench_common.h"
#include "engine/engine.h"
#include "ingest/ingest.h"
#include "llm/environment.h"
#include "sources/dataset.h"
#include "sources/dataset_store.h"

namespace da::bench {
namespace {

struct CacheQuestion {
  const char* question;
  const char* paraphrase;  // the same literals
  const char* variant;     // another literal
};

// General analyst questions the engine answers alone on walmart.
const std::vector<CacheQuestion> kQuestions = {
    {"Total sales by year", "sum of sales per year", nullptr},
    {"Top 5 stores by total sales", "top 5 stores by sum of sales", "top 8 stores by total sales"},
    {"What were total sales in 2011?", "sum of sales in 2011", "total sales in 2012"},
    {"Total sales per store", "sum of sales by store", nullptr},
    {"Average weekly sales of store 20 in 2012", "mean weekly sales of store 20 in 2012",
     "average weekly sales of store 7 in 2011"},
    {"Monthly sales totals for 2010", "monthly sales sums for 2010", "monthly sales totals for 2011"},
};

enum Path { kEngine, kExact, kParaphrase, kReparam, kPaths };
const char* const kPathNames[kPaths] = {"engine", "exact", "paraphrase", "reparam"};

// Whether an answer took the path it was asked on.
bool TookPath(const AskAnswer& a, Path path) {
  if (!a.answered || !a.error.ok()) return false;
  switch (path) {
    case kEngine: return a.source == "engine" && !a.cache.hit;
    case kExact: return a.cache.hit && a.cache.exact && a.cache.result_reused;
    case kParaphrase: return a.cache.hit && !a.cache.exact && a.cache.result_reused;
    case kReparam: return a.cache.hit && a.cache.reparameterised && !a.cache.result_reused;
    default: return false;
  }
}

// Wall-clock ms of `rounds` asks after a warm-up; empty (with a note) when an answer did not
// take `path`.
std::vector<double> TimeAsks(AskPipeline& pipeline, const std::string& question, Path path, int rounds) {
  std::vector<double> ms;
  for (int round = -1; round < rounds; ++round) {
    const auto start = Clock::now();
    AskAnswer a = pipeline.Ask(question);
    const double elapsed = MsSince(start);
    if (!TookPath(a, path)) {
      std::printf("  note: \"%s\" was not answered by the %s path (source %s, cache hit %d, exact %d, reused %d, "
                  "reparameterised %d): left out\n",
                  question.c_str(), kPathNames[path], a.source.c_str(), a.cache.hit, a.cache.exact,
                  a.cache.result_reused, a.cache.reparameterised);
      return {};
    }
    if (round >= 0) ms.push_back(elapsed);
  }
  return ms;
}

// Ingests walmart into `data_dir`, then times every question on every path and prints them.
void RunQuestions(const Options& options, const std::filesystem::path& data_dir) {
  DatasetStore store(data_dir);
  IngestOptions ingest;
  ingest.dataset = "walmart";
  if (auto report = IngestPath(&store, options.walmart, ingest); !report.ok()) Fail("ingest", report.status());
  auto dataset = Dataset::Open(store, "walmart");
  if (!dataset.ok()) Fail("open the dataset", dataset.status());
  auto engine = Engine::Create((*dataset)->catalog(), (*dataset)->values());
  if (!engine.ok()) Fail("engine", engine.status());
  auto memory = OpenDatasetMemory(**dataset, data_dir, nullptr, llm::Environment::FromMap({}));
  if (!memory.ok()) Fail("open the memory", memory.status());

  AskPipeline reference(**dataset, **engine, AskModels{});
  AskPipeline remembering(**dataset, **engine, AskModels{}, AskOptions{}, memory->memory.get());
  std::vector<double> all[kPaths];
  std::printf("%-42s %9s %9s %11s %9s   (p50 ms of %d asks)\n", "question", "engine", "exact", "paraphrase",
              "reparam", options.rounds);
  for (const CacheQuestion& q : kQuestions) {
    std::vector<double> ms[kPaths];
    ms[kEngine] = TimeAsks(reference, q.question, kEngine, options.rounds);
    AskAnswer first = remembering.Ask(q.question);  // a miss: answered by the engine and remembered
    if (first.answer_id == 0) {
      std::printf("  note: \"%s\" was not remembered: left out\n", q.question);
      continue;
    }
    ms[kExact] = TimeAsks(remembering, q.question, kExact, options.rounds);
    if (auto approved = memory->memory->Approve(first.answer_id); !approved.ok()) Fail("approve", approved.status());
    ms[kParaphrase] = TimeAsks(remembering, q.paraphrase, kParaphrase, options.rounds);
    if (q.variant) ms[kReparam] = TimeAsks(remembering, q.variant, kReparam, options.rounds);
    auto cell = [](const std::vector<double>& v) {
      char buf[16];
      if (v.empty()) return std::string("-");
      std::snprintf(buf, sizeof buf, "%.3f", Percentile(v, 0.5));
      return std::string(buf);
    };
    std::printf("%-42.42s %9s %9s %11s %9s\n", q.question, cell(ms[kEngine]).c_str(), cell(ms[kExact]).c_str(),
                cell(ms[kParaphrase]).c_str(), cell(ms[kReparam]).c_str());
    for (int p = 0; p < kPaths; ++p) all[p].insert(all[p].end(), ms[p].begin(), ms[p].end());
  }

  const double engine_p50 = Percentile(all[kEngine], 0.5);
  std::printf("\n%-44s %6s %9s %9s %12s\n", "path (all questions)", "asks", "p50 ms", "p95 ms", "p50 / engine");
  const char* const labels[kPaths] = {"engine (reference, no memory)", "from memory: same question, result reused",
                                      "from memory: paraphrase, result reused",
                                      "from memory: re-parameterised, SQL re-run"};
  for (int p = 0; p < kPaths; ++p) {
    const double p50 = Percentile(all[p], 0.5);
    std::printf("%-44s %6zu %9.3f %9.3f %11.2fx\n", labels[p], all[p].size(), p50, Percentile(all[p], 0.95),
                engine_p50 > 0 ? p50 / engine_p50 : 0.0);
  }
  std::printf("\n");
}

}  // namespace

void CacheAnswerSection(const Options& options) {
  std::printf("== cache-hit answer end to end: AskPipeline over walmart, no model ==\n");
  if (options.walmart.empty() || !std::filesystem::exists(options.walmart)) {
    std::printf("skipped: no walmart database (--walmart FILE)\n\n");
    return;
  }
  const std::filesystem::path data_dir = options.dir / "cache-answer";
  std::filesystem::remove_all(data_dir);
  RunQuestions(options, data_dir);  // everything it opened is closed when it returns
  std::filesystem::remove_all(data_dir);
}

}  // namespace da::bench
