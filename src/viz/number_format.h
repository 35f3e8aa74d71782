// Numbers written for people: chart notes, explanations. Negative numbers use the minus sign
// U+2212 ("−31%"), as typeset text does.
#pragma once

#include <cstdint>
#include <string>

namespace da {

// 6435 -> "6,435"; -1234567 -> "−1,234,567".
std::string FormatCount(int64_t n);

// A measure for a sentence:
//   |x| >= 1e6 (up to 1e15): one decimal and a scale word, trailing ".0" dropped:
//     301412345 -> "301.4 million", 2e9 -> "2 billion", 1.25e12 -> "1.3 trillion";
//   100 <= |x| < 1e6: thousands separators, at most one decimal: 6435 -> "6,435", 1234.56 -> "1,234.6";
//   1 <= |x| < 100: at most two decimals: 3.14159 -> "3.14", 42 -> "42";
//   0 < |x| < 1: two significant digits: 0.0012345 -> "0.0012", 0.5 -> "0.5";
//   |x| >= 1e15: scientific, "1.2e+18"; 0 -> "0"; NaN -> "n/a"; infinities -> "infinity".
// Rounding never shows a negative zero: -0.0001 is "−0.0001", -0.0 is "0".
std::string FormatNumber(double x);

// Every digit a person may need: thousands separators and at most two decimals, trailing
// zeros dropped: 6737218987.114 -> "6,737,218,987.11", -0.5 -> "−0.5"; |x| >= 1e15 and
// |x| < 0.01 (but not 0) as FormatNumber writes them.
std::string FormatExact(double x);

// `percent` is already in percent (7.1 means 7.1%): |p| >= 10 -> whole number ("−31%"),
// 1 <= |p| < 10 -> one decimal ("7.1%", "4%"), below 1 -> two significant digits ("0.42%").
std::string FormatPercent(double percent);

}  // namespace da
