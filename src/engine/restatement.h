// Plain-English restatement of a QueryPlan ("Number of singers per country", "Average age of
// singers where country is France"), so the user can see how the question was understood.
#pragma once

#include <string>

#include "engine/query_plan.h"
#include "engine/schema_index.h"

namespace da {

std::string Restate(const QueryPlan& plan, const SchemaIndex& schema);

}  // namespace da
