// Turns a QueryPlan into one SQLite SELECT. Tables beyond the main one are joined along the
// shortest foreign-key paths from the tables already joined; with one table no aliases are
// used. Identifiers are quoted only when they need it (not a plain word, or a keyword).
#pragma once

#include <string>

#include "engine/query_plan.h"
#include "engine/schema_index.h"

namespace da {

// SQL text for `plan`, or "" when a table it needs cannot be joined to the main table.
std::string WriteSql(const QueryPlan& plan, const SchemaIndex& schema);

// `name` as it must appear in SQL: bare when it is a plain identifier and not a keyword.
std::string SqlIdentifier(std::string_view name);

// A string value as an SQL literal ('O''Brien'); numbers print in their shortest form.
std::string SqlString(std::string_view text);
std::string SqlNumber(double value);

}  // namespace da
