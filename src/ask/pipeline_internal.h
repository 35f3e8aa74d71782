// Pieces of the ask pipeline shared by its source files (not a public header).
#pragma once

#include <chrono>
#include <string>
#include <string_view>

#include <nlohmann/json.hpp>

#include "ask/pipeline.h"
#include "common/query_result.h"
#include "common/status.h"
#include "llm/provider.h"

namespace da::ask_internal {

using Clock = std::chrono::steady_clock;

inline double MillisSince(Clock::time_point start) {
  return std::chrono::duration<double, std::milli>(Clock::now() - start).count();
}

// Sends `request` to `role`'s model with the role's max_tokens and temperature, and counts the
// call and its tokens into `usage` (a failed call counts as a call).
Result<llm::ChatResponse> CallModel(const RoleModel& role, llm::ChatRequest request, AskUsage& usage);

struct Explained {
  std::string text;       // the explanation shown
  nlohmann::json facts;   // the computed summary of the result (ResultSummary::ToJson)
  std::string warning;    // set when the model failed and the templated text is shown
};

// The explanation of `result`: the explanation model's (when given) from the computed facts and
// at most options.sample_rows rows, or only the result's shape in privacy mode; otherwise, or
// when the model fails or says nothing, TemplatedExplanation.
Explained ExplainResult(const RoleModel& model, const AskOptions& options, std::string_view question,
                        std::string_view restatement, std::string_view sql, const QueryResult& result,
                        AskUsage& usage);

}  // namespace da::ask_internal
