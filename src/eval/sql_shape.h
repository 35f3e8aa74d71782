// What kind of query a gold SQL statement is, for per-shape accuracy, and whether its result
// order is part of its meaning.
#pragma once

#include <string_view>

namespace da {

// Classified from the gold SQL text, first match in this order:
//  kSetOperation  UNION, INTERSECT or EXCEPT anywhere in the statement
//  kNested        a SELECT inside parentheses (a subquery in FROM, WHERE, HAVING or SELECT)
//  kJoin          JOIN, or more than one table listed in a FROM clause ("FROM a, b")
//  kGroupBy       GROUP BY
//  kSingleTable   everything else: one table, filters, aggregates, ORDER BY, LIMIT
// The order puts the hardest feature first: a nested join with GROUP BY is "nested".
enum class QueryShape { kSetOperation, kNested, kJoin, kGroupBy, kSingleTable };
constexpr int kQueryShapeCount = 5;

QueryShape ClassifyQueryShape(std::string_view sql);
// "set_operation", "nested", "join", "group_by", "single_table"
const char* QueryShapeName(QueryShape shape);

// True when the statement ends with an ORDER BY outside any parentheses, i.e. the order of
// its result rows is specified (Spider's evaluator then compares rows in order).
bool HasTopLevelOrderBy(std::string_view sql);

}  // namespace da
