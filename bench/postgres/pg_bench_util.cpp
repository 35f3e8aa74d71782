#include "pg_bench_util.h"

#include <malloc.h>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <fstream>

namespace da::pgbench {

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
int64_t StatusKb(const char* field) {
  std::ifstream in("/proc/self/status");
  std::string line;
  const std::string prefix = std::string(field) + ":";
  while (std::getline(in, line)) {
    if (line.rfind(prefix, 0) == 0) return std::atoll(line.c_str() + prefix.size());
  }
  return 0;
}
}  // namespace

int64_t RssBytes() { return StatusKb("VmRSS") * 1024; }
int64_t PeakRssBytes() { return StatusKb("VmHWM") * 1024; }

bool ResetPeakRss() {
  std::ofstream out("/proc/self/clear_refs");
  out << "5";
  out.flush();
  return static_cast<bool>(out);
}

void TrimHeap() { malloc_trim(0); }
double Mb(int64_t bytes) { return static_cast<double>(bytes) / (1024.0 * 1024.0); }

void Fail(const std::string& what, const std::string& message) {
  std::fprintf(stderr, "error: %s: %s\n", what.c_str(), message.c_str());
  std::exit(1);
}

PgConn RawConnect(const std::string& conninfo) {
  PgConn conn(PQconnectdb(conninfo.c_str()));
  if (!conn || PQstatus(conn.get()) != CONNECTION_OK) {
    Fail("raw libpq connection", conn ? PQerrorMessage(conn.get()) : "out of memory");
  }
  return conn;
}

void RawRun(PGconn* conn, const std::string& sql) {
  PgResult r(PQexec(conn, sql.c_str()));
  const auto status = PQresultStatus(r.get());
  if (status != PGRES_COMMAND_OK && status != PGRES_TUPLES_OK) Fail("setup SQL", PQerrorMessage(conn));
}

int64_t RawQuery(PGconn* conn, const std::string& sql) {
  PgResult r(PQexec(conn, sql.c_str()));
  if (PQresultStatus(r.get()) != PGRES_TUPLES_OK) Fail("raw query " + sql, PQerrorMessage(conn));
  const int rows = PQntuples(r.get()), cols = PQnfields(r.get());
  size_t bytes = 0;
  for (int i = 0; i < rows; ++i) {
    for (int j = 0; j < cols; ++j) bytes += static_cast<size_t>(PQgetlength(r.get(), i, j));
  }
  if (rows > 0 && bytes == 0) Fail("raw query " + sql, "empty cells");  // keeps the reads
  return rows;
}

}  // namespace da::pgbench
