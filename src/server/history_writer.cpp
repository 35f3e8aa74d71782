#include "server/history_writer.h"

namespace da::server {

HistoryWriter::HistoryWriter(HistoryStore* store, Log* log, std::chrono::milliseconds period)
    : store_(store), log_(log), period_(period), thread_([this] { Loop(); }) {}

HistoryWriter::~HistoryWriter() {
  {
    std::lock_guard<std::mutex> lock(mu_);
    stop_ = true;
  }
  wake_.notify_all();
  thread_.join();
  Flush();
}

void HistoryWriter::Add(HistoryItem item) {
  std::lock_guard<std::mutex> lock(mu_);
  queue_.push_back(std::move(item));
}

void HistoryWriter::Flush() {
  // write_mu_ before mu_, always: batches land in order and Add never waits for a write.
  std::lock_guard<std::mutex> writing(write_mu_);
  std::vector<HistoryItem> batch;
  {
    std::lock_guard<std::mutex> lock(mu_);
    batch.swap(queue_);
  }
  if (batch.empty()) return;
  const size_t n = batch.size();
  Status s = store_->AddAll(std::move(batch));
  if (!s.ok() && log_) log_->Warn("history_not_saved", {{"items", n}, {"message", s.message()}});
}

void HistoryWriter::Loop() {
  std::unique_lock<std::mutex> lock(mu_);
  while (!stop_) {
    wake_.wait_for(lock, period_);
    const bool queued = !queue_.empty();
    lock.unlock();
    if (queued) Flush();
    lock.lock();
  }
}

}  // namespace da::server
