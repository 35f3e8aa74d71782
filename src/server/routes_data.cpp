// Datasets: list, upload (an ingest job), the job's progress, delete, schema, examples.
#include <cctype>
#include <fstream>

#include "server/dataset_removal.h"
#include "ingest/ingest.h"
#include "memory/feedback.h"
#include "server/server_internal.h"

namespace da::server {

namespace fs = std::filesystem;

namespace {

// Uploads wait in UploadDir(<data-dir>, dataset)/<request id>/ until ingested; an attached
// SQLite file stays there for as long as its dataset exists. Parts arrive before the dataset's
// name is known, so they are first written to UploadDir(<data-dir>, ".incoming-<request id>").

// The client's file name reduced to a safe base name (its extension helps type detection).
std::string SafeFileName(const std::string& given) {
  std::string base = fs::path(given).filename().string();
  std::string out;
  for (char c : base) out += (std::isalnum(static_cast<unsigned char>(c)) || c == '.' || c == '-' || c == '_') ? c : '_';
  while (!out.empty() && out.front() == '.') out.erase(out.begin());
  if (out.size() > 100) out = out.substr(out.size() - 100);
  return out.empty() ? "upload" : out;
}

// A dataset name from a file name: its stem with other characters made '_'.
std::string NameFromFile(const std::string& file) {
  std::string stem = fs::path(file).stem().string(), out;
  for (char c : stem) out += (std::isalnum(static_cast<unsigned char>(c)) || c == '-' || c == '_') ? c : '_';
  while (!out.empty() && !std::isalnum(static_cast<unsigned char>(out.front()))) out.erase(out.begin());
  return out.substr(0, 64);
}

// One part of a multipart upload being written to disk.
struct UploadPart {
  std::string field, filename;
  fs::path path;           // files only
  std::string value;       // plain fields
  std::unique_ptr<std::ofstream> out;
};

void WriteSse(httplib::DataSink& sink, const std::string& event, const nlohmann::json& data) {
  const std::string text = "event: " + event + "\ndata: " +
                           data.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace) + "\n\n";
  sink.write(text.data(), text.size());
}

}  // namespace

void Server::Impl::ListDatasets(const httplib::Request&, httplib::Response& res) {
  auto all = hub_->store().List();
  if (!all.ok()) return WriteError(res, ErrorFromStatus(all.status()));
  nlohmann::json list = nlohmann::json::array();
  for (const DatasetInfo& info : *all) {
    if (!Current().key.CanSee(info.name)) continue;
    nlohmann::json d = {{"name", info.name}, {"kind", info.kind}, {"version", info.version},
                        {"created_at", info.created_at}};
    if (auto catalog = hub_->CatalogOf(info); catalog.ok()) {
      int64_t rows = 0;
      for (const auto& t : (*catalog)->tables) rows += t.row_count;
      d["tables"] = (*catalog)->tables.size();
      d["rows"] = rows;
    }
    list.push_back(std::move(d));
  }
  WriteJson(res, {{"datasets", list}});
}

void Server::Impl::Upload(const httplib::Request& req, httplib::Response& res, const httplib::ContentReader& reader) {
  const fs::path staging = UploadDir(options_.data_dir, ".incoming-" + Current().id);
  std::error_code ec;
  fs::create_directories(staging, ec);
  if (ec) return WriteError(res, {500, "internal", "cannot store the upload: " + ec.message()});
  std::vector<UploadPart> parts;
  bool write_failed = false;
  // A chunked body has no Content-Length for PreRoute to check: the limit holds as it arrives.
  size_t received = 0;
  bool too_large = false;
  reader(
      [&](const httplib::MultipartFormData& header) {
        UploadPart part;
        part.field = header.name;
        part.filename = header.filename;
        if (!header.filename.empty()) {
          // A folder per part: files keep their own names (errors name them) without colliding.
          part.path = staging / std::to_string(parts.size()) / SafeFileName(header.filename);
          fs::create_directories(part.path.parent_path(), ec);
          part.out = std::make_unique<std::ofstream>(part.path, std::ios::binary);
        }
        parts.push_back(std::move(part));
        return true;
      },
      [&](const char* data, size_t n) {
        received += n;
        if (received > options_.max_upload_bytes) {
          too_large = true;
          return false;
        }
        UploadPart& part = parts.back();
        if (part.out) {
          part.out->write(data, static_cast<std::streamsize>(n));
          write_failed = write_failed || !*part.out;
        } else if (part.value.size() + n <= 1024) {
          part.value.append(data, n);
        }
        return !write_failed;
      });
  for (auto& p : parts) {
    if (p.out) p.out->close();
  }
  auto fail = [&](const ApiError& e) {
    fs::remove_all(staging, ec);
    WriteError(res, e);
  };
  if (too_large) {
    return fail(ApiError::PayloadTooLarge("uploads are limited to " + std::to_string(options_.max_upload_bytes >> 20) +
                                          " MB"));
  }
  if (write_failed) return fail({500, "internal", "cannot store the upload (disk full?)"});
  const UploadPart* file = nullptr;
  std::string name;
  std::vector<const UploadPart*> metadata;
  for (const auto& p : parts) {
    if (p.field == "file" && p.out) file = &p;
    if (p.field == "name") name = p.value;
    if (p.field == "metadata" && p.out) metadata.push_back(&p);
  }
  if (file == nullptr) return fail(ApiError::BadRequest("the upload has no 'file' part"));
  if (name.empty()) name = NameFromFile(file->filename);
  if (Status s = DatasetStore::ValidateName(name); !s.ok()) return fail(ApiError::BadRequest(s.message()));
  if (!CanSee(name, res)) return (void)fs::remove_all(staging, ec);
  auto kind = DetectInputKind(file->path);
  if (!kind.ok()) return fail({422, "bad_input", file->filename + ": " + kind.status().message()});

  // Parts arrive before the name is known: they move to the dataset's folder now.
  const fs::path work = UploadDir(options_.data_dir, name) / Current().id;
  fs::create_directories(work.parent_path(), ec);
  if (!ec) fs::rename(staging, work, ec);
  if (ec) return fail({500, "internal", "cannot store the upload: " + ec.message()});
  IngestJobRequest job;
  job.dataset = name;
  job.work_dir = work;
  job.input = work / fs::relative(file->path, staging);
  job.input_name = fs::path(file->filename).filename().string();
  for (const auto* m : metadata) job.metadata.push_back(work / fs::relative(m->path, staging));
  job.keep_input = *kind == InputKind::kSqlite;
  auto id = jobs_->Start(std::move(job));
  if (!id.ok()) {
    fs::remove_all(work, ec);
    return WriteError(res, ErrorFromStatus(id.status()));
  }
  auto snapshot = jobs_->Get(*id);
  WriteJson(res, {{"job", snapshot ? *snapshot : nlohmann::json{{"id", *id}}}}, 202);
}

void Server::Impl::GetJob(const httplib::Request& req, httplib::Response& res) {
  auto job = jobs_->Get(req.matches[1].str());
  if (!job) return WriteError(res, ApiError::NotFound("no job '" + req.matches[1].str() + "'"));
  WriteJson(res, *job);
}

void Server::Impl::JobEvents(const httplib::Request& req, httplib::Response& res) {
  const std::string id = req.matches[1].str();
  uint64_t revision = 0;
  auto first = jobs_->Get(id, &revision);
  if (!first) return WriteError(res, ApiError::NotFound("no job '" + id + "'"));
  res.set_header("Cache-Control", "no-cache");
  res.set_chunked_content_provider("text/event-stream", [this, id, revision, first = *first](size_t, httplib::DataSink& sink) mutable {
    nlohmann::json job = first;
    for (;;) {
      const std::string state = job.value("state", "");
      if (state != "running") {
        WriteSse(sink, state == "done" ? "done" : "failed", job);
        sink.done();
        return true;
      }
      WriteSse(sink, "progress", job["progress"]);
      auto next = jobs_->WaitForChange(id, &revision, std::chrono::seconds(15));
      if (!next) {
        sink.done();
        return true;
      }
      job = std::move(*next);
      if (!sink.is_writable()) return false;
    }
  });
}

void Server::Impl::DeleteDataset(const httplib::Request& req, httplib::Response& res) {
  const std::string name = req.matches[1].str();
  if (!CanSee(name, res)) return;
  const llm::LlmConfig* config = models_.config ? &*models_.config : nullptr;
  history_writer_->Flush();  // queued questions about it are forgotten with the rest
  Status s = RemoveDataset(hub_->mutable_store(), name, config, options_.env);
  // As the hub's: no data directory, no other datasets' names (a scoped key must not see them).
  if (s.code() == Status::Code::kNotFound) return WriteError(res, ApiError::NotFound("no dataset named '" + name + "'"));
  hub_->Invalidate(name);
  if (!s.ok()) {
    log_.Warn("dataset_removed_partly", {{"request_id", Current().id}, {"dataset", name}, {"message", s.message()}});
  }
  WriteJson(res, {{"deleted", name}});
}

void Server::Impl::Schema(const httplib::Request& req, httplib::Response& res) {
  const std::string name = req.matches[1].str();
  if (!CanSee(name, res)) return;
  auto catalog = hub_->CatalogOf(name);
  if (!catalog.ok()) return WriteError(res, ErrorFromStatus(catalog.status()));
  WriteJson(res, (*catalog)->ToJson());
}

void Server::Impl::Examples(const httplib::Request& req, httplib::Response& res) {
  const std::string name = req.matches[1].str();
  if (!CanSee(name, res)) return;
  auto lease = hub_->Acquire(name);
  if (!lease.ok()) return WriteError(res, ErrorFromStatus(lease.status()));
  nlohmann::json list = nlohmann::json::array();
  if (memory::Memory* memory = lease->memory()) {
    auto entries = memory->Entries(memory::EntryStatus::kApproved);
    if (!entries.ok()) return WriteError(res, ErrorFromStatus(entries.status()));
    for (const auto& e : *entries) list.push_back(memory::EntryJson(e));
  }
  WriteJson(res, {{"examples", list}});
}

}  // namespace da::server
