// Opens the memory (memory/memory.h) of one dataset as the configuration says: its store
// (SQLite in the data directory, or the configured PostgreSQL), its embedder (the configured
// embeddings model, else the built-in one) and its index files (<data-dir>/memory/).
// The CLI's ask, feedback and examples commands (and later the server) share this.
#pragma once

#include <filesystem>
#include <memory>

#include "common/status.h"
#include "llm/environment.h"
#include "llm/llm_config.h"
#include "llm/provider.h"
#include "memory/memory.h"
#include "memory/memory_store.h"

namespace da {

class Dataset;

// Owns what the memory uses; destroy it after the pipeline that holds `memory`.
struct DatasetMemory {
  std::unique_ptr<memory::MemoryStore> store;
  std::unique_ptr<llm::Embedder> embedder;
  std::unique_ptr<memory::Memory> memory;
};

// The store named by `config` (nullptr or no "memory.postgres": <data_dir>/memory.db).
Result<std::unique_ptr<memory::MemoryStore>> OpenMemoryStore(const std::filesystem::path& data_dir,
                                                             const llm::MemoryConfig& config,
                                                             const llm::Environment& env);

// `dataset` must outlive the result. `config` may be null (no configuration file): SQLite
// store, built-in embedder, default settings.
Result<DatasetMemory> OpenDatasetMemory(Dataset& dataset, const std::filesystem::path& data_dir,
                                        const llm::LlmConfig* config, const llm::Environment& env);

// Forgets the memory of a removed dataset. Without a shared (PostgreSQL) store and with no
// memory file in `data_dir`, there is nothing to forget and nothing is created.
Status ForgetDatasetMemory(const std::filesystem::path& data_dir, const std::string& dataset,
                           const llm::LlmConfig* config, const llm::Environment& env);

}  // namespace da
