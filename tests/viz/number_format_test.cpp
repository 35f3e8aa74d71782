#include "viz/number_format.h"

#include <gtest/gtest.h>

#include <cmath>
#include <limits>

namespace da {
namespace {

const std::string kMinus = "\xE2\x88\x92";

TEST(FormatCountTest, ThousandsSeparatorsAndSign) {
  EXPECT_EQ(FormatCount(0), "0");
  EXPECT_EQ(FormatCount(999), "999");
  EXPECT_EQ(FormatCount(6435), "6,435");
  EXPECT_EQ(FormatCount(1234567), "1,234,567");
  EXPECT_EQ(FormatCount(-1000), kMinus + "1,000");
  EXPECT_EQ(FormatCount(std::numeric_limits<int64_t>::min()), kMinus + "9,223,372,036,854,775,808");
}

TEST(FormatNumberTest, ScaleWordsForMillionsAndAbove) {
  EXPECT_EQ(FormatNumber(301412345.67), "301.4 million");
  EXPECT_EQ(FormatNumber(2e9), "2 billion");
  EXPECT_EQ(FormatNumber(1.26e12), "1.3 trillion");
  EXPECT_EQ(FormatNumber(6737218987.11), "6.7 billion");
  EXPECT_EQ(FormatNumber(-2.3e6), kMinus + "2.3 million");
  // Rounding that reaches the next scale moves to it.
  EXPECT_EQ(FormatNumber(999999.97), "1 million");
  EXPECT_EQ(FormatNumber(999.97e6), "1 billion");
}

TEST(FormatNumberTest, SeparatorsAndDecimalsBelowAMillion) {
  EXPECT_EQ(FormatNumber(6435), "6,435");
  EXPECT_EQ(FormatNumber(1234.56), "1,234.6");
  EXPECT_EQ(FormatNumber(999999.9), "999,999.9");
  EXPECT_EQ(FormatNumber(100), "100");
  EXPECT_EQ(FormatNumber(42), "42");
  EXPECT_EQ(FormatNumber(3.14159), "3.14");
  EXPECT_EQ(FormatNumber(2.5), "2.5");
  EXPECT_EQ(FormatNumber(-31.456), kMinus + "31.46");
}

TEST(FormatNumberTest, ZeroTinyAndNonFinite) {
  EXPECT_EQ(FormatNumber(0), "0");
  EXPECT_EQ(FormatNumber(-0.0), "0");
  EXPECT_EQ(FormatNumber(0.5), "0.5");
  EXPECT_EQ(FormatNumber(0.0012345), "0.0012");
  EXPECT_EQ(FormatNumber(-0.0001), kMinus + "0.0001");
  EXPECT_EQ(FormatNumber(0.99996), "1");
  EXPECT_EQ(FormatNumber(1.5e-9), "1.5e-09");
  EXPECT_EQ(FormatNumber(std::nan("")), "n/a");
  EXPECT_EQ(FormatNumber(std::numeric_limits<double>::infinity()), "infinity");
  EXPECT_EQ(FormatNumber(-std::numeric_limits<double>::infinity()), kMinus + "infinity");
}

TEST(FormatNumberTest, VeryLargeIsScientific) {
  EXPECT_EQ(FormatNumber(1.2e18), "1.2e+18");
  EXPECT_EQ(FormatNumber(-3e20), kMinus + "3.0e+20");
  EXPECT_EQ(FormatNumber(std::numeric_limits<double>::max()), "1.8e+308");
}

TEST(FormatExactTest, AllDigitsTwoDecimals) {
  EXPECT_EQ(FormatExact(6737218987.114), "6,737,218,987.11");
  EXPECT_EQ(FormatExact(6435), "6,435");
  EXPECT_EQ(FormatExact(-0.5), kMinus + "0.5");
  EXPECT_EQ(FormatExact(0), "0");
  EXPECT_EQ(FormatExact(0.001234), "0.0012");
  EXPECT_EQ(FormatExact(2e15), "2.0e+15");
  EXPECT_EQ(FormatExact(std::nan("")), "n/a");
}

TEST(FormatPercentTest, DecimalsShrinkAsPercentsGrow) {
  EXPECT_EQ(FormatPercent(7.0912), "7.1%");
  EXPECT_EQ(FormatPercent(4.0), "4%");
  EXPECT_EQ(FormatPercent(-31.2), kMinus + "31%");
  EXPECT_EQ(FormatPercent(9.96), "10%");
  EXPECT_EQ(FormatPercent(1250.4), "1,250%");
  EXPECT_EQ(FormatPercent(0.4234), "0.42%");
  EXPECT_EQ(FormatPercent(0), "0%");
  EXPECT_EQ(FormatPercent(-0.0), "0%");
  EXPECT_EQ(FormatPercent(std::nan("")), "n/a");
}

}  // namespace
}  // namespace da
