#include "postgres_test_util.h"

#include <gtest/gtest.h>
#include <libpq-fe.h>
#include <unistd.h>

#include <atomic>
#include <cstdio>
#include <cstdlib>
#include <memory>
#include <optional>
#include <random>

#include "common/strings.h"
#include "test_util.h"

namespace da::testing {

namespace {

bool UnderCi() {
  const char* ci = std::getenv("CI");
  return ci && (std::string_view(ci) == "true" || std::string_view(ci) == "1");
}

// Skips (or, under CI, fails) the whole executable when there is no server to test against.
class PostgresEnvironment : public ::testing::Environment {
 public:
  void SetUp() override {
    if (!TestPostgresConninfo().empty()) return;
    const char* how =
        "DA_TEST_POSTGRES is not set: run these tests through ctest, which starts a throwaway PostgreSQL, "
        "or export DA_TEST_POSTGRES=\"$(scripts/pg_test_server start)\"";
    if (UnderCi()) FAIL() << how << " (CI=true: a missing server is a failure)";
    GTEST_SKIP() << how;
  }
};

[[maybe_unused]] ::testing::Environment* const kEnvironment =
    ::testing::AddGlobalTestEnvironment(new PostgresEnvironment);

// Runs `command` through the shell; its stdout, or nullopt when it exits non-zero.
std::optional<std::string> RunCommand(const std::string& command) {
  FILE* pipe = popen(command.c_str(), "r");
  if (!pipe) return std::nullopt;
  std::string out;
  char buf[512];
  for (size_t n; (n = fread(buf, 1, sizeof buf, pipe)) > 0;) out.append(buf, n);
  if (pclose(pipe) != 0) return std::nullopt;
  return out;
}

std::string Script() { return (SourceDir() / "scripts" / "pg_test_server").string(); }

}  // namespace

std::string TestPostgresConninfo() {
  const char* conninfo = std::getenv("DA_TEST_POSTGRES");
  return conninfo ? conninfo : "";
}

std::string WithPostgresOptions(const std::string& conninfo, const std::string& options) {
  return conninfo + " " + options;
}

std::string UniquePostgresName(std::string_view prefix) {
  static std::atomic<int> counter{0};
  static const unsigned salt = std::random_device{}() % 1000000;
  return std::string(prefix) + "_" + std::to_string(getpid()) + "_" + std::to_string(++counter) + "_" +
         std::to_string(salt);
}

std::string RunPostgresSql(const std::string& sql) {
  std::unique_ptr<PGconn, decltype(&PQfinish)> conn(PQconnectdb(TestPostgresConninfo().c_str()), &PQfinish);
  if (PQstatus(conn.get()) != CONNECTION_OK) {
    ADD_FAILURE() << "cannot connect to the test server: " << PQerrorMessage(conn.get());
    return "";
  }
  std::unique_ptr<PGresult, decltype(&PQclear)> r(PQexec(conn.get(), sql.c_str()), &PQclear);
  const ExecStatusType status = PQresultStatus(r.get());
  if (status != PGRES_COMMAND_OK && status != PGRES_TUPLES_OK) {
    ADD_FAILURE() << sql << ": " << PQresultErrorMessage(r.get());
    return "";
  }
  return PQntuples(r.get()) > 0 ? PQgetvalue(r.get(), 0, 0) : "";
}

PrivatePostgresServer::PrivatePostgresServer() : dir_("/tmp/" + UniquePostgresName("dapg")) {
  auto out = RunCommand(Script() + " start " + dir_);
  if (!out) {
    ADD_FAILURE() << "scripts/pg_test_server start " << dir_ << " failed";
    return;
  }
  conninfo_ = std::string(Trim(*out));
}

PrivatePostgresServer::~PrivatePostgresServer() { (void)RunCommand(Script() + " stop " + dir_); }

bool PrivatePostgresServer::Restart() { return RunCommand(Script() + " restart " + dir_).has_value(); }

}  // namespace da::testing
