// Schema and value linking: finds the spans of a question that name tables, columns or values
// of the dataset, each with its candidate readings and how well they match.
#pragma once

#include <string>
#include <vector>

#include "catalog/value_index.h"
#include "engine/literals.h"
#include "engine/schema_index.h"
#include "engine/tokenizer.h"

namespace da {

struct SchemaCandidate {
  int table = -1;
  int column = -1;  // -1: the table itself
  double score = 0;
};

struct ValueCandidate {
  int table = -1, column = -1;
  std::string value;
  int64_t count = 0;
  double score = 0;
};

struct Mention {
  enum class Kind { kSchema, kValue, kString };  // kString: quoted text matching no value
  Kind kind = Kind::kSchema;
  size_t first = 0, last = 0;  // inclusive token range
  std::vector<SchemaCandidate> schema;  // best first
  std::vector<ValueCandidate> values;   // best first
  std::string text;                     // the words as written
};

struct LinkedQuestion {
  std::vector<Token> tokens;
  std::vector<Literal> literals;
  std::vector<Mention> mentions;       // in question order, non-overlapping
  std::vector<int> token_mention;      // per token: index into mentions or -1
  std::vector<int> token_literal;      // per token: index into literals or -1
};

// Words the planner reads as operations ("average", "most", "each", "sorted"...). They link
// to the schema only when a name matches them exactly.
bool IsOperatorWord(const std::string& lower);

// Frequency adjectives that ask for a time grouping ("monthly", "yearly", "daily").
bool IsTimeAdjective(const std::string& lower);

// How well a question token matches a name word: 1 same lemma/stem, 0.75 synonym or related
// form, 0.6 abbreviation (one a prefix of the other, the shorter an unknown word of >= 3
// letters), else 0.
double WordMatch(const Token& token, const NameWord& word);

LinkedQuestion LinkQuestion(std::string_view question, const SchemaIndex& schema,
                            const ValueIndex* values);

}  // namespace da
