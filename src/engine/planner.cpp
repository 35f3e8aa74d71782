#include "engine/planner.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <map>
#include <optional>
#include <set>
#include <unordered_set>

#include "common/strings.h"
#include "engine/lexicon.h"
#include "engine/sql_writer.h"

namespace da {
namespace {

bool In(const std::string& w, std::initializer_list<const char*> set) {
  for (const char* s : set) {
    if (w == s) return true;
  }
  return false;
}

// Superlative and extreme words: which way they order.
std::optional<bool> SuperlativeDesc(const std::string& w) {
  if (In(w, {"most", "highest", "largest", "biggest", "greatest", "maximum", "max", "top", "oldest",
             "latest", "newest", "longest", "heaviest", "tallest", "richest", "best", "maximal"})) {
    return true;
  }
  if (In(w, {"least", "fewest", "lowest", "smallest", "minimum", "min", "youngest", "earliest",
             "shortest", "lightest", "cheapest", "poorest", "worst", "minimal", "bottom"})) {
    return false;
  }
  return std::nullopt;
}

bool IsNegation(const std::string& w) {
  return In(w, {"not", "n't", "never", "without", "no", "none", "neither", "nor", "except", "excluding"});
}

// Operator words whose omission from a plan changes its result.
bool ChangesMeaning(const std::string& w) {
  return (SuperlativeDesc(w).has_value() && !In(w, {"top", "bottom"})) || IsNegation(w) ||
         In(w, {"than", "more", "less", "fewer", "greater", "larger", "bigger", "higher", "lower", "smaller",
                "over", "under", "above", "below", "between", "before", "after", "since", "exceed", "exceeds",
                "exceeding", "both", "average", "avg", "mean", "total", "sum", "ascending", "descending"});
}

bool IsSortWord(const std::string& w) {
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
  bool NameHasKeyWord(const ColRef& c) const {
    for (const std::string& w : SplitIdentifier(s_.Info(c.table, c.column).name)) {
      if (IsKeyWord(w)) return true;
    }
    return false;
  }
  // A table that links two or more others and holds little else (singer_in_concert).
  bool IsLinkTable(int table) const {
    int outgoing = 0, other = 0;
    for (const FkEdge& e : s_.EdgesOf(table)) outgoing += e.from_table == table;
    for (const ColumnEntry& ce : s_.columns()) {
      if (ce.table == table && !ce.key) ++other;
    }
    return outgoing >= 2 && other <= 2;
  }
  // "total"/"sum" -> kSum, "average"/"mean" -> kAvg at token i; kNone otherwise.
  Agg AggregateWord(size_t i) const {
    if (IsWord(i, {"total", "sum"})) return Agg::kSum;
    if (IsWord(i, {"average", "avg", "mean"})) return Agg::kAvg;
    return Agg::kNone;
  }
  // The measure a table is named for ("sales" -> weekly_sales): its one numeric non-key column
  // whose name repeats a word of the table's name, else its only numeric non-key column.
  std::optional<ColRef> MeasureOf(int table) const {
    const TableEntry& te = s_.tables()[table];
    std::vector<int> numeric, named;
    for (const ColumnEntry& ce : s_.columns()) {
      if (ce.table != table || !ce.numeric || ce.year_like || s_.Info(table, ce.column).is_primary_key) continue;
      if (NameHasKeyWord(ColRef{table, ce.column})) continue;
      numeric.push_back(ce.column);
      bool repeats = false;
      for (const NameWord& w : ce.words) {
        for (const auto* list : {&te.words, &te.expanded_words}) {
          for (const NameWord& tw : *list) repeats = repeats || w.stem == tw.stem;
        }
      }
      if (repeats) named.push_back(ce.column);
    }
    if (named.size() == 1) return ColRef{table, named[0]};
    if (numeric.size() == 1) return ColRef{table, numeric[0]};
    return std::nullopt;
  }
  // A numeric column named, or the measure of a table named.
  std::optional<ColRef> MeasureRef(const Ref& r) const {
    if (r.is_table()) return MeasureOf(r.table);
    const ColumnEntry& ce = s_.Column(r.table, r.column);
    if (ce.numeric) return ColRef{r.table, r.column};
    return std::nullopt;
  }
  // True when the mention's own words include an identifier word ("id", "code", "number").
  bool MentionNamesKey(const Ref& r) const {
    for (size_t k = r.first; k <= r.last; ++k) {
      if (IsKeyWord(W(k))) return true;
      // Written as one identifier ("student_id", "StuID").
      std::vector<std::string> parts = SplitIdentifier(q_.tokens[k].text);
      if (parts.size() > 1) return true;
    }
    return false;
  }
  // True when token i ends a value mention that can be a value of `col`.
  bool HoldsValueOf(size_t i, const ColRef& col) const {
    if (i >= n_ || q_.token_mention[i] < 0) return false;
    const Mention& m = q_.mentions[q_.token_mention[i]];
    if (m.kind != Mention::Kind::kValue || m.last != i) return false;
    return std::any_of(m.values.begin(), m.values.end(),
                       [&](const ValueCandidate& v) { return v.table == col.table && v.column == col.column; });
  }
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

void Planner::ChooseMainTable() {
  // Candidate readings before resolution: the best table reading of each mention.
  const auto& ms = q_.mentions;
  // How much of the rest of the question a table holds: its best column or value reading in
  // each other mention.
  auto support = [&](int table, const Mention* self) {
    double sum = 0;
    for (const Mention& m : ms) {
      if (&m == self) continue;
      double best = 0;
      for (const SchemaCandidate& c : m.schema) {
        if (c.table == table && c.column >= 0) best = std::max(best, c.score);
      }
      for (const ValueCandidate& v : m.values) {
        if (v.table == table) best = std::max(best, 0.5 * v.score);
      }
      sum += best;
    }
    return sum;
  };
  auto table_reading = [&](const Mention& m) -> int {
    if (m.kind != Mention::Kind::kSchema) return -1;
    double best_col = 0, best_table = 0;
    int table = -1;
    for (const SchemaCandidate& c : m.schema) {
      if (c.column < 0 && c.score > best_table) best_table = c.score, table = c.table;
      if (c.column >= 0) best_col = std::max(best_col, c.score);
    }
    if (table < 0 || best_table < best_col - 0.05) return -1;
    // Tables named alike ("cars": car_makers, car_names, cars_data): the one holding the
    // columns the question names.
    double best_support = support(table, &m);
    for (const SchemaCandidate& c : m.schema) {
      if (c.column >= 0 || c.table == table || c.score < best_table - 0.05) continue;
      double sup = support(c.table, &m);
      if (sup > best_support + 1e-9) best_support = sup, table = c.table;
    }
    return table;
  };
  // 1. The counted noun of "how many X" / "number of X".
  if (count_noun_ < q_.token_mention.size() && q_.token_mention[count_noun_] >= 0) {
    int t = table_reading(ms[q_.token_mention[count_noun_]]);
    if (t >= 0) {
      plan_.main_table = t;
      return;
    }
  }
  // 2. The first table named outside grouping phrases ("for each X").
  for (size_t m = 0; m < ms.size(); ++m) {
    int t = table_reading(ms[m]);
    if (t < 0) continue;
    size_t f = ms[m].first;
    bool grouped = (f >= 1 && IsWord(f - 1, {"each", "per", "every"})) ||
                   (f >= 2 && IsWord(f - 2, {"each", "per", "every"}));
    if (grouped && !count_frame_) continue;
    if (grouped) continue;
    plan_.main_table = t;
    return;
  }
  // 3. The table holding most of the named columns and values.
  std::map<int, double> weight;
  for (size_t m = 0; m < ms.size(); ++m) {
    std::map<int, double> best;
    for (const SchemaCandidate& c : ms[m].schema) best[c.table] = std::max(best[c.table], c.score);
    for (const ValueCandidate& v : ms[m].values) best[v.table] = std::max(best[v.table], 0.5 * v.score);
    for (auto& [t, s] : best) weight[t] += s + (m == 0 ? 0.05 : 0);
  }
  double top = 0;
  for (auto& [t, w] : weight) {
    if (w > top) top = w, plan_.main_table = t;
  }
  // 4. With one table, that table.
  if (plan_.main_table < 0 && s_.tables().size() == 1) plan_.main_table = 0;
}

int Planner::OwnerTable(const Mention& m) const {
  // "the name and theme for all concerts": a list of columns followed by "of/for <table>"
  // names that table's columns.
  for (size_t k = m.last + 1; k < n_ && k <= m.last + 10; ++k) {
    int mi = q_.token_mention[k];
    if (mi >= 0) {
      const Mention& next = q_.mentions[mi];
      if (next.kind != Mention::Kind::kSchema) return -1;
      const SchemaCandidate* best = nullptr;
      for (const SchemaCandidate& c : next.schema) {
        if (best == nullptr || c.score > best->score) best = &c;
      }
      if (best != nullptr && best->column < 0) {
        size_t before = next.first;
        while (before > 0 && IsWord(before - 1, {"all", "each", "every", "the", "a", "an"})) --before;
        return before > 0 && IsWord(before - 1, {"of", "for"}) ? best->table : -1;
      }
      k = next.last;
      continue;
    }
    if (!IsWord(k, {",", "and", "the", "its", "their", "of", "for", "all", "each", "every", "a", "an"})) return -1;
  }
  return -1;
}

void Planner::ResolveMentions() {
  std::set<int> named_tables;
  for (const Mention& m : q_.mentions) {
    for (const SchemaCandidate& c : m.schema) {
      if (c.column < 0 && c.score >= 0.9) named_tables.insert(c.table);
    }
  }
  for (size_t mi = 0; mi < q_.mentions.size(); ++mi) {
    const Mention& m = q_.mentions[mi];
    if (m.kind != Mention::Kind::kSchema || m.schema.empty()) continue;
    std::vector<std::pair<double, size_t>> ranked;
    const int owner = OwnerTable(m);
    for (size_t ci = 0; ci < m.schema.size(); ++ci) {
      const SchemaCandidate& c = m.schema[ci];
      double adj = c.score;
      if (c.table == plan_.main_table) adj += c.column < 0 ? 0.25 : 0.2;
      if (c.column >= 0 && c.table == owner) adj += 0.5;
      if (c.column >= 0 && named_tables.count(c.table)) adj += 0.12;
      if (c.column >= 0 && s_.Column(c.table, c.column).key) adj -= 0.08;
      if (!Reach(c.table)) {
        adj -= 1.0;
      } else if (plan_.main_table >= 0 && c.column >= 0) {
        adj -= 0.08 * static_cast<double>(s_.Path(plan_.main_table, c.table).size());
      }
      ranked.push_back({adj, ci});
    }
    std::stable_sort(ranked.begin(), ranked.end(), [](auto& a, auto& b) { return a.first > b.first; });
    size_t pick = ranked[0].second;
    if (ranked.size() > 1 && ranked[0].first - ranked[1].first < 0.05 && ambiguous_mention_ < 0) {
      ambiguous_mention_ = static_cast<int>(mi);
      ambiguous_choice_ = static_cast<int>(ranked[1].second);
    }
    if (static_cast<int>(mi) == override_mention_) pick = static_cast<size_t>(override_choice_);
    const SchemaCandidate& c = m.schema[pick];
    refs_[static_cast<int>(mi)] = Ref{static_cast<int>(mi), c.table, c.column, c.score, m.first, m.last};
    // "company names": the name of the table just named.
    if (m.first == m.last && m.first > 0 && In(q_.tokens[m.first].lemma, {"name", "title"})) {
      auto prev = refs_.find(q_.token_mention[m.first - 1]);
      if (q_.token_mention[m.first - 1] >= 0 && prev != refs_.end() && prev->second.is_table()) {
        ColRef e = EntityColumn(prev->second.table);
        Ref merged{static_cast<int>(mi), e.table, e.column, 1.0, prev->second.first, m.last};
        refs_[static_cast<int>(mi)] = merged;
        merged.mention = prev->first;
        prev->second = merged;
      }
    }
  }
}

size_t Planner::FindCountFrame() {
  for (size_t i = 0; i < n_; ++i) {
    size_t noun = std::string::npos;
    if (q_.token_mention[i] >= 0) continue;
    // "in descending order of the number of X", "with the most number of X": ranking, not counting.
    bool ranking = false;
    for (size_t back = 1; back <= 4 && back <= i; ++back) {
      const std::string& p = W(i - back);
      ranking = ranking || IsSortWord(p) || p == "by" || SuperlativeDesc(p).has_value() || p == "than";
    }
    if (ranking && W(i) == "number") continue;
    if (W(i) == "how" && W(i + 1) == "many") {
      noun = i + 2;
      Use(i), Use(i + 1);
    } else if (W(i) == "number" && IsWord(i + 1, {"and", ","})) {
      Use(i);
      count_frame_ = true;
      return i;
    } else if (W(i) == "number" && W(i + 1) == "of") {
      noun = i + 2;
      Use(i), Use(i + 1);
      if (i > 0 && W(i - 1) == "total") Use(i - 1);
    } else if (W(i) == "count" && i <= 1) {
      noun = i + 1;
      Use(i);
      if (W(i + 1) == "the" && W(i + 2) == "number" && W(i + 3) == "of") {
        Use(i + 2), Use(i + 3);
        noun = i + 4;
      }
    } else if (W(i) == "count" && W(i + 1) == "of" && i > 0 && IsWord(i - 1, {"the", "a", "total"})) {
      noun = i + 2;  // "what is the count of singers"
      Use(i), Use(i + 1);
    }
    if (noun == std::string::npos) continue;
    size_t k = NextContent(noun);
    if (IsWord(k, {"different", "distinct", "unique"})) k = NextContent(k + 1);
    count_frame_ = true;
    count_noun_ = k;
    return i;
  }
  return std::string::npos;
}

void Planner::BuildHead() {
  // The head is the part naming what to show: up to the first table named, or the first word
  // that starts a restriction after something was named.
  bool seen = false;
  head_end_ = n_;
  // "For each citizenship, what is the maximum net worth?": the grouping clause comes first
  // (BuildGroups reads it); the head starts after its comma.
  size_t start = 0;
  if (W(0) == "for" && IsWord(1, {"each", "every"})) {
    for (size_t k = 2; k < n_ && k < 10; ++k) {
      if (W(k) == ",") {
        start = k + 1;
        break;
      }
    }
  }
  for (size_t i = start; i < n_; ++i) {
    const Ref* r = RefAt(i);
    if (r != nullptr && r->is_table()) {
      head_end_ = r->last + 1;
      break;
    }
    if (r != nullptr) {
      seen = true;
      i = r->last;
      continue;
    }
    if (seen && IsWord(i, {"who", "whose", "that", "which", "where", "when", "with", "without", "having",
                           "has", "have", "had", "in", "from", "by", "sorted", "ordered", "order", "than",
                           "not", "did", "do", "does", "for", "is", "are", "was", "were", "whom", "if",
                           "and", "or", "between", "before", "after", "since", "during", "at", "on"})) {
      // "name and age": an "and" joining two named columns keeps the head open.
      if (W(i) == "and" || W(i) == "or") {
        const Ref* nr = NextRef(i + 1, 2);
        if (nr != nullptr && !nr->is_table()) continue;
        if (nr != nullptr && nr->is_table()) continue;
      }
      head_end_ = i;
      break;
    }
  }
  const bool which_question = IsWord(start, {"which", "who", "whose", "whom"}) || IsWord(start + 1, {"which", "who"}) ||
                              (W(start) == "what" && !IsWord(start + 1, {"is", "are", "was", "were"}));
  // Aggregates and columns in the head.
  std::vector<Agg> pending;
  bool superlative_in_head = false;
  for (size_t i = start; i < head_end_; ++i) {
    const std::string& w = W(i);
    if (q_.token_mention[i] < 0) {
      if (In(w, {"average", "avg", "mean"})) pending.push_back(Agg::kAvg), Use(i);
      else if (In(w, {"total", "sum"}) && W(i + 1) != "number") pending.push_back(Agg::kSum), Use(i);
      else if (In(w, {"maximum", "max"})) pending.push_back(Agg::kMax), Use(i);
      else if (In(w, {"minimum", "min"})) pending.push_back(Agg::kMin), Use(i);
      else if (auto d = SuperlativeDesc(w); d && !which_question && W(i + 1) != "number" &&
                                               !In(w, {"most", "least", "top"})) {
        size_t j = i + 1;
        while (j < head_end_ && (W(j) == "and" || W(j) == "," || SuperlativeDesc(W(j)) || In(W(j), {"average", "minimum", "maximum", "total"}))) ++j;
        const Ref* nr = NextRef(j, 0);
        if (nr != nullptr && !nr->is_table() && !s_.Column(nr->table, nr->column).key) {
          pending.push_back(*d ? Agg::kMax : Agg::kMin), Use(i);
          superlative_in_head = true;
        }
      }
      if (In(w, {"different", "distinct", "unique"}) && !count_frame_) plan_.distinct = true, Use(i);
      if (In(w, {"information", "details", "detail", "info", "everything"}) ||
          (w == "all" && IsWord(i + 1, {"columns", "attributes", "fields"}))) {
        plan_.select.push_back(SelectItem{Agg::kNone, ColRef{plan_.main_table, -1}});
        Use(i);
      }
      continue;
    }
    const Ref* r = RefAt(i);
    if (r != nullptr && r->is_table() && !pending.empty()) {
      // "total sales": the table's measure.
      if (std::optional<ColRef> m = MeasureOf(r->table)) {
        for (Agg a : pending) plan_.select.push_back(SelectItem{a, *m});
        pending.clear();
        used_mentions_.insert(r->mention);
        for (size_t k = r->first; k <= r->last; ++k) Use(k);
        i = r->last;
        continue;
      }
    }
    if (r == nullptr || r->is_table()) continue;
    if (i >= count_noun_ && count_frame_ && i <= count_noun_) continue;
    // An aggregate word that is also a column name ("Average" column) reads as the aggregate
    // when a measure follows it.
    const Mention& m = q_.mentions[r->mention];
    bool op_only = true;
    for (size_t k = m.first; k <= m.last; ++k) op_only = op_only && IsOperatorWord(W(k));
    if (op_only) {
      // Past a list of aggregates ("average, minimum and maximum age") to the measure.
      size_t j = r->last + 1;
      while (j < n_ && (IsWord(j, {",", "and", "the"}) ||
                        (q_.token_mention[j] < 0 && In(W(j), {"average", "avg", "mean", "total", "sum", "maximum",
                                                               "max", "minimum", "min"})))) {
        ++j;
      }
      const Ref* nr = NextRef(j, 1);
      if (nr != nullptr && !nr->is_table() && s_.Column(nr->table, nr->column).numeric) {
        Agg a = In(W(m.first), {"average", "avg", "mean"}) ? Agg::kAvg
                : In(W(m.first), {"total", "sum"})       ? Agg::kSum
                : In(W(m.first), {"maximum", "max", "highest"}) ? Agg::kMax
                : In(W(m.first), {"minimum", "min", "lowest"})  ? Agg::kMin
                                                                : Agg::kNone;
        if (a != Agg::kNone) {
          pending.push_back(a);
          for (size_t k = m.first; k <= m.last; ++k) Use(k);
          i = r->last;
          continue;
        }
      }
    }
    ColRef col{r->table, r->column};
    if (r->last + 1 < n_ && q_.token_mention[r->last + 1] >= 0 &&
        q_.mentions[q_.token_mention[r->last + 1]].kind != Mention::Kind::kSchema) {
      i = r->last;
      continue;
    }
    // "store 20": a column followed by a number is a filter on it, not shown.
    if (q_.token_literal.size() > r->last + 1 && q_.token_literal[r->last + 1] >= 0 && !plan_.select.empty()) {
      i = r->last;
      continue;
    }
    // "Gelderland district": a column named after one of its values is the value's, not shown.
    if (r->first > 0 && HoldsValueOf(r->first - 1, col)) {
      i = r->last;
      continue;
    }
    // "names of students" with student_id the only match for students: the entity is named,
    // not its key column.
    if (!plan_.select.empty() && s_.Column(col.table, col.column).key && NameHasKeyWord(col) && !MentionNamesKey(*r)) {
      used_mentions_.insert(r->mention);
      for (size_t k = r->first; k <= r->last; ++k) Use(k);
      i = r->last;
      continue;
    }
    // "the most populated countries": the measure ranks, it is not shown.
    if (r->first > 0 && IsWord(r->first - 1, {"most", "least"}) && !plan_.select.empty()) {
      i = r->last;
      continue;
    }
    if (pending.empty()) {
      plan_.select.push_back(SelectItem{Agg::kNone, col});
    } else {
      for (Agg a : pending) plan_.select.push_back(SelectItem{a, col});
      pending.clear();
    }
    used_mentions_.insert(r->mention);
    for (size_t k = r->first; k <= r->last; ++k) Use(k);
    i = r->last;
  }
  (void)superlative_in_head;
  if (!pending.empty()) {
    // "What is the average of ..." with the measure after the head.
    const Ref* nr = NextRef(head_end_, 2);
    std::optional<ColRef> measure = nr != nullptr ? MeasureRef(*nr) : std::nullopt;
    if (nr != nullptr && !nr->is_table()) measure = ColRef{nr->table, nr->column};
    if (measure) {
      for (Agg a : pending) plan_.select.push_back(SelectItem{a, *measure});
      used_mentions_.insert(nr->mention);
      for (size_t k = nr->first; k <= nr->last; ++k) Use(k);
    } else {
      problem_ = "I could not tell which column to aggregate";
    }
  }
  if (count_frame_) {
    // The counted noun: a table (count rows) or a column (count its different values).
    const Ref* r = RefAt(count_noun_);
    SelectItem count{Agg::kCount, ColRef{plan_.main_table, -1}};
    if (r != nullptr) {
      used_mentions_.insert(r->mention);
      for (size_t k = r->first; k <= r->last; ++k) Use(k);
      if (r->is_table()) {
        counted_table_ = r->table;
        count.col.table = r->table;
      } else {
        counted_table_ = r->table;
        bool distinct = count_noun_ > 0 && IsWord(count_noun_ - 1, {"different", "distinct", "unique"});
        const ColumnEntry& ce = s_.Column(r->table, r->column);
        bool total = false;
        for (size_t k = 0; k < n_; ++k) total = total || IsWord(k, {"total", "sum", "altogether", "combined"});
        if (ce.numeric && !distinct && !NameHasKeyWord(ColRef{r->table, r->column})) {
          // "how many floors": the measure itself, summed when asked in total.
          count = SelectItem{total ? Agg::kSum : Agg::kNone, ColRef{r->table, r->column}};
          for (size_t k = 0; k < n_; ++k) {
            if (IsWord(k, {"total", "sum", "altogether", "combined"})) Use(k);
          }
        } else if (distinct || !ce.key) {
          count = SelectItem{Agg::kCountDistinct, ColRef{r->table, r->column}};
        } else {
          count.col.table = r->table;
        }
        if (distinct) Use(count_noun_ - 1);
      }
    }
    plan_.select.push_back(count);
  }
  // Lone aggregate over the main table ("what is the average of" with nothing) handled above;
  // now the entity questions: "Which singers ...", "Who ...", "List all stadiums".
  bool has_plain = false;
  for (const SelectItem& s : plan_.select) has_plain = has_plain || s.agg == Agg::kNone || s.agg != Agg::kNone;
  if (!has_plain && plan_.main_table >= 0) {
    plan_.select.push_back(SelectItem{Agg::kNone, EntityColumn(plan_.main_table)});
    if (!which_question) Doubt(0.9, "nothing named to show: showing " + s_.TablePhrase(plan_.main_table, true));
  }
  // The table named in the head is explained.
  for (size_t i = 0; i < head_end_; ++i) {
    const Ref* r = RefAt(i);
    if (r != nullptr && r->is_table() && r->table == plan_.main_table) {
      used_mentions_.insert(r->mention);
      for (size_t k = r->first; k <= r->last; ++k) Use(k);
    }
  }
  if (which_question) Use(start), Use(start + 1);
}

void Planner::BuildGroups() {
  for (size_t i = 0; i < n_; ++i) {
    bool aggregated = count_frame_;
    for (const SelectItem& s : plan_.select) aggregated = aggregated || s.agg != Agg::kNone;
    bool agentive = i > 0 && W(i - 1).size() > 4 && W(i - 1).ends_with("ed") && W(i - 1) != "grouped";
    bool marker = IsWord(i, {"each", "per", "every"}) ||
                  (W(i) == "different" && i > 0 && IsWord(i - 1, {"for", "by"}) && aggregated) ||
                  (W(i) == "by" && aggregated && !agentive && !(i > 0 && IsSortWord(W(i - 1))) &&
                   !(i > 1 && IsSortWord(W(i - 2))));
    if (!marker) continue;
    if (W(i) == "every" && !(i > 0 && IsWord(i - 1, {"for", "in", "of"}))) continue;
    if (W(i) == "each" && IsWord(i + 1, {"of"})) continue;
    const Ref* r = NextRef(i + 1, 1);
    size_t k = NextContent(i + 1);
    if (r == nullptr && IsWord(k, {"year", "month"})) {
      // A time bucket over the main table's date column.
      for (const ColumnEntry& ce : s_.columns()) {
        if (ce.table == plan_.main_table && ce.temporal) {
          plan_.group_by.push_back(ColRef{ce.table, ce.column});
          plan_.group_part = W(k) == "year" ? TimePart::kYear : TimePart::kMonth;
          plan_.select.insert(plan_.select.begin(), SelectItem{Agg::kNone, ColRef{ce.table, ce.column}, plan_.group_part});
          Use(i), Use(k);
          break;
        }
      }
      continue;
    }
    if (r == nullptr) continue;
    Use(i);
    if (i > 0 && IsWord(i - 1, {"for", "in"})) Use(i - 1);
    if (!aggregated && r->is_table() && r->table == plan_.main_table && W(i) != "by") {
      // "the age of every teacher": each row, not a group.
      used_mentions_.insert(r->mention);
      for (size_t t = r->first; t <= r->last; ++t) Use(t);
      continue;
    }
    used_mentions_.insert(r->mention);
    for (size_t t = r->first; t <= r->last; ++t) Use(t);
    ColRef g;
    ColRef shown;
    if (r->is_table()) {
      g = EntityKey(r->table);
      shown = EntityColumn(r->table);
    } else {
      g = shown = ColRef{r->table, r->column};
    }
    if (std::find(plan_.group_by.begin(), plan_.group_by.end(), g) != plan_.group_by.end()) continue;
    plan_.group_by.push_back(g);
    bool present = false;
    for (const SelectItem& s : plan_.select) present = present || (s.agg == Agg::kNone && (s.col == shown || s.col == g));
    if (!present) plan_.select.insert(plan_.select.begin(), SelectItem{Agg::kNone, shown});
  }
}

void Planner::FindOrderRange() {
  // "from the oldest to the youngest", "from most to least": a sort direction, not a pick.
  auto skip_the = [&](size_t k) { return W(k) == "the" ? k + 1 : k; };
  for (size_t i = 0; i < n_; ++i) {
    if (W(i) != "from") continue;
    size_t a = skip_the(i + 1);
    std::optional<bool> first = SuperlativeDesc(W(a));
    if (!first || W(a + 1) != "to") continue;
    size_t b = skip_the(a + 2);
    std::optional<bool> second = SuperlativeDesc(W(b));
    if (!second || *second == *first) continue;
    range_desc_ = *first;
    for (size_t k = i; k <= b; ++k) Use(k);
    return;
  }
}

void Planner::BuildSuperlatives() {
  for (size_t i = 0; i < n_; ++i) {
    if (used_[i] || q_.token_mention[i] >= 0) continue;
    std::optional<bool> desc = SuperlativeDesc(W(i));
    if (!desc) continue;
    if (i > 0 && W(i - 1) == "at") continue;
    const bool counting_word = In(W(i), {"most", "least", "fewest"});
    int k = 1;
    if (W(i) == "top" || W(i) == "first" || W(i) == "bottom") {
      if (i + 1 < n_ && q_.tokens[i + 1].number) k = static_cast<int>(*q_.tokens[i + 1].number), Use(i + 1);
    } else if (i > 0 && q_.tokens[i - 1].number && q_.tokens[i - 1].kind == Token::Kind::kNumber) {
      k = static_cast<int>(*q_.tokens[i - 1].number), Use(i - 1);
    }
    size_t j = i + 1;
    if (W(j) == "number" && W(j + 1) == "of") j += 2;
    if (IsWord(j, {"common", "frequent", "popular", "often", "frequently"})) {
      // "the most common X": the X value with the most rows.
      Use(j);
      const Ref* r = NextRef(j + 1, 1);
      ColRef g;
      if (r != nullptr && !r->is_table()) {
        g = ColRef{r->table, r->column};
        used_mentions_.insert(r->mention);
        for (size_t t = r->first; t <= r->last; ++t) Use(t);
      } else {
        for (const SelectItem& s : plan_.select) {
          if (s.agg == Agg::kNone && s.col.column >= 0) g = s.col;
        }
      }
      if (g.table < 0) continue;
      if (plan_.group_by.empty()) plan_.group_by.push_back(g);
      plan_.order_by.push_back(OrderItem{Agg::kCount, ColRef{-1, -1}, *desc});
      plan_.limit = k;
      plan_.superlative = true;
      Use(i);
      continue;
    }
    if (k > 1 && In(W(i), {"top", "bottom", "first"})) j = i + 2;
    const Ref* r = NextRef(j, 1);
    if (r != nullptr && (r->is_table() || s_.Column(r->table, r->column).key)) {
      // "top 5 stores by sales", "the 3 largest stores by size": the measure follows "by".
      size_t b = r->last + 1;
      while (b < n_ && W(b) != "by" && b < r->last + 4) ++b;
      const Ref* m = W(b) == "by" ? NextRef(b + 1, 1) : nullptr;
      std::optional<ColRef> measure = m != nullptr ? MeasureRef(*m) : std::nullopt;
      if (measure) {
        Use(i), Use(b);
        used_mentions_.insert(m->mention);
        for (size_t t = m->first; t <= m->last; ++t) Use(t);
        if (r->table == plan_.main_table) used_mentions_.insert(r->mention);
        Agg agg = AggregateWord(b + 1);
        if (agg != Agg::kNone) Use(b + 1);
        bool d = In(W(i), {"top", "first"}) ? true : W(i) == "bottom" ? false : *desc;
        plan_.order_by.push_back(OrderItem{agg, *measure, d});
        // A ranking "by" a measure shows the measure beside the ranked names.
        SelectItem shown{agg, *measure};
        bool present = std::any_of(plan_.select.begin(), plan_.select.end(), [&](const SelectItem& s) {
          return s.agg == shown.agg && s.col == shown.col;
        });
        if (!present && (k > 1 || W(i) == "top")) plan_.select.push_back(shown);
        plan_.limit = k;
        plan_.superlative = true;
        continue;
      }
    }
    if (Agg agg = AggregateWord(i + 1); agg != Agg::kNone && agg != Agg::kCount) {
      // "the lowest total sales": rank groups by an aggregate of the measure.
      const Ref* m = NextRef(i + 2, 0);
      std::optional<ColRef> measure = m != nullptr ? MeasureRef(*m) : std::nullopt;
      if (measure) {
        Use(i), Use(i + 1);
        used_mentions_.insert(m->mention);
        for (size_t t = m->first; t <= m->last; ++t) Use(t);
        plan_.order_by.push_back(OrderItem{agg, *measure, *desc});
        plan_.limit = k;
        plan_.superlative = true;
        continue;
      }
    }
    if (r != nullptr && !r->is_table() && j != i + 1 && s_.Column(r->table, r->column).numeric) j = i + 1;
    if (r != nullptr && r->is_table() && !counting_word && j == i + 1) {
      // "the heaviest entrepreneur": an adjective about the entity, not a count.
      if (OrderByRelatedColumn(i, r->table, *desc, k)) {
        Use(i);
        if (r->table == plan_.main_table) {
          used_mentions_.insert(r->mention);
          for (size_t t = r->first; t <= r->last; ++t) Use(t);
        }
      }
      continue;
    }
    if (r != nullptr && r->is_table()) {
      // "the most singers": rank groups by how many rows of that table they have.
      used_mentions_.insert(r->mention);
      for (size_t t = r->first; t <= r->last; ++t) Use(t);
      Use(i);
      if (j != i + 1) Use(i + 1), Use(i + 2);
      if (plan_.group_by.empty()) {
        ColRef g;
        for (const SelectItem& s : plan_.select) {
          if (s.agg == Agg::kNone && s.col.column >= 0 && g.table < 0) g = s.col;
        }
        if (g.table < 0) continue;
        if (g.table != r->table) {
          // The shown entity's key groups its rows.
          const ColumnEntry& ce = s_.Column(g.table, g.column);
          if (!ce.key || s_.Info(g.table, g.column).is_primary_key) g = EntityKey(g.table);
        }
        plan_.group_by.push_back(g);
      }
      plan_.order_by.push_back(OrderItem{Agg::kCount, ColRef{r->table, -1}, *desc});
      if (r->table != plan_.main_table) {
        // count(*) over the join: make sure the counted table is joined.
        plan_.order_by.back().col = ColRef{-1, -1};
        extra_join_ = r->table;
      }
      plan_.limit = k;
      plan_.superlative = true;
      continue;
    }
    if (r != nullptr && !r->is_table()) {
      const ColumnEntry& ce = s_.Column(r->table, r->column);
      if (!ce.numeric && !ce.temporal) continue;
      used_mentions_.insert(r->mention);
      for (size_t t = r->first; t <= r->last; ++t) Use(t);
      Use(i);
      if (j != i + 1) {
        // "the highest number of X" with X a column: rank by the count of X.
        plan_.order_by.push_back(OrderItem{Agg::kCount, ColRef{-1, -1}, *desc});
      } else {
        plan_.order_by.push_back(OrderItem{Agg::kNone, ColRef{r->table, r->column}, *desc});
      }
      plan_.limit = k;
      plan_.superlative = true;
      continue;
    }
    // An adjective superlative with no column after it ("the oldest"): a numeric column of the
    // main table whose name is related to the adjective.
    if (OrderByRelatedColumn(i, plan_.main_table, *desc, k)) Use(i);
  }
}

bool Planner::OrderByRelatedColumn(size_t i, int table, bool desc, int k) {
  std::optional<ColRef> c = RelatedColumn(i, table);
  if (!c) return false;
  bool d = desc;
  if (s_.Column(c->table, c->column).temporal && In(W(i), {"oldest", "youngest"})) d = !d;  // older = earlier date
  plan_.order_by.push_back(OrderItem{Agg::kNone, *c, d});
  plan_.limit = k;
  plan_.superlative = true;
  return true;
}

std::optional<ColRef> Planner::RelatedColumn(size_t i, int table) const {
  const Lexicon& lex = Lexicon::Get();
  std::string lemma = lex.Lemma(W(i));
  std::vector<std::string> related = lex.Related(lemma);
  // The adjective's attribute ("younger" -> age) when WordNet knows one; synonyms only
  // otherwise, as they range over every sense ("large" -> "expectant").
  for (const std::string& s : lex.Attributes(W(i))) related.push_back(s);
  if (related.empty()) {
    for (const std::string& s : lex.Synonyms(lemma)) related.push_back(s);
    for (const std::string& s : lex.Synonyms(W(i))) related.push_back(s);
  }
  related.push_back(lemma);
  std::vector<std::string> stems;
  for (const std::string& r : related) stems.push_back(lex.Stem(r));
  // The table itself first, then the tables next to it (an entity's attributes may live in a
  // table it references).
  std::vector<int> tables{table};
  for (const FkEdge& e : s_.EdgesOf(table)) {
    if (e.from_table == table) tables.push_back(e.to_table);
  }
  for (int t : tables) {
    for (const ColumnEntry& ce : s_.columns()) {
      if (ce.table != t || !(ce.numeric || ce.temporal)) continue;
      for (const NameWord& nw : ce.words) {
        if (std::find(related.begin(), related.end(), nw.lemma) != related.end() ||
            std::find(stems.begin(), stems.end(), nw.stem) != stems.end()) {
          return ColRef{ce.table, ce.column};
        }
      }
    }
  }
  return std::nullopt;
}

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
        if (ce.numeric || ce.temporal || ce.year_like || !ce.text) target = r;
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

void Planner::BuildOrder() {
  bool desc_word = false, asc_word = false;
  for (size_t i = 0; i < n_; ++i) {
    if (In(W(i), {"descending", "desc", "decreasing", "reverse"})) desc_word = true, Use(i);
    if (In(W(i), {"ascending", "asc", "increasing"})) asc_word = true, Use(i);
  }
  if (!desc_word && range_desc_) desc_word = *range_desc_;
  for (size_t i = 0; i < n_; ++i) {
    if (In(W(i), {"alphabetically", "alphabetical"}) || (W(i) == "alphabetic" && W(i + 1) == "order")) {
      Use(i);
      if (W(i + 1) == "order") Use(i + 1);
      const Ref* r = NextRef(i + 1, 1);
      ColRef c;
      if (r != nullptr && W(i + 1) == "by" && !r->is_table()) {
        c = ColRef{r->table, r->column};
        used_mentions_.insert(r->mention);
      } else {
        for (const SelectItem& s : plan_.select) {
          if (s.agg == Agg::kNone && s.col.column >= 0 && c.table < 0) c = s.col;
        }
      }
      if (c.table >= 0) plan_.order_by.push_back(OrderItem{Agg::kNone, c, desc_word});
      continue;
    }
    if (!IsSortWord(W(i))) continue;
    Use(i);
    size_t j = i + 1;
    while (j < n_ && IsWord(j, {"by", "in", "of", "the", "their", "its", "descending", "ascending", "decreasing", "increasing", "order", "according", "to", "on"})) Use(j), ++j;
    const Ref* numeric_after = (W(j) == "number" && W(j + 1) == "of") ? NextRef(j + 2, 0) : nullptr;
    if (numeric_after != nullptr && !numeric_after->is_table() && s_.Column(numeric_after->table, numeric_after->column).numeric) {
      Use(j), Use(j + 1);
      j += 2;
    }
    if (W(j) == "number" && W(j + 1) == "of") {
      Use(j), Use(j + 1);
      const Ref* r = NextRef(j + 2, 0);
      if (r != nullptr) {
        used_mentions_.insert(r->mention);
        for (size_t k = r->first; k <= r->last; ++k) Use(k);
      }
      plan_.order_by.push_back(OrderItem{Agg::kCount, ColRef{-1, -1}, desc_word});
      continue;
    }
    Agg agg = Agg::kNone;
    if (In(W(j), {"average", "avg", "mean"})) agg = Agg::kAvg, Use(j), ++j;
    else if (In(W(j), {"total", "sum"})) agg = Agg::kSum, Use(j), ++j;
    const Ref* r = RefAt(j) ? RefAt(j) : NextRef(j, 1);
    if (r != nullptr && !r->is_table()) {
      used_mentions_.insert(r->mention);
      for (size_t k = r->first; k <= r->last; ++k) Use(k);
      plan_.order_by.push_back(OrderItem{agg, ColRef{r->table, r->column}, desc_word});
      continue;
    }
    // "in descending order" with no column: the aggregate shown, else the first column shown.
    if (!plan_.order_by.empty()) continue;
    const SelectItem* pick = nullptr;
    for (const SelectItem& s : plan_.select) {
      if (s.agg != Agg::kNone && pick == nullptr) pick = &s;
    }
    if (pick == nullptr && !plan_.select.empty()) pick = &plan_.select[0];
    if (pick != nullptr) plan_.order_by.push_back(OrderItem{pick->agg, pick->col, desc_word});
  }
  (void)asc_word;
}

void Planner::Finish(PlanResult* out) {
  // Conditions in question order.
  std::stable_sort(conditions_.begin(), conditions_.end(), [](auto& a, auto& b) { return a.first < b.first; });
  for (auto& [pos, c] : conditions_) plan_.where.push_back(c);
  if (!plan_.where.empty()) plan_.where[0].or_with_previous = false;
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
    if (ChangesMeaning(t.lower) && !in_total) {
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

}  // namespace

PlanResult PlanQuestion(const LinkedQuestion& question, const SchemaIndex& schema) {
  Planner first(question, schema, -1, -1);
  PlanResult result = first.Run();
  if (result.ok && first.ambiguous_mention() >= 0) {
    Planner other(question, schema, first.ambiguous_mention(), first.ambiguous_choice());
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
