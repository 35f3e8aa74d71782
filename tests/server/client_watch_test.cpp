// The client watch against real TCP connections on loopback.
#include "server/client_watch.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <gtest/gtest.h>

#include <atomic>
#include <thread>

namespace da::server {
namespace {

// A connected pair: `client` (what the far side holds) and `served` (what the server holds).
struct Connection {
  int listener = -1, client = -1, served = -1;
  int client_port = 0;
  Connection() {
    listener = ::socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    EXPECT_EQ(::bind(listener, reinterpret_cast<sockaddr*>(&addr), sizeof addr), 0);
    EXPECT_EQ(::listen(listener, 1), 0);
    socklen_t len = sizeof addr;
    ::getsockname(listener, reinterpret_cast<sockaddr*>(&addr), &len);
    client = ::socket(AF_INET, SOCK_STREAM, 0);
    EXPECT_EQ(::connect(client, reinterpret_cast<sockaddr*>(&addr), sizeof addr), 0);
    served = ::accept(listener, nullptr, nullptr);
    sockaddr_in local{};
    len = sizeof local;
    ::getsockname(client, reinterpret_cast<sockaddr*>(&local), &len);
    client_port = ntohs(local.sin_port);
  }
  ~Connection() {
    for (int fd : {listener, client, served}) {
      if (fd >= 0) ::close(fd);
    }
  }
};

bool WaitFor(const std::atomic<bool>& flag, std::chrono::milliseconds limit) {
  const auto deadline = std::chrono::steady_clock::now() + limit;
  while (!flag && std::chrono::steady_clock::now() < deadline) std::this_thread::sleep_for(std::chrono::milliseconds(5));
  return flag;
}

TEST(ClientWatchTest, ClientThatHangsUpIsInterrupted) {
  ClientWatch watch(std::chrono::milliseconds(10), std::chrono::milliseconds(5));
  Connection c;
  std::atomic<bool> interrupted{false};
  auto guard = watch.Watch("127.0.0.1", c.client_port, [&] { interrupted = true; });
  ::close(c.client);
  c.client = -1;
  EXPECT_TRUE(WaitFor(interrupted, std::chrono::seconds(5)));
  EXPECT_TRUE(guard.client_gone());
}

TEST(ClientWatchTest, ClientStillConnectedIsLeftAlone) {
  ClientWatch watch(std::chrono::milliseconds(10), std::chrono::milliseconds(5));
  Connection c;
  std::atomic<bool> interrupted{false};
  auto guard = watch.Watch("127.0.0.1", c.client_port, [&] { interrupted = true; });
  // A client that sends more (a pipelined request) is still there.
  ASSERT_EQ(::write(c.client, "GET / HTTP/1.1\r\n", 16), 16);
  EXPECT_FALSE(WaitFor(interrupted, std::chrono::milliseconds(200)));
  EXPECT_FALSE(guard.client_gone());
}

TEST(ClientWatchTest, NoInterruptAfterTheGuardIsGone) {
  ClientWatch watch(std::chrono::milliseconds(10), std::chrono::milliseconds(5));
  Connection c;
  std::atomic<bool> interrupted{false};
  { auto guard = watch.Watch("127.0.0.1", c.client_port, [&] { interrupted = true; }); }
  ::close(c.client);
  c.client = -1;
  EXPECT_FALSE(WaitFor(interrupted, std::chrono::milliseconds(200)));
}

TEST(ClientWatchTest, UnknownPeerIsNeverInterrupted) {
  ClientWatch watch(std::chrono::milliseconds(10), std::chrono::milliseconds(5));
  std::atomic<bool> interrupted{false};
  auto guard = watch.Watch("127.0.0.1", 1, [&] { interrupted = true; });
  EXPECT_FALSE(WaitFor(interrupted, std::chrono::milliseconds(100)));
}

}  // namespace
}  // namespace da::server
