// The PostgreSQL QueryConnection on a real PostgreSQL 15: values, the row cap, errors, the time
// limit, Interrupt(), passwords and the shared pool.
#include "guard/postgres_guard.h"

#include <gtest/gtest.h>
#include <sys/stat.h>

#include <atomic>
#include <cstdlib>
#include <fstream>
#include <limits>
#include <thread>

#include "postgres/guard_pg_fixture.h"

namespace da::testing {
namespace {

class PostgresGuardTest : public ::testing::Test {
 protected:
  void SetUp() override {
    if (TestPostgresConninfo().empty()) GTEST_SKIP();
    schema_ = UniquePostgresName("guard");
    CreateGuardSchema(TestPostgresConninfo(), schema_);
    target_ = Target(TestPostgresConninfo(), schema_);
    conn_ = OpenGuarded(target_);
    ASSERT_TRUE(conn_);
  }

  std::string schema_;
  PostgresQueryTarget target_;
  std::unique_ptr<QueryConnection> conn_;
};

TEST_F(PostgresGuardTest, ValuesAreMappedByType) {
  auto r = conn_->Execute("SELECT * FROM typed ORDER BY i2 NULLS LAST");
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_EQ(r->columns, (std::vector<std::string>{"i2", "i4", "i8", "o", "f4", "f8", "n", "big", "b", "d", "ts", "tz",
                                                   "tm", "t", "j", "arr"}));
  ASSERT_EQ(r->rows.size(), 2u);
  const auto& v = r->rows[0];
  EXPECT_EQ(v[0], Value(int64_t{-2}));
  EXPECT_EQ(v[1], Value(int64_t{40000}));
  EXPECT_EQ(v[2], Value(int64_t{9000000000}));
  EXPECT_EQ(v[3], Value(int64_t{26}));
  EXPECT_EQ(v[4], Value(1.5));
  EXPECT_EQ(v[5], Value(2.25));
  EXPECT_EQ(v[6], Value(12.5));
  ASSERT_TRUE(std::holds_alternative<std::string>(v[7]));  // 1e400 does not fit a double: exact text
  EXPECT_EQ(std::get<std::string>(v[7]).substr(0, 2), "10");
  EXPECT_EQ(v[8], Value(int64_t{1}));
  EXPECT_EQ(v[9], Value(std::string("2024-02-29")));
  EXPECT_EQ(v[10], Value(std::string("2024-02-29 13:45:00")));
  EXPECT_EQ(v[11], Value(std::string("2024-02-29 11:45:00+00")));  // sessions run in UTC
  EXPECT_EQ(v[12], Value(std::string("08:30:00")));
  EXPECT_EQ(v[13], Value(std::string("naïve café ☕")));
  EXPECT_EQ(v[14], Value(std::string("{\"a\": 1}")));
  EXPECT_EQ(v[15], Value(std::string("{1,2}")));
  const auto& nulls = r->rows[1];
  for (size_t i = 0; i < nulls.size(); ++i) {
    if (i == 8) {
      EXPECT_EQ(nulls[i], Value(int64_t{0})) << "false is 0";
    } else {
      EXPECT_TRUE(IsNull(nulls[i])) << r->columns[i];
    }
  }
  EXPECT_FALSE(r->truncated);
}

TEST_F(PostgresGuardTest, RowCapSetsTruncatedAndEmptyResultsKeepColumns) {
  GuardLimits limits;
  limits.max_rows = 5;
  auto capped = conn_->Execute("SELECT g FROM generate_series(1, 100000) g", limits);
  ASSERT_TRUE(capped.ok()) << capped.status().ToString();
  EXPECT_EQ(capped->rows.size(), 5u);
  EXPECT_TRUE(capped->truncated);
  auto exact = conn_->Execute("SELECT g FROM generate_series(1, 5) g", limits);
  ASSERT_TRUE(exact.ok());
  EXPECT_EQ(exact->rows.size(), 5u);
  EXPECT_FALSE(exact->truncated);
  limits.max_rows = std::numeric_limits<int64_t>::max();  // no cap to speak of
  auto all = conn_->Execute("SELECT g FROM generate_series(1, 5) g", limits);
  ASSERT_TRUE(all.ok()) << all.status().ToString();
  EXPECT_EQ(all->rows.size(), 5u);
  auto empty = conn_->Execute("SELECT id AS \"Ünïcode name\" FROM canary WHERE false");
  ASSERT_TRUE(empty.ok()) << empty.status().ToString();
  EXPECT_EQ(empty->columns, std::vector<std::string>{"Ünïcode name"});
  EXPECT_TRUE(empty->rows.empty());
}

TEST_F(PostgresGuardTest, SearchPathIsTheDatasetSchemaAndTableStatementsWork) {
  auto r = conn_->Execute("TABLE canary;");
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_EQ(r->rows.size(), 3u);
  auto path = conn_->Execute("SELECT current_schema()");
  ASSERT_TRUE(path.ok());
  EXPECT_EQ(path->rows[0][0], Value(schema_));
}

TEST_F(PostgresGuardTest, ErrorsAreSqlErrorsAndTheConnectionStaysUsable) {
  auto missing = conn_->Execute("SELECT nosuch FROM canary");
  EXPECT_EQ(missing.status().code(), Status::Code::kInvalidArgument);
  EXPECT_EQ(missing.status().message(), "SQL error: column \"nosuch\" does not exist");
  auto syntax = conn_->Execute("SELECT FROM WHERE");
  EXPECT_EQ(syntax.status().code(), Status::Code::kInvalidArgument);
  EXPECT_NE(syntax.status().message().find("SQL error: syntax error"), std::string::npos);
  auto runtime = conn_->Execute("SELECT 1 / (id - id) FROM canary");
  EXPECT_EQ(runtime.status().message(), "SQL error: division by zero");
  auto empty = conn_->Execute(" ; -- nothing");
  EXPECT_EQ(empty.status().message(), "no SQL statement given");
  GuardLimits bad;
  bad.max_rows = 0;
  EXPECT_EQ(conn_->Execute("SELECT 1", bad).status().code(), Status::Code::kInvalidArgument);
  auto ok = conn_->Execute("SELECT count(*) FROM canary");
  ASSERT_TRUE(ok.ok()) << ok.status().ToString();
  EXPECT_EQ(ok->rows[0][0], Value(int64_t{3}));
}

TEST_F(PostgresGuardTest, ValidateAsksTheServerWithoutRunning) {
  EXPECT_TRUE(conn_->Validate("SELECT id FROM canary").ok());
  EXPECT_EQ(conn_->Validate("SELECT nosuch FROM canary").message(), "SQL error: column \"nosuch\" does not exist");
  EXPECT_EQ(conn_->Validate("SELECT * FROM nosuch").message(), "SQL error: relation \"nosuch\" does not exist");
  EXPECT_EQ(conn_->Validate("DELETE FROM canary").code(), Status::Code::kRefused);
  // EXPLAIN does not run the function: the write it would make is not even attempted.
  EXPECT_TRUE(conn_->Validate("SELECT evil()").ok());
  EXPECT_EQ(RunPostgresSql("SELECT count(*) FROM \"" + schema_ + "\".canary"), "3");
}

TEST_F(PostgresGuardTest, LongQueryStopsAtTheTimeLimitAndThePoolStaysUsable) {
  GuardLimits limits;
  limits.timeout = std::chrono::seconds(1);
  auto r = conn_->Execute("SELECT count(*) FROM generate_series(1, 100000) a, generate_series(1, 100000) b", limits);
  EXPECT_EQ(r.status().code(), Status::Code::kTimeout) << r.status().ToString();
  EXPECT_EQ(r.status().message(), "query interrupted after 1 s (time limit)");
  auto next = conn_->Execute("SELECT 1 AS one");
  ASSERT_TRUE(next.ok()) << next.status().ToString();
  EXPECT_EQ(next->rows[0][0], Value(int64_t{1}));
}

TEST_F(PostgresGuardTest, InterruptFromAnotherThreadCancels) {
  target_.login.application_name = UniquePostgresName("interrupt");  // a pool of its own, named on the server
  auto conn = OpenGuarded(target_);
  Result<QueryResult> result = Status::Internal("not run");
  std::atomic<bool> done{false};
  std::thread worker([&] {
    GuardLimits limits;
    limits.timeout = std::chrono::seconds(120);
    result = conn->Execute("SELECT count(*) FROM generate_series(1, 100000) a, generate_series(1, 100000) b", limits);
    done = true;
  });
  WaitUntilFetching(TestPostgresConninfo(), target_.login.application_name, done);
  conn->Interrupt();
  worker.join();
  EXPECT_EQ(result.status().code(), Status::Code::kCancelled) << result.status().ToString();
  EXPECT_EQ(result.status().message(), "query cancelled");
  // An Interrupt() with nothing running is forgotten by the next Execute.
  conn->Interrupt();
  auto next = conn->Execute("SELECT 2");
  ASSERT_TRUE(next.ok()) << next.status().ToString();
}

TEST_F(PostgresGuardTest, ThreadsShareAPoolNoLargerThanItsSize) {
  // A target of its own (another schema is another pool), so the pool is made with size 2.
  target_.pool_size = 2;
  RunPostgresSql("CREATE SCHEMA \"" + schema_ + "_p\"");
  RunPostgresSql("CREATE TABLE \"" + schema_ + "_p\".t AS SELECT generate_series(1, 10) AS x");
  target_.schema = schema_ + "_p";
  constexpr int kThreads = 6, kQueries = 15;
  std::atomic<int> ok{0};
  std::vector<std::unique_ptr<QueryConnection>> conns;
  for (int i = 0; i < kThreads; ++i) conns.push_back(OpenGuarded(target_));
  std::vector<std::thread> threads;
  for (int i = 0; i < kThreads; ++i) {
    threads.emplace_back([&, i] {
      for (int q = 0; q < kQueries; ++q) {
        auto r = conns[static_cast<size_t>(i)]->Execute("SELECT sum(x) FROM t");
        if (r.ok() && r->rows[0][0] == Value(int64_t{55})) ++ok;
        else ADD_FAILURE() << r.status().ToString();
      }
    });
  }
  for (auto& t : threads) t.join();
  EXPECT_EQ(ok.load(), kThreads * kQueries);
  PgPoolStats stats = PostgresPoolStats(*conns[0]);
  EXPECT_LE(stats.opened_total, 2);
  EXPECT_LE(stats.open, 2);
  EXPECT_EQ(stats.idle, stats.open);
}

TEST(PgPoolTest, ALeaseWaitsForAFreeConnectionUntilItsDeadline) {
  if (TestPostgresConninfo().empty()) GTEST_SKIP();
  PgPoolOptions options;
  options.login.conninfo = TestPostgresConninfo();
  options.size = 1;
  auto pool = PgPool::Make(options);
  {
    auto held = pool->Acquire(PgPool::Clock::now() + std::chrono::seconds(10));
    ASSERT_TRUE(held.ok()) << held.status().ToString();
    auto waiting = pool->Acquire(PgPool::Clock::now() + std::chrono::milliseconds(50));
    EXPECT_EQ(waiting.status().code(), Status::Code::kTimeout);
    EXPECT_NE(waiting.status().message().find("all 1 connections to postgresql://da@"), std::string::npos)
        << waiting.status().ToString();
  }
  auto again = pool->Acquire(PgPool::Clock::now() + std::chrono::seconds(10));
  ASSERT_TRUE(again.ok()) << again.status().ToString();
  EXPECT_EQ(pool->Stats().opened_total, 1);  // the released connection was reused
}

TEST(PgPoolTest, IdleConnectionsPastTheirTimeoutAreClosed) {
  if (TestPostgresConninfo().empty()) GTEST_SKIP();
  PgPoolOptions options;
  options.login.conninfo = TestPostgresConninfo();
  options.idle_timeout = std::chrono::seconds(0);  // every idle connection has expired
  auto pool = PgPool::Make(options);
  for (int i = 0; i < 2; ++i) {
    auto lease = pool->Acquire(PgPool::Clock::now() + std::chrono::seconds(10));
    ASSERT_TRUE(lease.ok()) << lease.status().ToString();
    auto r = lease->client().Exec("SELECT current_setting('transaction_read_only'), current_schema()", "test");
    ASSERT_TRUE(r.ok()) << r.status().ToString();
    EXPECT_EQ(PgStr(r->get(), 0, 0), "on");  // read-only by default
    EXPECT_EQ(PgStr(r->get(), 0, 1), "public");
  }
  PgPoolStats stats = pool->Stats();
  EXPECT_EQ(stats.opened_total, 2);
  EXPECT_EQ(stats.open, 0);
}

TEST(PostgresGuardOpenTest, OpeningDoesNotConnectAndBadTargetsAreRefused) {
  PostgresQueryTarget target;
  target.login.conninfo = "host=/nonexistent/dir port=5999 user=nobody dbname=nowhere";
  auto conn = OpenPostgresConnection(target);
  ASSERT_TRUE(conn.ok()) << conn.status().ToString();
  EXPECT_EQ(PostgresPoolStats(**conn).opened_total, 0);
  target.pool_size = 0;
  EXPECT_EQ(OpenPostgresConnection(target).status().code(), Status::Code::kInvalidArgument);
  target.pool_size = 1;
  target.login.conninfo = "this is = not 'a conninfo";
  EXPECT_EQ(OpenPostgresConnection(target).status().code(), Status::Code::kInvalidArgument);
}

// A role that must log in with a password, from a variable or a private file.
class PostgresGuardPasswordTest : public PostgresGuardTest {
 protected:
  void SetUp() override {
    PostgresGuardTest::SetUp();
    if (IsSkipped()) return;
    role_ = UniquePostgresName("reader");
    password_ = "Pw-" + UniquePostgresName("s3cret");
    const std::string s = "\"" + schema_ + "\"";
    RunPostgresSql("CREATE ROLE " + role_ + " LOGIN PASSWORD '" + password_ + "'");
    RunPostgresSql("GRANT USAGE ON SCHEMA " + s + " TO " + role_);
    RunPostgresSql("GRANT SELECT ON " + s + ".canary TO " + role_);
    target_.login.conninfo = WithPostgresOptions(TestPostgresConninfo(), "user=" + role_);
  }
  void TearDown() override { unsetenv(kVar); }

  void ExpectNoPassword(const Status& status) {
    EXPECT_EQ(status.message().find(password_), std::string::npos) << status.ToString();
    EXPECT_EQ(status.message().find("s3cret"), std::string::npos) << status.ToString();
  }

  static constexpr const char* kVar = "DA_GUARD_TEST_PASSWORD";
  std::string role_, password_;
};

TEST_F(PostgresGuardPasswordTest, PasswordFromTheEnvironmentNeverInErrors) {
  setenv(kVar, password_.c_str(), 1);
  target_.login.password_env = kVar;
  auto conn = OpenGuarded(target_);
  auto ok = conn->Execute("SELECT count(*), current_user FROM canary");
  ASSERT_TRUE(ok.ok()) << ok.status().ToString();
  EXPECT_EQ(ok->rows[0][1], Value(role_));
  auto sql_error = conn->Execute("SELECT '" + password_ + "'::int");  // the server quotes the value back
  ASSERT_FALSE(sql_error.ok());
  EXPECT_EQ(sql_error.status().code(), Status::Code::kInvalidArgument);
  ExpectNoPassword(sql_error.status());
  auto denied = conn->Execute("SELECT * FROM secret");
  EXPECT_EQ(denied.status().code(), Status::Code::kRefused) << denied.status().ToString();
  EXPECT_EQ(denied.status().message(), "the database refused access: permission denied for table secret");

  // A wrong password (a schema of its own: another pool, so a fresh connection).
  const std::string wrong = password_ + "-wrong";
  setenv(kVar, wrong.c_str(), 1);
  PostgresQueryTarget other = target_;
  other.schema = schema_ + "_w";
  auto bad = OpenGuarded(other)->Execute("SELECT 1");
  EXPECT_EQ(bad.status().code(), Status::Code::kIoError) << bad.status().ToString();
  EXPECT_NE(bad.status().message().find("postgresql://" + role_ + "@"), std::string::npos) << bad.status().ToString();
  EXPECT_EQ(bad.status().message().find(wrong), std::string::npos);
  ExpectNoPassword(bad.status());

  // A server that is down.
  setenv(kVar, password_.c_str(), 1);
  PostgresQueryTarget down = target_;
  down.login.conninfo = "host=/tmp/da-no-server-here port=5432 user=" + role_ + " dbname=da_test";
  auto unreachable = OpenGuarded(down)->Execute("SELECT 1");
  EXPECT_EQ(unreachable.status().code(), Status::Code::kIoError);
  EXPECT_NE(unreachable.status().message().find("postgresql://" + role_ + "@%2Ftmp%2Fda-no-server-here:5432/da_test"),
            std::string::npos)
      << unreachable.status().ToString();
  ExpectNoPassword(unreachable.status());
}

TEST_F(PostgresGuardPasswordTest, PasswordFromAPrivateFile) {
  const std::string path = ::testing::TempDir() + "/" + UniquePostgresName("pw");
  std::ofstream(path) << password_ << "\n";
  ASSERT_EQ(chmod(path.c_str(), 0600), 0);
  target_.login.password_file = path;
  auto r = OpenGuarded(target_)->Execute("SELECT count(*) FROM canary");
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_EQ(r->rows[0][0], Value(int64_t{3}));
  std::remove(path.c_str());
}

}  // namespace
}  // namespace da::testing
