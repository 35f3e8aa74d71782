// AskAnswer as JSON: the shape `ask --json` prints and the server will return.
#include "ask/pipeline.h"

namespace da {

namespace {

nlohmann::json TimingsJson(const AskTimings& t) {
  return {{"intent_ms", t.intent},   {"cache_ms", t.cache},         {"engine_ms", t.engine},       {"prompt_ms", t.prompt},
          {"llm_ms", t.llm},         {"execute_ms", t.execute},     {"repair_ms", t.repair},
          {"normalise_ms", t.normalise}, {"chart_ms", t.chart},     {"explain_ms", t.explain},
          {"total_ms", t.total}};
}

}  // namespace

nlohmann::json AskAnswer::ToJson() const {
  nlohmann::json j = {{"question", question}, {"intent", IntentName(intent)}, {"answered", answered},
                      {"sql", sql}};
  if (answered && result) {
    nlohmann::json r = result->ToJson();
    for (const char* key : {"columns", "rows", "row_count", "truncated"}) j[key] = r[key];
  }
  j["chart"] = chart.ToJson();
  j["explanation"] = explanation;
  j["restatement"] = restatement;
  j["source"] = source;
  j["confidence"] = confidence;
  nlohmann::json repairs_json = nlohmann::json::array();
  for (const auto& r : repairs) repairs_json.push_back({{"sql", r.sql}, {"error", r.error}});
  j["repairs"] = repairs_json;
  nlohmann::json norm_json = nlohmann::json::array();
  for (const auto& n : normalisations) {
    norm_json.push_back({{"table", n.table}, {"column", n.column}, {"from", n.from}, {"to", n.to}});
  }
  j["normalisations"] = norm_json;
  j["timings"] = TimingsJson(timings);
  j["usage"] = {{"input_tokens", usage.input_tokens}, {"output_tokens", usage.output_tokens}, {"calls", usage.calls}};
  j["message"] = message;
  j["doubts"] = doubts;
  j["alternatives"] = alternatives;
  j["unknown_terms"] = unknown_terms;
  j["suggestions"] = suggestions;
  j["warnings"] = warnings;
  if (!error.ok()) j["error"] = {{"code", Status::CodeName(error.code())}, {"message", error.message()}};
  if (!facts.is_null()) j["facts"] = facts;
  if (answer_id > 0) j["answer_id"] = answer_id;
  j["cache"] = {{"hit", cache.hit}, {"exact", cache.exact}, {"approved", cache.approved},
                {"reparameterised", cache.reparameterised}, {"result_reused", cache.result_reused},
                {"similarity", cache.similarity}};
  j["examples"] = examples;
  return j;
}

}  // namespace da
