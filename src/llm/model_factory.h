// From configuration to working models: resolves secrets from the environment, builds the
// provider, and checks that a configured model answers (`dataanalyst config check`).
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "common/status.h"
#include "llm/environment.h"
#include "llm/http_client.h"
#include "llm/llm_config.h"
#include "llm/provider.h"

namespace da::llm {

// A chat model for `config` (any role but embeddings). kInvalidArgument naming the role and
// the missing variable when a required key or AWS credential/region is not available.
// Keys: openai needs one for its public endpoint and for Azure (api_version set); other
// OpenAI-compatible servers take one when the variable is set. anthropic always needs one.
Result<std::unique_ptr<ChatModel>> MakeChatModel(const ModelConfig& config, const Environment& env);

// An embedder for `config`: openai or bedrock (Cohere, Titan).
Result<std::unique_ptr<Embedder>> MakeEmbedder(const ModelConfig& config, const Environment& env);

// The HTTP behaviour a model config asks for: timeout_s per attempt (connecting within at
// most 10 s of it), max_retries + 1 attempts, back-off through env.sleep.
HttpOptions HttpOptionsFor(const ModelConfig& config, const Environment& env);

// One line of `dataanalyst config check`. `message` says what the model replied (or the
// error, which never contains a secret).
struct ModelCheck {
  std::string role;
  std::string provider;
  std::string model;
  bool ok = false;
  std::string message;
  int64_t latency_ms = 0;
};

// Sends a tiny request (a one-word chat, or one short text to embed) to `config`'s model.
ModelCheck CheckModel(const ModelConfig& config, const Environment& env);
// CheckModel for each configured role, in the order sql, chat, explanation, embeddings.
std::vector<ModelCheck> CheckModels(const LlmConfig& config, const Environment& env);

}  // namespace da::llm
