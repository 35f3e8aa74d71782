#include "engine/sql_writer.h"

#include <algorithm>
#include <cctype>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <map>
#include <optional>

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

bool Contains(const std::vector<std::string>& list, const std::string& s) {
  return std::find(list.begin(), list.end(), s) != list.end();
}

// "'2012'" or "2012" -> 2012; nullopt for anything else.
std::optional<int> DigitsValue(std::string_view v) {
  if (v.size() >= 2 && v.front() == '\'' && v.back() == '\'') v = v.substr(1, v.size() - 2);
  if (v.empty() || v.size() > 6) return std::nullopt;
  for (char c : v) {
    if (!std::isdigit(static_cast<unsigned char>(c))) return std::nullopt;
  }
  return std::stoi(std::string(v));
}

bool IsNumberLiteral(std::string_view v) {
  if (v.empty() || v.front() == '\'') return false;
  char* end = nullptr;
  const std::string text(v);
  std::strtod(text.c_str(), &end);
  return end != text.c_str() && *end == '\0';
}

DatePart PartOf(TimePart p) { return p == TimePart::kYear ? DatePart::kYear : DatePart::kMonth; }

// The clauses of one SELECT before they are joined into text.
struct Clauses {
  bool distinct = false;
  std::vector<std::string> select;  // with aliases
  std::vector<std::string> select_exprs;  // without
  std::vector<std::string> group;
  std::vector<std::string> order;  // with direction
};

class Writer {
 public:
  Writer(const QueryPlan& plan, const SchemaIndex& schema, SqlDialect d) : plan_(plan), schema_(schema), d_(d) {}

  std::string Write() {
    std::string sql = WriteOne();
    if (sql.empty() || plan_.set_op == SetOp::kNone || plan_.set_rhs == nullptr) return sql;
    std::string rhs = WriteSql(*plan_.set_rhs, schema_, d_);
    if (rhs.empty()) return "";
    sql += (plan_.set_op == SetOp::kIntersect ? " INTERSECT " : " EXCEPT ") + rhs;
    return plan_.count_set ? "SELECT count(*) FROM (" + sql + ")" + DerivedTableAlias(d_, "s") : sql;
  }

 private:
  std::string WriteOne() {
    if (!CollectJoins()) return "";
    Clauses c = StrictGrouping(d_) ? StrictClauses() : PlainClauses();
    std::string sql = "SELECT ";
    if (c.distinct) sql += "DISTINCT ";
    sql += Join(c.select, ", ");
    sql += " FROM " + FromClause();
    if (!plan_.where.empty()) sql += " WHERE " + Conditions(plan_.where);
    if (!c.group.empty()) sql += " GROUP BY " + Join(c.group, ", ");
    if (!plan_.having.empty()) {
      std::vector<std::string> h;
      for (const HavingClause& hv : plan_.having) {
        h.push_back(Expr(hv.agg, hv.col, TimePart::kNone) + " " + OpText(hv.op) + " " + hv.value);
      }
      sql += " HAVING " + Join(h, " AND ");
    }
    if (!c.order.empty()) sql += " ORDER BY " + Join(c.order, ", ");
    if (plan_.limit > 0) sql += LimitClause(d_, plan_.limit);
    return sql;
  }

  // The plan as written (SQLite accepts bare columns beside aggregates).
  Clauses PlainClauses() {
    Clauses c;
    c.distinct = plan_.distinct;
    for (const SelectItem& s : plan_.select) c.select.push_back(Expr(s.agg, s.col, s.part));
    for (const ColRef& g : plan_.group_by) c.group.push_back(Expr(Agg::kNone, g, plan_.group_part));
    for (const OrderItem& it : plan_.order_by) {
      c.order.push_back(Expr(it.agg, it.col, TimePart::kNone) + OrderDirection(d_, it.desc));
    }
    return c;
  }

  // PostgreSQL/Redshift: every shown column of a grouped (or aggregated) query is grouped or min();
  // ordering by a column that is not grouped orders by its min (ascending) or max (descending);
  // SELECT DISTINCT ordered by a column it does not show becomes a GROUP BY of what it shows.
  Clauses StrictClauses() {
    Clauses c;
    c.distinct = plan_.distinct;
    bool aggregated = !plan_.group_by.empty() || !plan_.having.empty();
    for (const SelectItem& s : plan_.select) {
      c.select_exprs.push_back(Expr(s.agg, s.col, s.part));
      std::string item = c.select_exprs.back();
      if (s.agg == Agg::kNone && s.part != TimePart::kNone && s.col.column >= 0) {
        const std::string& name = schema_.Info(s.col.table, s.col.column).name;
        item += " AS " + QuoteName(d_, name + (s.part == TimePart::kYear ? "_year" : "_month"));
      }
      c.select.push_back(item);
      aggregated = aggregated || s.agg != Agg::kNone;
    }
    for (const OrderItem& it : plan_.order_by) aggregated = aggregated || it.agg != Agg::kNone;
    for (const ColRef& g : plan_.group_by) {
      std::string e = Expr(Agg::kNone, g, plan_.group_part);
      if (!Contains(c.group, e)) c.group.push_back(e);
    }
    if (c.distinct) {
      bool ordered_by_unshown = false;
      for (const OrderItem& it : plan_.order_by) {
        ordered_by_unshown = ordered_by_unshown || !Contains(c.select_exprs, Expr(it.agg, it.col, TimePart::kNone));
      }
      bool groups_shown = std::all_of(c.group.begin(), c.group.end(), [&](const std::string& g) { return Contains(c.select_exprs, g); });
      if (ordered_by_unshown && (!aggregated || groups_shown)) {
        c.distinct = false;  // grouping by the shown columns keeps them distinct
        aggregated = true;
      }
    }
    if (aggregated) {
      // A shown column determined by a grouped primary key is grouped too (same groups); any
      // other shows one of its group's values, as SQLite's bare column does: min().
      for (size_t i = 0; i < plan_.select.size(); ++i) {
        const SelectItem& s = plan_.select[i];
        if (s.agg != Agg::kNone || s.col.column < 0 || Contains(c.group, c.select_exprs[i])) continue;
        if (KeyGrouped(s.col.table) || c.group.empty()) {
          c.group.push_back(c.select_exprs[i]);
        } else {
          c.select[i] = "min(" + c.select_exprs[i] + ") AS " + ColumnName(s.col);
        }
      }
    }
    for (const OrderItem& it : plan_.order_by) {
      std::string e = Expr(it.agg, it.col, TimePart::kNone);
      if (aggregated && it.agg == Agg::kNone && !Contains(c.group, e)) {
        bool bucketed = plan_.group_part != TimePart::kNone &&
                        std::find(plan_.group_by.begin(), plan_.group_by.end(), it.col) != plan_.group_by.end();
        e = bucketed ? Expr(Agg::kNone, it.col, plan_.group_part) : std::string(it.desc ? "max(" : "min(") + e + ")";
      }
      c.order.push_back(e + OrderDirection(d_, it.desc));
    }
    return c;
  }

  // Whether the plan groups by a primary-key column of `table` (without a time bucket).
  bool KeyGrouped(int table) const {
    if (plan_.group_part != TimePart::kNone) return false;
    return std::any_of(plan_.group_by.begin(), plan_.group_by.end(), [&](const ColRef& g) {
      return g.table == table && g.column >= 0 && schema_.Info(g.table, g.column).is_primary_key;
    });
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

  std::string Name(std::string_view name) const { return QuoteName(d_, name); }
  std::string TableName(int table) const { return Name(schema_.TableName(table)); }
  std::string ColumnName(const ColRef& c) const { return Name(schema_.Info(c.table, c.column).name); }

  std::string FromClause() {
    std::string from = TableName(plan_.main_table);
    if (joined_.size() == 1) return from;
    from += " AS " + alias_[plan_.main_table];
    for (size_t i = 1; i < joined_.size(); ++i) {
      const FkEdge& e = join_edges_[i - 1];
      int t = joined_[i];
      from += " JOIN " + TableName(t) + " AS " + alias_[t] + " ON " +
              Column(ColRef{e.from_table, e.from_column}) + " = " + Column(ColRef{e.to_table, e.to_column});
    }
    return from;
  }

  std::string Column(const ColRef& c) {
    std::string name = ColumnName(c);
    auto it = alias_.find(c.table);
    return it == alias_.end() ? name : it->second + "." + name;
  }

  ColumnType TypeOf(const ColRef& c) const {
    return c.table >= 0 && c.column >= 0 ? schema_.Info(c.table, c.column).type : ColumnType::kText;
  }

  std::string Expr(Agg agg, const ColRef& c, TimePart part) {
    std::string inner = c.column < 0 ? "*" : Column(c);
    if (part != TimePart::kNone) inner = DatePartOf(d_, PartOf(part), inner);
    if (agg == Agg::kNone) return inner;
    if (agg == Agg::kCountDistinct) return "count(DISTINCT " + inner + ")";
    const ColumnType type = TypeOf(c);
    if (agg == Agg::kCount || c.column < 0) return std::string(AggName(agg)) + "(" + inner + ")";
    // PostgreSQL has no sum/avg/min/max of booleans: count the true ones as 1.
    if (type == ColumnType::kBoolean && d_ != SqlDialect::kSqlite) inner = "CAST(" + inner + " AS INTEGER)";
    if (agg == Agg::kAvg) {
      return AverageOf(d_, inner, type == ColumnType::kInteger || type == ColumnType::kBoolean);
    }
    return std::string(AggName(agg)) + "(" + inner + ")";
  }

  std::string Conditions(const std::vector<Condition>& conds) {
    std::string out;
    for (size_t i = 0; i < conds.size(); ++i) {
      if (i > 0) out += conds[i].or_with_previous ? " OR " : " AND ";
      out += OneCondition(conds[i]);
    }
    return out;
  }

  std::string Op(CmpOp op) const {
    if (op == CmpOp::kLike || op == CmpOp::kNotLike) return std::string(CaseInsensitiveLike(d_, op == CmpOp::kNotLike));
    return OpText(op);
  }

  // A planner literal as this dialect compares it with `c`'s column (SQLite: as written).
  std::string Literal(const Condition& c, const std::string& v) const {
    if (d_ == SqlDialect::kSqlite || c.col.column < 0) return v;
    if (c.part != TimePart::kNone) {
      std::optional<int> n = DigitsValue(v);
      return n ? DatePartValue(d_, PartOf(c.part), *n) : v;
    }
    const ColumnType type = TypeOf(c.col);
    if (type == ColumnType::kBoolean) {
      std::string t = ToLower(v.size() >= 2 && v.front() == '\'' ? v.substr(1, v.size() - 2) : v);
      if (t == "1" || t == "true" || t == "t" || t == "yes") return BooleanLiteral(d_, true);
      if (t == "0" || t == "false" || t == "f" || t == "no") return BooleanLiteral(d_, false);
    }
    // SQLite compares a number with a TEXT column as text; PostgreSQL refuses text = integer.
    if (type == ColumnType::kText && IsNumberLiteral(v)) return SqlString(v);
    return v;
  }

  std::string OneCondition(const Condition& c) {
    std::string lhs = Expr(Agg::kNone, c.col, c.part);
    if ((c.op == CmpOp::kNotIn || c.op == CmpOp::kIn) && c.subquery != nullptr) {
      return lhs + " " + Op(c.op) + " (" + WriteSql(*c.subquery, schema_, d_) + ")";
    }
    if (c.op == CmpOp::kNotIn || c.op == CmpOp::kIn) {
      // The subquery's table is written without an alias of its own; qualify only the outer side.
      std::string sub = "SELECT " + ColumnName(c.sub_col) + " FROM " + TableName(c.sub_col.table);
      if (!c.sub_where.empty()) {
        std::vector<std::string> parts;
        for (const Condition& w : c.sub_where) {
          std::string l = ColumnName(w.col);
          if (w.part == TimePart::kYear) l = DatePartOf(d_, DatePart::kYear, l);
          parts.push_back(l + " " + Op(w.op) + " " + Literal(w, w.values[0]));
        }
        sub += " WHERE " + Join(parts, " AND ");
      }
      return lhs + " " + Op(c.op) + " (" + sub + ")";
    }
    if (c.above_average) {
      std::string col = ColumnName(c.col);
      std::string agg = c.sub_agg == Agg::kAvg ? AverageOf(d_, col, TypeOf(c.col) == ColumnType::kInteger)
                                               : std::string(AggName(c.sub_agg)) + "(" + col + ")";
      return lhs + " " + Op(c.op) + " (SELECT " + agg + " FROM " + TableName(c.col.table) + ")";
    }
    if (c.op == CmpOp::kBetween && c.values.size() == 2) {
      return lhs + " BETWEEN " + Literal(c, c.values[0]) + " AND " + Literal(c, c.values[1]);
    }
    return lhs + " " + Op(c.op) + " " + (c.values.empty() ? "NULL" : Literal(c, c.values[0]));
  }

  const QueryPlan& plan_;
  const SchemaIndex& schema_;
  const SqlDialect d_;
  std::vector<int> joined_;
  std::vector<FkEdge> join_edges_;
  std::map<int, std::string> alias_;
};

}  // namespace

std::string SqlString(std::string_view text) { return QuoteLiteral(text); }

std::string SqlNumber(double value) {
  if (std::fabs(value - std::round(value)) < 1e-9 && std::fabs(value) < 1e15) {
    return std::to_string(static_cast<long long>(std::llround(value)));
  }
  char buf[64];
  std::snprintf(buf, sizeof(buf), "%.15g", value);
  return buf;
}

std::string WriteSql(const QueryPlan& plan, const SchemaIndex& schema, SqlDialect dialect) {
  if (plan.main_table < 0 || plan.select.empty()) return "";
  return Writer(plan, schema, dialect).Write();
}

}  // namespace da
