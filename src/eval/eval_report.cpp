#include "eval/eval_report.h"

#include <algorithm>
#include <cmath>
#include <cstdarg>
#include <cstdio>

namespace da {

namespace {

std::string Percent(double ratio) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.1f%%", ratio * 100);
  return buf;
}

std::string Millis(double ms) {
  char buf[32];
  std::snprintf(buf, sizeof buf, ms < 1 ? "%.3f ms" : (ms < 10 ? "%.2f ms" : "%.1f ms"), ms);
  return buf;
}

std::string Format(const char* fmt, ...) __attribute__((format(printf, 1, 2)));
std::string Format(const char* fmt, ...) {
  char buf[512];
  va_list args;
  va_start(args, fmt);
  std::vsnprintf(buf, sizeof buf, fmt, args);
  va_end(args);
  return buf;
}

// A ratio over an empty denominator shows as "-" in tables, not as a misleading 0.0%.
std::string TallyRow(const std::string& label, const Tally& t) {
  const std::string accuracy = t.asked ? Percent(t.accuracy()) : "-";
  const std::string coverage = t.asked ? Percent(t.coverage()) : "-";
  const std::string precision = t.answered ? Percent(t.precision()) : "-";
  return Format("  %-32s %6lld %9lld %8lld %9s %9s %10s\n", label.c_str(), static_cast<long long>(t.asked),
                static_cast<long long>(t.answered), static_cast<long long>(t.correct), accuracy.c_str(),
                coverage.c_str(), precision.c_str());
}

std::string TallyHeader(const char* label) {
  return Format("  %-32s %6s %9s %8s %9s %9s %10s\n", label, "asked", "answered", "correct", "accuracy", "coverage",
                "precision");
}

// One line of SQL for the prediction file.
std::string OneLine(const std::string& sql) {
  std::string out = sql;
  for (char& c : out)
    if (c == '\n' || c == '\r' || c == '\t') c = ' ';
  return out;
}

}  // namespace

const char* VerdictName(Verdict verdict) {
  switch (verdict) {
    case Verdict::kSkipped: return "skipped";
    case Verdict::kGoldError: return "gold_error";
    case Verdict::kUnanswered: return "unanswered";
    case Verdict::kCorrect: return "correct";
    case Verdict::kWrong: return "wrong";
  }
  return "wrong";
}

nlohmann::json QuestionRecord::ToJson() const {
  nlohmann::json j = {{"index", index},
                      {"db_id", db_id},
                      {"question", question},
                      {"gold", gold_sql},
                      {"shape", QueryShapeName(shape)},
                      {"ordered", ordered},
                      {"verdict", VerdictName(verdict)},
                      {"answered", answered},
                      {"correct", verdict == Verdict::kCorrect},
                      {"predicted", answered ? nlohmann::json(predicted_sql) : nlohmann::json(nullptr)},
                      {"error", error.empty() ? nlohmann::json(nullptr) : nlohmann::json(error)},
                      {"unreliable", unreliable},
                      {"latency_ms", answerer_ran ? nlohmann::json(latency_ms) : nlohmann::json(nullptr)},
                      {"confidence", confidence}};
  if (!restatement.empty()) j["restatement"] = restatement;
  if (!message.empty()) j["message"] = message;
  if (!doubts.empty()) j["doubts"] = doubts;
  if (gold_rows >= 0) j["gold_rows"] = gold_rows;
  if (predicted_rows >= 0) j["predicted_rows"] = predicted_rows;
  return j;
}

void Tally::Add(const QuestionRecord& record) {
  if (record.verdict == Verdict::kSkipped || record.verdict == Verdict::kGoldError) return;
  ++asked;
  if (record.answered) ++answered;
  if (record.verdict == Verdict::kCorrect) ++correct;
}

nlohmann::json Tally::ToJson() const {
  return {{"asked", asked},         {"answered", answered},     {"correct", correct},
          {"accuracy", accuracy()}, {"coverage", coverage()}, {"precision", precision()}};
}

Tally EvalReport::Overall() const {
  Tally t;
  for (const auto& r : records_) t.Add(r);
  return t;
}

std::map<std::string, Tally> EvalReport::PerDatabase() const {
  std::map<std::string, Tally> out;
  for (const auto& r : records_)
    if (r.verdict != Verdict::kSkipped) out[r.db_id].Add(r);
  return out;
}

std::map<QueryShape, Tally> EvalReport::PerShape() const {
  std::map<QueryShape, Tally> out;
  for (const auto& r : records_)
    if (r.verdict != Verdict::kSkipped) out[r.shape].Add(r);
  return out;
}

int64_t EvalReport::Count(Verdict verdict) const {
  return std::count_if(records_.begin(), records_.end(), [&](const QuestionRecord& r) { return r.verdict == verdict; });
}

int64_t EvalReport::UnreliableCount() const {
  return std::count_if(records_.begin(), records_.end(), [](const QuestionRecord& r) { return r.unreliable; });
}

std::map<std::string, std::pair<int64_t, std::string>> EvalReport::SkippedDatabases() const {
  std::map<std::string, std::pair<int64_t, std::string>> out;
  for (const auto& r : records_) {
    if (r.verdict != Verdict::kSkipped) continue;
    auto& entry = out[r.db_id];
    ++entry.first;
    entry.second = r.error;
  }
  return out;
}

double EvalReport::LatencyPercentile(double p) const {
  std::vector<double> latencies;
  for (const auto& r : records_)
    if (r.answerer_ran) latencies.push_back(r.latency_ms);
  if (latencies.empty()) return 0;
  std::sort(latencies.begin(), latencies.end());
  const size_t rank = static_cast<size_t>(std::ceil(p / 100.0 * static_cast<double>(latencies.size())));
  return latencies[std::clamp<size_t>(rank, 1, latencies.size()) - 1];
}

std::string EvalReport::ToText() const {
  const Tally all = Overall();
  std::string out;
  out += Format("Execution accuracy  %7s  (%lld correct of %lld asked)\n", Percent(all.accuracy()).c_str(),
                static_cast<long long>(all.correct), static_cast<long long>(all.asked));
  out += Format("Coverage            %7s  (%lld answered of %lld asked)\n", Percent(all.coverage()).c_str(),
                static_cast<long long>(all.answered), static_cast<long long>(all.asked));
  out += Format("Precision           %7s  (%lld correct of %lld answered)\n", Percent(all.precision()).c_str(),
                static_cast<long long>(all.correct), static_cast<long long>(all.answered));
  out += "Answer latency      p50 " + Millis(LatencyPercentile(50)) + ", p95 " + Millis(LatencyPercentile(95)) +
         " (parse + plan)\n";
  out += Format("Questions           %zu in the run: %lld asked, %lld skipped (database missing), %lld gold "
                "errors; %lld comparisons unreliable (row cap)\n",
                records_.size(), static_cast<long long>(all.asked), static_cast<long long>(Count(Verdict::kSkipped)),
                static_cast<long long>(Count(Verdict::kGoldError)), static_cast<long long>(UnreliableCount()));

  out += "\nBy query shape of the gold SQL (first match: set operation, nested, join, group by, single table):\n";
  out += TallyHeader("shape");
  const auto shapes = PerShape();
  for (int s = 0; s < kQueryShapeCount; ++s) {
    const auto shape = static_cast<QueryShape>(s);
    auto it = shapes.find(shape);
    out += TallyRow(QueryShapeName(shape), it == shapes.end() ? Tally() : it->second);
  }
  out += "\nBy database:\n";
  out += TallyHeader("db_id");
  for (const auto& [db, tally] : PerDatabase()) out += TallyRow(db, tally);

  if (Count(Verdict::kGoldError) > 0) {
    out += "\nGold SQL errors (not scored):\n";
    for (const auto& r : records_)
      if (r.verdict == Verdict::kGoldError) out += Format("  #%zu %s: ", r.index, r.db_id.c_str()) + r.error + "\n";
  }
  const auto skipped = SkippedDatabases();
  if (!skipped.empty()) {
    out += "\nSkipped databases (their questions are not scored):\n";
    for (const auto& [db, entry] : skipped)
      out += Format("  %s: %lld questions; ", db.c_str(), static_cast<long long>(entry.first)) + entry.second + "\n";
  }
  return out;
}

nlohmann::json EvalReport::ToJson() const {
  const Tally all = Overall();
  nlohmann::json summary = all.ToJson();
  summary["questions"] = records_.size();
  summary["skipped"] = Count(Verdict::kSkipped);
  summary["gold_errors"] = Count(Verdict::kGoldError);
  summary["unanswered"] = Count(Verdict::kUnanswered);
  summary["wrong"] = Count(Verdict::kWrong);
  summary["unreliable"] = UnreliableCount();

  nlohmann::json per_shape = nlohmann::json::object();
  for (const auto& [shape, tally] : PerShape()) per_shape[QueryShapeName(shape)] = tally.ToJson();
  nlohmann::json per_db = nlohmann::json::object();
  for (const auto& [db, tally] : PerDatabase()) per_db[db] = tally.ToJson();
  nlohmann::json skipped = nlohmann::json::object();
  for (const auto& [db, entry] : SkippedDatabases()) skipped[db] = {{"questions", entry.first}, {"reason", entry.second}};
  nlohmann::json questions = nlohmann::json::array();
  for (const auto& r : records_) questions.push_back(r.ToJson());

  return {{"summary", summary},
          {"latency_ms", {{"p50", LatencyPercentile(50)}, {"p95", LatencyPercentile(95)}, {"max", LatencyPercentile(100)}}},
          {"per_shape", per_shape},
          {"per_database", per_db},
          {"skipped_databases", skipped},
          {"questions", questions}};
}

std::string EvalReport::PredictionsText() const {
  std::string out;
  for (const auto& r : records_) {
    const bool has_sql = r.answered && r.verdict != Verdict::kSkipped;
    out += has_sql ? OneLine(r.predicted_sql) : "SELECT 1";
    out += '\n';
  }
  return out;
}

}  // namespace da
