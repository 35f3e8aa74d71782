// Where the example memory and semantic cache live: one store for every dataset of a data
// directory (SQLite, <data-dir>/memory.db, by default) or of several servers (PostgreSQL).
//
// The store keeps records; it does not decide what a hit is (memory/memory.h does). Every
// backend implements the same contract, checked by one test suite run against each.
//
// An entry is one question answered with SQL on one dataset: recorded when it was answered
// (kAuto), approved or rejected by a person (feedback), or imported as an example. Its id is
// the answer id people give to `feedback`. Embeddings are stored beside entries, one per
// (entry, embedding model), so a change of model re-embeds without losing entries.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "common/status.h"

namespace da::memory {

enum class EntryStatus {
  kAuto,      // answered, not reviewed: served only for the same question (exact fast path)
  kApproved,  // a person approved it (or imported it): an example, served for paraphrases too
  kRejected,  // a person rejected it: never served again for this question
};
const char* EntryStatusName(EntryStatus status);  // "auto", "approved", "rejected"
std::optional<EntryStatus> ParseEntryStatus(std::string_view name);

struct MemoryEntry {
  int64_t id = 0;  // assigned by Insert; > 0
  std::string dataset;
  std::string question;       // as asked
  std::string exact_text;     // normalised question with its literals (exact-match key)
  std::string template_text;  // normalised question with literals as typed slots
  std::string signature;      // what two questions must share to share SQL
  std::string key_json;       // the question's analysed key (memory/question_key.h), as JSON
  std::string sql;
  std::string notes;          // a person's note (feedback, imports)
  EntryStatus status = EntryStatus::kAuto;
  std::string source;         // "engine", "llm", "import", "feedback"
  std::string schema_fingerprint;  // of the catalog the SQL was written against
  int64_t data_version = 0;        // dataset version the cached result was computed on
  std::string result_json;         // the cached answer (rows, chart, explanation); may be empty
  std::string created_at, updated_at;  // ISO-8601 UTC
  int64_t hits = 0;                    // times served from memory
};

struct StoredEmbedding {
  int64_t entry_id = 0;
  std::vector<float> vector;
};

class MemoryStore {
 public:
  virtual ~MemoryStore() = default;

  // Assigns entry.id and created_at/updated_at (when empty); returns the id.
  virtual Result<int64_t> Insert(MemoryEntry& entry) = 0;
  // Replaces every field of the entry with `entry.id` and sets updated_at. NotFound when absent.
  virtual Status Update(MemoryEntry& entry) = 0;
  // NotFound when there is no entry `id` in `dataset`.
  virtual Result<MemoryEntry> Get(std::string_view dataset, int64_t id) = 0;
  // Entries of `dataset` whose exact_text equals `exact_text`, newest first.
  virtual Result<std::vector<MemoryEntry>> FindExact(std::string_view dataset, std::string_view exact_text) = 0;
  // Entries of `dataset` (of one status when given), oldest first.
  virtual Result<std::vector<MemoryEntry>> List(std::string_view dataset,
                                                std::optional<EntryStatus> status = std::nullopt) = 0;
  // The ids of `dataset`'s entries of one status, ascending (cheap: no other field is read).
  virtual Result<std::vector<int64_t>> ListIds(std::string_view dataset, EntryStatus status) = 0;
  // Deletes the entry and its embeddings; NotFound when absent.
  virtual Status Remove(std::string_view dataset, int64_t id) = 0;
  // Deletes every entry, embedding and setting of `dataset`; returns how many entries went.
  virtual Result<int64_t> RemoveDataset(std::string_view dataset) = 0;
  // Adds `count` to the entry's hit count (best effort: a missing entry is not an error).
  virtual Status RecordHit(int64_t id, int64_t count = 1) = 0;

  // The embedding of `entry_id` under `model` (an Embedder id); replaces an earlier one.
  virtual Status PutEmbedding(int64_t entry_id, std::string_view model, const std::vector<float>& vector) = 0;
  // Every embedding under `model` of `dataset`'s entries, by entry id ascending.
  virtual Result<std::vector<StoredEmbedding>> Embeddings(std::string_view dataset, std::string_view model) = 0;

  // Small per-dataset settings (the schema fingerprint memory was validated against...).
  // GetSetting returns "" for a setting never set.
  virtual Result<std::string> GetSetting(std::string_view dataset, std::string_view name) = 0;
  virtual Status PutSetting(std::string_view dataset, std::string_view name, std::string_view value) = 0;

  // Runs `work` in one transaction: everything it wrote is kept when it returns OK, nothing
  // when it fails. Not reentrant.
  virtual Status InTransaction(const std::function<Status()>& work) = 0;

  // "sqlite:/path/memory.db" or "postgresql://user@host/db" (never with a password).
  virtual std::string description() const = 0;
};

// Opens (creating when missing) the SQLite store at `path`. The file's schema is versioned;
// a file written by a newer version is refused with a message saying so.
Result<std::unique_ptr<MemoryStore>> OpenSqliteMemoryStore(const std::string& path);

}  // namespace da::memory
