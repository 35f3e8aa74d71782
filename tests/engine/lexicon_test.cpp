#include "engine/lexicon.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <string>
#include <thread>
#include <vector>

namespace da {
namespace {

bool Contains(const std::vector<std::string>& words, const std::string& word) {
  return std::find(words.begin(), words.end(), word) != words.end();
}

const Lexicon& L() { return Lexicon::Get(); }

TEST(LexiconTest, LemmaOfRegularAndIrregularPlurals) {
  EXPECT_EQ(L().Lemma("singers"), "singer");
  EXPECT_EQ(L().Lemma("countries"), "country");
  EXPECT_EQ(L().Lemma("children"), "child");
  EXPECT_EQ(L().Lemma("women"), "woman");
  EXPECT_EQ(L().Lemma("ages"), "age");
  EXPECT_EQ(L().Lemma("cities"), "city");
}

TEST(LexiconTest, LemmaOfBaseFormIsItself) {
  EXPECT_EQ(L().Lemma("singer"), "singer");
  // WordNet lists "people" as a noun of its own; as a plural it is "person"'s.
  EXPECT_EQ(L().Lemma("people"), "person");
  EXPECT_EQ(L().Lemma("better"), "better");  // a noun first, before the adjective "good"
}

TEST(LexiconTest, LemmaOfAdjectivesAndVerbs) {
  EXPECT_EQ(L().Lemma("oldest"), "old");
  EXPECT_EQ(L().Lemma("youngest"), "young");
  EXPECT_EQ(L().Lemma("sold"), "sell");
  EXPECT_EQ(L().Lemma("bought"), "buy");
  EXPECT_EQ(L().Lemma("released"), "release");
}

TEST(LexiconTest, LemmaLowercasesAndKeepsUnknownWords) {
  EXPECT_EQ(L().Lemma("Singers"), "singer");
  EXPECT_EQ(L().Lemma("xqzzy"), "xqzzy");
  EXPECT_EQ(L().Lemma("Zürich"), "zürich");
  EXPECT_EQ(L().Lemma(""), "");
}

TEST(LexiconTest, StopWordsKeepTheirForm) {
  // Morphy would read these as plurals of abbreviations ("was" -> "wa", "has" -> "ha").
  EXPECT_EQ(L().Lemma("was"), "was");
  EXPECT_EQ(L().Lemma("has"), "has");
  EXPECT_EQ(L().Lemma("its"), "its");
}

TEST(LexiconTest, Stem) {
  EXPECT_EQ(L().Stem("singer"), "singer");
  EXPECT_EQ(L().Stem("ages"), "age");
  EXPECT_EQ(L().Stem("countries"), "countri");
  EXPECT_EQ(L().Stem("Running"), "run");
  EXPECT_EQ(L().Stem("nationality"), "nation");
}

TEST(LexiconTest, Synonyms) {
  EXPECT_TRUE(Contains(L().Synonyms("vocalist"), "singer"));
  EXPECT_TRUE(Contains(L().Synonyms("singer"), "vocalist"));
  EXPECT_TRUE(Contains(L().Synonyms("salary"), "wage"));
  EXPECT_TRUE(Contains(L().Synonyms("city"), "metropolis"));
  EXPECT_TRUE(Contains(L().Synonyms("country"), "nation"));
  EXPECT_TRUE(Contains(L().Synonyms("total"), "sum"));
  EXPECT_TRUE(Contains(L().Synonyms("film"), "movie"));
  EXPECT_FALSE(Contains(L().Synonyms("singer"), "singer"));  // never the word itself
}

TEST(LexiconTest, SynonymsOfInflectedFormUseTheLemma) {
  EXPECT_TRUE(Contains(L().Synonyms("vocalists"), "singer"));
  EXPECT_TRUE(Contains(L().Synonyms("films"), "movie"));
}

TEST(LexiconTest, SynonymsAreLowercasedCollocationsWithoutProperNames) {
  auto synonyms = L().Synonyms("revenue");
  EXPECT_TRUE(Contains(synonyms, "tax revenue"));
  for (const std::string& s : L().Synonyms("singer")) {
    EXPECT_EQ(s.find('_'), std::string::npos) << s;
    EXPECT_EQ(s.find("isaac"), std::string::npos) << s;  // "Isaac Bashevis Singer"
  }
  for (const std::string& s : synonyms) {
    EXPECT_TRUE(std::none_of(s.begin(), s.end(), [](char c) { return c >= 'A' && c <= 'Z'; }))
        << s;
  }
}

TEST(LexiconTest, UnknownWordHasNoSynonymsOrRelatedWords) {
  EXPECT_TRUE(L().Synonyms("xqzzy").empty());
  EXPECT_TRUE(L().Related("xqzzy").empty());
  EXPECT_TRUE(L().Synonyms("").empty());
}

TEST(LexiconTest, RelatedThroughPertainymsAndDerivations) {
  EXPECT_TRUE(Contains(L().Related("french"), "france"));
  EXPECT_TRUE(Contains(L().Related("singer"), "sing"));
  EXPECT_TRUE(Contains(L().Related("employee"), "employ"));
  EXPECT_TRUE(Contains(L().Related("yearly"), "year"));
  EXPECT_TRUE(Contains(L().Related("german"), "germany"));
}

TEST(LexiconTest, StopWordsAreFunctionWordsAndBoilerplate) {
  for (const char* w : {"the", "a", "of", "what", "which", "is", "are", "show", "me", "list",
                        "give", "please", "all", "every", "their", "display"}) {
    EXPECT_TRUE(L().IsStopWord(w)) << w;
  }
}

TEST(LexiconTest, QueryOperatorWordsAreNotStopWords) {
  for (const char* w : {"not", "no", "each", "per", "by", "most", "least", "more", "less", "than",
                        "between", "top", "first", "last", "how", "many", "much", "average",
                        "total", "number", "count", "before", "after", "over", "under", "or",
                        "without"}) {
    EXPECT_FALSE(L().IsStopWord(w)) << w;
  }
}

TEST(LexiconTest, SchemaWordsAreNotStopWords) {
  for (const char* w : {"name", "singer", "value", "data", "record", "age", "year"}) {
    EXPECT_FALSE(L().IsStopWord(w)) << w;
  }
}

TEST(LexiconTest, KnownWords) {
  EXPECT_TRUE(L().IsKnownWord("singer"));
  EXPECT_TRUE(L().IsKnownWord("singers"));  // through its lemma
  EXPECT_TRUE(L().IsKnownWord("quickly"));
  EXPECT_FALSE(L().IsKnownWord("xqzzy"));
  EXPECT_FALSE(L().IsKnownWord("zürich"));
  EXPECT_FALSE(L().IsKnownWord(""));
}

TEST(LexiconTest, ConcurrentCallersGetConsistentAnswers) {
  const std::vector<std::string> words = {"singers", "countries", "children", "oldest",
                                          "vocalists", "french", "employees", "cities"};
  std::vector<std::thread> threads;
  std::vector<std::vector<std::string>> results(4);
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&, t] {
      for (int round = 0; round < 50; ++round) {
        for (const std::string& w : words) {
          std::string line = L().Lemma(w) + "|" + L().Stem(w) + "|" +
                             std::to_string(L().Synonyms(w).size()) + "|" +
                             std::to_string(L().Related(w).size());
          if (round == 0) results[t].push_back(line);
        }
      }
    });
  }
  for (auto& th : threads) th.join();
  for (int t = 1; t < 4; ++t) EXPECT_EQ(results[t], results[0]);
  EXPECT_EQ(results[0][0].substr(0, results[0][0].find('|')), "singer");
}

}  // namespace
}  // namespace da
