// Prometheus metrics of the server: labelled counters and histograms, rendered in the text
// exposition format (version 0.0.4) for GET /api/v1/metrics. Thread-safe; recording is a short
// critical section per sample (a map lookup and a few additions).
#pragma once

#include <cstdint>
#include <map>
#include <mutex>
#include <string>
#include <vector>

namespace da::server {

// Label values in the order the family declares its label names.
using Labels = std::vector<std::string>;

class Metrics {
 public:
  Metrics();

  // Families are fixed (docs/api.md lists them). Unknown names are a bug (ignored in release).
  void Count(const std::string& family, const Labels& labels, double amount = 1);
  void Observe(const std::string& family, const Labels& labels, double seconds);
  void SetGauge(const std::string& family, double value);

  // The exposition text, families in a stable order.
  std::string Render() const;

 private:
  struct Histogram {
    std::vector<uint64_t> buckets;  // cumulative counts are computed when rendering
    double sum = 0;
    uint64_t count = 0;
  };
  struct Family {
    std::string help, type;  // type: counter, histogram, gauge
    std::vector<std::string> label_names;
    std::map<Labels, double> values;          // counters
    std::map<Labels, Histogram> histograms;   // histograms
    double gauge = 0;
  };

  mutable std::mutex mu_;
  std::map<std::string, Family> families_;
  std::vector<double> bounds_;  // histogram bucket upper bounds, seconds
};

}  // namespace da::server
