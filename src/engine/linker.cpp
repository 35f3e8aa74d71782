#include "engine/linker.h"

#include <algorithm>
#include <cctype>
#include <unordered_set>

#include "common/strings.h"
#include "engine/lexicon.h"

namespace da {
namespace {

constexpr size_t kMaxSpan = 4;
constexpr double kMinSchemaScore = 0.6;

// Generic English words that express query operations (aggregation, comparison, grouping,
// ordering, negation, ranking).
const std::unordered_set<std::string>& OperatorWords() {
  static const std::unordered_set<std::string> words = {
      "how", "many", "much", "number", "count", "total", "sum", "average", "avg", "mean",
      "maximum", "max", "minimum", "min", "highest", "lowest", "largest", "smallest", "biggest",
      "greatest", "most", "least", "fewest", "top", "bottom", "each", "per", "by", "sorted",
      "sort", "ordered", "order", "ascending", "descending", "asc", "desc", "alphabetically",
      "alphabetical", "increasing", "decreasing", "different", "distinct", "unique", "not",
      "no", "without", "never", "than", "more", "less", "fewer", "greater", "larger", "bigger",
      "higher", "lower", "smaller", "over", "under", "above", "below", "between", "and", "or",
      "before", "after", "since", "equal", "equals", "containing", "contains", "contain",
      "starting", "start", "starts", "begin", "begins", "beginning", "ending", "ends", "end",
      "like", "other", "except", "first", "last", "latest", "earliest", "oldest", "youngest",
      "newest", "recent", "longest", "shortest", "from", "to", "only", "both", "either",
      "neither", "nor", "n't", "none", "respective", "corresponding", "information", "details",
      "detail", "info", "exceed", "exceeds", "exceeding", "there", "arranged", "ranked",
  };
  return words;
}

struct TokenForms {
  const Token* token;
  bool stop = false;
  bool op = false;
  std::unordered_set<std::string> related;  // synonyms and related forms
};

bool IsAbbreviation(const std::string& shorter, const std::string& longer) {
  if (shorter.size() < 3 || shorter.size() >= longer.size()) return false;
  if (longer.compare(0, shorter.size(), shorter) != 0) return false;
  return !Lexicon::Get().IsKnownWord(shorter);
}

double MatchForms(const TokenForms& f, const NameWord& w) {
  const Token& t = *f.token;
  if (w.initial) return !f.stop && t.lower.size() > w.lower.size() && t.lower.starts_with(w.lower) ? 0.7 : 0;
  if (t.lower == w.lower || t.lemma == w.lemma || (!t.stem.empty() && t.stem == w.stem)) return 1.0;
  if (f.related.count(w.lemma) || f.related.count(w.lower)) return 0.75;
  if (IsAbbreviation(t.lower, w.lower) || IsAbbreviation(w.lower, t.lower)) return 0.6;
  return 0;
}

// Scores a span of question tokens against a name's words. Every content token of the span
// must match a distinct name word; stop words inside the span may be skipped.
double SpanScore(const std::vector<TokenForms>& forms, size_t first, size_t last,
                 const std::vector<NameWord>& words, bool* exact) {
  *exact = false;
  if (words.empty()) return 0;
  std::vector<bool> used(words.size(), false);
  double sum = 0;
  size_t matched = 0;
  bool all_exact = true;
  for (size_t i = first; i <= last; ++i) {
    double best = 0;
    size_t best_j = 0;
    for (size_t j = 0; j < words.size(); ++j) {
      if (used[j]) continue;
      double s = MatchForms(forms[i], words[j]);
      if (s > best) best = s, best_j = j;
    }
    if (best == 0) return 0;
    used[best_j] = true;
    sum += best;
    ++matched;
    if (best < 1.0 && !words[best_j].initial) all_exact = false;  // "first name" names fname exactly
  }
  if (matched == 0) return 0;
  double mean = sum / matched;
  double coverage = static_cast<double>(matched) / words.size();
  // Every question word matched a name word exactly, and no name word is left over.
  *exact = all_exact && coverage >= 1.0;
  return mean * (coverage >= 1.0 ? 1.0 : 0.55 + 0.35 * coverage);
}

bool IsCapitalized(const Token& t) {
  return !t.text.empty() && std::isupper(static_cast<unsigned char>(t.text[0]));
}

std::string SpanText(std::string_view question, const std::vector<Token>& tokens, size_t first,
                     size_t last) {
  return std::string(question.substr(tokens[first].begin, tokens[last].end - tokens[first].begin));
}

std::vector<ValueCandidate> LookUpValue(const std::string& phrase, const SchemaIndex& schema,
                                        const ValueIndex* values, bool partial) {
  std::vector<ValueCandidate> out;
  auto find_table = [&](const std::string& table, const std::string& column, int* t, int* c) {
    const auto& tables = schema.catalog().tables;
    for (size_t i = 0; i < tables.size(); ++i) {
      if (tables[i].name != table) continue;
      for (size_t j = 0; j < tables[i].columns.size(); ++j) {
        if (tables[i].columns[j].name == column) {
          *t = static_cast<int>(i), *c = static_cast<int>(j);
          return true;
        }
      }
    }
    return false;
  };
  if (values != nullptr) {
    std::vector<ValueHit> hits = partial ? values->Partial(phrase, 5) : values->Exact(phrase);
    for (const ValueHit& h : hits) {
      int t, c;
      if (find_table(h.table, h.column, &t, &c)) {
        out.push_back(ValueCandidate{t, c, h.value, h.count, h.score});
      }
    }
  }
  if (out.empty() && !partial) {
    for (const TopValue& v : schema.TopValuesEqual(phrase)) {
      out.push_back(ValueCandidate{v.table, v.column, v.value, v.count, 1.0});
    }
  }
  // Key columns hold codes, not names people say; prefer descriptive columns.
  std::stable_sort(out.begin(), out.end(), [&](const ValueCandidate& a, const ValueCandidate& b) {
    bool ka = schema.Column(a.table, a.column).key, kb = schema.Column(b.table, b.column).key;
    if (ka != kb) return !ka;
    return a.score > b.score;
  });
  return out;
}

}  // namespace

bool IsOperatorWord(const std::string& lower) { return OperatorWords().count(lower) > 0; }

bool IsTimeAdjective(const std::string& lower) {
  return lower == "yearly" || lower == "annual" || lower == "annually" || lower == "monthly" ||
         lower == "quarterly" || lower == "weekly" || lower == "daily";
}

double WordMatch(const Token& token, const NameWord& word) {
  TokenForms f;
  f.token = &token;
  for (const std::string& s : Lexicon::Get().Synonyms(token.lower)) f.related.insert(s);
  return MatchForms(f, word);
}

LinkedQuestion LinkQuestion(std::string_view question, const SchemaIndex& schema,
                            const ValueIndex* values) {
  LinkedQuestion q;
  q.tokens = Tokenize(question);
  q.literals = FindLiterals(q.tokens);
  const size_t n = q.tokens.size();
  q.token_mention.assign(n, -1);
  q.token_literal.assign(n, -1);
  for (size_t i = 0; i < q.literals.size(); ++i) {
    for (size_t k = q.literals[i].first_token; k <= q.literals[i].last_token && k < n; ++k) {
      q.token_literal[k] = static_cast<int>(i);
    }
  }
  const Lexicon& lex = Lexicon::Get();
  std::vector<TokenForms> forms(n);
  for (size_t i = 0; i < n; ++i) {
    const Token& t = q.tokens[i];
    forms[i].token = &t;
    forms[i].stop = t.kind != Token::Kind::kWord || lex.IsStopWord(t.lower);
    forms[i].op = IsOperatorWord(t.lower) || (t.lemma != t.lower && IsOperatorWord(t.lemma));  // "totals"
    if (t.kind == Token::Kind::kWord && !forms[i].stop && !forms[i].op) {
      for (const std::string& s : lex.Synonyms(t.lower)) forms[i].related.insert(s);
      for (const std::string& s : lex.Related(t.lower)) forms[i].related.insert(s);
      if (t.lemma != t.lower) {
        for (const std::string& s : lex.Related(t.lemma)) forms[i].related.insert(s);
      }
    }
  }

  struct Span {
    size_t first, last;
    double score;
    Mention mention;
  };
  std::vector<Span> spans;
  auto word_at = [&](size_t i) { return q.tokens[i].kind == Token::Kind::kWord; };

  // Quoted strings are values (or text to match) by the writer's own marking.
  for (size_t i = 0; i < n; ++i) {
    if (q.tokens[i].kind != Token::Kind::kQuoted) continue;
    Mention m;
    m.first = m.last = i;
    m.text = q.tokens[i].text;
    m.values = LookUpValue(m.text, schema, values, false);
    m.kind = m.values.empty() ? Mention::Kind::kString : Mention::Kind::kValue;
    spans.push_back(Span{i, i, 3.0, std::move(m)});
  }

  // Schema spans.
  for (size_t i = 0; i < n; ++i) {
    if (!word_at(i) || forms[i].stop) continue;
    for (size_t len = 1; len <= kMaxSpan && i + len <= n; ++len) {
      size_t last = i + len - 1;
      // Alone, "monthly" asks for a grouping; within a name ("weekly sales") it is a word of it.
      if (len == 1 && IsTimeAdjective(q.tokens[i].lower)) continue;
      // An ordinal word may be part of a name ("first name"); other literals end the span.
      if (!word_at(last) || (q.token_literal[last] >= 0 && !q.literals[q.token_literal[last]].ordinal)) break;
      if (forms[last].stop) continue;
      bool any_op = false;
      for (size_t k = i; k <= last; ++k) any_op = any_op || forms[k].op;
      Mention m;
      m.first = i, m.last = last;
      m.text = SpanText(question, q.tokens, i, last);
      auto consider = [&](int table, int column, const std::vector<NameWord>& words, double weight) {
        bool exact = false;
        double s = SpanScore(forms, i, last, words, &exact) * weight;
        if (any_op && !exact) return;
        if (s < kMinSchemaScore) return;
        for (SchemaCandidate& c : m.schema) {
          if (c.table == table && c.column == column) {
            c.score = std::max(c.score, s);
            return;
          }
        }
        m.schema.push_back(SchemaCandidate{table, column, s});
      };
      for (size_t t = 0; t < schema.tables().size(); ++t) {
        const TableEntry& te = schema.tables()[t];
        consider(static_cast<int>(t), -1, te.words, 1.0);
        consider(static_cast<int>(t), -1, te.label_words, 1.0);
        if (!te.expanded_words.empty()) consider(static_cast<int>(t), -1, te.expanded_words, 1.0);
        if (len == 1) consider(static_cast<int>(t), -1, te.description_words, 0.65);
      }
      for (const ColumnEntry& ce : schema.columns()) {
        consider(ce.table, ce.column, ce.words, 1.0);
        // A core of operator words alone ("total" of markdown.total_markdown) names nothing.
        bool core_names = ce.core.size() > 1 || std::any_of(ce.core.begin(), ce.core.end(), [](const NameWord& w) {
                            return !IsOperatorWord(w.lower);
                          });
        if (core_names && ce.core.size() != ce.words.size()) consider(ce.table, ce.column, ce.core, 0.97);
        consider(ce.table, ce.column, ce.label_words, 1.0);
        if (!ce.expanded_words.empty()) consider(ce.table, ce.column, ce.expanded_words, 1.0);
        if (len >= 2 && !any_op) {
          // "<part of a compound table name> <column>": "store type" for storesize.type (a
          // whole table name before a column stays a mention of its own: "stadium names").
          for (const NameWord& tw : schema.tables()[ce.table].expanded_words) {
            std::vector<NameWord> combined{tw};
            combined.insert(combined.end(), ce.words.begin(), ce.words.end());
            consider(ce.table, ce.column, combined, 0.95);
          }
        }
        if (len == 1) consider(ce.table, ce.column, ce.description_words, 0.62);
      }
      if (m.schema.empty()) continue;
      std::sort(m.schema.begin(), m.schema.end(),
                [](const SchemaCandidate& a, const SchemaCandidate& b) { return a.score > b.score; });
      double best = m.schema[0].score;
      // Keep the readings close to the best one.
      m.schema.erase(std::remove_if(m.schema.begin(), m.schema.end(),
                                    [&](const SchemaCandidate& c) { return c.score < best - 0.3; }),
                     m.schema.end());
      spans.push_back(Span{i, last, best * (1.0 + 0.25 * (len - 1)), std::move(m)});
    }
  }

  // Value spans: capitalised runs and any content words, looked up as whole phrases.
  for (size_t i = 0; i < n; ++i) {
    if (!word_at(i) && q.tokens[i].kind != Token::Kind::kNumber) continue;
    // A stop word is a value only when capitalised mid-sentence ("The Who"), not "Please ...".
    if (word_at(i) && forms[i].stop && !(IsCapitalized(q.tokens[i]) && i > 0)) continue;
    for (size_t len = kMaxSpan; len >= 1; --len) {
      size_t last = i + len - 1;
      if (last >= n) continue;
      bool ok = true;
      bool capital = false;
      for (size_t k = i; k <= last; ++k) {
        const Token& t = q.tokens[k];
        if (t.kind == Token::Kind::kPunct && t.text != "." && t.text != "-" && t.text != "&") ok = false;
        if (t.kind == Token::Kind::kQuoted) ok = false;
        if (IsCapitalized(t) && k > 0) capital = true;
      }
      if (!ok) continue;
      if (len == 1 && q.tokens[i].kind == Token::Kind::kNumber) continue;
      if (len == 1 && forms[i].op && !capital) continue;
      std::string phrase = SpanText(question, q.tokens, i, last);
      std::vector<ValueCandidate> hits = LookUpValue(phrase, schema, values, false);
      bool by_lemma = false;
      if (hits.empty() && len == 1 && word_at(i) && q.tokens[i].lemma != q.tokens[i].lower &&
          q.tokens[i].lemma.size() >= 4) {
        // A plural of a stored value ("republics" -> Republic).
        hits = LookUpValue(q.tokens[i].lemma, schema, values, false);
        for (ValueCandidate& h : hits) h.score *= 0.9;
        by_lemma = true;
      }
      if (hits.empty()) continue;
      Mention m;
      m.kind = Mention::Kind::kValue;
      m.first = i, m.last = last;
      m.text = phrase;
      m.values = std::move(hits);
      double weight = capital && !by_lemma ? 1.6 : 0.9;
      spans.push_back(Span{i, last, weight * (1.0 + 0.3 * (len - 1)), std::move(m)});
    }
  }

  // Greedy: strongest spans first, no overlaps.
  std::stable_sort(spans.begin(), spans.end(), [](const Span& a, const Span& b) { return a.score > b.score; });
  std::vector<bool> taken(n, false);
  std::vector<Mention> chosen;
  for (Span& s : spans) {
    bool free = true;
    for (size_t k = s.first; k <= s.last; ++k) free = free && !taken[k];
    if (!free) continue;
    for (size_t k = s.first; k <= s.last; ++k) taken[k] = true;
    chosen.push_back(std::move(s.mention));
  }
  std::sort(chosen.begin(), chosen.end(), [](const Mention& a, const Mention& b) { return a.first < b.first; });
  q.mentions = std::move(chosen);
  for (size_t m = 0; m < q.mentions.size(); ++m) {
    for (size_t k = q.mentions[m].first; k <= q.mentions[m].last; ++k) q.token_mention[k] = static_cast<int>(m);
  }
  return q;
}

}  // namespace da
