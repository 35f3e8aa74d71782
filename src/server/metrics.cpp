#include "server/metrics.h"

#include <algorithm>
#include <cassert>
#include <cstdio>
#include <cstdlib>

namespace da::server {

namespace {

// The shortest text that reads back as `v` ("0.005", not "0.0050000000000000001").
std::string Number(double v) {
  char buf[64];
  std::snprintf(buf, sizeof buf, "%.15g", v);
  if (std::strtod(buf, nullptr) != v) std::snprintf(buf, sizeof buf, "%.17g", v);
  return buf;
}

// Label values escaped as the exposition format asks (backslash, quote, newline).
std::string Escape(const std::string& v) {
  std::string out;
  for (char c : v) {
    if (c == '\\' || c == '"') out += '\\';
    if (c == '\n') {
      out += "\\n";
      continue;
    }
    out += c;
  }
  return out;
}

std::string LabelText(const std::vector<std::string>& names, const Labels& values, const std::string& extra = "") {
  std::string out;
  for (size_t i = 0; i < names.size() && i < values.size(); ++i) {
    if (!out.empty()) out += ',';
    out += names[i] + "=\"" + Escape(values[i]) + "\"";
  }
  if (!extra.empty()) out += (out.empty() ? "" : ",") + extra;
  return out.empty() ? "" : "{" + out + "}";
}

}  // namespace

Metrics::Metrics()
    : bounds_{0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60} {
  auto family = [&](const std::string& name, std::string type, std::string help, std::vector<std::string> labels) {
    families_[name] = Family{std::move(help), std::move(type), std::move(labels), {}, {}, 0};
  };
  family("dataanalyst_requests_total", "counter", "HTTP requests by route, method and status.",
         {"route", "method", "status"});
  family("dataanalyst_request_duration_seconds", "histogram", "HTTP request duration by route.", {"route"});
  family("dataanalyst_ask_stage_seconds", "histogram", "Time spent in each stage of answering a question.",
         {"stage"});
  family("dataanalyst_answers_total", "counter", "Answers by who wrote their SQL (engine, llm, cache) or none.",
         {"source"});
  family("dataanalyst_cache_lookups_total", "counter", "Memory lookups of standalone questions.", {"result"});
  family("dataanalyst_cache_hit_ratio", "gauge", "Share of memory lookups that were answered from memory.", {});
  family("dataanalyst_llm_tokens_total", "counter", "LLM tokens used by answers.", {"direction"});
  family("dataanalyst_llm_calls_total", "counter", "LLM requests made by answers.", {});
  family("dataanalyst_rate_limited_total", "counter", "Requests refused by a key's rate limit.", {});
  family("dataanalyst_ingest_jobs_total", "counter", "Finished upload ingest jobs by outcome.", {"state"});
}

void Metrics::Count(const std::string& family, const Labels& labels, double amount) {
  std::lock_guard<std::mutex> lock(mu_);
  auto it = families_.find(family);
  assert(it != families_.end());
  if (it == families_.end()) return;
  it->second.values[labels] += amount;
}

void Metrics::Observe(const std::string& family, const Labels& labels, double seconds) {
  const size_t bucket = std::lower_bound(bounds_.begin(), bounds_.end(), seconds) - bounds_.begin();
  std::lock_guard<std::mutex> lock(mu_);
  auto it = families_.find(family);
  assert(it != families_.end());
  if (it == families_.end()) return;
  Histogram& h = it->second.histograms[labels];
  if (h.buckets.empty()) h.buckets.assign(bounds_.size() + 1, 0);  // the last is +Inf
  ++h.buckets[bucket];
  h.sum += seconds;
  ++h.count;
}

void Metrics::SetGauge(const std::string& family, double value) {
  std::lock_guard<std::mutex> lock(mu_);
  auto it = families_.find(family);
  assert(it != families_.end());
  if (it != families_.end()) it->second.gauge = value;
}

std::string Metrics::Render() const {
  std::lock_guard<std::mutex> lock(mu_);
  std::string out;
  for (const auto& [name, f] : families_) {
    out += "# HELP " + name + " " + f.help + "\n# TYPE " + name + " " + f.type + "\n";
    if (f.type == "gauge") {
      out += name + " " + Number(f.gauge) + "\n";
    } else if (f.type == "counter") {
      // A family with no labels is always shown, as 0 until counted.
      if (f.values.empty() && f.label_names.empty()) out += name + " 0\n";
      for (const auto& [labels, v] : f.values) out += name + LabelText(f.label_names, labels) + " " + Number(v) + "\n";
    } else {
      for (const auto& [labels, h] : f.histograms) {
        uint64_t cumulative = 0;
        for (size_t i = 0; i < h.buckets.size(); ++i) {
          cumulative += h.buckets[i];
          const std::string le = i < bounds_.size() ? Number(bounds_[i]) : "+Inf";
          out += name + "_bucket" + LabelText(f.label_names, labels, "le=\"" + le + "\"") + " " +
                 std::to_string(cumulative) + "\n";
        }
        out += name + "_sum" + LabelText(f.label_names, labels) + " " + Number(h.sum) + "\n";
        out += name + "_count" + LabelText(f.label_names, labels) + " " + std::to_string(h.count) + "\n";
      }
    }
  }
  return out;
}

}  // namespace da::server
