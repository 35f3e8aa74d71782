// Memory: remembering answers, feedback (approve / reject) and examples.
#include <algorithm>
#include <random>

#include "memory/memory.h"
#include "memory/memory_internal.h"
#include "memory/vector_index.h"

namespace da::memory {

using internal::NormalizeSql;
using nlohmann::json;

namespace internal {

void SetKey(MemoryEntry& entry, const QuestionKey& key) {
  entry.exact_text = key.exact_text;
  entry.template_text = key.template_text;
  entry.signature = key.SignatureKey();
  entry.key_json = key.ToJson().dump();
}

}  // namespace internal

MemoryEntry Memory::NewEntry(std::string_view question, const QuestionKey& key, std::string_view sql) const {
  MemoryEntry e;
  e.dataset = dataset_.name;
  e.question = std::string(question);
  internal::SetKey(e, key);
  e.sql = std::string(sql);
  e.schema_fingerprint = fingerprint_;
  e.data_version = dataset_.data_version;
  return e;
}

Result<int64_t> Memory::Remember(std::string_view question, std::string_view sql, std::string_view source,
                                 const json& result) {
  std::lock_guard lock(mu_);
  const QuestionKey key = Key(question);
  DA_ASSIGN_OR_RETURN(auto same, store_.FindExact(dataset_.name, key.exact_text));
  const std::string result_json = result.is_null() ? std::string() : result.dump();
  for (MemoryEntry& e : same) {
    if (NormalizeSql(e.sql) != NormalizeSql(sql)) continue;
    if (e.status == EntryStatus::kRejected) return e.id;  // stays rejected; nothing to reuse
    e.result_json = result_json;
    e.data_version = dataset_.data_version;
    e.schema_fingerprint = fingerprint_;
    DA_RETURN_IF_ERROR(store_.Update(e));
    return e.id;
  }
  MemoryEntry e = NewEntry(question, key, sql);
  e.source = std::string(source);
  e.result_json = result_json;
  return store_.Insert(e);
}

Result<MemoryEntry> Memory::Approve(int64_t id, std::optional<std::string> sql, std::string notes) {
  std::lock_guard lock(mu_);
  DA_ASSIGN_OR_RETURN(MemoryEntry e, store_.Get(dataset_.name, id));
  if (sql && NormalizeSql(*sql) != NormalizeSql(e.sql)) {
    if (dataset_.validate) DA_RETURN_IF_ERROR(dataset_.validate(*sql).WithContext("the corrected SQL"));
    e.sql = *sql;
    e.source = "feedback";
    e.result_json.clear();  // computed by the old statement
  }
  e.status = EntryStatus::kApproved;
  if (!notes.empty()) e.notes = std::move(notes);
  DA_RETURN_IF_ERROR(store_.Update(e));
  DA_RETURN_IF_ERROR(Index(e));
  DA_RETURN_IF_ERROR(Changed());
  return e;
}

Result<MemoryEntry> Memory::Reject(int64_t id, std::string notes) {
  std::lock_guard lock(mu_);
  DA_ASSIGN_OR_RETURN(MemoryEntry e, store_.Get(dataset_.name, id));
  e.status = EntryStatus::kRejected;
  e.result_json.clear();
  if (!notes.empty()) e.notes = std::move(notes);
  DA_RETURN_IF_ERROR(store_.Update(e));
  DA_RETURN_IF_ERROR(Unindex(id));
  DA_RETURN_IF_ERROR(Changed());
  return e;
}

Result<int64_t> Memory::InsertExample(std::string_view question, std::string_view sql, std::string notes,
                                      const std::string& source, MemoryEntry* inserted) {
  if (question.find_first_not_of(" \t\r\n") == std::string_view::npos) {
    return Status::InvalidArgument("the question is empty");
  }
  if (dataset_.validate) DA_RETURN_IF_ERROR(dataset_.validate(sql));
  MemoryEntry e = NewEntry(question, Key(question), sql);
  e.status = EntryStatus::kApproved;
  e.source = source;
  e.notes = std::move(notes);
  DA_ASSIGN_OR_RETURN(int64_t id, store_.Insert(e));
  *inserted = std::move(e);
  return id;
}

Result<int64_t> Memory::AddExample(std::string_view question, std::string_view sql, std::string notes,
                                   std::string source) {
  std::lock_guard lock(mu_);
  MemoryEntry e;
  DA_ASSIGN_OR_RETURN(int64_t id, InsertExample(question, sql, std::move(notes), source, &e));
  DA_RETURN_IF_ERROR(Index(e));
  DA_RETURN_IF_ERROR(Changed());
  return id;
}

Status Memory::AddExamples(const std::vector<Example>& examples, const std::vector<std::string>& origins,
                           const std::string& source) {
  std::lock_guard lock(mu_);
  std::vector<MemoryEntry> added;
  DA_RETURN_IF_ERROR(store_.InTransaction([&]() -> Status {
    for (size_t i = 0; i < examples.size(); ++i) {
      MemoryEntry e;
      auto id = InsertExample(examples[i].question, examples[i].sql, examples[i].notes, source, &e);
      if (!id.ok()) return i < origins.size() ? id.status().WithContext(origins[i]) : id.status();
      added.push_back(std::move(e));
    }
    return Status::Ok();
  }));
  // Stored: an embedder failing now only delays paraphrase hits until the next open.
  for (const auto& e : added) {
    if (!Index(e).ok()) break;
  }
  return Changed();
}

Result<MemoryEntry> Memory::Latest(std::string_view question) {
  std::lock_guard lock(mu_);
  FlushHits();
  DA_ASSIGN_OR_RETURN(auto same, store_.FindExact(dataset_.name, Key(question).exact_text));
  if (same.empty()) {
    return Status::NotFound("no remembered answer to \"" + std::string(question) + "\" in dataset '" +
                            dataset_.name + "'");
  }
  return std::move(same.front());
}

Result<MemoryEntry> Memory::Get(int64_t id) {
  std::lock_guard lock(mu_);
  FlushHits();
  return store_.Get(dataset_.name, id);
}

Result<std::vector<MemoryEntry>> Memory::Entries(std::optional<EntryStatus> status) {
  std::lock_guard lock(mu_);
  FlushHits();
  return store_.List(dataset_.name, status);
}

Status Memory::Remove(int64_t id) {
  std::lock_guard lock(mu_);
  DA_RETURN_IF_ERROR(store_.Remove(dataset_.name, id));
  DA_RETURN_IF_ERROR(Unindex(id));
  return Changed();
}

// Embeds the entry's signature and template, stores the vector under the embedder's id and indexes it.
Status Memory::Index(const MemoryEntry& entry) {
  if (!embedder_ok_) return Status::Ok();  // embedded when the memory is next opened
  DA_ASSIGN_OR_RETURN(std::vector<float> vector, Embed(entry.signature, entry.template_text));
  DA_RETURN_IF_ERROR(store_.PutEmbedding(entry.id, embedder_.id(), vector));
  if (!index_) {
    DA_ASSIGN_OR_RETURN(index_, VectorIndex::Create(static_cast<int>(vector.size())));
  }
  DA_RETURN_IF_ERROR(index_->Add(static_cast<uint64_t>(entry.id), vector));
  indexed_.insert(entry.id);
  return Status::Ok();
}

Status Memory::Unindex(int64_t id) {
  if (!index_ || !indexed_.count(id)) return Status::Ok();
  DA_RETURN_IF_ERROR(index_->Remove(static_cast<uint64_t>(id)));
  indexed_.erase(id);
  return Status::Ok();
}

// Saves the index and moves the store's generation on, so other processes sharing the store
// bring their indexes up to date (Refresh).
Status Memory::Changed() {
  DA_RETURN_IF_ERROR(SaveIndex());
  static thread_local std::mt19937_64 random(std::random_device{}());
  generation_ = std::to_string(random());  // a new token, whatever other processes wrote
  return store_.PutSetting(dataset_.name, "generation", generation_);
}

}  // namespace da::memory
