// A short plain-English explanation of a result, written from its computed facts with no LLM.
#pragma once

#include <string>
#include <string_view>

#include "ask/result_summary.h"

namespace da {

// One to three short sentences, numbers written for people (viz/number_format.h):
//   no rows:       "No rows matched, so there is nothing to report; the filters may be too narrow."
//   one value:     "The answer is 6,435." ("<Restatement>: 6,435." when a restatement is given;
//                  scaled numbers carry their exact value: "2.1 billion (2,134,567,890.5)")
//   time series:   "Weekly sales rose 4.2% from 2010-02 to 2012-10; the biggest drop was in
//                  2011-01 (−31%)." and, when the peak is inside the range, "The highest was
//                  301.4 million in 2010-12."
//   ranking:       "Store 20 had the highest total weekly sales (301.4 million), 7.1% of the total
//                  across 45 stores." and, from three rows on, "Store 33 had the lowest (37.2 million)."
//   two measures:  "Weekly sales and temperature are weakly negatively correlated (r = −0.12)."
//   measures only: "Amount ranges from 3 to 90 across 12 rows (average 25.4)."
//   no measures:   "12 rows: Ann, Bob, Cid and 9 more."
// A result cut by the row cap adds "Only the first 1,000 rows were returned, so totals may be
// incomplete." `restatement` is the question as understood ("Total weekly sales per store").
std::string TemplatedExplanation(std::string_view restatement, const ResultSummary& summary);

}  // namespace da
