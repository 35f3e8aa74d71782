// What a chat message wants, decided by general linguistic rules with no LLM: used when no LLM
// is configured and as a fast pre-check before one is asked.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "viz/chart.h"

namespace da {

enum class Intent {
  kDataQuestion,  // "total sales by region in 2024?"
  kChartRequest,  // a data question asking for a chart, or "show it as a pie" (follow_up)
  kWhyQuestion,   // "why did sales drop in March?"
  kConversation,  // greetings, thanks, help, "what can you do", "what tables are there"
  kOutOfScope,    // weather, jokes, poems, code unrelated to the data
};

// "data_question", "chart_request", "why_question", "conversation", "out_of_scope".
const char* IntentName(Intent intent);

// What the dataset offers, for replies and to recognise questions about it.
struct DatasetContext {
  std::vector<std::string> tables;         // table names or labels
  std::vector<std::string> column_labels;  // a few column labels ("Weekly Sales", "store")
};

struct IntentResult {
  Intent intent = Intent::kDataQuestion;
  double confidence = 0;  // 0..1
  // For conversation and out_of_scope: what to say back, naming what can be asked (with the
  // dataset's tables and columns when given). Empty otherwise.
  std::string reply;
  // From the wording, whatever the intent: a requested chart type ("as a pie chart") and
  // whether a share/percentage/breakdown is asked for.
  ChartHints chart;
  bool follow_up = false;  // a chart request about the previous answer, with no data words

  // {"intent", "confidence", "reply"?, "chart_type"?, "proportion", "follow_up"}
  nlohmann::json ToJson() const;
};

// Rules, in order: empty or greeting-only -> conversation; thanks/bye-only -> conversation;
// questions about the assistant or the dataset's tables -> conversation; "why ...",
// "what caused/drove/led to ...", "explain the drop ..." -> why_question; chart words (chart,
// graph, plot, visualize, pie, scatter, "bar chart", "as a line"; "make it a line" as a
// follow-up) -> chart_request; jokes, poems/stories/songs, weather, recipes, translation,
// writing code -> out_of_scope, unless that cue word is part of a table or column name ("songs"
// in a music dataset); everything else is a data question, more
// confident with question words, imperative verbs (show, list, count...), aggregate words or
// dataset names.
IntentResult ClassifyIntent(std::string_view message, const DatasetContext& context = {});

}  // namespace da
