#include "engine/restatement.h"

#include <cctype>

#include "common/strings.h"

namespace da {
namespace {

std::string AggWord(Agg a) {
  switch (a) {
    case Agg::kCount: return "number of";
    case Agg::kCountDistinct: return "number of different";
    case Agg::kSum: return "total";
    case Agg::kAvg: return "average";
    case Agg::kMin: return "minimum";
    case Agg::kMax: return "maximum";
    case Agg::kNone: return "";
  }
  return "";
}

std::string OpWords(CmpOp op) {
  switch (op) {
    case CmpOp::kEq: return "is";
    case CmpOp::kNe: return "is not";
    case CmpOp::kLt: return "is less than";
    case CmpOp::kGt: return "is greater than";
    case CmpOp::kLe: return "is at most";
    case CmpOp::kGe: return "is at least";
    case CmpOp::kBetween: return "is between";
    case CmpOp::kLike: return "contains";
    case CmpOp::kNotLike: return "does not contain";
    case CmpOp::kIn: return "is among";
    case CmpOp::kNotIn: return "is not among";
  }
  return "is";
}

std::string HavingWords(CmpOp op) {
  switch (op) {
    case CmpOp::kGt: return "more than";
    case CmpOp::kLt: return "fewer than";
    case CmpOp::kGe: return "at least";
    case CmpOp::kLe: return "at most";
    case CmpOp::kNe: return "other than";
    default: return "exactly";
  }
}

class Restater {
 public:
  Restater(const QueryPlan& p, const SchemaIndex& s) : p_(p), s_(s) {}

  // " where A is x and B is y", or "" without conditions.
  std::string WherePhrase() const {
    std::string out;
    for (size_t i = 0; i < p_.where.size(); ++i) {
      const Condition& c = p_.where[i];
      out += i == 0 ? " where " : (c.or_with_previous ? " or " : " and ");
      if ((c.op == CmpOp::kNotIn || c.op == CmpOp::kIn) && c.subquery != nullptr) {
        // "there is no pet where pet type is cat"
        const QueryPlan& sub = *c.subquery;
        int shown = sub.where.empty() ? sub.main_table : sub.where[0].col.table;
        out += std::string(c.op == CmpOp::kNotIn ? "there is no " : "there is a ") + s_.TablePhrase(shown, false) +
               Restater(sub, s_).WherePhrase();
        continue;
      }
      if (c.op == CmpOp::kNotIn || c.op == CmpOp::kIn) {
        out += std::string(c.op == CmpOp::kNotIn ? "there is no " : "there is a ") +
               s_.TablePhrase(c.sub_col.table, false);
        for (const Condition& w : c.sub_where) {
          out += " with " + s_.ColumnPhrase(w.col.table, w.col.column) + " " + OpWords(w.op) + " " + w.display_value;
        }
        continue;
      }
      out += Item(Agg::kNone, c.col, c.part) + " " + OpWords(c.op) + " ";
      if (c.above_average) {
        out += "the " + AggWord(c.sub_agg) + " " + s_.ColumnPhrase(c.col.table, c.col.column);
      } else {
        out += c.display_value;
      }
    }
    return out;
  }

  std::string Text() {
    std::string out;
    bool topk = p_.limit > 1 && !p_.order_by.empty();
    if (topk) {
      out = "Top " + std::to_string(p_.limit) + " " + Entity(true) + " by " + OrderPhrase();
      if (!OnlyEntityName()) out += ": " + SelectPhrase();
    } else {
      out = SelectPhrase();
      if (!Counting() && !OnlyOtherTable()) out += " of " + Entity(true);
    }
    if (!p_.group_by.empty()) out += " per " + GroupPhrase();
    out += WherePhrase();
    for (const HavingClause& h : p_.having) {
      out += " having " + HavingWords(h.op) + " " + h.value + " " +
             (h.col.column < 0 ? s_.TablePhrase(h.col.table >= 0 ? h.col.table : p_.main_table, true)
                               : AggWord(h.agg) + " " + s_.ColumnPhrase(h.col.table, h.col.column));
    }
    if (p_.limit == 1 && !p_.order_by.empty()) {
      out += ", the one with the " + std::string(p_.order_by[0].desc ? "highest " : "lowest ") + OrderPhrase();
    } else if (!topk && !p_.order_by.empty()) {
      out += ", sorted by " + OrderPhrase() + (p_.order_by[0].desc ? " descending" : "");
    }
    if (!out.empty()) out[0] = static_cast<char>(std::toupper(static_cast<unsigned char>(out[0])));
    return out;
  }

 private:
  // Only count(*) besides the group columns: "Number of singers per country".
  bool Counting() const {
    bool count = false;
    for (const SelectItem& s : p_.select) {
      bool group = false;
      for (const ColRef& g : p_.group_by) group = group || (s.agg == Agg::kNone && s.col == g);
      if (s.agg == Agg::kCount && s.col.column < 0) count = true;
      else if (!group && !(s.agg == Agg::kNone && !p_.group_by.empty() && s.col.table != p_.main_table)) return false;
    }
    return count;
  }
  bool OnlyOtherTable() const {
    for (const SelectItem& s : p_.select) {
      if (s.col.table == p_.main_table || s.col.column < 0) return false;
    }
    return true;
  }
  bool OnlyEntityName() const {
    const TableEntry& te = s_.tables()[p_.main_table];
    return p_.select.size() == 1 && p_.select[0].agg == Agg::kNone && p_.select[0].col.table == p_.main_table &&
           p_.select[0].col.column == te.name_column;
  }
  std::string Entity(bool plural) const { return s_.TablePhrase(p_.main_table, plural); }

  std::string Item(Agg agg, const ColRef& c, TimePart part) const {
    if (c.column < 0) {
      if (agg == Agg::kCount) return "number of " + s_.TablePhrase(c.table >= 0 ? c.table : p_.main_table, true);
      return "all columns";
    }
    std::string col = s_.ColumnPhrase(c.table, c.column);
    if (part == TimePart::kYear) col = "year of " + col;
    if (part == TimePart::kMonth) col = "month of " + col;
    if (c.table != p_.main_table) {
      std::string table = s_.TablePhrase(c.table, false);
      if (!col.starts_with(table + " ")) col = table + " " + col;  // "pet type", not "pet pet type"
    }
    std::string a = AggWord(agg);
    if (!a.empty() && col.starts_with(a + " ")) return col;  // "total markdown", not "total total markdown"
    return a.empty() ? col : a + " " + col;
  }

  std::string SelectPhrase() const {
    std::vector<std::string> parts;
    for (const SelectItem& s : p_.select) {
      // The group column is said by "per ...".
      bool is_group = false;
      for (const ColRef& g : p_.group_by) is_group = is_group || (g == s.col && s.agg == Agg::kNone);
      if (is_group && p_.select.size() > 1) continue;
      parts.push_back(Item(s.agg, s.col, s.part));
    }
    std::string out = p_.distinct ? "different " : "";
    if (parts.size() <= 1) return out + (parts.empty() ? "" : parts[0]);
    std::string last = parts.back();
    parts.pop_back();
    return out + Join(parts, ", ") + " and " + last;
  }

  std::string GroupPhrase() const {
    std::vector<std::string> parts;
    for (const ColRef& g : p_.group_by) {
      const TableEntry& te = s_.tables()[g.table];
      if (g.column == te.key_column || g.column == te.name_column) {
        parts.push_back(s_.TablePhrase(g.table, false));
      } else {
        parts.push_back(Item(Agg::kNone, g, p_.group_part));
      }
    }
    return Join(parts, " and ");
  }

  std::string OrderPhrase() const {
    const OrderItem& o = p_.order_by[0];
    if (o.agg == Agg::kCount && o.col.column < 0) {
      return "number of " + s_.TablePhrase(o.col.table >= 0 ? o.col.table : p_.main_table, true);
    }
    return Item(o.agg, o.col, TimePart::kNone);
  }

  const QueryPlan& p_;
  const SchemaIndex& s_;
};

}  // namespace

std::string Restate(const QueryPlan& plan, const SchemaIndex& schema) {
  if (plan.main_table < 0) return "";
  std::string text = Restater(plan, schema).Text();
  if (plan.set_op == SetOp::kNone || plan.set_rhs == nullptr) return text;
  // "Name of countries where language is English, and also where language is Dutch"
  text += plan.set_op == SetOp::kIntersect ? ", and also" : ", except those";
  text += Restater(*plan.set_rhs, schema).WherePhrase();
  return plan.count_set ? "Number of: " + text : text;
}

}  // namespace da
