// English word knowledge for linking questions to schemas: WordNet (morphology, synonyms,
// pertainyms) and the Snowball English stemmer. Generic language data only: nothing in here
// may exist because of a particular dataset or benchmark question.
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace da {

class Lexicon {
 public:
  // The process-wide instance; WordNet's files are opened on first use. Thread-safe (WordNet's
  // C library is not, so calls into it are serialised and their results cached).
  static const Lexicon& Get();

  // Base form by WordNet morphology, trying noun, verb, adjective, adverb in that order;
  // the lowercased word itself when WordNet does not know it.
  std::string Lemma(std::string_view word) const;
  // Snowball English stem of the lowercased word.
  std::string Stem(std::string_view word) const;
  // Lemmas of the synsets of the word and of its lemma (all parts of speech), lowercased,
  // '_' -> ' ', without the word itself or proper-name collocations ("Isaac Merrit Singer").
  // "vocalist" -> {"singer", "vocalizer", "vocaliser"}. Empty when unknown.
  std::vector<std::string> Synonyms(std::string_view word) const;
  // Words related through pertainyms and derivations of the word's own senses ("french" ->
  // "france", "yearly" -> "year", "singer" -> "sing"), lowercased.
  std::vector<std::string> Related(std::string_view word) const;
  // Nouns naming the attribute an adjective measures, by WordNet's attribute relation, also
  // through the head of a satellite adjective ("youngest" -> "age", "heavy" -> "weight",
  // "tall" -> "stature", "height"), lowercased. Empty for words that are not adjectives.
  std::vector<std::string> Attributes(std::string_view word) const;
  // Function words that carry no schema meaning ("the", "of", "what", "show", "me"). Words
  // that express a query operation are never stop words: negation, comparison, quantity,
  // aggregation, grouping, ranking, ranges ("not", "than", "how", "many", "per", "by", "top",
  // "between", "and", "or", "from", "to"); the rule is spelled out in lexicon.cpp.
  bool IsStopWord(std::string_view lower) const;
  // True when WordNet knows the word in any part of speech.
  bool IsKnownWord(std::string_view lower) const;

 private:
  Lexicon();
  struct Impl;
  Impl* impl_;
};

}  // namespace da
