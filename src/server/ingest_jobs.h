// Upload ingest jobs: each upload is ingested on a thread of its own (ingest/ingest.h), so the
// request that uploaded returns at once with a job id and the page follows the job's progress.
// Jobs are kept in memory (the last 100 finished ones); a restart forgets them, not the data:
// a dataset is published only when its ingest succeeded.
#pragma once

#include <condition_variable>
#include <cstdint>
#include <filesystem>
#include <functional>
#include <map>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include <nlohmann/json.hpp>

#include "common/status.h"
#include "sources/dataset_store.h"

namespace da::server {

struct IngestJobRequest {
  std::string dataset;
  std::filesystem::path input;                 // the uploaded file (owned by the job from now on)
  std::string input_name;                      // the file's name as the client gave it (reports show
                                               // this, never the server's path)
  std::vector<std::filesystem::path> metadata;  // metadata CSVs, also owned by the job
  std::filesystem::path work_dir;              // removed when the job ends, unless the input is kept
  bool keep_input = false;                     // a SQLite upload is attached: its file must stay
};

class IngestJobs {
 public:
  // `on_finished(dataset, ok)` runs on the job's thread after the dataset was (or was not)
  // published: the server reopens the dataset and counts the outcome.
  IngestJobs(DatasetStore* store, std::function<void(const std::string&, bool)> on_finished);
  ~IngestJobs();  // waits for running jobs

  // Starts a job; kAlreadyExists when a job of this server is already ingesting the dataset.
  Result<std::string> Start(IngestJobRequest request);

  // The job as JSON (docs/api.md: JOB); nullopt for an unknown id. `revision` counts its changes.
  std::optional<nlohmann::json> Get(const std::string& id, uint64_t* revision = nullptr) const;
  // Waits until job `id` has changed past `revision` or `timeout` passed; then as Get.
  std::optional<nlohmann::json> WaitForChange(const std::string& id, uint64_t* revision,
                                              std::chrono::milliseconds timeout) const;

 private:
  struct Job {
    std::string id, dataset;
    std::string state = "running";  // running, done, failed
    uint64_t done = 0, total = 0;
    nlohmann::json report;
    Status error;
    uint64_t revision = 0;
    nlohmann::json ToJson() const;
  };
  void Run(std::string id, IngestJobRequest request);
  void Update(const std::string& id, const std::function<void(Job&)>& change);
  void Prune();

  DatasetStore* store_;
  std::function<void(const std::string&, bool)> on_finished_;
  mutable std::mutex mu_;
  mutable std::condition_variable changed_;
  std::map<std::string, Job> jobs_;
  std::vector<std::string> finished_order_;
  size_t running_ = 0;  // job threads (detached) not yet finished; the destructor waits for 0
  uint64_t next_id_ = 1;
};

}  // namespace da::server
