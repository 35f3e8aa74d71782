#include "eval/eval_diff.h"

#include <variant>

namespace da {

namespace {

// Text quoted, numbers bare: a difference between '1' and 1 is visible.
std::string Cell(const Value& v) {
  if (const auto* text = std::get_if<std::string>(&v)) return "'" + *text + "'";
  return ValueToString(v);
}

std::vector<std::string> RowsOf(Dataset* dataset, const std::string& sql, int64_t max_rows, const GuardLimits& limits) {
  std::vector<std::string> rows;
  if (sql.empty()) return rows;
  auto result = dataset->Query(sql, limits);
  if (!result.ok()) return rows;
  for (const auto& row : result->rows) {
    if (static_cast<int64_t>(rows.size()) >= max_rows) {
      rows.push_back("... (" + std::to_string(result->rows.size()) + (result->truncated ? "+" : "") + " rows)");
      break;
    }
    std::string line;
    for (size_t i = 0; i < row.size(); ++i) line += (i ? " | " : "") + Cell(row[i]);
    rows.push_back(std::move(line));
  }
  return rows;
}

RunSide SideOf(const QuestionRecord& r) { return RunSide{r.verdict, r.predicted_sql, r.error, {}}; }

nlohmann::json SideJson(const RunSide& side) {
  return {{"verdict", VerdictName(side.verdict)}, {"sql", side.sql}, {"error", side.error}, {"rows", side.rows}};
}

void AppendSide(const std::string& name, const RunSide& side, std::string* out) {
  *out += "  " + name + ": " + VerdictName(side.verdict);
  if (!side.error.empty()) *out += " (" + side.error + ")";
  *out += "\n";
  if (!side.sql.empty()) *out += "    sql:  " + side.sql + "\n";
  for (const auto& row : side.rows) *out += "    row:  " + row + "\n";
}

}  // namespace

nlohmann::json QuestionDifference::ToJson(const std::string& a_name, const std::string& b_name) const {
  return {{"index", index},         {"db_id", db_id},       {"question", question}, {"gold_sql", gold_sql},
          {"gold_rows", gold_rows}, {a_name, SideJson(a)}, {b_name, SideJson(b)}};
}

std::vector<QuestionDifference> DiffReports(const EvalReport& a, const EvalReport& b) {
  std::vector<QuestionDifference> out;
  const auto& ra = a.records();
  const auto& rb = b.records();
  for (size_t i = 0; i < ra.size() && i < rb.size(); ++i) {
    if (ra[i].verdict == rb[i].verdict) continue;
    QuestionDifference d;
    d.index = ra[i].index;
    d.db_id = ra[i].db_id;
    d.question = ra[i].question;
    d.gold_sql = ra[i].gold_sql;
    d.a = SideOf(ra[i]);
    d.b = SideOf(rb[i]);
    out.push_back(std::move(d));
  }
  return out;
}

void AddResultRows(std::vector<QuestionDifference>* differences, BenchDatabases* databases, int64_t max_rows,
                   const GuardLimits& limits) {
  for (auto& d : *differences) {
    auto truth = databases->Open(d.db_id);
    if (truth.ok()) {
      d.gold_rows = RowsOf(*truth, d.gold_sql, max_rows, limits);
      d.a.rows = RowsOf(*truth, d.a.sql, max_rows, limits);
    }
    auto target = databases->OpenTarget(d.db_id);
    if (target.ok()) d.b.rows = RowsOf(*target, d.b.sql, max_rows, limits);
  }
}

std::string DifferencesText(const std::vector<QuestionDifference>& differences, const std::string& a_name,
                            const std::string& b_name) {
  std::string out = "Questions whose verdict differs between " + a_name + " and " + b_name + ": " +
                    std::to_string(differences.size()) + "\n";
  for (const auto& d : differences) {
    out += "\n#" + std::to_string(d.index) + " " + d.db_id + ": " + d.question + "\n";
    out += "  gold: " + d.gold_sql + "\n";
    for (const auto& row : d.gold_rows) out += "    row:  " + row + "\n";
    AppendSide(a_name, d.a, &out);
    AppendSide(b_name, d.b, &out);
  }
  return out;
}

}  // namespace da
