// The throwaway PostgreSQL of the tests (scripts/pg_test_server), for every suite that needs one.
//
// ctest starts the server before these tests and passes its conninfo in DA_TEST_POSTGRES
// (tests/CMakeLists.txt, da_postgres_tests). Without it every test of the executable is skipped
// with a message saying how to start one, except under CI (CI=true), where that is a failure.
#pragma once

#include <string>
#include <string_view>

namespace da::testing {

// DA_TEST_POSTGRES: libpq key=value pairs for the server's superuser (no password needed).
std::string TestPostgresConninfo();

// `conninfo` with more key=value pairs that override its own ("user=bob password=x").
std::string WithPostgresOptions(const std::string& conninfo, const std::string& options);

// A lowercase identifier no other test (process) uses: prefix + pid + counter + random bits.
std::string UniquePostgresName(std::string_view prefix);

// Runs `sql` (no values: tests build it from constants) on the server as its superuser; a failure
// fails the calling test. Returns the first column of the first row ("" when none).
std::string RunPostgresSql(const std::string& sql);

// A server of the test's own, for tests that restart or stop it: started by the constructor
// (~1 s), stopped and removed by the destructor.
class PrivatePostgresServer {
 public:
  PrivatePostgresServer();
  ~PrivatePostgresServer();
  PrivatePostgresServer(const PrivatePostgresServer&) = delete;
  PrivatePostgresServer& operator=(const PrivatePostgresServer&) = delete;

  bool started() const { return !conninfo_.empty(); }
  const std::string& conninfo() const { return conninfo_; }
  // Restarts the server: every open connection breaks. Returns false when it fails.
  bool Restart();

 private:
  std::string dir_;
  std::string conninfo_;
};

}  // namespace da::testing
