// What the providers share: posting JSON to a provider, and turning what came back (or did
// not) into a Status that names the provider, host and model but never a key.
// Internal to src/llm.
#pragma once

#include <nlohmann/json.hpp>

#include <atomic>
#include <functional>
#include <string>
#include <vector>

#include "common/status.h"
#include "llm/http_client.h"
#include "llm/provider.h"

namespace da::llm {

struct Endpoint {
  std::string provider;    // "openai", "anthropic", "bedrock"
  std::string base_url;
  std::string model;
  std::string key_source;  // where the credentials came from ("OPENAI_API_KEY"), for 401 hints

  // "openai at api.openai.com (model gpt-4o-mini)"
  std::string Describe() const;
  // "openai:gpt-4o-mini"
  std::string Id() const { return provider + ":" + model; }
};

struct JsonReply {
  nlohmann::json body;
  HttpExchange exchange;
};

class ProviderClient {
 public:
  // `secrets` are scrubbed from every message this client produces.
  ProviderClient(Endpoint endpoint, HttpOptions options, std::vector<std::string> secrets);

  // POSTs `body` as JSON to `url` with `headers` (Content-Type is added). A 2xx reply is parsed
  // as JSON; anything else becomes a Status per provider.h.
  Result<JsonReply> PostJson(const std::string& url, HttpHeaders headers, const nlohmann::json& body,
                             const std::function<void(HttpRequest&)>& prepare = {}) const;

  const Endpoint& endpoint() const { return endpoint_; }
  // A Status for a reply that parsed but lacks what we need ("no choices in the reply").
  Status Malformed(const std::string& what) const;

 private:
  Status ErrorFromResponse(const HttpExchange& exchange) const;
  std::string Redact(std::string text) const;

  Endpoint endpoint_;
  HttpClient http_;
  std::vector<std::string> secrets_;
};

// "http://host:1234/v1/" -> "http://host:1234/v1": paths are appended to base URLs.
void TrimTrailingSlashes(std::string* url);

// Maps a provider's stop reason ("stop", "end_turn", "length", "max_tokens", ...) to ours.
StopReason ParseStopReason(const std::string& reason);

// Number at `key` of a JSON object, 0 when absent or not a number.
int64_t JsonInt(const nlohmann::json& object, const char* key);

// Reads a JSON array of numbers into floats; false when `value` is not one.
bool ReadVector(const nlohmann::json& value, std::vector<float>& out);

// Shared bookkeeping of embedders: the configured or learned dimension, and a check that a
// batch of vectors agrees with it.
class DimensionGuard {
 public:
  explicit DimensionGuard(int configured) : dimension_(configured) {}
  int dimension() const { return dimension_.load(); }
  // kIoError (via `client`) when the vectors' lengths differ from each other or from what
  // is known; otherwise remembers their length.
  Status Check(const ProviderClient& client, const std::vector<std::vector<float>>& vectors);

 private:
  std::atomic<int> dimension_;
};

}  // namespace da::llm
