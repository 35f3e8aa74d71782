#include "measure.h"

#include <malloc.h>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <fstream>

namespace da::bench {

double MsSince(Clock::time_point start) {
  return std::chrono::duration<double, std::milli>(Clock::now() - start).count();
}

double Percentile(std::vector<double> values, double p) {
  if (values.empty()) return 0;
  std::sort(values.begin(), values.end());
  size_t rank = static_cast<size_t>(std::ceil(p * static_cast<double>(values.size())));
  return values[std::clamp<size_t>(rank, 1, values.size()) - 1];
}

namespace {

// A "Name:   123 kB" line of /proc/self/status, in bytes.
int64_t StatusBytes(const char* name) {
  std::ifstream in("/proc/self/status");
  std::string line;
  while (std::getline(in, line)) {
    if (line.rfind(name, 0) == 0) return std::atoll(line.c_str() + std::char_traits<char>::length(name)) * 1024;
  }
  return 0;
}

}  // namespace

int64_t RssBytes() { return StatusBytes("VmRSS:"); }
int64_t PeakRssBytes() { return StatusBytes("VmHWM:"); }

bool ResetPeakRss() {
  std::ofstream out("/proc/self/clear_refs");
  out << "5";
  out.flush();
  return static_cast<bool>(out);
}

void TrimHeap() { malloc_trim(0); }

double Mb(int64_t bytes) { return static_cast<double>(bytes) / 1e6; }

int64_t FileBytes(const std::filesystem::path& path) {
  std::error_code ec;
  const auto bytes = std::filesystem::file_size(path, ec);
  return ec ? 0 : static_cast<int64_t>(bytes);
}

void Fail(const std::string& what, const std::string& message) {
  std::fflush(stdout);
  std::fprintf(stderr, "error: %s: %s\n", what.c_str(), message.c_str());
  std::exit(1);
}

}  // namespace da::bench
