// OpenAI-compatible chat completions (POST {base_url}/chat/completions) and embeddings
// (POST {base_url}/embeddings). The same wire format serves OpenAI, Azure OpenAI, Ollama,
// vLLM, the llama.cpp server and LM Studio; only the base URL and authentication differ.
#pragma once

#include <memory>
#include <string>

#include "llm/http_client.h"
#include "llm/provider.h"

namespace da::llm {

struct OpenAIOptions {
  // Up to and including the version segment: "https://api.openai.com/v1",
  // "http://localhost:11434/v1" (Ollama), or for Azure the deployment:
  // "https://NAME.openai.azure.com/openai/deployments/DEPLOYMENT".
  std::string base_url = "https://api.openai.com/v1";
  std::string model;
  std::string api_key;      // empty: no authentication header (local servers)
  std::string key_source;   // the variable the key came from, named in 401 messages
  std::string api_version;  // set: Azure OpenAI ("api-key" header, "?api-version=" query)
  int dimensions = 0;       // embeddings: requested length (text-embedding-3-*); 0: model's own
  // Send the reply limit as "max_completion_tokens" (what api.openai.com wants, and the only
  // form its reasoning models accept) rather than "max_tokens" (what compatible servers read).
  bool max_completion_tokens = false;
  HttpOptions http;
};

std::unique_ptr<ChatModel> NewOpenAIChatModel(OpenAIOptions options);
std::unique_ptr<Embedder> NewOpenAIEmbedder(OpenAIOptions options);

}  // namespace da::llm
