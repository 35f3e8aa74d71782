#include "guard/sql_text.h"

namespace da {

namespace {

bool IsSpace(char c) {
  return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v';
}
bool IsWordStart(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_';
}
bool IsWordChar(char c) { return IsWordStart(c) || (c >= '0' && c <= '9'); }

// If a comment starts at `pos`, returns the index just past it; otherwise `pos`.
size_t SkipComment(std::string_view sql, size_t pos) {
  if (sql.substr(pos, 2) == "--") {
    size_t nl = sql.find('\n', pos + 2);
    return nl == std::string_view::npos ? sql.size() : nl + 1;
  }
  if (sql.substr(pos, 2) == "/*") {
    size_t end = sql.find("*/", pos + 2);
    return end == std::string_view::npos ? sql.size() : end + 2;
  }
  return pos;
}

}  // namespace

size_t SkipInsignificant(std::string_view sql, size_t pos, bool skip_semicolons) {
  while (pos < sql.size()) {
    char c = sql[pos];
    if (IsSpace(c) || (skip_semicolons && c == ';')) {
      ++pos;
      continue;
    }
    size_t after = SkipComment(sql, pos);
    if (after == pos) break;
    pos = after;
  }
  return pos;
}

std::vector<std::string> LeadingWords(std::string_view sql, size_t pos, size_t count) {
  std::vector<std::string> words;
  pos = SkipInsignificant(sql, pos, /*skip_semicolons=*/false);
  while (words.size() < count && pos < sql.size() && IsWordStart(sql[pos])) {
    size_t end = pos;
    while (end < sql.size() && IsWordChar(sql[end])) ++end;
    std::string word(sql.substr(pos, end - pos));
    for (char& c : word) {
      if (c >= 'a' && c <= 'z') c = static_cast<char>(c - 'a' + 'A');
    }
    words.push_back(std::move(word));
    pos = SkipInsignificant(sql, end, /*skip_semicolons=*/false);
  }
  return words;
}

}  // namespace da
