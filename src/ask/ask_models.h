// The models a configuration names, built once and shared by the pipeline's roles. The CLI's
// ask command and the server load them the same way.
#pragma once

#include <memory>
#include <optional>
#include <vector>

#include "ask/pipeline.h"
#include "common/status.h"
#include "llm/environment.h"
#include "llm/llm_config.h"
#include "llm/provider.h"

namespace da {

// Owns the models; `models` points into `owned`. A role that falls back to another
// (llm/llm_config.h: ForRole) shares that role's model.
struct LoadedModels {
  std::vector<std::unique_ptr<llm::ChatModel>> owned;
  AskModels models;
  std::optional<llm::LlmConfig> config;
};

// No configuration: no models (the built-in engine answers alone). Errors are the provider
// factory's (a missing API key variable, an unknown provider).
Result<LoadedModels> LoadAskModels(std::optional<llm::LlmConfig> config, const llm::Environment& env);

}  // namespace da
