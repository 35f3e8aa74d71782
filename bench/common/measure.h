// What every benchmark measures with: a steady clock, percentiles, this process's memory, and a
// way to stop with an error. Linux only (/proc/self).
#pragma once

#include <chrono>
#include <cstdint>
#include <filesystem>
#include <string>
#include <vector>

#include "common/status.h"

namespace da::bench {

using Clock = std::chrono::steady_clock;

double MsSince(Clock::time_point start);
// The p-quantile (0..1) by nearest rank; 0 for no values.
double Percentile(std::vector<double> values, double p);
// Resident set size of this process (VmRSS), and its peak since start or the last ResetPeakRss
// (VmHWM), in bytes.
int64_t RssBytes();
int64_t PeakRssBytes();
// Resets the peak RSS (Linux: /proc/self/clear_refs); false when the kernel refuses.
bool ResetPeakRss();
// Returns freed heap memory to the system, so that RSS shows what is live.
void TrimHeap();
double Mb(int64_t bytes);  // megabytes (10^6 bytes)
// Bytes of the file at `path`, 0 when missing.
int64_t FileBytes(const std::filesystem::path& path);

// Prints "error: WHAT: MESSAGE" to stderr and exits with 1.
[[noreturn]] void Fail(const std::string& what, const std::string& message);
[[noreturn]] inline void Fail(const std::string& what, const Status& status) { Fail(what, status.ToString()); }

}  // namespace da::bench
