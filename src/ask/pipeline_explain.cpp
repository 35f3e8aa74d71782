// Step 8 of the ask pipeline: facts computed by us, phrased by the explanation model or a template.
#include <algorithm>

#include "ask/explanation.h"
#include "ask/pipeline_internal.h"
#include "ask/prompt.h"
#include "ask/result_summary.h"

namespace da::ask_internal {

namespace {

// What privacy mode lets a model know about a result: its shape, no values.
nlohmann::json ShapeOnly(const QueryResult& result) {
  return {{"row_count", result.rows.size()}, {"columns", result.columns}, {"truncated", result.truncated}};
}

std::string Trimmed(const std::string& text) {
  const auto b = text.find_first_not_of(" \t\r\n");
  if (b == std::string::npos) return "";
  return text.substr(b, text.find_last_not_of(" \t\r\n") - b + 1);
}

}  // namespace

Result<llm::ChatResponse> CallModel(const RoleModel& role, llm::ChatRequest request, AskUsage& usage) {
  request.max_tokens = role.max_tokens;
  request.temperature = role.temperature;
  ++usage.calls;
  auto response = role.model->Chat(request);
  if (response.ok()) {
    usage.input_tokens += response->usage.input_tokens;
    usage.output_tokens += response->usage.output_tokens;
  }
  return response;
}

Explained ExplainResult(const RoleModel& model, const AskOptions& options, std::string_view question,
                        std::string_view restatement, std::string_view sql, const QueryResult& result,
                        AskUsage& usage) {
  const ResultSummary summary = Summarize(result);
  Explained out;
  out.facts = summary.ToJson();
  out.text = TemplatedExplanation(restatement, summary);
  if (model.model == nullptr) return out;

  llm::ChatRequest request;
  const size_t sample_rows = std::min(options.sample_rows, kMaxSampleRows);
  if (options.privacy_mode || sample_rows == 0) {
    request = BuildExplanationPrompt(question, restatement, sql,
                                     options.privacy_mode ? ShapeOnly(result) : out.facts, nullptr);
  } else {
    QueryResult sample;
    sample.columns = result.columns;
    sample.truncated = result.truncated;
    sample.rows.assign(result.rows.begin(), result.rows.begin() + std::min(sample_rows, result.rows.size()));
    request = BuildExplanationPrompt(question, restatement, sql, out.facts, &sample);
  }
  auto reply = CallModel(model, std::move(request), usage);
  if (!reply.ok()) {
    out.warning = "the explanation model failed (" + reply.status().ToString() + "); a computed explanation is shown";
    return out;
  }
  if (std::string text = Trimmed(reply->text); !text.empty()) {
    out.text = std::move(text);
  } else {
    out.warning = "the explanation model replied with nothing; a computed explanation is shown";
  }
  return out;
}

}  // namespace da::ask_internal
