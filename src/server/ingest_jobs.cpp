#include "server/ingest_jobs.h"

#include <algorithm>
#include <chrono>

#include "ingest/ingest.h"

namespace da::server {

namespace {
constexpr size_t kFinishedKept = 100;
// Progress is published at most every this many milliseconds (the page redraws on each).
constexpr auto kProgressEvery = std::chrono::milliseconds(100);
}  // namespace

nlohmann::json IngestJobs::Job::ToJson() const {
  const double fraction = state == "done" ? 1.0 : total > 0 ? static_cast<double>(done) / total : 0.0;
  nlohmann::json j = {{"id", id}, {"dataset", dataset}, {"state", state},
                      {"progress", {{"done", done}, {"total", total}, {"fraction", fraction}}}};
  if (!report.is_null()) j["report"] = report;
  if (!error.ok()) {
    const char* code = error.code() == Status::Code::kInvalidArgument ? "bad_input"
                       : error.code() == Status::Code::kRefused       ? "conflict"
                                                                       : "internal";
    j["error"] = {{"code", code}, {"message", error.message()}};
  }
  return j;
}

IngestJobs::IngestJobs(DatasetStore* store, std::function<void(const std::string&, bool)> on_finished)
    : store_(store), on_finished_(std::move(on_finished)) {}

IngestJobs::~IngestJobs() {
  std::unique_lock<std::mutex> lock(mu_);
  changed_.wait(lock, [&] { return running_ == 0; });
}

Result<std::string> IngestJobs::Start(IngestJobRequest request) {
  std::lock_guard<std::mutex> lock(mu_);
  for (const auto& [id, job] : jobs_) {
    if (job.dataset == request.dataset && job.state == "running") {
      return Status::AlreadyExists("dataset '" + request.dataset + "' is already being ingested (job " + id +
                                   "); try again when it finishes");
    }
  }
  std::string id = "j" + std::to_string(next_id_++);
  Job job;
  job.id = id;
  job.dataset = request.dataset;
  jobs_[id] = std::move(job);
  ++running_;
  std::thread([this, id, request = std::move(request)]() mutable { Run(id, std::move(request)); }).detach();
  return id;
}

void IngestJobs::Update(const std::string& id, const std::function<void(Job&)>& change) {
  {
    std::lock_guard<std::mutex> lock(mu_);
    auto it = jobs_.find(id);
    if (it == jobs_.end()) return;
    change(it->second);
    ++it->second.revision;
  }
  changed_.notify_all();
}

void IngestJobs::Run(std::string id, IngestJobRequest request) {
  IngestOptions options;
  options.dataset = request.dataset;
  options.metadata_files = request.metadata;
  auto last = std::chrono::steady_clock::now() - kProgressEvery;
  options.progress = [&](uint64_t done, uint64_t total) {
    const auto now = std::chrono::steady_clock::now();
    if (now - last < kProgressEvery && done < total) return;
    last = now;
    Update(id, [&](Job& j) {
      j.done = done;
      j.total = total;
    });
  };
  Result<IngestReport> report = IngestPath(store_, request.input, options);
  std::error_code ec;
  if (!report.ok() || !request.keep_input) std::filesystem::remove_all(request.work_dir, ec);
  // Before the job reads as finished: whoever sees "done" then finds the new version served.
  if (on_finished_) on_finished_(request.dataset, report.ok());
  Update(id, [&](Job& j) {
    if (report.ok()) {
      j.state = "done";
      j.report = report->ToJson();
      if (!request.input_name.empty()) j.report["input"] = request.input_name;
      j.done = j.total = std::max<uint64_t>(j.total, 1);
    } else {
      j.state = "failed";
      // The client knows its file by name, not by where the server keeps it.
      std::string message = report.status().message();
      std::vector<std::filesystem::path> files = request.metadata;
      files.push_back(request.input);
      for (const auto& file : files) {
        const std::string dir = file.parent_path().string() + "/";
        for (size_t at; (at = message.find(dir)) != std::string::npos;) message.erase(at, dir.size());
      }
      j.error = report.status().WithMessage(message);
    }
  });
  std::lock_guard<std::mutex> lock(mu_);
  finished_order_.push_back(id);
  Prune();
  --running_;
  changed_.notify_all();  // last touch of `this`: the destructor may run once the lock is released
}

void IngestJobs::Prune() {
  while (finished_order_.size() > kFinishedKept) {
    jobs_.erase(finished_order_.front());
    finished_order_.erase(finished_order_.begin());
  }
}

std::optional<nlohmann::json> IngestJobs::Get(const std::string& id, uint64_t* revision) const {
  std::lock_guard<std::mutex> lock(mu_);
  auto it = jobs_.find(id);
  if (it == jobs_.end()) return std::nullopt;
  if (revision) *revision = it->second.revision;
  return it->second.ToJson();
}

std::optional<nlohmann::json> IngestJobs::WaitForChange(const std::string& id, uint64_t* revision,
                                                        std::chrono::milliseconds timeout) const {
  std::unique_lock<std::mutex> lock(mu_);
  changed_.wait_for(lock, timeout, [&] {
    auto it = jobs_.find(id);
    return it == jobs_.end() || it->second.revision != *revision;
  });
  auto it = jobs_.find(id);
  if (it == jobs_.end()) return std::nullopt;
  *revision = it->second.revision;
  return it->second.ToJson();
}

}  // namespace da::server
