// Anthropic Messages API: POST {base_url}/v1/messages with x-api-key and
// anthropic-version: 2023-06-01. Anthropic has no embeddings API.
#pragma once

#include <memory>
#include <string>

#include "llm/http_client.h"
#include "llm/provider.h"

namespace da::llm {

struct AnthropicOptions {
  std::string base_url = "https://api.anthropic.com";  // without "/v1"
  std::string model;
  std::string api_key;
  std::string key_source;  // the variable the key came from, named in 401 messages
  HttpOptions http;
};

std::unique_ptr<ChatModel> NewAnthropicChatModel(AnthropicOptions options);

}  // namespace da::llm
