#include "server/dataset_removal.h"

#include "ask/dataset_memory.h"
#include "server/history_store.h"

namespace da::server {

std::filesystem::path UploadDir(const std::filesystem::path& data_dir, const std::string& dataset) {
  return data_dir / ".uploads" / dataset;
}

Status RemoveDataset(DatasetStore* store, const std::string& name, const llm::LlmConfig* config,
                     const llm::Environment& env) {
  DA_RETURN_IF_ERROR(store->Remove(name));
  const std::filesystem::path& dir = store->dir();
  std::error_code ec;
  std::filesystem::remove_all(UploadDir(dir, name), ec);
  Status memory = ForgetDatasetMemory(dir, name, config, env);
  if (!memory.ok()) return memory.WithContext("the dataset was removed, but not its memory");
  // No server database, no history to forget (and none is created).
  if (!std::filesystem::exists(dir / "server.db", ec)) return Status::Ok();
  auto history = HistoryStore::Open(dir);
  Status forgot = history.ok() ? (*history)->ForgetDataset(name) : history.status();
  return forgot.ok() ? forgot : forgot.WithContext("the dataset was removed, but not its question history");
}

}  // namespace da::server
