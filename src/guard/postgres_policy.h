// What the PostgreSQL guard refuses before anything is sent to the server, as pure functions over
// the statement text, so the policy is readable in one place and testable without a server.
//
// This is defence in depth, not the only wall: every query also runs in a READ ONLY transaction,
// inside DECLARE CURSOR (which accepts only a query) over the extended protocol (one statement).
// The text checks exist so that what those layers would catch late, or could not catch at all
// (reading a hidden table, pg_read_file, pg_sleep, nextval, another schema), is refused up front
// with a message naming what was found.
#pragma once

#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "common/status.h"

namespace da {

// One token of PostgreSQL's lexical grammar. Comments and whitespace produce no token.
struct PgToken {
  enum class Kind {
    kWord,         // bare identifier or keyword; `text` lower-cased (as PostgreSQL folds it)
    kQuotedIdent,  // "Name": `text` is the name with "" undoubled, case kept
    kString,       // '...', E'...', B'...', X'...', $tag$...$tag$: `text` is the raw token
    kNumber,
    kParam,        // $1
    kOperator,     // + - * / < > = ~ ! @ # % ^ & | ` ? and runs of them; also :: and :=
    kPunct,        // ( ) [ ] , ; . :
  };
  Kind kind;
  std::string text;
  size_t pos;  // byte offset of the token's first byte
};

// Splits `sql` into tokens: strings ('...' with '' doubled, E'...' with backslash escapes,
// $tag$...$tag$), "quoted identifiers", -- and nested /* */ comments, numbers, operators.
// An unterminated string, identifier or comment runs to the end of the text (the server will
// report the syntax error). Refused for U&'...' / U&"..." (Unicode escapes could spell a
// forbidden name the checks would not recognise).
Result<std::vector<PgToken>> LexPostgres(std::string_view sql);

// What a PostgreSQL dataset may read.
struct PgReadPolicy {
  std::string schema = "public";        // the dataset's schema (as stored: case kept)
  std::set<std::string> hidden_tables;  // lower-case names that must not be read
};

// Checks `sql` and returns the one statement to run: the text up to its first ';' (trailing
// semicolons and comments dropped), ready to be wrapped in DECLARE CURSOR / EXPLAIN. Errors:
//  InvalidArgument "no SQL statement given"; "SQL text is N bytes; the limit is M"; NUL bytes
//  Refused "exactly one statement is allowed; found more at position N" (1-based byte offset)
//          "only read-only queries can run here: INSERT is a write" (any statement keyword at
//          the start of the statement or of a WITH query's body: WITH d AS (DELETE ...))
//          "only read-only queries can run here: SET is not allowed" (SET, RESET, LOCK, DO, ...)
//          "only read-only queries can run here: SELECT ... INTO creates a table"
//          "only read-only queries can run here: FOR UPDATE locks rows"
//          "function pg_read_file is not allowed"
//          "schema other is not visible in this dataset"
//          "table secret is not visible in this dataset" (hidden tables; named anywhere)
//          "table pg_authid is not available here" (catalogs holding secrets)
Result<std::string> CheckPostgresQuery(std::string_view sql, const PgReadPolicy& policy);

// True for functions with side effects or access beyond the dataset (files, large objects, other
// databases, SQL run from text, settings, sequences, locks, sleeping, server control). `lower_name`
// is the function's name without its schema.
bool IsForbiddenPostgresFunction(std::string_view lower_name);

}  // namespace da
