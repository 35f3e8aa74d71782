// The distinct values of a dataset's text columns, so the question engine can tell that
// "France" in a question is a value of singer.country. Built at ingest, stored beside the
// catalog, loaded with the dataset.
#pragma once

#include <sqlite3.h>

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "catalog/catalog.h"
#include "common/status.h"

namespace da {

struct ValueHit {
  std::string table, column;
  std::string value;   // as stored
  int64_t count = 0;   // rows holding it
  double score = 1.0;  // 1 exact (case/accent/space-insensitive); lower for partial matches
};

class ValueIndex {
 public:
  // Up to this many distinct values per column are indexed; columns with more (free text,
  // ids) are left out.
  static constexpr int64_t kMaxValuesPerColumn = 100000;

  // Reads the distinct values of every visible TEXT (and DATE-as-text) column with at most
  // kMaxValuesPerColumn distinct values, per the catalog's distinct counts.
  static Result<ValueIndex> Build(sqlite3* db, const Catalog& catalog);
  Status Save(const std::string& path) const;  // atomic
  static Result<ValueIndex> Load(const std::string& path);

  // Values equal to `phrase` after normalisation (lowercase, accents folded, punctuation and
  // whitespace collapsed), best first.
  std::vector<ValueHit> Exact(std::string_view phrase) const;
  // Values containing every word of `phrase` as whole words, or differing by a small edit
  // distance; best first, at most `max`.
  std::vector<ValueHit> Partial(std::string_view phrase, size_t max = 10) const;

  size_t size() const;

 private:
  struct Entry {
    uint32_t column;  // index into columns_
    std::string value;
    std::string normalized;
    int64_t count;
  };
  std::vector<std::pair<std::string, std::string>> columns_;  // (table, column)
  std::vector<Entry> entries_;
  // normalized value -> entry indices; word -> entry indices (built on load)
  std::vector<std::pair<std::string, uint32_t>> by_normalized_;
  std::vector<std::pair<std::string, uint32_t>> by_word_;
};

}  // namespace da
