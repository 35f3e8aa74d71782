// Removing a dataset and everything kept about it, the same way from the CLI (`datasets remove`)
// and the server (DELETE /api/v1/datasets/{name}).
#pragma once

#include <filesystem>
#include <string>

#include "common/status.h"
#include "llm/environment.h"
#include "llm/llm_config.h"
#include "sources/dataset_store.h"

namespace da::server {

// Where uploads wait and attached SQLite uploads stay: <data-dir>/.uploads/<dataset>/ (a dot
// name is never a dataset's).
std::filesystem::path UploadDir(const std::filesystem::path& data_dir, const std::string& dataset);

// Removes dataset `name` (kNotFound when there is none), then forgets its memory (`config` may be
// null), the server's history of it and its uploads. Once the dataset is gone the rest is
// cleanup: a part that fails is reported in the error (the dataset stays removed).
Status RemoveDataset(DatasetStore* store, const std::string& name, const llm::LlmConfig* config,
                     const llm::Environment& env);

}  // namespace da::server
