#include "catalog/column_profile.h"

#include <algorithm>
#include <cmath>
#include <cstring>
#include <functional>
#include <queue>

#include "catalog/profiler.h"

namespace da {

static_assert(kMaxExactDistinct == 1'000'000, "keep ColumnAccumulator's cap in step");
static_assert(kMaxExactTextDistinct == 100'000, "keep ColumnAccumulator's text cap in step");

namespace {

constexpr size_t kInitialSlots = 256;

// Sketch hashes per storage class, so that 5, 5.5 and '5' are distinct sketch entries.
uint64_t IntSketchHash(int64_t k) { return MixBits(static_cast<uint64_t>(k)); }
uint64_t RealSketchHash(int64_t bits) { return MixBits(static_cast<uint64_t>(bits) ^ 0x5851f42d4c957f2dULL); }
uint64_t TextSketchHash(uint64_t h) { return MixBits(h ^ 0x14057b7ef767814fULL); }
uint64_t BlobSketchHash(uint64_t h) { return MixBits(h ^ 0x2545f4914f6cdd1dULL); }

bool IsDigit(char c) { return c >= '0' && c <= '9'; }

// a < b bytewise (as std::string_view compares). The first byte, or the first 8 bytes read
// as one big-endian word, usually decide without a library call.
bool BytesLess(std::string_view a, std::string_view b) {
  if (!a.empty() && !b.empty() && a[0] != b[0])
    return static_cast<unsigned char>(a[0]) < static_cast<unsigned char>(b[0]);
  if (a.size() >= 8 && b.size() >= 8) {
    uint64_t x, y;
    std::memcpy(&x, a.data(), 8);
    std::memcpy(&y, b.data(), 8);
    if (x != y) return __builtin_bswap64(x) < __builtin_bswap64(y);
  }
  return a < b;
}

// "YYYY-MM-DD"
bool LooksLikeIsoDate(std::string_view s) {
  if (s.size() != 10 || s[4] != '-' || s[7] != '-') return false;
  for (size_t i : {0, 1, 2, 3, 5, 6, 8, 9})
    if (!IsDigit(s[i])) return false;
  return true;
}

// "YYYY-MM-DD HH:MM[:SS[.fff]]" with ' ' or 'T', optionally followed by a zone.
bool LooksLikeIsoDateTime(std::string_view s) {
  if (s.size() < 16 || !LooksLikeIsoDate(s.substr(0, 10))) return false;
  if (s[10] != ' ' && s[10] != 'T') return false;
  return IsDigit(s[11]) && IsDigit(s[12]) && s[13] == ':' && IsDigit(s[14]) && IsDigit(s[15]);
}

}  // namespace

std::string CutUtf8(std::string_view s, size_t max_bytes) {
  if (s.size() <= max_bytes) return std::string(s);
  size_t end = max_bytes;
  while (end > 0 && (static_cast<unsigned char>(s[end]) & 0xC0) == 0x80) --end;
  return std::string(s.substr(0, end));
}

// ---------------------------------------------------------------------------------------------

bool IntCounter::GrowDense(int64_t key) {
  if (dense_.empty()) {
    // Start centred below the first key: ids usually grow upwards from it.
    base_ = key >= INT64_MIN + 1024 ? key - 1024 : INT64_MIN;
    dense_.assign(4096, 0);
    return true;
  }
  const __int128 lo = std::min<__int128>(base_, key);
  const __int128 hi = std::max<__int128>(static_cast<__int128>(base_) + dense_.size() - 1, key);
  const __int128 span = hi - lo + 1;
  const __int128 allowed = std::min<__int128>(
      kMaxDenseSpan, std::max<__int128>(kMinDenseSpan, 4 * static_cast<__int128>(total_ + 1)));
  if (span > allowed) return false;
  // Leave room to grow in the direction of the new key, so a rising id column reallocates
  // O(log n) times.
  const __int128 size = std::min<__int128>(allowed, std::max<__int128>(span, 2 * dense_.size()));
  const __int128 new_base = key < base_ ? hi - size + 1 : lo;
  std::vector<uint32_t> grown(static_cast<size_t>(size), 0);
  const size_t shift = static_cast<size_t>(static_cast<__int128>(base_) - new_base);
  std::copy(dense_.begin(), dense_.end(), grown.begin() + static_cast<std::ptrdiff_t>(shift));
  dense_ = std::move(grown);
  base_ = static_cast<int64_t>(new_base);
  return true;
}

void IntCounter::ToHashed() {
  std::vector<uint32_t> dense = std::move(dense_);
  dense_.clear();
  dense_mode_ = false;
  size_ = 0;
  size_t needed = kInitialSlots;
  for (uint32_t c : dense) size_ += c != 0;
  while (needed < size_ * 2 + 2) needed *= 2;
  slots_.assign(needed, Slot{0, 0});
  const size_t mask = slots_.size() - 1;
  for (size_t i = 0; i < dense.size(); ++i) {
    if (!dense[i]) continue;
    const int64_t key = base_ + static_cast<int64_t>(i);
    size_t j = MixBits(static_cast<uint64_t>(key)) & mask;
    while (slots_[j].count) j = (j + 1) & mask;
    slots_[j] = Slot{key, dense[i]};
  }
}

bool IntCounter::AddHashed(int64_t key, bool may_insert) {
  if (slots_.empty()) slots_.assign(kInitialSlots, Slot{0, 0});
  const size_t mask = slots_.size() - 1;
  for (size_t i = MixBits(static_cast<uint64_t>(key)) & mask;; i = (i + 1) & mask) {
    Slot& s = slots_[i];
    if (s.count == 0) {
      if (!may_insert) return false;
      s = Slot{key, 1};
      if (++size_ * 2 > slots_.size()) Grow();
      return true;
    }
    if (s.key == key) {
      ++s.count;
      return true;
    }
  }
}

void IntCounter::Grow() {
  std::vector<Slot> old = std::move(slots_);
  slots_.assign(old.size() * 2, Slot{0, 0});
  const size_t mask = slots_.size() - 1;
  for (const Slot& s : old) {
    if (!s.count) continue;
    size_t i = MixBits(static_cast<uint64_t>(s.key)) & mask;
    while (slots_[i].count) i = (i + 1) & mask;
    slots_[i] = s;
  }
}

bool BytesCounter::Add(std::string_view key, uint64_t h, bool may_insert) {
  if (slots_.empty()) slots_.assign(kInitialSlots, Slot{});
  // Inline keys are zero-padded in their slot, so comparing one is a fixed-size compare the
  // compiler inlines, not a library call.
  const bool inline_key = key.size() <= kInlineBytes;
  char padded[kInlineBytes] = {};
  if (inline_key) std::memcpy(padded, key.data(), key.size());
  const size_t mask = slots_.size() - 1;
  for (size_t i = MixBits(h) & mask;; i = (i + 1) & mask) {
    Slot& s = slots_[i];
    if (s.count == 0) {
      if (!may_insert) return false;
      s.hash = h;
      s.length = static_cast<uint32_t>(key.size());
      if (inline_key) {
        std::memcpy(s.key.bytes, padded, kInlineBytes);
      } else {
        s.key.offset = arena_.size();
        arena_.append(key);
      }
      s.count = 1;
      if (++size_ * 2 > slots_.size()) Grow();
      return true;
    }
    if (s.hash == h && s.length == key.size() &&
        (inline_key ? std::memcmp(s.key.bytes, padded, kInlineBytes) == 0 : Bytes(s) == key)) {
      ++s.count;
      return true;
    }
  }
}

void BytesCounter::Grow() {
  std::vector<Slot> old = std::move(slots_);
  slots_.assign(old.size() * 2, Slot{});
  const size_t mask = slots_.size() - 1;
  for (const Slot& s : old) {
    if (!s.count) continue;
    size_t i = MixBits(s.hash) & mask;
    while (slots_[i].count) i = (i + 1) & mask;
    slots_[i] = s;
  }
}

// ---------------------------------------------------------------------------------------------

double DistinctSketch::Estimate() const {
  const double m = static_cast<double>(registers_.size());
  if (registers_.empty()) return 0;
  double sum = 0;
  size_t zeros = 0;
  for (uint8_t r : registers_) {
    sum += std::ldexp(1.0, -static_cast<int>(r));
    zeros += r == 0;
  }
  const double alpha = 0.7213 / (1 + 1.079 / m);
  const double raw = alpha * m * m / sum;
  // Small cardinalities: linear counting over the empty registers is far more accurate.
  if (raw <= 2.5 * m && zeros > 0) return m * std::log(m / static_cast<double>(zeros));
  return raw;  // 64-bit hashes: no large-range correction needed
}

// ---------------------------------------------------------------------------------------------

void CellColumn::Append(sqlite3_stmt* st, int i) {
  switch (sqlite3_column_type(st, i)) {
    case SQLITE_NULL:
      return AppendNull();
    case SQLITE_INTEGER:
      return AppendInteger(sqlite3_column_int64(st, i));
    case SQLITE_FLOAT:
      return AppendReal(sqlite3_column_double(st, i));
    case SQLITE_TEXT: {
      // Text pointer first, then its length: the documented order that avoids a conversion.
      auto* p = reinterpret_cast<const char*>(sqlite3_column_text(st, i));
      return AppendBytes(SQLITE_TEXT, std::string_view(p ? p : "", static_cast<size_t>(sqlite3_column_bytes(st, i))));
    }
    default: {
      auto* p = static_cast<const char*>(sqlite3_column_blob(st, i));
      return AppendBytes(SQLITE_BLOB, std::string_view(p ? p : "", static_cast<size_t>(sqlite3_column_bytes(st, i))));
    }
  }
}

void ColumnAccumulator::Add(const CellColumn& cells) {
  for (size_t r = 0; r < cells.types.size(); ++r) {
    const int64_t n = cells.numbers[r];
    switch (cells.types[r]) {
      case SQLITE_NULL:
        ++nulls_;
        break;
      case SQLITE_INTEGER:
        AddInteger(n);
        break;
      case SQLITE_FLOAT: {
        double d;
        std::memcpy(&d, &n, sizeof d);
        AddReal(d);
        break;
      }
      default: {
        const auto u = static_cast<uint64_t>(n);
        const std::string_view v(cells.bytes.data() + (u >> 32), u & 0xffffffffu);
        if (cells.types[r] == SQLITE_TEXT) AddText(v);
        else AddBlob(v);
      }
    }
  }
}

void ColumnAccumulator::AddInteger(int64_t v) {
  if (n_int_++ == 0) imin_ = imax_ = v;
  else if (v < imin_) imin_ = v;
  else if (v > imax_) imax_ = v;
  pending_ints_.push_back(v);
  if (pending_ints_.size() == kBatch) FlushInts();
}

void ColumnAccumulator::AddReal(double v) {
  if (n_real_++ == 0) rmin_ = rmax_ = v;
  else if (v < rmin_) rmin_ = v;
  else if (v > rmax_) rmax_ = v;
  // Integral reals share the integer counter so 5 and 5.0 count as one value, as in SQLite.
  if (v == std::trunc(v) && v >= -9.2e18 && v <= 9.2e18) {
    pending_ints_.push_back(static_cast<int64_t>(v));
    if (pending_ints_.size() == kBatch) FlushInts();
  } else {
    int64_t bits;
    std::memcpy(&bits, &v, sizeof bits);
    pending_reals_.push_back(bits);
    if (pending_reals_.size() == kBatch) FlushReals();
  }
}

void ColumnAccumulator::AddText(std::string_view v) {
  if (n_text_++ == 0) tmin_ = tmax_ = v;
  else if (BytesLess(v, tmin_)) tmin_ = v;
  else if (BytesLess(tmax_, v)) tmax_ = v;
  if (infer_type_ && all_date_times_) {
    if (!LooksLikeIsoDate(v)) {
      all_dates_ = false;
      all_date_times_ = LooksLikeIsoDateTime(v);
    }
  }
  if (capped_ && !counts_after_cap_) {  // only the estimate needs the value: no copy, no probe
    sketch_.Add(TextSketchHash(BytesCounter::Hash(v)));
    return;
  }
  pending_texts_.emplace_back(static_cast<uint32_t>(pending_text_bytes_.size()), static_cast<uint32_t>(v.size()));
  pending_text_bytes_.append(v);
  if (pending_texts_.size() == kBatch) FlushTexts();
}

void ColumnAccumulator::FlushInts() {
  for (int64_t k : pending_ints_) ints_.Prefetch(k);
  for (int64_t k : pending_ints_) Count([&](bool may) { return ints_.Add(k, may); }, MayInsertNumber(), IntSketchHash(k));
  pending_ints_.clear();
}

void ColumnAccumulator::FlushReals() {
  for (int64_t k : pending_reals_) reals_.Prefetch(k);
  for (int64_t k : pending_reals_) Count([&](bool may) { return reals_.Add(k, may); }, MayInsertNumber(), RealSketchHash(k));
  pending_reals_.clear();
}

void ColumnAccumulator::StartEstimating() {
  capped_ = true;
  sketch_.Start();
  ints_.ForEach([&](int64_t k, int64_t) { sketch_.Add(IntSketchHash(k)); });
  reals_.ForEach([&](int64_t k, int64_t) { sketch_.Add(RealSketchHash(k)); });
  texts_.ForEachHash([&](uint64_t h) { sketch_.Add(TextSketchHash(h)); });
  blobs_.ForEachHash([&](uint64_t h) { sketch_.Add(BlobSketchHash(h)); });
}

void ColumnAccumulator::FlushTexts() {
  hashes_.clear();
  for (const auto& [off, len] : pending_texts_) {
    hashes_.push_back(BytesCounter::Hash(std::string_view(pending_text_bytes_.data() + off, len)));
    texts_.Prefetch(hashes_.back());
  }
  for (size_t i = 0; i < pending_texts_.size(); ++i) {
    const std::string_view v(pending_text_bytes_.data() + pending_texts_[i].first, pending_texts_[i].second);
    Count([&](bool may) { return texts_.Add(v, hashes_[i], may); }, MayInsertBytes(),
          TextSketchHash(hashes_[i]));
  }
  pending_texts_.clear();
  pending_text_bytes_.clear();
}

void ColumnAccumulator::AddBlob(std::string_view v) {
  if (n_blob_++ == 0) bmin_ = bmax_ = v;
  else if (v < bmin_) bmin_ = v;
  else if (v > bmax_) bmax_ = v;
  const uint64_t h = BytesCounter::Hash(v);
  Count([&](bool may) { return blobs_.Add(v, h, may); }, MayInsertBytes(), BlobSketchHash(h));
}

ColumnType ColumnAccumulator::InferredType() const {
  if (n_blob_ > 0) return ColumnType::kText;
  if (n_text_ > 0) {
    if (n_int_ + n_real_ > 0) return ColumnType::kText;
    if (all_dates_) return ColumnType::kDate;
    if (all_date_times_) return ColumnType::kTimestamp;
    return ColumnType::kText;
  }
  if (n_real_ > 0) return ColumnType::kReal;
  if (n_int_ > 0) return ColumnType::kInteger;
  return ColumnType::kText;
}

namespace {

std::string BlobText(size_t bytes) { return "<blob " + std::to_string(bytes) + " bytes>"; }

std::string RealText(int64_t bits) {
  double d;
  std::memcpy(&d, &bits, sizeof d);
  return ValueToString(Value(d));
}

}  // namespace

std::vector<ValueCount> ColumnAccumulator::TopValues(size_t limit, int64_t min_count) const {
  // Keeps the `limit` best (count desc, then value asc) in a heap whose top is the worst kept.
  struct Entry {
    int64_t count;
    std::string value;
  };
  auto better = [](const Entry& a, const Entry& b) {
    return a.count != b.count ? a.count > b.count : a.value < b.value;
  };
  std::priority_queue<Entry, std::vector<Entry>, decltype(better)> heap(better);
  auto offer = [&](int64_t count, auto&& make_text) {
    if (count < min_count || limit == 0) return;
    if (heap.size() == limit && heap.top().count > count) return;  // cheap reject, no string
    Entry e{count, make_text()};
    if (heap.size() < limit) {
      heap.push(std::move(e));
    } else if (better(e, heap.top())) {
      heap.pop();
      heap.push(std::move(e));
    }
  };
  ints_.ForEach([&](int64_t k, int64_t n) { offer(n, [&] { return std::to_string(k); }); });
  reals_.ForEach([&](int64_t k, int64_t n) { offer(n, [&] { return RealText(k); }); });
  texts_.ForEach([&](std::string_view k, int64_t n) {
    offer(n, [&] { return CutUtf8(k, kMaxStoredTextBytes); });
  });
  blobs_.ForEach([&](std::string_view k, int64_t n) { offer(n, [&] { return BlobText(k.size()); }); });
  std::vector<ValueCount> out;
  while (!heap.empty()) {
    out.push_back({heap.top().value, heap.top().count});
    heap.pop();
  }
  std::reverse(out.begin(), out.end());
  return out;
}

// Top values are listed only for category-like columns. Over n non-null values with d
// distinct ones, a column is category-like when
//   (a) d <= 1,000: few enough values to enumerate; or
//   (b) d <= 5% of n: each value repeats 20 times on average (large fact tables); or
//   (c) the most frequent value covers >= 1% of n and occurs at least twice: a dominant value
//       worth knowing even among free text ("Unknown", "N/A"); only repeated values are listed.
// A column whose values are all distinct (ids, names, titles, comments) is never category-like:
// its "top values" would be an arbitrary sample with count 1.
void ColumnAccumulator::Finish(int64_t row_count, size_t top_values, ColumnInfo* info) {
  FlushInts();
  FlushReals();
  FlushTexts();
  info->null_fraction = row_count > 0 ? static_cast<double>(nulls_) / row_count : 0.0;
  info->distinct_count = static_cast<int64_t>(Distinct());
  info->distinct_is_estimate = capped_;
  if (capped_) {
    // Never below what was counted exactly, never above the non-null values.
    const auto estimate = static_cast<int64_t>(std::llround(sketch_.Estimate()));
    info->distinct_count = std::min(std::max(estimate, info->distinct_count), row_count - nulls_);
  }
  if (infer_type_) info->type = InferredType();

  // SQLite's order across storage classes: NULL < numbers < TEXT < BLOB.
  info->min = std::monostate{};
  info->max = std::monostate{};
  const bool has_num = n_int_ + n_real_ > 0;
  if (has_num) {
    // long double holds every int64 exactly, so mixed comparisons are exact.
    if (n_int_ && (!n_real_ || static_cast<long double>(imin_) <= rmin_)) info->min = imin_;
    else info->min = rmin_;
  } else if (n_text_) {
    info->min = CutUtf8(tmin_, kMaxStoredTextBytes);
  } else if (n_blob_) {
    info->min = BlobText(bmin_.size());
  }
  if (n_blob_) info->max = BlobText(bmax_.size());
  else if (n_text_) info->max = CutUtf8(tmax_, kMaxStoredTextBytes);
  else if (has_num) {
    if (n_int_ && (!n_real_ || static_cast<long double>(imax_) >= rmax_)) info->max = imax_;
    else info->max = rmax_;
  }

  info->top_values.clear();
  const bool wants_top = TopValuesApply(info->type);
  const int64_t n = row_count - nulls_;
  const int64_t d = info->distinct_count;
  if (!wants_top || n == 0 || top_values == 0) return;
  if (d == n && n > 1) return;
  if (d <= 1000 || d * 20 <= n) {
    info->top_values = TopValues(top_values, 1);
    return;
  }
  std::vector<ValueCount> repeated = TopValues(top_values, 2);
  if (!repeated.empty() && repeated.front().count * 100 >= n) info->top_values = std::move(repeated);
}

}  // namespace da
