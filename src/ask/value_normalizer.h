// Value normalisation: when a query with text filters finds nothing, the model (or the user)
// probably wrote a value differently from how the data stores it ('new york' for 'New York',
// 'Ney York' for 'New York'). This finds those filters in the SQL, matches each literal against
// the stored values of its column, and rewrites the literals, so the pipeline can re-run the
// query and say what it changed. Only string literals are ever changed; nothing is executed.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "catalog/catalog.h"
#include "catalog/value_index.h"
#include "common/query_result.h"
#include "common/sql_dialect.h"

namespace da {

// A text comparison in a statement: `column = 'literal'` (or `'literal' = column`, `==`),
// each string of `column IN ('a', 'b', ...)`, or `column LIKE 'pattern'` (or ILIKE).
struct LiteralFilter {
  enum class Kind { kEquals, kIn, kLike };
  Kind kind = Kind::kEquals;
  std::string table, column;  // as in the catalog
  std::string literal;        // decoded: quotes removed, '' read as '
  size_t offset = 0, length = 0;  // the quoted literal's bytes in the SQL
  // kLike: whether the pattern ignores ASCII case (SQLite's LIKE, ILIKE) or not (PostgreSQL's
  // and Redshift's LIKE).
  bool ignore_case = false;
};

// Finds the literal filters of `sql` whose column is known. The SQL is tokenised as SQLite
// reads it ('...' strings with '' escapes, "..." `...` [...] quoted names, -- and /* */
// comments). A column written `alias.col` or `table.col` is resolved through the FROM and JOIN
// clauses of the statement (subqueries included; an alias bound to two different tables is not
// trusted); a bare column to the one table of those clauses that has it, else to the one table
// of the catalog that has it. Columns wrapped in functions (lower(city) = 'x') are not filters
// here.
// `dialect` decides what LIKE means (case-insensitive only in SQLite).
std::vector<LiteralFilter> FindLiteralFilters(std::string_view sql, const Catalog& catalog,
                                              SqlDialect dialect = SqlDialect::kSqlite);

struct Replacement {
  std::string table, column;
  std::string from, to;  // the literal as written and as it now is (decoded)
  double score = 0;      // 0..1: 1 the same text up to case, accents and spacing
};

struct NormalizationResult {
  std::string sql;  // `sql` with the replaced literals, re-quoted; unchanged without replacements
  std::vector<Replacement> replacements;  // in SQL order
};

// Rewrites each filter literal that is not a stored value of its column to the column's
// closest stored value, when one is close enough:
//  1. a value equal after normalisation (case, accents, punctuation, spacing:
//     ValueIndex::Exact, then the catalog's top values): score 1; the most frequent first;
//  2. otherwise candidates from ValueIndex::Partial of the literal and of each of its words,
//     plus the column's top values, scored by edit-distance similarity of the normalised texts
//     (1 - distance / longer length) or, for values holding every word of the literal, the
//     Partial score; the best at or above kMinReplacementScore wins (ties: more rows, then the
//     smaller value in byte order).
// A literal that is already a stored value of its column (byte for byte) is kept. Only a
// column whose values are all known (in the value index, or with every distinct value among
// its catalog top values) gets edit-distance matches; others get step 1 only. LIKE patterns
// are matched on their text between a leading and a trailing '%' (patterns with other
// wildcards are kept) and keep those wildcards; a pattern that already matches a known value
// (ignoring ASCII case for SQLite's LIKE and for ILIKE; exactly for PostgreSQL's and Redshift's
// LIKE, whose wrongly-cased pattern is rewritten to the stored value's case) is kept. `values`
// may be null (top values only).
NormalizationResult NormalizeValues(std::string_view sql, const Catalog& catalog, const ValueIndex* values,
                                    SqlDialect dialect = SqlDialect::kSqlite);

inline constexpr double kMinReplacementScore = 0.6;

// Whether a result looks like a filter matched nothing: no rows, or one row whose values are
// all NULL or 0 (aggregates over no rows).
bool ResultLooksEmpty(const QueryResult& result);

}  // namespace da
