// The memory of one dataset: answers remembered, examples approved, and the semantic cache
// over them. It learns from use and is never wrong because of the cache:
//
// - Every answered question is remembered (an "auto" entry; its id is the answer id people
//   approve or reject). An auto entry is served again only for the same question (exact
//   normalised text, memory/question_key.h) and only until it expires (ttl_hours).
// - Approved entries are examples: served for paraphrases too (embedding similarity at or
//   above similarity_threshold) when the question's signature (schema elements, operators, slot
//   kinds) is the same, with the cached SQL's literals replaced by the question's when that is
//   safe (memory/sql_reparameterize.h); otherwise it is a miss. They also feed few-shot
//   examples to SQL prompts.
// - Rejected entries are never served again for their question, nor is their SQL from
//   another entry for that question.
// - A cached result is reused only while the dataset's data version is the one it was
//   computed on, the SQL is unchanged and the entry has not expired; otherwise the SQL is run
//   again. When the schema changes (re-ingest), every entry is re-validated against the new
//   catalog when the memory is opened; entries whose SQL no longer runs are dropped.
//
// What is embedded is the question's signature followed by its template. Embeddings come from the configured embeddings model when there is one, else the built-in
// TextEmbedder. They are stored per model id; a model change re-embeds the approved entries
// (once, when the memory is opened). The nearest-neighbour index (memory/vector_index.h) is
// persisted beside the data and rebuilt from the store when missing, stale or damaged.
//
// Thread-safety: every method may be called from any thread (one mutex; the work under it is
// small: a lookup is well under a millisecond).
#pragma once

#include <chrono>
#include <map>
#include <cstdint>
#include <filesystem>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_set>
#include <vector>

#include <nlohmann/json.hpp>

#include "catalog/catalog.h"
#include "catalog/value_index.h"
#include "common/status.h"
#include "llm/provider.h"
#include "memory/memory_store.h"
#include "memory/question_key.h"

namespace da {
class SchemaIndex;
}

namespace da::memory {

class VectorIndex;

struct MemoryOptions {
  bool cache = true;  // false: Lookup always misses (answers are still remembered)
  double similarity_threshold = 0.85;  // cosine of the embedded signature + template
  double ttl_hours = 168;  // 0: never expire
  int few_shot_k = 3;
  double few_shot_min_similarity = 0.5;
  // Where the nearest-neighbour index file lives; empty: kept in memory only.
  std::filesystem::path index_dir;
};

// What the memory needs to know of the dataset it serves. Pointers must outlive the memory.
struct DatasetView {
  std::string name;
  const Catalog* catalog = nullptr;
  const ValueIndex* values = nullptr;  // may be null
  int64_t data_version = 0;
  // A live database (PostgreSQL, Redshift): its rows change without a new data version, so a
  // stored result is never served; a remembered question's SQL is run again instead.
  bool live = false;
  // Checks that `sql` would run on the dataset now (guard rules, tables, columns) without
  // running it. Used to re-validate entries after a schema change and to check imports.
  std::function<Status(std::string_view sql)> validate;
};

struct CacheHit {
  MemoryEntry entry;            // the entry served
  std::string sql;              // to run: the entry's, with the question's literals if they differ
  bool exact = false;           // the same question (exact normalised text)
  double similarity = 1;        // cosine of the two questions' templates (1 when exact)
  bool reparameterised = false; // literals were replaced
  // The cached answer (entry.result_json parsed) when it is still valid: same SQL, same data
  // version, not expired, not a live database. Null otherwise: run `sql`.
  nlohmann::json result;
};

struct Example {
  int64_t id = 0;
  std::string question, sql, notes;
  double similarity = 0;
};

// What opening found and did.
struct OpenReport {
  bool schema_changed = false;
  int64_t revalidated = 0;  // entries checked against a changed schema and kept
  int64_t dropped = 0;      // entries whose SQL no longer runs
  int64_t embedded = 0;     // approved entries embedded (new model, or first use)
  bool index_rebuilt = false;
  std::string embedder;     // the embedder id in use
  std::string warning;      // a degraded start (embedder unavailable): exact matches only
};

// "sha256 hex" of the visible tables' names and their columns' names and types, in order.
std::string SchemaFingerprint(const Catalog& catalog);

class Memory {
 public:
  // `store` and `embedder` must outlive the memory. Re-validates entries when the schema
  // changed since the last open, embeds approved entries missing an embedding, and loads or
  // rebuilds the index. An embedder that fails leaves the memory usable for exact matches
  // (OpenReport::warning says so); a store that fails is an error.
  static Result<std::unique_ptr<Memory>> Open(MemoryStore& store, DatasetView dataset, llm::Embedder& embedder,
                                              MemoryOptions options = {});
  ~Memory();

  // The remembered answer to serve for `question`, if one may be served.
  Result<std::optional<CacheHit>> Lookup(std::string_view question);

  // Remembers an answer the pipeline computed (not served from memory); returns its answer id.
  // The same question with the same SQL updates the entry it already has (result, version).
  // `result` is stored for reuse (null: nothing to reuse).
  Result<int64_t> Remember(std::string_view question, std::string_view sql, std::string_view source,
                           const nlohmann::json& result);

  // Approves entry `id`: it becomes an example and serves paraphrases. `sql`, when given,
  // corrects the entry's SQL (checked with DatasetView::validate first).
  Result<MemoryEntry> Approve(int64_t id, std::optional<std::string> sql = std::nullopt, std::string notes = "");
  // Rejects entry `id`: never served again for its question.
  Result<MemoryEntry> Reject(int64_t id, std::string notes = "");
  // Adds an approved example directly (imports, corrections given with a question). The SQL is
  // validated first; an invalid one is kInvalidArgument with the database's reason.
  Result<int64_t> AddExample(std::string_view question, std::string_view sql, std::string notes,
                             std::string source = "import");
  // Several examples at once, all or nothing: the first invalid one fails the whole call,
  // named by `origins[i]` ("examples.jsonl: line 3") when given.
  Status AddExamples(const std::vector<Example>& examples, const std::vector<std::string>& origins,
                     const std::string& source);

  // The newest entry for this question text (any status); NotFound when none.
  Result<MemoryEntry> Latest(std::string_view question);
  Result<MemoryEntry> Get(int64_t id);
  Result<std::vector<MemoryEntry>> Entries(std::optional<EntryStatus> status = std::nullopt);
  // Forgets entry `id` entirely.
  Status Remove(int64_t id);

  // Up to few_shot_k approved examples nearest `question` (at least few_shot_min_similarity),
  // one per signature so they show different shapes, best first.
  Result<std::vector<Example>> FewShot(std::string_view question);

  // Forgets everything remembered about `dataset` (a dataset being removed): its entries,
  // embeddings and settings in `store`, and its index files in `index_dir`.
  static Status Forget(MemoryStore& store, const std::string& dataset, const std::filesystem::path& index_dir);

  const OpenReport& open_report() const { return report_; }
  const std::string& dataset() const { return dataset_.name; }

 private:
  Memory(MemoryStore& store, DatasetView dataset, llm::Embedder& embedder, MemoryOptions options);
  class Opener;
  using SqlFilter = std::function<bool(std::string_view sql)>;

  // Helpers below run with mu_ held.
  QuestionKey Key(std::string_view question) const;
  Result<std::vector<float>> Embed(std::string_view signature, std::string_view template_text);
  bool Expired(const MemoryEntry& entry) const;
  nlohmann::json ReusableResult(const MemoryEntry& entry) const;
  std::optional<CacheHit> ExactHit(const std::vector<MemoryEntry>& same, const SqlFilter& is_rejected) const;
  Result<std::optional<CacheHit>> SemanticHit(const QuestionKey& key, const SqlFilter& is_rejected);
  Status Refresh();
  Status Index(const MemoryEntry& entry);
  Status Unindex(int64_t id);
  Status Changed();  // bumps the store's generation so other processes refresh
  Status SaveIndex() const;
  std::filesystem::path IndexPath() const;
  MemoryEntry NewEntry(std::string_view question, const QuestionKey& key, std::string_view sql) const;
  Result<int64_t> InsertExample(std::string_view question, std::string_view sql, std::string notes,
                                const std::string& source, MemoryEntry* inserted);

  MemoryStore& store_;
  DatasetView dataset_;
  llm::Embedder& embedder_;
  MemoryOptions options_;
  std::unique_ptr<SchemaIndex> schema_;
  std::string fingerprint_;
  bool embedder_ok_ = true;
  std::unique_ptr<VectorIndex> index_;  // approved entries; created with the first one
  std::unordered_set<int64_t> indexed_;
  std::string generation_;  // the store's generation this index reflects
  std::chrono::steady_clock::time_point last_refresh_{};
  OpenReport report_;
  // The last question's key (Key; under key_mu_, not mu_) and the last text's vector (Embed).
  mutable std::mutex key_mu_;
  std::map<int64_t, int64_t> pending_hits_;  // hits not yet written (CountHit, FlushHits; under mu_)
  std::chrono::steady_clock::time_point last_hits_flush_{};
  mutable std::string last_question_;
  mutable QuestionKey last_key_;
  std::string last_embedded_text_;
  std::vector<float> last_vector_;
  std::mutex mu_;

  void CountHit(int64_t id);  // under mu_
  void FlushHits();           // under mu_
};

}  // namespace da::memory
