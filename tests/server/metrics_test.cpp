#include "server/metrics.h"

#include <gtest/gtest.h>

#include <thread>

namespace da::server {
namespace {

bool Has(const std::string& text, const std::string& line) { return text.find(line + "\n") != std::string::npos; }

TEST(MetricsTest, CountersRenderWithLabelsAndHelp) {
  Metrics m;
  m.Count("dataanalyst_requests_total", {"/api/v1/ask", "POST", "200"});
  m.Count("dataanalyst_requests_total", {"/api/v1/ask", "POST", "200"});
  m.Count("dataanalyst_llm_tokens_total", {"input"}, 300);
  const std::string text = m.Render();
  EXPECT_TRUE(Has(text, "# TYPE dataanalyst_requests_total counter"));
  EXPECT_TRUE(Has(text, "dataanalyst_requests_total{route=\"/api/v1/ask\",method=\"POST\",status=\"200\"} 2"));
  EXPECT_TRUE(Has(text, "dataanalyst_llm_tokens_total{direction=\"input\"} 300"));
  EXPECT_TRUE(Has(text, "dataanalyst_llm_calls_total 0"));  // unlabelled counters show before use
}

TEST(MetricsTest, HistogramBucketsAreCumulative) {
  Metrics m;
  m.Observe("dataanalyst_ask_stage_seconds", {"engine"}, 0.0003);
  m.Observe("dataanalyst_ask_stage_seconds", {"engine"}, 0.003);
  m.Observe("dataanalyst_ask_stage_seconds", {"engine"}, 100);
  const std::string text = m.Render();
  EXPECT_TRUE(Has(text, "dataanalyst_ask_stage_seconds_bucket{stage=\"engine\",le=\"0.0005\"} 1"))
      << text;
  EXPECT_TRUE(Has(text, "dataanalyst_ask_stage_seconds_bucket{stage=\"engine\",le=\"0.005\"} 2"));
  EXPECT_TRUE(Has(text, "dataanalyst_ask_stage_seconds_bucket{stage=\"engine\",le=\"+Inf\"} 3"));
  EXPECT_TRUE(Has(text, "dataanalyst_ask_stage_seconds_count{stage=\"engine\"} 3"));
}

TEST(MetricsTest, LabelValuesAreEscaped) {
  Metrics m;
  m.Count("dataanalyst_answers_total", {"a\"b\\c\nd"});
  EXPECT_TRUE(Has(m.Render(), "dataanalyst_answers_total{source=\"a\\\"b\\\\c\\nd\"} 1"));
}

TEST(MetricsTest, ConcurrentCountsAreAllKept) {
  Metrics m;
  std::vector<std::thread> threads;
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&m] {
      for (int i = 0; i < 1000; ++i) m.Count("dataanalyst_rate_limited_total", {});
    });
  }
  for (auto& t : threads) t.join();
  EXPECT_TRUE(Has(m.Render(), "dataanalyst_rate_limited_total{} 4000") ||
              Has(m.Render(), "dataanalyst_rate_limited_total 4000"))
      << m.Render();
}

}  // namespace
}  // namespace da::server
