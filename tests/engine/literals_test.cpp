#include "engine/literals.h"

#include <gtest/gtest.h>

#include <random>
#include <string>
#include <vector>

namespace da {
namespace {

using Kind = Literal::Kind;

std::vector<Literal> Find(const std::string& question) {
  return FindLiterals(Tokenize(question));
}

// The single literal of `question`; fails the test when there is not exactly one.
Literal One(const std::string& question) {
  std::vector<Literal> found = Find(question);
  EXPECT_EQ(found.size(), 1u) << question;
  return found.empty() ? Literal{} : found.front();
}

TEST(LiteralsTest, NoLiteralsInPlainWords) {
  EXPECT_TRUE(Find("which singers are from France").empty());
  EXPECT_TRUE(Find("").empty());
}

TEST(LiteralsTest, DigitNumbers) {
  Literal l = One("singers older than 30");
  EXPECT_EQ(l.kind, Kind::kNumber);
  EXPECT_DOUBLE_EQ(l.value, 30);
  EXPECT_EQ(l.first_token, 3u);
  EXPECT_EQ(l.last_token, 3u);
  EXPECT_FALSE(l.weak);
  EXPECT_DOUBLE_EQ(One("more than 1,250.5 dollars").value, 1250.5);
  EXPECT_DOUBLE_EQ(One("temperature below -3").value, -3);
}

TEST(LiteralsTest, ScaledNumbers) {
  Literal l = One("sold over 2 million records");
  EXPECT_DOUBLE_EQ(l.value, 2000000);
  EXPECT_EQ(l.first_token, 2u);
  EXPECT_EQ(l.last_token, 3u);
  EXPECT_DOUBLE_EQ(One("budget above 5k").value, 5000);
  EXPECT_DOUBLE_EQ(One("budget above 1.5m").value, 1500000);
  EXPECT_DOUBLE_EQ(One("revenue of 3bn").value, 3e9);
  EXPECT_DOUBLE_EQ(One("1.5 billion people").value, 1.5e9);
  EXPECT_DOUBLE_EQ(One("3 dozen eggs").value, 36);
  // "k" with a space is a word, not a scale.
  std::vector<Literal> spaced = Find("5 k");
  ASSERT_EQ(spaced.size(), 1u);
  EXPECT_DOUBLE_EQ(spaced[0].value, 5);
}

TEST(LiteralsTest, Percentages) {
  Literal l = One("growth above 10%");
  EXPECT_DOUBLE_EQ(l.value, 10);
  EXPECT_TRUE(l.percent);
  EXPECT_EQ(l.last_token, 3u);
  EXPECT_TRUE(One("at least 5 percent").percent);
  EXPECT_TRUE(One("at least 2.5 per cent").percent);
  Literal words = One("twenty percent of them");
  EXPECT_DOUBLE_EQ(words.value, 20);
  EXPECT_TRUE(words.percent);
}

TEST(LiteralsTest, NumberWords) {
  EXPECT_DOUBLE_EQ(One("top three singers").value, 3);
  EXPECT_DOUBLE_EQ(One("twenty-one players").value, 21);
  EXPECT_DOUBLE_EQ(One("twenty one players").value, 21);
  EXPECT_DOUBLE_EQ(One("one hundred and five songs").value, 105);
  EXPECT_DOUBLE_EQ(One("two thousand three hundred").value, 2300);
  EXPECT_DOUBLE_EQ(One("more than two million fans").value, 2e6);
  EXPECT_DOUBLE_EQ(One("a dozen cities").value, 12);
  EXPECT_DOUBLE_EQ(One("a million fans").value, 1e6);
  EXPECT_DOUBLE_EQ(One("half a million fans").value, 500000);
  EXPECT_DOUBLE_EQ(One("ninety nine").value, 99);
  EXPECT_FALSE(One("top three singers").weak);
}

TEST(LiteralsTest, AdjacentNumberWordsDoNotMerge) {
  std::vector<Literal> found = Find("one two");
  ASSERT_EQ(found.size(), 2u);
  EXPECT_DOUBLE_EQ(found[0].value, 1);
  EXPECT_DOUBLE_EQ(found[1].value, 2);
  found = Find("twenty eleven");
  ASSERT_EQ(found.size(), 2u);
}

TEST(LiteralsTest, ArticleAloneIsNotANumber) {
  EXPECT_TRUE(Find("a singer with a song").empty());
}

TEST(LiteralsTest, RangesGiveTwoNumbers) {
  std::vector<Literal> found = Find("age between 10 and 20");
  ASSERT_EQ(found.size(), 2u);
  EXPECT_DOUBLE_EQ(found[0].value, 10);
  EXPECT_DOUBLE_EQ(found[1].value, 20);
  found = Find("between ten and twenty");
  ASSERT_EQ(found.size(), 2u);
  EXPECT_DOUBLE_EQ(found[0].value, 10);
  EXPECT_DOUBLE_EQ(found[1].value, 20);
  found = Find("from 1 million to 2.5 million");
  ASSERT_EQ(found.size(), 2u);
  EXPECT_DOUBLE_EQ(found[1].value, 2.5e6);
}

TEST(LiteralsTest, Ordinals) {
  Literal third = One("the 3rd longest river");
  EXPECT_EQ(third.kind, Kind::kNumber);
  EXPECT_DOUBLE_EQ(third.value, 3);
  EXPECT_TRUE(third.ordinal);
  EXPECT_FALSE(third.weak);
  Literal word = One("the third longest river");
  EXPECT_DOUBLE_EQ(word.value, 3);
  EXPECT_TRUE(word.ordinal);
  EXPECT_TRUE(word.weak);
  Literal compound = One("the twenty-first entry");
  EXPECT_DOUBLE_EQ(compound.value, 21);
  EXPECT_TRUE(compound.ordinal);
  EXPECT_FALSE(compound.weak);
}

TEST(LiteralsTest, AmbiguousSmallWordsAreWeak) {
  Literal one = One("which one is oldest");
  EXPECT_DOUBLE_EQ(one.value, 1);
  EXPECT_TRUE(one.weak);
  Literal first = One("the first name of each singer");
  EXPECT_DOUBLE_EQ(first.value, 1);
  EXPECT_TRUE(first.weak);
  EXPECT_TRUE(One("half of the singers").weak);
  EXPECT_TRUE(One("second").weak);
  EXPECT_FALSE(One("one hundred").weak);
  EXPECT_FALSE(One("2 singers").weak);
}

TEST(LiteralsTest, Years) {
  Literal y = One("songs released in 2012");
  EXPECT_EQ(y.kind, Kind::kYear);
  EXPECT_DOUBLE_EQ(y.value, 2012);
  EXPECT_EQ(y.year, 2012);
  EXPECT_EQ(One("since 1999").kind, Kind::kYear);
  // Outside 1000-2999, with grouping or a scale it is a number.
  EXPECT_EQ(One("more than 3000").kind, Kind::kNumber);
  EXPECT_EQ(One("more than 999").kind, Kind::kNumber);
  EXPECT_EQ(One("more than 2,000").kind, Kind::kNumber);
  EXPECT_EQ(One("2000 million").kind, Kind::kNumber);
  std::vector<Literal> range = Find("from 2010-2012");
  ASSERT_EQ(range.size(), 2u);
  EXPECT_EQ(range[0].kind, Kind::kYear);
  EXPECT_EQ(range[1].kind, Kind::kYear);
  EXPECT_DOUBLE_EQ(range[1].value, 2012);
}

TEST(LiteralsTest, Months) {
  Literal m = One("sales in March");
  EXPECT_EQ(m.kind, Kind::kMonth);
  EXPECT_DOUBLE_EQ(m.value, 3);
  EXPECT_FALSE(m.year.has_value());
  EXPECT_FALSE(m.weak);  // after "in"
  Literal with_year = One("sales in March 2012");
  EXPECT_EQ(with_year.kind, Kind::kMonth);
  EXPECT_EQ(with_year.year, 2012);
  EXPECT_EQ(with_year.last_token, 3u);
  EXPECT_EQ(One("during Sept. of 2011").year, 2011);
  EXPECT_DOUBLE_EQ(One("during Sept. of 2011").value, 9);
  EXPECT_DOUBLE_EQ(One("orders in dec").value, 12);
  Literal ym = One("orders in 2012-03");
  EXPECT_EQ(ym.kind, Kind::kMonth);
  EXPECT_DOUBLE_EQ(ym.value, 3);
  EXPECT_EQ(ym.year, 2012);
}

TEST(LiteralsTest, MonthNamesThatAreCommonWordsAreWeakWithoutContext) {
  Literal may = One("which singers may sing");
  EXPECT_EQ(may.kind, Kind::kMonth);
  EXPECT_TRUE(may.weak);
  EXPECT_FALSE(One("sales in May").weak);
  EXPECT_FALSE(One("may 2012").weak);
  EXPECT_FALSE(One("sales for June").weak);
}

TEST(LiteralsTest, Quarters) {
  Literal q = One("revenue in Q3 2011");
  EXPECT_EQ(q.kind, Kind::kQuarter);
  EXPECT_DOUBLE_EQ(q.value, 3);
  EXPECT_EQ(q.year, 2011);
  EXPECT_EQ(q.first_token, 2u);
  EXPECT_EQ(q.last_token, 3u);
  Literal alone = One("revenue in q1");
  EXPECT_DOUBLE_EQ(alone.value, 1);
  EXPECT_FALSE(alone.year.has_value());
  Literal words = One("the third quarter of 2011");
  EXPECT_EQ(words.kind, Kind::kQuarter);
  EXPECT_DOUBLE_EQ(words.value, 3);
  EXPECT_EQ(words.year, 2011);
  EXPECT_EQ(words.first_token, 1u);
  EXPECT_EQ(words.last_token, 4u);
  EXPECT_DOUBLE_EQ(One("first quarter").value, 1);
  EXPECT_EQ(One("first quarter").kind, Kind::kQuarter);
  EXPECT_DOUBLE_EQ(One("2nd quarter of the year 2010").value, 2);
  EXPECT_EQ(One("2nd quarter of the year 2010").year, 2010);
  EXPECT_EQ(One("Q2-2013").year, 2013);
  EXPECT_EQ(One("2013 Q4").year, 2013);
  EXPECT_DOUBLE_EQ(One("quarter 4").value, 4);
  // "fifth quarter" is not a quarter.
  EXPECT_EQ(One("fifth quarter").kind, Kind::kNumber);
}

TEST(LiteralsTest, QuarterWithoutYearLeavesFollowingOf) {
  std::vector<Literal> found = Find("Q2 of each year");
  ASSERT_EQ(found.size(), 1u);
  EXPECT_EQ(found[0].last_token, 0u);
}

TEST(LiteralsTest, IsoDates) {
  Literal d = One("orders on 2012-02-10");
  EXPECT_EQ(d.kind, Kind::kDate);
  EXPECT_EQ(d.text, "2012-02-10");
  EXPECT_EQ(d.year, 2012);
  EXPECT_EQ(d.first_token, 2u);
  EXPECT_EQ(d.last_token, 6u);
  EXPECT_EQ(One("2012/2/9").text, "2012-02-09");
}

TEST(LiteralsTest, WrittenDates) {
  EXPECT_EQ(One("since Feb 10, 2012").text, "2012-02-10");
  EXPECT_EQ(One("since Feb. 10 2012").text, "2012-02-10");
  EXPECT_EQ(One("since February 10th, 2012").text, "2012-02-10");
  EXPECT_EQ(One("since 10 February 2012").text, "2012-02-10");
  EXPECT_EQ(One("the 10th of February, 2012").text, "2012-02-10");
  EXPECT_EQ(One("since 02/10/2012").text, "2012-02-10");  // month first
  EXPECT_EQ(One("since 25/12/2012").text, "2012-12-25");  // only a date day first
}

TEST(LiteralsTest, InvalidDatesAreNotDates) {
  // February 30 does not exist: the pieces are read on their own.
  std::vector<Literal> found = Find("2012-02-30");
  ASSERT_FALSE(found.empty());
  for (const Literal& l : found) EXPECT_NE(l.kind, Kind::kDate);
  EXPECT_EQ(One("2012-02-29").text, "2012-02-29");  // leap year
  for (const Literal& l : Find("2011-02-29")) EXPECT_NE(l.kind, Kind::kDate);
}

TEST(LiteralsTest, QuotedStrings) {
  std::vector<Literal> found = Find("songs by \"Adele\" with 'Rolling in the Deep' in 2011");
  ASSERT_EQ(found.size(), 3u);
  EXPECT_EQ(found[0].kind, Kind::kString);
  EXPECT_EQ(found[0].text, "Adele");
  EXPECT_EQ(found[1].kind, Kind::kString);
  EXPECT_EQ(found[1].text, "Rolling in the Deep");
  EXPECT_EQ(found[2].kind, Kind::kYear);
}

TEST(LiteralsTest, TokensBelongToOneLiteralInOrder) {
  std::vector<Literal> found =
      Find("top 5 singers with over 2 million sales in Q3 2011 since March 2012 on 2012-02-10");
  ASSERT_EQ(found.size(), 5u);
  EXPECT_EQ(found[0].kind, Kind::kNumber);
  EXPECT_EQ(found[1].kind, Kind::kNumber);
  EXPECT_EQ(found[2].kind, Kind::kQuarter);
  EXPECT_EQ(found[3].kind, Kind::kMonth);
  EXPECT_EQ(found[4].kind, Kind::kDate);
  for (size_t k = 1; k < found.size(); ++k) {
    EXPECT_GT(found[k].first_token, found[k - 1].last_token);
  }
}

// Arbitrary text built from the pieces the scanners react to never breaks the invariants:
// offsets inside the question, literals in order, each token in at most one literal.
TEST(LiteralsTest, ArbitraryInputKeepsInvariants) {
  const std::vector<std::string> pieces = {
      "1", "2012", "-", "/", ",", ".", "'", "\"", "’", "“", "s", " ", "  ", "q3", "Q", "of",
      "the", "year", "quarter", "third", "a", "half", "dozen", "million", "and", "k", "%",
      "March", "may", "10th", "ü", "\xFF", "\xE2\x80", "twenty", "-one", "per", "cent"};
  std::mt19937 rng(12345);
  for (int round = 0; round < 3000; ++round) {
    std::string q;
    int n = static_cast<int>(rng() % 14);
    for (int k = 0; k < n; ++k) q += pieces[rng() % pieces.size()];
    std::vector<Token> tokens = Tokenize(q);
    for (const Token& t : tokens) {
      ASSERT_LE(t.begin, t.end) << q;
      ASSERT_LE(t.end, q.size()) << q;
    }
    std::vector<Literal> found = FindLiterals(tokens);
    for (size_t k = 0; k < found.size(); ++k) {
      ASSERT_LE(found[k].first_token, found[k].last_token) << q;
      ASSERT_LT(found[k].last_token, tokens.size()) << q;
      if (k > 0) ASSERT_GT(found[k].first_token, found[k - 1].last_token) << q;
    }
  }
}

}  // namespace
}  // namespace da
