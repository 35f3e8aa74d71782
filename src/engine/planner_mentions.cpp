// Planner: the main table, the schema reading of each mention, and what a table or column stands for.

#include "engine/planner_internal.h"

#include <algorithm>
#include <set>
#include <string>
#include <utility>
#include <vector>

#include "common/strings.h"

namespace da::planner_internal {

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
    // "the builders of railways": after "of", a table and its same-named column (railway.railway)
    // read as the table, the entity the columns before belong to.
    size_t before = m.first;
    while (before > 0 && IsWord(before - 1, {"the", "all", "each", "every"})) --before;
    if (before > 0 && W(before - 1) == "of" && m.schema[pick].column >= 0) {
      for (size_t ci = 0; ci < m.schema.size(); ++ci) {
        const SchemaCandidate& c = m.schema[ci];
        if (c.column < 0 && c.table == m.schema[pick].table && c.score >= m.schema[pick].score - 0.05) pick = ci;
      }
    }
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

bool Planner::NameHasKeyWord(const ColRef& c) const {
  for (const std::string& w : SplitIdentifier(s_.Info(c.table, c.column).name)) {
    if (IsKeyWord(w)) return true;
  }
  return false;
}

bool Planner::IsLinkTable(int table) const {
  int outgoing = 0, other = 0;
  for (const FkEdge& e : s_.EdgesOf(table)) outgoing += e.from_table == table;
  for (const ColumnEntry& ce : s_.columns()) {
    if (ce.table == table && !ce.key) ++other;
  }
  return outgoing >= 2 && other <= 2;
}

std::optional<ColRef> Planner::MeasureOf(int table) const {
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

std::optional<ColRef> Planner::MeasureRef(const Ref& r) const {
  if (r.is_table()) return MeasureOf(r.table);
  const ColumnEntry& ce = s_.Column(r.table, r.column);
  if (ce.numeric) return ColRef{r.table, r.column};
  return std::nullopt;
}

bool Planner::MentionNamesKey(const Ref& r) const {
  for (size_t k = r.first; k <= r.last; ++k) {
    if (IsKeyWord(W(k))) return true;
    // Written as one identifier ("student_id", "StuID").
    std::vector<std::string> parts = SplitIdentifier(q_.tokens[k].text);
    if (parts.size() > 1) return true;
  }
  return false;
}

bool Planner::HoldsValueOf(size_t i, const ColRef& col) const {
  if (i >= n_ || q_.token_mention[i] < 0) return false;
  const Mention& m = q_.mentions[q_.token_mention[i]];
  if (m.kind != Mention::Kind::kValue || m.last != i) return false;
  return std::any_of(m.values.begin(), m.values.end(),
                     [&](const ValueCandidate& v) { return v.table == col.table && v.column == col.column; });
}

std::optional<ColRef> Planner::TemporalColumn(int table) const {
  // A date first; else a year.
  for (bool year : {false, true}) {
    std::optional<ColRef> found;
    bool several = false;
    for (const ColumnEntry& ce : s_.columns()) {
      if (ce.table != table || !(year ? ce.year_like : ce.temporal)) continue;
      several = several || found.has_value();
      found = ColRef{table, ce.column};
    }
    if (several) return std::nullopt;
    if (found) return found;
  }
  return std::nullopt;
}

bool Planner::CanHold(const ColRef& col, const Literal& lit) const {
  if (lit.kind != Literal::Kind::kYear) return true;
  const ColumnEntry& ce = s_.Column(col.table, col.column);
  if (ce.temporal || ce.year_like) return true;
  // "total weekly sales in 2010": with a time column at hand, a year is that column's.
  for (const ColumnEntry& other : s_.columns()) {
    if (other.table == col.table && (other.temporal || other.year_like)) return false;
  }
  const ColumnInfo& info = s_.Info(col.table, col.column);
  auto number = [](const Value& v) -> std::optional<double> {
    if (const int64_t* i = std::get_if<int64_t>(&v)) return static_cast<double>(*i);
    if (const double* d = std::get_if<double>(&v)) return *d;
    return std::nullopt;
  };
  std::optional<double> lo = number(info.min), hi = number(info.max);
  if (!lo || !hi) return true;  // unknown range: no evidence either way
  return lit.value >= *lo && lit.value <= *hi;
}

}  // namespace da::planner_internal
