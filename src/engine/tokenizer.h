// Splits a question into tokens, each with the forms the linker matches on.
#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace da {

struct Token {
  enum class Kind { kWord, kNumber, kQuoted, kPunct };
  Kind kind = Kind::kWord;
  std::string text;    // as written ("Singers", "1,000", "O'Brien"); quoted: content without quotes
  std::string lower;   // ASCII-lowercased text, typographic apostrophe (U+2019) folded to '\'' 
  std::string lemma;   // WordNet base form of lower ("singers" -> "singer", "oldest" -> "old")
  std::string stem;    // Snowball English stem of lower ("singer" -> "singer", "ages" -> "age")
  std::optional<double> number;  // kNumber: its value ("1,000" -> 1000, "2.5", "3rd" -> 3)
  size_t begin = 0, end = 0;     // byte offsets in the question
};

// Words (letters, digits, inner apostrophes/hyphens: "o'brien", "e-mail"), numbers ("12",
// "1,234.5", "-3", "2nd"), quoted strings ('...', "...", “...”) and punctuation. Possessive
// "'s" is split off as its own word. Never fails; empty input gives no tokens.
std::vector<Token> Tokenize(std::string_view question);

}  // namespace da
