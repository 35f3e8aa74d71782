// Re-parameterisation of cached SQL: the SQL answering one question rewritten to answer another
// that differs only in its literals ("top 10 stores" from the SQL of "top 5 stores"), when that
// can be done safely; otherwise an error, which the cache treats as a miss.
#pragma once

#include <string>
#include <string_view>

#include "common/status.h"
#include "memory/question_key.h"

namespace da {

// Rewrites `sql`, written for `cached`, for `incoming`: each cached slot's value is replaced in
// the SQL by the incoming slot's value at the same position.
//
// kInvalidArgument when the keys' signatures differ (then the slots do not correspond).
// kUnsupported when the rewrite is not certainly right, among others when:
//   - the SQL does not lex cleanly, or a changed slot's value occurs nowhere in it as a literal
//     in a value position (after a comparison, LIKE, BETWEEN ... AND, IN (...), LIMIT, OFFSET);
//   - a changed slot's value also occurs elsewhere (as a literal in another position, e.g.
//     ROUND(x, 2), or as another slot's value): which occurrence is the slot is unknowable;
//   - a changed number slot occurs more than once, is negative, or changes between integer
//     and fraction; an unclaimed literal one away from it (a derived bound: "> 99" for "at
//     least 100") is in the SQL;
//   - a changed date-like slot (year, month, quarter, date) leaves a date-like literal in the
//     SQL that no slot claims (an end bound '2013-01-01' derived from 2012), would make an
//     invalid date (2012-02-29 -> 2011-02-29), or is a quarter with a year;
//   - a string goes into a LIKE pattern with a wildcard of its own.
// What is matched: a number token equal in value (or a string holding exactly its canonical
// text); a year as a number, as '2012', or as the year of a date or date prefix ('2012-03-01',
// '2012-%', '2012-01-01 00:00:00'); a year-month as '2012-03' or its prefix; a date as
// '2012-03-01' or its prefix; a string or data value as a string literal equal to it, or the
// middle of a LIKE pattern ('%North%'). Identifiers, comments, keywords and other literals are
// never touched. Numbers are written canonically (keeping a decimal point if the SQL had one);
// strings re-quoted with '' escaping; data values as stored. The result lexes to the same token
// kinds as `sql`, with only the matched literals changed (checked).
Result<std::string> Reparameterize(std::string_view sql, const QuestionKey& cached, const QuestionKey& incoming);

}  // namespace da
