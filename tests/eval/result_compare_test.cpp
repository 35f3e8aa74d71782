#include "eval/result_compare.h"

#include <gtest/gtest.h>

namespace da {
namespace {

Value I(int64_t v) { return Value(v); }
Value D(double v) { return Value(v); }
Value S(const char* v) { return Value(std::string(v)); }
Value N() { return Value(); }

TEST(ValuesEqualTest, NumbersCompareNumericallyWithTolerance) {
  EXPECT_TRUE(ValuesEqual(I(1), D(1.0)));
  EXPECT_TRUE(ValuesEqual(D(2.0 / 3.0), D(0.6666666667)));
  EXPECT_TRUE(ValuesEqual(D(1234567.891), D(1234567.8915)));  // relative 4e-10
  EXPECT_FALSE(ValuesEqual(D(1.0), D(1.01)));
  EXPECT_FALSE(ValuesEqual(I(3), I(4)));
  EXPECT_FALSE(ValuesEqual(I(9007199254740993), I(9007199254740992)));  // integers are exact
}

TEST(ValuesEqualTest, NullsTextAndTypes) {
  EXPECT_TRUE(ValuesEqual(N(), N()));
  EXPECT_FALSE(ValuesEqual(N(), I(0)));
  EXPECT_FALSE(ValuesEqual(S(""), N()));
  EXPECT_TRUE(ValuesEqual(S("France"), S("France")));
  EXPECT_FALSE(ValuesEqual(S("France"), S("france")));
  EXPECT_FALSE(ValuesEqual(S("1"), I(1)));
}

TEST(CompareResultsTest, MultisetIgnoresRowOrderWhenUnordered) {
  ResultRows gold = {{S("a"), I(1)}, {S("b"), I(2)}};
  ResultRows pred = {{S("b"), I(2)}, {S("a"), I(1)}};
  EXPECT_TRUE(CompareResults(gold, pred, false).equal);
  ResultComparison ordered = CompareResults(gold, pred, true);
  EXPECT_FALSE(ordered.equal);
  EXPECT_EQ(ordered.reason, "rows equal as a multiset but not in the gold ORDER BY order");
}

TEST(CompareResultsTest, DuplicateRowsMatter) {
  ResultRows gold = {{S("a")}, {S("a")}, {S("b")}};
  ResultRows pred = {{S("a")}, {S("b")}, {S("b")}};
  EXPECT_FALSE(CompareResults(gold, pred, false).equal);
  ResultRows fewer = {{S("a")}, {S("b")}};
  ResultComparison c = CompareResults(gold, fewer, false);
  EXPECT_FALSE(c.equal);
  EXPECT_EQ(c.reason, "2 rows, gold has 3");
}

TEST(CompareResultsTest, ColumnPermutationIsFound) {
  ResultRows gold = {{S("x"), I(1), D(2.5)}, {S("y"), I(2), D(3.5)}};
  ResultRows pred = {{D(3.5), S("y"), I(2)}, {D(2.5), S("x"), I(1)}};
  ResultComparison c = CompareResults(gold, pred, false);
  ASSERT_TRUE(c.equal);
  EXPECT_EQ(c.column_map, (std::vector<int>{1, 2, 0}));
}

TEST(CompareResultsTest, SortingEachRowsValuesWouldBeWrong) {
  // Each row holds the same values, but no single column order maps one result onto the
  // other: (1,2),(2,1) vs (1,2),(1,2). Sorting values inside rows would call them equal.
  ResultRows gold = {{I(1), I(2)}, {I(2), I(1)}};
  ResultRows pred = {{I(1), I(2)}, {I(1), I(2)}};
  ResultComparison c = CompareResults(gold, pred, false);
  EXPECT_FALSE(c.equal);
}

TEST(CompareResultsTest, PermutationMustBeConsistentAcrossRows) {
  // Columns with the same multiset of values: only the swap (1,0) fits every row.
  ResultRows gold = {{I(1), I(2)}, {I(2), I(3)}, {I(3), I(1)}};
  ResultRows pred = {{I(2), I(1)}, {I(3), I(2)}, {I(1), I(3)}};
  ResultComparison c = CompareResults(gold, pred, true);
  ASSERT_TRUE(c.equal);
  EXPECT_EQ(c.column_map, (std::vector<int>{1, 0}));
}

TEST(CompareResultsTest, ColumnCountMustMatch) {
  ResultRows gold = {{S("a")}};
  ResultRows pred = {{S("a"), I(1)}};
  ResultComparison c = CompareResults(gold, pred, false);
  EXPECT_FALSE(c.equal);
  EXPECT_EQ(c.reason, "2 columns, gold has 1");
}

TEST(CompareResultsTest, BothEmptyAreEqualWhateverTheColumns) {
  EXPECT_TRUE(CompareResults({}, {}, true).equal);
  EXPECT_FALSE(CompareResults({}, {{I(1)}}, false).equal);
}

TEST(CompareResultsTest, NumericToleranceAndNullsInsideRows) {
  ResultRows gold = {{S("a"), D(1.0 / 3.0), N()}, {S("b"), I(7), D(0.1 + 0.2)}};
  ResultRows pred_ok = {{I(7), S("b"), D(0.3)}, {D(0.333333333), S("a"), N()}};
  // Same column multisets, but the NULL sits on the wrong row.
  ResultRows pred_bad = {{I(7), S("b"), N()}, {D(0.333333333), S("a"), D(0.3)}};
  EXPECT_FALSE(CompareResults(gold, pred_bad, false).equal);
  EXPECT_TRUE(CompareResults(gold, pred_ok, false).equal);
}

TEST(CompareResultsTest, OrderedComparisonAcceptsSameOrder) {
  ResultRows gold = {{S("b"), I(3)}, {S("a"), I(2)}, {S("c"), I(1)}};
  ResultRows pred = {{I(3), S("b")}, {I(2), S("a")}, {I(1), S("c")}};
  EXPECT_TRUE(CompareResults(gold, pred, true).equal);
}

TEST(CompareResultsTest, WrongValuesGiveAReason) {
  ResultRows gold = {{I(1)}, {I(2)}};
  ResultRows pred = {{I(1)}, {I(3)}};
  ResultComparison c = CompareResults(gold, pred, false);
  EXPECT_FALSE(c.equal);
  EXPECT_EQ(c.reason, "no predicted column holds the values of gold column 1");
}

TEST(CompareResultsTest, ManyIdenticalColumnsStillResolve) {
  // Eight identical columns: 8! assignments are all candidates; the first one fits.
  std::vector<Value> row(8, I(5));
  ResultRows gold = {row, row};
  ResultComparison c = CompareResults(gold, gold, false);
  EXPECT_TRUE(c.equal);
  EXPECT_FALSE(c.gave_up);
}

}  // namespace
}  // namespace da
