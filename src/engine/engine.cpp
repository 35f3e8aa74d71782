#include "engine/engine.h"

#include <algorithm>
#include <chrono>

#include "common/strings.h"
#include "engine/lexicon.h"
#include "engine/linker.h"
#include "engine/planner.h"
#include "engine/restatement.h"
#include "engine/schema_index.h"
#include "engine/sql_writer.h"

namespace da {
namespace {

size_t EditDistance(const std::string& a, const std::string& b) {
  std::vector<size_t> prev(b.size() + 1), cur(b.size() + 1);
  for (size_t j = 0; j <= b.size(); ++j) prev[j] = j;
  for (size_t i = 1; i <= a.size(); ++i) {
    cur[0] = i;
    for (size_t j = 1; j <= b.size(); ++j) {
      cur[j] = std::min({prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + (a[i - 1] == b[j - 1] ? 0 : 1)});
    }
    std::swap(prev, cur);
  }
  return prev[b.size()];
}

class RuleEngine : public Engine {
 public:
  RuleEngine(const Catalog& catalog, const ValueIndex* values, EngineOptions options)
      : schema_(catalog), values_(values), options_(options) {}

  EngineAnswer Answer(std::string_view question) const override {
    EngineAnswer a;
    auto t0 = std::chrono::steady_clock::now();
    LinkedQuestion linked = LinkQuestion(question, schema_, values_);
    auto t1 = std::chrono::steady_clock::now();
    PlanResult plan = PlanQuestion(linked, schema_);
    if (plan.ok) {
      a.sql = WriteSql(plan.plan, schema_, options_.dialect);
      a.restatement = Restate(plan.plan, schema_);
      a.confidence = a.sql.empty() ? 0 : plan.confidence;
      for (const QueryPlan& alt : plan.alternatives) {
        std::string r = Restate(alt, schema_);
        if (!r.empty() && r != a.restatement) a.alternatives.push_back(r);
      }
    }
    auto t2 = std::chrono::steady_clock::now();
    a.parse_ms = std::chrono::duration<double, std::milli>(t1 - t0).count();
    a.plan_ms = std::chrono::duration<double, std::milli>(t2 - t1).count();
    a.unknown_terms = plan.unknown_terms;
    for (const std::string& term : a.unknown_terms) {
      for (const std::string& s : Closest(term)) {
        if (std::find(a.suggestions.begin(), a.suggestions.end(), s) == a.suggestions.end()) a.suggestions.push_back(s);
      }
    }
    a.doubts = plan.doubts;
    if (plan.unknown_is_noun) {
      a.confidence *= 0.6;
      a.doubts.push_back("an unknown word names what to show (x0.60)");
    }
    a.answered = plan.ok && !a.sql.empty() && a.confidence >= options_.min_confidence;
    if (a.answered) {
      if (options_.default_limit > 0 && plan.plan.limit == 0) a.sql += LimitClause(options_.dialect, options_.default_limit);
      return a;
    }
    a.message = Explain(plan, a);
    a.sql.clear();
    return a;
  }

 private:
  // Schema names closest to a word: shared prefix or small edit distance, best first.
  std::vector<std::string> Closest(const std::string& term) const {
    std::string t = ToLower(term);
    std::vector<std::pair<double, std::string>> scored;
    auto consider = [&](const std::string& display, const std::string& name) {
      double best = 1e9;
      for (const std::string& w : SplitIdentifier(name)) {
        size_t d = EditDistance(t, w);
        size_t prefix = 0;
        while (prefix < t.size() && prefix < w.size() && t[prefix] == w[prefix]) ++prefix;
        double s = static_cast<double>(d) / std::max(t.size(), w.size()) - (prefix >= 3 ? 0.3 : 0);
        best = std::min(best, s);
      }
      if (best <= 0.5) scored.push_back({best, display});
    };
    const Catalog& c = schema_.catalog();
    for (const TableInfo& table : c.tables) {
      consider(table.name, table.name);
      for (const ColumnInfo& col : table.columns) consider(table.name + "." + col.name, col.name);
    }
    std::sort(scored.begin(), scored.end());
    std::vector<std::string> out;
    for (size_t i = 0; i < scored.size() && i < 3; ++i) out.push_back(scored[i].second);
    return out;
  }

  std::string Explain(const PlanResult& plan, const EngineAnswer& a) const {
    std::string closest = a.suggestions.empty() ? "" : "; closest: " + Join(a.suggestions, ", ");
    if (!a.unknown_terms.empty()) {
      std::vector<std::string> quoted;
      for (const std::string& t : a.unknown_terms) quoted.push_back("'" + t + "'");
      if (a.unknown_terms.size() == 1) {
        return "I don't know which column " + quoted[0] + " refers to" + closest;
      }
      return "I don't know what " + Join(quoted, ", ") + " refer to" + closest;
    }
    if (!plan.unplaced_words.empty()) {
      std::vector<std::string> quoted;
      for (const std::string& t : plan.unplaced_words) quoted.push_back("'" + t + "'");
      return "I did not understand what " + Join(quoted, ", ") + " applies to (I read the rest as: " +
             a.restatement + ")";
    }
    if (!plan.ok) return plan.problem.empty() ? "I did not understand the question" : plan.problem;
    if (a.sql.empty()) return "The tables this question needs are not connected by any key";
    return "I am not confident I understood the question (I read it as: " + a.restatement + ")";
  }

  SchemaIndex schema_;
  const ValueIndex* values_;
  EngineOptions options_;
};

}  // namespace

Result<std::unique_ptr<Engine>> Engine::Create(const Catalog& catalog, const ValueIndex* values,
                                               EngineOptions options) {
  if (catalog.tables.empty()) return Status::InvalidArgument("the dataset has no tables to ask about");
  if (options.min_confidence < 0 || options.min_confidence > 1) {
    return Status::InvalidArgument("min_confidence must be between 0 and 1");
  }
  return std::unique_ptr<Engine>(new RuleEngine(catalog, values, options));
}

}  // namespace da
