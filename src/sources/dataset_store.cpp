#include "sources/dataset_store.h"

#include <fcntl.h>
#include <sys/file.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <cstdlib>
#include <cstring>
#include <ctime>
#include <fstream>
#include <sstream>

#include "common/file_util.h"
#include "common/strings.h"

namespace da {

namespace fs = std::filesystem;

namespace {

constexpr const char* kManifest = "manifest.json";

std::string ValuesFileName(int64_t version) { return "v" + std::to_string(version) + ".values.bin"; }

Result<DatasetInfo> ReadManifest(const fs::path& dataset_dir, const std::string& name) {
  const fs::path path = dataset_dir / kManifest;
  std::ifstream f(path);
  if (!f) return Status::NotFound("dataset '" + name + "' has no manifest");
  nlohmann::json j;
  try {
    f >> j;
    DatasetInfo info;
    info.name = name;
    info.kind = j.at("kind").get<std::string>();
    info.source = j.at("source").get<std::string>();
    info.version = j.at("version").get<int64_t>();
    info.attached = j.value("attached", false);
    info.created_at = j.value("created_at", "");
    if (j.contains("connection")) {
      DA_ASSIGN_OR_RETURN(DatasetConnection connection, DatasetConnection::FromJson(j.at("connection")));
      info.connection = std::move(connection);
    } else {
      fs::path data = j.at("data").get<std::string>();
      info.data_path = data.is_absolute() ? data : dataset_dir / data;
    }
    info.catalog_path = dataset_dir / j.at("catalog").get<std::string>();
    // Manifests written before value indexes existed have no "values": the name is derived.
    info.values_path = dataset_dir / j.value("values", ValuesFileName(info.version));
    return info;
  } catch (const std::exception& e) {
    return Status::Corruption(path.string() + ": unreadable manifest (" + e.what() + ")");
  }
}

fs::path VersionFile(const fs::path& dir, int64_t version, const char* suffix) {
  return dir / ("v" + std::to_string(version) + suffix);
}

// Removes files of versions other than `keep` (leftovers of interrupted or replaced ingests).
void RemoveStaleVersions(const fs::path& dir, int64_t keep) {
  std::error_code ec;
  const std::string keep_prefix = "v" + std::to_string(keep) + ".";
  for (const auto& entry : fs::directory_iterator(dir, ec)) {
    const std::string file = entry.path().filename().string();
    bool versioned = file.size() > 1 && file[0] == 'v' && std::isdigit(static_cast<unsigned char>(file[1]));
    bool temp = file.rfind(std::string(kManifest) + ".tmp.", 0) == 0;
    if ((versioned && file.rfind(keep_prefix, 0) != 0) || temp) fs::remove(entry.path(), ec);
  }
}

}  // namespace

nlohmann::json DatasetConnection::ToJson() const {
  nlohmann::json j = {{"conninfo", login.conninfo}, {"schema", schema}};
  if (!login.password_env.empty()) j["password_env"] = login.password_env;
  if (!login.password_file.empty()) j["password_file"] = login.password_file;
  if (login.connect_timeout_seconds != PgLogin().connect_timeout_seconds) {
    j["connect_timeout_seconds"] = login.connect_timeout_seconds;
  }
  return j;
}

Result<DatasetConnection> DatasetConnection::FromJson(const nlohmann::json& j) {
  DatasetConnection c;
  c.login.conninfo = j.at("conninfo").get<std::string>();
  c.login.password_env = j.value("password_env", "");
  c.login.password_file = j.value("password_file", "");
  c.login.connect_timeout_seconds = j.value("connect_timeout_seconds", c.login.connect_timeout_seconds);
  c.schema = j.value("schema", c.schema);
  if (c.login.ConninfoHasPassword()) {
    return Status::Corruption("the connection holds a password; connections name a password variable or file instead");
  }
  return c;
}

nlohmann::json DatasetInfo::ToJson() const {
  nlohmann::json j = {{"name", name},
          {"kind", kind},
          {"source", source},
          {"version", version},
          {"attached", attached},
          {"data_path", data_path.string()},
          {"created_at", created_at}};
  if (connection) j["schema"] = connection->schema;
  return j;
}

StagedDataset::StagedDataset(StagedDataset&& o) noexcept
    : name_(std::move(o.name_)),
      version_(o.version_),
      dir_(std::move(o.dir_)),
      data_path_(std::move(o.data_path_)),
      catalog_path_(std::move(o.catalog_path_)),
      values_path_(std::move(o.values_path_)),
      lock_fd_(o.lock_fd_),
      committed_(o.committed_) {
  o.lock_fd_ = -1;
  o.committed_ = true;  // the moved-from object must not delete anything
}

StagedDataset::~StagedDataset() {
  if (!committed_) {
    std::error_code ec;
    for (const char* suffix : {"", "-journal", "-wal", "-shm"}) {
      fs::path p = data_path_;
      p += suffix;
      fs::remove(p, ec);
    }
    fs::remove(catalog_path_, ec);
    fs::remove(values_path_, ec);
  }
  if (lock_fd_ >= 0) ::close(lock_fd_);  // releases the flock
}

fs::path DatasetStore::ResolveDataDir(const std::string& flag) {
  if (!flag.empty()) return flag;
  if (const char* home = std::getenv("DATAANALYST_HOME"); home && *home) return home;
  return "data";
}

Status DatasetStore::ValidateName(const std::string& name) {
  auto ok_char = [](char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' || c == '-';
  };
  if (name.empty() || name.size() > 64 || name[0] == '-' || name[0] == '_' ||
      !std::all_of(name.begin(), name.end(), ok_char)) {
    return Status::InvalidArgument("invalid dataset name '" + name +
                                   "': use 1-64 letters, digits, '_' or '-', starting with a letter or digit");
  }
  return Status::Ok();
}

Result<std::vector<DatasetInfo>> DatasetStore::List() const {
  std::vector<DatasetInfo> out;
  std::error_code ec;
  if (!fs::exists(dir_, ec)) return out;
  for (const auto& entry : fs::directory_iterator(dir_, ec)) {
    if (!entry.is_directory()) continue;
    const std::string name = entry.path().filename().string();
    if (!ValidateName(name).ok() || !fs::exists(entry.path() / kManifest)) continue;
    DA_ASSIGN_OR_RETURN(DatasetInfo info, ReadManifest(entry.path(), name));
    out.push_back(std::move(info));
  }
  if (ec) return Status::IoError("cannot list " + dir_.string() + ": " + ec.message());
  std::sort(out.begin(), out.end(), [](const auto& a, const auto& b) { return a.name < b.name; });
  return out;
}

Result<DatasetInfo> DatasetStore::Get(const std::string& name) const {
  DA_RETURN_IF_ERROR(ValidateName(name));
  const fs::path dir = dir_ / name;
  if (!fs::exists(dir / kManifest)) {
    std::string known;
    if (auto all = List(); all.ok()) {
      for (const auto& d : *all) known += (known.empty() ? "" : ", ") + d.name;
    }
    return Status::NotFound("no dataset named '" + name + "' in " + dir_.string() +
                            (known.empty() ? " (there are no datasets yet; create one with `dataanalyst ingest`)"
                                           : " (known: " + known + ")"));
  }
  return ReadManifest(dir, name);
}

Status DatasetStore::Remove(const std::string& name) {
  DA_ASSIGN_OR_RETURN(DatasetInfo info, Get(name));
  std::error_code ec;
  // Removing the manifest first makes the dataset disappear atomically; the rest is cleanup.
  fs::remove(dir_ / name / kManifest, ec);
  if (ec) return Status::IoError("cannot remove dataset '" + name + "': " + ec.message());
  fs::remove_all(dir_ / name, ec);
  return Status::Ok();
}

Result<StagedDataset> DatasetStore::Begin(const std::string& name) {
  DA_RETURN_IF_ERROR(ValidateName(name));
  const fs::path dir = dir_ / name;
  std::error_code ec;
  fs::create_directories(dir, ec);
  if (ec) return Status::IoError("cannot create " + dir.string() + ": " + ec.message());

  StagedDataset staged;
  staged.lock_fd_ = ::open((dir / ".lock").c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0644);
  if (staged.lock_fd_ < 0) return Status::IoError("cannot lock " + dir.string() + ": " + std::strerror(errno));
  if (::flock(staged.lock_fd_, LOCK_EX | LOCK_NB) != 0) {
    staged.committed_ = true;  // nothing of ours to delete
    return Status::Refused("dataset '" + name + "' is being written by another ingest; try again when it finishes");
  }
  int64_t current = 0;
  if (fs::exists(dir / kManifest)) {
    auto info = ReadManifest(dir, name);
    if (info.ok()) current = info->version;
  }
  RemoveStaleVersions(dir, current);
  staged.name_ = name;
  staged.dir_ = dir;
  staged.version_ = current + 1;
  staged.data_path_ = VersionFile(dir, staged.version_, ".sqlite");
  staged.catalog_path_ = VersionFile(dir, staged.version_, ".catalog.json");
  staged.values_path_ = dir / ValuesFileName(staged.version_);
  return staged;
}

Status DatasetStore::Commit(StagedDataset* staged, const std::string& kind, const std::string& source,
                            const std::optional<fs::path>& attached_data) {
  nlohmann::json j = {
      {"kind", kind},
      {"source", source},
      {"version", staged->version_},
      {"attached", attached_data.has_value()},
      {"data", attached_data ? attached_data->string() : staged->data_path_.filename().string()},
      {"catalog", staged->catalog_path_.filename().string()},
      {"values", staged->values_path_.filename().string()},
      {"created_at", NowIsoUtc()},
  };
  return Publish(staged, j);
}

Status DatasetStore::Publish(StagedDataset* staged, const nlohmann::json& manifest) {
  DA_RETURN_IF_ERROR(WriteFileAtomically(staged->dir_ / kManifest, manifest.dump(2) + "\n"));
  staged->committed_ = true;
  RemoveStaleVersions(staged->dir_, staged->version_);
  return Status::Ok();
}

Status DatasetStore::CommitConnection(StagedDataset* staged, const std::string& kind,
                                      const DatasetConnection& connection) {
  DA_ASSIGN_OR_RETURN(std::string source, connection.login.Describe());
  nlohmann::json j = {
      {"kind", kind},
      {"source", source},
      {"version", staged->version_},
      {"connection", connection.ToJson()},
      {"catalog", staged->catalog_path_.filename().string()},
      {"values", staged->values_path_.filename().string()},
      {"created_at", NowIsoUtc()},
  };
  return Publish(staged, j);
}

}  // namespace da
