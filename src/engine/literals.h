// Recognises values written in a question: numbers in digits and words ("two", "a dozen",
// "2 million", "5k", "10%"), ordinals, years, months, quarters, dates and ranges.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "engine/tokenizer.h"

namespace da {

struct Literal {
  enum class Kind {
    kNumber,     // value
    kYear,       // value = year (1000-2999 standing alone or after in/of/during/since/before/after)
    kMonth,      // value = 1..12 (optionally with year in `year`)
    kQuarter,    // value = 1..4 (optionally with year)
    kDate,       // text = "YYYY-MM-DD"
    kString,     // a quoted string: text
  };
  Kind kind = Kind::kNumber;
  double value = 0;
  std::optional<int> year;
  std::string text;
  size_t first_token = 0, last_token = 0;  // inclusive token range the literal covers
};

// Finds literals in token order; a token belongs to at most one literal (the longest).
std::vector<Literal> FindLiterals(const std::vector<Token>& tokens);

}  // namespace da
