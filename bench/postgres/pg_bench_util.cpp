#include "pg_bench_util.h"

#include <malloc.h>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <fstream>

namespace da::pgbench {

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
