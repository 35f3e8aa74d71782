// Writes the server's question history in batches from a thread of its own: a transaction per
// ask, taken on the asking thread, was a tenth of a cached answer's time and serialised every
// ask on the history's lock. Items are written within `period` (default 200 ms); Flush() writes
// what is queued at once (before a read of the history, so a client sees its own questions).
#pragma once

#include <chrono>
#include <condition_variable>
#include <mutex>
#include <thread>
#include <vector>

#include "server/history_store.h"
#include "server/log.h"

namespace da::server {

class HistoryWriter {
 public:
  // `store` must outlive the writer; write failures are reported to `log` (may be null).
  HistoryWriter(HistoryStore* store, Log* log, std::chrono::milliseconds period = std::chrono::milliseconds(200));
  ~HistoryWriter();  // writes what is queued

  void Add(HistoryItem item);
  void Flush();

 private:
  void Loop();

  HistoryStore* store_;
  Log* log_;
  const std::chrono::milliseconds period_;
  std::mutex write_mu_;  // one batch at a time, in order; taken before mu_
  std::mutex mu_;        // the queue
  std::condition_variable wake_;
  std::vector<HistoryItem> queue_;
  bool stop_ = false;
  std::thread thread_;
};

}  // namespace da::server
