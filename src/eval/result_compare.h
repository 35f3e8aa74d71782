// Execution-accuracy comparison of a predicted query's result with the gold query's result,
// following Spider's test-suite evaluator (taoyds/test-suite-sql-eval, result_eq): the
// results are equal when some one-to-one assignment of the prediction's columns to the gold
// columns makes the rows equal, as multisets (duplicates count), or in order when the gold
// query has a top-level ORDER BY. Column names never matter; column order does not either.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "common/value.h"

namespace da {

using ResultRows = std::vector<std::vector<Value>>;

// NULL equals NULL; integers and reals compare numerically (1 == 1.0) with a relative
// tolerance of 1e-6 (absolute below 1), so AVG computed two ways still matches; text compares
// byte for byte and never equals a number ('1' != 1, as in Spider's evaluator).
bool ValuesEqual(const Value& a, const Value& b);

struct ResultComparison {
  bool equal = false;
  // Why not, for reports: "3 rows, gold has 4" / "2 columns, gold has 1" / "no column order
  // makes the rows equal" / "rows equal as a set but not in the gold ORDER BY order".
  std::string reason;
  // The permutation search gave up (more than kMaxPermutations candidate assignments): the
  // verdict is "not equal" but unreliable.
  bool gave_up = false;
  // For equal results: gold column i matched predicted column column_map[i].
  std::vector<int> column_map;
};

constexpr int64_t kMaxPermutations = 100'000;

// `gold` and `predicted` are rectangular (every row as long as the first). Both empty: equal
// whatever their columns (Spider's rule). `ordered`: compare row i with row i.
ResultComparison CompareResults(const ResultRows& gold, const ResultRows& predicted, bool ordered);

}  // namespace da
