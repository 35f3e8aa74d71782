// What the PostgreSQL guard suites share: a schema of their own with a canary table, a typed
// table, a hidden table, a sequence and a user function that writes; helpers to open guarded
// connections on it and to run SQL as the superuser on any server.
#pragma once

#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <memory>
#include <thread>
#include <string>

#include "common/postgres.h"
#include "guard/postgres_guard.h"
#include "postgres_test_util.h"

namespace da::testing {

// Runs `sql` as the superuser on the server at `conninfo`; the first column of the first row.
inline std::string RunSqlOn(const std::string& conninfo, const std::string& sql) {
  PgLogin login;
  login.conninfo = conninfo;
  auto client = PgClient::Connect(login);
  if (!client.ok()) {
    ADD_FAILURE() << client.status().ToString();
    return "";
  }
  auto r = client->Exec(sql, "test");
  if (!r.ok()) {
    ADD_FAILURE() << sql << ": " << r.status().ToString();
    return "";
  }
  return PQntuples(r->get()) > 0 ? PgStr(r->get(), 0, 0) : "";
}

// Creates the suite's objects in a new schema on the server at `conninfo`.
inline void CreateGuardSchema(const std::string& conninfo, const std::string& schema) {
  const std::string s = "\"" + schema + "\"";
  RunSqlOn(conninfo, "CREATE SCHEMA " + s);
  RunSqlOn(conninfo, "CREATE TABLE " + s + ".canary (id int)");
  RunSqlOn(conninfo, "INSERT INTO " + s + ".canary VALUES (1), (2), (3)");
  RunSqlOn(conninfo, "CREATE TABLE " + s + ".secret (code text)");
  RunSqlOn(conninfo, "INSERT INTO " + s + ".secret VALUES ('hidden')");
  RunSqlOn(conninfo, "CREATE SEQUENCE " + s + ".seq");
  RunSqlOn(conninfo, "CREATE FUNCTION " + s + ".evil() RETURNS int LANGUAGE sql AS 'INSERT INTO " + s +
                         ".canary VALUES (99); SELECT 1'");
  RunSqlOn(conninfo,
           "CREATE TABLE " + s +
               ".typed (i2 int2, i4 int4, i8 int8, o oid, f4 float4, f8 float8, n numeric, big numeric, b bool, "
               "d date, ts timestamp, tz timestamptz, tm time, t text, j jsonb, arr int[])");
  RunSqlOn(conninfo, "INSERT INTO " + s +
                         ".typed VALUES (-2, 40000, 9000000000, 26, 1.5, 2.25, 12.5, 1e400, true, '2024-02-29', "
                         "'2024-02-29 13:45:00', '2024-02-29 13:45:00+02', '08:30:00', 'naïve café ☕', "
                         "'{\"a\": 1}', '{1,2}'), (NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, false, NULL, "
                         "NULL, NULL, NULL, NULL, NULL, NULL)");
}

inline PostgresQueryTarget Target(const std::string& conninfo, const std::string& schema) {
  PostgresQueryTarget target;
  target.login.conninfo = conninfo;
  target.schema = schema;
  return target;
}

inline std::unique_ptr<QueryConnection> OpenGuarded(const PostgresQueryTarget& target) {
  auto conn = OpenPostgresConnection(target);
  EXPECT_TRUE(conn.ok()) << conn.status().ToString();
  return conn.ok() ? std::move(*conn) : nullptr;
}

// Waits until a connection named `application_name` runs the FETCH of a guarded query on the
// server at `conninfo`, or `done` turns true (the query ended first). No time assertion: the
// test's TIMEOUT bounds the wait.
inline void WaitUntilFetching(const std::string& conninfo, const std::string& application_name,
                              const std::atomic<bool>& done) {
  while (!done && !::testing::Test::HasFailure()) {
    const std::string n = RunSqlOn(conninfo, "SELECT count(*) FROM pg_stat_activity WHERE state = 'active' AND "
                                             "query LIKE 'FETCH%' AND application_name = '" + application_name + "'");
    if (n != "0") return;
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
}

// The directory of the server's socket: "host=DIR" of a test conninfo.
inline std::string SocketDir(const std::string& conninfo) {
  const size_t at = conninfo.find("host=") + 5;
  return conninfo.substr(at, conninfo.find(' ', at) - at);
}

}  // namespace da::testing
