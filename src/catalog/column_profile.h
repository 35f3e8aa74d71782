// Per-column statistics gathered in one pass over a table's rows (internal to the profiler).
#pragma once

#include <sqlite3.h>

#include <cstdint>
#include <cstring>
#include <functional>
#include <string>
#include <string_view>
#include <vector>

#include "catalog/catalog.h"

namespace da {

inline uint64_t MixBits(uint64_t x) {  // splitmix64 finaliser: spreads sequential keys apart
  x ^= x >> 30;
  x *= 0xbf58476d1ce4e5b9ULL;
  x ^= x >> 27;
  x *= 0x94d049bb133111ebULL;
  x ^= x >> 31;
  return x;
}

// Counter of int64 keys. Most integer columns (ids, years, quantities, foreign keys) span a
// range not much wider than their number of values, so keys are first counted in a dense array
// indexed by key - base: sequential memory, no hashing. When the keys spread too widely
// (span > max(kMinDenseSpan, 4 x values counted) or > kMaxDenseSpan), the counter switches to
// open addressing with linear probing: still no allocation per key.
class IntCounter {
 public:
  // Counts `key`; a key not yet present is added only when `may_insert`. Returns whether the
  // key is (now) present.
  bool Add(int64_t key, bool may_insert) {
    if (dense_mode_) {
      const uint64_t off = static_cast<uint64_t>(key) - static_cast<uint64_t>(base_);
      if (off < dense_.size() && dense_[off] < UINT32_MAX) {
        uint32_t& c = dense_[off];
        if (c == 0) {
          if (!may_insert) return false;
          ++size_;
        }
        ++c;
        ++total_;
        return true;
      }
      if (!GrowDense(key)) ToHashed();
      if (dense_mode_) return Add(key, may_insert);
    }
    return AddHashed(key, may_insert);
  }
  size_t size() const { return size_; }
  // Starts loading the slot `key` will probe, so a batch of lookups overlaps its cache misses.
  void Prefetch(int64_t key) const {
    if (!dense_mode_ && !slots_.empty())
      __builtin_prefetch(&slots_[MixBits(static_cast<uint64_t>(key)) & (slots_.size() - 1)]);
  }
  template <typename Fn>
  void ForEach(Fn fn) const {
    for (size_t i = 0; i < dense_.size(); ++i)
      if (dense_[i]) fn(base_ + static_cast<int64_t>(i), static_cast<int64_t>(dense_[i]));
    for (const auto& s : slots_)
      if (s.count) fn(s.key, s.count);
  }

  static constexpr uint64_t kMinDenseSpan = 1 << 16;
  static constexpr uint64_t kMaxDenseSpan = 1 << 22;

 private:
  struct Slot {
    int64_t key;
    int64_t count;  // 0 marks an empty slot
  };
  bool GrowDense(int64_t key);  // false when the keys are too spread out for the dense array
  void ToHashed();
  bool AddHashed(int64_t key, bool may_insert);
  void Grow();

  bool dense_mode_ = true;
  int64_t base_ = 0;
  std::vector<uint32_t> dense_;
  int64_t total_ = 0;  // values counted in dense mode
  std::vector<Slot> slots_;
  size_t size_ = 0;
};

// The same for byte strings, whose bytes live in one arena instead of one allocation each.
class BytesCounter {
 public:
  static uint64_t Hash(std::string_view key) { return std::hash<std::string_view>{}(key); }
  bool Add(std::string_view key, bool may_insert) { return Add(key, Hash(key), may_insert); }
  bool Add(std::string_view key, uint64_t hash, bool may_insert);
  void Prefetch(uint64_t hash) const {
    if (!slots_.empty()) __builtin_prefetch(&slots_[MixBits(hash) & (slots_.size() - 1)]);
  }
  size_t size() const { return size_; }
  template <typename Fn>
  void ForEach(Fn fn) const {
    for (const auto& s : slots_)
      if (s.count) fn(Bytes(s), s.count);
  }
  template <typename Fn>
  void ForEachHash(Fn fn) const {
    for (const auto& s : slots_)
      if (s.count) fn(s.hash);
  }

 private:
  static constexpr uint32_t kInlineBytes = 12;
  // Keys of up to kInlineBytes bytes (codes, dates, short names) live in the slot itself, so
  // a lookup touches one cache line; longer keys live in the arena.
  struct Slot {
    uint64_t hash;
    uint32_t length;
    union {
      char bytes[kInlineBytes];
      uint64_t offset;
    } key;
    int64_t count;  // 0 marks an empty slot
  };
  std::string_view Bytes(const Slot& s) const {
    return s.length <= kInlineBytes ? std::string_view(s.key.bytes, s.length)
                                    : std::string_view(arena_.data() + s.key.offset, s.length);
  }
  void Grow();
  std::vector<Slot> slots_;
  std::string arena_;
  size_t size_ = 0;
};

// HyperLogLog sketch (Flajolet et al. 2007) of 64-bit hashes: 2^14 one-byte registers (16 KiB),
// standard error 1.04 / sqrt(2^14) = 0.8%; linear counting for small cardinalities.
// Duplicates never change it, so feeding a value several times is harmless.
class DistinctSketch {
 public:
  static constexpr int kPrecision = 14;
  // The registers are allocated by Start(), so an unused sketch costs nothing.
  void Start() { registers_.assign(size_t{1} << kPrecision, 0); }
  void Add(uint64_t hash) {
    const size_t index = hash >> (64 - kPrecision);
    // Rank of the first 1 bit among the remaining bits; the guard bit bounds it.
    const uint64_t rest = (hash << kPrecision) | (uint64_t{1} << (kPrecision - 1));
    const uint8_t rank = static_cast<uint8_t>(__builtin_clzll(rest) + 1);
    if (rank > registers_[index]) registers_[index] = rank;
  }
  double Estimate() const;

 private:
  std::vector<uint8_t> registers_;
};

// One column's values for a run of rows, copied out of SQLite so that another thread can
// count them while the scan goes on.
struct CellColumn {
  std::vector<uint8_t> types;    // SQLITE_NULL, SQLITE_INTEGER, SQLITE_FLOAT, SQLITE_TEXT, SQLITE_BLOB
  std::vector<int64_t> numbers;  // integer, double bits, or (offset << 32 | length) into bytes
  std::string bytes;

  void Append(sqlite3_stmt* st, int i);
  void AppendNull() {
    types.push_back(SQLITE_NULL);
    numbers.push_back(0);
  }
  void AppendInteger(int64_t v) {
    types.push_back(SQLITE_INTEGER);
    numbers.push_back(v);
  }
  void AppendReal(double v) {
    int64_t bits;
    std::memcpy(&bits, &v, sizeof bits);
    types.push_back(SQLITE_FLOAT);
    numbers.push_back(bits);
  }
  void AppendBytes(int type, std::string_view v) {
    types.push_back(static_cast<uint8_t>(type));
    numbers.push_back(static_cast<int64_t>((static_cast<uint64_t>(bytes.size()) << 32) | v.size()));
    bytes.append(v);
  }
  void Clear() {
    types.clear();
    numbers.clear();
    bytes.clear();
  }
};

// Top values are listed for these types only (when the column looks like a category).
inline bool TopValuesApply(ColumnType t) {
  return t == ColumnType::kText || t == ColumnType::kBoolean || t == ColumnType::kDate;
}

// Feeds one column's values and turns them into a ColumnInfo's statistics.
class ColumnAccumulator {
 public:
  // `counts_after_cap`: whether values first seen after the exact counters stopped growing must
  // still be counted against the values already known (needed for top values: TEXT, BOOLEAN,
  // DATE or unknown types); when false, such values only feed the distinct estimate.
  explicit ColumnAccumulator(bool infer_type, bool counts_after_cap = true)
      : infer_type_(infer_type), counts_after_cap_(counts_after_cap) {}

  // Counts the values of one batch of rows.
  void Add(const CellColumn& cells);

  // Fills null_fraction, distinct_count(+estimate), min, max; the type when it is inferred
  // from storage classes; and top values when `info->type` is TEXT/BOOLEAN/DATE and the column
  // looks like a category.
  void Finish(int64_t row_count, size_t top_values, ColumnInfo* info);

  int64_t nulls() const { return nulls_; }

  // Calls fn(value, count) for every distinct text value, and returns true, when the values
  // were counted exactly (the column never reached the exact-count cap); otherwise false
  // without calling fn. Call after Finish.
  template <typename Fn>
  bool ForEachExactText(Fn fn) const {
    if (capped_) return false;
    texts_.ForEach(fn);
    return true;
  }

  // Single values, as Add(cells) feeds them. A text value is copied into a pending batch, so
  // `v` need only live for the call.
  void AddNull() { ++nulls_; }
  void AddInteger(int64_t v);
  void AddReal(double v);
  void AddText(std::string_view v);
  void AddBlob(std::string_view v);

 private:
  // Values are counted in batches of kBatch: first every key's slot is prefetched, then the
  // keys are counted, so the cache misses of a large counter overlap instead of queueing.
  static constexpr size_t kBatch = 256;
  void FlushInts();
  void FlushReals();
  void FlushTexts();
  size_t Distinct() const { return ints_.size() + reals_.size() + texts_.size() + blobs_.size(); }
  bool MayInsertNumber() const { return Distinct() < kMaxExactDistinctValues; }
  bool MayInsertBytes() const {
    return MayInsertNumber() && texts_.size() + blobs_.size() < kMaxExactTextDistinctValues;
  }
  // Counts a value exactly while the counters may grow; past the cap, the value feeds the
  // distinct sketch and (when counts_after_cap_) is still counted if already known.
  // `add(may_insert)` counts the value in its counter and returns whether it is present.
  template <typename AddFn>
  void Count(AddFn&& add, bool may_insert, uint64_t sketch_hash) {
    if (!capped_) {
      if (add(may_insert)) return;
      StartEstimating();
    } else if (counts_after_cap_) {
      add(false);
    }
    sketch_.Add(sketch_hash);
  }
  // Switches to estimating: the sketch receives every value counted so far.
  void StartEstimating();
  ColumnType InferredType() const;
  std::vector<ValueCount> TopValues(size_t limit, int64_t min_count) const;

  static constexpr size_t kMaxExactDistinctValues = 1'000'000;  // == kMaxExactDistinct
  static constexpr size_t kMaxExactTextDistinctValues = 100'000;  // == kMaxExactTextDistinct

  bool infer_type_;
  bool counts_after_cap_;
  DistinctSketch sketch_;  // fed only once capped_
  int64_t nulls_ = 0, n_int_ = 0, n_real_ = 0, n_text_ = 0, n_blob_ = 0;
  int64_t imin_ = 0, imax_ = 0;
  double rmin_ = 0, rmax_ = 0;
  std::string tmin_, tmax_, bmin_, bmax_;
  bool capped_ = false;
  // Only tracked when the type is inferred: every text value looked like an ISO date /
  // an ISO date or date-time.
  bool all_dates_ = true, all_date_times_ = true;
  std::vector<int64_t> pending_ints_, pending_reals_;
  std::string pending_text_bytes_;
  std::vector<std::pair<uint32_t, uint32_t>> pending_texts_;  // (offset, length)
  std::vector<uint64_t> hashes_;
  IntCounter ints_;    // integers and integral reals (SQLite treats 5 and 5.0 as equal)
  IntCounter reals_;   // bit patterns of non-integral reals
  BytesCounter texts_;
  BytesCounter blobs_;
};

// Cuts `s` to at most `max_bytes` without splitting a UTF-8 sequence.
std::string CutUtf8(std::string_view s, size_t max_bytes);

}  // namespace da
