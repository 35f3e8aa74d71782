// Rewriting the previous question part by part (follow_up_internal.h).
#include <algorithm>
#include <cctype>
#include <unordered_map>
#include <unordered_set>

#include "ask/follow_up_internal.h"
#include "common/strings.h"

namespace da::follow_up {

namespace {

using WordSet = std::unordered_set<std::string>;

// Words after which "by" orders rather than groups.
const WordSet kOrderingWords = {"sorted", "sort", "ordered", "order", "ranked", "rank", "arranged"};
// Words that open a condition as written ("with size above 100000").
const WordSet kConditionOpeners = {"for", "with", "in", "from", "of", "where", "whose", "that", "which", "at",
                                   "on", "during", "without", "except", "excluding", "between", "before",
                                   "after", "since", "over", "under", "above", "below"};
// Words that open a clause about a name before them ("stores with ...", "stores whose ...").
const WordSet kClauseOpeners = {"with", "whose", "that", "where", "which", "having", "without"};
const WordSet kMinMax = {"maximum", "minimum", "max", "min"};

const std::unordered_map<std::string, std::string>& Antonyms() {
  static const std::unordered_map<std::string, std::string> a = {
      {"highest", "lowest"}, {"lowest", "highest"},   {"most", "least"},        {"least", "most"},
      {"fewest", "most"},    {"largest", "smallest"}, {"smallest", "largest"}, {"biggest", "smallest"},
      {"greatest", "least"}, {"top", "bottom"},       {"bottom", "top"},        {"best", "worst"},
      {"worst", "best"},     {"maximum", "minimum"},  {"minimum", "maximum"},  {"max", "min"},
      {"min", "max"},        {"longest", "shortest"}, {"shortest", "longest"}, {"oldest", "youngest"},
      {"youngest", "oldest"}, {"earliest", "latest"}, {"latest", "earliest"},  {"newest", "oldest"},
  };
  return a;
}

// `word` with the capitalisation of `like`'s first letter.
std::string CapitalizeLike(const std::string& like, std::string word) {
  if (!like.empty() && !word.empty() && std::isupper(static_cast<unsigned char>(like[0]))) {
    word[0] = static_cast<char>(std::toupper(static_cast<unsigned char>(word[0])));
  }
  return word;
}

std::string TextOf(std::string_view text, const LinkedQuestion& q, size_t first, size_t last) {
  return std::string(text.substr(q.tokens[first].begin, q.tokens[last].end - q.tokens[first].begin));
}

bool IsNumberLiteral(const Literal& l) { return l.kind == Literal::Kind::kNumber && !l.weak; }

// The lowercased column names a schema mention may stand for.
std::unordered_set<std::string> ColumnNames(const Mention& m, const SchemaIndex& schema) {
  std::unordered_set<std::string> names;
  for (const SchemaCandidate& c : m.schema) {
    if (c.column >= 0) names.insert(ToLower(schema.Info(c.table, c.column).name));
  }
  return names;
}

// The prefix a time literal takes when added: "in 2011", "in March", "on 2011-03-04".
std::string TimePreposition(Literal::Kind kind) { return kind == Literal::Kind::kDate ? "on" : "in"; }

}  // namespace

Rewriter::Rewriter(std::string_view previous, const LinkedQuestion& before, const SchemaIndex& schema)
    : previous_(previous), before_(before), schema_(schema), tail_(0), touched_(before.tokens.size(), false) {
  for (auto it = before.tokens.rbegin(); it != before.tokens.rend(); ++it) {
    if (it->kind != Token::Kind::kPunct) {
      tail_ = it->end;
      break;
    }
  }
}

std::string Rewriter::Span(size_t first, size_t last) const { return TextOf(previous_, before_, first, last); }

bool Rewriter::Touched(size_t token) const { return token < touched_.size() && touched_[token]; }

void Rewriter::Fail(std::string why) {
  if (failure_.empty()) failure_ = std::move(why);
}

bool Rewriter::Replace(size_t first, size_t last, const std::string& text) {
  for (size_t k = first; k <= last; ++k) {
    if (Touched(k)) {
      Fail("two parts of the follow-up change '" + Span(first, last) + "'");
      return false;
    }
  }
  for (size_t k = first; k <= last; ++k) touched_[k] = true;
  const std::string old = Span(first, last);
  if (EqualsIgnoreCase(old, text)) return true;
  edits_.push_back({before_.tokens[first].begin, before_.tokens[last].end, text});
  changes_.push_back("replaced '" + old + "' with '" + text + "'");
  return true;
}

void Rewriter::Add(const std::string& phrase) {
  edits_.push_back({tail_, tail_, " " + phrase});
  changes_.push_back("added '" + phrase + "'");
}

std::string Rewriter::Result() const {
  std::vector<size_t> order(edits_.size());
  for (size_t i = 0; i < order.size(); ++i) order[i] = i;
  std::stable_sort(order.begin(), order.end(), [&](size_t a, size_t b) { return edits_[a].begin < edits_[b].begin; });
  std::string out;
  size_t pos = 0;
  for (size_t i : order) {
    out.append(previous_.substr(pos, edits_[i].begin - pos));
    out += edits_[i].text;
    pos = edits_[i].end;
  }
  out.append(previous_.substr(pos));
  return std::string(Trim(out));
}

void Rewriter::AddCondition(std::string_view now_text, const LinkedQuestion& now) {
  size_t first = 0;
  while (first < now.tokens.size() && now.tokens[first].kind == Token::Kind::kPunct) ++first;
  size_t last = now.tokens.size();
  while (last > first && now.tokens[last - 1].kind == Token::Kind::kPunct) --last;
  if (first >= last) return Fail("no condition to add");
  // "stores with size above 100000": the name before the condition restates what is filtered.
  int m = now.token_mention[first];
  if (m >= 0 && now.mentions[m].kind == Mention::Kind::kSchema && now.mentions[m].last + 1 < last &&
      kClauseOpeners.count(now.tokens[now.mentions[m].last + 1].lower)) {
    first = now.mentions[m].last + 1;
  }
  std::string condition = TextOf(now_text, now, first, last - 1);
  Add(kConditionOpeners.count(now.tokens[first].lower) ? condition : "with " + condition);
}

void Rewriter::Apply(std::string_view now_text, const LinkedQuestion& now, const Part& part) {
  switch (part.kind) {
    case Part::Kind::kLiteral: return ApplyLiteral(now_text, now, part);
    case Part::Kind::kValue: return ApplyValue(now_text, now, part);
    case Part::Kind::kGrouping: return ApplyGrouping(now_text, now, part);
    case Part::Kind::kSuperlative: return ApplySuperlative(part);
    case Part::Kind::kAggregate: return ApplyAggregate(part);
    case Part::Kind::kSchema: return ApplySchema(now_text, now, part);
  }
}

namespace {

// Where the previous question states a time of `kind`: the token range to replace (for a year,
// the year's own token even inside "March 2010"), with the literal it belongs to.
struct TimeSpan {
  size_t first, last;
  const Literal* literal;
};

std::vector<TimeSpan> TimeSpans(const LinkedQuestion& q, Literal::Kind kind) {
  std::vector<TimeSpan> spans;
  for (const Literal& l : q.literals) {
    if (kind == Literal::Kind::kYear) {
      if (l.kind == Literal::Kind::kYear) spans.push_back({l.first_token, l.last_token, &l});
      if ((l.kind == Literal::Kind::kMonth || l.kind == Literal::Kind::kQuarter) && l.year) {
        for (size_t k = l.first_token; k <= l.last_token; ++k) {
          if (q.tokens[k].number && *q.tokens[k].number == *l.year) spans.push_back({k, k, &l});
        }
      }
    } else if (l.kind == kind) {
      spans.push_back({l.first_token, l.last_token, &l});
    }
  }
  return spans;
}

// Position of literal `index` among the follow-up's literals of the same kind.
size_t RankAmongKind(const LinkedQuestion& q, int index) {
  size_t rank = 0;
  for (int i = 0; i < index; ++i) rank += q.literals[i].kind == q.literals[index].kind && !q.literals[i].weak;
  return rank;
}

size_t CountOfKind(const LinkedQuestion& q, Literal::Kind kind) {
  size_t n = 0;
  for (const Literal& l : q.literals) n += l.kind == kind && (!l.weak || kind != Literal::Kind::kNumber);
  return n;
}

}  // namespace

void Rewriter::ApplyLiteral(std::string_view now_text, const LinkedQuestion& now, const Part& part) {
  const Literal& l = now.literals[part.literal];
  const std::string text = TextOf(now_text, now, l.first_token, l.last_token);
  if (l.kind == Literal::Kind::kNumber || l.kind == Literal::Kind::kString) {
    if (part.mention < 0) {
      // A bare number replaces the previous question's only number.
      std::vector<const Literal*> numbers;
      for (const Literal& p : before_.literals) {
        bool count = p.first_token > 0 && SuperlativeDirection(before_.tokens[p.first_token - 1].lower) != 0;
        if (IsNumberLiteral(p) && !count) numbers.push_back(&p);
      }
      if (numbers.size() != 1) return Fail("could not tell which number '" + text + "' replaces");
      Replace(numbers[0]->first_token, numbers[0]->last_token, text);
      return;
    }
    // "store 5": the number after the same column in the previous question, else a new filter.
    const auto names = ColumnNames(now.mentions[part.mention], schema_);
    for (const Literal& p : before_.literals) {
      if (!IsNumberLiteral(p) || p.first_token == 0) continue;
      int m = before_.token_mention[p.first_token - 1];
      if (m < 0 || before_.mentions[m].kind != Mention::Kind::kSchema) continue;
      for (const std::string& name : ColumnNames(before_.mentions[m], schema_)) {
        if (names.count(name)) {
          Replace(p.first_token, p.last_token, text);
          return;
        }
      }
    }
    Add("for " + TextOf(now_text, now, part.first, part.last));
    return;
  }
  const std::vector<TimeSpan> spans = TimeSpans(before_, l.kind);
  if (spans.empty()) return Add(TimePreposition(l.kind) + " " + text);
  const size_t rank = RankAmongKind(now, part.literal);
  if (spans.size() != CountOfKind(now, l.kind) || rank >= spans.size()) {
    return Fail("the previous question has " + std::to_string(spans.size()) + " of those; say which to change");
  }
  const TimeSpan& target = spans[rank];
  std::string replacement = text;
  // "and April?" after "in March 2010" keeps the year.
  if (l.kind != Literal::Kind::kYear && !l.year && target.literal->year) {
    replacement += " " + std::to_string(*target.literal->year);
  }
  Replace(target.first, target.last, replacement);
}

void Rewriter::ApplyValue(std::string_view now_text, const LinkedQuestion& now, const Part& part) {
  const Mention& m = now.mentions[part.mention];
  for (const Mention& p : before_.mentions) {
    if (p.kind != Mention::Kind::kValue || Touched(p.first)) continue;
    for (const ValueCandidate& a : p.values) {
      for (const ValueCandidate& b : m.values) {
        bool same_column = (a.table == b.table && a.column == b.column) ||
                           EqualsIgnoreCase(schema_.Info(a.table, a.column).name, schema_.Info(b.table, b.column).name);
        if (same_column) {
          Replace(p.first, p.last, m.text);
          return;
        }
      }
    }
  }
  std::string preposition = "for";
  if (part.first > 0) {
    const std::string& w = now.tokens[part.first - 1].lower;
    if (w == "from" || w == "in" || w == "with" || w == "at" || w == "of") preposition = w;
  }
  // Names after the value ("type A stores") restate what is filtered: left out.
  Add(preposition + " " + TextOf(now_text, now, part.first, std::max(m.last, part.first)));
}

int Rewriter::GroupingTarget(size_t* first, size_t* last) const {
  const auto& t = before_.tokens;
  for (size_t i = 0; i + 1 < t.size(); ++i) {
    const std::string& w = t[i].lower;
    bool groups = w == "by" || w == "per" || w == "each" || w == "every";
    if (!groups || (i > 0 && kOrderingWords.count(t[i - 1].lower))) continue;
    size_t j = i + 1;
    while (j < t.size() && (t[j].lower == "the" || t[j].lower == "each" || t[j].lower == "every")) ++j;
    if (j >= t.size() || t[j].kind != Token::Kind::kWord) continue;
    int m = before_.token_mention[j];
    *first = j;
    *last = m >= 0 ? before_.mentions[m].last : j;
    return static_cast<int>(i);
  }
  return -1;
}

void Rewriter::ApplyGrouping(std::string_view now_text, const LinkedQuestion& now, const Part& part) {
  const std::string target = TextOf(now_text, now, part.target_first, part.target_last);
  size_t first = 0, last = 0;
  if (GroupingTarget(&first, &last) >= 0) {
    Replace(first, last, target);
  } else {
    Add("by " + target);
  }
}

int Rewriter::FindSuperlative() const {
  for (size_t i = 0; i < before_.tokens.size(); ++i) {
    if (!Touched(i) && SuperlativeDirection(before_.tokens[i].lower) != 0) return static_cast<int>(i);
  }
  return -1;
}

int Rewriter::FindAggregate() const {
  for (size_t i = 0; i < before_.tokens.size(); ++i) {
    if (!Touched(i) && IsAggregateWord(before_.tokens[i].lower)) return static_cast<int>(i);
  }
  return -1;
}

void Rewriter::ApplySuperlative(const Part& part) {
  const int s = FindSuperlative();
  if (s < 0) {
    const int a = FindAggregate();
    if (a >= 0 && kMinMax.count(part.word)) {
      Replace(a, a, CapitalizeLike(before_.tokens[a].text, part.word));
      return;
    }
    return Fail("the previous question has no highest or lowest to change");
  }
  const Token& old = before_.tokens[s];
  if (SuperlativeDirection(old.lower) != SuperlativeDirection(part.word)) {
    if (!Replace(s, s, CapitalizeLike(old.text, Antonyms().at(old.lower)))) return;
  } else {
    touched_[s] = true;
  }
  if (part.count.empty()) return;
  // "top 3" after "top 5 stores" / "5 highest stores".
  for (size_t k : {static_cast<size_t>(s) + 1, static_cast<size_t>(s) - 1}) {
    if (k >= before_.tokens.size()) continue;
    int lit = before_.token_literal[k];
    if (lit >= 0 && IsNumberLiteral(before_.literals[lit])) {
      Replace(before_.literals[lit].first_token, before_.literals[lit].last_token, part.count);
      return;
    }
  }
  Fail("the previous question has no count to change to " + part.count);
}

void Rewriter::ApplyAggregate(const Part& part) {
  int a = FindAggregate();
  if (a < 0) {
    int s = FindSuperlative();
    if (s >= 0 && kMinMax.count(before_.tokens[s].lower)) a = s;
  }
  if (a >= 0) {
    Replace(a, a, CapitalizeLike(before_.tokens[a].text, part.word));
    return;
  }
  // "weekly sales by store" + "the average?" -> "average weekly sales by store".
  int m = MeasureMention(false, true);
  if (m < 0 || !MentionIsNumeric(before_.mentions[m])) return Fail("the previous question has no total or average to change");
  const Mention& measure = before_.mentions[m];
  edits_.push_back({before_.tokens[measure.first].begin, before_.tokens[measure.first].begin, part.word + " "});
  changes_.push_back("added '" + part.word + "' to '" + measure.text + "'");
}

bool Rewriter::MentionIsNumeric(const Mention& m) const {
  for (const SchemaCandidate& c : m.schema) {
    if (c.column >= 0 && schema_.Column(c.table, c.column).numeric) return true;
  }
  return false;
}

int Rewriter::MeasureMention(bool want_table, bool want_numeric) const {
  size_t group_first = 0, group_last = 0;
  const bool grouped = GroupingTarget(&group_first, &group_last) >= 0;
  int fallback = -1;
  for (size_t i = 0; i < before_.mentions.size(); ++i) {
    const Mention& m = before_.mentions[i];
    if (m.kind != Mention::Kind::kSchema || m.schema.empty() || Touched(m.first)) continue;
    if (grouped && m.first >= group_first && m.last <= group_last) continue;
    // A column followed by its value is a filter ("store 5", "type A").
    size_t next = m.last + 1;
    if (next < before_.tokens.size() && (before_.token_literal[next] >= 0 || before_.token_mention[next] >= 0)) {
      int nm = before_.token_mention[next];
      if (before_.token_literal[next] >= 0 || before_.mentions[nm].kind == Mention::Kind::kValue) continue;
    }
    bool is_table = m.schema[0].column < 0;
    if ((want_numeric && MentionIsNumeric(m)) || (want_table && is_table)) return static_cast<int>(i);
    if (fallback < 0) fallback = static_cast<int>(i);
  }
  return fallback;
}

void Rewriter::ApplySchema(std::string_view now_text, const LinkedQuestion& now, const Part& part) {
  const Mention& m = now.mentions[part.mention];
  const SchemaCandidate& best = m.schema.front();
  const bool is_table = best.column < 0;
  const bool numeric = MentionIsNumeric(m);
  if (!is_table && !numeric) {
    // A descriptive column alone ("what about type?") regroups.
    size_t first = 0, last = 0;
    if (GroupingTarget(&first, &last) >= 0) {
      Replace(first, last, m.text);
    } else {
      Add("by " + m.text);
    }
    return;
  }
  const int target = MeasureMention(is_table, numeric);
  if (target < 0) return Fail("could not tell what '" + m.text + "' replaces in the previous question");
  const Mention& old = before_.mentions[target];
  Replace(old.first, old.last, TextOf(now_text, now, part.first, part.last));
}

}  // namespace da::follow_up
