#include "engine/literals.h"

#include <cstdio>
#include <string_view>

namespace da {
namespace {

using Tokens = std::vector<Token>;

constexpr std::string_view kUnits[] = {
    "zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten",
    "eleven", "twelve", "thirteen", "fourteen", "fifteen", "sixteen", "seventeen", "eighteen",
    "nineteen"};
constexpr std::string_view kTens[] = {"", "", "twenty", "thirty", "forty", "fifty",
                                      "sixty", "seventy", "eighty", "ninety"};
constexpr std::string_view kUnitOrdinals[] = {
    "zeroth", "first", "second", "third", "fourth", "fifth", "sixth", "seventh", "eighth",
    "ninth", "tenth", "eleventh", "twelfth", "thirteenth", "fourteenth", "fifteenth",
    "sixteenth", "seventeenth", "eighteenth", "nineteenth"};
constexpr std::string_view kTenOrdinals[] = {"", "", "twentieth", "thirtieth", "fortieth",
                                             "fiftieth", "sixtieth", "seventieth",
                                             "eightieth", "ninetieth"};
constexpr std::string_view kMonths[] = {"january", "february", "march",     "april",
                                        "may",     "june",     "july",      "august",
                                        "september", "october", "november", "december"};

// Word numbers, one hyphen-separated part at a time.
struct NumberWord {
  enum Type { kNone, kUnit, kTen, kHundred, kScale, kDozen } type = kNone;
  double value = 0;
  bool ordinal = false;
};

NumberWord ClassifyNumberWord(std::string_view w) {
  for (size_t i = 0; i < std::size(kUnits); ++i) {
    if (w == kUnits[i]) return {NumberWord::kUnit, double(i), false};
    if (w == kUnitOrdinals[i]) return {NumberWord::kUnit, double(i), true};
  }
  for (size_t i = 2; i < std::size(kTens); ++i) {
    if (w == kTens[i]) return {NumberWord::kTen, double(i * 10), false};
    if (w == kTenOrdinals[i]) return {NumberWord::kTen, double(i * 10), true};
  }
  if (w == "hundred") return {NumberWord::kHundred, 100, false};
  if (w == "hundredth") return {NumberWord::kHundred, 100, true};
  if (w == "thousand") return {NumberWord::kScale, 1e3, false};
  if (w == "thousandth") return {NumberWord::kScale, 1e3, true};
  if (w == "million") return {NumberWord::kScale, 1e6, false};
  if (w == "millionth") return {NumberWord::kScale, 1e6, true};
  if (w == "billion") return {NumberWord::kScale, 1e9, false};
  if (w == "trillion") return {NumberWord::kScale, 1e12, false};
  if (w == "dozen") return {NumberWord::kDozen, 12, false};
  return {};
}

// "k", "m", "bn" written against a number ("5k", "1.5m"): its multiplier, or 0.
double AttachedScale(std::string_view w) {
  if (w == "k") return 1e3;
  if (w == "m" || w == "mn" || w == "mm") return 1e6;
  if (w == "b" || w == "bn") return 1e9;
  return 0;
}

std::vector<std::string_view> SplitHyphens(std::string_view w) {
  std::vector<std::string_view> parts;
  size_t start = 0;
  for (size_t dash = w.find('-'); dash != std::string_view::npos; dash = w.find('-', start)) {
    parts.push_back(w.substr(start, dash - start));
    start = dash + 1;
  }
  parts.push_back(w.substr(start));
  return parts;
}

int MonthNumber(std::string_view w) {
  for (size_t i = 0; i < std::size(kMonths); ++i) {
    if (w == kMonths[i]) return int(i) + 1;
    if (w.size() == 3 && kMonths[i].substr(0, 3) == w) return int(i) + 1;
  }
  if (w == "sept") return 9;
  return 0;
}

// Words that put a month name in a time context ("in may", "since march").
bool IsTimePreposition(std::string_view w) {
  for (std::string_view p : {"in", "of", "during", "since", "before", "after", "until", "till",
                             "from", "to", "through", "by", "between", "and", "for", "last",
                             "next", "early", "late", "mid", "end", "beginning"}) {
    if (w == p) return true;
  }
  return false;
}

bool IsLeap(int y) { return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0; }

bool ValidDate(int y, int m, int d) {
  static constexpr int kDays[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  if (y < 1000 || y > 2999 || m < 1 || m > 12 || d < 1) return false;
  return d <= kDays[m - 1] + (m == 2 && IsLeap(y) ? 1 : 0);
}

std::string IsoDate(int y, int m, int d) {
  char buf[16];
  std::snprintf(buf, sizeof buf, "%04d-%02d-%02d", y % 10000, m % 100, d % 100);
  return buf;
}

class Finder {
 public:
  explicit Finder(const Tokens& t) : t_(t) {}

  std::vector<Literal> Run() {
    std::vector<Literal> out;
    size_t i = 0;
    while (i < t_.size()) {
      std::optional<Literal> best = Longest(i);
      if (best) {
        i = best->last_token + 1;
        out.push_back(std::move(*best));
      } else {
        ++i;
      }
    }
    return out;
  }

 private:
  // Candidates in priority order; a later one replaces an earlier only when strictly longer.
  std::optional<Literal> Longest(size_t i) const {
    std::optional<Literal> best;
    auto consider = [&](std::optional<Literal> c) {
      if (c && (!best || c->last_token > best->last_token)) best = std::move(c);
    };
    consider(QuotedString(i));
    consider(IsoDate(i));
    consider(SlashDate(i));
    consider(WrittenDate(i));
    consider(Quarter(i));
    consider(Month(i));
    consider(Year(i));
    consider(DigitNumber(i));
    consider(WordNumber(i));
    return best;
  }

  // ---- token helpers ----
  bool Has(size_t i) const { return i < t_.size(); }
  bool IsWord(size_t i, std::string_view w) const {
    return Has(i) && t_[i].kind == Token::Kind::kWord && t_[i].lower == w;
  }
  bool IsPunct(size_t i, std::string_view p) const {
    return Has(i) && t_[i].kind == Token::Kind::kPunct && t_[i].text == p;
  }
  // No space between tokens i and i + 1.
  bool Attached(size_t i) const { return Has(i + 1) && t_[i].end == t_[i + 1].begin; }
  // A plain integer written in digits: no sign, grouping, fraction or ordinal suffix.
  std::optional<int> PlainInt(size_t i, size_t min_digits, size_t max_digits) const {
    if (!Has(i) || t_[i].kind != Token::Kind::kNumber) return std::nullopt;
    const std::string& s = t_[i].text;
    if (s.size() < min_digits || s.size() > max_digits) return std::nullopt;
    for (char c : s) {
      if (c < '0' || c > '9') return std::nullopt;
    }
    return static_cast<int>(*t_[i].number);
  }
  std::optional<int> YearAt(size_t i) const {
    std::optional<int> y = PlainInt(i, 4, 4);
    if (y && *y >= 1000 && *y <= 2999) return y;
    return std::nullopt;
  }
  // A day of month: "10", "10th".
  std::optional<int> DayAt(size_t i) const {
    if (!Has(i) || t_[i].kind != Token::Kind::kNumber) return std::nullopt;
    const std::string& s = t_[i].lower;
    size_t digits = 0;
    while (digits < s.size() && s[digits] >= '0' && s[digits] <= '9') ++digits;
    if (digits == 0 || digits > 2 || (digits != s.size() && s.size() - digits != 2)) {
      return std::nullopt;
    }
    int d = static_cast<int>(*t_[i].number);
    if (d < 1 || d > 31) return std::nullopt;
    return d;
  }
  // A month name, optionally followed by an attached "." ("Feb."): month and last token.
  std::optional<std::pair<int, size_t>> MonthAt(size_t i) const {
    if (!Has(i) || t_[i].kind != Token::Kind::kWord) return std::nullopt;
    int m = MonthNumber(t_[i].lower);
    if (m == 0) return std::nullopt;
    size_t last = i;
    if (t_[i].lower.size() <= 4 && Attached(i) && IsPunct(i + 1, ".")) last = i + 1;
    return std::make_pair(m, last);
  }

  static Literal Make(Literal::Kind kind, double value, size_t first, size_t last) {
    Literal l;
    l.kind = kind;
    l.value = value;
    l.first_token = first;
    l.last_token = last;
    return l;
  }

  // ---- matchers ----
  std::optional<Literal> QuotedString(size_t i) const {
    if (t_[i].kind != Token::Kind::kQuoted) return std::nullopt;
    Literal l = Make(Literal::Kind::kString, 0, i, i);
    l.text = t_[i].text;
    return l;
  }

  std::optional<Literal> DateLiteral(int y, int m, int d, size_t first, size_t last) const {
    if (!ValidDate(y, m, d)) return std::nullopt;
    Literal l = Make(Literal::Kind::kDate, 0, first, last);
    l.text = da::IsoDate(y, m, d);
    l.year = y;
    return l;
  }

  // "2012-02-10", "2012/02/10"; "2012-02" is a month of a year.
  std::optional<Literal> IsoDate(size_t i) const {
    std::optional<int> y = YearAt(i);
    if (!y || !Attached(i) || !(IsPunct(i + 1, "-") || IsPunct(i + 1, "/"))) return std::nullopt;
    const std::string& sep = t_[i + 1].text;
    std::optional<int> m = PlainInt(i + 2, 1, 2);
    if (!m || !Attached(i + 1)) return std::nullopt;
    if (Attached(i + 2) && IsPunct(i + 3, sep)) {
      std::optional<int> d = PlainInt(i + 4, 1, 2);
      if (d && Attached(i + 3)) return DateLiteral(*y, *m, *d, i, i + 4);
      return std::nullopt;
    }
    // "2012-03" is a month of a year (ISO 8601), and so is "2010-12": a range of years is
    // written with full years ("2010-2012").
    if (t_[i + 2].text.size() == 2 && *m >= 1 && *m <= 12 && sep == "-") {
      Literal l = Make(Literal::Kind::kMonth, *m, i, i + 2);
      l.year = *y;
      return l;
    }
    return std::nullopt;
  }

  // "02/10/2012" month first; day first when only that reading is a date ("25/12/2012").
  std::optional<Literal> SlashDate(size_t i) const {
    std::optional<int> a = PlainInt(i, 1, 2);
    if (!a || !Attached(i) || !IsPunct(i + 1, "/") || !Attached(i + 1)) return std::nullopt;
    std::optional<int> b = PlainInt(i + 2, 1, 2);
    if (!b || !Attached(i + 2) || !IsPunct(i + 3, "/") || !Attached(i + 3)) return std::nullopt;
    std::optional<int> y = YearAt(i + 4);
    if (!y) return std::nullopt;
    if (ValidDate(*y, *a, *b)) return DateLiteral(*y, *a, *b, i, i + 4);
    return DateLiteral(*y, *b, *a, i, i + 4);
  }

  // "Feb 10, 2012", "February 10th 2012", "10 February 2012", "the 10th of February, 2012".
  std::optional<Literal> WrittenDate(size_t i) const {
    if (auto month = MonthAt(i)) {
      size_t j = month->second + 1;
      std::optional<int> d = DayAt(j);
      if (!d) return std::nullopt;
      size_t k = j + 1;
      if (IsPunct(k, ",")) ++k;
      std::optional<int> y = YearAt(k);
      if (!y) return std::nullopt;
      return DateLiteral(*y, month->first, *d, i, k);
    }
    std::optional<int> d = DayAt(i);
    if (!d) return std::nullopt;
    size_t j = i + 1;
    if (IsWord(j, "of")) ++j;
    auto month = MonthAt(j);
    if (!month) return std::nullopt;
    size_t k = month->second + 1;
    if (IsPunct(k, ",")) ++k;
    std::optional<int> y = YearAt(k);
    if (!y) return std::nullopt;
    return DateLiteral(*y, month->first, *d, i, k);
  }

  // A year after a month or quarter: "2012", ", 2012", "of 2012", "of the year 2012".
  std::optional<std::pair<int, size_t>> TrailingYear(size_t j) const {
    if (std::optional<int> y = YearAt(j)) return std::make_pair(*y, j);
    if (IsPunct(j, ",") || IsPunct(j, "-")) {
      if (std::optional<int> y = YearAt(j + 1)) return std::make_pair(*y, j + 1);
    }
    if (IsWord(j, "of") || IsWord(j, "in")) {
      if (std::optional<int> y = YearAt(j + 1)) return std::make_pair(*y, j + 1);
      if (IsWord(j + 1, "the") && IsWord(j + 2, "year")) {
        if (std::optional<int> y = YearAt(j + 3)) return std::make_pair(*y, j + 3);
      }
    }
    return std::nullopt;
  }

  // "Q3", "Q3 2011", "Q3-2011", "2011 Q3", "third quarter (of) 2011", "3rd quarter", "quarter 3".
  std::optional<Literal> Quarter(size_t i) const {
    auto q_word = [&](size_t k) -> int {
      if (!Has(k) || t_[k].kind != Token::Kind::kWord) return 0;
      const std::string& w = t_[k].lower;
      if (w.size() == 2 && w[0] == 'q' && w[1] >= '1' && w[1] <= '4') return w[1] - '0';
      return 0;
    };
    int q = 0;
    size_t last = i;
    if (int n = q_word(i)) {
      q = n;
    } else if (t_[i].kind == Token::Kind::kWord && t_[i].lower.size() == 7 &&
               t_[i].lower[0] == 'q' && t_[i].lower[2] == '-') {
      // "q3-2011" is one hyphenated word token.
      const std::string& w = t_[i].lower;
      int n = w[1] - '0';
      int y = 0;
      for (size_t k = 3; k < 7; ++k) {
        if (w[k] < '0' || w[k] > '9') return std::nullopt;
        y = y * 10 + (w[k] - '0');
      }
      if (n < 1 || n > 4 || y < 1000 || y > 2999) return std::nullopt;
      Literal l = Make(Literal::Kind::kQuarter, n, i, i);
      l.year = y;
      return l;
    } else if (std::optional<int> y = YearAt(i)) {
      size_t k = (Attached(i) && IsPunct(i + 1, "-")) ? i + 2 : i + 1;
      if (int n = q_word(k)) {
        Literal l = Make(Literal::Kind::kQuarter, n, i, k);
        l.year = *y;
        return l;
      }
      return std::nullopt;
    } else if (IsWord(i, "quarter") && Has(i + 1)) {
      std::optional<int> n = PlainInt(i + 1, 1, 1);
      if (!n || *n < 1 || *n > 4) return std::nullopt;
      q = *n;
      last = i + 1;
    } else {
      std::optional<Literal> ord = WordNumber(i);
      if (!ord) ord = DigitNumber(i);
      if (!ord || !ord->ordinal || ord->value < 1 || ord->value > 4) return std::nullopt;
      if (!IsWord(ord->last_token + 1, "quarter")) return std::nullopt;
      q = static_cast<int>(ord->value);
      last = ord->last_token + 1;
    }
    Literal l = Make(Literal::Kind::kQuarter, q, i, last);
    if (auto y = TrailingYear(last + 1)) {
      l.year = y->first;
      l.last_token = y->second;
    }
    return l;
  }

  // "March", "March 2012", "March of 2012"; "may" and "march" alone are weak unless a time
  // preposition comes before them ("in May").
  std::optional<Literal> Month(size_t i) const {
    auto month = MonthAt(i);
    if (!month) return std::nullopt;
    Literal l = Make(Literal::Kind::kMonth, month->first, i, month->second);
    if (auto y = TrailingYear(month->second + 1)) {
      l.year = y->first;
      l.last_token = y->second;
      return l;
    }
    const std::string& w = t_[i].lower;
    bool ambiguous = w == "may" || w == "march" || w == "mar" || w == "jan" || w == "sept";
    bool time_context = i > 0 && t_[i - 1].kind == Token::Kind::kWord &&
                        IsTimePreposition(t_[i - 1].lower);
    l.weak = ambiguous && !time_context;
    return l;
  }

  std::optional<Literal> Year(size_t i) const {
    std::optional<int> y = YearAt(i);
    if (!y) return std::nullopt;
    Literal l = Make(Literal::Kind::kYear, *y, i, i);
    l.year = *y;
    return l;
  }

  // A percent sign or word after the number ending at `last`: the new last token, or nullopt.
  std::optional<size_t> PercentAfter(size_t last) const {
    if (IsPunct(last + 1, "%") || IsWord(last + 1, "percent") || IsWord(last + 1, "pct")) {
      return last + 1;
    }
    if (IsWord(last + 1, "per") && IsWord(last + 2, "cent")) return last + 2;
    return std::nullopt;
  }

  // "12", "1,234.5", "-3", "3rd", "2 million", "5k", "1.5m", "10%", "3 dozen".
  std::optional<Literal> DigitNumber(size_t i) const {
    if (t_[i].kind != Token::Kind::kNumber || !t_[i].number) return std::nullopt;
    Literal l = Make(Literal::Kind::kNumber, *t_[i].number, i, i);
    const std::string& text = t_[i].lower;
    l.ordinal = !text.empty() && text.back() >= 'a' && text.back() <= 'z';
    if (l.ordinal) return l;
    if (Attached(i) && Has(i + 1) && t_[i + 1].kind == Token::Kind::kWord) {
      if (double scale = AttachedScale(t_[i + 1].lower); scale > 0) {
        l.value *= scale;
        l.last_token = i + 1;
      }
    }
    while (true) {
      NumberWord w = Has(l.last_token + 1) && t_[l.last_token + 1].kind == Token::Kind::kWord
                         ? ClassifyNumberWord(t_[l.last_token + 1].lower)
                         : NumberWord{};
      bool scales = (w.type == NumberWord::kScale || w.type == NumberWord::kHundred ||
                     w.type == NumberWord::kDozen) && !w.ordinal;
      if (!scales) break;
      l.value *= w.value;
      ++l.last_token;
    }
    if (auto p = PercentAfter(l.last_token)) {
      l.percent = true;
      l.last_token = *p;
    }
    return l;
  }

  // Numbers in words: "twenty-one", "one hundred and five", "two million", "a dozen", "half",
  // "half a million", "a thousand", "first", "twenty first". "and" joins only after a
  // hundred/thousand ("one hundred and five"), so "between ten and twenty" stays two numbers.
  std::optional<Literal> WordNumber(size_t i) const {
    if (t_[i].kind != Token::Kind::kWord) return std::nullopt;
    double total = 0, current = 0;
    bool any = false, ordinal = false;
    NumberWord::Type prev = NumberWord::kNone;
    size_t last = i;
    size_t j = i;
    bool leading_article = false;
    bool half = false;

    // "a" / "an" only before a multiplier ("a dozen", "a million"); "half" and "half a".
    if (IsWord(j, "a") || IsWord(j, "an")) {
      NumberWord next = Has(j + 1) && t_[j + 1].kind == Token::Kind::kWord
                            ? ClassifyNumberWord(t_[j + 1].lower)
                            : NumberWord{};
      if (IsWord(j + 1, "half")) {
        Literal l = Make(Literal::Kind::kNumber, 0.5, i, i + 1);
        l.weak = true;
        return l;
      }
      if (next.ordinal || (next.type != NumberWord::kHundred && next.type != NumberWord::kScale &&
                           next.type != NumberWord::kDozen)) {
        return std::nullopt;
      }
      current = 1;
      leading_article = true;
      ++j;
    } else if (IsWord(j, "half")) {
      half = true;
      if ((IsWord(j + 1, "a") || IsWord(j + 1, "an")) && Has(j + 2) &&
          ClassifyNumberWord(t_[j + 2].lower).type >= NumberWord::kHundred &&
          !ClassifyNumberWord(t_[j + 2].lower).ordinal) {
        current = 0.5;
        j += 2;
      } else {
        Literal l = Make(Literal::Kind::kNumber, 0.5, i, i);
        l.weak = true;
        return l;
      }
    }

    size_t parts_used = 0;
    for (; Has(j) && !ordinal; ++j) {
      if (t_[j].kind != Token::Kind::kWord) break;
      if (t_[j].lower == "and") {
        bool after_multiplier = prev == NumberWord::kHundred || prev == NumberWord::kScale;
        NumberWord next = Has(j + 1) && t_[j + 1].kind == Token::Kind::kWord
                              ? ClassifyNumberWord(SplitHyphens(t_[j + 1].lower).front())
                              : NumberWord{};
        bool small_next = next.type == NumberWord::kUnit || next.type == NumberWord::kTen;
        if (!after_multiplier || !small_next) break;
        continue;
      }
      std::vector<std::string_view> parts = SplitHyphens(t_[j].lower);
      std::vector<NumberWord> words;
      for (std::string_view p : parts) words.push_back(ClassifyNumberWord(p));
      if (!Fits(words, prev, current)) break;
      for (const NumberWord& w : words) {
        switch (w.type) {
          case NumberWord::kUnit:
          case NumberWord::kTen:
            current += w.value;
            break;
          case NumberWord::kHundred:
          case NumberWord::kDozen:
            current = (current == 0 ? 1 : current) * w.value;
            break;
          case NumberWord::kScale:
            total += (current == 0 ? 1 : current) * w.value;
            current = 0;
            break;
          case NumberWord::kNone:
            break;
        }
        prev = w.type;
        ordinal = ordinal || w.ordinal;
      }
      any = true;
      parts_used += words.size();
      last = j;
    }
    if (!any) return std::nullopt;
    Literal l = Make(Literal::Kind::kNumber, total + current, i, last);
    l.ordinal = ordinal;
    // One ordinary word that is often not a value: "which one", "first name", "second".
    l.weak = parts_used == 1 && !leading_article && !half &&
             (ordinal || t_[i].lower == "one" || t_[i].lower == "zero");
    if (!ordinal) {
      if (auto p = PercentAfter(last)) {
        l.percent = true;
        l.last_token = *p;
        l.weak = false;
      }
    }
    return l;
  }

  // Whether a token's number words continue the number read so far (`prev` its last word type,
  // `current` its value below a thousand). An ordinal ends a number ("twenty-first").
  static bool Fits(const std::vector<NumberWord>& words, NumberWord::Type prev, double current) {
    for (size_t k = 0; k < words.size(); ++k) {
      const NumberWord& w = words[k];
      if (w.type == NumberWord::kNone || (w.ordinal && k + 1 != words.size())) return false;
      if (!Follows(prev, w.type)) return false;
      if (w.type == NumberWord::kUnit && prev == NumberWord::kTen && w.value >= 10) return false;
      if (w.type == NumberWord::kHundred && current >= 100) return false;
      if (w.type == NumberWord::kUnit || w.type == NumberWord::kTen) current += w.value;
      prev = w.type;
    }
    return true;
  }

  // Which number word may follow which: "twenty one", "one hundred", "two thousand three",
  // but not "one two" or "twenty thirty".
  static bool Follows(NumberWord::Type prev, NumberWord::Type next) {
    switch (next) {
      case NumberWord::kUnit:
        return prev != NumberWord::kUnit && prev != NumberWord::kDozen;
      case NumberWord::kTen:
        return prev == NumberWord::kNone || prev == NumberWord::kHundred ||
               prev == NumberWord::kScale;
      case NumberWord::kHundred:
        return prev == NumberWord::kNone || prev == NumberWord::kUnit ||
               prev == NumberWord::kTen;
      case NumberWord::kScale:
        return prev != NumberWord::kScale && prev != NumberWord::kDozen;
      case NumberWord::kDozen:
        return prev == NumberWord::kNone || prev == NumberWord::kUnit || prev == NumberWord::kTen;
      case NumberWord::kNone:
        return false;
    }
    return false;
  }

  const Tokens& t_;
};

}  // namespace

std::vector<Literal> FindLiterals(const std::vector<Token>& tokens) { return Finder(tokens).Run(); }

}  // namespace da
