#include "ask/explanation.h"

#include <cctype>
#include <cmath>

#include "common/strings.h"
#include "viz/number_format.h"

namespace da {

namespace {

constexpr size_t kMaxSentences = 3;

std::string Capitalized(std::string s) {
  if (!s.empty()) s[0] = static_cast<char>(std::toupper(static_cast<unsigned char>(s[0])));
  return s;
}

// "a", "a and b", "a, b and c".
std::string ListOf(const std::vector<std::string>& items) {
  if (items.size() <= 1) return items.empty() ? "" : items[0];
  std::vector<std::string> head(items.begin(), items.end() - 1);
  return Join(head, ", ") + " and " + items.back();
}

std::string Rows(size_t n) { return FormatCount(static_cast<int64_t>(n)) + (n == 1 ? " row" : " rows"); }

// A measure value; millions and above also carry every digit when asked.
std::string Amount(double x, bool exact_too = false) {
  std::string s = FormatNumber(x);
  if (exact_too && std::fabs(x) >= 999999.95 && std::fabs(x) < 1e15) s += " (" + FormatExact(x) + ")";
  return s;
}

std::string ValueText(const Value& v) {
  if (IsNull(v)) return "empty (NULL)";
  if (const auto* i = std::get_if<int64_t>(&v)) {
    return std::llabs(*i) < 1000000 ? FormatCount(*i) : Amount(static_cast<double>(*i)) + " (" + FormatCount(*i) + ")";
  }
  if (const auto* d = std::get_if<double>(&v)) return Amount(*d, true);
  return std::get<std::string>(v);
}

std::string SignedPercent(double p) { return (p > 0 ? "+" : "") + FormatPercent(p); }

// "(−31%)", or "(down 1,234)" when the earlier value was 0.
std::string StepChange(const TrendStep& s) {
  if (s.change_pct) return "(" + SignedPercent(*s.change_pct) + ")";
  return std::string("(") + (s.change < 0 ? "down " : "up ") + FormatNumber(std::fabs(s.change)) + ")";
}

std::vector<std::string> TrendSentences(const MeasureSummary& m) {
  const Trend& t = *m.trend;
  const std::string name = Capitalized(InSentence(m.title));
  std::string first;
  if (t.change == 0) {
    first = name + " was " + Amount(t.first) + " in both " + t.first_label + " and " + t.last_label;
  } else {
    const std::string verb = t.change > 0 ? " rose " : " fell ";
    const std::string by =
        t.change_pct ? FormatPercent(std::fabs(*t.change_pct)) : "by " + FormatNumber(std::fabs(t.change));
    first = name + verb + by + " from " + t.first_label + " to " + t.last_label;
  }
  if (t.points >= 3 && t.largest_drop) {
    first += "; the biggest drop was in " + t.largest_drop->to + " " + StepChange(*t.largest_drop);
  } else if (t.points >= 3 && t.largest_rise) {
    first += "; the biggest rise was in " + t.largest_rise->to + " " + StepChange(*t.largest_rise);
  }
  std::vector<std::string> out = {first + "."};
  if (t.points >= 3 && t.peak.label != t.first_label && t.peak.label != t.last_label)
    out.push_back("The highest was " + Amount(t.peak.value) + " in " + t.peak.label + ".");
  return out;
}

std::vector<std::string> RankingSentences(const ResultSummary& s, const MeasureSummary& m) {
  const RankedItem& top = m.top[0];
  const std::string what = InSentence(m.title);
  const bool tie = m.top.size() >= 2 && m.top[1].value == top.value;
  std::string first = tie ? top.label + " and " + m.top[1].label + " tied for the highest " + what + " (" +
                                Amount(top.value) + ")"
                          : top.label + " had the highest " + what + " (" + Amount(top.value) + ")";
  if (m.top_share && !tie && s.label_count >= 2) {
    // Labels of one column count its values ("45 stores"); composite labels count rows.
    const size_t label_columns = ColumnsWith(s.roles, ColumnRole::kNominal).size() + (s.time_column >= 0 ? 1 : 0);
    const std::string noun = label_columns <= 1 ? PluralNoun(s.roles[s.label_column].title) : "rows";
    first += ", " + FormatPercent(*m.top_share) + " of the total across " +
             FormatCount(static_cast<int64_t>(s.label_count)) + " " + noun;
  }
  std::vector<std::string> out = {first + "."};
  const RankedItem& bottom = m.bottom[0];
  if (m.count >= 3 && bottom.value != top.value) {
    out.push_back(bottom.label + " had the lowest (" + Amount(bottom.value) + ").");
  }
  return out;
}

std::string CorrelationSentence(const ResultSummary& s, const Correlation& c) {
  auto title = [&](const std::string& column) {
    for (const auto& m : s.measures)
      if (m.column == column) return InSentence(m.title);
    return column;
  };
  const double a = std::fabs(c.r);
  const std::string pair = Capitalized(title(c.y)) + " and " + title(c.x);
  const std::string r = "(r = " + FormatNumber(std::round(c.r * 100) / 100) + ")";
  if (a < 0.1) return pair + " show almost no linear relationship " + r + ".";
  const char* strength = a >= 0.7 ? "strongly" : a >= 0.4 ? "moderately" : "weakly";
  return pair + " are " + strength + (c.r > 0 ? " positively" : " negatively") + " correlated " + r + ".";
}

// A one-row result of several columns: "Store 20 has total weekly sales of 301.4 million."
std::string OneRowSentence(const ResultSummary& s) {
  std::vector<std::string> parts;
  for (const auto& m : s.measures) {
    if (m.count == 0) continue;
    parts.push_back(InSentence(m.title) + (s.label_column >= 0 ? " of " : " is ") + Amount(m.top[0].value));
    if (parts.size() == 3) break;
  }
  if (parts.empty())
    return s.sample_labels.empty() ? "One row matched." : "One row matched: " + s.sample_labels[0] + ".";
  if (s.label_column >= 0) return s.sample_labels[0] + " has " + ListOf(parts) + ".";
  return Capitalized(ListOf(parts)) + ".";
}

std::vector<std::string> CoreSentences(std::string_view restatement, const ResultSummary& s) {
  if (s.single_value) {
    const std::string v = ValueText(*s.single_value);
    if (restatement.empty()) return {"The answer is " + v + "."};
    return {Capitalized(std::string(Trim(restatement))) + ": " + v + "."};
  }
  if (s.row_count == 1) return {OneRowSentence(s)};
  const MeasureSummary* m = nullptr;
  for (const auto& candidate : s.measures) {
    if (candidate.count > 0) {
      m = &candidate;
      break;
    }
  }
  std::vector<std::string> out;
  if (m && m->trend) {
    out = TrendSentences(*m);
  } else if (m && s.label_column >= 0 && m->count >= 2) {
    out = RankingSentences(s, *m);
  } else if (m && !s.correlation) {
    out.push_back(Capitalized(InSentence(m->title)) + " ranges from " + Amount(m->min) + " to " + Amount(m->max) +
                  " across " + Rows(m->count) + " (average " + Amount(m->mean) + ").");
  } else if (!m) {
    const size_t more = s.row_count - std::min(s.row_count, s.sample_labels.size());
    std::string list = ListOf(s.sample_labels);
    if (more > 0 && !s.sample_labels.empty())
      list = Join(s.sample_labels, ", ") + " and " + FormatCount(static_cast<int64_t>(more)) + " more";
    out.push_back(Capitalized(Rows(s.row_count)) + (list.empty() ? "." : ": " + list + "."));
  }
  if (s.correlation) out.push_back(CorrelationSentence(s, *s.correlation));
  return out;
}

}  // namespace

std::string TemplatedExplanation(std::string_view restatement, const ResultSummary& summary) {
  if (summary.row_count == 0) return "No rows matched, so there is nothing to report; the filters may be too narrow.";
  std::vector<std::string> sentences = CoreSentences(restatement, summary);
  const size_t room = summary.truncated ? kMaxSentences - 1 : kMaxSentences;
  if (sentences.size() > room) sentences.resize(room);
  if (summary.truncated) {
    sentences.push_back("Only the first " + Rows(summary.row_count) + " were returned, so totals may be incomplete.");
  }
  return Join(sentences, " ");
}

}  // namespace da
