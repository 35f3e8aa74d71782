#include "eval/sql_shape.h"

#include <cctype>
#include <string>
#include <vector>

namespace da {

namespace {

// One word, symbol or quoted item of the SQL text, with its parenthesis depth. Quoted strings
// and identifiers are single tokens whose text is never compared with keywords.
struct SqlToken {
  std::string upper;  // keyword-comparable text; empty for quoted items
  char symbol = 0;    // '(', ')', ',' or another punctuation character
  int depth = 0;      // parentheses open before this token
};

size_t SkipQuoted(std::string_view sql, size_t i, char close) {
  for (++i; i < sql.size(); ++i) {
    if (sql[i] == close) {
      if (i + 1 < sql.size() && sql[i + 1] == close && close != ']') {
        ++i;  // doubled quote inside the literal
        continue;
      }
      return i + 1;
    }
  }
  return sql.size();
}

std::vector<SqlToken> Tokenize(std::string_view sql) {
  std::vector<SqlToken> tokens;
  int depth = 0;
  size_t i = 0;
  while (i < sql.size()) {
    const char c = sql[i];
    if (c == '-' && i + 1 < sql.size() && sql[i + 1] == '-') {
      while (i < sql.size() && sql[i] != '\n') ++i;
    } else if (c == '/' && i + 1 < sql.size() && sql[i + 1] == '*') {
      const size_t end = sql.find("*/", i + 2);
      i = end == std::string_view::npos ? sql.size() : end + 2;
    } else if (c == '\'' || c == '"' || c == '`' || c == '[') {
      tokens.push_back({"", 0, depth});
      i = SkipQuoted(sql, i, c == '[' ? ']' : c);
    } else if (std::isalnum(static_cast<unsigned char>(c)) || c == '_') {
      size_t j = i;
      while (j < sql.size() && (std::isalnum(static_cast<unsigned char>(sql[j])) || sql[j] == '_' || sql[j] == '.'))
        ++j;
      std::string word(sql.substr(i, j - i));
      for (char& ch : word) ch = static_cast<char>(std::toupper(static_cast<unsigned char>(ch)));
      tokens.push_back({std::move(word), 0, depth});
      i = j;
    } else if (std::isspace(static_cast<unsigned char>(c))) {
      ++i;
    } else {
      if (c == ')') depth = depth > 0 ? depth - 1 : 0;
      tokens.push_back({"", c, depth});
      if (c == '(') ++depth;
      ++i;
    }
  }
  return tokens;
}

bool IsClauseEnd(const std::string& word) {
  static const char* const kEnds[] = {"WHERE", "GROUP", "ORDER", "LIMIT", "HAVING", "UNION",
                                      "INTERSECT", "EXCEPT", "WINDOW", "ON", "USING"};
  for (const char* end : kEnds)
    if (word == end) return true;
  return false;
}

// A comma at the FROM clause's own depth: "FROM a, b" lists two tables.
bool HasCommaJoin(const std::vector<SqlToken>& tokens) {
  for (size_t i = 0; i < tokens.size(); ++i) {
    if (tokens[i].upper != "FROM") continue;
    const int depth = tokens[i].depth;
    for (size_t j = i + 1; j < tokens.size() && tokens[j].depth >= depth; ++j) {
      if (tokens[j].depth != depth) continue;
      if (tokens[j].symbol == ')' || IsClauseEnd(tokens[j].upper) || tokens[j].upper == "SELECT") break;
      if (tokens[j].symbol == ',') return true;
    }
  }
  return false;
}

bool HasWordPair(const std::vector<SqlToken>& tokens, const char* first, const char* second, int only_depth = -1) {
  for (size_t i = 0; i + 1 < tokens.size(); ++i) {
    if (tokens[i].upper == first && tokens[i + 1].upper == second &&
        (only_depth < 0 || tokens[i].depth == only_depth))
      return true;
  }
  return false;
}

}  // namespace

QueryShape ClassifyQueryShape(std::string_view sql) {
  const std::vector<SqlToken> tokens = Tokenize(sql);
  bool join = false, group = false, nested = false;
  for (const SqlToken& t : tokens) {
    if (t.upper == "UNION" || t.upper == "INTERSECT" || t.upper == "EXCEPT") return QueryShape::kSetOperation;
    if (t.upper == "SELECT" && t.depth > 0) nested = true;
    if (t.upper == "JOIN") join = true;
  }
  group = HasWordPair(tokens, "GROUP", "BY");
  if (nested) return QueryShape::kNested;
  if (join || HasCommaJoin(tokens)) return QueryShape::kJoin;
  if (group) return QueryShape::kGroupBy;
  return QueryShape::kSingleTable;
}

const char* QueryShapeName(QueryShape shape) {
  switch (shape) {
    case QueryShape::kSetOperation: return "set_operation";
    case QueryShape::kNested: return "nested";
    case QueryShape::kJoin: return "join";
    case QueryShape::kGroupBy: return "group_by";
    case QueryShape::kSingleTable: return "single_table";
  }
  return "single_table";
}

bool HasTopLevelOrderBy(std::string_view sql) { return HasWordPair(Tokenize(sql), "ORDER", "BY", 0); }

}  // namespace da
