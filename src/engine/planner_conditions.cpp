// Planner: conditions on numbers, dates, stored values and quoted text; negated tables; averages.

#include "engine/planner_internal.h"

#include <optional>
#include <string>
#include <utility>

#include "engine/sql_writer.h"

namespace da::planner_internal {

std::optional<size_t> Planner::ComparatorBefore(size_t at, CmpOp* op, const Ref** between) const {
  // Look back up to four tokens for a comparison phrase ending right before the literal; one
  // column may sit between them ("above age 20", "a greater weight than 10").
  *between = nullptr;
  for (size_t back = 1; back <= 5 && back <= at; ++back) {
    size_t i = at - back;
    const std::string& w = W(i);
    if (q_.token_literal[i] >= 0) break;  // another value's comparison
    if (const Ref* r = RefAt(i); r != nullptr && !r->is_table() && *between == nullptr && r->last == i) {
      *between = r;
      back += r->last - r->first;
      continue;
    }
    if (w == "than" && i > 0) {
      size_t pi = i - 1;
      if (const Ref* r = RefAt(pi); r != nullptr && !r->is_table() && *between == nullptr && r->first > 0) {
        *between = r;  // "more cylinders than 4"
        pi = r->first - 1;
      }
      const std::string& p = W(pi);
      i = pi + 1;
      bool no = i > 1 && IsWord(i - 2, {"no", "not"});
      if (In(p, {"more", "greater", "larger", "bigger", "higher", "older", "longer", "heavier", "taller", "later"})) {
        *op = no ? CmpOp::kLe : CmpOp::kGt;
        return i - (no ? 2 : 1);
      }
      if (In(p, {"less", "fewer", "smaller", "lower", "younger", "shorter", "lighter", "earlier", "cheaper"})) {
        *op = no ? CmpOp::kGe : CmpOp::kLt;
        return i - (no ? 2 : 1);
      }
    }
    if (w == "least" && i > 0 && W(i - 1) == "at") return *op = CmpOp::kGe, i - 1;
    if (w == "most" && i > 0 && W(i - 1) == "at") return *op = CmpOp::kLe, i - 1;
    if (In(w, {"over", "above", "exceeding", "exceeds", "exceed", "after", "beyond"})) return *op = CmpOp::kGt, i;
    if (In(w, {"under", "below", "before"})) return *op = CmpOp::kLt, i;
    if (w == "since") return *op = CmpOp::kGe, i;
    if (In(w, {"equal", "equals"})) return *op = CmpOp::kEq, i;
    if (!IsStop(i) && !In(w, {"to"})) break;
  }
  return std::nullopt;
}

void Planner::AddCondition(Condition c, size_t at) { conditions_.push_back({at, std::move(c)}); }

void Planner::BuildLiteralConditions() {
  for (size_t li = 0; li < q_.literals.size(); ++li) {
    const Literal& lit = q_.literals[li];
    if (lit.kind == Literal::Kind::kString) continue;
    if (q_.token_mention[lit.first_token] >= 0 || used_[lit.first_token]) continue;
    if (lit.first_token > 0 && IsWord(lit.first_token - 1, {"top", "first"})) continue;
    if (lit.ordinal || lit.kind == Literal::Kind::kMonth || lit.kind == Literal::Kind::kQuarter) continue;
    CmpOp op = CmpOp::kEq;
    const Ref* between = nullptr;
    std::optional<size_t> cmp_at = ComparatorBefore(lit.first_token, &op, &between);
    if (!cmp_at) between = nullptr;
    size_t after = lit.last_token + 1;
    if (IsWord(after, {"or"}) && IsWord(after + 1, {"more", "greater", "higher", "above", "over", "later", "after"})) {
      op = CmpOp::kGe, cmp_at = lit.first_token, Use(after), Use(after + 1);
      after += 2;  // "2 or more likes": what is counted follows
    } else if (IsWord(after, {"or"}) && IsWord(after + 1, {"less", "fewer", "lower", "below", "under", "earlier", "before"})) {
      op = CmpOp::kLe, cmp_at = lit.first_token, Use(after), Use(after + 1);
      after += 2;
    }
    // "between A and B"
    std::optional<Literal> upper;
    if (lit.first_token > 0 && W(lit.first_token - 1) == "between" && W(after) == "and" && li + 1 < q_.literals.size() &&
        q_.literals[li + 1].first_token == after + 1) {
      upper = q_.literals[li + 1];
      op = CmpOp::kBetween;
      cmp_at = lit.first_token - 1;
      Use(after);
      ++li;
    }
    if (lit.weak && !cmp_at) continue;
    size_t start = cmp_at ? *cmp_at : lit.first_token;
    // A table or another table's column right after the number: count those rows.
    const Ref* next = NextRef(upper ? upper->last_token + 1 : after, 0);
    if (cmp_at && next != nullptr && (next->is_table() || (next->table != plan_.main_table && false))) {
      for (size_t k = start; k <= lit.last_token; ++k) Use(k);
      used_mentions_.insert(next->mention);
      for (size_t k = next->first; k <= next->last; ++k) Use(k);
      HavingClause h{Agg::kCount, ColRef{next->table, -1}, op == CmpOp::kBetween ? CmpOp::kGe : op,
                     SqlNumber(lit.value)};
      if (next->table != plan_.main_table) extra_join_ = next->table;
      if (plan_.group_by.empty()) {
        ColRef g;
        for (const SelectItem& s : plan_.select) {
          if (s.agg == Agg::kNone && s.col.column >= 0 && g.table < 0) g = s.col;
        }
        if (g.table >= 0 && g.table != next->table) {
          const ColumnInfo& ci = s_.Info(g.table, g.column);
          if (!ci.is_primary_key) g = EntityKey(g.table);
        }
        if (g.table < 0) g = EntityKey(plan_.main_table);
        plan_.group_by.push_back(g);
      }
      h.col = ColRef{-1, -1};
      plan_.having.push_back(h);
      continue;
    }
    // The column compared: a measure named right after a bare number ("two beds"), else the
    // nearest column named before the comparison, else after.
    const Ref* target = between;
    if (target == nullptr && !cmp_at && next != nullptr && !next->is_table() && s_.Column(next->table, next->column).numeric) target = next;
    for (size_t k = start; target == nullptr && k-- > 0 && start - k <= 6;) {
      // A column followed by its own value ("store 20 in 2012") does not own the next one.
      if (q_.token_literal[k] >= 0 && q_.token_literal[k] != static_cast<int>(li)) break;
      const Ref* r = RefAt(k);
      if (r == nullptr) continue;
      if (!r->is_table()) {
        const ColumnEntry& ce = s_.Column(r->table, r->column);
        if ((ce.numeric || ce.temporal || ce.year_like || !ce.text) && CanHold(ColRef{r->table, r->column}, lit)) target = r;
      } else if (cmp_at && MeasureOf(r->table)) {
        target = r;  // "sales above 3 million": the table's measure
      }
      break;
    }
    if (target == nullptr && next != nullptr && !next->is_table()) {
      const ColumnEntry& ce = s_.Column(next->table, next->column);
      if (ce.numeric || ce.temporal || ce.year_like) target = next;
    }
    if (target == nullptr && cmp_at) {
      // A comparative adjective names the measure ("older than 30").
      size_t adj = *cmp_at;
      if (std::optional<ColRef> c = RelatedColumn(adj, plan_.main_table)) {
        ColRef col = *c;
        Condition cond;
        cond.col = col;
        cond.op = op;
        cond.values.push_back(SqlNumber(lit.value));
        cond.display_value = SqlNumber(lit.value);
        for (size_t k = start; k <= lit.last_token; ++k) Use(k);
        AddCondition(cond, start);
        continue;
      }
    }
    ColRef col;
    TimePart part = TimePart::kNone;
    if (target != nullptr) {
      col = target->is_table() ? *MeasureOf(target->table) : ColRef{target->table, target->column};
      used_mentions_.insert(target->mention);
      for (size_t k = target->first; k <= target->last; ++k) Use(k);
    } else if (lit.kind == Literal::Kind::kYear || lit.kind == Literal::Kind::kDate) {
      // A year with no column named: the main table's year column, else its date column.
      for (int pass = 0; pass < 2 && col.table < 0; ++pass) {
        for (const ColumnEntry& ce : s_.columns()) {
          if (ce.table != plan_.main_table) continue;
          if ((pass == 0 && ce.year_like) || (pass == 1 && ce.temporal)) {
            col = ColRef{ce.table, ce.column};
            break;
          }
        }
      }
    }
    if (col.table < 0) continue;  // left unexplained: lowers confidence
    const ColumnEntry& ce = s_.Column(col.table, col.column);
    if (!cmp_at && target == nullptr && lit.kind == Literal::Kind::kNumber) continue;
    Condition c;
    c.col = col;
    c.op = op;
    auto render = [&](const Literal& l) -> std::string {
      if (l.kind == Literal::Kind::kDate) return SqlString(l.text);
      if (ce.temporal && l.kind == Literal::Kind::kYear) return SqlString(std::to_string(static_cast<int>(l.value)));
      if (ce.text) return SqlString(SqlNumber(l.value));
      return SqlNumber(l.value);
    };
    if (ce.temporal && lit.kind == Literal::Kind::kYear) part = TimePart::kYear;
    c.part = part;
    c.values.push_back(render(lit));
    c.display_value = lit.kind == Literal::Kind::kDate ? lit.text : SqlNumber(lit.value);
    if (upper) {
      c.values.push_back(render(*upper));
      c.display_value += " and " + SqlNumber(upper->value);
    }
    for (size_t k = start; k <= lit.last_token; ++k) Use(k);
    if (upper) Use(upper->first_token), Use(upper->last_token);
    if (start > 0 && IsWord(start - 1, {"in", "of", "during", "is", "was", "are", "equal"})) Use(start - 1);
    // "a height of over 5000 or a prominence of over 1000": alternatives.
    size_t from = std::min(start, target != nullptr ? target->first : start);
    for (size_t back = 1; back <= 3 && back <= from; ++back) {
      size_t k = from - back;
      if (W(k) == "or") {
        c.or_with_previous = true;
        Use(k);
        break;
      }
      if (!IsWord(k, {"a", "an", "the", "have", "has", "with", "of"})) break;
    }
    AddCondition(c, start);
  }
}

void Planner::BuildValueConditions() {
  for (size_t mi = 0; mi < q_.mentions.size(); ++mi) {
    const Mention& m = q_.mentions[mi];
    if (m.kind == Mention::Kind::kSchema) continue;
    bool negated = false;
    for (size_t back = 1; back <= 4 && back <= m.first; ++back) {
      size_t k = m.first - back;
      if (IsNegation(W(k)) || (W(k) == "other" && W(k + 1) == "than")) {
        negated = true;
        Use(k);
        if (W(k) == "other") Use(k + 1);
        break;
      }
      if (q_.token_mention[k] >= 0 && q_.mentions[q_.token_mention[k]].kind != Mention::Kind::kSchema) break;
    }
    Condition c;
    if (m.kind == Mention::Kind::kString) {
      // Quoted text that is no stored value: a pattern on the nearest text column.
      bool starts = false, ends = false;
      for (size_t back = 1; back <= 3 && back <= m.first; ++back) {
        const std::string& w = W(m.first - back);
        if (In(w, {"starting", "start", "starts", "begin", "begins", "beginning"})) starts = true, Use(m.first - back);
        if (In(w, {"ending", "ends", "end"})) ends = true, Use(m.first - back);
        if (In(w, {"containing", "contains", "contain", "like", "include", "includes", "including", "substring", "word", "letter", "letters"})) Use(m.first - back);
      }
      const Ref* target = nullptr;
      for (size_t k = m.first; k-- > 0 && m.first - k <= 6;) {
        const Ref* r = RefAt(k);
        if (r != nullptr && !r->is_table() && s_.Column(r->table, r->column).text) {
          target = r;
          break;
        }
      }
      if (target == nullptr) {
        const Ref* r = NextRef(m.last + 1, 3);
        if (r != nullptr && !r->is_table() && s_.Column(r->table, r->column).text) target = r;
      }
      ColRef col = target ? ColRef{target->table, target->column} : EntityColumn(plan_.main_table);
      if (target) {
        used_mentions_.insert(target->mention);
        for (size_t k = target->first; k <= target->last; ++k) Use(k);
      } else {
        Doubt(0.8, "no column named for the text '" + m.text + "'");
      }
      c.col = col;
      bool named = m.first > 0 && IsWord(m.first - 1, {"named", "called", "titled", "is", "equals", "of", "as"});
      if (named && !starts && !ends) {
        c.op = negated ? CmpOp::kNe : CmpOp::kEq;
        c.values.push_back(SqlString(m.text));
        Use(m.first - 1);
      } else {
        c.op = negated ? CmpOp::kNotLike : CmpOp::kLike;
        std::string pattern = (starts ? "" : "%") + m.text + (ends ? "" : "%");
        c.values.push_back(SqlString(pattern));
      }
      c.display_value = "'" + m.text + "'";
      for (size_t k = m.first; k <= m.last; ++k) Use(k);
      AddCondition(c, m.first);
      continue;
    }
    // Choose the column holding the value: one named right before it, else one in a table in
    // play, else the most frequent holder.
    const ValueCandidate* best = nullptr;
    double best_score = -1;
    const Ref* prev = nullptr;
    for (size_t k = m.first; k-- > 0 && m.first - k <= 3;) {
      if (const Ref* r = RefAt(k)) {
        prev = r;
        break;
      }
    }
    const Ref* next = NextRef(m.last + 1, 0);
    for (const ValueCandidate& v : m.values) {
      double s = v.score;
      if (v.table == plan_.main_table) s += 0.3;
      if (!Reach(v.table)) s -= 2;
      for (const Ref* r : {prev, next}) {
        if (r == nullptr || r->is_table()) continue;
        if (r->table == v.table && r->column == v.column) s += 1.0;
      }
      if (s > best_score) best_score = s, best = &v;
    }
    if (best == nullptr) continue;
    for (const Ref* r : {prev, next}) {
      if (r != nullptr && !r->is_table() && r->table == best->table && r->column == best->column) {
        used_mentions_.insert(r->mention);
        for (size_t k = r->first; k <= r->last; ++k) Use(k);
      }
    }
    c.col = ColRef{best->table, best->column};
    c.op = negated ? CmpOp::kNe : CmpOp::kEq;
    c.values.push_back(SqlString(best->value));
    c.display_value = best->value;
    // Two values joined by "or" are alternatives.
    for (size_t back = 1; back <= 4 && back <= m.first; ++back) {
      size_t k = m.first - back;
      if (W(k) == "or") {
        c.or_with_previous = true;
        Use(k);
        break;
      }
      if (!IsStop(k) && q_.token_mention[k] < 0) break;
      if (q_.token_mention[k] >= 0 && q_.mentions[q_.token_mention[k]].kind != Mention::Kind::kSchema) break;
    }
    for (size_t k = m.first; k <= m.last; ++k) Use(k);
    if (m.first > 0 && IsWord(m.first - 1, {"in", "from", "of", "is", "named", "called", "at", "by", "on"})) Use(m.first - 1);
    AddCondition(c, m.first);
  }
}

void Planner::BuildNegatedTables() {
  for (size_t i = 0; i < n_; ++i) {
    if (!IsNegation(W(i))) continue;
    const Ref* r = NextRef(i + 1, 3);
    if (r == nullptr || !r->is_table() || r->table == plan_.main_table) continue;
    // The other table must point at the main table's key.
    const FkEdge* edge = nullptr;
    for (const FkEdge& e : s_.EdgesOf(r->table)) {
      if (e.from_table == r->table && e.to_table == plan_.main_table) edge = &e;
    }
    if (edge == nullptr) continue;
    Condition c;
    c.col = ColRef{plan_.main_table, edge->to_column};
    c.op = CmpOp::kNotIn;
    c.sub_col = ColRef{r->table, edge->from_column};
    // Value conditions after the negation on the other table's columns go into the subquery.
    for (auto it = conditions_.begin(); it != conditions_.end();) {
      if (it->first > i && it->second.col.table == r->table && it->second.op == CmpOp::kEq) {
        c.sub_where.push_back(it->second);
        it = conditions_.erase(it);
      } else {
        ++it;
      }
    }
    Use(i);
    used_mentions_.insert(r->mention);
    for (size_t k = r->first; k <= r->last; ++k) Use(k);
    AddCondition(c, i);
  }
  // "above the average X": compare with the average over the column's table.
  for (size_t i = 0; i + 1 < n_; ++i) {
    CmpOp op;
    if (In(W(i), {"above", "over", "exceeding"}) || (In(W(i), {"more", "greater", "higher", "larger"}) && W(i + 1) == "than")) op = CmpOp::kGt;
    else if (In(W(i), {"below", "under"}) || (In(W(i), {"less", "fewer", "lower", "smaller"}) && W(i + 1) == "than")) op = CmpOp::kLt;
    else continue;
    size_t j = i + 1 + (W(i + 1) == "than" ? 1 : 0);
    if (W(j) == "the") ++j;
    if (!In(W(j), {"average", "mean"})) continue;
    const Ref* after = NextRef(j + 1, 1);
    const Ref* target = (after != nullptr && !after->is_table()) ? after : nullptr;
    if (target == nullptr) {
      for (size_t k = i; k-- > 0 && i - k <= 5;) {
        const Ref* r = RefAt(k);
        if (r != nullptr && !r->is_table() && s_.Column(r->table, r->column).numeric) {
          target = r;
          break;
        }
      }
    }
    if (target == nullptr) continue;
    Condition c;
    c.col = ColRef{target->table, target->column};
    c.op = op;
    c.above_average = true;
    c.sub_agg = Agg::kAvg;
    for (size_t k = i; k <= j; ++k) Use(k);
    // "age is above the average age": the column said before the comparison is the same one.
    for (size_t k = i; k-- > 0 && i - k <= 4;) {
      const Ref* r = RefAt(k);
      if (r != nullptr && !r->is_table() && r->table == target->table && r->column == target->column) {
        used_mentions_.insert(r->mention);
        for (size_t t = r->first; t <= r->last; ++t) Use(t);
        break;
      }
    }
    used_mentions_.insert(target->mention);
    for (size_t k = target->first; k <= target->last; ++k) Use(k);
    AddCondition(c, i);
  }
}

}  // namespace da::planner_internal
