// Finds the SQL statement in a language model's reply. Nothing here runs or checks the SQL:
// the guard (guard/sql_guard.h) decides later whether it may run.
#pragma once

#include <string>
#include <string_view>

#include "common/status.h"

namespace da {

// The SQL a reply holds, looked for in this order:
//  1. a reply that starts with `NO_SQL:` (after whitespace and markdown emphasis) declines:
//     Status kUnsupported whose message is the model's reason;
//  2. the first fenced block marked sql (```sql, also ```sqlite / ```postgresql / ```postgres,
//     any case), else the first unmarked ``` block; a block not closed runs to the end of the
//     reply; fences inline on one line (```sql SELECT 1```) count too;
//  3. a line starting with `SQL:`: the rest of that line and the lines after it up to a blank
//     line;
//  4. the first statement in prose that starts with SELECT or WITH as a word (SELECT in
//     capitals or followed by a FROM; WITH followed by `name AS (` or RECURSIVE), up to its
//     first ';' outside quotes, a blank line or the end;
//  5. a line starting with `NO_SQL:` anywhere: kUnsupported as in 1.
// CRLF line ends are read as LF. The result has no leading or trailing whitespace and no
// trailing ';' (statements inside it are left as they are, so "SELECT 1; DROP TABLE t" comes
// back whole for the guard to refuse).
// A reply with none of these, or an empty statement, is kInvalidArgument
// "the model's reply holds no SQL".
Result<std::string> ExtractSql(std::string_view reply);

}  // namespace da
