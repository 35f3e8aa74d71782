// What the SQL guard allows, as pure functions over SQLite's authorizer requests and the
// statement text, so the policy is readable in one place and testable without a database.
#pragma once

#include <set>
#include <string>
#include <string_view>

namespace da {

// The tables a connection may name, both sets lower-case.
struct TableVisibility {
  std::set<std::string> dataset_tables;  // tables and views stored in the database file
  std::set<std::string> hidden_tables;   // of those, the ones the user must not read
};

// One sqlite3_set_authorizer callback invocation (arguments may be null).
struct AuthRequest {
  int action = 0;
  const char* arg1 = nullptr;
  const char* arg2 = nullptr;
  const char* database = nullptr;
  const char* inner = nullptr;  // innermost trigger or view responsible for the access
};

struct AuthDecision {
  int code = 0;        // SQLITE_OK or SQLITE_DENY
  std::string reason;  // why, when denied: the message the user sees
};

// The authorizer's decision table:
//  SELECT, RECURSIVE            allowed;
//  READ of a dataset table/view allowed unless hidden ("table secret is not visible in this
//                               dataset"); of json_each/json_tree allowed; of the schema table
//                               allowed unless the dataset has hidden tables; of anything
//                               else (pragma_*, dbstat, sqlite_dbpage, ...) denied;
//  FUNCTION                     allowed only for IsAllowedFunction() names;
//  everything else              denied with a message naming the operation.
AuthDecision Authorize(const AuthRequest& request, const TableVisibility& tables);

// True for SQLite's built-in scalar, aggregate, window, date/time, JSON and math functions
// that only compute values (`lower_name` lower-case). False for load_extension,
// fts3_tokenizer, sqlite_compileoption_*, the CLI's readfile/writefile/edit and anything
// unknown, including application-defined functions.
bool IsAllowedFunction(std::string_view lower_name);

// True for functions an attacker reaches for (load_extension, readfile, writefile, edit,
// fts3_tokenizer, ...): naming one is refused even where SQLite does not define it, so the
// user sees "function writefile is not allowed" rather than "no such function".
bool IsForbiddenFunction(std::string_view lower_name);

// The refusal message for the statement starting at `pos` when its leading keywords make it
// something other than a query ("PRAGMA is not allowed", "creating tables is not allowed",
// "only read-only queries can run here: INSERT is a write"); EXPLAIN [QUERY PLAN] is judged
// by the statement it explains. Empty when the statement starts like a query (SELECT, WITH,
// VALUES) or with a word SQLite will reject as a syntax error.
std::string DescribeNonQuery(std::string_view sql, size_t pos);

}  // namespace da
