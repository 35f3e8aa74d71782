// Per-key history of questions and answers (GET /api/v1/history): what each key asked.
#pragma once

#include <cstdint>
#include <filesystem>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "common/sqlite.h"
#include "common/status.h"

namespace da::server {

struct HistoryItem {
  int64_t id = 0;
  int64_t key_id = 0;
  std::string dataset, question;
  bool answered = false;
  std::string sql, restatement, source;
  int64_t answer_id = 0;
  int64_t row_count = 0;
  std::string message;
  std::string created_at;   // set by Add when empty

  // {"id","dataset","question","answered","sql","restatement","source","answer_id","row_count","message",
  // "created_at"}: no key_id.
  nlohmann::json ToJson() const;
};

// The `history` table of <data_dir>/server.db. Thread-safe. Keeps the newest kKeptPerKey items
// per key: Add prunes the key's older ones in the same transaction.
class HistoryStore {
 public:
  static constexpr size_t kKeptPerKey = 1000;
  static constexpr size_t kMaxListed = 500;

  static Result<std::unique_ptr<HistoryStore>> Open(const std::filesystem::path& data_dir);
  ~HistoryStore();

  // Records `item` (after every ask, so prepared statements and one short transaction); its id.
  Result<int64_t> Add(HistoryItem item);
  // `key_id`'s items, newest first; `dataset` empty = all of this key's datasets; `limit` is
  // capped at kMaxListed.
  Result<std::vector<HistoryItem>> List(int64_t key_id, std::string_view dataset, size_t limit) const;
  // Removes every key's items about `dataset` (when the dataset is removed).
  Status ForgetDataset(std::string_view dataset);

 private:
  explicit HistoryStore(SqliteDb db);
  Status AddLocked(HistoryItem& item);

  mutable std::mutex mu_;
  SqliteDb db_;
  SqliteStmt begin_, commit_, rollback_, insert_, prune_, list_all_, list_dataset_;
};

}  // namespace da::server
