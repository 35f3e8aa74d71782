#include "engine/sql_writer.h"

#include <sqlite3.h>

#include <algorithm>
#include <cctype>
#include <cmath>
#include <cstdio>
#include <map>

#include "common/strings.h"

namespace da {
namespace {

const char* AggName(Agg a) {
  switch (a) {
    case Agg::kCount:
    case Agg::kCountDistinct: return "count";
    case Agg::kSum: return "sum";
    case Agg::kAvg: return "avg";
    case Agg::kMin: return "min";
    case Agg::kMax: return "max";
    case Agg::kNone: return "";
  }
  return "";
}

const char* OpText(CmpOp op) {
  switch (op) {
    case CmpOp::kEq: return "=";
    case CmpOp::kNe: return "<>";
    case CmpOp::kLt: return "<";
    case CmpOp::kGt: return ">";
    case CmpOp::kLe: return "<=";
    case CmpOp::kGe: return ">=";
    case CmpOp::kLike: return "LIKE";
    case CmpOp::kNotLike: return "NOT LIKE";
    case CmpOp::kIn: return "IN";
    case CmpOp::kNotIn: return "NOT IN";
    case CmpOp::kBetween: return "BETWEEN";
  }
  return "=";
}

class Writer {
 public:
  Writer(const QueryPlan& plan, const SchemaIndex& schema) : plan_(plan), schema_(schema) {}

  std::string Write() {
    std::string sql = WriteOne();
    if (sql.empty() || plan_.set_op == SetOp::kNone || plan_.set_rhs == nullptr) return sql;
    std::string rhs = WriteSql(*plan_.set_rhs, schema_);
    if (rhs.empty()) return "";
    sql += (plan_.set_op == SetOp::kIntersect ? " INTERSECT " : " EXCEPT ") + rhs;
    return plan_.count_set ? "SELECT count(*) FROM (" + sql + ")" : sql;
  }

 private:
  std::string WriteOne() {
    if (!CollectJoins()) return "";
    std::string sql = "SELECT ";
    if (plan_.distinct) sql += "DISTINCT ";
    std::vector<std::string> items;
    for (const SelectItem& s : plan_.select) items.push_back(Expr(s.agg, s.col, s.part));
    sql += Join(items, ", ");
    sql += " FROM " + FromClause();
    if (!plan_.where.empty()) sql += " WHERE " + Conditions(plan_.where, true);
    if (!plan_.group_by.empty()) {
      std::vector<std::string> g;
      for (const ColRef& c : plan_.group_by) g.push_back(Expr(Agg::kNone, c, plan_.group_part));
      sql += " GROUP BY " + Join(g, ", ");
    }
    if (!plan_.having.empty()) {
      std::vector<std::string> h;
      for (const HavingClause& hv : plan_.having) {
        h.push_back(Expr(hv.agg, hv.col, TimePart::kNone) + " " + OpText(hv.op) + " " + hv.value);
      }
      sql += " HAVING " + Join(h, " AND ");
    }
    if (!plan_.order_by.empty()) {
      std::vector<std::string> o;
      for (const OrderItem& it : plan_.order_by) {
        o.push_back(Expr(it.agg, it.col, TimePart::kNone) + (it.desc ? " DESC" : " ASC"));
      }
      sql += " ORDER BY " + Join(o, ", ");
    }
    if (plan_.limit > 0) sql += " LIMIT " + std::to_string(plan_.limit);
    return sql;
  }

  void Need(const ColRef& c, std::vector<int>* tables) {
    if (c.table >= 0 && std::find(tables->begin(), tables->end(), c.table) == tables->end()) {
      tables->push_back(c.table);
    }
  }

  bool CollectJoins() {
    std::vector<int> needed{plan_.main_table};
    for (const SelectItem& s : plan_.select) Need(s.col, &needed);
    for (const Condition& c : plan_.where) Need(c.col, &needed);
    for (const ColRef& c : plan_.group_by) Need(c, &needed);
    for (const HavingClause& h : plan_.having) Need(h.col, &needed);
    for (const OrderItem& o : plan_.order_by) Need(o.col, &needed);
    joined_ = {plan_.main_table};
    for (size_t i = 1; i < needed.size(); ++i) {
      int target = needed[i];
      if (std::find(joined_.begin(), joined_.end(), target) != joined_.end()) continue;
      std::vector<FkEdge> best;
      int best_from = -1;
      for (int from : joined_) {
        std::vector<FkEdge> p = schema_.Path(from, target);
        if (!p.empty() && (best_from < 0 || p.size() < best.size())) best = p, best_from = from;
      }
      if (best_from < 0) return false;
      int cur = best_from;
      for (const FkEdge& e : best) {
        int next = e.from_table == cur ? e.to_table : e.from_table;
        if (std::find(joined_.begin(), joined_.end(), next) == joined_.end()) {
          joined_.push_back(next);
          join_edges_.push_back(e);
        }
        cur = next;
      }
    }
    if (joined_.size() > 1) {
      for (size_t i = 0; i < joined_.size(); ++i) alias_[joined_[i]] = "T" + std::to_string(i + 1);
    }
    return true;
  }

  std::string FromClause() {
    std::string from = SqlIdentifier(schema_.TableName(plan_.main_table));
    if (joined_.size() == 1) return from;
    from += " AS " + alias_[plan_.main_table];
    for (size_t i = 1; i < joined_.size(); ++i) {
      const FkEdge& e = join_edges_[i - 1];
      int t = joined_[i];
      from += " JOIN " + SqlIdentifier(schema_.TableName(t)) + " AS " + alias_[t] + " ON " +
              Column(ColRef{e.from_table, e.from_column}) + " = " + Column(ColRef{e.to_table, e.to_column});
    }
    return from;
  }

  std::string Column(const ColRef& c) {
    std::string name = SqlIdentifier(schema_.Info(c.table, c.column).name);
    auto it = alias_.find(c.table);
    return it == alias_.end() ? name : it->second + "." + name;
  }

  std::string Expr(Agg agg, const ColRef& c, TimePart part) {
    std::string inner = c.column < 0 ? "*" : Column(c);
    if (part == TimePart::kYear) inner = "strftime('%Y', " + inner + ")";
    if (part == TimePart::kMonth) inner = "strftime('%m', " + inner + ")";
    if (agg == Agg::kNone) return inner;
    if (agg == Agg::kCountDistinct) return "count(DISTINCT " + inner + ")";
    return std::string(AggName(agg)) + "(" + inner + ")";
  }

  std::string Conditions(const std::vector<Condition>& conds, bool outer) {
    std::string out;
    for (size_t i = 0; i < conds.size(); ++i) {
      if (i > 0) out += conds[i].or_with_previous ? " OR " : " AND ";
      out += OneCondition(conds[i]);
    }
    return out;
  }

  std::string OneCondition(const Condition& c) {
    std::string lhs = Expr(Agg::kNone, c.col, c.part);
    if ((c.op == CmpOp::kNotIn || c.op == CmpOp::kIn) && c.subquery != nullptr) {
      return lhs + " " + OpText(c.op) + " (" + WriteSql(*c.subquery, schema_) + ")";
    }
    if (c.op == CmpOp::kNotIn || c.op == CmpOp::kIn) {
      // The subquery's table is written without an alias of its own; qualify only the outer side.
      std::string sub = "SELECT " + SqlIdentifier(schema_.Info(c.sub_col.table, c.sub_col.column).name) +
                        " FROM " + SqlIdentifier(schema_.TableName(c.sub_col.table));
      if (!c.sub_where.empty()) {
        std::vector<std::string> parts;
        for (const Condition& w : c.sub_where) {
          std::string l = SqlIdentifier(schema_.Info(w.col.table, w.col.column).name);
          if (w.part == TimePart::kYear) l = "strftime('%Y', " + l + ")";
          parts.push_back(l + " " + OpText(w.op) + " " + w.values[0]);
        }
        sub += " WHERE " + Join(parts, " AND ");
      }
      return lhs + " " + OpText(c.op) + " (" + sub + ")";
    }
    if (c.above_average) {
      return lhs + " " + OpText(c.op) + " (SELECT " + AggName(c.sub_agg) + "(" +
             SqlIdentifier(schema_.Info(c.col.table, c.col.column).name) + ") FROM " +
             SqlIdentifier(schema_.TableName(c.col.table)) + ")";
    }
    if (c.op == CmpOp::kBetween && c.values.size() == 2) {
      return lhs + " BETWEEN " + c.values[0] + " AND " + c.values[1];
    }
    return lhs + " " + OpText(c.op) + " " + (c.values.empty() ? "NULL" : c.values[0]);
  }

  const QueryPlan& plan_;
  const SchemaIndex& schema_;
  std::vector<int> joined_;
  std::vector<FkEdge> join_edges_;
  std::map<int, std::string> alias_;
};

}  // namespace

std::string SqlIdentifier(std::string_view name) {
  bool plain = !name.empty() && (std::isalpha(static_cast<unsigned char>(name[0])) || name[0] == '_');
  for (char c : name) plain = plain && (std::isalnum(static_cast<unsigned char>(c)) || c == '_');
  if (plain && sqlite3_keyword_check(name.data(), static_cast<int>(name.size())) == 0) {
    return std::string(name);
  }
  return QuoteIdentifier(name);
}

std::string SqlString(std::string_view text) { return QuoteLiteral(text); }

std::string SqlNumber(double value) {
  if (std::fabs(value - std::round(value)) < 1e-9 && std::fabs(value) < 1e15) {
    return std::to_string(static_cast<long long>(std::llround(value)));
  }
  char buf[64];
  std::snprintf(buf, sizeof(buf), "%.15g", value);
  return buf;
}

std::string WriteSql(const QueryPlan& plan, const SchemaIndex& schema) {
  if (plan.main_table < 0 || plan.select.empty()) return "";
  return Writer(plan, schema).Write();
}

}  // namespace da
