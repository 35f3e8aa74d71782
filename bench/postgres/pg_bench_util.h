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
#include "measure.h"

namespace da::pgbench {

// Timing, percentiles, memory and Fail are every benchmark's (bench/common/measure.h).
using namespace ::da::bench;

// A plain libpq connection: what a program without the guard would use.
PgConn RawConnect(const std::string& conninfo);
// Runs `sql` (one or several statements, simple protocol) and fails the benchmark on an error.
void RawRun(PGconn* conn, const std::string& sql);
// Runs one query with PQexec, reads every cell once (as any caller would) and returns the row count.
int64_t RawQuery(PGconn* conn, const std::string& sql);

}  // namespace da::pgbench
