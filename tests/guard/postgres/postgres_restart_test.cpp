// The PostgreSQL guard when the server goes away, on a private server of the test's own: restarts
// between and during queries, a server that is down and comes back, a TCP connection dropped
// mid-query, and sslmode=require against a server without SSL. After each, the next query works
// without the caller doing anything (the pool replaces broken connections).
#include <arpa/inet.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include <atomic>
#include <cstdlib>
#include <functional>
#include <memory>
#include <mutex>
#include <thread>

#include "postgres/guard_pg_fixture.h"

namespace da::testing {
namespace {

// A loopback TCP port forwarded to the server's Unix socket: real PostgreSQL behind a TCP hop the
// test can cut (DropAll) to play a dropped network connection. The server sees a local client.
class TcpProxy {
 public:
  explicit TcpProxy(std::string unix_path) : unix_path_(std::move(unix_path)) {
    listen_fd_ = ::socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    socklen_t len = sizeof addr;
    if (::bind(listen_fd_, reinterpret_cast<sockaddr*>(&addr), len) != 0 || ::listen(listen_fd_, 16) != 0 ||
        ::getsockname(listen_fd_, reinterpret_cast<sockaddr*>(&addr), &len) != 0) {
      ADD_FAILURE() << "cannot listen on loopback";
      return;
    }
    port_ = ntohs(addr.sin_port);
    acceptor_ = std::thread([this] { AcceptLoop(); });
  }

  ~TcpProxy() {
    ::shutdown(listen_fd_, SHUT_RDWR);
    if (acceptor_.joinable()) acceptor_.join();
    DropAll();
    for (auto& t : pumps_) t.join();
    for (auto [a, b] : pairs_) {
      ::close(a);
      ::close(b);
    }
    ::close(listen_fd_);
  }

  int port() const { return port_; }

  // Cuts every forwarded connection, as a dropped network would.
  void DropAll() {
    std::lock_guard<std::mutex> lock(mu_);
    for (auto [a, b] : pairs_) {
      ::shutdown(a, SHUT_RDWR);
      ::shutdown(b, SHUT_RDWR);
    }
  }

  // Stops forwarding on the connections open now (new ones still work), as a hung network would.
  void PauseAll() {
    std::lock_guard<std::mutex> lock(mu_);
    for (auto& paused : paused_) paused->store(true);
  }

 private:
  void AcceptLoop() {
    for (;;) {
      const int client = ::accept(listen_fd_, nullptr, nullptr);
      if (client < 0) return;
      const int server = ::socket(AF_UNIX, SOCK_STREAM, 0);
      sockaddr_un addr{};
      addr.sun_family = AF_UNIX;
      unix_path_.copy(addr.sun_path, sizeof addr.sun_path - 1);
      if (::connect(server, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0) ::shutdown(client, SHUT_RDWR);
      std::lock_guard<std::mutex> lock(mu_);
      pairs_.emplace_back(client, server);
      paused_.push_back(std::make_shared<std::atomic<bool>>(false));
      pumps_.emplace_back([client, server, paused = paused_.back()] { Pump(client, server, *paused); });
    }
  }

  static void Pump(int a, int b, const std::atomic<bool>& paused) {
    char buf[16384];
    for (;;) {
      pollfd p[2] = {{a, POLLIN, 0}, {b, POLLIN, 0}};
      if (::poll(p, 2, -1) < 0) break;
      while (paused.load()) {  // until DropAll cuts the connection
        pollfd hup[2] = {{a, 0, 0}, {b, 0, 0}};
        ::poll(hup, 2, 50);
        if ((hup[0].revents | hup[1].revents) & (POLLHUP | POLLERR | POLLNVAL)) return;
      }
      for (int i = 0; i < 2; ++i) {
        if (!(p[i].revents & (POLLIN | POLLHUP | POLLERR))) continue;
        const ssize_t n = ::read(p[i].fd, buf, sizeof buf);
        if (n <= 0 || ::send(p[1 - i].fd, buf, static_cast<size_t>(n), MSG_NOSIGNAL) != n) {
          ::shutdown(a, SHUT_RDWR);
          ::shutdown(b, SHUT_RDWR);
          return;
        }
      }
    }
  }

  std::string unix_path_;
  int listen_fd_ = -1;
  int port_ = 0;
  std::thread acceptor_;
  std::mutex mu_;
  std::vector<std::pair<int, int>> pairs_;
  std::vector<std::shared_ptr<std::atomic<bool>>> paused_;
  std::vector<std::thread> pumps_;
};

constexpr char kLongQuery[] = "SELECT count(*) FROM generate_series(1, 100000) a, generate_series(1, 100000) b";

class PostgresRestartTest : public ::testing::Test {
 protected:
  void SetUp() override {
    if (TestPostgresConninfo().empty()) GTEST_SKIP();
    server_ = std::make_unique<PrivatePostgresServer>();
    ASSERT_TRUE(server_->started());
    CreateGuardSchema(server_->conninfo(), "ds");
  }

  std::unique_ptr<QueryConnection> Open(const std::string& conninfo) { return OpenGuarded(Target(conninfo, "ds")); }

  void ExpectWorks(QueryConnection& conn) {
    auto r = conn.Execute("SELECT count(*) FROM canary");
    ASSERT_TRUE(r.ok()) << r.status().ToString();
    EXPECT_EQ(r->rows[0][0], Value(int64_t{3}));
  }

  // Runs the long query on a connection of its own (named, so the server shows when it runs) in a
  // thread, calls `disrupt` once the server runs it, returns its result.
  Result<QueryResult> DisruptLongQuery(const std::string& conninfo, const std::function<void()>& disrupt) {
    PostgresQueryTarget target = Target(conninfo, "ds");
    target.login.application_name = UniquePostgresName("long");
    auto conn = OpenGuarded(target);
    ExpectWorks(*conn);
    Result<QueryResult> result = Status::Internal("not run");
    std::atomic<bool> done{false};
    std::thread worker([&] {
      GuardLimits limits;
      limits.timeout = std::chrono::seconds(30);
      result = conn->Execute(kLongQuery, limits);
      done = true;
    });
    WaitUntilFetching(server_->conninfo(), target.login.application_name, done);
    disrupt();
    worker.join();
    if (!HasFailure()) ExpectWorks(*conn);  // the pool recovered
    return result;
  }

  void StopServer() {
    const std::string pg_ctl = "/usr/lib/postgresql/15/bin/pg_ctl -D " + SocketDir(server_->conninfo()) +
                               "/data -m fast -w stop >/dev/null";
    ASSERT_EQ(std::system(((getuid() == 0 ? "runuser -u postgres -- " : "") + pg_ctl).c_str()), 0);
  }

  std::string Description() const { return "postgresql://da@" + Encoded(SocketDir(server_->conninfo())) + ":5432/da_test"; }
  static std::string Encoded(const std::string& dir) {
    std::string out;
    for (char c : dir) out += c == '/' ? std::string("%2F") : std::string(1, c);
    return out;
  }

  std::unique_ptr<PrivatePostgresServer> server_;
};

TEST_F(PostgresRestartTest, RestartBetweenQueries) {
  auto conn = Open(server_->conninfo());
  ExpectWorks(*conn);
  ASSERT_TRUE(server_->Restart());
  ExpectWorks(*conn);  // the broken idle connection was replaced before the query was sent
  EXPECT_GE(PostgresPoolStats(*conn).discarded_total, 1);
  EXPECT_EQ(PostgresPoolStats(*conn).open, 1);
}

TEST_F(PostgresRestartTest, RestartDuringAQueryIsAClearErrorAndThePoolRecovers) {
  auto r = DisruptLongQuery(server_->conninfo(), [&] { ASSERT_TRUE(server_->Restart()); });
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().code(), Status::Code::kIoError) << r.status().ToString();
  EXPECT_EQ(r.status().message().rfind(Description() + ": the connection to the database was lost during the query", 0),
            0u)
      << r.status().ToString();
}

TEST_F(PostgresRestartTest, AServerThatIsDownThenBack) {
  auto conn = Open(server_->conninfo());
  ExpectWorks(*conn);
  StopServer();
  auto down = conn->Execute("SELECT 1");
  EXPECT_EQ(down.status().code(), Status::Code::kIoError) << down.status().ToString();
  EXPECT_EQ(down.status().message().rfind(Description() + ": cannot connect", 0), 0u) << down.status().ToString();
  ASSERT_TRUE(server_->Restart());  // pg_ctl restart starts a stopped server with its options
  ExpectWorks(*conn);
}

TEST_F(PostgresRestartTest, ADroppedTcpConnectionMidQuery) {
  TcpProxy proxy(SocketDir(server_->conninfo()) + "/.s.PGSQL.5432");
  const std::string conninfo = "host=127.0.0.1 port=" + std::to_string(proxy.port()) + " user=da dbname=da_test";
  auto r = DisruptLongQuery(conninfo, [&] { proxy.DropAll(); });
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().code(), Status::Code::kIoError) << r.status().ToString();
  EXPECT_NE(r.status().message().find("postgresql://da@127.0.0.1:" + std::to_string(proxy.port()) +
                                      "/da_test: the connection to the database was lost during the query"),
            std::string::npos)
      << r.status().ToString();
  // The server noticed nothing yet: stop the abandoned query rather than let it run to its limit.
  RunSqlOn(server_->conninfo(), "SELECT count(pg_cancel_backend(pid)) FROM pg_stat_activity WHERE query LIKE 'FETCH%'");
}

TEST_F(PostgresRestartTest, AHungNetworkCannotHoldTheCallerPastTheDeadline) {
  TcpProxy proxy(SocketDir(server_->conninfo()) + "/.s.PGSQL.5432");
  auto conn = Open("host=127.0.0.1 port=" + std::to_string(proxy.port()) + " user=da dbname=da_test");
  ExpectWorks(*conn);
  proxy.PauseAll();  // the pooled connection hangs: neither the query nor any answer gets through
  GuardLimits limits;
  limits.timeout = std::chrono::seconds(1);
  auto r = conn->Execute("SELECT 1", limits);
  EXPECT_EQ(r.status().code(), Status::Code::kTimeout) << r.status().ToString();
  EXPECT_EQ(r.status().message(), "query interrupted after 1 s (time limit)");
  EXPECT_GE(PostgresPoolStats(*conn).discarded_total, 1);  // given up, not returned to the pool
  ExpectWorks(*conn);
  proxy.DropAll();
}

TEST_F(PostgresRestartTest, SslRequiredAgainstAServerWithoutSsl) {
  TcpProxy proxy(SocketDir(server_->conninfo()) + "/.s.PGSQL.5432");
  auto conn = Open("postgresql://da@127.0.0.1:" + std::to_string(proxy.port()) + "/da_test?sslmode=require");
  auto r = conn->Execute("SELECT 1");
  EXPECT_EQ(r.status().code(), Status::Code::kIoError) << r.status().ToString();
  EXPECT_NE(r.status().message().find("cannot connect: connection to server at \"127.0.0.1\", port " + std::to_string(proxy.port()) +
                                      " failed: server does not support SSL, but SSL was required"),
            std::string::npos)
      << r.status().ToString();
  auto plain = Open("postgresql://da@127.0.0.1:" + std::to_string(proxy.port()) + "/da_test?sslmode=prefer");
  ExpectWorks(*plain);
}

}  // namespace
}  // namespace da::testing
