#include "llm/llm_config.h"

#include <gtest/gtest.h>

#include "test_util.h"

namespace da::llm {
namespace {

using da::testing::TempDir;
using da::testing::WriteFile;

constexpr char kGood[] = R"({
  // Local Ollama for SQL and chat, Claude for explanations, Bedrock for embeddings.
  "providers": {
    "openai": {"base_url": "http://localhost:11434/v1", "timeout_s": 120},
    "bedrock": {"region": "eu-west-1", "profile": "analytics"}
  },
  "models": {
    "sql": {"provider": "openai", "model": "qwen2.5-coder:7b", "max_tokens": 800, "temperature": 0},
    "chat": {"provider": "openai", "model": "llama3.1:8b", "max_retries": 4},
    "explanation": {"provider": "anthropic", "model": "claude-3-5-haiku-latest",
                    "api_key_env": "MY_CLAUDE_KEY", "temperature": 0.3},
    "embeddings": {"provider": "bedrock", "model": "cohere.embed-english-v3", "dimensions": 1024}
  },
  "engine_confidence_threshold": 0.55,
  "privacy_mode": true
})";

// Parses `text` and returns the error message ("" when it parsed).
std::string ErrorOf(const std::string& text) {
  auto config = ParseLlmConfig(text, "config.json");
  if (config.ok()) return "";
  EXPECT_EQ(config.status().code(), Status::Code::kInvalidArgument);
  return config.status().message();
}

std::string WithSql(const std::string& fields) {
  return R"({"models": {"sql": {"provider": "openai", "model": "m")" + fields + "}}}";
}

TEST(LlmConfigTest, ReadsAGoodFileWithProviderDefaultsAndComments) {
  auto config = ParseLlmConfig(kGood, "config.json");
  ASSERT_TRUE(config.ok()) << config.status().ToString();
  EXPECT_EQ(config->models.size(), 4u);
  const ModelConfig& sql = config->models.at(ModelRole::kSql);
  EXPECT_EQ(sql.provider, ProviderKind::kOpenAI);
  EXPECT_EQ(sql.model, "qwen2.5-coder:7b");
  EXPECT_EQ(sql.base_url, "http://localhost:11434/v1");  // from providers.openai
  EXPECT_EQ(sql.timeout_s, 120);
  EXPECT_EQ(sql.max_tokens, 800);
  EXPECT_EQ(sql.max_retries, 2);
  const ModelConfig& chat = config->models.at(ModelRole::kChat);
  EXPECT_EQ(chat.max_retries, 4);
  EXPECT_EQ(chat.max_tokens, 1024);
  const ModelConfig& explanation = config->models.at(ModelRole::kExplanation);
  EXPECT_EQ(explanation.provider, ProviderKind::kAnthropic);
  EXPECT_EQ(explanation.api_key_env, "MY_CLAUDE_KEY");
  EXPECT_EQ(explanation.base_url, "");  // openai's default does not leak to anthropic
  EXPECT_DOUBLE_EQ(explanation.temperature, 0.3);
  const ModelConfig& embeddings = config->models.at(ModelRole::kEmbeddings);
  EXPECT_EQ(embeddings.region, "eu-west-1");
  EXPECT_EQ(embeddings.aws_profile, "analytics");
  EXPECT_EQ(embeddings.dimensions, 1024);
  EXPECT_EQ(embeddings.role, ModelRole::kEmbeddings);
  EXPECT_DOUBLE_EQ(config->engine_confidence_threshold, 0.55);
  EXPECT_TRUE(config->privacy_mode);
  EXPECT_EQ(config->origin, "config.json");
}

TEST(LlmConfigTest, DefaultsAndRoleFallbacks) {
  auto empty = ParseLlmConfig("{}", "config.json");
  ASSERT_TRUE(empty.ok());
  EXPECT_DOUBLE_EQ(empty->engine_confidence_threshold, 0.7);
  EXPECT_FALSE(empty->privacy_mode);
  EXPECT_EQ(empty->ForRole(ModelRole::kSql), nullptr);
  EXPECT_EQ(empty->ForRole(ModelRole::kExplanation), nullptr);

  auto only_sql = ParseLlmConfig(WithSql(""), "config.json");
  ASSERT_TRUE(only_sql.ok());
  ASSERT_NE(only_sql->ForRole(ModelRole::kExplanation), nullptr);
  EXPECT_EQ(only_sql->ForRole(ModelRole::kExplanation)->role, ModelRole::kSql);
  EXPECT_EQ(only_sql->ForRole(ModelRole::kChat)->model, "m");
  EXPECT_EQ(only_sql->ForRole(ModelRole::kEmbeddings), nullptr);  // no fallback for vectors
  const ModelConfig& sql = *only_sql->ForRole(ModelRole::kSql);
  EXPECT_EQ(sql.timeout_s, 60);
  EXPECT_EQ(sql.max_retries, 2);
  EXPECT_EQ(sql.temperature, 0);
}

TEST(LlmConfigTest, ErrorsNameTheFileAndKeyPath) {
  EXPECT_EQ(ErrorOf(R"({"models": {"sql": {"provider": "foo", "model": "m"}}})"),
            "config.json: models.sql.provider: expected one of openai, anthropic, bedrock, got 'foo'");
  EXPECT_EQ(ErrorOf(R"({"models": {"sql": {"model": "m"}}})"),
            "config.json: models.sql.provider: missing; expected one of openai, anthropic, bedrock");
  EXPECT_EQ(ErrorOf(R"({"models": {"sql": {"provider": "openai"}}})"),
            "config.json: models.sql.model: missing; name the model to use");
  EXPECT_EQ(ErrorOf(WithSql(R"(, "max_tokens": "lots")")),
            "config.json: models.sql.max_tokens: expected a whole number, got a string");
  EXPECT_EQ(ErrorOf(WithSql(R"(, "max_tokens": 0)")),
            "config.json: models.sql.max_tokens: expected a whole number from 1 to 1000000, got 0");
  EXPECT_EQ(ErrorOf(WithSql(R"(, "temperature": 3)")),
            "config.json: models.sql.temperature: expected a number from 0 to 2, got 3");
  EXPECT_EQ(ErrorOf(WithSql(R"(, "max_retries": 11)")),
            "config.json: models.sql.max_retries: expected a whole number from 0 to 10, got 11");
  EXPECT_NE(ErrorOf(WithSql(R"(, "timeout_s": -1)")).find("models.sql.timeout_s"), std::string::npos);
  EXPECT_EQ(ErrorOf(WithSql(R"(, "base_url": "localhost:11434")")),
            "config.json: models.sql.base_url: expected an http:// or https:// URL, got 'localhost:11434'");
  EXPECT_EQ(ErrorOf(WithSql(R"(, "modle": "x")")).substr(0, 52),
            "config.json: models.sql.modle: unknown key; expected");
  EXPECT_EQ(ErrorOf(R"({"models": {"summary": {}}})"),
            "config.json: models.summary: unknown role; expected one of sql, chat, explanation, embeddings");
  EXPECT_EQ(ErrorOf(R"({"models": {"sql": "gpt-4o"}})"),
            "config.json: models.sql: expected an object, got a string");
  EXPECT_EQ(ErrorOf(R"({"privacy_mode": "yes"})"),
            "config.json: privacy_mode: expected true or false, got a string");
  EXPECT_EQ(ErrorOf(R"({"engine_confidence_threshold": 1.5})"),
            "config.json: engine_confidence_threshold: expected a number from 0 to 1, got 1.5");
  EXPECT_NE(ErrorOf(R"({"model": {}})").find("config.json: model: unknown key"), std::string::npos);
  EXPECT_EQ(ErrorOf(R"({"providers": {"gemini": {}}})"),
            "config.json: providers.gemini: unknown provider; expected one of openai, anthropic, bedrock");
  EXPECT_EQ(ErrorOf(R"({"providers": {"openai": {"base_url": 5}}})"),
            "config.json: providers.openai.base_url: expected a string, got a number");
}

TEST(LlmConfigTest, ProviderSpecificFieldsStayWithTheirProvider) {
  EXPECT_EQ(ErrorOf(WithSql(R"(, "region": "us-east-1")")),
            "config.json: models.sql.region: only bedrock takes a region");
  EXPECT_EQ(ErrorOf(R"({"models": {"chat": {"provider": "anthropic", "model": "c", "api_version": "1"}}})"),
            "config.json: models.chat.api_version: only openai (Azure OpenAI) takes an api_version");
  EXPECT_NE(ErrorOf(R"({"models": {"sql": {"provider": "bedrock", "model": "c", "api_key_env": "X"}}})")
                .find("bedrock uses AWS credentials"), std::string::npos);
  EXPECT_EQ(ErrorOf(WithSql(R"(, "dimensions": 3)")),
            "config.json: models.sql.dimensions: only the embeddings model takes dimensions");
  EXPECT_NE(ErrorOf(R"({"models": {"embeddings": {"provider": "anthropic", "model": "c"}}})")
                .find("models.embeddings.provider: anthropic has no embeddings API"), std::string::npos);
  EXPECT_NE(ErrorOf(R"({"models": {"embeddings": {"provider": "bedrock", "model": "anthropic.claude-v2"}}})")
                .find("models.embeddings.model: bedrock embeddings need a Cohere"), std::string::npos);
}

TEST(LlmConfigTest, LiteralKeysAreRejectedWithoutRepeatingThem) {
  const std::string key = "sk-proj-LITERALKEY1234567890";
  std::string error = ErrorOf(WithSql(R"(, "api_key": ")" + key + "\""));
  EXPECT_NE(error.find("config.json: models.sql.api_key: secrets are not read from the config file"), std::string::npos)
      << error;
  EXPECT_NE(error.find("api_key_env"), std::string::npos);
  EXPECT_EQ(error.find(key), std::string::npos);

  error = ErrorOf(R"({"providers": {"bedrock": {"aws_secret_access_key": ")" + key + R"("}}})");
  EXPECT_NE(error.find("providers.bedrock.aws_secret_access_key: secrets are not read"), std::string::npos) << error;
  EXPECT_EQ(error.find(key), std::string::npos);

  // A key pasted where the variable's name belongs.
  error = ErrorOf(WithSql(R"(, "api_key_env": ")" + key + "\""));
  EXPECT_NE(error.find("models.sql.api_key_env: expected the name of an environment variable"), std::string::npos)
      << error;
  EXPECT_EQ(error.find(key), std::string::npos);
  EXPECT_EQ(error.find("LITERALKEY"), std::string::npos);

  error = ErrorOf(WithSql(R"(, "base_url": "https://user:hunter2@proxy.example.com/v1")"));
  EXPECT_NE(error.find("credentials in the URL"), std::string::npos) << error;
  EXPECT_EQ(error.find("hunter2"), std::string::npos);
}

TEST(LlmConfigTest, InvalidJsonNamesLineAndColumn) {
  std::string error = ErrorOf("{\n  \"models\": {\n    \"sql\": {\"provider\": \"openai\",}\n  }\n}");
  EXPECT_TRUE(error.starts_with("config.json: not valid JSON at line 3"));
  EXPECT_EQ(ErrorOf("[1, 2]"), "config.json: expected a JSON object at the top level");
}

TEST(LlmConfigTest, LoadsFromDiskAndResolvesItsPath) {
  TempDir dir;
  WriteFile(dir / "config.json", kGood);
  auto config = LoadLlmConfig(dir / "config.json");
  ASSERT_TRUE(config.ok()) << config.status().ToString();
  EXPECT_EQ(config->origin, (dir / "config.json").string());

  auto missing = LoadLlmConfig(dir / "nope.json");
  EXPECT_EQ(missing.status().code(), Status::Code::kNotFound);

  WriteFile(dir / "bad.json", WithSql(R"(, "temperature": "hot")"));
  auto bad = LoadLlmConfig(dir / "bad.json");
  EXPECT_EQ(bad.status().message(),
            (dir / "bad.json").string() + ": models.sql.temperature: expected a number, got a string");

  Environment none = Environment::FromMap({});
  Environment with_env = Environment::FromMap({{"DATAANALYST_CONFIG", "/etc/da.json"}});
  EXPECT_EQ(ResolveConfigPath("", none, "/data"), std::filesystem::path("/data/config.json"));
  EXPECT_EQ(ResolveConfigPath("", with_env, "/data"), std::filesystem::path("/etc/da.json"));
  EXPECT_EQ(ResolveConfigPath("my.json", with_env, "/data"), std::filesystem::path("my.json"));
}

TEST(LlmConfigTest, ExampleConfigInTheRepositoryIsValid) {
  auto config = LoadLlmConfig(da::testing::SourceDir() / "config/dataanalyst.example.json");
  ASSERT_TRUE(config.ok()) << config.status().ToString();
  EXPECT_NE(config->ForRole(ModelRole::kSql), nullptr);
  EXPECT_NE(config->ForRole(ModelRole::kEmbeddings), nullptr);
}

}  // namespace
}  // namespace da::llm

namespace da::llm {
namespace {

TEST(LlmConfigMemoryTest, ReadsTheMemorySection) {
  auto config = ParseLlmConfig(R"({"memory": {"cache": false, "similarity_threshold": 0.95, "ttl_hours": 0,
      "few_shot": {"k": 5, "min_similarity": 0.6},
      "postgres": {"url": "postgresql://app@db.internal:5432/analyst", "password_env": "DA_PG_PASSWORD",
                   "schema": "shared_memory"}}})", "config.json");
  ASSERT_TRUE(config.ok()) << config.status().ToString();
  EXPECT_FALSE(config->memory.cache);
  EXPECT_DOUBLE_EQ(config->memory.similarity_threshold, 0.95);
  EXPECT_DOUBLE_EQ(config->memory.ttl_hours, 0);
  EXPECT_EQ(config->memory.few_shot_k, 5);
  EXPECT_DOUBLE_EQ(config->memory.few_shot_min_similarity, 0.6);
  EXPECT_EQ(config->memory.postgres_url, "postgresql://app@db.internal:5432/analyst");
  EXPECT_EQ(config->memory.postgres_password_env, "DA_PG_PASSWORD");
  EXPECT_EQ(config->memory.postgres_schema, "shared_memory");

  auto defaults = ParseLlmConfig("{}", "config.json");
  ASSERT_TRUE(defaults.ok());
  EXPECT_TRUE(defaults->memory.cache);
  EXPECT_TRUE(defaults->memory.postgres_url.empty());
}

TEST(LlmConfigMemoryTest, BadMemorySettingsNameTheKey) {
  auto unknown = ParseLlmConfig(R"({"memory": {"size": 3}})", "c.json");
  ASSERT_FALSE(unknown.ok());
  EXPECT_NE(unknown.status().message().find("memory.size: unknown key"), std::string::npos) << unknown.status().ToString();
  auto low = ParseLlmConfig(R"({"memory": {"similarity_threshold": 0.1}})", "c.json");
  ASSERT_FALSE(low.ok());
  EXPECT_NE(low.status().message().find("memory.similarity_threshold"), std::string::npos);
  auto k = ParseLlmConfig(R"({"memory": {"few_shot": {"k": 50}}})", "c.json");
  ASSERT_FALSE(k.ok());
  EXPECT_NE(k.status().message().find("memory.few_shot.k"), std::string::npos);
  auto no_url = ParseLlmConfig(R"({"memory": {"postgres": {"schema": "x"}}})", "c.json");
  ASSERT_FALSE(no_url.ok());
  EXPECT_NE(no_url.status().message().find("memory.postgres.url"), std::string::npos);
}

TEST(LlmConfigMemoryTest, PostgresPasswordsAreNeverReadFromTheFile) {
  for (const char* text : {R"({"memory": {"postgres": {"url": "postgresql://app:hunter2secret@db/analyst"}}})",
                           R"({"memory": {"postgres": {"url": "host=db password=hunter2secret"}}})",
                           R"({"memory": {"postgres": {"url": "postgresql://db/a", "password": "hunter2secret"}}})"}) {
    auto config = ParseLlmConfig(text, "c.json");
    ASSERT_FALSE(config.ok()) << text;
    EXPECT_EQ(config.status().message().find("hunter2secret"), std::string::npos) << config.status().ToString();
  }
}

TEST(LlmConfigKeysTest, ReadsTheKeysSectionApartFromTheMemory) {
  auto config = ParseLlmConfig(R"({"keys": {"postgres": {"url": "postgresql://app@db.internal:5432/analyst",
      "password_env": "DA_PG_PASSWORD", "schema": "shared_keys"}}})", "config.json");
  ASSERT_TRUE(config.ok()) << config.status().ToString();
  EXPECT_EQ(config->keys.postgres_url, "postgresql://app@db.internal:5432/analyst");
  EXPECT_EQ(config->keys.postgres_password_env, "DA_PG_PASSWORD");
  EXPECT_EQ(config->keys.postgres_schema, "shared_keys");
  EXPECT_TRUE(config->memory.postgres_url.empty()) << "keys in PostgreSQL do not move the memory";

  auto memory_only = ParseLlmConfig(R"({"memory": {"postgres": {"url": "postgresql://app@db/analyst"}}})", "c.json");
  ASSERT_TRUE(memory_only.ok());
  EXPECT_TRUE(memory_only->keys.postgres_url.empty()) << "nor does memory in PostgreSQL move the keys";
  EXPECT_EQ(memory_only->keys.postgres_schema, "dataanalyst");

  auto empty = ParseLlmConfig(R"({"keys": {}})", "c.json");
  ASSERT_TRUE(empty.ok());
  EXPECT_TRUE(empty->keys.postgres_url.empty());
}

TEST(LlmConfigKeysTest, BadKeysSettingsNameTheKey) {
  auto unknown = ParseLlmConfig(R"({"keys": {"sqlite": {}}})", "c.json");
  ASSERT_FALSE(unknown.ok());
  EXPECT_NE(unknown.status().message().find("keys.sqlite: unknown key"), std::string::npos)
      << unknown.status().ToString();
  auto no_url = ParseLlmConfig(R"({"keys": {"postgres": {"schema": "x"}}})", "c.json");
  ASSERT_FALSE(no_url.ok());
  EXPECT_NE(no_url.status().message().find("keys.postgres.url"), std::string::npos);
  auto bad_var = ParseLlmConfig(R"({"keys": {"postgres": {"url": "postgresql://db/a", "password_env": "not a var"}}})",
                                "c.json");
  ASSERT_FALSE(bad_var.ok());
  EXPECT_NE(bad_var.status().message().find("keys.postgres.password_env"), std::string::npos);
  auto long_schema = ParseLlmConfig(
      R"({"keys": {"postgres": {"url": "postgresql://db/a", "schema": ")" + std::string(64, 's') + R"("}}})", "c.json");
  ASSERT_FALSE(long_schema.ok());
  EXPECT_NE(long_schema.status().message().find("keys.postgres.schema"), std::string::npos);
  auto not_object = ParseLlmConfig(R"({"keys": "postgresql://db/a"})", "c.json");
  ASSERT_FALSE(not_object.ok());
  EXPECT_NE(not_object.status().message().find("keys: expected an object"), std::string::npos);
}

TEST(LlmConfigKeysTest, PostgresPasswordsAreNeverReadFromTheFile) {
  for (const char* text : {R"({"keys": {"postgres": {"url": "postgresql://app:hunter2secret@db/analyst"}}})",
                           R"({"keys": {"postgres": {"url": "host=db password=hunter2secret"}}})",
                           R"({"keys": {"postgres": {"url": "postgresql://db/a", "password": "hunter2secret"}}})"}) {
    auto config = ParseLlmConfig(text, "c.json");
    ASSERT_FALSE(config.ok()) << text;
    EXPECT_EQ(config.status().message().find("hunter2secret"), std::string::npos) << config.status().ToString();
    EXPECT_NE(config.status().message().find("keys.postgres"), std::string::npos) << config.status().ToString();
  }
}

}  // namespace
}  // namespace da::llm
