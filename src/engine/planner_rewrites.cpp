// Planner: rewrites of a built plan (NOT IN, INTERSECT, aggregates over a referenced table, DISTINCT).

#include "engine/planner_internal.h"

#include <algorithm>
#include <cstdlib>
#include <memory>
#include <utility>
#include <vector>

namespace da::planner_internal {

void Planner::NegationsAsSubqueries() {
  // "students who do not have a cat" excludes the students having one; it is not "students
  // with some pet other than a cat".
  for (Condition& c : plan_.where) {
    if (c.op != CmpOp::kNe && c.op != CmpOp::kNotLike) continue;
    if (c.col.table < 0 || c.col.table == plan_.main_table) continue;
    ColRef key = EntityKey(plan_.main_table);
    auto sub = std::make_shared<QueryPlan>();
    sub->main_table = plan_.main_table;
    sub->select.push_back(SelectItem{Agg::kNone, key});
    Condition inner = c;
    inner.op = c.op == CmpOp::kNe ? CmpOp::kEq : CmpOp::kLike;
    inner.or_with_previous = false;
    sub->where.push_back(std::move(inner));
    Condition outer;
    outer.col = key;
    outer.op = CmpOp::kNotIn;
    outer.subquery = std::move(sub);
    outer.or_with_previous = c.or_with_previous;
    c = std::move(outer);
  }
}

void Planner::AggregatesOverReferencedTable() {
  // "the average grade of students who have friends": averaging over the join would count a
  // student once per friend. Aggregate the referenced table's rows, filtered by existence.
  if (!plan_.group_by.empty() || !plan_.order_by.empty() || plan_.set_op != SetOp::kNone) return;
  int target = -1;
  for (const SelectItem& item : plan_.select) {
    if (item.agg != Agg::kSum && item.agg != Agg::kAvg) return;
    if (item.col.table == plan_.main_table || (target >= 0 && item.col.table != target)) return;
    target = item.col.table;
  }
  if (target < 0) return;
  std::vector<const FkEdge*> links;
  for (const FkEdge& e : s_.EdgesOf(plan_.main_table)) {
    if (e.from_table == plan_.main_table && e.to_table == target) links.push_back(&e);
  }
  if (links.empty()) return;
  if (links.size() > 1) Doubt(0.6, "two keys link the tables");  // which one is meant is a guess
  auto sub = std::make_shared<QueryPlan>();
  sub->main_table = plan_.main_table;
  sub->select.push_back(SelectItem{Agg::kNone, ColRef{plan_.main_table, links[0]->from_column}});
  std::vector<Condition> kept;
  for (Condition& c : plan_.where) {
    if (c.col.table == target && c.subquery == nullptr) kept.push_back(c);
    else sub->where.push_back(c);
  }
  Condition exists;
  exists.col = ColRef{target, links[0]->to_column};
  exists.op = CmpOp::kIn;
  exists.subquery = std::move(sub);
  kept.push_back(std::move(exists));
  plan_.where = std::move(kept);
  plan_.main_table = target;
}

// True when no value satisfies both numeric range conditions ("> 40" and "< 30").
bool Planner::Disjoint(const Condition& a, const Condition& b) {
  auto bound = [](const Condition& c, double* v) {
    if (c.values.size() != 1) return false;
    char* end = nullptr;
    *v = std::strtod(c.values[0].c_str(), &end);
    return end != c.values[0].c_str() && *end == '\0';
  };
  double va, vb;
  if (!bound(a, &va) || !bound(b, &vb)) return false;
  auto lower = [](CmpOp op) { return op == CmpOp::kGt || op == CmpOp::kGe; };
  auto upper = [](CmpOp op) { return op == CmpOp::kLt || op == CmpOp::kLe; };
  if (lower(a.op) && upper(b.op)) return va >= vb;
  if (upper(a.op) && lower(b.op)) return vb >= va;
  return false;
}

void Planner::DistinctOverManySideFilters() {
  // "first names of students who have a cat or a dog": the join to pets repeats a student for
  // each alternative matched; each shown row is wanted once.
  if (plan_.distinct || !plan_.group_by.empty() || plan_.set_op != SetOp::kNone || plan_.limit > 0) return;
  if (std::none_of(plan_.where.begin(), plan_.where.end(), [](const Condition& c) { return c.or_with_previous; })) return;
  int shown = -1;
  for (const SelectItem& item : plan_.select) {
    if (item.agg != Agg::kNone || item.col.column < 0 || (shown >= 0 && item.col.table != shown)) return;
    shown = item.col.table;
  }
  if (shown < 0) return;
  for (const Condition& c : plan_.where) {
    if (c.col.table < 0 || c.col.table == shown || c.subquery != nullptr) continue;
    std::vector<FkEdge> path = s_.Path(shown, c.col.table);
    if (!path.empty() && path[0].to_table == shown) {
      plan_.distinct = true;
      return;
    }
  }
}

void Planner::ConjunctionsAsIntersections() {
  // Two values of one column joined by "and": one row cannot hold both, so either the values
  // are alternatives ("singers from France and Spain") or the shown entity must be related to
  // rows holding each ("countries that speak English and Dutch": INTERSECT).
  bool both = false;
  for (size_t i = 0; i < n_; ++i) both = both || (W(i) == "both" && !used_[i]);
  for (size_t i = 1; i < plan_.where.size(); ++i) {
    Condition& a = plan_.where[i - 1];
    Condition& b = plan_.where[i];
    if (!(a.col == b.col) || a.part != b.part || b.or_with_previous) continue;
    const bool equalities = a.op == CmpOp::kEq && b.op == CmpOp::kEq;
    if (!equalities && !Disjoint(a, b)) continue;
    if (!equalities) {
      // "countries where a singer above 40 and a singer below 30 are from": shared values of
      // a column that does not tell rows apart; otherwise no row can match both.
      bool identifies_rows = false;
      for (const SelectItem& item : plan_.select) {
        if (item.agg != Agg::kNone || item.col.column < 0) continue;
        const TableEntry& te = s_.tables()[item.col.table];
        identifies_rows = identifies_rows || item.col.column == te.name_column ||
                          s_.Info(item.col.table, item.col.column).is_primary_key;
      }
      if (identifies_rows || plan_.select.empty() || plan_.select[0].agg != Agg::kNone) {
        Doubt(0.5, "two ranges of one column that no row can satisfy together");
        return;
      }
    }
    bool shows_references = !plan_.select.empty();
    for (const SelectItem& item : plan_.select) {
      shows_references = shows_references && item.agg == Agg::kNone && item.col.table == plan_.main_table &&
                         item.col.column >= 0 && s_.Column(item.col.table, item.col.column).key &&
                         !s_.Info(item.col.table, item.col.column).is_primary_key;
    }
    if (equalities && !both && a.col.table == plan_.main_table && !shows_references) {
      b.or_with_previous = true;
      continue;
    }
    bool counting = plan_.select.size() == 1 && plan_.select[0].agg == Agg::kCount && plan_.select[0].col.column < 0;
    if (!plan_.group_by.empty() || !plan_.having.empty() || !plan_.order_by.empty() || plan_.limit > 0 ||
        plan_.where.size() > 2 || (!counting && std::any_of(plan_.select.begin(), plan_.select.end(),
                                                             [](const SelectItem& s) { return s.agg != Agg::kNone; }))) {
      Doubt(0.5, "an intersection inside a larger query");  // beyond this engine
      return;
    }
    QueryPlan lhs = plan_, rhs = plan_;
    lhs.where.erase(lhs.where.begin() + static_cast<long>(i));
    rhs.where.erase(rhs.where.begin() + static_cast<long>(i - 1));
    rhs.where[0].or_with_previous = false;
    if (counting) lhs.select = rhs.select = {SelectItem{Agg::kNone, EntityKey(plan_.main_table)}};
    lhs.distinct = rhs.distinct = false;
    lhs.set_op = SetOp::kIntersect;
    lhs.set_rhs = std::make_shared<QueryPlan>(std::move(rhs));
    lhs.count_set = counting;
    plan_ = std::move(lhs);
    for (size_t k = 0; k < n_; ++k) {
      if (W(k) == "both") Use(k);
    }
    return;
  }
}

}  // namespace da::planner_internal
