// SQLite's lexical rules, enough to find the literals of a statement and to rewrite them
// without touching anything else: strings, quoted identifiers, blobs, numbers, parameters,
// bare words and operators; whitespace and comments are skipped (their bytes lie between
// tokens, so text[t.begin, t.end) of every token plus the gaps rebuilds the statement).
#pragma once

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

namespace da {

struct SqlToken {
  enum class Kind {
    kWord,       // a bare word: keyword, name or function ("SELECT", "store_5", "strftime")
    kName,       // a quoted identifier: "...", `...` or [...]
    kString,     // a string literal '...'
    kNumber,     // 12, 1.5, .5, 1e3, 0x1F
    kBlob,       // x'0A1B'
    kParameter,  // ?, ?1, :name, @name, $name
    kPunct,      // an operator or punctuation: ( ) , ; . = == != <> < <= > >= || -> ->> + - * / % ...
    kError,      // an unterminated quote, or a number run into letters ("3rd"): not valid SQL
  };
  Kind kind = Kind::kPunct;
  size_t begin = 0, end = 0;  // byte range in the statement, quotes included
  // kString and kName: the content, quotes removed and doubled quotes undone ("O'Brien" for
  // 'O''Brien'); every other kind: the bytes as written.
  std::string text;
};

// The tokens of `sql` in order. Never fails: what SQLite would reject is a kError token.
std::vector<SqlToken> LexSql(std::string_view sql);

// True for kWord tokens equal to `keyword` ignoring ASCII case.
bool IsSqlKeyword(const SqlToken& token, std::string_view keyword);

}  // namespace da
