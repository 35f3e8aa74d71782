#include "memory/sql_lexer.h"

#include "common/strings.h"

namespace da {
namespace {

using Kind = SqlToken::Kind;

bool IsDigit(char c) { return c >= '0' && c <= '9'; }
bool IsSpace(char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v'; }
bool IsWordStart(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_' || static_cast<unsigned char>(c) >= 0x80;
}
bool IsWordChar(char c) { return IsWordStart(c) || IsDigit(c) || c == '$'; }
bool IsHexDigit(char c) { return IsDigit(c) || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F'); }

// Past whitespace and comments from `i`; an unterminated "/*" runs to the end, as in SQLite.
size_t SkipGap(std::string_view sql, size_t i) {
  while (i < sql.size()) {
    if (IsSpace(sql[i])) {
      ++i;
    } else if (sql.compare(i, 2, "--") == 0) {
      size_t nl = sql.find('\n', i);
      i = nl == std::string_view::npos ? sql.size() : nl + 1;
    } else if (sql.compare(i, 2, "/*") == 0) {
      size_t close = sql.find("*/", i + 2);
      i = close == std::string_view::npos ? sql.size() : close + 2;
    } else {
      break;
    }
  }
  return i;
}

// A quoted run opening at t->begin and closed by `close` (doubled inside, except for ']').
// Sets t->end, t->text (the content) and t->kind (kError when the close is missing).
void ReadQuoted(std::string_view sql, char close, Kind kind, SqlToken* t) {
  size_t i = t->begin + 1;
  while (i < sql.size()) {
    if (sql[i] != close) {
      t->text += sql[i++];
    } else if (close != ']' && i + 1 < sql.size() && sql[i + 1] == close) {
      t->text += close;
      i += 2;
    } else {
      t->kind = kind;
      t->end = i + 1;
      return;
    }
  }
  t->kind = Kind::kError;
  t->end = sql.size();
}

// A numeric literal at t->begin: decimal with optional fraction and exponent, or hex.
void ReadNumber(std::string_view sql, SqlToken* t) {
  size_t i = t->begin;
  if (sql.compare(i, 2, "0x") == 0 || sql.compare(i, 2, "0X") == 0) {
    i += 2;
    while (i < sql.size() && IsHexDigit(sql[i])) ++i;
  } else {
    while (i < sql.size() && IsDigit(sql[i])) ++i;
    if (i < sql.size() && sql[i] == '.') {
      ++i;
      while (i < sql.size() && IsDigit(sql[i])) ++i;
    }
    size_t e = i;
    if (e < sql.size() && (sql[e] == 'e' || sql[e] == 'E')) {
      ++e;
      if (e < sql.size() && (sql[e] == '+' || sql[e] == '-')) ++e;
      if (e < sql.size() && IsDigit(sql[e])) {
        while (e < sql.size() && IsDigit(sql[e])) ++e;
        i = e;
      }
    }
  }
  t->kind = Kind::kNumber;
  // SQLite rejects a number run into a name ("3rd", "1e"): so do we.
  while (i < sql.size() && IsWordChar(sql[i])) {
    t->kind = Kind::kError;
    ++i;
  }
  t->end = i;
  t->text = std::string(sql.substr(t->begin, i - t->begin));
}

void ReadWord(std::string_view sql, SqlToken* t) {
  size_t i = t->begin;
  while (i < sql.size() && IsWordChar(sql[i])) ++i;
  t->kind = Kind::kWord;
  t->end = i;
  t->text = std::string(sql.substr(t->begin, i - t->begin));
}

void ReadParameter(std::string_view sql, SqlToken* t) {
  size_t i = t->begin + 1;
  while (i < sql.size() && IsWordChar(sql[i])) ++i;
  t->kind = Kind::kParameter;
  t->end = i;
  t->text = std::string(sql.substr(t->begin, i - t->begin));
}

void ReadPunct(std::string_view sql, SqlToken* t) {
  static constexpr std::string_view kLong[] = {"->>", "||", "<=", ">=", "==", "!=", "<>", "<<", ">>", "->"};
  size_t len = 1;
  for (std::string_view op : kLong) {
    if (sql.compare(t->begin, op.size(), op) == 0) {
      len = op.size();
      break;
    }
  }
  t->kind = Kind::kPunct;
  t->end = t->begin + len;
  t->text = std::string(sql.substr(t->begin, len));
}

SqlToken ReadToken(std::string_view sql, size_t begin) {
  SqlToken t;
  t.begin = begin;
  const char c = sql[begin];
  const char next = begin + 1 < sql.size() ? sql[begin + 1] : '\0';
  if (c == '\'') {
    ReadQuoted(sql, '\'', Kind::kString, &t);
  } else if (c == '"' || c == '`' || c == '[') {
    ReadQuoted(sql, c == '[' ? ']' : c, Kind::kName, &t);
  } else if ((c == 'x' || c == 'X') && next == '\'') {
    t.begin = begin + 1;
    ReadQuoted(sql, '\'', Kind::kBlob, &t);
    t.begin = begin;
    t.text = std::string(sql.substr(t.begin, t.end - t.begin));
  } else if (IsDigit(c) || (c == '.' && IsDigit(next))) {
    ReadNumber(sql, &t);
  } else if (IsWordStart(c)) {
    ReadWord(sql, &t);
  } else if (c == '?' || c == ':' || c == '@' || c == '$') {
    ReadParameter(sql, &t);
  } else {
    ReadPunct(sql, &t);
  }
  return t;
}

}  // namespace

std::vector<SqlToken> LexSql(std::string_view sql) {
  std::vector<SqlToken> tokens;
  for (size_t i = SkipGap(sql, 0); i < sql.size(); i = SkipGap(sql, i)) {
    tokens.push_back(ReadToken(sql, i));
    i = tokens.back().end;
  }
  return tokens;
}

bool IsSqlKeyword(const SqlToken& token, std::string_view keyword) {
  return token.kind == Kind::kWord && EqualsIgnoreCase(token.text, keyword);
}

}  // namespace da
