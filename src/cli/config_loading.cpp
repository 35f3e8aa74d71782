#include "cli/config_loading.h"

namespace da {

Result<std::optional<llm::LlmConfig>> LoadOptionalConfig(const Args& args, const llm::Environment& env,
                                                         const std::filesystem::path& data_dir) {
  const std::filesystem::path path = llm::ResolveConfigPath(args.Get("config"), env, data_dir);
  auto config = llm::LoadLlmConfig(path);
  if (config.ok()) return std::optional<llm::LlmConfig>(std::move(*config));
  const bool named = args.Has("config") || env.Get("DATAANALYST_CONFIG").has_value();
  if (config.status().code() == Status::Code::kNotFound && !named) return std::optional<llm::LlmConfig>();
  return config.status();
}

}  // namespace da
