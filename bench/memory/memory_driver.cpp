// The example memory's benchmark (issue #5: "lookup p50 < 1 ms with 100,000 entries, memory
// per 100,000 entries, cache-hit answer end to end"), in sections:
//
//   index    the built-in embedder (memory/text_embedder.h) and the hnswlib vector index
//            (memory/vector_index.h) alone on synthetic analyst-question templates, with an
//            exact brute-force scan over the same vectors as reference;
//   memory   the whole Memory over a SQLite store at ENTRIES approved examples
//            (full_memory_section.cpp);
//   answer   the ask pipeline over walmart answering from the engine or from memory
//            (cache_answer_section.cpp).
//
//   bench_memory_driver [ENTRIES] [--queries Q] [--brute-queries B] [--dir DIR]
//                       [--walmart WALMART.sqlite] [--rounds R] [--sections index,memory,answer]
//
// Questions come from generic word lists through a fixed pseudo-random generator, so every
// run and platform sees the same ones. Each section is a function (bench_common.h).
#include <algorithm>
#include <chrono>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <string>
#include <string_view>
#include <unordered_set>
#include <vector>

#include "bench_common.h"
#include "memory/text_embedder.h"
#include "memory/vector_index.h"

namespace da::bench {
namespace {

using memory::TextEmbedder;
using memory::VectorIndex;
using memory::VectorMatch;

constexpr size_t kTopK = 5;

// ---- deterministic question generator ----

constexpr std::string_view kAggregations[] = {
    "total", "sum of", "average", "mean", "number of", "count of", "maximum", "minimum",
    "median", "overall", "cumulative"};
constexpr std::string_view kMeasures[] = {
    "sales", "revenue", "profit", "gross margin", "units sold", "order value", "discount",
    "shipping cost", "returns", "salary", "bonus", "headcount", "overtime hours", "sick days",
    "tenure", "expenses", "budget", "operating income", "cash flow", "accounts receivable",
    "invoice amount", "tax", "refunds", "inventory", "stock level", "customers", "transactions",
    "basket size", "price", "cost of goods sold", "hires", "attrition", "training hours",
    "net income", "payroll", "commission"};
constexpr std::string_view kDimensions[] = {
    "region", "store", "city", "country", "product category", "product", "brand", "supplier",
    "sales channel", "customer segment", "department", "job title", "manager", "office",
    "cost center", "account", "business unit", "month", "quarter", "year", "week",
    "day of week", "payment method", "warehouse", "team", "employee", "vendor", "currency",
    "promotion", "store format", "gender", "age band", "contract type", "fiscal period"};
constexpr std::string_view kSuperlatives[] = {"highest", "lowest", "largest", "smallest", "most",
                                              "least"};
constexpr std::string_view kFilters[] = {
    "", "", "", "in <value:stores.region>", "for <year>", "in <year>", "since <date>",
    "in the last <number> months", "where price is above <number>",
    "for <value:products.category>", "excluding returns", "for full-time employees",
    "in the <value:departments.name> department", "between <date> and <date>",
    "for online orders", "in q<number> <year>", "year to date", "compared with last year",
    "for new customers", "for <value:customers.segment> customers", "before <date>",
    "with more than <number> orders", "for the <value:stores.name> store"};

// One question from a phrasing pattern ({a} aggregation, {m} measure, {d}/{e} dimensions,
// {s} superlative, {f} filter).
constexpr std::string_view kPhrasings[] = {
    "what is the {a} {m} by {d} {f}",        "show {a} {m} per {d} {f}",
    "{a} {m} for each {d} {f}",              "give me the {a} {m} grouped by {d} {f}",
    "how does {a} {m} vary across {d} {f}",  "top <number> {d} by {m} {f}",
    "which {d} has the {s} {m} {f}",         "list {d} with {m} above <number> {f}",
    "compare {m} between {d} {f}",           "{m} trend by {d} {f}",
    "breakdown of {a} {m} by {d} and {e} {f}", "what was our {a} {m} {f}",
    "how many {d} had {m} over <number> {f}",  "rank {d} by {a} {m} {f}",
};

std::string Expand(std::string_view pattern, Rng& rng) {
  std::string out;
  for (size_t i = 0; i < pattern.size(); ++i) {
    if (pattern[i] == '{' && i + 2 < pattern.size() && pattern[i + 2] == '}') {
      switch (pattern[i + 1]) {
        case 'a': out += rng.Pick(kAggregations); break;
        case 'm': out += rng.Pick(kMeasures); break;
        case 'd': case 'e': out += rng.Pick(kDimensions); break;
        case 's': out += rng.Pick(kSuperlatives); break;
        case 'f': out += rng.Pick(kFilters); break;
      }
      i += 2;
    } else {
      out += pattern[i];
    }
  }
  while (!out.empty() && out.back() == ' ') out.pop_back();
  return out;
}

// `n` distinct questions.
std::vector<std::string> GenerateQuestions(size_t n, uint64_t seed) {
  Rng rng(seed);
  std::unordered_set<std::string> seen;
  std::vector<std::string> out;
  while (out.size() < n) {
    std::string q = Expand(rng.Pick(kPhrasings), rng);
    if (seen.insert(q).second) out.push_back(std::move(q));
  }
  return out;
}

// ---- the shared corpus ----

struct Corpus {
  std::vector<std::string> questions;  // stored entries, label = position
  std::vector<std::string> queries;    // new questions asked (another seed; some repeat)
  std::vector<std::vector<float>> vectors;  // embeddings of `questions`
};

// ---- section 1: embedder + vector index, with brute force as reference ----

void EmbedCorpus(const TextEmbedder& embedder, Corpus& corpus) {
  std::vector<double> per_question_us;
  per_question_us.reserve(corpus.questions.size());
  const auto start = Clock::now();
  for (const std::string& q : corpus.questions) {
    const auto t = Clock::now();
    corpus.vectors.push_back(embedder.EmbedOne(q));
    per_question_us.push_back(MsSince(t) * 1000);
  }
  std::printf("embed            %zu questions in %.2f s: p50 %.1f us, p99 %.1f us per question\n",
              corpus.questions.size(), MsSince(start) / 1000, Percentile(per_question_us, 0.5),
              Percentile(per_question_us, 0.99));
}

std::unique_ptr<VectorIndex> BuildIndex(const Corpus& corpus, int dimension) {
  const int64_t rss_before = RssBytes();
  const auto start = Clock::now();
  auto index = VectorIndex::Create(dimension);
  if (!index.ok()) Fail("create index", index.status());
  for (size_t i = 0; i < corpus.vectors.size(); ++i) {
    if (auto st = (*index)->Add(i, corpus.vectors[i]); !st.ok()) Fail("add", st);
  }
  const double seconds = MsSince(start) / 1000;
  const int64_t rss_delta = RssBytes() - rss_before;
  const double per_100k = Mb(rss_delta) * 100000.0 / static_cast<double>(corpus.vectors.size());
  std::printf("index build      %.2f s (%.0f adds/s)\n", seconds,
              static_cast<double>(corpus.vectors.size()) / seconds);
  std::printf("index memory     RSS +%.1f MB (%.1f MB per 100,000 entries, %.0f bytes/entry)\n",
              Mb(rss_delta), per_100k,
              static_cast<double>(rss_delta) / static_cast<double>(corpus.vectors.size()));
  return std::move(index).value();
}

void SaveAndLoad(const VectorIndex& index, const Options& options) {
  const auto path = options.dir / "memory-bench.index";
  auto start = Clock::now();
  if (auto st = index.Save(path); !st.ok()) Fail("save", st);
  const double save_ms = MsSince(start);
  const auto bytes = static_cast<int64_t>(std::filesystem::file_size(path));
  start = Clock::now();
  auto loaded = VectorIndex::Load(path, index.dimension());
  if (!loaded.ok()) Fail("load", loaded.status());
  const double load_ms = MsSince(start);
  std::printf("index file       %.1f MB; save %.0f ms, load %.0f ms (%zu entries loaded)\n", Mb(bytes),
              save_ms, load_ms, (*loaded)->size());
  std::filesystem::remove(path);
}

// Exact top-1 over all vectors (they are unit length, so the dot product is the cosine).
VectorMatch BruteForceBest(const std::vector<std::vector<float>>& vectors,
                           const std::vector<float>& query) {
  VectorMatch best{0, -2.0f};
  for (size_t i = 0; i < vectors.size(); ++i) {
    float dot = 0;
    for (size_t j = 0; j < query.size(); ++j) dot += vectors[i][j] * query[j];
    if (dot > best.score) best = {i, dot};
  }
  return best;
}

// Lookup = embed the new question + search k nearest; returns the p50 in ms.
double TimeLookups(const TextEmbedder& embedder, const VectorIndex& index, const Corpus& corpus) {
  std::vector<double> lookup_ms, search_ms;
  for (const std::string& q : corpus.queries) {
    const auto start = Clock::now();
    std::vector<float> v = embedder.EmbedOne(q);
    const auto searched = Clock::now();
    auto found = index.Search(v, kTopK);
    if (!found.ok()) Fail("search", found.status());
    lookup_ms.push_back(MsSince(start));
    search_ms.push_back(MsSince(searched));
  }
  const double p50 = Percentile(lookup_ms, 0.5);
  std::printf("lookup (k=%zu)     embed+search p50 %.3f ms, p99 %.3f ms; search alone p50 %.3f ms, "
              "p99 %.3f ms (%zu queries)\n",
              kTopK, p50, Percentile(lookup_ms, 0.99), Percentile(search_ms, 0.5),
              Percentile(search_ms, 0.99), corpus.queries.size());
  return p50;
}

void CompareWithBruteForce(const TextEmbedder& embedder, const VectorIndex& index,
                           const Corpus& corpus, size_t count) {
  count = std::min(count, corpus.queries.size());
  std::vector<double> brute_ms, hnsw_ms;
  size_t hits = 0;
  for (size_t i = 0; i < count; ++i) {
    std::vector<float> v = embedder.EmbedOne(corpus.queries[i]);
    auto start = Clock::now();
    VectorMatch exact = BruteForceBest(corpus.vectors, v);
    brute_ms.push_back(MsSince(start));
    start = Clock::now();
    auto found = index.Search(v, kTopK);
    hnsw_ms.push_back(MsSince(start));
    if (!found.ok()) Fail("search", found.status());
    // A different label with the same score (identical vectors) is as good an answer.
    if (!found->empty() && ((*found)[0].label == exact.label ||
                            (*found)[0].score >= exact.score - 1e-6f)) {
      ++hits;
    }
  }
  const double brute = Percentile(brute_ms, 0.5), hnsw = Percentile(hnsw_ms, 0.5);
  std::printf("brute force      exact scan p50 %.3f ms vs hnsw %.3f ms (%.0fx faster); "
              "recall@1 %.3f (%zu queries)\n",
              brute, hnsw, hnsw > 0 ? brute / hnsw : 0.0,
              static_cast<double>(hits) / static_cast<double>(count), count);
}

// Splits "a,b,c".
std::vector<std::string> SplitList(std::string_view text) {
  std::vector<std::string> out;
  size_t start = 0;
  while (start <= text.size()) {
    const size_t comma = std::min(text.find(',', start), text.size());
    if (comma > start) out.emplace_back(text.substr(start, comma - start));
    start = comma + 1;
  }
  return out;
}

[[noreturn]] void Usage(const char* argv0) {
  std::fprintf(stderr,
               "usage: %s [ENTRIES] [--queries Q] [--brute-queries B] [--dir DIR] [--walmart FILE] "
               "[--rounds R] [--sections index,memory,answer]\n",
               argv0);
  std::exit(2);
}

Options ParseArgs(int argc, char** argv) {
  Options o;
  for (int i = 1; i < argc; ++i) {
    std::string_view arg = argv[i];
    if (arg.starts_with("--") && i + 1 < argc) {
      const char* value = argv[++i];
      if (arg == "--queries") {
        o.queries = std::strtoull(value, nullptr, 10);
      } else if (arg == "--brute-queries") {
        o.brute_queries = std::strtoull(value, nullptr, 10);
      } else if (arg == "--dir") {
        o.dir = value;
      } else if (arg == "--walmart") {
        o.walmart = value;
      } else if (arg == "--rounds") {
        o.rounds = std::atoi(value);
      } else if (arg == "--sections") {
        o.sections = SplitList(value);
      } else {
        Usage(argv[0]);
      }
    } else if (!arg.empty() && arg[0] != '-') {
      o.entries = std::strtoull(argv[i], nullptr, 10);
    } else {
      Usage(argv[0]);
    }
  }
  if (o.entries == 0 || o.queries == 0 || o.rounds <= 0) {
    std::fprintf(stderr, "ENTRIES, --queries and --rounds must be positive\n");
    std::exit(2);
  }
  return o;
}

}  // namespace

void EmbedderAndIndexSection(const Options& options) {
  std::printf("== built-in embedder + hnswlib vector index ==\n");
  Corpus corpus;
  corpus.questions = GenerateQuestions(options.entries, 1);
  corpus.queries = GenerateQuestions(options.queries, 2);
  std::printf("corpus           %zu stored questions, %zu new ones, e.g. \"%s\"\n", corpus.questions.size(),
              corpus.queries.size(), corpus.questions[0].c_str());
  TextEmbedder embedder;
  std::printf("embedder         %s\n", embedder.id().c_str());
  EmbedCorpus(embedder, corpus);
  const int64_t vectors_bytes = static_cast<int64_t>(corpus.vectors.size()) * embedder.dimension() *
                                static_cast<int64_t>(sizeof(float));
  std::printf("raw vectors      %.1f MB (%zu x %d floats)\n", Mb(vectors_bytes), corpus.vectors.size(),
              embedder.dimension());
  auto index = BuildIndex(corpus, embedder.dimension());
  SaveAndLoad(*index, options);
  const double p50 = TimeLookups(embedder, *index, corpus);
  CompareWithBruteForce(embedder, *index, corpus, options.brute_queries);
  std::printf("verdict          lookup p50 %.3f ms with %zu entries: %s (target < %.0f ms)\n\n", p50,
              corpus.questions.size(), p50 < kTargetLookupMs ? "PASS" : "FAIL", kTargetLookupMs);
}

}  // namespace da::bench

int main(int argc, char** argv) {
  using namespace da::bench;
  const Options options = ParseArgs(argc, argv);
  const int64_t rss_start = RssBytes();
  // The full memory first: its memory figures are deltas, clearest in a fresh heap.
  if (options.Runs("memory")) FullMemorySection(options);
  if (options.Runs("answer")) CacheAnswerSection(options);
  if (options.Runs("index")) EmbedderAndIndexSection(options);
  std::printf("process RSS      %.1f MB at the end, %.1f MB at start\n", Mb(RssBytes()), Mb(rss_start));
  return 0;
}
