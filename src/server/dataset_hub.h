// The server's open datasets. Each dataset version is opened once (its catalog, the built-in
// engine, the follow-up resolver and its memory are shared by every request) and lends
// sessions: a read-only connection and an ask pipeline that one request uses at a time. A
// request leases a session, so N requests on one dataset run on N connections, up to
// `sessions_per_dataset`; more wait for one to come back.
//
// A new version (an upload here, or `dataanalyst ingest` in another process) is noticed by
// reading the manifest at most once a second, or at once after Invalidate(); requests already
// holding a session of the old version finish on it.
#pragma once

#include <chrono>
#include <condition_variable>
#include <filesystem>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "ask/ask_models.h"
#include "ask/dataset_memory.h"
#include "ask/follow_up.h"
#include "ask/pipeline.h"
#include "common/status.h"
#include "engine/engine.h"
#include "llm/environment.h"
#include "server/log.h"
#include "sources/dataset.h"
#include "sources/dataset_store.h"

namespace da::server {

struct HubOptions {
  std::filesystem::path data_dir;
  const LoadedModels* models = nullptr;  // must outlive the hub; models->config may be empty
  llm::Environment env;
  AskOptions ask;                        // limits are per request (Lease::pipeline().set_limits)
  bool memory = true;                    // open each dataset's memory (cache and examples)
  size_t sessions_per_dataset = 8;
  Log* log = nullptr;                    // where problems opening a memory are reported; may be null
};

class DatasetHub {
  struct Version;
  struct Session;

 public:
  // Exclusive use of one session until destroyed (then it goes back to its version's pool).
  class Lease {
   public:
    Lease(Lease&&) noexcept;
    Lease& operator=(Lease&&) = delete;
    ~Lease();

    Dataset& dataset();
    AskPipeline& pipeline();
    const FollowUpResolver& resolver() const;
    memory::Memory* memory() const;  // null when the memory is off or could not be opened
    const Catalog& catalog() const;
    const DatasetInfo& info() const;

   private:
    friend class DatasetHub;
    Lease(std::shared_ptr<Version> version, std::unique_ptr<Session> session);
    std::shared_ptr<Version> version_;
    std::unique_ptr<Session> session_;
  };

  explicit DatasetHub(HubOptions options);
  ~DatasetHub();

  const DatasetStore& store() const { return store_; }
  DatasetStore* mutable_store() { return &store_; }

  // A session of dataset `name` (kNotFound when there is none). Waits while all its sessions
  // are leased.
  Result<Lease> Acquire(const std::string& name);
  // The catalog of `name`'s current version, without opening the dataset when it is not open
  // (listing a data directory of many datasets reads only their catalog files, once per version).
  Result<std::shared_ptr<const Catalog>> CatalogOf(const std::string& name);
  // The same for a manifest already read (a listing has them all).
  Result<std::shared_ptr<const Catalog>> CatalogOf(const DatasetInfo& info);
  // Forget what is open of `name` (after an upload or a removal): the next Acquire reopens it.
  void Invalidate(const std::string& name);

 private:
  Result<std::shared_ptr<Version>> Current(const std::string& name);
  Result<std::shared_ptr<Version>> OpenVersion(const DatasetInfo& info);
  Result<std::unique_ptr<Session>> OpenSession(const Version& version);
  static void Retire(Version& version);

  HubOptions options_;
  DatasetStore store_;
  std::mutex mu_;
  std::map<std::string, std::shared_ptr<Version>> open_;
  // Catalogs read for CatalogOf of datasets not open, by name, with their version.
  std::map<std::string, std::pair<int64_t, std::shared_ptr<const Catalog>>> catalogs_;
};

}  // namespace da::server
