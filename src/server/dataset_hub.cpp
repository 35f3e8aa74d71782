#include "server/dataset_hub.h"


namespace da::server {

namespace {
constexpr auto kRecheck = std::chrono::seconds(1);

// The store's "not found" names the data directory and every dataset (helpful at the command
// line); a key scoped to some datasets must learn neither (docs/api.md), so the hub says only
// that this one does not exist.
Result<DatasetInfo> Find(const DatasetStore& store, const std::string& name) {
  auto info = store.Get(name);
  if (!info.ok() && info.status().code() == Status::Code::kNotFound) {
    return Status::NotFound("no dataset named '" + name + "'");
  }
  return info;
}
}  // namespace

struct DatasetHub::Session {
  std::unique_ptr<Dataset> dataset;
  std::unique_ptr<AskPipeline> pipeline;
};

// One version of one dataset and what its sessions share. `primary` owns the catalog and value
// index the engine, resolver and memory were built over; sessions open their own connections.
struct DatasetHub::Version {
  DatasetInfo info;
  std::unique_ptr<Dataset> primary;
  std::shared_ptr<const Catalog> catalog;
  std::unique_ptr<Engine> engine;
  std::unique_ptr<FollowUpResolver> resolver;
  DatasetMemory memory;
  std::chrono::steady_clock::time_point checked;  // when the manifest was last read (under hub mu_)

  std::mutex mu;
  std::condition_variable returned;
  std::vector<std::unique_ptr<Session>> idle;
  size_t opened = 0;  // sessions in existence (idle or leased)
  // Requests waiting for a session are served in arrival order: ticket numbers.
  uint64_t next_ticket = 0, serving = 0;
  bool retired = false;  // replaced by a newer version: returned sessions are closed
};

DatasetHub::Lease::Lease(std::shared_ptr<Version> version, std::unique_ptr<Session> session)
    : version_(std::move(version)), session_(std::move(session)) {}
DatasetHub::Lease::Lease(Lease&&) noexcept = default;
Dataset& DatasetHub::Lease::dataset() { return *session_->dataset; }
AskPipeline& DatasetHub::Lease::pipeline() { return *session_->pipeline; }
const FollowUpResolver& DatasetHub::Lease::resolver() const { return *version_->resolver; }
memory::Memory* DatasetHub::Lease::memory() const { return version_->memory.memory.get(); }
const Catalog& DatasetHub::Lease::catalog() const { return *version_->catalog; }
const DatasetInfo& DatasetHub::Lease::info() const { return version_->info; }

DatasetHub::Lease::~Lease() {
  if (!session_) return;
  Version& v = *version_;
  std::lock_guard<std::mutex> lock(v.mu);
  if (v.retired) {
    session_.reset();
    --v.opened;
  } else {
    v.idle.push_back(std::move(session_));
  }
  v.returned.notify_all();  // only the first in line takes it
}

DatasetHub::DatasetHub(HubOptions options) : options_(std::move(options)), store_(options_.data_dir) {}
DatasetHub::~DatasetHub() = default;

Result<std::shared_ptr<DatasetHub::Version>> DatasetHub::OpenVersion(const DatasetInfo& info) {
  auto v = std::make_shared<Version>();
  v->info = info;
  DA_ASSIGN_OR_RETURN(v->primary, Dataset::Open(store_, info.name));
  v->info = v->primary->info();
  v->catalog = std::make_shared<const Catalog>(v->primary->catalog());
  EngineOptions engine_options;
  engine_options.min_confidence = options_.ask.engine_threshold;
  engine_options.dialect = v->primary->dialect();
  DA_ASSIGN_OR_RETURN(v->engine, Engine::Create(v->primary->catalog(), v->primary->values(), engine_options));
  v->resolver = std::make_unique<FollowUpResolver>(v->primary->catalog(), v->primary->values());
  if (options_.memory) {
    const llm::LlmConfig* config = options_.models->config ? &*options_.models->config : nullptr;
    auto opened = OpenDatasetMemory(*v->primary, options_.data_dir, config, options_.env);
    if (opened.ok()) {
      v->memory = std::move(*opened);
    } else {
      if (options_.log) {
        options_.log->Warn("memory_unavailable", {{"dataset", info.name}, {"message", opened.status().message()}});
      }
    }
  }
  v->checked = std::chrono::steady_clock::now();
  return v;
}

Result<std::unique_ptr<DatasetHub::Session>> DatasetHub::OpenSession(const Version& v) {
  auto s = std::make_unique<Session>();
  DA_ASSIGN_OR_RETURN(s->dataset, Dataset::Open(store_, v.info.name));
  if (s->dataset->info().version != v.info.version) {
    return Status::Cancelled("dataset '" + v.info.name + "' changed while it was being opened; try again");
  }
  s->pipeline = std::make_unique<AskPipeline>(*s->dataset, *v.engine, options_.models->models, options_.ask,
                                              v.memory.memory.get());
  return s;
}

Result<std::shared_ptr<DatasetHub::Version>> DatasetHub::Current(const std::string& name) {
  const auto now = std::chrono::steady_clock::now();
  {
    std::lock_guard<std::mutex> lock(mu_);
    auto it = open_.find(name);
    if (it != open_.end() && now - it->second->checked < kRecheck) return it->second;
  }
  DA_ASSIGN_OR_RETURN(DatasetInfo info, Find(store_, name));
  {
    std::lock_guard<std::mutex> lock(mu_);
    auto it = open_.find(name);
    if (it != open_.end() && it->second->info.version == info.version) {
      it->second->checked = now;
      return it->second;
    }
  }
  // Opening takes a while (catalog, engine index, memory): outside the hub's lock. Two
  // requests racing here both open; the first to finish is kept.
  DA_ASSIGN_OR_RETURN(auto fresh, OpenVersion(info));
  std::lock_guard<std::mutex> lock(mu_);
  auto& slot = open_[name];
  if (slot && slot->info.version >= fresh->info.version) return slot;
  if (slot) Retire(*slot);
  slot = fresh;
  return slot;
}

Result<DatasetHub::Lease> DatasetHub::Acquire(const std::string& name) {
  DA_ASSIGN_OR_RETURN(auto version, Current(name));
  std::unique_lock<std::mutex> lock(version->mu);
  const uint64_t ticket = version->next_ticket++;
  version->returned.wait(lock, [&] {
    return ticket == version->serving &&
           (!version->idle.empty() || version->opened < options_.sessions_per_dataset);
  });
  ++version->serving;
  version->returned.notify_all();  // the next in line may find a session too
  if (!version->idle.empty()) {
    auto session = std::move(version->idle.back());
    version->idle.pop_back();
    return Lease(version, std::move(session));
  }
  ++version->opened;
  lock.unlock();
  auto session = OpenSession(*version);
  if (!session.ok()) {
    std::lock_guard<std::mutex> relock(version->mu);
    --version->opened;
    version->returned.notify_all();
    return session.status();
  }
  return Lease(version, std::move(*session));
}

Result<std::shared_ptr<const Catalog>> DatasetHub::CatalogOf(const std::string& name) {
  DA_ASSIGN_OR_RETURN(DatasetInfo info, Find(store_, name));
  return CatalogOf(info);
}

Result<std::shared_ptr<const Catalog>> DatasetHub::CatalogOf(const DatasetInfo& info) {
  const std::string& name = info.name;
  {
    std::lock_guard<std::mutex> lock(mu_);
    auto it = open_.find(name);
    if (it != open_.end() && it->second->info.version == info.version) return it->second->catalog;
    auto cached = catalogs_.find(name);
    if (cached != catalogs_.end() && cached->second.first == info.version) return cached->second.second;
  }
  DA_ASSIGN_OR_RETURN(Catalog catalog, Catalog::Load(info.catalog_path.string()));
  auto shared = std::make_shared<const Catalog>(std::move(catalog));
  std::lock_guard<std::mutex> lock(mu_);
  catalogs_[name] = {info.version, shared};
  return shared;
}

void DatasetHub::Invalidate(const std::string& name) {
  std::shared_ptr<Version> old;
  {
    std::lock_guard<std::mutex> lock(mu_);
    auto it = open_.find(name);
    catalogs_.erase(name);
    if (it == open_.end()) return;
    old = std::move(it->second);
    open_.erase(it);
  }
  Retire(*old);
}

void DatasetHub::Retire(Version& v) {
  std::lock_guard<std::mutex> lock(v.mu);
  v.retired = true;
  v.opened -= v.idle.size();
  v.idle.clear();
  v.returned.notify_all();
}

}  // namespace da::server
