// Why-questions without an LLM: "why did sales drop in March 2012?" cannot be answered by a
// query, but the data that would explain it can — the measure over time around the period
// asked about. This rewrites a why-question into data questions for the built-in engine, most
// telling first; the pipeline runs the first one the engine reads confidently and explains the
// result with the facts it computes (changes, largest rise and drop, shares).
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace da {

// "Why did sales drop in March 2012?" -> {"total sales in 2012 by month", "sales in 2012 by
// month"} (without a year, "total ... by year" too): the why-framing ("why did", "what caused", "how come", "explain
// why") and the change words ("drop", "rise", "so low") removed; a month narrowed to its year so
// the months around it are compared. Empty when nothing is left to ask about.
std::vector<std::string> WhyDataQuestions(std::string_view question);

}  // namespace da
