// Planner: grouping ("for each X"), superlatives ("the oldest", "the most singers") and sort order.

#include "engine/planner_internal.h"

#include <algorithm>
#include <optional>
#include <string>
#include <vector>

namespace da::planner_internal {

void Planner::TotalsAsSums() {
  // "sales totals", "total markdown by year": a measure named as a total, with a grouping or a
  // trailing "totals", is summed. Only a lone plain measure is read this way.
  if (plan_.select.size() != 1 || plan_.select[0].agg != Agg::kNone || count_frame_) return;
  SelectItem& item = plan_.select[0];
  if (item.col.column < 0 || !s_.Column(item.col.table, item.col.column).numeric) return;
  bool trailing_total = false, grouped = false;
  for (size_t i = 0; i < n_; ++i) {
    if (used_[i] || q_.token_mention[i] >= 0) continue;
    if (In(q_.tokens[i].lemma, {"total", "sum"})) trailing_total = true, Use(i);
    bool sort_by = W(i) == "by" && i > 0 && (IsSortWord(W(i - 1)) || (i > 1 && IsSortWord(W(i - 2))));
    if ((IsWord(i, {"by", "per", "each"}) && !sort_by) || IsTimeAdjective(W(i))) grouped = true;
  }
  bool named_total = false;
  for (const std::string& w : SplitIdentifier(s_.Info(item.col.table, item.col.column).name)) {
    named_total = named_total || In(w, {"total", "sum"});
  }
  if (trailing_total || (named_total && grouped)) item.agg = Agg::kSum;
}

bool Planner::TimeAdjectiveGroup(size_t i) {
  // "monthly sales": group by the main table's month column, else its date's month.
  if (!IsTimeAdjective(W(i)) || used_[i] || q_.token_mention[i] >= 0 || plan_.main_table < 0) return false;
  bool aggregated = count_frame_;
  for (const SelectItem& s : plan_.select) aggregated = aggregated || s.agg != Agg::kNone;
  if (!aggregated || !plan_.group_by.empty()) return false;
  const std::string unit = In(W(i), {"yearly", "annual", "annually"}) ? "year"
                           : W(i) == "monthly"                        ? "month"
                           : W(i) == "quarterly"                      ? "quarter"
                           : W(i) == "weekly"                         ? "week"
                                                                      : "day";
  for (const ColumnEntry& ce : s_.columns()) {
    if (ce.table != plan_.main_table || ce.key) continue;
    for (const NameWord& w : ce.words) {
      if (w.lemma != unit || ce.words.size() != 1) continue;
      ColRef g{ce.table, ce.column};
      plan_.group_by.push_back(g);
      plan_.select.insert(plan_.select.begin(), SelectItem{Agg::kNone, g});
      Use(i);
      return true;
    }
  }
  if (unit != "year" && unit != "month") return false;
  if (std::optional<ColRef> date = TemporalColumn(plan_.main_table)) {
    plan_.group_by.push_back(*date);
    plan_.group_part = unit == "year" ? TimePart::kYear : TimePart::kMonth;
    plan_.select.insert(plan_.select.begin(), SelectItem{Agg::kNone, *date, plan_.group_part});
    Use(i);
    return true;
  }
  return false;
}

void Planner::BuildGroups() {
  TotalsAsSums();
  for (size_t i = 0; i < n_; ++i) {
    if (TimeAdjectiveGroup(i)) continue;
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
    if ((i > 0 && IsSortWord(W(i - 1))) || (i > 1 && IsWord(i - 1, {"of", "by"}) && IsSortWord(W(i - 2)))) {
      Use(i);  // "in descending order of maximum aperture": part of the sort key's name
      continue;
    }
    if (W(i) == "most" && W(i + 1) == "recent") {
      // "the most recent movie": the latest by the entity's date or year.
      const Ref* r = NextRef(i + 2, 0);
      int table = r != nullptr ? r->table : plan_.main_table;
      if (table >= 0 && OrderByRelatedColumn(i + 1, table, true, 1)) {
        Use(i), Use(i + 1);
        if (r != nullptr && r->is_table() && r->table == plan_.main_table) {
          used_mentions_.insert(r->mention);
          for (size_t t = r->first; t <= r->last; ++t) Use(t);
        }
        continue;
      }
    }
    const bool counting_word = In(W(i), {"most", "least", "fewest"});
    int k = 1;
    if (W(i) == "top" || W(i) == "first" || W(i) == "bottom") {
      // "the top 5 oldest people": the adjective ranks; it takes the number itself.
      size_t adj = i + 1 + (i + 1 < n_ && q_.tokens[i + 1].number ? 1 : 0);
      if (SuperlativeDesc(W(adj)) && q_.token_mention[adj] < 0) {
        Use(i);
        continue;
      }
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
  // "the last transcript", "the earliest order": the entity's one date.
  if (!c && In(W(i), {"last", "latest", "newest", "earliest", "recent"})) c = TemporalColumn(table);
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
      size_t after = i + 1;
      if (W(after) == "order") Use(after), ++after;
      // "in alphabetical order of the venue": the column follows "of"/"by".
      bool named = IsWord(after, {"by", "of"});
      if (named) Use(after);
      const Ref* r = NextRef(after, 1);
      ColRef c;
      if (r != nullptr && (named || W(i + 1) == "by") && !r->is_table()) {
        for (size_t k = r->first; k <= r->last; ++k) Use(k);
        c = ColRef{r->table, r->column};
        used_mentions_.insert(r->mention);
      } else {
        for (const SelectItem& s : plan_.select) {
          if (s.agg == Agg::kNone && s.col.column >= 0 && c.table < 0) c = s.col;
        }
      }
      // "sorted in alphabetical order": one ordering, already taken from the sort word.
      if (c.table >= 0 && plan_.order_by.empty()) plan_.order_by.push_back(OrderItem{Agg::kNone, c, desc_word});
      continue;
    }
    if (!IsSortWord(W(i)) || used_[i]) continue;
    Use(i);
    size_t j = i + 1;
    while (j < n_ && IsWord(j, {"by", "in", "of", "the", "their", "its", "descending", "ascending", "decreasing", "increasing", "order", "according", "to", "on"})) Use(j), ++j;
    const Ref* numeric_after = (W(j) == "number" && W(j + 1) == "of") ? NextRef(j + 2, 0) : nullptr;
    if (numeric_after != nullptr && !numeric_after->is_table() && s_.Column(numeric_after->table, numeric_after->column).numeric) {
      Use(j), Use(j + 1);
      j += 2;
    }
    if (W(j) == "count" && !RefAt(j)) {
      Use(j);  // "sorted by the count"
      plan_.order_by.push_back(OrderItem{Agg::kCount, ColRef{-1, -1}, desc_word});
      continue;
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
    if (pick != nullptr && (pick->col.column >= 0 || pick->agg != Agg::kNone)) {
      plan_.order_by.push_back(OrderItem{pick->agg, pick->col, desc_word});
    }
  }
  (void)asc_word;
}

}  // namespace da::planner_internal
