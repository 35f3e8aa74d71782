// Notices when a client goes away while its request is still being worked on, so that its
// query can be interrupted instead of running to its time limit for nobody.
//
// cpp-httplib does not hand handlers their socket, so the watch finds it: for a request that
// has run longer than a grace period, it looks through the process's descriptors for the TCP
// socket whose peer is the request's remote address and port, then polls it for a hang-up
// (POLLRDHUP / POLLHUP / POLLERR). The socket cannot be closed or reused while its handler runs,
// so the descriptor found stays the request's. Fast requests cost one registration.
#pragma once

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <functional>
#include <list>
#include <memory>
#include <mutex>
#include <string>
#include <thread>

namespace da::server {

class ClientWatch {
  struct Entry;

 public:
  // While a Guard lives its request is watched; destroying it stops the watch (the interrupt
  // is never called after the destructor returns).
  class Guard {
   public:
    Guard(Guard&&) noexcept;
    Guard& operator=(Guard&&) = delete;
    ~Guard();
    bool client_gone() const;

   private:
    friend class ClientWatch;
    Guard(ClientWatch* watch, std::shared_ptr<Entry> entry) : watch_(watch), entry_(std::move(entry)) {}
    ClientWatch* watch_;
    std::shared_ptr<Entry> entry_;
  };

  explicit ClientWatch(std::chrono::milliseconds grace = std::chrono::milliseconds(100),
                       std::chrono::milliseconds period = std::chrono::milliseconds(50));
  ~ClientWatch();

  // Watches the connection from `remote_addr`:`remote_port` (as httplib's Request has them);
  // `interrupt` is called at most once, from the watch's thread, when the client hangs up.
  Guard Watch(const std::string& remote_addr, int remote_port, std::function<void()> interrupt);

 private:
  void Loop();
  void Check(Entry& entry);
  void Remove(const std::shared_ptr<Entry>& entry);

  const std::chrono::milliseconds grace_, period_;
  std::mutex mu_;  // held while an interrupt runs, so Remove waits for it
  std::condition_variable wake_;
  std::list<std::shared_ptr<Entry>> entries_;
  bool stop_ = false;
  std::thread thread_;
};

}  // namespace da::server
