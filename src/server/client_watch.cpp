#include "server/client_watch.h"

#include <arpa/inet.h>
#include <dirent.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cstdlib>
#include <cstring>

namespace da::server {

struct ClientWatch::Entry {
  std::string remote_addr;
  int remote_port = 0;
  std::function<void()> interrupt;
  std::chrono::steady_clock::time_point start;
  int fd = -1;            // found after the grace period; -2 when it could not be found
  std::atomic<bool> gone{false};
};

namespace {

// The peer of socket `fd` as text and port; false when it is not a connected IP socket.
bool PeerOf(int fd, std::string* addr, int* port) {
  sockaddr_storage ss{};
  socklen_t len = sizeof ss;
  if (::getpeername(fd, reinterpret_cast<sockaddr*>(&ss), &len) != 0) return false;
  char text[INET6_ADDRSTRLEN] = {0};
  if (ss.ss_family == AF_INET) {
    auto* in = reinterpret_cast<sockaddr_in*>(&ss);
    ::inet_ntop(AF_INET, &in->sin_addr, text, sizeof text);
    *port = ntohs(in->sin_port);
  } else if (ss.ss_family == AF_INET6) {
    auto* in6 = reinterpret_cast<sockaddr_in6*>(&ss);
    ::inet_ntop(AF_INET6, &in6->sin6_addr, text, sizeof text);
    *port = ntohs(in6->sin6_port);
  } else {
    return false;
  }
  *addr = text;
  return true;
}

int FindSocket(const std::string& remote_addr, int remote_port) {
  DIR* dir = ::opendir("/proc/self/fd");
  if (dir == nullptr) return -2;
  int found = -2;
  while (dirent* e = ::readdir(dir)) {
    char* end = nullptr;
    const long fd = std::strtol(e->d_name, &end, 10);
    if (end == e->d_name || *end != '\0' || fd == ::dirfd(dir)) continue;
    struct stat st {};
    if (::fstat(static_cast<int>(fd), &st) != 0 || !S_ISSOCK(st.st_mode)) continue;
    std::string addr;
    int port = 0;
    if (PeerOf(static_cast<int>(fd), &addr, &port) && port == remote_port && addr == remote_addr) {
      found = static_cast<int>(fd);
      break;
    }
  }
  ::closedir(dir);
  return found;
}

bool HungUp(int fd) {
  pollfd p{fd, POLLRDHUP, 0};
  if (::poll(&p, 1, 0) <= 0) return false;
  return (p.revents & (POLLRDHUP | POLLHUP | POLLERR | POLLNVAL)) != 0;
}

}  // namespace

ClientWatch::Guard::Guard(Guard&& o) noexcept : watch_(o.watch_), entry_(std::move(o.entry_)) {}
ClientWatch::Guard::~Guard() {
  if (entry_) watch_->Remove(entry_);
}
bool ClientWatch::Guard::client_gone() const { return entry_ && entry_->gone.load(); }

ClientWatch::ClientWatch(std::chrono::milliseconds grace, std::chrono::milliseconds period)
    : grace_(grace), period_(period), thread_([this] { Loop(); }) {}

ClientWatch::~ClientWatch() {
  {
    std::lock_guard<std::mutex> lock(mu_);
    stop_ = true;
  }
  wake_.notify_all();
  thread_.join();
}

ClientWatch::Guard ClientWatch::Watch(const std::string& remote_addr, int remote_port, std::function<void()> interrupt) {
  auto entry = std::make_shared<Entry>();
  entry->remote_addr = remote_addr;
  entry->remote_port = remote_port;
  entry->interrupt = std::move(interrupt);
  entry->start = std::chrono::steady_clock::now();
  std::lock_guard<std::mutex> lock(mu_);
  entries_.push_back(entry);
  return Guard(this, entry);
}

void ClientWatch::Remove(const std::shared_ptr<Entry>& entry) {
  std::lock_guard<std::mutex> lock(mu_);
  entries_.remove(entry);
}

void ClientWatch::Check(Entry& e) {
  if (e.gone || std::chrono::steady_clock::now() - e.start < grace_) return;
  if (e.fd == -1) e.fd = FindSocket(e.remote_addr, e.remote_port);
  if (e.fd < 0 || !HungUp(e.fd)) return;
  e.gone = true;
  if (e.interrupt) e.interrupt();
}

void ClientWatch::Loop() {
  std::unique_lock<std::mutex> lock(mu_);
  while (!stop_) {
    wake_.wait_for(lock, period_);
    for (auto& entry : entries_) Check(*entry);
  }
}

}  // namespace da::server
