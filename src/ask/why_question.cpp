#include "ask/why_question.h"

#include <algorithm>
#include <cctype>
#include <set>

#include "common/strings.h"

namespace da {

namespace {

using Words = std::vector<std::string>;

// Words that frame a why-question and say nothing about the data.
const std::set<std::string> kFraming = {
    "why", "did", "does", "do", "is", "are", "was", "were", "has", "have", "had", "how", "come", "what",
    "which", "caused", "cause", "causes", "drove", "drives", "driving", "explain", "explains", "explained",
    "reason", "reasons", "for", "behind", "led", "lead", "to", "the", "so", "much", "such", "a", "an", "there",
    "been", "made", "make", "account", "can", "you", "please", "me", "tell", "us", "it", "they", "this", "that",
    "these", "those", "its", "their"};

// Words that name the change asked about; the data is about the measure, not the change.
const std::set<std::string> kChange = {
    "drop", "dropped", "drops", "dropping", "rise", "rose", "rises", "rising", "increase", "increased",
    "increases", "decrease", "decreased", "decreases", "spike", "spiked", "dip", "dipped", "decline", "declined",
    "declining", "growth", "grew", "grow", "grown", "change", "changed", "fall", "fell", "falling", "jump",
    "jumped", "surge", "surged", "slump", "slumped", "plunge", "plunged", "peak", "peaked", "difference",
    "up", "down", "high", "higher", "low", "lower", "go", "went", "gone", "big", "small", "bad", "good",
    "better", "worse", "poor", "strong", "weak"};

const std::set<std::string> kMonths = {"january", "february", "march", "april", "may", "june", "july", "august",
                                       "september", "october", "november", "december", "jan", "feb", "mar",
                                       "apr", "jun", "jul", "aug", "sep", "sept", "oct", "nov", "dec"};

Words Split(std::string_view text) {
  Words words;
  std::string word;
  for (char c : text) {
    if (std::isalnum(static_cast<unsigned char>(c)) || c == '_' || c == '\'' || c == '-') {
      word += static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    } else if (!word.empty()) {
      words.push_back(std::move(word));
      word.clear();
    }
  }
  if (!word.empty()) words.push_back(std::move(word));
  return words;
}

bool IsYear(const std::string& w) {
  return w.size() == 4 && std::all_of(w.begin(), w.end(), ::isdigit) && (w[0] == '1' || w[0] == '2');
}

// The question without its framing and change words: "sales in march 2012".
Words Subject(const Words& words) {
  Words out;
  for (const auto& w : words) {
    if (kFraming.count(w) || kChange.count(w)) continue;
    out.push_back(w);
  }
  // A dangling preposition left at either end ("in", "of") says nothing alone.
  static const std::set<std::string> kEdges = {"in", "of", "on", "at", "by", "during", "over", "from", "last"};
  while (!out.empty() && kEdges.count(out.back())) out.pop_back();
  while (!out.empty() && kEdges.count(out.front())) out.erase(out.begin());
  return out;
}

// The subject with a month dropped (its year kept), so the months around it are compared.
Words WithoutMonth(const Words& subject) {
  Words out;
  for (size_t i = 0; i < subject.size(); ++i) {
    if (kMonths.count(subject[i])) {
      if (!out.empty() && (out.back() == "in" || out.back() == "during" || out.back() == "of")) {
        const bool year_follows = i + 1 < subject.size() && IsYear(subject[i + 1]);
        if (!year_follows) out.pop_back();
      }
      continue;
    }
    out.push_back(subject[i]);
  }
  return out;
}

}  // namespace

std::vector<std::string> WhyDataQuestions(std::string_view question) {
  const Words subject = Subject(Split(question));
  if (subject.empty()) return {};
  const bool has_year = std::any_of(subject.begin(), subject.end(), IsYear);
  const std::string base = Join(WithoutMonth(subject), " ");
  // Only groupings over time: the plain subject would list rows, which explains nothing.
  std::vector<std::string> out = {"total " + base + " by month", base + " by month"};
  if (!has_year) out.push_back("total " + base + " by year");
  // Distinct, in order.
  std::vector<std::string> unique;
  for (auto& q : out) {
    if (std::find(unique.begin(), unique.end(), q) == unique.end()) unique.push_back(std::move(q));
  }
  return unique;
}

}  // namespace da
