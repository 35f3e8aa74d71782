// Per-key history of questions and answers (GET /api/v1/history): what each key asked.
#pragma once

#include <cstdint>
#include <filesystem>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <unordered_map>
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
// of each key; older ones are pruned in batches: once a key holds more than kKeptPerKey +
// kPruneSlack, Add deletes all but its newest kKeptPerKey in the same transaction, so a busy key
// costs one index scan per kPruneSlack asks rather than one per ask. Each key's count is read
// once and then kept, so an Add is one insert; items another process adds to the same key are
// counted at its next prune.
class HistoryStore {
 public:
  static constexpr size_t kKeptPerKey = 1000;
  static constexpr size_t kPruneSlack = 100;
  static constexpr size_t kMaxListed = 500;

  static Result<std::unique_ptr<HistoryStore>> Open(const std::filesystem::path& data_dir);
  ~HistoryStore();

  // Records `item` (after every ask, so prepared statements and one short transaction); its id.
  Result<int64_t> Add(HistoryItem item);
  // Records `items` in one transaction, all or none (the server writes its asks in batches).
  Status AddAll(std::vector<HistoryItem> items);
  // `key_id`'s items, newest first; `dataset` empty = all of this key's datasets; `limit` is
  // capped at kMaxListed.
  Result<std::vector<HistoryItem>> List(int64_t key_id, std::string_view dataset, size_t limit) const;
  // Removes every key's items about `dataset` (when the dataset is removed).
  Status ForgetDataset(std::string_view dataset);

 private:
  explicit HistoryStore(SqliteDb db);
  Status AddLocked(HistoryItem& item);
  Result<int64_t> CountLocked(int64_t key_id);

  mutable std::mutex mu_;
  SqliteDb db_;
  SqliteStmt begin_, commit_, rollback_, insert_, count_, prune_, list_all_, list_dataset_;
  std::unordered_map<int64_t, int64_t> counts_;  // key id -> items stored (as far as this store knows)
};

}  // namespace da::server
