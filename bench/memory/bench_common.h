// What the memory benchmark's sections share: options, a deterministic random generator,
// timing and memory measurement, and the sections themselves (one function each, called
// from main in memory_driver.cpp).
#pragma once

#include <chrono>
#include <cstdint>
#include <cstdio>
#include <filesystem>
#include <string>
#include <vector>

#include "common/status.h"
#include "measure.h"

namespace da::bench {

constexpr double kTargetLookupMs = 1.0;  // issue #5: lookup p50 < 1 ms with 100,000 entries

struct Options {
  size_t entries = 100000;
  size_t queries = 1000;
  size_t brute_queries = 200;
  int rounds = 30;                 // cache-hit answer section: timed asks per question and path
  std::filesystem::path dir = std::filesystem::temp_directory_path();
  std::filesystem::path walmart;   // the walmart SQLite database; empty: that section is skipped
  std::vector<std::string> sections = {"index", "memory", "answer"};
  bool Runs(const std::string& section) const;
};

// splitmix64: the same sequence everywhere (std:: distributions are implementation-defined).
class Rng {
 public:
  explicit Rng(uint64_t seed) : state_(seed) {}
  uint64_t Next() {
    uint64_t z = (state_ += 0x9e3779b97f4a7c15ULL);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
    return z ^ (z >> 31);
  }
  size_t Below(size_t n) { return static_cast<size_t>(Next() % n); }
  template <typename List>
  const auto& Pick(const List& list) {
    return list[Next() % std::size(list)];
  }

 private:
  uint64_t state_;
};

// Sections.
// The built-in embedder and the hnswlib index alone on synthetic question templates.
void EmbedderAndIndexSection(const Options& options);
// The whole Memory (SQLite store, keys, index, re-parameterisation) at options.entries
// approved examples: build, open, lookup latency (exact, semantic, miss), memory, files.
void FullMemorySection(const Options& options);
// The ask pipeline over walmart: an answer by the engine against one from memory.
void CacheAnswerSection(const Options& options);

}  // namespace da::bench
