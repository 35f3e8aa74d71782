#include "ask/sql_extract.h"

#include <algorithm>
#include <cctype>
#include <optional>
#include <vector>

#include "common/strings.h"

namespace da {
namespace {

constexpr std::string_view kFence = "```";

bool IsWordChar(char c) { return std::isalnum(static_cast<unsigned char>(c)) || c == '_'; }
bool IsSpace(char c) { return std::isspace(static_cast<unsigned char>(c)) != 0; }

std::string ToLf(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  for (size_t i = 0; i < text.size(); ++i) {
    if (text[i] != '\r') {
      out += text[i];
    } else if (i + 1 >= text.size() || text[i + 1] != '\n') {
      out += '\n';  // a lone CR ends a line too
    }
  }
  return out;
}

std::vector<std::string_view> Lines(std::string_view text) {
  std::vector<std::string_view> lines;
  size_t start = 0;
  while (start <= text.size()) {
    size_t end = text.find('\n', start);
    if (end == std::string_view::npos) end = text.size();
    lines.push_back(text.substr(start, end - start));
    start = end + 1;
  }
  return lines;
}

// Trims whitespace, then ';' and whitespace from the end.
std::string CleanStatement(std::string_view sql) {
  sql = Trim(sql);
  while (!sql.empty() && (sql.back() == ';' || IsSpace(sql.back()))) sql.remove_suffix(1);
  return std::string(sql);
}

// Leading markdown around a label: whitespace, emphasis, quote marks, headings, code ticks.
std::string_view StripMarkup(std::string_view line) {
  size_t i = 0;
  while (i < line.size() && (IsSpace(line[i]) || line[i] == '*' || line[i] == '>' || line[i] == '#' ||
                             line[i] == '`')) {
    ++i;
  }
  return line.substr(i);
}

// The text after `label` when `line` starts with it (ignoring case and markup), with the
// label's trailing markup, colon and whitespace skipped. With `colon`, the label must be
// followed by ':' (markup aside).
std::optional<std::string_view> AfterLabel(std::string_view line, std::string_view label, bool colon) {
  std::string_view s = StripMarkup(line);
  if (!StartsWithIgnoreCase(s, label)) return std::nullopt;
  s.remove_prefix(label.size());
  if (!s.empty() && IsWordChar(s.front())) return std::nullopt;
  size_t i = 0;
  while (i < s.size() && (s[i] == '*' || s[i] == '`')) ++i;
  if (colon && (i >= s.size() || s[i] != ':')) return std::nullopt;
  while (i < s.size() && (s[i] == '*' || s[i] == '`' || s[i] == ':' || IsSpace(s[i]))) ++i;
  s.remove_prefix(i);
  while (!s.empty() && (s.back() == '*' || s.back() == '`' || IsSpace(s.back()))) s.remove_suffix(1);
  return s;
}

Status Declined(const std::vector<std::string_view>& lines, size_t line, std::string_view rest) {
  std::string reason(Trim(rest));
  for (size_t i = line + 1; reason.empty() && i < lines.size(); ++i) reason = std::string(Trim(lines[i]));
  if (reason.empty()) reason = "the model found no way to answer from the schema";
  return Status::Unsupported(reason);
}

// --- fences ---

bool IsSqlLanguage(std::string_view lang) {
  const std::string l = ToLower(lang);
  return l == "sql" || l == "sqlite" || l == "sqlite3" || l == "postgresql" || l == "postgres" ||
         l == "pgsql" || l == "psql";
}

struct Fence {
  std::string lang;
  std::string_view body;
};

std::vector<Fence> Fences(std::string_view text) {
  std::vector<Fence> fences;
  size_t pos = text.find(kFence);
  while (pos != std::string_view::npos) {
    size_t i = pos + kFence.size();
    while (i < text.size() && text[i] == '`') ++i;  // longer runs of ticks open a fence too
    size_t word_end = i;
    while (word_end < text.size() && (IsWordChar(text[word_end]) || text[word_end] == '+' ||
                                      text[word_end] == '-' || text[word_end] == '.')) {
      ++word_end;
    }
    std::string lang(text.substr(i, word_end - i));
    size_t body = word_end;
    if (EqualsIgnoreCase(lang, "select") || EqualsIgnoreCase(lang, "with")) {
      lang.clear();  // ```SELECT ...```: no language, the statement starts at once
      body = i;
    } else {
      while (body < text.size() && text[body] != '\n' && IsSpace(text[body])) ++body;
      if (body < text.size() && text[body] == '\n') ++body;
    }
    size_t close = text.find(kFence, body);
    size_t end = close == std::string_view::npos ? text.size() : close;
    fences.push_back(Fence{lang, text.substr(body, end - body)});
    if (close == std::string_view::npos) break;
    size_t next = close + kFence.size();
    while (next < text.size() && text[next] == '`') ++next;
    pos = text.find(kFence, next);
  }
  return fences;
}

std::optional<std::string> FromFences(std::string_view text) {
  std::vector<Fence> fences = Fences(text);
  for (const Fence& f : fences) {
    if (!IsSqlLanguage(f.lang)) continue;
    std::string sql = CleanStatement(f.body);
    if (!sql.empty()) return sql;
  }
  for (const Fence& f : fences) {
    if (!f.lang.empty()) continue;
    std::string sql = CleanStatement(f.body);
    if (!sql.empty()) return sql;
  }
  return std::nullopt;
}

// --- "SQL:" lines ---

std::optional<std::string> FromSqlLine(const std::vector<std::string_view>& lines) {
  for (size_t i = 0; i < lines.size(); ++i) {
    std::optional<std::string_view> rest = AfterLabel(lines[i], "SQL", true);
    if (!rest) continue;
    std::string sql(*rest);
    for (size_t j = i + 1; j < lines.size() && !Trim(lines[j]).empty(); ++j) {
      sql += '\n';
      sql += lines[j];
    }
    sql = CleanStatement(sql);
    if (!sql.empty()) return sql;
  }
  return std::nullopt;
}

// --- statements in prose ---

bool WordAt(std::string_view text, size_t pos, std::string_view word) {
  if (pos + word.size() > text.size()) return false;
  if (pos > 0 && IsWordChar(text[pos - 1])) return false;
  if (!EqualsIgnoreCase(text.substr(pos, word.size()), word)) return false;
  return pos + word.size() == text.size() || !IsWordChar(text[pos + word.size()]);
}

size_t SkipSpaces(std::string_view text, size_t pos) {
  while (pos < text.size() && IsSpace(text[pos])) ++pos;
  return pos;
}

// End of the statement starting at `start`: the first ';' outside quotes, a blank line, or
// (for a statement in inline code) the closing backtick.
size_t StatementEnd(std::string_view text, size_t start, bool inline_code) {
  char quote = 0;
  for (size_t i = start; i < text.size(); ++i) {
    const char c = text[i];
    if (quote != 0) {
      if (c == quote) quote = 0;  // a doubled quote closes and reopens: same effect
      continue;
    }
    if (c == '`' && inline_code) return i;
    if (c == '\'' || c == '"' || (c == '`' && !inline_code)) {
      quote = c;
    } else if (c == ';') {
      return i;
    } else if (c == '\n') {
      size_t j = i + 1;
      while (j < text.size() && text[j] != '\n' && IsSpace(text[j])) ++j;
      if (j >= text.size() || text[j] == '\n') return i;
    }
  }
  return text.size();
}

// Whether a WITH at `pos` opens a common table expression: WITH RECURSIVE, or WITH name AS (.
bool OpensCte(std::string_view text, size_t pos) {
  size_t i = SkipSpaces(text, pos + 4);
  if (WordAt(text, i, "recursive")) return true;
  size_t name_end = i;
  if (name_end < text.size() && text[name_end] == '"') {
    name_end = text.find('"', name_end + 1);
    if (name_end == std::string_view::npos) return false;
    ++name_end;
  } else {
    while (name_end < text.size() && IsWordChar(text[name_end])) ++name_end;
  }
  if (name_end == i) return false;
  i = SkipSpaces(text, name_end);
  if (i < text.size() && text[i] == '(') {  // WITH name(col, ...) AS (
    size_t close = text.find(')', i);
    if (close == std::string_view::npos) return false;
    i = SkipSpaces(text, close + 1);
  }
  if (!WordAt(text, i, "as")) return false;
  i = SkipSpaces(text, i + 2);
  return i < text.size() && text[i] == '(';
}

// Whether the text between a lower-case "select" and its FROM reads as a select list rather
// than English ("select the rows with this: select a from t"): no ':' and no run of three
// plain words that are not SQL words.
bool LooksLikeSelectList(std::string_view list) {
  static const std::vector<std::string_view> kSqlWords = {"as", "distinct", "all", "case", "when", "then", "else",
                                                          "end", "and", "or", "not", "is", "null", "in", "over",
                                                          "by", "partition", "order", "filter", "where", "between"};
  if (list.find(':') != std::string_view::npos) return false;
  int run = 0;
  size_t i = 0;
  while (i < list.size()) {
    if (IsSpace(list[i])) {
      ++i;
      continue;
    }
    size_t end = i;
    while (end < list.size() && !IsSpace(list[end])) ++end;
    std::string_view word = list.substr(i, end - i);
    bool plain = std::all_of(word.begin(), word.end(), [](char c) { return std::isalpha(static_cast<unsigned char>(c)); });
    bool sql = std::any_of(kSqlWords.begin(), kSqlWords.end(), [&](std::string_view w) { return EqualsIgnoreCase(w, word); });
    run = plain && !sql ? run + 1 : 0;
    if (run >= 3) return false;
    i = end;
  }
  return true;
}

// Whether a SELECT at `pos` (with `statement` its text) starts a query: in capitals, or
// followed by FROM after a select list.
bool OpensSelect(std::string_view text, size_t pos, std::string_view statement) {
  if (text.compare(pos, 6, "SELECT") == 0) return true;
  for (size_t i = 6; i + 4 <= statement.size(); ++i) {
    if (WordAt(statement, i, "from")) return LooksLikeSelectList(statement.substr(6, i - 6));
  }
  return false;
}

std::optional<std::string> FromProse(std::string_view text) {
  for (size_t pos = 0; pos < text.size(); ++pos) {
    const bool select = WordAt(text, pos, "select");
    const bool with = !select && WordAt(text, pos, "with");
    if (!select && !with) continue;
    const size_t keyword = select ? 6 : 4;
    if (pos + keyword >= text.size() || !IsSpace(text[pos + keyword])) continue;
    const bool inline_code = pos > 0 && text[pos - 1] == '`';
    std::string_view statement = text.substr(pos, StatementEnd(text, pos, inline_code) - pos);
    const bool looks_sql = select ? OpensSelect(text, pos, statement) : OpensCte(text, pos);
    if (!looks_sql) continue;
    std::string sql = CleanStatement(statement);
    if (!sql.empty()) return sql;
  }
  return std::nullopt;
}

Status NoSql() { return Status::InvalidArgument("the model's reply holds no SQL"); }

}  // namespace

Result<std::string> ExtractSql(std::string_view reply) {
  const std::string text = ToLf(reply);
  const std::vector<std::string_view> lines = Lines(text);
  size_t first = 0;
  while (first < lines.size() && Trim(lines[first]).empty()) ++first;
  if (first < lines.size()) {
    if (auto rest = AfterLabel(lines[first], "NO_SQL", false)) return Declined(lines, first, *rest);
  }
  if (auto sql = FromFences(text)) return *sql;
  if (auto sql = FromSqlLine(lines)) return *sql;
  if (auto sql = FromProse(text)) return *sql;
  for (size_t i = 0; i < lines.size(); ++i) {
    if (auto rest = AfterLabel(lines[i], "NO_SQL", false)) return Declined(lines, i, *rest);
  }
  return NoSql();
}

}  // namespace da
