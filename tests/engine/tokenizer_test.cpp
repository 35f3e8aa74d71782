#include "engine/tokenizer.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace da {
namespace {

std::vector<std::string> Texts(const std::vector<Token>& tokens) {
  std::vector<std::string> out;
  for (const Token& t : tokens) out.push_back(t.text);
  return out;
}

using Strings = std::vector<std::string>;

TEST(TokenizerTest, EmptyAndBlankInputGiveNoTokens) {
  EXPECT_TRUE(Tokenize("").empty());
  EXPECT_TRUE(Tokenize("   \t\n ").empty());
}

TEST(TokenizerTest, WordsAndPunctuationWithOffsets) {
  std::string q = "How many singers are there?";
  auto tokens = Tokenize(q);
  EXPECT_EQ(Texts(tokens), (Strings{"How", "many", "singers", "are", "there", "?"}));
  for (const Token& t : tokens) EXPECT_EQ(q.substr(t.begin, t.end - t.begin), t.text);
  EXPECT_EQ(tokens[0].lower, "how");
  EXPECT_EQ(tokens[2].kind, Token::Kind::kWord);
  EXPECT_EQ(tokens[5].kind, Token::Kind::kPunct);
}

TEST(TokenizerTest, WordsCarryLemmaAndStem) {
  auto tokens = Tokenize("Singers countries oldest sold");
  ASSERT_EQ(tokens.size(), 4u);
  EXPECT_EQ(tokens[0].lower, "singers");
  EXPECT_EQ(tokens[0].lemma, "singer");
  EXPECT_EQ(tokens[0].stem, "singer");
  EXPECT_EQ(tokens[1].lemma, "country");
  EXPECT_EQ(tokens[1].stem, "countri");
  EXPECT_EQ(tokens[2].lemma, "old");
  EXPECT_EQ(tokens[3].lemma, "sell");
}

TEST(TokenizerTest, PossessiveIsSplitOff) {
  auto tokens = Tokenize("the singer's age and Zürich’s population");
  EXPECT_EQ(Texts(tokens),
            (Strings{"the", "singer", "'s", "age", "and", "Zürich", "’s", "population"}));
  EXPECT_EQ(tokens[2].kind, Token::Kind::kWord);
  EXPECT_EQ(tokens[6].lower, "'s");  // typographic apostrophe folded
}

TEST(TokenizerTest, PluralPossessiveApostropheIsPunctuation) {
  auto tokens = Tokenize("the singers' names");
  EXPECT_EQ(Texts(tokens), (Strings{"the", "singers", "'", "names"}));
  EXPECT_EQ(tokens[2].kind, Token::Kind::kPunct);
}

TEST(TokenizerTest, InnerApostrophesAndHyphensStayInWords) {
  auto tokens = Tokenize("O'Brien's e-mail, covid-19 and don't - dash");
  EXPECT_EQ(Texts(tokens), (Strings{"O'Brien", "'s", "e-mail", ",", "covid-19", "and", "don't",
                                    "-", "dash"}));
  EXPECT_EQ(tokens[0].lower, "o'brien");
  EXPECT_EQ(tokens[0].lemma, "o'brien");  // unknown to WordNet: itself
}

TEST(TokenizerTest, QuotedStrings) {
  auto tokens = Tokenize("singers named \"Joe Sharp\" or 'O'Brien' or “Ann Lee” and ‘Bo’");
  EXPECT_EQ(Texts(tokens), (Strings{"singers", "named", "Joe Sharp", "or", "O'Brien", "or",
                                    "Ann Lee", "and", "Bo"}));
  EXPECT_EQ(tokens[2].kind, Token::Kind::kQuoted);
  EXPECT_EQ(tokens[2].lower, "joe sharp");
  EXPECT_EQ(tokens[4].kind, Token::Kind::kQuoted);
  EXPECT_EQ(tokens[6].kind, Token::Kind::kQuoted);
  EXPECT_EQ(tokens[8].kind, Token::Kind::kQuoted);
  // Offsets cover the quotes themselves.
  std::string q = "name \"Joe\"";
  auto one = Tokenize(q);
  ASSERT_EQ(one.size(), 2u);
  EXPECT_EQ(q.substr(one[1].begin, one[1].end - one[1].begin), "\"Joe\"");
}

TEST(TokenizerTest, UnclosedQuoteIsPunctuation) {
  auto tokens = Tokenize("name \"Joe");
  EXPECT_EQ(Texts(tokens), (Strings{"name", "\"", "Joe"}));
  EXPECT_EQ(tokens[1].kind, Token::Kind::kPunct);
}

TEST(TokenizerTest, Numbers) {
  auto tokens = Tokenize("1,000 and 1,234.5 or 2.5, -3 the 3rd and 21ST 12");
  ASSERT_EQ(Texts(tokens), (Strings{"1,000", "and", "1,234.5", "or", "2.5", ",", "-3", "the",
                                    "3rd", "and", "21ST", "12"}));
  EXPECT_EQ(tokens[0].kind, Token::Kind::kNumber);
  EXPECT_DOUBLE_EQ(*tokens[0].number, 1000);
  EXPECT_DOUBLE_EQ(*tokens[2].number, 1234.5);
  EXPECT_DOUBLE_EQ(*tokens[4].number, 2.5);
  EXPECT_DOUBLE_EQ(*tokens[6].number, -3);
  EXPECT_DOUBLE_EQ(*tokens[8].number, 3);
  EXPECT_DOUBLE_EQ(*tokens[10].number, 21);
  EXPECT_EQ(tokens[10].lower, "21st");
  EXPECT_FALSE(tokens[1].number.has_value());
}

TEST(TokenizerTest, CommaListIsNotAThousandsGroup) {
  auto tokens = Tokenize("1,2 and 1,2345");
  EXPECT_EQ(Texts(tokens), (Strings{"1", ",", "2", "and", "1", ",", "2345"}));
}

TEST(TokenizerTest, NumberFollowedByLettersSplits) {
  auto tokens = Tokenize("5k 1.5m 10% $20");
  EXPECT_EQ(Texts(tokens), (Strings{"5", "k", "1.5", "m", "10", "%", "$", "20"}));
  EXPECT_EQ(tokens[0].kind, Token::Kind::kNumber);
  EXPECT_EQ(tokens[1].kind, Token::Kind::kWord);
}

TEST(TokenizerTest, HyphenBetweenNumbersIsNotMinus) {
  auto tokens = Tokenize("1990-2000 and 2012-02-10 and 02/10/2012");
  EXPECT_EQ(Texts(tokens), (Strings{"1990", "-", "2000", "and", "2012", "-", "02", "-", "10",
                                    "and", "02", "/", "10", "/", "2012"}));
  EXPECT_DOUBLE_EQ(*tokens[2].number, 2000);
  EXPECT_DOUBLE_EQ(*tokens[6].number, 2);
}

TEST(TokenizerTest, ComparisonOperatorsAreOneToken) {
  auto tokens = Tokenize("age>=30 and age<>4 and x<5");
  EXPECT_EQ(Texts(tokens),
            (Strings{"age", ">=", "30", "and", "age", "<>", "4", "and", "x", "<", "5"}));
}

TEST(TokenizerTest, UnicodeLettersAndPunctuation) {
  auto tokens = Tokenize("Cities near Zürich—or São Paulo… 東京?");
  EXPECT_EQ(Texts(tokens),
            (Strings{"Cities", "near", "Zürich", "—", "or", "São", "Paulo", "…", "東京", "?"}));
  EXPECT_EQ(tokens[2].lower, "zürich");
  EXPECT_EQ(tokens[3].kind, Token::Kind::kPunct);
}

TEST(TokenizerTest, MalformedUtf8NeverFails) {
  std::string q = "abc \xFF\xFE def \xC3";
  auto tokens = Tokenize(q);
  ASSERT_FALSE(tokens.empty());
  EXPECT_EQ(tokens.front().text, "abc");
  for (const Token& t : tokens) EXPECT_LE(t.end, q.size());
}

}  // namespace
}  // namespace da
