#include "memory/question_operators.h"

#include <algorithm>
#include <string_view>

#include "engine/lexicon.h"
#include "engine/linker.h"
#include "common/strings.h"

namespace da {
namespace {

struct Phrase {
  std::vector<std::string> words;  // lowercase; a one-word phrase also matches the word's lemma
  std::string op;
};

// The closed list, general English only. Longer phrases come first where one extends another.
const std::vector<Phrase>& Phrases() {
  static const std::vector<Phrase> phrases = [] {
    const std::vector<std::pair<std::string_view, std::string_view>> table = {
        // comparison phrases before the single words they contain
        {"no more than", "<="}, {"not more than", "<="}, {"no less than", ">="},
        {"not less than", ">="}, {"no fewer than", ">="}, {"at least", ">="}, {"or more", ">="},
        {"at most", "<="}, {"or less", "<="}, {"or fewer", "<="}, {"up to", "<="},
        {"more than", ">"}, {"greater than", ">"}, {"higher than", ">"}, {"larger than", ">:size"},
        {"bigger than", ">:size"}, {"later than", ">:time"}, {"as of", "<=:time"}, {"as at", "<=:time"}, {"less than", "<"}, {"fewer than", "<"},
        {"lower than", "<"}, {"smaller than", "<:size"}, {"earlier than", "<:time"}, {"equal to", "="},
        {"other than", "not"}, {"how many", "count"}, {"number of", "count"}, {"count of", "count"},
        {"how much", "how-much"}, {"grouped by", "group"}, {"group by", "group"},
        {"broken down by", "group"}, {"sorted by", "order"}, {"sort by", "order"},
        {"ordered by", "order"}, {"order by", "order"}, {"ranked by", "order"},
        {"arranged by", "order"}, {"in order of", "order"},
        // single words
        {"over", ">"}, {"above", ">"}, {"exceeding", ">"}, {"exceeds", ">"}, {"exceed", ">"},
        {"beyond", ">"}, {"more", ">"}, {"greater", ">"}, {"higher", ">"}, {"larger", ">:size"},
        {"bigger", ">:size"}, {"under", "<"}, {"below", "<"}, {"less", "<"}, {"fewer", "<"},
        {"lower", "<"}, {"smaller", "<:size"}, {"after", ">:time"}, {"since", ">=:time"},
        {"before", "<:time"}, {"until", "<=:time"}, {"equal", "="}, {"equals", "="},
        {"exactly", "="}, {"between", "between"},
        {"highest", "max"}, {"most", "max"}, {"greatest", "max"}, {"maximum", "max"},
        {"max", "max"}, {"maximal", "max"}, {"top", "max:top"}, {"largest", "max:size"},
        {"biggest", "max:size"}, {"best", "max:best"}, {"lowest", "min"}, {"least", "min"},
        {"fewest", "min"}, {"minimum", "min"}, {"min", "min"}, {"minimal", "min"},
        {"bottom", "min:bottom"}, {"smallest", "min:size"}, {"worst", "min:worst"},
        {"total", "sum"}, {"sum", "sum"}, {"average", "avg"}, {"mean", "avg"}, {"avg", "avg"},
        {"count", "count"}, {"distinct", "distinct"}, {"different", "distinct"},
        {"unique", "distinct"}, {"not", "not"}, {"no", "not"}, {"without", "not"},
        {"except", "not"}, {"excluding", "not"}, {"exclude", "not"}, {"never", "not"},
        {"none", "not"}, {"neither", "not"}, {"nor", "not"}, {"cannot", "not"}, {"or", "or"},
        {"sorted", "order"}, {"sort", "order"}, {"ordered", "order"}, {"order", "order"},
        {"arranged", "order"}, {"ranked", "order"}, {"rank", "order"}, {"ranking", "order"},
        {"ascending", "asc"}, {"increasing", "asc"}, {"asc", "asc"}, {"alphabetical", "asc:alpha"},
        {"alphabetically", "asc:alpha"}, {"descending", "desc"}, {"decreasing", "desc"},
        {"desc", "desc"}, {"reverse", "desc"}, {"per", "group"}, {"by", "group"}, {"each", "group"},
        {"every", "group"}, {"limit", "limit"}, {"first", "first"}, {"last", "last"},
    };
    std::vector<Phrase> out;
    for (const auto& [words, op] : table) out.push_back(Phrase{Split(words, ' '), std::string(op)});
    std::stable_sort(out.begin(), out.end(),
                     [](const Phrase& a, const Phrase& b) { return a.words.size() > b.words.size(); });
    return out;
  }();
  return phrases;
}

// Units a grouping word or a frequency adjective can name: "per month", "monthly".
std::string TimeUnit(const Token& t) {
  static constexpr std::string_view kUnits[] = {"hour", "day", "week", "month", "quarter", "year"};
  for (std::string_view unit : kUnits) {
    if (t.lemma == unit || t.lower == unit) return std::string(unit);
  }
  static const std::pair<std::string_view, std::string_view> kAdjectives[] = {
      {"hourly", "hour"}, {"daily", "day"},         {"weekly", "week"},  {"monthly", "month"},
      {"quarterly", "quarter"}, {"yearly", "year"}, {"annual", "year"}, {"annually", "year"}};
  for (const auto& [adjective, unit] : kAdjectives) {
    if (t.lower == adjective) return std::string(unit);
  }
  return "";
}

bool IsFrequencyAdjective(const Token& t) { return IsTimeAdjective(t.lower) || t.lower == "hourly"; }

// The phrase matching at `i` (words consecutive, none skipped), or nullptr.
const Phrase* MatchAt(const std::vector<Token>& tokens, const std::vector<bool>& skip, size_t i) {
  for (const Phrase& p : Phrases()) {
    if (i + p.words.size() > tokens.size()) continue;
    bool match = true;
    for (size_t k = 0; k < p.words.size() && match; ++k) {
      const Token& t = tokens[i + k];
      match = !skip[i + k] && t.kind == Token::Kind::kWord &&
              (t.lower == p.words[k] || (p.words.size() == 1 && t.lemma == p.words[k]));
    }
    if (match) return &p;
  }
  return nullptr;
}

// A comparative not in the list, followed by "than" ("older than"), or any other superlative
// ("oldest"): classed by its lemma, since its direction depends on the attribute.
std::string DegreeClass(const std::vector<Token>& tokens, size_t i) {
  const Token& t = tokens[i];
  if (t.lemma == t.lower) return "";
  if (t.lower.ends_with("est")) return "sup:" + t.lemma;
  if (t.lower.ends_with("er") && i + 1 < tokens.size() && tokens[i + 1].lower == "than") return "cmp:" + t.lemma;
  return "";
}

// The operator at `i`, or an empty op. A grouping word before a time unit the schema does not
// name ("per month") asks for a time grain.
OperatorMatch MatchOperator(const std::vector<Token>& tokens, const std::vector<bool>& skip, size_t i) {
  const Token& t = tokens[i];
  if (t.lower.ends_with("n't")) return {"not", i, i};
  if (IsFrequencyAdjective(t)) return {"grain:" + TimeUnit(t), i, i};
  if (const Phrase* p = MatchAt(tokens, skip, i)) {
    OperatorMatch m{p->op, i, i + p->words.size() - 1};
    size_t unit = NextContentToken(tokens, m.last);
    if (m.op == "group" && unit < tokens.size() && !skip[unit] && !TimeUnit(tokens[unit]).empty()) {
      return {"grain:" + TimeUnit(tokens[unit]), i, unit};
    }
    return m;
  }
  if (std::string degree = DegreeClass(tokens, i); !degree.empty()) {
    return {degree, i, degree.starts_with("cmp:") ? i + 1 : i};  // with its "than"
  }
  return {};
}

}  // namespace

std::vector<OperatorMatch> FindOperators(const std::vector<Token>& tokens, const std::vector<bool>& skip) {
  std::vector<OperatorMatch> out;
  for (size_t i = 0; i < tokens.size(); ++i) {
    if (skip[i] || tokens[i].kind != Token::Kind::kWord) continue;
    OperatorMatch m = MatchOperator(tokens, skip, i);
    if (m.op.empty()) continue;
    i = m.last;
    out.push_back(std::move(m));
  }
  return out;
}

size_t NextContentToken(const std::vector<Token>& tokens, size_t i) {
  size_t k = i + 1;
  while (k < tokens.size() && tokens[k].kind == Token::Kind::kWord && Lexicon::Get().IsStopWord(tokens[k].lower)) ++k;
  return k;
}

bool IsDegreeWord(const Token& token) {
  static constexpr std::string_view kIrregular[] = {"more", "most", "less", "least", "fewer", "fewest",
                                                    "better", "best", "worse", "worst", "many", "much",
                                                    "few", "little"};
  for (std::string_view w : kIrregular) {
    if (token.lower == w) return true;
  }
  return token.lemma != token.lower && (token.lower.ends_with("er") || token.lower.ends_with("est"));
}

}  // namespace da
