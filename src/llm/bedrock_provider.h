// AWS Bedrock Runtime, signed with SigV4 (service "bedrock"):
//   chat        POST {endpoint}/model/{modelId}/converse  (the Converse API, any chat model)
//   embeddings  POST {endpoint}/model/{modelId}/invoke    Cohere (cohere.embed-*) and Titan
//               (amazon.titan-embed-*) request bodies; other families are kUnsupported.
// The model id (which may contain ':' or be an ARN) is percent-encoded as one path segment.
#pragma once

#include <memory>
#include <string>

#include "common/status.h"
#include "llm/http_client.h"
#include "llm/provider.h"
#include "llm/sigv4.h"

namespace da::llm {

struct BedrockOptions {
  std::string region;    // "us-east-1"
  std::string endpoint;  // empty: https://bedrock-runtime.{region}.amazonaws.com
  std::string model;     // model id, inference profile id or ARN
  AwsCredentials credentials;
  int dimensions = 0;      // embeddings: the expected length; 0: learned from the first reply
  HttpOptions http;
};

std::unique_ptr<ChatModel> NewBedrockChatModel(BedrockOptions options);
// kUnsupported when the model is neither a Cohere nor a Titan embedding model.
Result<std::unique_ptr<Embedder>> NewBedrockEmbedder(BedrockOptions options);

// Whether NewBedrockEmbedder accepts `model` (a Cohere or Titan embedding model).
bool IsBedrockEmbeddingModel(const std::string& model);

// https://bedrock-runtime.{region}.amazonaws.com
std::string BedrockEndpoint(const std::string& region);

}  // namespace da::llm
