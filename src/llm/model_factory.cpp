#include "llm/model_factory.h"

#include <algorithm>

#include "llm/anthropic_provider.h"
#include "llm/aws_credentials.h"
#include "llm/bedrock_provider.h"
#include "llm/openai_provider.h"

namespace da::llm {

namespace {

std::string Context(const ModelConfig& config) {
  return std::string("models.") + RoleName(config.role) + " (" + ProviderName(config.provider) + ", model " +
         config.model + ")";
}

// The API key for openai/anthropic: from api_key_env, else the provider's usual variable.
// Empty (and OK) when the key is optional and absent.
Result<std::string> ApiKey(const ModelConfig& config, const Environment& env, std::string& source) {
  bool anthropic = config.provider == ProviderKind::kAnthropic;
  source = !config.api_key_env.empty() ? config.api_key_env : anthropic ? "ANTHROPIC_API_KEY" : "OPENAI_API_KEY";
  if (auto key = env.Get(source)) return *key;
  bool required = anthropic || !config.api_key_env.empty() || config.base_url.empty() ||
                  !config.api_version.empty();
  if (!required) {
    source.clear();
    return std::string();
  }
  return Status::InvalidArgument(Context(config) + ": the API key variable " + source + " is not set");
}

Result<OpenAIOptions> OpenAIOptionsFor(const ModelConfig& config, const Environment& env) {
  OpenAIOptions options;
  if (!config.base_url.empty()) options.base_url = config.base_url;
  options.model = config.model;
  DA_ASSIGN_OR_RETURN(options.api_key, ApiKey(config, env, options.key_source));
  options.api_version = config.api_version;
  options.dimensions = config.dimensions;
  options.max_completion_tokens = UrlHost(options.base_url) == "api.openai.com";
  options.http = HttpOptionsFor(config, env);
  return options;
}

Result<BedrockOptions> BedrockOptionsFor(const ModelConfig& config, const Environment& env) {
  BedrockOptions options;
  Result<std::string> region = ResolveAwsRegion(env, config.region, config.aws_profile);
  if (!region.ok()) return region.status().WithContext(Context(config));
  Result<AwsCredentials> credentials = ResolveAwsCredentials(env, config.aws_profile);
  if (!credentials.ok()) return credentials.status().WithContext(Context(config));
  options.region = *region;
  options.credentials = *credentials;
  options.endpoint = config.base_url;
  options.model = config.model;
  options.dimensions = config.dimensions;
  options.http = HttpOptionsFor(config, env);
  return options;
}

std::string Quote(std::string text) {
  constexpr size_t kMax = 40;
  std::replace(text.begin(), text.end(), '\n', ' ');
  if (text.size() > kMax) text = text.substr(0, kMax) + "...";
  return "\"" + text + "\"";
}

}  // namespace

HttpOptions HttpOptionsFor(const ModelConfig& config, const Environment& env) {
  HttpOptions options;
  auto timeout = std::chrono::milliseconds(static_cast<int64_t>(config.timeout_s * 1000));
  options.total_timeout = std::max(timeout, std::chrono::milliseconds(1));
  options.connect_timeout = std::min(options.total_timeout, std::chrono::milliseconds(10000));
  options.retry.max_attempts = config.max_retries + 1;
  options.sleep = [env](std::chrono::milliseconds delay) { env.Sleep(delay); };
  return options;
}

Result<std::unique_ptr<ChatModel>> MakeChatModel(const ModelConfig& config, const Environment& env) {
  switch (config.provider) {
    case ProviderKind::kOpenAI: {
      DA_ASSIGN_OR_RETURN(OpenAIOptions options, OpenAIOptionsFor(config, env));
      return NewOpenAIChatModel(std::move(options));
    }
    case ProviderKind::kAnthropic: {
      AnthropicOptions options;
      if (!config.base_url.empty()) options.base_url = config.base_url;
      options.model = config.model;
      DA_ASSIGN_OR_RETURN(options.api_key, ApiKey(config, env, options.key_source));
      options.http = HttpOptionsFor(config, env);
      return NewAnthropicChatModel(std::move(options));
    }
    case ProviderKind::kBedrock: {
      DA_ASSIGN_OR_RETURN(BedrockOptions options, BedrockOptionsFor(config, env));
      return NewBedrockChatModel(std::move(options));
    }
  }
  return Status::Internal("unknown provider");
}

Result<std::unique_ptr<Embedder>> MakeEmbedder(const ModelConfig& config, const Environment& env) {
  switch (config.provider) {
    case ProviderKind::kOpenAI: {
      DA_ASSIGN_OR_RETURN(OpenAIOptions options, OpenAIOptionsFor(config, env));
      return NewOpenAIEmbedder(std::move(options));
    }
    case ProviderKind::kAnthropic:
      return Status::Unsupported(Context(config) + ": anthropic has no embeddings API");
    case ProviderKind::kBedrock: {
      DA_ASSIGN_OR_RETURN(BedrockOptions options, BedrockOptionsFor(config, env));
      return NewBedrockEmbedder(std::move(options));
    }
  }
  return Status::Internal("unknown provider");
}

ModelCheck CheckModel(const ModelConfig& config, const Environment& env) {
  ModelCheck check;
  check.role = RoleName(config.role);
  check.provider = ProviderName(config.provider);
  check.model = config.model;
  auto fail = [&check](const Status& status) {
    check.message = status.ToString();
    return check;
  };
  if (config.role == ModelRole::kEmbeddings) {
    auto embedder = MakeEmbedder(config, env);
    if (!embedder.ok()) return fail(embedder.status());
    auto result = (*embedder)->Embed({"ping"});
    if (!result.ok()) return fail(result.status());
    check.ok = true;
    check.latency_ms = result->latency_ms;
    check.message = "embedded a test text: " + std::to_string((*embedder)->dimension()) + " dimensions";
    return check;
  }
  auto model = MakeChatModel(config, env);
  if (!model.ok()) return fail(model.status());
  ChatRequest request;
  request.messages.push_back({Message::Role::kUser, "Reply with the single word OK."});
  request.max_tokens = 16;
  request.temperature = config.temperature;
  auto reply = (*model)->Chat(request);
  if (!reply.ok()) return fail(reply.status());
  check.ok = true;
  check.latency_ms = reply->latency_ms;
  check.message = "replied " + Quote(reply->text) + " (" + std::to_string(reply->usage.input_tokens) + " in, " +
                  std::to_string(reply->usage.output_tokens) + " out tokens)";
  return check;
}

std::vector<ModelCheck> CheckModels(const LlmConfig& config, const Environment& env) {
  std::vector<ModelCheck> checks;
  for (const auto& [role, model] : config.models) checks.push_back(CheckModel(model, env));
  return checks;
}

}  // namespace da::llm
