// The two things DataAnalyst asks of a language-model provider: chat completions and text
// embeddings. Every provider (OpenAI-compatible, Anthropic, AWS Bedrock) implements these
// interfaces; callers never see wire formats.
//
// Errors (all Status messages name the provider, host and model, never a key or secret):
//   kInvalidArgument  bad configuration or a request the provider rejected as malformed (HTTP 400)
//   kRefused          the credentials were rejected (401/403), or rate limiting outlasted the retries
//   kNotFound         the model does not exist there (404, "model_not_found", "model identifier is invalid")
//   kTimeout          no complete reply within the configured time limit (not retried)
//   kIoError          host unreachable, connection dropped, 5xx after retries, or a reply we cannot read
//   kUnsupported      the provider cannot do this (e.g. embeddings with a chat-only model family)
//
// Implementations are thread-safe: one ChatModel may serve concurrent Chat() calls.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "common/status.h"

namespace da::llm {

struct Message {
  enum class Role { kUser, kAssistant };
  Role role = Role::kUser;
  std::string text;
};

struct ChatRequest {
  std::string system;              // empty: no system prompt
  std::vector<Message> messages;   // must start with a user message
  int max_tokens = 1024;           // upper bound on the reply's length
  std::optional<double> temperature;  // unset: the provider's default
  std::vector<std::string> stop;   // stop sequences; empty: none
};

struct Usage {
  int64_t input_tokens = 0;
  int64_t output_tokens = 0;
};

// Why the model stopped writing.
enum class StopReason {
  kEndTurn,       // finished its answer
  kMaxTokens,     // cut off by ChatRequest::max_tokens: the text is truncated
  kStopSequence,  // hit one of ChatRequest::stop
  kOther,         // content filter, tool use, or a reason we do not know
};

struct ChatResponse {
  std::string text;   // the assistant's reply, text blocks concatenated
  std::string model;  // the model that answered, as the provider names it
  Usage usage;
  StopReason stop_reason = StopReason::kOther;
  int64_t latency_ms = 0;  // wall time of the whole call, retries and back-off included
  int attempts = 0;        // HTTP requests made (1 when the first one succeeded)
};

struct Embeddings {
  std::vector<std::vector<float>> vectors;  // one per input text, same order
  std::string model;
  Usage usage;  // input_tokens when the provider reports them
  int64_t latency_ms = 0;
  int attempts = 0;
};

class ChatModel {
 public:
  virtual ~ChatModel() = default;
  // Sends one conversation and returns the assistant's next message.
  virtual Result<ChatResponse> Chat(const ChatRequest& request) = 0;
  // "provider:model", e.g. "anthropic:claude-3-5-haiku-latest". Stable; safe to log.
  virtual std::string id() const = 0;
};

class Embedder {
 public:
  virtual ~Embedder() = default;
  // Embeds each text; large inputs are split into provider-sized batches. An empty input
  // returns no vectors without a request.
  virtual Result<Embeddings> Embed(const std::vector<std::string>& texts) = 0;
  // "provider:model". Vectors from different ids are not comparable.
  virtual std::string id() const = 0;
  // Length of each vector: the configured dimension, else the one learned from the first
  // successful Embed(), else 0.
  virtual int dimension() const = 0;
};

}  // namespace da::llm
