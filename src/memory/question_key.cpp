#include "memory/question_key.h"

#include <algorithm>
#include <charconv>
#include <cmath>
#include <cstdio>

#include "common/strings.h"
#include "engine/lexicon.h"
#include "engine/linker.h"
#include "memory/question_operators.h"

namespace da {
namespace {

// A link is trusted (its element joins the signature, its words count as a name rather than
// an operation) from this score up; a data value becomes a slot from kMinValueScore up.
constexpr double kMinSchemaScore = 0.75;
constexpr double kMinValueScore = 0.85;

// Stop words that still change what is asked: the wh-word naming the answer ("who sold most"
// is not "what sold most"), deixis ("this year"), quantifiers ("all", "any"), approximation
// ("about 100") and inclusion.
bool KeepsStopWord(const std::string& lower) {
  static constexpr std::string_view kKept[] = {"who",   "whom",  "whose", "where", "when", "why",   "this",
                                               "these", "those", "all",   "every", "any",  "some",  "about",
                                               "including"};
  return std::find(std::begin(kKept), std::end(kKept), lower) != std::end(kKept);
}

// Punctuation that only separates or quotes ("?", ",", brackets). Any other ("+" in "5+",
// "<", "!=", "/", "-") may change what is asked and stays in the template.
bool IsSilentPunct(const std::string& text) {
  static constexpr std::string_view kSilent[] = {".", ",", "?", "!", ";", ":", "'", "\"", "(", ")",
                                                 "[", "]", "{", "}", "\u2026", "\u2014", "\u201c", "\u201d",
                                                 "\u2018", "\u2019"};
  return std::find(std::begin(kSilent), std::end(kSilent), text) != std::end(kSilent);
}

std::string FormatNumber(double v) {
  if (std::floor(v) == v && std::fabs(v) < 1e15) return std::to_string(static_cast<long long>(v));
  char buf[32];
  auto [end, ec] = std::to_chars(buf, buf + sizeof buf, v);
  return std::string(buf, end);
}

std::string TwoDigits(int v) {
  char buf[8];
  std::snprintf(buf, sizeof buf, "%02d", v);
  return buf;
}

std::string SpanText(std::string_view question, const std::vector<Token>& tokens, size_t first, size_t last) {
  return std::string(question.substr(tokens[first].begin, tokens[last].end - tokens[first].begin));
}

std::string ElementName(const SchemaIndex& schema, int table, int column) {
  if (column < 0) return schema.TableName(table);
  return schema.TableName(table) + "." + schema.Info(table, column).name;
}

Slot SlotFromLiteral(const Literal& l) {
  Slot s;
  switch (l.kind) {
    case Literal::Kind::kNumber:
      s.kind = Slot::Kind::kNumber, s.value = FormatNumber(l.value);
      s.ordinal = l.ordinal, s.percent = l.percent;
      break;
    case Literal::Kind::kYear:
      s.kind = Slot::Kind::kYear, s.value = FormatNumber(l.value);
      break;
    case Literal::Kind::kMonth:
      s.kind = Slot::Kind::kMonth, s.with_year = l.year.has_value();
      s.value = (l.year ? std::to_string(*l.year) + "-" : "") + TwoDigits(static_cast<int>(l.value));
      break;
    case Literal::Kind::kQuarter:
      s.kind = Slot::Kind::kQuarter, s.with_year = l.year.has_value();
      s.value = (l.year ? std::to_string(*l.year) + "-" : "") + "Q" + FormatNumber(l.value);
      break;
    case Literal::Kind::kDate:
      s.kind = Slot::Kind::kDate, s.value = l.text;
      break;
    case Literal::Kind::kString:
      s.kind = Slot::Kind::kString, s.value = l.text;
      break;
  }
  return s;
}

// The template word of token `i`, or "" when the template leaves it out (stop words, silent
// punctuation). Degree and operator words keep their own form: WordNet's lemma of "highest" is "high".
std::string TemplateWord(const std::vector<Token>& tokens, size_t i) {
  const Token& t = tokens[i];
  if (t.kind == Token::Kind::kPunct) return IsSilentPunct(t.text) ? "" : t.text;
  if (t.kind != Token::Kind::kWord) return t.lower;
  const bool before_degree = i + 1 < tokens.size() && (tokens[i + 1].lower == "least" || tokens[i + 1].lower == "most");
  if (Lexicon::Get().IsStopWord(t.lower) && !KeepsStopWord(t.lower) && !before_degree) return "";
  return IsDegreeWord(t) || IsOperatorWord(t.lower) ? t.lower : t.lemma;
}

// What starts at a token: a slot, a trusted schema link or an operator phrase, each with its
// last token. Everything else is a word.
struct Span {
  enum class Kind { kWord, kSlot, kLink, kOperator } kind = Kind::kWord;
  size_t last = 0;
  Slot slot;         // kSlot
  std::string term;  // kLink: the element; kOperator: the class
};

class Analyzer {
 public:
  Analyzer(std::string_view question, const SchemaIndex& schema, const ValueIndex* values)
      : question_(question), schema_(schema), q_(LinkQuestion(question, schema, values)) {}

  QuestionKey Run() {
    QuestionKey key;
    FindSpans();
    CollectSchema(&key);
    std::vector<std::string> words, exact;
    for (size_t i = 0; i < q_.tokens.size(); i = spans_[i].last + 1) {
      if (spans_[i].kind == Span::Kind::kSlot) {
        AddSlot(spans_[i].slot, &key, &words, &exact);
      } else {
        AddWords(i, &key, &words, &exact);
      }
    }
    key.template_text = Join(words, " ");
    key.exact_text = Join(exact, " ");
    return key;
  }

 private:
  static void AddSlot(const Slot& slot, QuestionKey* key, std::vector<std::string>* words, std::vector<std::string>* exact) {
    std::string placeholder = slot.Placeholder();
    words->push_back(placeholder);
    exact->push_back(placeholder.substr(0, placeholder.size() - 1) + "=" + slot.value + ">");
    key->signature.push_back(std::move(placeholder));
    key->slots.push_back(slot);
  }

  // The template words of the span at `i`; its signature term (a link's element, an operator's
  // class) or, for plain words, the words themselves.
  void AddWords(size_t i, QuestionKey* key, std::vector<std::string>* words, std::vector<std::string>* exact) const {
    const Span& span = spans_[i];
    std::vector<std::string> span_words;
    for (size_t k = i; k <= span.last; ++k) {
      if (std::string w = TemplateWord(q_.tokens, k); !w.empty()) span_words.push_back(std::move(w));
    }
    if (span.kind == Span::Kind::kOperator && span_words.empty()) {  // all stop words ("as of"): still asked
      for (size_t k = i; k <= span.last; ++k) span_words.push_back(q_.tokens[k].lower);
    }
    words->insert(words->end(), span_words.begin(), span_words.end());
    exact->insert(exact->end(), span_words.begin(), span_words.end());
    if (span.kind == Span::Kind::kOperator) key->operators.push_back(span.term);
    if (span.kind == Span::Kind::kWord) {
      key->signature.insert(key->signature.end(), span_words.begin(), span_words.end());
    } else {
      key->signature.push_back(span.term);
    }
  }

  // Slots and links first (a data value before a literal it covers), then operator phrases
  // among the tokens left; every other token is a word span of its own.
  void FindSpans() {
    const size_t n = q_.tokens.size();
    spans_.assign(n, Span{});
    for (size_t i = 0; i < n; ++i) spans_[i].last = i;
    std::vector<bool> taken(n, false);
    for (size_t i = 0; i < n; ++i) {
      Span span;
      if (!SlotAt(i, &span) && !LinkAt(i, &span)) continue;
      for (size_t k = i; k <= span.last; ++k) taken[k] = true;
      spans_[i] = std::move(span);
      i = spans_[i].last;
    }
    for (OperatorMatch& m : FindOperators(q_.tokens, taken)) {
      spans_[m.first] = Span{Span::Kind::kOperator, m.last, Slot{}, std::move(m.op)};
    }
  }

  bool SlotAt(size_t i, Span* span) const {
    const Mention* m = MentionStartingAt(i);
    if (m != nullptr && ValueSlot(*m, &span->slot)) {
      span->last = m->last;
    } else if (const Literal* l = SlotLiteralStartingAt(i)) {
      span->slot = SlotFromLiteral(*l);
      span->last = l->last_token;
    } else {
      return false;
    }
    span->kind = Span::Kind::kSlot;
    span->slot.text = SpanText(question_, q_.tokens, i, span->last);
    return true;
  }

  bool LinkAt(size_t i, Span* span) const {
    const Mention* m = MentionStartingAt(i);
    std::string element = m != nullptr ? SchemaElement(*m) : "";
    if (element.empty()) return false;
    *span = Span{Span::Kind::kLink, m->last, Slot{}, std::move(element)};
    return true;
  }

  void CollectSchema(QuestionKey* key) const {
    for (const Span& span : spans_) {
      if (span.kind == Span::Kind::kLink) key->schema.push_back(span.term);
      if (span.kind == Span::Kind::kSlot && !span.slot.column.empty()) key->schema.push_back(span.slot.column);
    }
    std::sort(key->schema.begin(), key->schema.end());
    key->schema.erase(std::unique(key->schema.begin(), key->schema.end()), key->schema.end());
  }

  // The value slot of mention `m` when it names a data value well enough.
  bool ValueSlot(const Mention& m, Slot* slot) const {
    if (m.kind != Mention::Kind::kValue || m.values.empty() || m.values[0].score < kMinValueScore) return false;
    const ValueCandidate& v = m.values[0];
    slot->kind = Slot::Kind::kValue;
    slot->value = v.value;
    slot->column = ElementName(schema_, v.table, v.column);
    return true;
  }
  // The element mention `m` links to well enough, or "".
  std::string SchemaElement(const Mention& m) const {
    if (m.kind != Mention::Kind::kSchema || m.schema.empty() || m.schema[0].score < kMinSchemaScore) return "";
    return ElementName(schema_, m.schema[0].table, m.schema[0].column);
  }
  const Mention* MentionStartingAt(size_t i) const {
    int m = q_.token_mention[i];
    return m >= 0 && q_.mentions[m].first == i ? &q_.mentions[m] : nullptr;
  }
  const Literal* SlotLiteralStartingAt(size_t i) const {
    int l = q_.token_literal[i];
    return l >= 0 && q_.literals[l].first_token == i && !q_.literals[l].weak ? &q_.literals[l] : nullptr;
  }

  std::string_view question_;
  const SchemaIndex& schema_;
  LinkedQuestion q_;
  std::vector<Span> spans_;  // per token; meaningful where a span starts
};

const std::pair<Slot::Kind, const char*> kKindNames[] = {
    {Slot::Kind::kNumber, "number"}, {Slot::Kind::kYear, "year"},     {Slot::Kind::kMonth, "month"},
    {Slot::Kind::kQuarter, "quarter"}, {Slot::Kind::kDate, "date"}, {Slot::Kind::kString, "string"},
    {Slot::Kind::kValue, "value"}};

Result<Slot> SlotFromJson(const nlohmann::json& j) {
  if (!j.is_object()) return Status::Corruption("a slot is not an object");
  for (const char* field : {"kind", "text", "value", "column"}) {
    if (!j.contains(field) || !j[field].is_string()) {
      return Status::Corruption(std::string("a slot's \"") + field + "\" is missing or not a string");
    }
  }
  for (const char* field : {"ordinal", "percent", "with_year"}) {
    if (!j.contains(field) || !j[field].is_boolean()) {
      return Status::Corruption(std::string("a slot's \"") + field + "\" is missing or not a boolean");
    }
  }
  Slot s;
  const std::string kind = j["kind"];
  auto it = std::find_if(std::begin(kKindNames), std::end(kKindNames), [&](const auto& k) { return kind == k.second; });
  if (it == std::end(kKindNames)) return Status::Corruption("unknown slot kind \"" + kind + "\"");
  s.kind = it->first;
  s.text = j["text"], s.value = j["value"], s.column = j["column"];
  s.ordinal = j["ordinal"], s.percent = j["percent"], s.with_year = j["with_year"];
  return s;
}

Status StringsFromJson(const nlohmann::json& j, const char* field, std::vector<std::string>* out) {
  auto it = j.find(field);
  if (it == j.end() || !it->is_array()) return Status::Corruption(std::string("\"") + field + "\" is missing or not an array");
  for (const nlohmann::json& item : *it) {
    if (!item.is_string()) return Status::Corruption(std::string("\"") + field + "\" holds a non-string");
    out->push_back(item);
  }
  return Status::Ok();
}

}  // namespace

const char* SlotKindName(Slot::Kind kind) {
  for (const auto& [k, name] : kKindNames) {
    if (k == kind) return name;
  }
  return "?";
}

std::string Slot::Placeholder() const {
  switch (kind) {
    case Kind::kNumber: return ordinal ? "<ordinal>" : percent ? "<percent>" : "<number>";
    case Kind::kMonth: return with_year ? "<year-month>" : "<month>";
    case Kind::kQuarter: return with_year ? "<year-quarter>" : "<quarter>";
    case Kind::kValue: return "<value:" + column + ">";
    default: return std::string("<") + SlotKindName(kind) + ">";
  }
}

std::string QuestionKey::SignatureKey() const { return Join(signature, " "); }

nlohmann::json QuestionKey::ToJson() const {
  nlohmann::json j = {{"template", template_text}, {"exact", exact_text}, {"schema", schema},
                      {"operators", operators}, {"signature", signature}, {"slots", nlohmann::json::array()}};
  for (const Slot& s : slots) {
    j["slots"].push_back({{"kind", SlotKindName(s.kind)}, {"text", s.text}, {"value", s.value},
                          {"column", s.column}, {"ordinal", s.ordinal}, {"percent", s.percent},
                          {"with_year", s.with_year}});
  }
  return j;
}

Result<QuestionKey> QuestionKey::FromJson(const nlohmann::json& j) {
  if (!j.is_object()) return Status::Corruption("a question key is not an object");
  for (const char* field : {"template", "exact"}) {
    if (!j.contains(field) || !j[field].is_string()) {
      return Status::Corruption(std::string("\"") + field + "\" is missing or not a string");
    }
  }
  QuestionKey key;
  key.template_text = j["template"];
  key.exact_text = j["exact"];
  DA_RETURN_IF_ERROR(StringsFromJson(j, "schema", &key.schema));
  DA_RETURN_IF_ERROR(StringsFromJson(j, "operators", &key.operators));
  DA_RETURN_IF_ERROR(StringsFromJson(j, "signature", &key.signature));
  if (!j.contains("slots") || !j["slots"].is_array()) return Status::Corruption("\"slots\" is missing or not an array");
  for (const nlohmann::json& item : j["slots"]) {
    DA_ASSIGN_OR_RETURN(Slot slot, SlotFromJson(item));
    key.slots.push_back(std::move(slot));
  }
  return key;
}

QuestionKey AnalyzeQuestion(std::string_view question, const SchemaIndex& schema, const ValueIndex* values) {
  return Analyzer(question, schema, values).Run();
}

}  // namespace da
