#include "ingest/xlsx_number_format.h"

#include <charconv>
#include <chrono>
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <vector>

namespace da::xlsx {

namespace {

constexpr double kMaxExactInteger = 9007199254740992.0;  // 2^53
constexpr int64_t kMaxSerialDay = 2958465;                // 9999-12-31 in the 1900 system
constexpr int64_t kSecondsPerDay = 86400;

char Lower(char c) { return (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c; }

bool StartsWithNoCase(std::string_view s, size_t pos, std::string_view prefix) {
  if (s.size() - pos < prefix.size()) return false;
  for (size_t i = 0; i < prefix.size(); ++i)
    if (Lower(s[pos + i]) != Lower(prefix[i])) return false;
  return true;
}

// The first section of a format code: text up to the first ';' outside quotes/brackets.
std::string_view FirstSection(std::string_view code) {
  bool in_quotes = false;
  bool in_brackets = false;
  for (size_t i = 0; i < code.size(); ++i) {
    char c = code[i];
    if (in_quotes) {
      if (c == '"') in_quotes = false;
    } else if (in_brackets) {
      if (c == ']') in_brackets = false;
    } else if (c == '\\' || c == '_' || c == '*') {
      ++i;  // the next character is literal (or a padding width)
    } else if (c == '"') {
      in_quotes = true;
    } else if (c == '[') {
      in_brackets = true;
    } else if (c == ';') {
      return code.substr(0, i);
    }
  }
  return code;
}

bool IsElapsedBracket(std::string_view inside) {
  if (inside.empty()) return false;
  char first = Lower(inside[0]);
  if (first != 'h' && first != 'm' && first != 's') return false;
  for (char c : inside)
    if (Lower(c) != first) return false;
  return true;
}

struct FormatTokens {
  std::vector<char> letters;  // one entry per run of d, m, y, h or s, lower-cased
  bool elapsed = false;
  bool am_pm = false;
};

FormatTokens Tokenize(std::string_view section) {
  FormatTokens t;
  for (size_t i = 0; i < section.size(); ++i) {
    char c = section[i];
    if (c == '"') {
      size_t end = section.find('"', i + 1);
      i = end == std::string_view::npos ? section.size() : end;
    } else if (c == '[') {
      size_t end = section.find(']', i + 1);
      if (end == std::string_view::npos) end = section.size();
      if (IsElapsedBracket(section.substr(i + 1, end - i - 1))) t.elapsed = true;
      i = end;
    } else if (c == '\\' || c == '_' || c == '*') {
      ++i;
    } else if (StartsWithNoCase(section, i, "am/pm")) {
      t.am_pm = true;
      i += 4;
    } else if (StartsWithNoCase(section, i, "a/p")) {
      t.am_pm = true;
      i += 2;
    } else {
      char l = Lower(c);
      if (l == 'd' || l == 'm' || l == 'y' || l == 'h' || l == 's') {
        if (t.letters.empty() || t.letters.back() != l || Lower(section[i - 1]) != l)
          t.letters.push_back(l);
      }
    }
  }
  return t;
}

std::string TwoDigits(int64_t v) {
  char buf[8];
  std::snprintf(buf, sizeof buf, "%02d", static_cast<int>(v));
  return buf;
}

std::string ClockText(int64_t seconds_of_day) {
  return TwoDigits(seconds_of_day / 3600) + ":" + TwoDigits(seconds_of_day / 60 % 60) + ":" +
         TwoDigits(seconds_of_day % 60);
}

std::string DateText(int64_t serial_day, bool date1904) {
  using namespace std::chrono;
  sys_days day;
  if (date1904) {
    day = sys_days(year{1904} / January / 1) + days(serial_day);
  } else if (serial_day < 60) {
    day = sys_days(year{1899} / December / 31) + days(serial_day);
  } else {
    day = sys_days(year{1899} / December / 30) + days(serial_day);  // 60 -> 1900-02-28
  }
  year_month_day ymd(day);
  char buf[16];
  std::snprintf(buf, sizeof buf, "%04d-%02u-%02u", static_cast<int>(ymd.year()),
                static_cast<unsigned>(ymd.month()), static_cast<unsigned>(ymd.day()));
  return buf;
}

bool IsExactInteger(double v) { return std::trunc(v) == v && std::fabs(v) < kMaxExactInteger; }

}  // namespace

DateKind ClassifyBuiltinFormat(int id) {
  if (id >= 14 && id <= 17) return DateKind::kDate;
  if ((id >= 18 && id <= 21) || id == 45 || id == 47) return DateKind::kTime;
  if (id == 22) return DateKind::kDateTime;
  if (id == 46) return DateKind::kDuration;
  return DateKind::kNumber;
}

DateKind ClassifyFormatCode(std::string_view code) {
  FormatTokens t = Tokenize(FirstSection(code));
  bool has_date = false;
  bool has_time = t.elapsed || t.am_pm;
  for (size_t i = 0; i < t.letters.size(); ++i) {
    char l = t.letters[i];
    if (l == 'y' || l == 'd') {
      has_date = true;
    } else if (l == 'h' || l == 's') {
      has_time = true;
    } else {  // 'm': minutes next to hours or seconds, month otherwise
      bool after_hours = i > 0 && t.letters[i - 1] == 'h';
      bool before_seconds = i + 1 < t.letters.size() && t.letters[i + 1] == 's';
      if (after_hours || before_seconds) {
        has_time = true;
      } else {
        has_date = true;
      }
    }
  }
  if (t.elapsed && !has_date) return DateKind::kDuration;
  if (has_date && has_time) return DateKind::kDateTime;
  if (has_date) return DateKind::kDate;
  if (has_time) return DateKind::kTime;
  return DateKind::kNumber;
}

std::string FormatNumber(double value) {
  if (!std::isfinite(value)) return value != value ? "NaN" : (value > 0 ? "inf" : "-inf");
  if (IsExactInteger(value)) return std::to_string(static_cast<int64_t>(value));
  char buf[64];
  auto r = std::to_chars(buf, buf + sizeof buf, value, std::chars_format::general, 15);
  double rounded = value;
  std::from_chars(buf, r.ptr, rounded);
  if (IsExactInteger(rounded)) return std::to_string(static_cast<int64_t>(rounded));
  r = std::to_chars(buf, buf + sizeof buf, rounded);
  return std::string(buf, r.ptr);
}

std::optional<std::string> FormatSerial(double serial, DateKind kind, bool date1904) {
  if (kind == DateKind::kNumber || !std::isfinite(serial) || serial < 0) return std::nullopt;
  if (serial > static_cast<double>(kMaxSerialDay + 1)) return std::nullopt;
  const int64_t total = std::llround(serial * static_cast<double>(kSecondsPerDay));
  const int64_t day = total / kSecondsPerDay;
  const int64_t seconds = total % kSecondsPerDay;
  if (kind == DateKind::kDuration) {
    return std::to_string(total / 3600) + ":" + TwoDigits(total / 60 % 60) + ":" + TwoDigits(total % 60);
  }
  if (day > kMaxSerialDay) return std::nullopt;
  if (kind == DateKind::kTime && day == 0) return ClockText(seconds);
  if (kind == DateKind::kDate && seconds == 0) return DateText(day, date1904);
  return DateText(day, date1904) + " " + ClockText(seconds);
}

}  // namespace da::xlsx
