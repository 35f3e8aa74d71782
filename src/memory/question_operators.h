// The query operations a question's words ask for, from a small closed list of general English
// operator classes (no dataset or benchmark wording): what two questions must share, beyond
// their schema links and literals, to be answered by the same SQL.
#pragma once

#include <cstddef>
#include <string>
#include <vector>

#include "engine/tokenizer.h"

namespace da {

// One operator phrase of a question. `op` is its class. Words join a class only when they are
// true synonyms in a question about data; a word that also names an attribute keeps it apart
// ("largest" is max:size, "top" max:top, "after" >:time), so a class never merges two asks.
//   "max" (highest, most, greatest, maximum), "min" (lowest, least, fewest, minimum),
//   "max:top", "min:bottom", "max:size" (largest, biggest), "min:size" (smallest),
//   "max:best", "min:worst", "sum" (total, sum), "avg" (average, mean), "count" (how many,
//   number of, count), "how-much", "distinct" (distinct, different, unique), "not" (not, no,
//   without, except, excluding, never, other than, ...n't), "or",
//   ">" (more than, greater, higher, over, above, exceeding), ">=" (at least, no less than,
//   or more), "<" (less, fewer, lower, under, below), "<=" (at most, no more than, up to),
//   ">:size", "<:size" (larger, bigger, smaller), ">:time" (after, later than), ">=:time"
//   (since), "<:time" (before, earlier than), "<=:time" (until, as of, as at), "=" (equal to, exactly),
//   "between", "order" (sorted, ordered by, ranked), "asc", "asc:alpha" (alphabetically),
//   "desc", "group" (per, by, each, every, grouped by), "grain:<unit>" (monthly, per month,
//   each year...), "limit", "first", "last",
//   "sup:<lemma>" (another superlative: "oldest" -> sup:old),
//   "cmp:<lemma>" (another comparative before "than": "older than" -> cmp:old).
struct OperatorMatch {
  std::string op;
  size_t first = 0, last = 0;  // inclusive token range
};

// Operator phrases of `tokens` in order, longest phrase first at each position. Tokens with
// skip[i] set (literals, words linked to the schema or to data values) are never part of one.
// `skip` has one entry per token.
std::vector<OperatorMatch> FindOperators(const std::vector<Token>& tokens, const std::vector<bool>& skip);

// Index of the first token after `i` that is not a stop word, or tokens.size().
size_t NextContentToken(const std::vector<Token>& tokens, size_t i);

// Comparatives and superlatives ("higher", "most", "best", "fewest"): words whose WordNet lemma
// would erase the degree a question asks for ("highest" -> "high"), so they keep their own form.
bool IsDegreeWord(const Token& token);

}  // namespace da
