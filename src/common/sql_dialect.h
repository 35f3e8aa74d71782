// The SQL dialects DataAnalyst writes: SQLite (files ingested or attached), PostgreSQL and Amazon
// Redshift (connection datasets). The built-in engine's SQL writer and the LLM prompts both speak
// through these functions, so a difference between dialects is decided in one place.
//
// Each function returns SQL text for one dialect. The SQLite forms are exactly what the engine
// wrote before dialects existed (its Spider accuracy depends on them byte for byte). The
// PostgreSQL forms keep the meaning the engine gives the SQLite ones; Redshift (PostgreSQL 8.0
// protocol, its own engine) takes the PostgreSQL forms except where it differs, as noted.
#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace da {

enum class SqlDialect { kSqlite, kPostgres, kRedshift };

// "postgres"/"postgresql" and "redshift" dataset kinds map to their dialects; every other kind
// (csv, zip, xlsx, sqlite, "") is SQLite, since those datasets are SQLite files.
SqlDialect DialectOfDatasetKind(std::string_view kind);

// "SQLite", "PostgreSQL", "Amazon Redshift": the name prompts and restatements use.
std::string_view DialectName(SqlDialect d);

// Reads a dialect as configuration or older callers write it, ignoring case: a DialectName,
// "sqlite", "postgres", "postgresql", "redshift". nullopt for anything else.
std::optional<SqlDialect> ParseSqlDialect(std::string_view name);

// PostgreSQL or Redshift: the dialects that share PostgreSQL's grammar and strictness.
bool IsPostgresFamily(SqlDialect d);

// --- names and literals ---

// Whether `word` (any case) is a keyword that cannot stand bare as a name in `d`: SQLite's own
// keyword list (sqlite3_keyword_check); for PostgreSQL its reserved, type/function-reserved and
// column-name keywords; for Redshift those plus Redshift's reserved words (DELTA, OPEN, TAG, TOP...).
bool IsReservedWord(SqlDialect d, std::string_view word);

// `name` as SQL must write it. SQLite: bare when it is a plain identifier ([A-Za-z_][A-Za-z0-9_]*)
// and no keyword, else double-quoted. PostgreSQL/Redshift fold unquoted names to lowercase, so a
// name stays bare only when it is all-lowercase [a-z_][a-z0-9_]* and not reserved ("Singer" and
// "order" are quoted). Quotes inside a name are doubled.
std::string QuoteName(SqlDialect d, std::string_view name);

// A text value as a literal: 'O''Brien'. The same in every dialect (PostgreSQL and Redshift
// read backslashes literally: standard_conforming_strings).
std::string StringLiteral(std::string_view text);

// TRUE/FALSE for PostgreSQL and Redshift; 1/0 for SQLite, which stores booleans as integers.
std::string BooleanLiteral(SqlDialect d, bool value);

// --- dates ---

enum class DatePart { kYear, kMonth };

// The year or month of a date/timestamp expression. SQLite: strftime('%Y', e) / strftime('%m', e),
// text ('2012', '03'); PostgreSQL/Redshift: CAST(EXTRACT(YEAR FROM e) AS INTEGER), an integer.
std::string DatePartOf(SqlDialect d, DatePart part, std::string_view expr);

// A value compared with DatePartOf, written so the comparison is right in that dialect: SQLite
// '2012' and '03' (text against text, two-digit months); PostgreSQL/Redshift 2012 and 3.
std::string DatePartValue(SqlDialect d, DatePart part, int value);

// 'YYYY-MM' text of a date: strftime('%Y-%m', e) / to_char(e, 'YYYY-MM').
std::string YearMonthOf(SqlDialect d, std::string_view expr);

// The start of the year/month/day holding a date ("year", "month", "day"; other units as
// "day"). SQLite returns ISO text (strftime('%Y-%m-01', e)); PostgreSQL/Redshift date_trunc('month', e).
std::string DateTruncOf(SqlDialect d, std::string_view unit, std::string_view expr);

// --- operators and functions ---

// The case-insensitive pattern match the engine means by LIKE. SQLite's LIKE ignores ASCII case;
// PostgreSQL's LIKE does not, so PostgreSQL and Redshift use ILIKE. `negated` gives NOT LIKE/ILIKE.
std::string_view CaseInsensitiveLike(SqlDialect d, bool negated);

// `expr` as a floating-point number, for ratios (integer / integer truncates in every dialect):
// CAST(e AS REAL) / CAST(e AS DOUBLE PRECISION).
std::string RealOf(SqlDialect d, std::string_view expr);

// avg(e) with a fractional result: Redshift's AVG of an integer column returns a (truncated)
// BIGINT, so there the argument is made DOUBLE PRECISION first; SQLite and PostgreSQL already
// return a fraction. `integer_argument` says whether e is an integer (or boolean) column.
std::string AverageOf(SqlDialect d, std::string_view expr, bool integer_argument);

// a || b: text concatenation (the same in the three dialects; CONCAT is not in SQLite).
std::string ConcatOf(SqlDialect d, std::string_view a, std::string_view b);

// " LIMIT n" (the same in the three dialects).
std::string LimitClause(SqlDialect d, int n);

// The sort direction of an ORDER BY item. SQLite sorts NULLs first ascending and last
// descending; PostgreSQL and Redshift sort them last ascending and FIRST descending, so a
// descending superlative would pick a NULL: there " DESC NULLS LAST". Ascending stays " ASC"
// (NULLs last: a superlative never picks NULL).
std::string OrderDirection(SqlDialect d, bool desc);

// What follows a subquery in FROM: PostgreSQL and Redshift require an alias (" AS s"); SQLite
// gets "" (as the engine always wrote it).
std::string DerivedTableAlias(SqlDialect d, std::string_view alias);

// Whether every selected or ordered column of a grouped query must be grouped (or aggregated):
// PostgreSQL and Redshift refuse SQLite's bare columns, and ORDER BY expressions outside the
// select list of a SELECT DISTINCT.
bool StrictGrouping(SqlDialect d);

}  // namespace da
