// The engine's reading of a question, independent of SQL text: what to select from which
// tables, with which filters, groups, order and limit. sql_writer.h turns it into SQLite SQL
// (joins found on the foreign-key graph) and restatement.h into plain English.
#pragma once

#include <memory>
#include <string>
#include <vector>

namespace da {

struct QueryPlan;

enum class Agg { kNone, kCount, kCountDistinct, kSum, kAvg, kMin, kMax };

struct ColRef {
  int table = -1;
  int column = -1;  // -1: all rows (count(*), or SELECT * when agg is kNone)
  bool operator==(const ColRef& o) const { return table == o.table && column == o.column; }
};

enum class TimePart { kNone, kYear, kMonth };

struct SelectItem {
  Agg agg = Agg::kNone;
  ColRef col;
  TimePart part = TimePart::kNone;  // strftime bucket of a date column
};

enum class CmpOp { kEq, kNe, kLt, kGt, kLe, kGe, kBetween, kLike, kNotLike, kNotIn, kIn };

struct Condition {
  ColRef col;
  TimePart part = TimePart::kNone;  // compare strftime('%Y', col) (or '%m') instead of col
  CmpOp op = CmpOp::kEq;
  std::vector<std::string> values;  // SQL literals, already quoted ("'France'", "30")
  // Scalar subquery instead of values[0]: (SELECT <sub_agg>(sub_col) FROM sub_col.table).
  bool above_average = false;
  Agg sub_agg = Agg::kNone;
  // kNotIn / kIn: col [NOT] IN (SELECT sub_col FROM sub_col.table [WHERE sub_where]).
  ColRef sub_col;
  std::vector<Condition> sub_where;
  // kNotIn / kIn over a whole plan of its own (joins included) instead of sub_col/sub_where:
  // col [NOT] IN (<subquery>), the subquery selecting one column.
  std::shared_ptr<const QueryPlan> subquery;
  bool or_with_previous = false;  // joined to the previous condition with OR
  std::string display_value;      // for restatements: France, 30, 2012
};

struct HavingClause {
  Agg agg = Agg::kCount;
  ColRef col;  // column -1 with kCount: count(*)
  CmpOp op = CmpOp::kGt;
  std::string value;
};

struct OrderItem {
  Agg agg = Agg::kNone;
  ColRef col;
  bool desc = false;
};

enum class SetOp { kNone, kIntersect, kExcept };

struct QueryPlan {
  int main_table = -1;
  bool distinct = false;
  std::vector<SelectItem> select;
  std::vector<Condition> where;
  std::vector<ColRef> group_by;
  TimePart group_part = TimePart::kNone;
  std::vector<HavingClause> having;
  std::vector<OrderItem> order_by;
  int limit = 0;  // 0: none
  // Which kind of reading, for restatements: a superlative picks one row.
  bool superlative = false;
  // This plan's rows INTERSECT / EXCEPT the rows of `set_rhs` (same select list shape);
  // with count_set the answer is the number of rows of that combination.
  SetOp set_op = SetOp::kNone;
  std::shared_ptr<const QueryPlan> set_rhs;
  bool count_set = false;
};

}  // namespace da
