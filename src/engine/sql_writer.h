// Turns a QueryPlan into one SELECT in a SQL dialect (common/sql_dialect.h). Tables beyond the
// main one are joined along the shortest foreign-key paths from the tables already joined; with
// one table no aliases are used. Identifiers are quoted only when the dialect needs it.
//
// The SQLite text is what the engine has always written (its accuracy is measured on it). The
// PostgreSQL/Redshift text keeps the plan's meaning under their stricter rules: every shown
// column of a grouped query is grouped, ordering by an ungrouped column orders by its min/max,
// SELECT DISTINCT ordered by an unshown column becomes a GROUP BY, LIKE is ILIKE, year/month
// buckets are integers (EXTRACT) compared with integers, booleans compare with TRUE/FALSE,
// numbers compared with text columns are quoted, descending orders put NULLs last, and a counted
// INTERSECT/EXCEPT names its subquery.
#pragma once

#include <string>

#include "common/sql_dialect.h"
#include "engine/query_plan.h"
#include "engine/schema_index.h"

namespace da {

// SQL text for `plan`, or "" when a table it needs cannot be joined to the main table.
std::string WriteSql(const QueryPlan& plan, const SchemaIndex& schema, SqlDialect dialect = SqlDialect::kSqlite);

// A string value as an SQL literal ('O''Brien'); numbers print in their shortest form. The
// planner writes its values with these; the writer adapts them to the dialect.
std::string SqlString(std::string_view text);
std::string SqlNumber(double value);

}  // namespace da
