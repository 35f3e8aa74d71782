// Private to the planner (planner_*.cpp): the Planner class that builds one QueryPlan from a
// linked question, and the word tests its parts share. Not for use outside src/engine/planner*.
#pragma once

#include <cstdio>
#include <initializer_list>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <utility>
#include <vector>

#include "engine/lexicon.h"
#include "engine/linker.h"
#include "engine/planner.h"
#include "engine/query_plan.h"
#include "engine/schema_index.h"

namespace da::planner_internal {

inline bool In(const std::string& w, std::initializer_list<const char*> set) {
  for (const char* s : set) {
    if (w == s) return true;
  }
  return false;
}

// Superlative and extreme words: which way they order.
inline std::optional<bool> SuperlativeDesc(const std::string& w) {
  if (In(w, {"most", "highest", "largest", "biggest", "greatest", "maximum", "max", "top", "oldest", "last",
             "latest", "newest", "longest", "heaviest", "tallest", "richest", "best", "maximal"})) {
    return true;
  }
  if (In(w, {"least", "fewest", "lowest", "smallest", "minimum", "min", "youngest", "earliest",
             "shortest", "lightest", "cheapest", "poorest", "worst", "minimal", "bottom"})) {
    return false;
  }
  return std::nullopt;
}

inline bool IsNegation(const std::string& w) {
  return In(w, {"not", "n't", "never", "without", "no", "none", "neither", "nor", "except", "excluding"});
}

inline bool IsSortWord(const std::string& w) {
  return In(w, {"sorted", "sort", "ordered", "order", "arranged", "ranked", "rank", "sorting", "ordering"});
}

struct Ref {
  int mention = -1;
  int table = -1;
  int column = -1;  // -1: the table
  double score = 0;
  size_t first = 0, last = 0;
  bool is_table() const { return column < 0; }
};

// Builds the plan of one question. Run() takes the steps in order, each placing the tokens it
// explains (Use) so that Finish can doubt the rest: main table and mentions (planner_mentions.cpp),
// head and counting (planner_head.cpp), groups, superlatives and order (planner_groups_order.cpp),
// conditions (planner_conditions.cpp), then Finish (planner.cpp) with the rewrites
// (planner_rewrites.cpp). One Planner per reading: PlanQuestion runs a second to try another
// candidate for the first ambiguous mention.
class Planner {
 public:
  Planner(const LinkedQuestion& q, const SchemaIndex& s, int override_mention, int override_choice)
      : q_(q), s_(s), n_(q.tokens.size()), override_mention_(override_mention), override_choice_(override_choice) {
    used_.assign(n_, false);
  }

  PlanResult Run();
  int ambiguous_mention() const { return ambiguous_mention_; }
  int ambiguous_choice() const { return ambiguous_choice_; }

 private:
  const std::string& W(size_t i) const {
    static const std::string kEmpty;
    return i < n_ ? q_.tokens[i].lower : kEmpty;
  }
  bool IsWord(size_t i, std::initializer_list<const char*> set) const { return i < n_ && In(W(i), set); }
  void Use(size_t i) {
    if (i < n_) used_[i] = true;
  }
  bool IsStop(size_t i) const {
    return q_.tokens[i].kind != Token::Kind::kWord || Lexicon::Get().IsStopWord(W(i));
  }
  // Index of the next token at or after i that is not a stop word, or n_.
  size_t NextContent(size_t i) const {
    while (i < n_ && IsStop(i) && q_.token_mention[i] < 0) ++i;
    return i;
  }
  const Ref* RefAt(size_t i) const {
    if (i >= n_ || q_.token_mention[i] < 0) return nullptr;
    auto it = refs_.find(q_.token_mention[i]);
    return it == refs_.end() ? nullptr : &it->second;
  }
  const Ref* NextRef(size_t i, size_t max_skip) const {
    for (size_t k = i, skipped = 0; k < n_ && skipped <= max_skip; ++k) {
      if (const Ref* r = RefAt(k)) return r;
      if (q_.tokens[k].kind == Token::Kind::kPunct) return nullptr;
      if (!IsStop(k)) ++skipped;
    }
    return nullptr;
  }

  void ChooseMainTable();
  void ResolveMentions();
  // The table a column mention belongs to by the phrase after it ("name ... of all concerts").
  int OwnerTable(const Mention& m) const;
  size_t FindCountFrame();
  void BuildHead();
  void BuildGroups();
  void FindOrderRange();
  void BuildSuperlatives();
  void BuildLiteralConditions();
  void BuildValueConditions();
  void BuildNegatedTables();
  void BuildOrder();
  bool OrderByRelatedColumn(size_t i, int table, bool desc, int k);
  std::optional<ColRef> RelatedColumn(size_t i, int table) const;
  void Finish(PlanResult* out);
  void NegationsAsSubqueries();
  void ConjunctionsAsIntersections();
  static bool Disjoint(const Condition& a, const Condition& b);
  void AggregatesOverReferencedTable();
  void DistinctOverManySideFilters();

  ColRef EntityColumn(int table) const {
    const TableEntry& te = s_.tables()[table];
    if (te.name_column >= 0) return {table, te.name_column};
    if (te.key_column >= 0) return {table, te.key_column};
    return {table, 0};
  }
  ColRef EntityKey(int table) const {
    const TableEntry& te = s_.tables()[table];
    if (te.key_column >= 0) return {table, te.key_column};
    return EntityColumn(table);
  }
  static bool IsKeyWord(const std::string& w) {
    return In(w, {"id", "ids", "code", "codes", "number", "numbers", "no", "key", "keys", "identifier", "identifiers",
                  "index"});
  }
  bool NameHasKeyWord(const ColRef& c) const;
  // A table that links two or more others and holds little else (singer_in_concert).
  bool IsLinkTable(int table) const;
  // "total"/"sum" -> kSum, "average"/"mean" -> kAvg at token i; kNone otherwise.
  Agg AggregateWord(size_t i) const {
    if (IsWord(i, {"total", "sum"})) return Agg::kSum;
    if (IsWord(i, {"average", "avg", "mean"})) return Agg::kAvg;
    return Agg::kNone;
  }
  // The measure a table is named for ("sales" -> weekly_sales): its one numeric non-key column
  // whose name repeats a word of the table's name, else its only numeric non-key column.
  std::optional<ColRef> MeasureOf(int table) const;
  // False when `lit` is a year and the column is no time column while its table has one
  // ("total weekly sales in 2010"), or its stored range excludes the year ("by month in 2010").
  bool CanHold(const ColRef& col, const Literal& lit) const;
  void TotalsAsSums();
  bool TimeAdjectiveGroup(size_t i);
  // The table's only DATE/TIMESTAMP column, else its only year-like column; none if several.
  std::optional<ColRef> TemporalColumn(int table) const;
  // A numeric column named, or the measure of a table named.
  std::optional<ColRef> MeasureRef(const Ref& r) const;
  // True when the mention's own words include an identifier word ("id", "code", "number").
  bool MentionNamesKey(const Ref& r) const;
  // True when token i ends a value mention that can be a value of `col`.
  bool HoldsValueOf(size_t i, const ColRef& col) const;
  bool Reach(int table) const { return plan_.main_table < 0 || s_.Reachable(plan_.main_table, table); }
  // Lowers confidence by `factor` and says why.
  void Doubt(double factor, std::string why) {
    confidence_ *= factor;
    char f[16];
    std::snprintf(f, sizeof(f), " (x%.2f)", factor);
    doubts_.push_back(std::move(why) + f);
  }
  std::optional<size_t> ComparatorBefore(size_t lit_first, CmpOp* op, const Ref** between) const;
  void AddCondition(Condition c, size_t at);

  const LinkedQuestion& q_;
  const SchemaIndex& s_;
  const size_t n_;
  const int override_mention_, override_choice_;
  int ambiguous_mention_ = -1, ambiguous_choice_ = -1;
  std::vector<bool> used_;
  std::map<int, Ref> refs_;           // mention index -> resolved schema reference
  std::set<int> used_mentions_;
  QueryPlan plan_;
  double confidence_ = 1.0;
  std::vector<std::string> doubts_;
  size_t head_end_ = 0;
  bool count_frame_ = false;
  size_t count_noun_ = std::string::npos;  // token index of the counted noun
  int counted_table_ = -1;
  int extra_join_ = -1;  // a table counted (superlative/having) that must be joined
  std::string problem_;
  std::optional<bool> range_desc_;  // "from highest to lowest": the sort direction
  std::vector<std::pair<size_t, Condition>> conditions_;  // with their token position
};

}  // namespace da::planner_internal
