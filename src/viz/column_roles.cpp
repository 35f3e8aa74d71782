#include "viz/column_roles.h"

#include <algorithm>
#include <cctype>
#include <cmath>
#include <cstdio>
#include <limits>
#include <optional>
#include <unordered_set>

#include "common/strings.h"

namespace da {

namespace {

bool IsDigit(char c) { return c >= '0' && c <= '9'; }

bool AllDigits(std::string_view s, size_t from, size_t n) {
  if (from + n > s.size()) return false;
  for (size_t i = from; i < from + n; ++i)
    if (!IsDigit(s[i])) return false;
  return true;
}

int TwoDigits(std::string_view s, size_t at) { return (s[at] - '0') * 10 + (s[at + 1] - '0'); }

// "YYYY-MM" at the start of s, month 1..12.
bool YearMonthPrefix(std::string_view s) {
  if (s.size() < 7 || !AllDigits(s, 0, 4) || s[4] != '-' || !AllDigits(s, 5, 2)) return false;
  const int month = TwoDigits(s, 5);
  return month >= 1 && month <= 12;
}

bool DatePrefix(std::string_view s) {
  if (!YearMonthPrefix(s) || s.size() < 10 || s[7] != '-' || !AllDigits(s, 8, 2)) return false;
  const int day = TwoDigits(s, 8);
  return day >= 1 && day <= 31;
}

// "HH:MM[:SS[.fff]][Z|±hh[:]mm]" exactly.
bool IsTime(std::string_view s) {
  if (s.size() < 5 || !AllDigits(s, 0, 2) || s[2] != ':' || !AllDigits(s, 3, 2)) return false;
  if (TwoDigits(s, 0) > 24 || TwoDigits(s, 3) > 59) return false;
  size_t i = 5;
  if (i < s.size() && s[i] == ':') {
    if (!AllDigits(s, i + 1, 2)) return false;
    i += 3;
    if (i < s.size() && s[i] == '.') {
      size_t j = i + 1;
      while (j < s.size() && IsDigit(s[j])) ++j;
      if (j == i + 1) return false;
      i = j;
    }
  }
  if (i == s.size()) return true;
  if (s[i] == 'Z' || s[i] == 'z') return i + 1 == s.size();
  if (s[i] != '+' && s[i] != '-') return false;
  std::string_view zone = s.substr(i + 1);
  if (zone.size() == 4) return AllDigits(zone, 0, 4);
  return zone.size() == 5 && AllDigits(zone, 0, 2) && zone[2] == ':' && AllDigits(zone, 3, 2);
}

TimeGrain TextGrain(std::string_view s) {
  if (s.size() == 7 && YearMonthPrefix(s)) return TimeGrain::kMonth;
  if (DatePrefix(s)) {
    if (s.size() == 10) return TimeGrain::kDate;
    if (s[10] == 'T' || s[10] == ' ') return IsTime(s.substr(11)) ? TimeGrain::kTimestamp : TimeGrain::kNone;
    return TimeGrain::kNone;
  }
  // "2012-Q1", "2012Q1", "2012 Q1"
  if (s.size() >= 6 && s.size() <= 7 && AllDigits(s, 0, 4)) {
    const size_t q = s.size() - 2;
    if ((s[q] == 'Q' || s[q] == 'q') && s.back() >= '1' && s.back() <= '4' &&
        (q == 4 || s[4] == '-' || s[4] == ' '))
      return TimeGrain::kQuarter;
  }
  return TimeGrain::kNone;
}

}  // namespace


namespace {

bool HasWord(const std::vector<std::string>& words, std::initializer_list<std::string_view> any) {
  for (const auto& w : words)
    for (auto a : any)
      if (w == a) return true;
  return false;
}

bool IsAggregateCall(std::string_view name) {
  std::string lower = ToLower(Trim(name));
  for (std::string_view fn : {"count(", "sum(", "avg(", "min(", "max(", "total("})
    if (lower.rfind(fn, 0) == 0) return true;
  return false;
}

// PostgreSQL names an unaliased EXTRACT(...) column "extract" ("date_part" before version 14).
bool NameIsExtract(const std::vector<std::string>& words) {
  return words.size() == 1 ? words[0] == "extract" : words.size() == 2 && words[0] == "date" && words[1] == "part";
}

// strftime('%Y', d), EXTRACT(YEAR FROM d), date_part('year', d), to_char(d, 'YYYY'), "year"...;
// `years_seen`: the values look like years, which is enough for a bare "extract" column.
bool NameSaysYear(std::string_view name, const std::vector<std::string>& words, bool years_seen = false) {
  if (name.find("%Y") != std::string_view::npos && name.find("%m") == std::string_view::npos) return true;
  if (years_seen && NameIsExtract(words)) return true;
  return HasWord(words, {"year", "yr", "yyyy", "years"});
}

bool NameSaysMonth(std::string_view name, const std::vector<std::string>& words) {
  if (name.find("%m") != std::string_view::npos && name.find("%Y") == std::string_view::npos) return true;
  return HasWord(words, {"month", "mon", "months"}) || (HasWord(words, {"mm"}) && !HasWord(words, {"yyyy"}));
}

bool NameSaysIdentifier(std::string_view name, const std::vector<std::string>& words) {
  if (IsAggregateCall(name) || words.empty()) return false;
  if (HasWord(words, {"id", "key", "code", "zip", "zipcode", "postcode", "phone", "sku", "uuid", "guid", "index",
                      "idx"}))
    return true;
  const std::string& last = words.back();
  return (last == "number" || last == "no" || last == "num" || last == "nbr") && words.front() != "number" &&
         words.front() != "num";
}

bool NameSaysMeasure(std::string_view name, const std::vector<std::string>& words) {
  const bool number_of = words.size() >= 2 && (words[0] == "number" || words[0] == "num") && words[1] == "of";
  return IsAggregateCall(name) || number_of ||
         HasWord(words, {"count", "total", "sum", "avg", "average", "mean", "amount", "price", "cost", "sales",
                         "revenue", "qty", "quantity", "value", "score", "rate", "percent", "pct", "ratio",
                         "size", "weight", "income", "profit", "balance", "salary", "budget", "min", "max"});
}

struct Scan {
  size_t non_null = 0, ints = 0, reals = 0, texts = 0;
  bool all_integral = true, all_year_range = true, all_month_range = true;
  bool all_non_negative = true, all_zero_one = true;
  std::optional<TimeGrain> text_grain;  // common grain of the text values; kNone once they disagree
  bool text_years = true;               // every text value is 4 digits 1800..2200
  bool text_months = true;              // every text value is 1-2 digits 1..12
  std::unordered_set<std::string> distinct;
  size_t max_len = 0;
};

void ScanText(const std::string& s, Scan& scan) {
  TimeGrain g = TextGrain(s);
  if (!scan.text_grain) {
    scan.text_grain = g;
  } else if (*scan.text_grain != g) {
    const bool date_mix = (*scan.text_grain == TimeGrain::kDate || *scan.text_grain == TimeGrain::kTimestamp) &&
                          (g == TimeGrain::kDate || g == TimeGrain::kTimestamp);
    scan.text_grain = date_mix ? TimeGrain::kTimestamp : TimeGrain::kNone;
  }
  const bool digits = !s.empty() && s.size() <= 4 && AllDigits(s, 0, s.size());
  const int n = digits ? std::stoi(s) : -1;
  scan.text_years = scan.text_years && s.size() == 4 && digits && n >= 1800 && n <= 2200;
  scan.text_months = scan.text_months && s.size() <= 2 && digits && n >= 1 && n <= 12;
}

void ScanNumber(double x, bool integer, Scan& scan) {
  scan.all_integral = scan.all_integral && integer;
  scan.all_year_range = scan.all_year_range && integer && x >= 1800 && x <= 2200;
  scan.all_month_range = scan.all_month_range && integer && x >= 1 && x <= 12;
  scan.all_non_negative = scan.all_non_negative && x >= 0;
  scan.all_zero_one = scan.all_zero_one && (x == 0 || x == 1);
}

Scan ScanColumn(const QueryResult& result, size_t col, size_t max_rows) {
  Scan scan;
  const size_t n = std::min(result.rows.size(), max_rows);
  for (size_t r = 0; r < n; ++r) {
    if (col >= result.rows[r].size()) continue;
    const Value& v = result.rows[r][col];
    if (IsNull(v)) continue;
    if (const double* d = std::get_if<double>(&v); d && std::isnan(*d)) continue;
    ++scan.non_null;
    std::string text = ValueToString(v);
    scan.max_len = std::max(scan.max_len, text.size());
    if (const auto* i = std::get_if<int64_t>(&v)) {
      ++scan.ints;
      ScanNumber(static_cast<double>(*i), true, scan);
    } else if (const auto* d = std::get_if<double>(&v)) {
      ++scan.reals;
      ScanNumber(*d, std::floor(*d) == *d, scan);
    } else {
      ++scan.texts;
      ScanText(text, scan);
    }
    scan.distinct.insert(std::move(text));
  }
  return scan;
}

void AssignRole(const std::string& name, const Scan& scan, ResultColumn& info) {
  const auto words = SplitIdentifier(name);
  const size_t numbers = scan.ints + scan.reals;
  if (scan.non_null == 0) {
    info.role = ColumnRole::kEmpty;
    return;
  }
  info.role = ColumnRole::kNominal;
  if (scan.texts == scan.non_null) {
    if (scan.text_grain && *scan.text_grain != TimeGrain::kNone) {
      info.grain = *scan.text_grain;
    } else if (scan.text_years && NameSaysYear(name, words, true)) {
      info.grain = TimeGrain::kYear;
    } else if (scan.text_months && NameSaysMonth(name, words)) {
      info.grain = TimeGrain::kMonthNumber;
    }
    if (info.grain != TimeGrain::kNone) info.role = ColumnRole::kTemporal;
    return;
  }
  if (numbers != scan.non_null) return;  // numbers mixed with text
  if (info.integer && scan.all_year_range && NameSaysYear(name, words, true)) {
    info.role = ColumnRole::kTemporal;
    info.grain = TimeGrain::kYear;
  } else if (info.integer && scan.all_month_range && NameSaysMonth(name, words)) {
    info.role = ColumnRole::kTemporal;
    info.grain = TimeGrain::kMonthNumber;
  } else if (info.integer && (NameSaysIdentifier(name, words) ||
                              (scan.all_zero_one && !words.empty() &&
                               (words.front() == "is" || words.front() == "has")))) {
    info.role = ColumnRole::kNominal;
  } else {
    info.role = ColumnRole::kQuantitative;
  }
}

}  // namespace

std::vector<ResultColumn> InferColumnRoles(const QueryResult& result, size_t max_rows) {
  std::vector<ResultColumn> out;
  std::vector<Scan> scans;
  for (size_t c = 0; c < result.columns.size(); ++c) {
    Scan scan = ScanColumn(result, c, max_rows);
    ResultColumn info;
    info.name = result.columns[c];
    info.title = ColumnTitle(info.name);
    info.non_null = scan.non_null;
    info.distinct = scan.distinct.size();
    info.unique = scan.non_null > 0 && info.distinct == scan.non_null;
    info.integer = scan.non_null > 0 && scan.ints + scan.reals == scan.non_null && scan.all_integral;
    info.max_label_length = scan.max_len;
    AssignRole(info.name, scan, info);
    out.push_back(std::move(info));
    scans.push_back(std::move(scan));
  }
  // A leftmost column of unique non-negative integers (stored as integers, not reals: measured
// values come as reals) beside another measure labels the rows
  // (store 1, store 2, ...) unless its name says it measures something.
  if (out.size() >= 2 && out[0].role == ColumnRole::kQuantitative && out[0].integer && scans[0].reals == 0 &&
      out[0].unique &&
      out[0].non_null >= 2 && scans[0].all_non_negative &&
      !NameSaysMeasure(out[0].name, SplitIdentifier(out[0].name)) &&
      ColumnsWith(out, ColumnRole::kQuantitative).size() >= 2) {
    out[0].role = ColumnRole::kNominal;
  }
  // Beside an aggregate (sum(...), count(*)), integer columns that are not aggregates are the
  // GROUP BY keys: categories, unless their name says they measure.
  const bool aggregated = std::any_of(out.begin(), out.end(), [](const ResultColumn& c) {
    return c.role == ColumnRole::kQuantitative && IsAggregateCall(c.name);
  });
  for (size_t c = 0; aggregated && c < out.size(); ++c) {
    if (out[c].role == ColumnRole::kQuantitative && out[c].integer && scans[c].reals == 0 &&
        !NameSaysMeasure(out[c].name, SplitIdentifier(out[c].name)))
      out[c].role = ColumnRole::kNominal;
  }
  return out;
}

namespace {

std::string StripQuotes(std::string_view s) {
  s = Trim(s);
  if (s.size() >= 2 && ((s.front() == '"' && s.back() == '"') || (s.front() == '`' && s.back() == '`') ||
                        (s.front() == '[' && s.back() == ']')))
    s = s.substr(1, s.size() - 2);
  return std::string(s);
}

// "T1.weekly_sales" -> "weekly_sales"; a qualifier is an identifier before the last dot.
std::string Unqualified(std::string_view s) {
  std::string t = StripQuotes(s);
  const size_t dot = t.rfind('.');
  if (dot == std::string::npos || dot == 0) return t;
  for (size_t i = 0; i < dot; ++i) {
    const unsigned char c = t[i];
    if (!std::isalnum(c) && c != '_' && c != '"' && c != '`') return t;
  }
  return StripQuotes(t.substr(dot + 1));
}

// "weekly_sales" -> "weekly sales"; acronyms (all capitals) kept, other words lower-cased.
std::string Words(std::string_view s) {
  std::vector<std::string> out;
  std::string cur;
  auto flush = [&] {
    if (cur.empty()) return;
    bool acronym = cur.size() >= 2;
    for (unsigned char c : cur) acronym = acronym && !std::islower(c);
    bool has_alpha = false;
    for (unsigned char c : cur) has_alpha = has_alpha || std::isalpha(c);
    out.push_back(acronym && has_alpha ? cur : ToLower(cur));
    cur.clear();
  };
  for (size_t i = 0; i < s.size(); ++i) {
    const unsigned char c = s[i];
    if (c == '_' || c == ' ' || c == '-' || c == '.' || c == '\t') {
      flush();
      continue;
    }
    if (std::isupper(c) && !cur.empty() && std::islower(static_cast<unsigned char>(cur.back()))) flush();
    cur += static_cast<char>(c);
  }
  flush();
  return Join(out, " ");
}

std::string Capitalized(std::string s) {
  if (!s.empty()) s[0] = static_cast<char>(std::toupper(static_cast<unsigned char>(s[0])));
  return s;
}

std::string TitleOf(std::string_view column);

// "sum(x)" -> "Total x"; nullopt when `column` is not a single function call.
std::optional<std::string> CallTitle(std::string_view column) {
  std::string s = std::string(Trim(column));
  const size_t open = s.find('(');
  if (open == std::string::npos || open == 0 || s.back() != ')') return std::nullopt;
  const std::string fn = ToLower(Trim(std::string_view(s).substr(0, open)));
  for (char c : fn)
    if (!std::isalnum(static_cast<unsigned char>(c)) && c != '_') return std::nullopt;
  std::string arg(Trim(std::string_view(s).substr(open + 1, s.size() - open - 2)));
  bool distinct = false;
  if (StartsWithIgnoreCase(arg, "distinct ")) {
    distinct = true;
    arg = std::string(Trim(std::string_view(arg).substr(9)));
  }
  if (fn == "count" && arg == "*") return "Count";
  if (fn == "round" || fn == "abs" || fn == "coalesce" || fn == "cast" || fn == "ifnull") {
    const size_t comma = arg.find_first_of(",");
    std::string first = comma == std::string::npos ? arg : arg.substr(0, comma);
    if (fn == "cast") first = first.substr(0, ToLower(first).find(" as "));
    return TitleOf(first);
  }
  // PostgreSQL/Redshift: EXTRACT(YEAR FROM d), date_part('month', d), date_trunc('month', d),
  // to_char(d, 'YYYY-MM').
  if (fn == "extract" || fn == "date_part" || fn == "date_trunc" || fn == "to_char") {
    std::string unit, of_expr;
    if (fn == "extract") {
      const size_t from = ToLower(arg).find(" from ");
      unit = ToLower(Trim(std::string_view(arg).substr(0, from)));
      of_expr = from == std::string::npos ? "" : arg.substr(from + 6);
    } else {
      const size_t comma = arg.find(',');
      std::string first = arg.substr(0, comma), second = comma == std::string::npos ? "" : arg.substr(comma + 1);
      if (fn == "to_char") std::swap(first, second);
      unit = ToLower(Trim(first));
      unit.erase(std::remove(unit.begin(), unit.end(), '\''), unit.end());
      of_expr = second;
    }
    const std::string of = Trim(of_expr).empty() ? "" : " of " + ToLower(TitleOf(of_expr));
    if (fn == "to_char") {
      if (unit.find("yyyy") != std::string::npos && unit.find("mm") != std::string::npos) return "Month" + of;
      if (unit.find("yyyy") != std::string::npos) return "Year" + of;
      if (unit.find("mm") != std::string::npos) return "Month" + of;
      return "Time" + of;
    }
    if (unit == "year" || unit == "month" || unit == "quarter" || unit == "week" || unit == "day") {
      return Capitalized(unit) + of;
    }
    return "Time" + of;
  }
  if (fn == "strftime") {
    const size_t comma = arg.find(',');
    const std::string format = arg.substr(0, comma);
    const std::string of = comma == std::string::npos ? "" : " of " + ToLower(TitleOf(arg.substr(comma + 1)));
    if (format.find("%Y") != std::string::npos && format.find("%m") != std::string::npos) return "Month" + of;
    if (format.find("%Y") != std::string::npos) return "Year" + of;
    if (format.find("%m") != std::string::npos) return "Month" + of;
    return "Time" + of;
  }
  // Acronyms in the argument stay as they were ("Average CPI").
  auto nested = CallTitle(arg);
  std::string inner_words = nested ? ToLower(*nested) : Words(Unqualified(arg));
  if (distinct) inner_words = "distinct " + inner_words;
  std::string prefix;
  if (fn == "sum" || fn == "total") prefix = "Total ";
  else if (fn == "avg" || fn == "mean") prefix = "Average ";
  else if (fn == "min") prefix = "Minimum ";
  else if (fn == "max") prefix = "Maximum ";
  else if (fn == "count") prefix = "Number of ";
  else prefix = Capitalized(Words(fn)) + " of ";
  return prefix + inner_words;
}

std::string TitleOf(std::string_view column) {
  if (auto call = CallTitle(column)) return *call;
  return Capitalized(Words(Unqualified(column)));
}

}  // namespace

std::string ColumnTitle(std::string_view column) {
  std::string t = TitleOf(column);
  return t.empty() ? std::string(column) : t;
}

std::string InSentence(std::string_view title) {
  std::string s(title);
  const size_t end = s.find(' ');
  const std::string first = s.substr(0, end);
  bool acronym = first.size() >= 2;
  for (unsigned char c : first) acronym = acronym && !std::islower(c);
  if (!acronym && !s.empty()) s[0] = static_cast<char>(std::tolower(static_cast<unsigned char>(s[0])));
  return s;
}

std::string PluralNoun(std::string_view title) {
  std::string s = InSentence(title);
  if (s.empty()) return s;
  const size_t start = s.rfind(' ') + 1;  // npos + 1 == 0
  const std::string last = ToLower(s.substr(start));
  auto ends = [&](std::string_view suffix) {
    return last.size() >= suffix.size() && last.compare(last.size() - suffix.size(), suffix.size(), suffix) == 0;
  };
  if (ends("ss") || ends("x") || ends("z") || ends("ch") || ends("sh")) return s + "es";
  if (ends("s")) return s;  // already plural, or best left alone ("status", "series")
  if (ends("y") && last.size() >= 2 && std::string_view("aeiou").find(last[last.size() - 2]) == std::string::npos) {
    s.pop_back();
    return s + "ies";
  }
  return s + "s";
}

int FirstColumn(const std::vector<ResultColumn>& columns, ColumnRole role) {
  for (size_t i = 0; i < columns.size(); ++i)
    if (columns[i].role == role) return static_cast<int>(i);
  return -1;
}

std::vector<int> ColumnsWith(const std::vector<ResultColumn>& columns, ColumnRole role) {
  std::vector<int> out;
  for (size_t i = 0; i < columns.size(); ++i)
    if (columns[i].role == role) out.push_back(static_cast<int>(i));
  return out;
}

double NumericValue(const Value& v) {
  if (const auto* i = std::get_if<int64_t>(&v)) return static_cast<double>(*i);
  if (const auto* d = std::get_if<double>(&v)) return *d;
  return std::numeric_limits<double>::quiet_NaN();
}

std::string TimeKey(const Value& v) {
  if (const auto* s = std::get_if<std::string>(&v)) {
    if (s->size() == 1 && IsDigit((*s)[0])) return "0" + *s;  // month "3" among "10"
    return *s;
  }
  double x = NumericValue(v);
  if (std::isnan(x)) return "";
  char buf[32];
  std::snprintf(buf, sizeof(buf), "%020.6f", x + 1e12);  // fixed width keeps order for |x| < 1e12
  return buf;
}

}  // namespace da
