// Literal-aware keys for the semantic cache: what a question asks, split into its slots (the
// literals: numbers, years, months, quarters, dates, quoted strings and data values), its
// template (its words with each slot as a typed placeholder) and its signature (the question
// in canonical terms: linked schema elements, operator classes, slot kinds, other words, in
// order). The cache never trusts embedding similarity alone: "top 5 stores" and "top 10
// stores" share a template and a signature but not their slots, so a cached answer to one can
// only be reused for the other by rewriting its SQL's literals (sql_reparameterize.h).
//
//   exact_text equal      the same question up to case, stop words, inflection and
//                         punctuation: the cached SQL answers it as it is.
//   signature equal       the same question up to synonyms of names and operators, and the
//                         slots' values: with equal slots the cached SQL answers it; with other
//                         values it may once re-parameterised, or else it is a miss.
//   signature differs     never the same cache entry, whatever the embeddings say.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "catalog/value_index.h"
#include "common/status.h"
#include "engine/schema_index.h"

namespace da {

// One literal of a question, in a typed form.
struct Slot {
  enum class Kind { kNumber, kYear, kMonth, kQuarter, kDate, kString, kValue };
  Kind kind = Kind::kNumber;
  std::string text;   // as written in the question ("ten", "5k", "March 2012", "O'Brien")
  // Canonical value:
  //   kNumber   shortest decimal ("10", "2.5", "5000"); a percentage as written (10 for "10%")
  //   kYear     "2012"
  //   kMonth    "2012-03" with a year, else "03"
  //   kQuarter  "2011-Q3" with a year, else "Q3"
  //   kDate     "2012-03-01"
  //   kString   the quoted text, quotes removed
  //   kValue    the data value as stored ("North" for "north")
  std::string value;
  std::string column;     // kValue: "table.column" of the value; empty otherwise
  bool ordinal = false;   // kNumber written as an ordinal ("3rd", "twenty-first")
  bool percent = false;   // kNumber written with "%" or "percent"
  bool with_year = false; // kMonth, kQuarter: a year is part of the value

  // The template's placeholder: "<number>", "<ordinal>", "<percent>", "<year>", "<month>",
  // "<year-month>", "<quarter>", "<year-quarter>", "<date>", "<string>", "<value:table.column>".
  // Two slots with the same placeholder have interchangeable values.
  std::string Placeholder() const;
};

// "number", "year", "month", "quarter", "date", "string", "value".
const char* SlotKindName(Slot::Kind kind);

struct QuestionKey {
  std::vector<Slot> slots;  // in question order
  // The normalised question: lowercased lemmas (comparatives, superlatives and operator words
  // keep their own form), stop words and punctuation dropped, each slot as its placeholder.
  std::string template_text;
  // template_text with each placeholder carrying its value ("<number=5>",
  // "<value:stores.region=North>"): the exact-match fast path key.
  std::string exact_text;
  // The tables and "table.column"s the question links to with a good score (the best reading
  // of each link, and the column of each data value), sorted and unique.
  std::vector<std::string> schema;
  // The operator classes it asks for (question_operators.h), in question order.
  std::vector<std::string> operators;
  // What must be equal for two questions to share SQL beyond their slots' values: the question
  // in canonical terms, in order. Each linked name is its element ("stores.region"), each
  // operator phrase its class ("sum", ">="), each slot its placeholder, every other word that
  // the template keeps its template word. "total sales by region", "sum of sales per region"
  // and "What are total sales for each region?" are all {sum, sales, group, stores.region}.
  // Order is part of it: "highest size, lowest amount" is not "lowest size, highest amount".
  std::vector<std::string> signature;

  // A stable string of the signature. Questions with different keys are never answered by the
  // same SQL, whatever their embeddings.
  std::string SignatureKey() const;

  // {"template", "exact", "schema": [..], "operators": [..], "signature": [..],
  //  "slots": [{"kind", "text", "value", "column", "ordinal", "percent", "with_year"}]}
  nlohmann::json ToJson() const;
  // kCorruption naming the missing or mistyped field.
  static Result<QuestionKey> FromJson(const nlohmann::json& j);
};

// Analyses `question` against the dataset's schema and (when not null) its value index, with
// the engine's tokenizer, literal finder and linker. Weak literals ("which one", "may") stay
// words. Never fails; an empty question gives an empty key.
QuestionKey AnalyzeQuestion(std::string_view question, const SchemaIndex& schema, const ValueIndex* values);

}  // namespace da
