#include "ask/dataset_memory.h"

#include "llm/model_factory.h"
#include "memory/postgres_memory_store.h"
#include "memory/text_embedder.h"
#include "sources/dataset.h"

namespace da {

Result<std::unique_ptr<memory::MemoryStore>> OpenMemoryStore(const std::filesystem::path& data_dir,
                                                             const llm::MemoryConfig& config,
                                                             const llm::Environment& env) {
  if (!config.postgres_url.empty()) {
    memory::PostgresConnection conn;
    conn.conninfo = config.postgres_url;
    conn.password_env = config.postgres_password_env;
    conn.schema = config.postgres_schema;
    return memory::OpenPostgresMemoryStore(conn);
  }
  std::error_code ec;
  std::filesystem::create_directories(data_dir, ec);
  return memory::OpenSqliteMemoryStore((data_dir / "memory.db").string());
}

Status ForgetDatasetMemory(const std::filesystem::path& data_dir, const std::string& dataset,
                           const llm::LlmConfig* config, const llm::Environment& env) {
  const llm::MemoryConfig settings = config ? config->memory : llm::MemoryConfig{};
  if (settings.postgres_url.empty() && !std::filesystem::exists(data_dir / "memory.db")) return Status::Ok();
  DA_ASSIGN_OR_RETURN(auto store, OpenMemoryStore(data_dir, settings, env));
  return memory::Memory::Forget(*store, dataset, data_dir / "memory");
}

Result<DatasetMemory> OpenDatasetMemory(Dataset& dataset, const std::filesystem::path& data_dir,
                                        const llm::LlmConfig* config, const llm::Environment& env) {
  const llm::MemoryConfig settings = config ? config->memory : llm::MemoryConfig{};
  DatasetMemory out;
  DA_ASSIGN_OR_RETURN(out.store, OpenMemoryStore(data_dir, settings, env));
  const llm::ModelConfig* embeddings = config ? config->ForRole(llm::ModelRole::kEmbeddings) : nullptr;
  if (embeddings != nullptr) {
    DA_ASSIGN_OR_RETURN(out.embedder, llm::MakeEmbedder(*embeddings, env));
  } else {
    out.embedder = std::make_unique<memory::TextEmbedder>();
  }
  memory::DatasetView view;
  view.name = dataset.info().name;
  view.catalog = &dataset.catalog();
  view.values = dataset.values();
  view.data_version = dataset.info().version;
  view.live = dataset.live();
  view.validate = [&dataset](std::string_view sql) { return dataset.Validate(sql); };
  memory::MemoryOptions options;
  options.cache = settings.cache;
  options.similarity_threshold = settings.similarity_threshold;
  options.ttl_hours = settings.ttl_hours;
  options.few_shot_k = settings.few_shot_k;
  options.few_shot_min_similarity = settings.few_shot_min_similarity;
  options.index_dir = data_dir / "memory";  // ForgetDatasetMemory cleans the same place
  DA_ASSIGN_OR_RETURN(out.memory, memory::Memory::Open(*out.store, std::move(view), *out.embedder, options));
  return out;
}

}  // namespace da
