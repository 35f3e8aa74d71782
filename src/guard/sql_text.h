// Just enough of SQLite's lexical rules to find where statements start and end: whitespace,
// "--" and "/* */" comments, ';', and the bare words a statement opens with.
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace da {

// Index of the first byte at or after `pos` that is not whitespace, a comment, or (when
// `skip_semicolons`) a ';'. Returns sql.size() if there is none. As in SQLite, an
// unterminated "/*" comment runs to the end of the text.
size_t SkipInsignificant(std::string_view sql, size_t pos, bool skip_semicolons);

// Up to `count` bare words (letters, digits, '_', starting with a letter or '_') at the start
// of the statement beginning at `pos`, upper-cased, with comments and whitespace between them
// skipped. Stops early at anything that is not a bare word ('(', a quoted name, ...).
std::vector<std::string> LeadingWords(std::string_view sql, size_t pos, size_t count);

}  // namespace da
