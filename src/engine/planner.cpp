// PlanQuestion: runs the Planner (Run, Finish with its confidence) and offers a close second reading.

#include "engine/planner.h"

#include <algorithm>
#include <cmath>
#include <set>
#include <string>
#include <vector>

#include "engine/lexicon.h"
#include "engine/planner_internal.h"

namespace da {
namespace planner_internal {
namespace {

// Operator words whose omission from a plan changes its result.
bool ChangesMeaning(const std::string& w) {
  return (SuperlativeDesc(w).has_value() && !In(w, {"top", "bottom"})) || IsNegation(w) ||
         In(w, {"than", "more", "less", "fewer", "greater", "larger", "bigger", "higher", "lower", "smaller",
                "over", "under", "above", "below", "between", "before", "after", "since", "exceed", "exceeds",
                "exceeding", "both", "average", "avg", "mean", "total", "sum", "ascending", "descending"});
}

}  // namespace

PlanResult Planner::Run() {
  PlanResult out;
  FindCountFrame();
  ChooseMainTable();
  if (plan_.main_table < 0) {
    out.problem = "I could not tell which table the question is about";
    return out;
  }
  ResolveMentions();
  BuildHead();
  BuildGroups();
  FindOrderRange();
  BuildSuperlatives();
  BuildLiteralConditions();
  BuildValueConditions();
  BuildNegatedTables();
  BuildOrder();
  Finish(&out);
  if (!problem_.empty()) {
    out.problem = problem_;
    return out;
  }
  if (plan_.select.empty()) {
    out.problem = "I could not tell what to show";
    return out;
  }
  out.ok = true;
  out.plan = plan_;
  out.confidence = std::clamp(confidence_, 0.0, 1.0);
  out.doubts = doubts_;
  return out;
}

void Planner::Finish(PlanResult* out) {
  // Conditions in question order.
  std::stable_sort(conditions_.begin(), conditions_.end(), [](auto& a, auto& b) { return a.first < b.first; });
  for (auto& [pos, c] : conditions_) plan_.where.push_back(c);
  if (!plan_.where.empty()) plan_.where[0].or_with_previous = false;
  // "How many budgets are above 3000": a counted measure that is also compared counts rows.
  if (count_frame_ && plan_.select.size() == 1 && plan_.select[0].agg == Agg::kNone && plan_.select[0].col.column >= 0) {
    for (const Condition& c : plan_.where) {
      if (c.col == plan_.select[0].col && c.op != CmpOp::kEq) {
        plan_.select[0] = SelectItem{Agg::kCount, ColRef{plan_.select[0].col.table, -1}};
        break;
      }
    }
  }
  // Aggregates with plain columns and no grouping: group by the plain columns.
  bool has_agg = false, has_plain = false;
  for (const SelectItem& s : plan_.select) {
    if (s.agg != Agg::kNone) has_agg = true;
    else if (s.col.column >= 0) has_plain = true;
  }
  bool count_order = false;
  for (const OrderItem& o : plan_.order_by) count_order = count_order || o.agg != Agg::kNone;
  if (count_order && has_plain && plan_.group_by.empty()) {
    for (const SelectItem& s : plan_.select) {
      if (s.agg == Agg::kNone && s.col.column >= 0) plan_.group_by.push_back(s.col);
    }
  }
  if (has_agg && has_plain && plan_.group_by.empty()) {
    for (const SelectItem& s : plan_.select) {
      if (s.agg != Agg::kNone || s.col.column < 0) continue;
      // Names repeat; the entity's key tells its rows apart ("each student's friends").
      const TableEntry& te = s_.tables()[s.col.table];
      ColRef g = s.col.column == te.name_column && te.key_column >= 0 ? ColRef{s.col.table, te.key_column} : s.col;
      if (std::find(plan_.group_by.begin(), plan_.group_by.end(), g) == plan_.group_by.end()) plan_.group_by.push_back(g);
    }
    Doubt(0.8, "grouped by the shown columns without being asked to");
  }
  // A counted table that is not the main one must be joined: count rows of the join.
  if (extra_join_ >= 0 && extra_join_ != plan_.main_table) {
    // The writer joins every table referenced; reference the counted table through its key.
    bool referenced = false;
    for (const SelectItem& s : plan_.select) referenced = referenced || s.col.table == extra_join_;
    if (!referenced) {
      for (OrderItem& o : plan_.order_by) {
        if (o.agg == Agg::kCount && o.col.column < 0) o.col = ColRef{extra_join_, -1};
      }
      for (HavingClause& h : plan_.having) {
        if (h.col.column < 0) h.col = ColRef{extra_join_, -1};
      }
    }
  }
  std::vector<SelectItem> unique;
  for (const SelectItem& s : plan_.select) {
    bool dup = false;
    for (const SelectItem& u : unique) dup = dup || (u.agg == s.agg && u.col == s.col && u.part == s.part);
    if (!dup) unique.push_back(s);
  }
  plan_.select = std::move(unique);
  NegationsAsSubqueries();
  ConjunctionsAsIntersections();
  AggregatesOverReferencedTable();
  DistinctOverManySideFilters();
  // A table named in the question and reached through the plan's columns is explained.
  std::set<int> plan_tables{plan_.main_table};
  for (const SelectItem& s : plan_.select) plan_tables.insert(s.col.table);
  for (const Condition& c : plan_.where) plan_tables.insert(c.col.table), plan_tables.insert(c.sub_col.table);
  for (const ColRef& g : plan_.group_by) plan_tables.insert(g.table);
  for (const OrderItem& o : plan_.order_by) plan_tables.insert(o.col.table);
  for (auto& [m, r] : refs_) {
    if (r.is_table() && plan_tables.count(r.table)) used_mentions_.insert(m);
  }
  // Confidence: how well every part of the question was explained.
  const Lexicon& lex = Lexicon::Get();
  for (size_t i = 0; i < n_; ++i) {
    const Token& t = q_.tokens[i];
    if (used_[i]) continue;
    int m = q_.token_mention[i];
    if (m >= 0) {
      if (used_mentions_.count(m)) continue;
      const Ref* r = RefAt(i);
      if (r != nullptr && r->is_table() && r->table == plan_.main_table) continue;
      // A named thing left out of the plan.
      if (i == q_.mentions[m].first) {
        Doubt(r != nullptr && r->is_table() ? 0.7 : 0.6, "'" + q_.mentions[m].text + "' is not used");
        out->unknown_terms.push_back(q_.mentions[m].text);
      }
      continue;
    }
    if (q_.token_literal[i] >= 0) {
      const Literal& lit = q_.literals[q_.token_literal[i]];
      if (lit.weak || lit.ordinal || lit.kind == Literal::Kind::kString) continue;
      Doubt(0.5, "the number " + t.text + " is not used");
      out->unknown_terms.push_back(t.text);
      continue;
    }
    if (t.kind != Token::Kind::kWord || lex.IsStopWord(t.lower)) continue;
    bool in_total = t.lower == "total" && i > 0 && W(i - 1) == "in";  // "how many ... in total"
    if ((ChangesMeaning(t.lower) || ChangesMeaning(t.lemma)) && !in_total) {
      // An ordering, comparison, negation or aggregate left out changes the answer: a plan
      // without it answers another question.
      Doubt(0.5, "'" + t.text + "' is not used");
      out->unplaced_words.push_back(t.text);
      continue;
    }
    if (IsOperatorWord(t.lower)) continue;
    if (In(t.lower, {"name", "names", "many", "much", "number", "all", "and", "or", "both", "also", "than"})) continue;
    out->unknown_terms.push_back(t.text);
    // An unknown word where the question names what to show is a missing column or measure.
    if (i < head_end_ && i > 0) out->unknown_is_noun = true;
    bool verb_like = (t.lower.size() > 4 && (t.lower.ends_with("ed") || t.lower.ends_with("ing"))) ||
                     (i > 0 && IsWord(i - 1, {"is", "are", "was", "were", "be", "been", "did", "do", "does", "has", "have",
                                               "had", "who", "that", "which", "not", "n't", "never", "to"})) ||
                     (i > 0 && RefAt(i - 1) != nullptr && RefAt(i - 1)->is_table());
    bool adverb = t.lower.ends_with("ly");
    Doubt(verb_like || adverb ? 0.8 : 0.6, "unknown word '" + t.text + "'");
    if (!verb_like && !adverb && lex.IsKnownWord(t.lower) && t.lemma != t.lower) out->unknown_is_noun = true;
  }
  // Each table joined beyond the first is a guess about how the question connects them.
  {
    // Counted along the join paths: tables only passed through are guesses too.
    std::set<int> tables;
    for (int t : plan_tables) {
      if (t < 0) continue;
      tables.insert(t);
      if (plan_.main_table >= 0) {
        for (const FkEdge& e : s_.Path(plan_.main_table, t)) {
          for (int via : {e.from_table, e.to_table}) {
            if (!IsLinkTable(via)) tables.insert(via);  // a many-to-many link is no guess
          }
        }
      }
    }
    if (tables.size() > 2) Doubt(std::pow(0.85, static_cast<double>(tables.size() - 2)), std::to_string(tables.size()) + " tables joined");
  }
  // Weak links lower confidence.
  for (int m : used_mentions_) {
    auto it = refs_.find(m);
    if (it != refs_.end() && it->second.score < 1.0) {
      Doubt(0.5 + 0.5 * it->second.score, "'" + q_.mentions[m].text + "' matches a name loosely");
    }
  }
}

}  // namespace planner_internal

PlanResult PlanQuestion(const LinkedQuestion& question, const SchemaIndex& schema) {
  planner_internal::Planner first(question, schema, -1, -1);
  PlanResult result = first.Run();
  if (result.ok && first.ambiguous_mention() >= 0) {
    planner_internal::Planner other(question, schema, first.ambiguous_mention(), first.ambiguous_choice());
    PlanResult alt = other.Run();
    if (alt.ok) {
      result.alternatives.push_back(alt.plan);
      result.confidence *= 0.85;
      result.doubts.push_back("another reading is close (x0.85)");
    }
  }
  return result;
}

}  // namespace da
