// Question analysis: reads a linked question (linker.h) as an analytic request and builds its
// QueryPlan, with a confidence and the words it could not place.
#pragma once

#include <string>
#include <vector>

#include "engine/linker.h"
#include "engine/query_plan.h"
#include "engine/schema_index.h"

namespace da {

struct PlanResult {
  bool ok = false;          // a plan was built
  QueryPlan plan;
  double confidence = 0;    // 0..1
  std::vector<std::string> doubts;  // what lowered the confidence, each with its factor
  std::vector<QueryPlan> alternatives;
  // Content words linked to nothing, and whether one of them looks like a missing column or
  // measure (then the engine declines rather than guess).
  std::vector<std::string> unknown_terms;
  bool unknown_is_noun = false;
  // Operator words ("youngest", "not", "above") the plan does not account for.
  std::vector<std::string> unplaced_words;
  std::string problem;      // why no plan, when !ok
};

PlanResult PlanQuestion(const LinkedQuestion& question, const SchemaIndex& schema);

}  // namespace da
