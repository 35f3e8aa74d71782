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
    kYear,       // value = year = a 4-digit integer 1000-2999 (the planner judges the context)
    kMonth,      // value = 1..12 (optionally with year in `year`)
    kQuarter,    // value = 1..4 (optionally with year)
    kDate,       // text = "YYYY-MM-DD", year set
    kString,     // a quoted string: text
  };
  Kind kind = Kind::kNumber;
  double value = 0;
  std::optional<int> year;
  std::string text;
  size_t first_token = 0, last_token = 0;  // inclusive token range the literal covers
  // kNumber written as an ordinal ("3rd", "first", "twenty-first"): value is its position.
  bool ordinal = false;
  // kNumber written with "%" or "percent": value is the percentage as written (10 for "10%").
  bool percent = false;
  // The words could be ordinary English rather than a value ("which one", "first name", "half
  // of", "may", "march" without a year): use only when the question's context asks for a value.
  bool weak = false;
};

// Finds literals in token order; a token belongs to at most one literal (the longest).
std::vector<Literal> FindLiterals(const std::vector<Token>& tokens);

}  // namespace da
