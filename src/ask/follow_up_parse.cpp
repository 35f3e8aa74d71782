// Reading the rest of a follow-up into parts (follow_up_internal.h).
#include <unordered_map>
#include <unordered_set>

#include "ask/follow_up_internal.h"
#include "common/strings.h"

namespace da::follow_up {

namespace {

using WordSet = std::unordered_set<std::string>;

// Words that carry no change of their own in a follow-up ("and for the 2011 one then?").
const WordSet kFiller = {"the", "a", "an", "then", "instead", "please", "too", "also", "again", "one",
                         "ones", "it", "that", "this", "those", "these", "them", "same", "thing", "things",
                         "do", "does", "of", "for", "in", "on", "at", "with", "during", "from", "to",
                         "as", "well", "broken", "down", "split", "grouped", "group", "breakdown", "rather",
                         "ok", "okay", "so", "and", "now", "only", "just", "'s", "year", "years", "question"};
const WordSet kGroupingWords = {"by", "per", "each", "every"};
const WordSet kAggregates = {"total", "sum", "average", "avg", "mean", "median"};

// Superlatives by direction; "max"/"min" are both aggregates and superlatives.
const std::unordered_map<std::string, int>& Directions() {
  static const std::unordered_map<std::string, int> d = {
      {"highest", 1},  {"most", 1},    {"largest", 1},   {"biggest", 1},  {"greatest", 1},
      {"top", 1},      {"best", 1},    {"maximum", 1},   {"max", 1},      {"longest", 1},
      {"oldest", 1},   {"earliest", 1}, {"lowest", -1},  {"least", -1},   {"fewest", -1},
      {"smallest", -1}, {"bottom", -1}, {"worst", -1},   {"minimum", -1}, {"min", -1},
      {"shortest", -1}, {"youngest", -1}, {"newest", -1}, {"latest", -1},
  };
  return d;
}

bool Usable(const Literal& l) {
  return !l.weak || l.kind == Literal::Kind::kMonth || l.kind == Literal::Kind::kQuarter;
}

// Whether schema mention `name` names the column or table of value mention `value` ("type"
// and "stores" around "A" in "type A stores").
bool NamesValueColumn(const Mention& name, const Mention& value, const SchemaIndex& schema) {
  for (const SchemaCandidate& c : name.schema) {
    for (const ValueCandidate& v : value.values) {
      if (c.table == v.table && (c.column < 0 || c.column == v.column)) return true;
      if (c.column >= 0 && EqualsIgnoreCase(schema.Info(c.table, c.column).name, schema.Info(v.table, v.column).name)) {
        return true;
      }
    }
  }
  return false;
}

class Parser {
 public:
  Parser(const LinkedQuestion& q, const SchemaIndex& schema) : q_(q), schema_(schema) {}

  Parsed Run() {
    for (size_t i = 0; i < q_.tokens.size();) i = Step(i);
    if (grouping_) out_.unknown.push_back(q_.tokens[grouping_at_].text);
    return std::move(out_);
  }

 private:
  Part* Last(Part::Kind kind, size_t adjacent_to) {
    if (out_.parts.empty()) return nullptr;
    Part& p = out_.parts.back();
    return p.kind == kind && p.last + 1 == adjacent_to ? &p : nullptr;
  }

  // Reads the part starting at token i; returns the next token.
  size_t Step(size_t i) {
    const Token& t = q_.tokens[i];
    if (t.kind == Token::Kind::kPunct) return i + 1;
    if (grouping_) return GroupingTarget(i);
    int lit = q_.token_literal[i];
    if (lit >= 0 && Usable(q_.literals[lit])) return LiteralPart(lit);
    int men = q_.token_mention[i];
    if (men >= 0) return MentionPart(men);
    const std::string& w = t.lower;
    if (kGroupingWords.count(w)) {
      grouping_ = true;
      grouping_at_ = i;
      return i + 1;
    }
    if (SuperlativeDirection(w) != 0 || IsAggregateWord(w)) {
      Part p;
      p.kind = SuperlativeDirection(w) != 0 ? Part::Kind::kSuperlative : Part::Kind::kAggregate;
      p.first = p.last = i;
      p.word = w;
      out_.parts.push_back(p);
      return i + 1;
    }
    if (!kFiller.count(w)) out_.unknown.push_back(t.text);
    return i + 1;
  }

  size_t GroupingTarget(size_t i) {
    const Token& t = q_.tokens[i];
    if (t.kind == Token::Kind::kWord && (t.lower == "the" || kGroupingWords.count(t.lower))) return i + 1;
    int men = q_.token_mention[i];
    size_t last = i;
    if (men >= 0) {
      last = q_.mentions[men].last;
    } else if (t.kind != Token::Kind::kWord) {
      out_.unknown.push_back(q_.tokens[grouping_at_].text);
      grouping_ = false;
      return i;
    }
    Part p;
    p.kind = Part::Kind::kGrouping;
    p.first = grouping_at_;
    p.last = last;
    p.target_first = i;
    p.target_last = last;
    p.mention = men;
    out_.parts.push_back(p);
    grouping_ = false;
    return last + 1;
  }

  size_t LiteralPart(int lit) {
    const Literal& l = q_.literals[lit];
    if (l.kind == Literal::Kind::kNumber) {
      if (Part* s = Last(Part::Kind::kSuperlative, l.first_token)) {  // "top 3"
        s->count = q_.tokens[l.first_token].text;
        s->last = l.last_token;
        return l.last_token + 1;
      }
    }
    Part p;
    p.kind = Part::Kind::kLiteral;
    p.first = l.first_token;
    p.last = l.last_token;
    p.literal = lit;
    if (Part* column = Last(Part::Kind::kSchema, l.first_token)) {  // "store 5", "the year 2011"
      p.mention = column->mention;
      p.first = column->first;
      out_.parts.pop_back();
    }
    out_.parts.push_back(p);
    return l.last_token + 1;
  }

  size_t MentionPart(int men) {
    const Mention& m = q_.mentions[men];
    if (m.kind == Mention::Kind::kString) {
      out_.unknown.push_back(m.text);
      return m.last + 1;
    }
    if (m.kind == Mention::Kind::kSchema) {
      Part* value = Last(Part::Kind::kValue, m.first);
      if (value && NamesValueColumn(m, q_.mentions[value->mention], schema_)) {  // "A stores"
        value->last = m.last;
        return m.last + 1;
      }
    }
    Part p;
    p.kind = m.kind == Mention::Kind::kValue ? Part::Kind::kValue : Part::Kind::kSchema;
    p.first = m.first;
    p.last = m.last;
    p.mention = men;
    if (p.kind == Part::Kind::kValue) {
      Part* column = Last(Part::Kind::kSchema, m.first);
      if (column && NamesValueColumn(q_.mentions[column->mention], m, schema_)) {  // "type A"
        p.first = column->first;
        out_.parts.pop_back();
      }
    }
    out_.parts.push_back(p);
    return m.last + 1;
  }

  const LinkedQuestion& q_;
  const SchemaIndex& schema_;
  Parsed out_;
  bool grouping_ = false;  // a grouping word waits for what to group by
  size_t grouping_at_ = 0;
};

}  // namespace

int SuperlativeDirection(const std::string& lower) {
  auto it = Directions().find(lower);
  return it == Directions().end() ? 0 : it->second;
}

bool IsAggregateWord(const std::string& lower) { return kAggregates.count(lower) > 0; }

bool Parsed::OnlyFilters() const {
  if (!unknown.empty() || parts.empty()) return false;
  for (const Part& p : parts) {
    if (p.kind != Part::Kind::kLiteral && p.kind != Part::Kind::kValue) return false;
  }
  return true;
}

Parsed ParseRemainder(const LinkedQuestion& q, const SchemaIndex& schema) { return Parser(q, schema).Run(); }

}  // namespace da::follow_up
