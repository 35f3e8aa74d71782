// What the PostgreSQL benchmark's sections share: timing, percentiles, process memory, and plain
// libpq (the reference every guarded figure is divided by).
#pragma once

#include <libpq-fe.h>

#include <chrono>
#include <cstdint>
#include <string>
#include <vector>

#include "common/postgres.h"
#include "common/status.h"

namespace da::pgbench {

using Clock = std::chrono::steady_clock;

double MsSince(Clock::time_point start);
// The p-quantile (0..1) by nearest rank; 0 for no values.
double Percentile(std::vector<double> values, double p);
// Resident set size (VmRSS) and its peak (VmHWM) of this process, in bytes.
int64_t RssBytes();
int64_t PeakRssBytes();
// Resets the peak RSS to the current RSS (/proc/self/clear_refs); false when the kernel refuses.
bool ResetPeakRss();
// Returns freed heap memory to the system, so that RSS shows what is live.
void TrimHeap();
double Mb(int64_t bytes);

// Prints "error: WHAT: MESSAGE" to stderr and exits with 1.
[[noreturn]] void Fail(const std::string& what, const std::string& message);
[[noreturn]] inline void Fail(const std::string& what, const Status& status) { Fail(what, status.ToString()); }

// A plain libpq connection: what a program without the guard would use.
PgConn RawConnect(const std::string& conninfo);
// Runs `sql` (one or several statements, simple protocol) and fails the benchmark on an error.
void RawRun(PGconn* conn, const std::string& sql);
// Runs one query with PQexec, reads every cell once (as any caller would) and returns the row count.
int64_t RawQuery(PGconn* conn, const std::string& sql);

}  // namespace da::pgbench
