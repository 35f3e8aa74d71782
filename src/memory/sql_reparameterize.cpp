#include "memory/sql_reparameterize.h"

#include <cmath>
#include <cstdlib>
#include <map>
#include <optional>
#include <regex>

#include "common/strings.h"
#include "memory/sql_lexer.h"

namespace da {
namespace {

using TokenKind = SqlToken::Kind;
using Tokens = std::vector<SqlToken>;

// How a literal token holds a slot's value.
enum class Form {
  kNone,
  kNumber,     // a number token equal in value
  kString,     // a string literal equal to the value's text
  kPrefix,     // a date or date prefix starting with the value ('2012-03-01' for 2012)
  kLikeInner,  // a LIKE pattern around the value ('%North%')
};

struct Occurrence {
  size_t token = 0;
  Form form = Form::kNone;
  size_t offset = 0, length = 0;  // kPrefix, kLikeInner: the value's bytes in the string
  bool value_position = false;    // where a query puts a value it was given (InValuePosition)
};

// A date, a date prefix or a timestamp, optionally ending in a LIKE '%': "2012", "2012-03",
// "2012-03-01", "2012-03-01 10:00:00", "2012-%", "2012-03%".
bool IsDateText(std::string_view s) {
  static const std::regex kDate(R"(\d{4}(-\d{2}(-\d{2}([ T]\d{2}:\d{2}(:\d{2}(\.\d+)?)?)?)?)?(-?%)?)");
  return std::regex_match(s.begin(), s.end(), kDate);
}

bool ValidDate(std::string_view s) {
  static const std::regex kFullDate(R"(\d{4}-\d{2}-\d{2}.*)");
  if (!std::regex_match(s.begin(), s.end(), kFullDate)) return true;  // no day to check
  const int year = std::atoi(std::string(s.substr(0, 4)).c_str());
  const int month = std::atoi(std::string(s.substr(5, 2)).c_str());
  const int day = std::atoi(std::string(s.substr(8, 2)).c_str());
  static constexpr int kDays[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  if (month < 1 || month > 12 || day < 1) return false;
  const bool leap = (year % 4 == 0 && year % 100 != 0) || year % 400 == 0;
  return day <= kDays[month - 1] + (month == 2 && leap ? 1 : 0);
}

std::optional<double> ParseNumber(std::string_view text) {
  if (text.empty() || text.starts_with("0x") || text.starts_with("0X")) return std::nullopt;
  std::string s(text);
  char* end = nullptr;
  double v = std::strtod(s.c_str(), &end);
  if (end != s.c_str() + s.size()) return std::nullopt;
  return v;
}

// Slots written in SQL as a bare number: numbers, and a month or quarter without a year.
bool IsNumberLike(const Slot& s) {
  return s.kind == Slot::Kind::kNumber || ((s.kind == Slot::Kind::kMonth || s.kind == Slot::Kind::kQuarter) && !s.with_year);
}

bool IsDateLike(const Slot& s) {
  return s.kind == Slot::Kind::kYear || s.kind == Slot::Kind::kMonth || s.kind == Slot::Kind::kQuarter ||
         s.kind == Slot::Kind::kDate;
}

// The number a slot stands for in SQL, when it is a number there.
std::optional<double> SlotNumber(const Slot& s) {
  if (s.kind == Slot::Kind::kQuarter && !s.with_year && s.value.starts_with("Q")) return ParseNumber(s.value.substr(1));
  if (IsNumberLike(s) || s.kind == Slot::Kind::kYear) return ParseNumber(s.value);
  return std::nullopt;
}

// Texts a string literal may hold for the slot as a whole: its value; a month also unpadded.
bool IsWholeText(const Slot& s, const std::string& content) {
  if (content == s.value) return true;
  return s.kind == Slot::Kind::kMonth && !s.with_year && s.value.starts_with("0") && content == s.value.substr(1);
}

bool IsComparison(const SqlToken& t) {
  static constexpr std::string_view kOps[] = {"=", "==", "!=", "<>", "<", ">", "<=", ">="};
  if (t.kind != TokenKind::kPunct) return false;
  for (std::string_view op : kOps) {
    if (t.text == op) return true;
  }
  return false;
}

bool IsLiteral(const SqlToken& t) { return t.kind == TokenKind::kNumber || t.kind == TokenKind::kString; }

bool IsPunct(const SqlToken& t, std::string_view text) { return t.kind == TokenKind::kPunct && t.text == text; }

// Whether tokens[k] is an item of a plain literal list "IN (a, b, c)".
bool InLiteralList(const Tokens& tokens, size_t k) {
  size_t j = k;  // back over "literal ," pairs to the opening parenthesis
  while (j >= 2 && IsPunct(tokens[j - 1], ",") && IsLiteral(tokens[j - 2])) j -= 2;
  return j >= 2 && IsPunct(tokens[j - 1], "(") && IsSqlKeyword(tokens[j - 2], "IN");
}

// Whether tokens[k] stands where a query puts a value it was given: after a comparison, LIKE,
// GLOB, BETWEEN (or its AND), LIMIT or OFFSET; in a literal IN list; or before a comparison at
// the start of a condition ("2012 = year").
bool InValuePosition(const Tokens& tokens, size_t k) {
  if (k > 0) {
    const SqlToken& prev = tokens[k - 1];
    if (IsComparison(prev)) return true;
    for (const char* kw : {"LIKE", "GLOB", "BETWEEN", "LIMIT", "OFFSET"}) {
      if (IsSqlKeyword(prev, kw)) return true;
    }
    if (IsSqlKeyword(prev, "AND") && k >= 3 && IsLiteral(tokens[k - 2]) && IsSqlKeyword(tokens[k - 3], "BETWEEN")) return true;
    if (InLiteralList(tokens, k)) return true;
  }
  if (k + 1 < tokens.size() && IsComparison(tokens[k + 1])) {
    if (k == 0) return true;
    const SqlToken& prev = tokens[k - 1];
    for (const char* kw : {"WHERE", "AND", "OR", "ON", "HAVING", "WHEN", "NOT"}) {
      if (IsSqlKeyword(prev, kw)) return true;
    }
    return IsPunct(prev, "(");
  }
  return false;
}

// How tokens[k] holds the value of `s` (Form::kNone when it does not).
Occurrence Match(const Tokens& tokens, size_t k, const Slot& s) {
  const SqlToken& t = tokens[k];
  Occurrence o;
  o.token = k;
  if (t.kind == TokenKind::kNumber) {
    std::optional<double> v = ParseNumber(t.text), want = SlotNumber(s);
    if (v && want && *v == *want) o.form = Form::kNumber;
    return o;
  }
  if (t.kind != TokenKind::kString) return o;
  const std::string& c = t.text;
  if (IsWholeText(s, c)) {
    o.form = Form::kString;
  } else if ((s.kind == Slot::Kind::kYear || (s.kind == Slot::Kind::kMonth && s.with_year) || s.kind == Slot::Kind::kDate) &&
             c.size() > s.value.size() && c.starts_with(s.value) && IsDateText(c)) {
    o.form = Form::kPrefix, o.offset = 0, o.length = s.value.size();
  } else if ((s.kind == Slot::Kind::kString || s.kind == Slot::Kind::kValue) && k > 0 && IsSqlKeyword(tokens[k - 1], "LIKE") &&
             !s.value.empty()) {
    const bool lead = c.starts_with("%"), trail = c.ends_with("%");
    const size_t offset = lead ? 1 : 0;
    if ((lead || trail) && c.size() == s.value.size() + (lead ? 1 : 0) + (trail ? 1 : 0) && c.compare(offset, s.value.size(), s.value) == 0) {
      o.form = Form::kLikeInner, o.offset = offset, o.length = s.value.size();
    }
  }
  return o;
}

std::vector<Occurrence> FindOccurrences(const Tokens& tokens, const Slot& s) {
  std::vector<Occurrence> out;
  for (size_t k = 0; k < tokens.size(); ++k) {
    Occurrence o = Match(tokens, k, s);
    if (o.form == Form::kNone) continue;
    o.value_position = InValuePosition(tokens, k);
    out.push_back(o);
  }
  return out;
}

std::string Describe(size_t index, const Slot& s) {
  return "slot " + std::to_string(index + 1) + " (" + SlotKindName(s.kind) + " " + s.value + ")";
}

// Whether a change of value can be written at all.
Status CheckChange(size_t i, const Slot& from, const Slot& to) {
  if (from.kind == Slot::Kind::kQuarter && from.with_year) {
    return Status::Unsupported(Describe(i, from) + ": a quarter of a year spans two literals");
  }
  std::optional<double> a = SlotNumber(from), b = SlotNumber(to);
  if (IsNumberLike(from) || from.kind == Slot::Kind::kYear) {
    if (!a || !b) return Status::Unsupported(Describe(i, from) + ": not a number");
    if (*a < 0 || *b < 0) return Status::Unsupported(Describe(i, from) + ": negative numbers are not rewritten");
    if ((std::floor(*a) == *a) != (std::floor(*b) == *b)) {
      return Status::Unsupported(Describe(i, from) + ": an integer and a fraction are not interchangeable");
    }
  }
  return Status::Ok();
}

// The occurrences of a changed slot must be unambiguous: found, all in value positions, one
// only for a number, none shared with another slot's value.
Status CheckOccurrences(size_t i, const QuestionKey& cached, const std::vector<std::vector<Occurrence>>& occurrences) {
  const Slot& s = cached.slots[i];
  const std::vector<Occurrence>& mine = occurrences[i];
  if (mine.empty()) return Status::Unsupported(Describe(i, s) + " does not occur in the SQL as a literal");
  for (const Occurrence& o : mine) {
    if (!o.value_position) return Status::Unsupported(Describe(i, s) + " also occurs as an unrelated literal");
  }
  for (size_t j = 0; j < cached.slots.size(); ++j) {
    if (j == i) continue;
    bool shared = cached.slots[j].value == s.value;
    for (const Occurrence& a : mine) {
      for (const Occurrence& b : occurrences[j]) shared = shared || a.token == b.token;
    }
    if (shared) return Status::Unsupported(Describe(i, s) + " is ambiguous with " + Describe(j, cached.slots[j]));
  }
  if (IsNumberLike(s) && mine.size() != 1) {
    return Status::Unsupported(Describe(i, s) + " occurs " + std::to_string(mine.size()) + " times in the SQL");
  }
  return Status::Ok();
}

// A number as the SQL token it replaces was written: with a decimal point if it had one.
std::string NumberText(double v, const std::string& canonical, const std::string& original) {
  std::string text = canonical;
  if (std::floor(v) == v && std::fabs(v) < 1e15) text = std::to_string(static_cast<long long>(v));
  const bool had_point = original.find_first_of(".eE") != std::string::npos;
  if (had_point && text.find_first_of(".eE") == std::string::npos) text += ".0";
  return text;
}

// The new text of the token of occurrence `o`, holding `to` instead of `from`.
Result<std::string> Rewrite(const SqlToken& t, const Occurrence& o, size_t i, const Slot& from, const Slot& to) {
  switch (o.form) {
    case Form::kNumber: {
      std::optional<double> v = SlotNumber(to);
      if (!v) return Status::Unsupported(Describe(i, from) + ": no number to write");
      return NumberText(*v, to.value, t.text);
    }
    case Form::kString: {
      std::string text = to.value;
      if (t.text.size() == 1 && from.kind == Slot::Kind::kMonth && text.starts_with("0")) text = text.substr(1);
      return QuoteLiteral(text);
    }
    case Form::kPrefix: {
      std::string text = to.value + t.text.substr(o.length);
      if (!ValidDate(text)) return Status::Unsupported(Describe(i, from) + ": '" + text + "' is no date");
      return QuoteLiteral(text);
    }
    case Form::kLikeInner:
      if (to.value.find_first_of("%_") != std::string::npos) {
        return Status::Unsupported(Describe(i, from) + ": the new value holds a LIKE wildcard");
      }
      return QuoteLiteral(std::string(t.text).replace(o.offset, o.length, to.value));
    case Form::kNone: break;
  }
  return Status::Internal("no occurrence to rewrite");
}

bool IsDateLiteral(const SqlToken& t) {
  if (t.kind == TokenKind::kString) return IsDateText(t.text);
  if (t.kind != TokenKind::kNumber) return false;
  std::optional<double> v = ParseNumber(t.text);
  return v && std::floor(*v) == *v && *v >= 1000 && *v <= 2999;
}

// Literals no slot claims that may have been derived from a changed slot: a date-like literal
// when a date-like slot changes ('2013-01-01' ending the range of 2012), a number one away from
// a changed number ("> 99" for "at least 100").
Status CheckUnclaimed(const Tokens& tokens, const std::vector<bool>& claimed, const QuestionKey& cached,
                      const std::vector<size_t>& changed) {
  for (size_t i : changed) {
    const Slot& s = cached.slots[i];
    std::optional<double> v = s.kind == Slot::Kind::kNumber ? SlotNumber(s) : std::nullopt;
    for (size_t k = 0; k < tokens.size(); ++k) {
      if (claimed[k]) continue;
      if (IsDateLike(s) && IsDateLiteral(tokens[k])) {
        return Status::Unsupported(Describe(i, s) + ": the SQL holds another date-like literal " + tokens[k].text);
      }
      std::optional<double> u = tokens[k].kind == TokenKind::kNumber ? ParseNumber(tokens[k].text) : std::nullopt;
      if (v && u && std::fabs(*u - *v) == 1 && InValuePosition(tokens, k)) {
        return Status::Unsupported(Describe(i, s) + ": the SQL holds " + tokens[k].text + ", maybe derived from it");
      }
    }
  }
  return Status::Ok();
}

std::string Apply(std::string_view sql, const Tokens& tokens, const std::map<size_t, std::string>& edits) {
  std::string out;
  size_t copied = 0;
  for (const auto& [k, text] : edits) {
    out.append(sql.substr(copied, tokens[k].begin - copied));
    out += text;
    copied = tokens[k].end;
  }
  out.append(sql.substr(copied));
  return out;
}

// The rewritten statement must lex to the same token kinds, differing only where edited.
Status CheckSameShape(const Tokens& before, std::string_view sql, const std::map<size_t, std::string>& edits) {
  Tokens after = LexSql(sql);
  bool same = after.size() == before.size();
  for (size_t k = 0; same && k < after.size(); ++k) {
    same = after[k].kind == before[k].kind && (edits.count(k) > 0 || after[k].text == before[k].text);
  }
  return same ? Status::Ok() : Status::Unsupported("the rewritten SQL is not the same statement");
}

Status CheckKeys(const QuestionKey& cached, const QuestionKey& incoming) {
  if (cached.SignatureKey() != incoming.SignatureKey()) {
    return Status::InvalidArgument("the questions differ beyond their literals (signatures differ)");
  }
  if (cached.slots.size() != incoming.slots.size()) return Status::InvalidArgument("the questions' slots differ");
  for (size_t i = 0; i < cached.slots.size(); ++i) {
    if (cached.slots[i].Placeholder() != incoming.slots[i].Placeholder()) {
      return Status::InvalidArgument("the questions' slot " + std::to_string(i + 1) + " differs in kind");
    }
  }
  return Status::Ok();
}

}  // namespace

Result<std::string> Reparameterize(std::string_view sql, const QuestionKey& cached, const QuestionKey& incoming) {
  DA_RETURN_IF_ERROR(CheckKeys(cached, incoming));
  const Tokens tokens = LexSql(sql);
  for (const SqlToken& t : tokens) {
    if (t.kind == TokenKind::kError) return Status::Unsupported("the SQL does not lex: " + t.text);
  }
  std::vector<std::vector<Occurrence>> occurrences;
  std::vector<bool> claimed(tokens.size(), false);
  std::vector<size_t> changed;
  for (size_t i = 0; i < cached.slots.size(); ++i) {
    occurrences.push_back(FindOccurrences(tokens, cached.slots[i]));
    for (const Occurrence& o : occurrences.back()) claimed[o.token] = claimed[o.token] || o.value_position;
    if (cached.slots[i].value != incoming.slots[i].value) changed.push_back(i);
  }
  std::map<size_t, std::string> edits;
  for (size_t i : changed) {
    DA_RETURN_IF_ERROR(CheckChange(i, cached.slots[i], incoming.slots[i]));
    DA_RETURN_IF_ERROR(CheckOccurrences(i, cached, occurrences));
    for (const Occurrence& o : occurrences[i]) {
      DA_ASSIGN_OR_RETURN(edits[o.token], Rewrite(tokens[o.token], o, i, cached.slots[i], incoming.slots[i]));
    }
  }
  DA_RETURN_IF_ERROR(CheckUnclaimed(tokens, claimed, cached, changed));
  std::string out = Apply(sql, tokens, edits);
  DA_RETURN_IF_ERROR(CheckSameShape(tokens, out, edits));
  return out;
}

}  // namespace da
