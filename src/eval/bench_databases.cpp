#include "eval/bench_databases.h"

#include <cstdlib>
#include <vector>

#include "common/strings.h"
#include "eval/postgres_loader.h"
#include "ingest/ingest.h"
#include "sources/connect.h"

namespace da {

namespace fs = std::filesystem;

Result<std::unique_ptr<ScratchDir>> ScratchDir::Create(const std::string& prefix) {
  std::error_code ec;
  fs::path base = fs::temp_directory_path(ec);
  if (ec) return Status::IoError("no temporary directory: " + ec.message());
  std::string pattern = (base / (prefix + "XXXXXX")).string();
  std::vector<char> buffer(pattern.begin(), pattern.end());
  buffer.push_back('\0');
  if (mkdtemp(buffer.data()) == nullptr)
    return Status::IoError("cannot create a scratch directory in " + base.string());
  return std::unique_ptr<ScratchDir>(new ScratchDir(fs::path(buffer.data())));
}

ScratchDir::~ScratchDir() {
  std::error_code ec;
  fs::remove_all(path_, ec);
}

std::string DatasetNameForDbId(const std::string& db_id) {
  std::string name;
  for (char c : db_id) {
    const bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' || c == '-';
    name.push_back(ok ? c : '_');
  }
  if (name.empty() || name[0] == '_' || name[0] == '-') name = "db" + name;
  if (name.size() > 64) name.resize(64);
  return name;
}

Result<std::unique_ptr<BenchDatabases>> BenchDatabases::Create(const fs::path& db_dir, const fs::path& data_dir) {
  std::error_code ec;
  if (!fs::exists(db_dir, ec)) return Status::NotFound("database directory " + db_dir.string() + " does not exist");
  if (!fs::is_directory(db_dir, ec))
    return Status::InvalidArgument("database directory " + db_dir.string() + " is not a directory");
  return std::unique_ptr<BenchDatabases>(new BenchDatabases(db_dir, data_dir));
}

fs::path BenchDatabases::DatabasePath(const std::string& db_id) const {
  return db_dir_ / db_id / (db_id + ".sqlite");
}

std::string SchemaForDbId(const std::string& prefix, const std::string& db_id) {
  std::string schema;
  for (char c : ToLower(prefix + db_id)) {
    const bool ok = (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_';
    schema.push_back(ok ? c : '_');
  }
  if (schema.empty() || (schema[0] >= '0' && schema[0] <= '9')) schema = "s" + schema;
  if (schema.size() > 63) schema.resize(63);
  return schema;
}

namespace {

// Opens `db_id` once with `load`; later calls return the same dataset or the same error.
template <typename Load>
Result<Dataset*> OpenOnce(const std::string& db_id, std::map<std::string, std::unique_ptr<Dataset>>* opened,
                          std::map<std::string, Status>* failed, Load load) {
  if (auto it = opened->find(db_id); it != opened->end()) return it->second.get();
  if (auto it = failed->find(db_id); it != failed->end()) return it->second;
  Result<std::unique_ptr<Dataset>> loaded = load();
  if (!loaded.ok()) {
    failed->emplace(db_id, loaded.status());
    return loaded.status();
  }
  Dataset* dataset = loaded->get();
  opened->emplace(db_id, std::move(loaded).value());
  return dataset;
}

}  // namespace

Result<Dataset*> BenchDatabases::Open(const std::string& db_id) {
  return OpenOnce(db_id, &opened_, &failed_, [&] { return Load(db_id); });
}

Result<Dataset*> BenchDatabases::OpenTarget(const std::string& db_id) {
  if (!postgres_) return Open(db_id);
  return OpenOnce(db_id, &targets_, &failed_targets_, [&] { return LoadIntoPostgres(db_id); });
}

std::string BenchDatabases::TargetDescription() const {
  if (!postgres_) return "SQLite";
  auto described = postgres_->login.Describe();
  return "PostgreSQL " + (described.ok() ? *described : std::string("(unparsable conninfo)"));
}

Result<std::unique_ptr<Dataset>> BenchDatabases::LoadIntoPostgres(const std::string& db_id) {
  // The SQLite dataset first: the same checks (listing, path) and the gold's database.
  DA_RETURN_IF_ERROR(Open(db_id).status());
  if (!loader_) {
    auto client = PgClient::Connect(postgres_->login);
    if (!client.ok()) return client.status();
    loader_.emplace(std::move(client).value());
  }
  const std::string schema = SchemaForDbId(postgres_->schema_prefix, db_id);
  PgLoadOptions options;
  options.keep_violated_foreign_keys = true;  // the SQLite dataset's catalog keeps them too
  auto loaded = LoadSqliteIntoPostgres(*loader_, DatabasePath(db_id), schema, options);
  if (!loaded.ok()) return loaded.status().WithContext("database " + db_id);
  loads_[db_id] = *loaded;
  ConnectRequest request;
  request.name = DatasetNameForDbId("pg-" + db_id);
  request.kind = "postgres";
  request.connection.login = postgres_->login;
  request.connection.schema = schema;
  auto connected = ConnectDataset(store_, request);
  if (!connected.ok()) return connected.status().WithContext("database " + db_id + " on PostgreSQL");
  auto dataset = Dataset::Open(store_, request.name);
  if (!dataset.ok()) return dataset.status().WithContext("database " + db_id + " on PostgreSQL");
  return std::move(dataset).value();
}

void BenchDatabases::RestrictTo(std::set<std::string> listed, std::string listing) {
  listed_ = std::move(listed);
  listing_ = std::move(listing);
}

Result<std::unique_ptr<Dataset>> BenchDatabases::Load(const std::string& db_id) {
  // A db_id is a path component: refuse ones that would leave the database directory.
  if (db_id == "." || db_id == ".." || db_id.find('/') != std::string::npos || db_id.find('\\') != std::string::npos)
    return Status::InvalidArgument("db_id '" + db_id + "' is not a directory name");
  if (listed_ && !listed_->count(db_id))
    return Status::NotFound("database " + db_id + " is not listed in " + listing_);
  const fs::path path = DatabasePath(db_id);
  std::error_code ec;
  if (!fs::is_regular_file(path, ec))
    return Status::NotFound("database " + db_id + " not found: expected " + path.string());
  IngestOptions options;
  options.dataset = DatasetNameForDbId(db_id);
  auto report = IngestPath(&store_, path, options);
  if (!report.ok()) return report.status().WithContext("database " + db_id);
  auto dataset = Dataset::Open(store_, options.dataset);
  if (!dataset.ok()) return dataset.status().WithContext("database " + db_id);
  return std::move(dataset).value();
}

}  // namespace da
