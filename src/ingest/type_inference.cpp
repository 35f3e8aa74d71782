#include "ingest/type_inference.h"

#include <charconv>
#include <cstring>

namespace da {

namespace {

bool IsDigit(char c) { return c >= '0' && c <= '9'; }
char Lower(char c) { return (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c; }

bool EqualsLower(std::string_view v, std::string_view lower_word) {
  if (v.size() != lower_word.size()) return false;
  for (size_t i = 0; i < v.size(); ++i)
    if (Lower(v[i]) != lower_word[i]) return false;
  return true;
}

// IsNullMarker for an already trimmed value.
bool IsTrimmedNullMarker(std::string_view v) {
  switch (v.size()) {
    case 0: return true;
    case 1: return v[0] == '-';
    case 2: return EqualsLower(v, "na");
    case 3: return EqualsLower(v, "n/a");
    case 4: return EqualsLower(v, "null");
    default: return false;
  }
}

// ---- Calendar arithmetic (proleptic Gregorian; H. Hinnant's days_from_civil) ----

bool IsLeap(int y) { return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0; }

int DaysInMonth(int y, int m) {
  static constexpr int kDays[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  return m == 2 && IsLeap(y) ? 29 : kDays[m - 1];
}

bool IsValidDate(int y, int m, int d) {
  return y >= 1 && y <= 9999 && m >= 1 && m <= 12 && d >= 1 && d <= DaysInMonth(y, m);
}

int64_t DaysFromCivil(int y, int m, int d) {
  y -= m <= 2;
  const int64_t era = (y >= 0 ? y : y - 399) / 400;
  const int64_t yoe = y - era * 400;
  const int64_t doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
  const int64_t doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  return era * 146097 + doe - 719468;
}

void CivilFromDays(int64_t z, int* y, int* m, int* d) {
  z += 719468;
  const int64_t era = (z >= 0 ? z : z - 146096) / 146097;
  const int64_t doe = z - era * 146097;
  const int64_t yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
  const int64_t doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
  const int64_t mp = (5 * doy + 2) / 153;
  *d = static_cast<int>(doy - (153 * mp + 2) / 5 + 1);
  *m = static_cast<int>(mp < 10 ? mp + 3 : mp - 9);
  *y = static_cast<int>(yoe + era * 400 + (*m <= 2));
}

// ---- Date/time text ----

struct TemporalParts {
  enum class Form { kYearFirst, kDayFirst, kAmbiguousSlash } form = Form::kYearFirst;
  int year = 0;
  int first = 0;   // month (year-first), day (dotted), first slash part (ambiguous)
  int second = 0;  // day (year-first), month (dotted), second slash part (ambiguous)
  bool has_time = false;
  int hour = 0, minute = 0, sec = 0;
  std::string_view fraction;  // digits after the decimal point
  bool has_zone = false;
  int offset_minutes = 0;  // local time = UTC + offset
};

class Cursor {
 public:
  explicit Cursor(std::string_view s) : s_(s) {}
  bool done() const { return pos_ == s_.size(); }
  char peek() const { return done() ? '\0' : s_[pos_]; }
  bool Eat(char c) {
    if (peek() != c) return false;
    ++pos_;
    return true;
  }
  // Reads min..max digits into *out; returns the count read (0 when fewer than min).
  int Digits(int min, int max, int* out) {
    int n = 0, value = 0;
    while (n < max && IsDigit(peek())) {
      value = value * 10 + (s_[pos_] - '0');
      ++pos_;
      ++n;
    }
    if (n < min) return 0;
    *out = value;
    return n;
  }
  std::string_view DigitRun(int max) {
    const size_t start = pos_;
    while (pos_ - start < static_cast<size_t>(max) + 1 && IsDigit(peek())) ++pos_;
    return s_.substr(start, pos_ - start);
  }
  void SkipSpaces() {
    while (peek() == ' ') ++pos_;
  }
  bool EatWord(std::string_view lower_word) {
    if (s_.size() - pos_ < lower_word.size()) return false;
    if (!EqualsLower(s_.substr(pos_, lower_word.size()), lower_word)) return false;
    pos_ += lower_word.size();
    return true;
  }

 private:
  std::string_view s_;
  size_t pos_ = 0;
};

bool ParseDatePart(Cursor* c, TemporalParts* p) {
  int a = 0;
  const int n = c->Digits(1, 4, &a);
  if (n == 4) {
    const char sep = c->peek();
    if (sep != '-' && sep != '/') return false;
    c->Eat(sep);
    p->form = TemporalParts::Form::kYearFirst;
    p->year = a;
    return c->Digits(1, 2, &p->first) && c->Eat(sep) && c->Digits(1, 2, &p->second);
  }
  if (n == 0 || n > 2) return false;
  const char sep = c->peek();
  if (sep != '/' && sep != '.') return false;
  c->Eat(sep);
  p->form = sep == '/' ? TemporalParts::Form::kAmbiguousSlash : TemporalParts::Form::kDayFirst;
  p->first = a;
  return c->Digits(1, 2, &p->second) && c->Eat(sep) && c->Digits(4, 4, &p->year) == 4;
}

bool ParseZone(Cursor* c, TemporalParts* p) {
  if (c->Eat('Z') || c->Eat('z') || c->EatWord("utc") || c->EatWord("gmt")) {
    p->has_zone = true;
    return true;
  }
  const char sign = c->peek();
  if (sign != '+' && sign != '-') return false;
  c->Eat(sign);
  int h = 0, m = 0;
  const int n = c->Digits(2, 4, &h);
  if (n == 4) {
    m = h % 100;
    h /= 100;
  } else if (n == 2) {
    if (c->Eat(':') && c->Digits(2, 2, &m) != 2) return false;
  } else {
    return false;
  }
  if (h > 23 || m > 59) return false;
  p->has_zone = true;
  p->offset_minutes = (sign == '-' ? -1 : 1) * (h * 60 + m);
  return true;
}

bool ParseTimePart(Cursor* c, TemporalParts* p) {
  if (!c->Digits(1, 2, &p->hour) || !c->Eat(':') || c->Digits(2, 2, &p->minute) != 2) return false;
  if (c->Eat(':')) {
    if (c->Digits(2, 2, &p->sec) != 2) return false;
    if (c->Eat('.') || c->Eat(',')) {
      p->fraction = c->DigitRun(9);
      if (p->fraction.empty() || p->fraction.size() > 9) return false;
    }
  }
  c->SkipSpaces();
  const bool am = c->EatWord("am");
  const bool pm = !am && c->EatWord("pm");
  if (am || pm) {
    if (p->hour < 1 || p->hour > 12) return false;
    p->hour = p->hour % 12 + (pm ? 12 : 0);
    c->SkipSpaces();
  }
  if (!c->done() && !ParseZone(c, p)) return false;
  p->has_time = true;
  return c->done() && p->hour < 24 && p->minute < 60 && p->sec < 60;
}

// Shape only: the calendar check needs the column's slash order.
bool ParseTemporal(std::string_view v, TemporalParts* p) {
  if (v.size() < 8 || !IsDigit(v[0])) return false;
  Cursor c(v);
  if (!ParseDatePart(&c, p)) return false;
  if (c.done()) return true;
  if (!c.Eat('T') && !c.Eat(' ')) return false;
  return ParseTimePart(&c, p);
}

bool ResolveDate(const TemporalParts& p, DateOrder order, int* y, int* m, int* d) {
  *y = p.year;
  const bool month_first = p.form == TemporalParts::Form::kYearFirst ||
                           (p.form == TemporalParts::Form::kAmbiguousSlash &&
                            order == DateOrder::kMonthFirst);
  *m = month_first ? p.first : p.second;
  *d = month_first ? p.second : p.first;
  return IsValidDate(*y, *m, *d);
}

char* Put2(char* out, int v) {
  out[0] = static_cast<char>('0' + v / 10);
  out[1] = static_cast<char>('0' + v % 10);
  return out + 2;
}

char* Put4(char* out, int v) {
  out = Put2(out, v / 100);
  return Put2(out, v % 100);
}

int64_t ParseUnsignedDigits(std::string_view digits, bool* overflow) {
  uint64_t value = 0;
  for (char ch : digits) {
    if (ch == ',') continue;
    const uint64_t digit = static_cast<uint64_t>(ch - '0');
    if (value > (UINT64_MAX - digit) / 10) {
      *overflow = true;
      return 0;
    }
    value = value * 10 + digit;
  }
  *overflow = value > static_cast<uint64_t>(INT64_MAX) + 1;
  return static_cast<int64_t>(value);  // INT64_MAX + 1 wraps to INT64_MIN, fixed by the caller
}

}  // namespace

std::string_view TrimField(std::string_view value) {
  if (value.empty() || (value.front() > ' ' && value.back() > ' ')) return value;  // common case
  while (!value.empty() && (value.front() == ' ' || value.front() == '\t')) value.remove_prefix(1);
  while (!value.empty() && (value.back() == ' ' || value.back() == '\t')) value.remove_suffix(1);
  return value;
}

bool IsNullMarker(std::string_view value) { return IsTrimmedNullMarker(TrimField(value)); }

int ParseBoolean(std::string_view v) {
  switch (v.size()) {
    case 1: {
      const char c = Lower(v[0]);
      return c == 't' || c == 'y' ? 1 : c == 'f' || c == 'n' ? 0 : -1;
    }
    case 2: return EqualsLower(v, "no") ? 0 : -1;
    case 3: return EqualsLower(v, "yes") ? 1 : -1;
    case 4: return EqualsLower(v, "true") ? 1 : -1;
    case 5: return EqualsLower(v, "false") ? 0 : -1;
    default: return -1;
  }
}

NumberShape ParseNumber(std::string_view v, int64_t* i, double* d) {
  size_t pos = 0;
  const bool negative = !v.empty() && v[0] == '-';
  if (!v.empty() && (v[0] == '-' || v[0] == '+')) pos = 1;
  const size_t int_start = pos;
  while (pos < v.size() && IsDigit(v[pos])) ++pos;
  const size_t first_group = pos - int_start;
  bool grouped = false;
  if (pos < v.size() && v[pos] == ',') {
    if (first_group == 0 || first_group > 3) return NumberShape::kNotNumber;
    grouped = true;
    while (pos < v.size() && v[pos] == ',') {
      if (pos + 4 > v.size() || !IsDigit(v[pos + 1]) || !IsDigit(v[pos + 2]) || !IsDigit(v[pos + 3]))
        return NumberShape::kNotNumber;
      pos += 4;
      if (pos < v.size() && IsDigit(v[pos])) return NumberShape::kNotNumber;  // 4+ digit group
    }
  }
  const std::string_view int_part = v.substr(int_start, pos - int_start);
  if (int_part.size() > 1 && int_part[0] == '0') return NumberShape::kNotNumber;  // "007": a code
  bool is_real = false;
  size_t frac_digits = 0;
  if (pos < v.size() && v[pos] == '.') {
    is_real = true;
    ++pos;
    while (pos < v.size() && IsDigit(v[pos])) ++pos, ++frac_digits;
  }
  if (int_part.empty() && frac_digits == 0) return NumberShape::kNotNumber;
  size_t exp_start_pos = std::string_view::npos;
  if (pos < v.size() && (v[pos] == 'e' || v[pos] == 'E')) {
    exp_start_pos = pos;
    is_real = true;
    ++pos;
    if (pos < v.size() && (v[pos] == '+' || v[pos] == '-')) ++pos;
    const size_t exp_start = pos;
    while (pos < v.size() && IsDigit(v[pos])) ++pos;
    if (pos == exp_start) return NumberShape::kNotNumber;
  }
  if (pos != v.size()) return NumberShape::kNotNumber;

  if (!is_real) {
    bool overflow = false;
    const int64_t magnitude = ParseUnsignedDigits(int_part, &overflow);
    if (overflow || (!negative && magnitude == INT64_MIN)) return NumberShape::kIntegerOverflow;
    *i = negative ? static_cast<int64_t>(0 - static_cast<uint64_t>(magnitude)) : magnitude;
    *d = static_cast<double>(*i);
    return NumberShape::kInteger;
  }
  // Fast path (Clinger): a decimal without exponent whose digits fit in 2^53 is exactly
  // mantissa / 10^k, and one IEEE division of two exact values is correctly rounded.
  static constexpr double kPow10[] = {1e0, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8,
                                      1e9, 1e10, 1e11, 1e12, 1e13, 1e14, 1e15};
  const size_t digits = int_part.size() + frac_digits;
  if (exp_start_pos == std::string_view::npos && digits <= 15) {
    uint64_t mantissa = 0;
    for (size_t k = int_start; k < v.size(); ++k)
      if (IsDigit(v[k])) mantissa = mantissa * 10 + static_cast<uint64_t>(v[k] - '0');
    *d = static_cast<double>(mantissa) / kPow10[frac_digits];
    if (negative) *d = -*d;
    return NumberShape::kReal;
  }
  // from_chars takes neither '+' nor grouping commas: copy the rest without them.
  char buf[128];
  std::string_view text = v.substr(v[0] == '+' ? 1 : 0);
  if (grouped) {
    if (text.size() > sizeof buf) return NumberShape::kNotNumber;
    size_t n = 0;
    for (char c : text)
      if (c != ',') buf[n++] = c;
    text = std::string_view(buf, n);
  }
  const auto r = std::from_chars(text.data(), text.data() + text.size(), *d);
  if (r.ec != std::errc() || r.ptr != text.data() + text.size()) return NumberShape::kNotNumber;
  return NumberShape::kReal;
}

size_t FormatTemporal(std::string_view v, ColumnType type, DateOrder order, char* out) {
  TemporalParts p;
  if (!ParseTemporal(v, &p)) return 0;
  if (type == ColumnType::kDate && p.has_time) return 0;
  int y = 0, m = 0, d = 0;
  if (!ResolveDate(p, order, &y, &m, &d)) return 0;
  int hour = p.hour, minute = p.minute;
  if (p.has_zone) {
    const int64_t minutes =
        DaysFromCivil(y, m, d) * 1440 + hour * 60 + minute - p.offset_minutes;
    const int64_t days = minutes >= 0 ? minutes / 1440 : (minutes - 1439) / 1440;
    const int64_t in_day = minutes - days * 1440;
    CivilFromDays(days, &y, &m, &d);
    if (y < 1 || y > 9999) return 0;
    hour = static_cast<int>(in_day / 60);
    minute = static_cast<int>(in_day % 60);
  }
  char* o = Put4(out, y);
  *o++ = '-';
  o = Put2(o, m);
  *o++ = '-';
  o = Put2(o, d);
  if (type == ColumnType::kTimestamp) {
    *o++ = ' ';
    o = Put2(o, hour);
    *o++ = ':';
    o = Put2(o, minute);
    *o++ = ':';
    o = Put2(o, p.sec);
    if (!p.fraction.empty()) {
      *o++ = '.';
      std::memcpy(o, p.fraction.data(), p.fraction.size());
      o += p.fraction.size();
    }
  }
  return static_cast<size_t>(o - out);
}

void ColumnInference::Fail(Candidate c, std::string_view value, int source, int64_t line,
                           std::string why) {
  alive_[c] = false;
  Failure& f = failure_[c];
  f.matched = non_null_ - 1;
  f.source = source;
  f.line = line;
  constexpr size_t kMaxShown = 60;
  f.value = value.size() > kMaxShown ? std::string(value.substr(0, kMaxShown)) + "..."
                                     : std::string(value);
  f.why = std::move(why);
}

void ColumnInference::ObserveTemporal(std::string_view v, int source, int64_t line) {
  TemporalParts p;
  if (!ParseTemporal(v, &p)) {
    Fail(kTemporal, v, source, line, saw_time_ ? "is not a timestamp" : "is not a date");
    return;
  }
  if (p.form == TemporalParts::Form::kAmbiguousSlash) {
    const bool month_first = IsValidDate(p.year, p.first, p.second);
    const bool day_first = IsValidDate(p.year, p.second, p.first);
    if (!month_first && !day_first) {
      Fail(kTemporal, v, source, line, "is not a valid calendar date");
      return;
    }
    if (!(month_first_ok_ && month_first) && !(day_first_ok_ && day_first)) {
      Fail(kTemporal, v, source, line,
           month_first ? "is month-first but earlier dates are day-first"
                       : "is day-first but earlier dates are month-first");
      return;
    }
    month_first_ok_ = month_first_ok_ && month_first;
    day_first_ok_ = day_first_ok_ && day_first;
  } else {
    int y = 0, m = 0, d = 0;
    if (!ResolveDate(p, DateOrder::kMonthFirst, &y, &m, &d)) {
      Fail(kTemporal, v, source, line, "is not a valid calendar date");
      return;
    }
  }
  saw_time_ = saw_time_ || p.has_time;
}

void ColumnInference::Observe(std::string_view raw, int source, int64_t line) {
  const std::string_view v = TrimField(raw);
  if (IsTrimmedNullMarker(v)) return;
  ++non_null_;
  if (alive_[kBool] && ParseBoolean(v) < 0) {
    Fail(kBool, v, source, line, "is not a boolean (true/false, yes/no)");
  }
  if (alive_[kNumber]) {
    int64_t i = 0;
    double d = 0;
    switch (ParseNumber(v, &i, &d)) {
      case NumberShape::kInteger: break;
      case NumberShape::kReal: all_integer_ = false; break;
      case NumberShape::kIntegerOverflow:
        Fail(kNumber, v, source, line, "does not fit a 64-bit integer");
        break;
      case NumberShape::kNotNumber:
        Fail(kNumber, v, source, line, "is not a number");
        break;
    }
  }
  if (alive_[kTemporal]) ObserveTemporal(v, source, line);
}

ColumnType ColumnInference::type() const {
  if (non_null_ == 0) return ColumnType::kText;
  if (alive_[kBool]) return ColumnType::kBoolean;
  if (alive_[kNumber]) return all_integer_ ? ColumnType::kInteger : ColumnType::kReal;
  if (alive_[kTemporal]) return saw_time_ ? ColumnType::kTimestamp : ColumnType::kDate;
  return ColumnType::kText;
}

DateOrder ColumnInference::date_order() const {
  return month_first_ok_ ? DateOrder::kMonthFirst : DateOrder::kDayFirst;
}

std::string ColumnInference::FallbackReason(const std::vector<std::string>& source_names) const {
  if (type() != ColumnType::kText || non_null_ == 0) return "";
  const Failure* best = nullptr;
  for (const Failure& f : failure_)
    if (!best || f.matched > best->matched) best = &f;
  // Only a column that mostly held the type "fell back"; a text column whose first value
  // happened to look like a boolean did not.
  if (best->matched == 0 || best->matched * 2 < non_null_) return "";
  std::string where = "line " + std::to_string(best->line);
  if (source_names.size() > 1 && best->source >= 0 &&
      static_cast<size_t>(best->source) < source_names.size()) {
    where = source_names[best->source] + " " + where;
  }
  return where + ": '" + best->value + "' " + best->why;
}

bool ConvertField(std::string_view raw, ColumnType type, DateOrder order, char* buffer,
                  StoredValue* out) {
  const std::string_view v = TrimField(raw);
  if (IsTrimmedNullMarker(v)) {
    out->kind = StoredValue::Kind::kNull;
    return true;
  }
  switch (type) {
    case ColumnType::kText:
      out->kind = StoredValue::Kind::kText;
      out->text = raw;
      return true;
    case ColumnType::kBoolean: {
      const int b = ParseBoolean(v);
      out->kind = StoredValue::Kind::kInteger;
      out->i = b;
      return b >= 0;
    }
    case ColumnType::kInteger:
      out->kind = StoredValue::Kind::kInteger;
      return ParseNumber(v, &out->i, &out->d) == NumberShape::kInteger;
    case ColumnType::kReal: {
      out->kind = StoredValue::Kind::kReal;
      const NumberShape s = ParseNumber(v, &out->i, &out->d);
      return s == NumberShape::kInteger || s == NumberShape::kReal;
    }
    case ColumnType::kDate:
    case ColumnType::kTimestamp: {
      const size_t n = FormatTemporal(v, type, order, buffer);
      out->kind = StoredValue::Kind::kText;
      out->text = std::string_view(buffer, n);
      return n > 0;
    }
  }
  return false;
}

}  // namespace da
