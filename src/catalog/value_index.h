// The distinct values of a dataset's text columns, so the question engine can tell that
// "France" in a question is a value of singer.country. Built at ingest, stored beside the
// catalog, loaded with the dataset.
//
// Matching is on a normalised form of the text (NormalizeValueText): lowercase, accents folded,
// punctuation and whitespace collapsed to single spaces. Its words are the space-separated
// parts.
//
// Storage (Save/Load): a compact binary file, little-endian:
//   "DAVALIX\0"  u32 format version (kFormatVersion)
//   u32 column count, then per column: str table, str column
//   u32 entry count, then per entry: u32 column index, i64 count, str value
//   u64 checksum of every byte before it: FNV-1a over 8-byte little-endian words, then over
//       the 0-7 trailing bytes
// where str = u32 byte length + bytes. Only the values as stored are written: the normalised
// forms, the word postings and the typo index are rebuilt on load (about as fast as reading
// them, and a file never disagrees with the normalisation of the code reading it).
#pragma once

#include <sqlite3.h>

#include <cstdint>
#include <string>
#include <string_view>
#include <unordered_map>
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

// The matching form of `text`:
// - ASCII letters lowercased; Latin-1 and Latin Extended-A letters (plus Romanian Ș/Ț) folded
//   to ASCII (é -> e, ü -> u, ß -> ss, Æ -> ae, Ł -> l); Greek and Cyrillic capitals
//   lowercased; combining accents (U+0300-U+036F) dropped; other letters kept as they are.
// - An apostrophe (' or U+2019) between two letters or digits is dropped, so "O'Brien",
//   "O’Brien" and "OBrien" all become "obrien" ("o brien" does not: a user typing the name
//   rarely splits it). Any other punctuation, hyphens included, separates words:
//   "Jean-Luc" -> "jean luc", "U.S.A." -> "u s a".
// - Whitespace runs collapse to one space; no leading or trailing space.
// Bytes that are not valid UTF-8 are kept as they are.
std::string NormalizeValueText(std::string_view text);

class ValueIndex {
 public:
  // Up to this many distinct values per column are indexed; columns with more (free text,
  // ids) are left out.
  static constexpr int64_t kMaxValuesPerColumn = 100000;
  // Free text is left out: columns whose distinct values average more than this many bytes,
  // and single values longer than kMaxValueBytes.
  static constexpr size_t kMaxAverageValueBytes = 80;
  static constexpr size_t kMaxValueBytes = 200;
  static constexpr uint32_t kFormatVersion = 1;

  // Whether `column` of `table` may be indexed, from its catalog profile: a base table (views
  // repeat their tables' values and may be costly queries), a TEXT column (not BOOLEAN, DATE,
  // TIMESTAMP or numbers), 1..kMaxValuesPerColumn distinct values counted exactly. Free text is
  // recognised later, from the values themselves (ValueIndexBuilder::Finish).
  static bool ColumnEligible(const TableInfo& table, const ColumnInfo& column);

  // Reads the distinct values (with counts) of every eligible column of every visible table in
  // one scan per table (a SELECT of that table's eligible columns, counted in hash maps), and
  // indexes them through ValueIndexBuilder. Non-NULL values of any storage class but BLOB are
  // read as text.
  static Result<ValueIndex> Build(sqlite3* db, const Catalog& catalog);
  Status Save(const std::string& path) const;  // atomic: temp file + rename
  // NotFound when the file is missing; Corruption naming the problem when it is damaged.
  static Result<ValueIndex> Load(const std::string& path);

  // Values equal to `phrase` after normalisation (lowercase, accents folded, punctuation and
  // whitespace collapsed), best first: most rows first. Score 1.
  std::vector<ValueHit> Exact(std::string_view phrase) const;
  // Values containing every word of `phrase` as whole words, where a phrase word of 5 or more
  // bytes may also match a value word one edit away (insertion, deletion, substitution or
  // transposition of adjacent letters). Best first, at most `max`.
  // Score: 1 for a value equal to the phrase after normalisation; otherwise in (0, 1): the
  // share of the value's words the phrase covers (a typo match counts 3/4 of a word), times
  // 0.99. Ties go to the value held by more rows.
  std::vector<ValueHit> Partial(std::string_view phrase, size_t max = 10) const;

  size_t size() const { return entries_.size(); }
  // The (table, column) pairs indexed.
  const std::vector<std::pair<std::string, std::string>>& columns() const { return columns_; }

 private:
  friend class ValueIndexBuilder;
  struct Entry {
    uint32_t column;  // index into columns_
    uint32_t words;   // number of words of `normalized`
    int64_t count;
    std::string value;
    std::string normalized;
  };
  // Normalises the entries, orders them by (normalized, count desc, column, value) unless they
  // already are, and builds the word postings and the typo index.
  void Index();
  void IndexWords();
  void IndexTypos();
  // The vocabulary word equal to `word`, or -1.
  int64_t FindWord(std::string_view word) const;
  std::string_view Word(uint32_t id) const {
    return std::string_view(word_bytes_).substr(word_offsets_[id], word_offsets_[id + 1] - word_offsets_[id]);
  }
  // Vocabulary words one edit away from `word` (never `word` itself).
  std::vector<uint32_t> TypoWords(std::string_view word) const;
  ValueHit Hit(const Entry& e, double score) const;

  std::vector<std::pair<std::string, std::string>> columns_;  // (table, column)
  std::vector<Entry> entries_;  // ordered as Index() says, so equal normalized forms are adjacent
  // entries_[i].words and .count, packed so that ranking thousands of candidates stays in cache.
  struct Rank {
    int64_t count;
    uint32_t words;
  };
  std::vector<Rank> ranks_;
  // Vocabulary: word i is word_bytes_[word_offsets_[i], word_offsets_[i + 1]); the entries
  // holding it are postings_[posting_starts_[i], posting_starts_[i + 1]), ascending.
  std::string word_bytes_;
  std::vector<uint32_t> word_offsets_;
  std::vector<uint32_t> posting_starts_;
  std::vector<uint32_t> postings_;
  // Open-addressing table of word ids + 1 (0 = empty), sized to a power of two.
  std::vector<uint32_t> word_slots_;
  // (hash of key, word id), sorted, for words of >= 4 bytes: the key is the word itself and,
  // for words of >= 5 bytes, each one-byte deletion of it (symmetric-delete typo lookup).
  std::vector<std::pair<uint64_t, uint32_t>> typo_keys_;
};

// Collects values from any source (a scan, or the catalog profiler that already counted every
// value at ingest) and makes a ValueIndex. Add each (table, column, value) once.
class ValueIndexBuilder {
 public:
  void Add(std::string_view table, std::string_view column, std::string_view value, int64_t count);
  // Leaves out empty values (after normalisation), values longer than kMaxValueBytes, and
  // whole columns with more than kMaxValuesPerColumn values or whose values average more than
  // kMaxAverageValueBytes bytes.
  ValueIndex Finish() &&;

 private:
  struct ColumnStats {
    uint32_t index;
    int64_t values = 0;  // distinct values added
    int64_t rows = 0;    // rows holding them
    int64_t bytes = 0;   // their total length over those rows
  };
  std::unordered_map<std::string, ColumnStats> column_ids_;  // "table\0column"
  ValueIndex index_;
};

// Builds the value index of `db` (see ValueIndex::Build) and saves it at `path`. The ingest
// job calls it after saving the catalog.
Status BuildAndSaveValueIndex(sqlite3* db, const Catalog& catalog, const std::string& path);

}  // namespace da
