#include "viz/number_format.h"

#include <cmath>
#include <cstdio>

namespace da {

namespace {

constexpr const char* kMinus = "\xE2\x88\x92";  // U+2212

// "1234567" -> "1,234,567" (digits only).
std::string GroupThousands(const std::string& digits) {
  std::string out;
  const size_t n = digits.size();
  for (size_t i = 0; i < n; ++i) {
    if (i > 0 && (n - i) % 3 == 0) out += ',';
    out += digits[i];
  }
  return out;
}

// Non-negative `a` with `decimals` places, trailing zeros (and a bare point) dropped, the
// integer part grouped by thousands.
std::string Fixed(double a, int decimals) {
  char buf[400];
  std::snprintf(buf, sizeof(buf), "%.*f", decimals, a);
  std::string s = buf;
  std::string frac;
  if (size_t dot = s.find('.'); dot != std::string::npos) {
    frac = s.substr(dot + 1);
    s.resize(dot);
    while (!frac.empty() && frac.back() == '0') frac.pop_back();
  }
  return GroupThousands(s) + (frac.empty() ? "" : "." + frac);
}

std::string Scientific(double a) {
  char buf[64];
  std::snprintf(buf, sizeof(buf), "%.1e", a);
  return buf;
}

// Two significant digits for 0 < a < 1.
std::string TwoSignificant(double a) {
  const int decimals = static_cast<int>(-std::floor(std::log10(a))) + 1;
  return Fixed(a, decimals);
}

std::string WithSign(bool negative, const std::string& magnitude) {
  if (!negative || magnitude.find_first_not_of("0.,") == std::string::npos) return magnitude;
  return kMinus + magnitude;
}

std::string Magnitude(double a) {
  if (a >= 1e15) return Scientific(a);
  if (a >= 999999.95) {
    double scale = 1e6;
    const char* word = "million";
    if (a >= 999.95e9) {
      scale = 1e12;
      word = "trillion";
    } else if (a >= 999.95e6) {
      scale = 1e9;
      word = "billion";
    }
    return Fixed(a / scale, 1) + " " + word;
  }
  if (a >= 100) return Fixed(a, 1);
  if (a >= 1) return Fixed(a, 2);
  if (a == 0) return "0";
  if (a < 1e-6) return Scientific(a);
  return TwoSignificant(a);
}

}  // namespace

std::string FormatCount(int64_t n) {
  const bool negative = n < 0;
  // Magnitude as unsigned so INT64_MIN does not overflow.
  const uint64_t m = negative ? 0 - static_cast<uint64_t>(n) : static_cast<uint64_t>(n);
  return WithSign(negative, GroupThousands(std::to_string(m)));
}

std::string FormatNumber(double x) {
  if (std::isnan(x)) return "n/a";
  if (std::isinf(x)) return x > 0 ? "infinity" : std::string(kMinus) + "infinity";
  return WithSign(x < 0, Magnitude(std::fabs(x)));
}

std::string FormatExact(double x) {
  const double a = std::fabs(x);
  if (std::isnan(x) || std::isinf(x) || a >= 1e15 || (a < 0.01 && a > 0)) return FormatNumber(x);
  return WithSign(x < 0, Fixed(a, 2));
}

std::string FormatPercent(double percent) {
  if (std::isnan(percent)) return "n/a";
  if (std::isinf(percent)) return FormatNumber(percent) + "%";
  const double a = std::fabs(percent);
  std::string m;
  if (a >= 1e15) {
    m = Scientific(a);
  } else if (a >= 9.95) {
    m = Fixed(a, 0);
  } else if (a >= 1) {
    m = Fixed(a, 1);
  } else if (a == 0) {
    m = "0";
  } else {
    m = a < 1e-6 ? Scientific(a) : TwoSignificant(a);
  }
  return WithSign(percent < 0, m) + "%";
}

}  // namespace da
