// Planner: the head of a question (what to show, its aggregates) and what "how many" counts.

#include "engine/planner_internal.h"

#include <optional>
#include <string>
#include <vector>

namespace da::planner_internal {

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
    } else if (W(i) == "count" && W(i + 1) == "of" && i > 0 && !ranking) {
      noun = i + 2;  // "what is the count of singers", "the corresponding count of guests"
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
                                               !(i > 0 && (q_.tokens[i - 1].number || IsWord(i - 1, {"top", "bottom"}))) &&
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
        // "ids and details of accounts": a column of details when the table has one.
        ColRef shown{plan_.main_table, -1};
        if (In(w, {"details", "detail"}) && plan_.main_table >= 0) {
          for (const ColumnEntry& ce : s_.columns()) {
            if (ce.table != plan_.main_table || ce.key) continue;
            bool says = std::any_of(ce.words.begin(), ce.words.end(), [](const NameWord& nw) { return nw.lemma == "detail"; });
            if (says && shown.column < 0) shown.column = ce.column;
            else if (says) shown.column = -2;  // several: none of them is meant more than another
          }
          if (shown.column == -2) shown.column = -1;
        }
        plan_.select.push_back(SelectItem{Agg::kNone, shown});
        Use(i);
      }
      continue;
    }
    const Ref* r = RefAt(i);
    if (r != nullptr && r->is_table() && pending.empty() && r->last + 1 < n_ &&
        q_.token_mention[r->last + 1] < 0 && In(q_.tokens[r->last + 1].lemma, {"total", "sum"})) {
      pending.push_back(Agg::kSum);  // "sales totals"
      Use(r->last + 1);
    }
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
    // A column followed by its value ("pilot named 'Thompson'", "managed by 'Emma'") is a filter.
    size_t v = r->last + 1;
    if (IsWord(v, {"named", "called", "titled", "by", "is", "as", "="})) ++v;
    if (v < n_ && q_.token_mention[v] >= 0 && q_.mentions[q_.token_mention[v]].kind != Mention::Kind::kSchema &&
        (v == r->last + 1 || !plan_.select.empty())) {
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
  if (!has_plain && plan_.main_table >= 0 && W(start) == "when") {
    // "When was the last transcript released?": the entity's one date.
    if (std::optional<ColRef> date = TemporalColumn(plan_.main_table)) {
      plan_.select.push_back(SelectItem{Agg::kNone, *date});
      Use(start);
      has_plain = true;
    }
  }
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

}  // namespace da::planner_internal
