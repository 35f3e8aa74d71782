// Memory: opening (re-validation, embedding, index) and lookups. Feedback and examples are in
// memory_feedback.cpp.
#include "memory/memory.h"

#include <algorithm>
#include <ctime>
#include <unordered_set>

#include "common/strings.h"
#include "engine/schema_index.h"
#include "llm/sigv4.h"
#include "memory/memory_internal.h"
#include "memory/sql_reparameterize.h"
#include "memory/vector_index.h"

namespace da::memory {

namespace {

using nlohmann::json;

constexpr size_t kEmbedBatch = 64;
constexpr size_t kSemanticCandidates = 10;

// A file-name-safe form of a dataset name or model id.
std::string FileSafe(std::string_view text) {
  std::string out;
  for (char c : text) out += (std::isalnum(static_cast<unsigned char>(c)) || c == '-' || c == '_') ? c : '_';
  return out;
}

bool SameSlots(const QuestionKey& a, const QuestionKey& b) {
  if (a.slots.size() != b.slots.size()) return false;
  for (size_t i = 0; i < a.slots.size(); ++i) {
    if (a.slots[i].Placeholder() != b.slots[i].Placeholder() || a.slots[i].value != b.slots[i].value) return false;
  }
  return true;
}

}  // namespace

namespace internal {

std::string NormalizeSql(std::string_view sql) {
  std::string out;
  bool space = false;
  for (char c : sql) {
    if (std::isspace(static_cast<unsigned char>(c))) {
      space = !out.empty();
      continue;
    }
    if (space) out += ' ';
    space = false;
    out += c;
  }
  while (!out.empty() && (out.back() == ';' || out.back() == ' ')) out.pop_back();
  return out;
}

std::string EmbeddingText(std::string_view signature, std::string_view template_text) {
  return std::string(signature) + " " + std::string(template_text);
}

std::optional<std::time_t> ParseIsoUtc(std::string_view text) {
  std::tm tm{};
  if (text.size() < 19 || std::sscanf(std::string(text).c_str(), "%4d-%2d-%2dT%2d:%2d:%2d", &tm.tm_year, &tm.tm_mon,
                                      &tm.tm_mday, &tm.tm_hour, &tm.tm_min, &tm.tm_sec) != 6) {
    return std::nullopt;
  }
  tm.tm_year -= 1900;
  tm.tm_mon -= 1;
  return timegm(&tm);
}

}  // namespace internal

using internal::NormalizeSql;

std::string SchemaFingerprint(const Catalog& catalog) {
  std::string text;
  for (const auto& table : catalog.tables) {
    text += table.name + "(";
    for (const auto& column : table.columns) {
      text += column.name + " " + ColumnTypeName(column.type) + ",";
    }
    text += ")\n";
  }
  return llm::Sha256Hex(text);
}

// The steps of Open, in order.
class Memory::Opener {
 public:
  explicit Opener(Memory& m) : m_(m) {}

  Status Run() {
    DA_RETURN_IF_ERROR(Revalidate());
    m_.report_.embedder = m_.embedder_.id();
    DA_ASSIGN_OR_RETURN(approved_, m_.store_.ListIds(m_.dataset_.name, EntryStatus::kApproved));
    if (LoadSavedIndex()) return Status::Ok();  // nothing to embed, nothing to rebuild
    Status embedded = EmbedMissing();
    if (!embedded.ok()) {
      m_.report_.warning = "the embedder is unavailable (" + embedded.message() +
                           "); only questions asked exactly as before are answered from memory";
      m_.embedder_ok_ = false;
      return Status::Ok();
    }
    return RebuildIndex();
  }

 private:
  // Entries written against another schema: kept (with a fresh key) when their SQL still
  // runs, dropped otherwise.
  Status Revalidate() {
    DA_ASSIGN_OR_RETURN(std::string stored, m_.store_.GetSetting(m_.dataset_.name, "schema_fingerprint"));
    if (stored == m_.fingerprint_) return Status::Ok();
    DA_ASSIGN_OR_RETURN(auto entries, m_.store_.List(m_.dataset_.name));
    for (MemoryEntry& e : entries) {
      if (e.schema_fingerprint == m_.fingerprint_) continue;
      m_.report_.schema_changed = true;
      if (m_.dataset_.validate && !m_.dataset_.validate(e.sql).ok()) {
        DA_RETURN_IF_ERROR(m_.store_.Remove(m_.dataset_.name, e.id));
        ++m_.report_.dropped;
        continue;
      }
      const QuestionKey key = m_.Key(e.question);
      internal::SetKey(e, key);
      e.schema_fingerprint = m_.fingerprint_;
      e.result_json.clear();
      DA_RETURN_IF_ERROR(m_.store_.Update(e));
      ++m_.report_.revalidated;
    }
    return m_.store_.PutSetting(m_.dataset_.name, "schema_fingerprint", m_.fingerprint_);
  }

  // The saved index, when it holds exactly the approved entries (the usual start: no vector is
  // read from the store).
  bool LoadSavedIndex() {
    const int dimension = m_.embedder_.dimension();
    if (m_.options_.index_dir.empty() || approved_.empty() || dimension <= 0) return false;
    auto loaded = VectorIndex::Load(m_.IndexPath(), dimension);
    if (!loaded.ok() || (*loaded)->size() != approved_.size()) return false;
    for (int64_t id : approved_) {
      if (!(*loaded)->Contains(static_cast<uint64_t>(id))) return false;
    }
    m_.index_ = std::move(*loaded);
    m_.indexed_.insert(approved_.begin(), approved_.end());
    return true;
  }

  // Approved entries without a vector from this embedder (a new model, or a first use).
  Status EmbedMissing() {
    DA_ASSIGN_OR_RETURN(vectors_, m_.store_.Embeddings(m_.dataset_.name, m_.embedder_.id()));
    std::unordered_set<int64_t> have;
    for (const auto& v : vectors_) have.insert(v.entry_id);
    std::vector<MemoryEntry> missing;
    for (int64_t id : approved_) {
      if (have.count(id)) continue;
      DA_ASSIGN_OR_RETURN(MemoryEntry e, m_.store_.Get(m_.dataset_.name, id));
      missing.push_back(std::move(e));
    }
    for (size_t begin = 0; begin < missing.size(); begin += kEmbedBatch) {
      const size_t end = std::min(missing.size(), begin + kEmbedBatch);
      std::vector<std::string> texts;
      for (size_t i = begin; i < end; ++i) {
        texts.push_back(internal::EmbeddingText(missing[i].signature, missing[i].template_text));
      }
      DA_ASSIGN_OR_RETURN(llm::Embeddings embedded, m_.embedder_.Embed(texts));
      if (embedded.vectors.size() != texts.size()) return Status::IoError("the embedder returned too few vectors");
      for (size_t i = begin; i < end; ++i) {
        DA_RETURN_IF_ERROR(m_.store_.PutEmbedding(missing[i].id, m_.embedder_.id(), embedded.vectors[i - begin]));
        vectors_.push_back({missing[i].id, std::move(embedded.vectors[i - begin])});
        ++m_.report_.embedded;
      }
    }
    return Status::Ok();
  }

  // The index built anew from the approved entries' stored vectors, and saved.
  Status RebuildIndex() {
    const std::unordered_set<int64_t> approved_ids(approved_.begin(), approved_.end());
    std::erase_if(vectors_, [&](const StoredEmbedding& v) { return !approved_ids.count(v.entry_id); });
    if (vectors_.empty()) return Status::Ok();  // created on the first approval
    DA_ASSIGN_OR_RETURN(m_.index_, VectorIndex::Create(static_cast<int>(vectors_.front().vector.size())));
    for (const auto& v : vectors_) {
      DA_RETURN_IF_ERROR(m_.index_->Add(static_cast<uint64_t>(v.entry_id), v.vector));
      m_.indexed_.insert(v.entry_id);
    }
    m_.report_.index_rebuilt = true;
    return m_.SaveIndex();
  }

  Memory& m_;
  std::vector<int64_t> approved_;
  std::vector<StoredEmbedding> vectors_;
};

Memory::Memory(MemoryStore& store, DatasetView dataset, llm::Embedder& embedder, MemoryOptions options)
    : store_(store), dataset_(std::move(dataset)), embedder_(embedder), options_(std::move(options)) {}

Memory::~Memory() {
  std::lock_guard lock(mu_);
  FlushHits();
}

// Hits are counted here and written at most once a second (and before any read of entries):
// a write per cache hit was a tenth of a cached answer's time. A lost count is not worth
// failing an answer, so write errors are ignored.
void Memory::CountHit(int64_t id) {
  ++pending_hits_[id];
  if (std::chrono::steady_clock::now() - last_hits_flush_ >= std::chrono::seconds(1)) FlushHits();
}

void Memory::FlushHits() {
  for (const auto& [id, count] : pending_hits_) (void)store_.RecordHit(id, count);
  pending_hits_.clear();
  last_hits_flush_ = std::chrono::steady_clock::now();
}

Result<std::unique_ptr<Memory>> Memory::Open(MemoryStore& store, DatasetView dataset, llm::Embedder& embedder,
                                             MemoryOptions options) {
  if (dataset.catalog == nullptr) return Status::InvalidArgument("memory: a dataset catalog is required");
  std::unique_ptr<Memory> memory(new Memory(store, std::move(dataset), embedder, std::move(options)));
  memory->schema_ = std::make_unique<SchemaIndex>(*memory->dataset_.catalog);
  memory->fingerprint_ = SchemaFingerprint(*memory->dataset_.catalog);
  DA_RETURN_IF_ERROR(Opener(*memory).Run());
  DA_ASSIGN_OR_RETURN(memory->generation_, store.GetSetting(memory->dataset_.name, "generation"));
  return memory;
}

// One question is looked up, given examples for and remembered in turn: its key and its
// vector are computed once (a provider embedder would otherwise be called twice).
// The analysis itself runs outside any lock (the schema and value indexes are read-only), so
// lookups of other questions on other threads do not wait for it.
QuestionKey Memory::Key(std::string_view question) const {
  {
    std::lock_guard lock(key_mu_);
    if (question == last_question_) return last_key_;
  }
  QuestionKey key = AnalyzeQuestion(question, *schema_, dataset_.values);
  std::lock_guard lock(key_mu_);
  last_key_ = key;
  last_question_ = std::string(question);
  return key;
}

Result<std::vector<float>> Memory::Embed(std::string_view signature, std::string_view template_text) {
  std::string text = internal::EmbeddingText(signature, template_text);
  if (text == last_embedded_text_) return last_vector_;
  DA_ASSIGN_OR_RETURN(llm::Embeddings embedded, embedder_.Embed({text}));
  if (embedded.vectors.size() != 1) return Status::IoError("the embedder returned no vector");
  last_embedded_text_ = std::move(text);
  last_vector_ = std::move(embedded.vectors.front());
  return last_vector_;
}

bool Memory::Expired(const MemoryEntry& entry) const {
  if (options_.ttl_hours <= 0) return false;
  auto updated = internal::ParseIsoUtc(entry.updated_at);
  if (!updated) return true;
  return std::difftime(std::time(nullptr), *updated) > options_.ttl_hours * 3600.0;
}

json Memory::ReusableResult(const MemoryEntry& entry) const {
  if (dataset_.live || entry.result_json.empty() || entry.data_version != dataset_.data_version || Expired(entry)) {
    return nullptr;
  }
  json parsed = json::parse(entry.result_json, nullptr, false);
  return parsed.is_discarded() ? json(nullptr) : parsed;
}

Result<std::optional<CacheHit>> Memory::Lookup(std::string_view question) {
  if (!options_.cache) return std::optional<CacheHit>();
  const QuestionKey key = Key(question);
  std::lock_guard lock(mu_);
  DA_RETURN_IF_ERROR(Refresh());
  if (key.template_text.empty()) return std::optional<CacheHit>();
  DA_ASSIGN_OR_RETURN(auto same, store_.FindExact(dataset_.name, key.exact_text));
  std::vector<std::string> rejected;
  for (const auto& e : same) {
    if (e.status == EntryStatus::kRejected) rejected.push_back(NormalizeSql(e.sql));
  }
  auto is_rejected = [&](std::string_view sql) {
    return std::find(rejected.begin(), rejected.end(), NormalizeSql(sql)) != rejected.end();
  };
  std::optional<CacheHit> hit = ExactHit(same, is_rejected);
  if (!hit) {
    DA_ASSIGN_OR_RETURN(hit, SemanticHit(key, is_rejected));
  }
  if (hit) CountHit(hit->entry.id);
  return hit;
}

std::optional<CacheHit> Memory::ExactHit(const std::vector<MemoryEntry>& same, const SqlFilter& is_rejected) const {
  const MemoryEntry* best = nullptr;
  for (const auto& e : same) {  // newest first: the newest approval wins, then the newest answer
    if (e.status == EntryStatus::kRejected || is_rejected(e.sql)) continue;
    if (e.status == EntryStatus::kAuto && Expired(e)) continue;
    if (best == nullptr || (e.status == EntryStatus::kApproved && best->status != EntryStatus::kApproved)) best = &e;
  }
  if (best == nullptr) return std::nullopt;
  CacheHit hit;
  hit.entry = *best;
  hit.sql = best->sql;
  hit.exact = true;
  hit.result = ReusableResult(*best);
  return hit;
}

Result<std::optional<CacheHit>> Memory::SemanticHit(const QuestionKey& key, const SqlFilter& is_rejected) {
  if (!index_ || !embedder_ok_) return std::optional<CacheHit>();
  const std::string signature = key.SignatureKey();
  auto vector = Embed(signature, key.template_text);
  if (!vector.ok()) return std::optional<CacheHit>();  // a miss, not a failed answer
  DA_ASSIGN_OR_RETURN(auto matches, index_->Search(*vector, kSemanticCandidates,
                                                   static_cast<float>(options_.similarity_threshold)));
  for (const auto& match : matches) {
    auto entry = store_.Get(dataset_.name, static_cast<int64_t>(match.label));
    if (!entry.ok() || entry->status != EntryStatus::kApproved || entry->signature != signature) continue;
    auto cached = QuestionKey::FromJson(json::parse(entry->key_json, nullptr, false));
    if (!cached.ok()) continue;
    std::string sql = entry->sql;
    const bool same_slots = SameSlots(*cached, key);
    if (!same_slots) {
      auto rewritten = Reparameterize(entry->sql, *cached, key);
      if (!rewritten.ok()) continue;  // not safe to rewrite: a miss
      sql = std::move(*rewritten);
    }
    if (is_rejected(sql)) continue;
    CacheHit hit;
    hit.sql = std::move(sql);
    hit.similarity = match.score;
    hit.reparameterised = !same_slots;
    if (same_slots) hit.result = ReusableResult(*entry);
    hit.entry = std::move(*entry);
    return std::optional<CacheHit>(std::move(hit));
  }
  return std::optional<CacheHit>();
}

Result<std::vector<Example>> Memory::FewShot(std::string_view question) {
  std::vector<Example> out;
  if (options_.few_shot_k <= 0) return out;
  std::lock_guard lock(mu_);
  DA_RETURN_IF_ERROR(Refresh());
  if (!index_ || !embedder_ok_) return out;
  const QuestionKey key = Key(question);
  auto vector = Embed(key.SignatureKey(), key.template_text);
  if (!vector.ok()) return out;
  DA_ASSIGN_OR_RETURN(auto matches, index_->Search(*vector, static_cast<size_t>(options_.few_shot_k) * 4,
                                                   static_cast<float>(options_.few_shot_min_similarity)));
  std::unordered_set<std::string> shapes;  // one example per signature: show different shapes
  for (const auto& match : matches) {
    auto entry = store_.Get(dataset_.name, static_cast<int64_t>(match.label));
    if (!entry.ok() || entry->status != EntryStatus::kApproved) continue;
    if (!shapes.insert(entry->signature).second) continue;
    out.push_back({entry->id, entry->question, entry->sql, entry->notes, match.score});
    if (out.size() == static_cast<size_t>(options_.few_shot_k)) break;
  }
  return out;
}

// Another process (the CLI's `feedback`, another server on a shared PostgreSQL memory) may
// have approved or rejected entries: when the store's generation moved, the index is brought
// in line with the approved entries (new ones embedded, gone ones removed).
Status Memory::Refresh() {
  const auto now = std::chrono::steady_clock::now();
  if (now - last_refresh_ < std::chrono::seconds(1)) return Status::Ok();
  last_refresh_ = now;
  DA_ASSIGN_OR_RETURN(std::string generation, store_.GetSetting(dataset_.name, "generation"));
  if (generation == generation_) return Status::Ok();
  generation_ = generation;
  DA_ASSIGN_OR_RETURN(auto approved, store_.List(dataset_.name, EntryStatus::kApproved));
  std::unordered_set<int64_t> keep;
  for (const auto& e : approved) {
    keep.insert(e.id);
    if (!indexed_.count(e.id)) DA_RETURN_IF_ERROR(Index(e));
  }
  std::vector<int64_t> gone;
  for (int64_t id : indexed_) {
    if (!keep.count(id)) gone.push_back(id);
  }
  for (int64_t id : gone) DA_RETURN_IF_ERROR(Unindex(id));
  return Status::Ok();
}

// <index_dir>/<dataset>.<embedder id>.hnsw
std::filesystem::path Memory::IndexPath() const {
  return options_.index_dir / (FileSafe(dataset_.name) + "." + FileSafe(embedder_.id()) + ".hnsw");
}

Status Memory::Forget(MemoryStore& store, const std::string& dataset, const std::filesystem::path& index_dir) {
  DA_RETURN_IF_ERROR(store.RemoveDataset(dataset).status());
  std::error_code ec;
  const std::string prefix = FileSafe(dataset) + ".";
  for (const auto& file : std::filesystem::directory_iterator(index_dir, ec)) {
    const std::string name = file.path().filename().string();
    if (name.starts_with(prefix) && name.ends_with(".hnsw")) std::filesystem::remove(file.path(), ec);
  }
  return Status::Ok();
}

Status Memory::SaveIndex() const {
  if (!index_ || options_.index_dir.empty()) return Status::Ok();
  std::error_code ec;
  std::filesystem::create_directories(options_.index_dir, ec);
  return index_->Save(IndexPath());
}

}  // namespace da::memory
