#include "eval/result_compare.h"

#include <algorithm>
#include <cmath>

namespace da {

namespace {

bool IsNumber(const Value& v) { return std::holds_alternative<int64_t>(v) || std::holds_alternative<double>(v); }

double AsDouble(const Value& v) {
  return std::holds_alternative<int64_t>(v) ? static_cast<double>(std::get<int64_t>(v)) : std::get<double>(v);
}

int TypeRank(const Value& v) {
  if (IsNull(v)) return 0;
  if (IsNumber(v)) return 1;
  return 2;
}

// A strict total order for sorting (NULL < numbers < text); numbers by value, so 1 and 1.0
// sort together and tolerant equality can then be checked pairwise.
int CompareForSort(const Value& a, const Value& b) {
  const int ra = TypeRank(a), rb = TypeRank(b);
  if (ra != rb) return ra < rb ? -1 : 1;
  if (ra == 0) return 0;
  if (ra == 1) {
    if (std::holds_alternative<int64_t>(a) && std::holds_alternative<int64_t>(b)) {
      const int64_t x = std::get<int64_t>(a), y = std::get<int64_t>(b);
      return x < y ? -1 : (x > y ? 1 : 0);
    }
    const double x = AsDouble(a), y = AsDouble(b);
    if (std::isnan(x) || std::isnan(y)) return std::isnan(x) == std::isnan(y) ? 0 : (std::isnan(x) ? -1 : 1);
    return x < y ? -1 : (x > y ? 1 : 0);
  }
  const int c = std::get<std::string>(a).compare(std::get<std::string>(b));
  return c < 0 ? -1 : (c > 0 ? 1 : 0);
}

bool RowLess(const std::vector<Value>& a, const std::vector<Value>& b) {
  for (size_t i = 0; i < a.size() && i < b.size(); ++i) {
    const int c = CompareForSort(a[i], b[i]);
    if (c != 0) return c < 0;
  }
  return a.size() < b.size();
}

bool RowsEqual(const std::vector<Value>& a, const std::vector<Value>& b) {
  if (a.size() != b.size()) return false;
  for (size_t i = 0; i < a.size(); ++i)
    if (!ValuesEqual(a[i], b[i])) return false;
  return true;
}

bool SameRowSequence(const ResultRows& a, const ResultRows& b) {
  for (size_t r = 0; r < a.size(); ++r)
    if (!RowsEqual(a[r], b[r])) return false;
  return true;
}

// Column `c` of `rows`, sorted unless `ordered`.
std::vector<Value> ColumnValues(const ResultRows& rows, size_t c, bool ordered) {
  std::vector<Value> values;
  values.reserve(rows.size());
  for (const auto& row : rows) values.push_back(row[c]);
  if (!ordered) {
    std::sort(values.begin(), values.end(), [](const Value& a, const Value& b) { return CompareForSort(a, b) < 0; });
  }
  return values;
}

bool SameValues(const std::vector<Value>& a, const std::vector<Value>& b) {
  for (size_t i = 0; i < a.size(); ++i)
    if (!ValuesEqual(a[i], b[i])) return false;
  return true;
}

// Depth-first search over one-to-one assignments gold column -> predicted column, each gold
// column only to predicted columns holding the same values (as a multiset, or in order), the
// full rows checked once an assignment is complete.
class PermutationSearch {
 public:
  PermutationSearch(const ResultRows& gold, const ResultRows& predicted, bool ordered,
                    std::vector<std::vector<int>> candidates)
      : gold_(gold), predicted_(predicted), ordered_(ordered), candidates_(std::move(candidates)) {
    if (!ordered_) {
      sorted_gold_ = gold_;
      std::sort(sorted_gold_.begin(), sorted_gold_.end(), RowLess);
    }
  }

  bool Run() {
    map_.assign(candidates_.size(), -1);
    used_.assign(candidates_.size(), false);
    return Assign(0);
  }
  bool gave_up() const { return gave_up_; }
  const std::vector<int>& column_map() const { return map_; }

 private:
  bool Assign(size_t gold_col) {
    if (gold_col == candidates_.size()) return CheckRows();
    for (int p : candidates_[gold_col]) {
      if (used_[p]) continue;
      if (gave_up_) return false;
      used_[p] = true;
      map_[gold_col] = p;
      if (Assign(gold_col + 1)) return true;
      used_[p] = false;
    }
    map_[gold_col] = -1;
    return false;
  }

  bool CheckRows() {
    if (++tried_ > kMaxPermutations) {
      gave_up_ = true;
      return false;
    }
    ResultRows permuted;
    permuted.reserve(predicted_.size());
    for (const auto& row : predicted_) {
      std::vector<Value> out;
      out.reserve(map_.size());
      for (int p : map_) out.push_back(row[p]);
      permuted.push_back(std::move(out));
    }
    if (ordered_) return SameRowSequence(gold_, permuted);
    std::sort(permuted.begin(), permuted.end(), RowLess);
    return SameRowSequence(sorted_gold_, permuted);
  }

  const ResultRows& gold_;
  const ResultRows& predicted_;
  const bool ordered_;
  const std::vector<std::vector<int>> candidates_;
  ResultRows sorted_gold_;
  std::vector<int> map_;
  std::vector<bool> used_;
  int64_t tried_ = 0;
  bool gave_up_ = false;
};

std::string Plural(size_t n, const char* word) {
  return std::to_string(n) + " " + word + (n == 1 ? "" : "s");
}

}  // namespace

bool ValuesEqual(const Value& a, const Value& b) {
  if (IsNull(a) || IsNull(b)) return IsNull(a) && IsNull(b);
  if (IsNumber(a) && IsNumber(b)) {
    if (std::holds_alternative<int64_t>(a) && std::holds_alternative<int64_t>(b))
      return std::get<int64_t>(a) == std::get<int64_t>(b);
    const double x = AsDouble(a), y = AsDouble(b);
    if (std::isnan(x) || std::isnan(y)) return std::isnan(x) && std::isnan(y);
    if (x == y) return true;  // also equal infinities
    const double scale = std::max({1.0, std::fabs(x), std::fabs(y)});
    return std::fabs(x - y) <= 1e-6 * scale;
  }
  if (IsNumber(a) || IsNumber(b)) return false;
  return std::get<std::string>(a) == std::get<std::string>(b);
}

ResultComparison CompareResults(const ResultRows& gold, const ResultRows& predicted, bool ordered) {
  ResultComparison out;
  if (gold.empty() && predicted.empty()) {
    out.equal = true;
    return out;
  }
  if (gold.size() != predicted.size()) {
    out.reason = Plural(predicted.size(), "row") + ", gold has " + std::to_string(gold.size());
    return out;
  }
  const size_t columns = gold[0].size();
  if (predicted[0].size() != columns) {
    out.reason = Plural(predicted[0].size(), "column") + ", gold has " + std::to_string(columns);
    return out;
  }
  // Candidates by column contents: unordered first, so a wrong row order can be told apart.
  std::vector<std::vector<Value>> gold_cols, pred_cols;
  for (size_t c = 0; c < columns; ++c) {
    gold_cols.push_back(ColumnValues(gold, c, false));
    pred_cols.push_back(ColumnValues(predicted, c, false));
  }
  std::vector<std::vector<int>> candidates(columns);
  for (size_t g = 0; g < columns; ++g) {
    for (size_t p = 0; p < columns; ++p)
      if (SameValues(gold_cols[g], pred_cols[p])) candidates[g].push_back(static_cast<int>(p));
    if (candidates[g].empty()) {
      out.reason = "no predicted column holds the values of gold column " + std::to_string(g + 1);
      return out;
    }
  }
  PermutationSearch unordered_search(gold, predicted, false, candidates);
  const bool multiset_equal = unordered_search.Run();
  if (!multiset_equal) {
    out.gave_up = unordered_search.gave_up();
    out.reason = out.gave_up ? "gave up after " + std::to_string(kMaxPermutations) + " column orders"
                             : "no column order makes the rows equal";
    return out;
  }
  if (!ordered) {
    out.equal = true;
    out.column_map = unordered_search.column_map();
    return out;
  }
  PermutationSearch ordered_search(gold, predicted, true, candidates);
  out.equal = ordered_search.Run();
  out.gave_up = !out.equal && ordered_search.gave_up();
  if (out.equal) out.column_map = ordered_search.column_map();
  else out.reason = "rows equal as a multiset but not in the gold ORDER BY order";
  return out;
}

}  // namespace da
