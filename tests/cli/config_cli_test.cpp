// `dataanalyst config show | check` end to end: the real binary, real config files, and a fake
// OpenAI-compatible server over loopback (tests/llm/fake_llm_server.h).
#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <cstdlib>
#include <string>

#include "llm/fake_llm_server.h"
#include "test_util.h"

namespace da::testing {
namespace {

using llm::testing::ClosedPort;
using llm::testing::FakeLlmServer;
using llm::testing::OpenAIChatReply;
using llm::testing::OpenAIEmbeddingsFor;
using llm::testing::OpenAIError;
using llm::testing::RecordedRequest;
using llm::testing::ScriptedReply;
using nlohmann::json;

constexpr const char* kKeyVar = "DA_CONFIG_TEST_KEY";
constexpr const char* kUnsetVar = "DA_CONFIG_TEST_UNSET";
constexpr const char* kSecret = "sk-test-SECRET-0123456789abcdef";

// Chat completions answer "OK"; embeddings answer one vector per text.
ScriptedReply Provider(const RecordedRequest& request) {
  if (request.path.ends_with("/embeddings")) return OpenAIEmbeddingsFor(request);
  return OpenAIChatReply("OK", 12, 1);
}

class ConfigCliTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ::unsetenv("DATAANALYST_CONFIG");
    ::unsetenv(kUnsetVar);
    ::setenv(kKeyVar, kSecret, 1);
  }
  void TearDown() override {
    ::unsetenv(kKeyVar);
    ::unsetenv("DATAANALYST_CONFIG");
  }
  CommandResult Run(std::vector<std::string> args) {
    args.insert(args.end(), {"--data-dir", data_.path().string()});
    return RunCli(args);
  }
  // A config file whose sql and embeddings roles use the OpenAI-compatible server at `url`.
  std::string WriteConfig(const std::string& url, int max_retries = 0) {
    json config = {{"providers", {{"openai", {{"base_url", url + "/v1"}, {"api_key_env", kKeyVar},
                                              {"max_retries", max_retries}, {"timeout_s", 10}}}}},
                   {"models", {{"sql", {{"provider", "openai"}, {"model", "coder-7b"}}},
                               {"embeddings", {{"provider", "openai"}, {"model", "embed-small"}}}}}};
    const auto path = files_ / "llm.json";
    WriteFile(path, config.dump(2));
    return path.string();
  }
  void ExpectNoSecret(const CommandResult& r) {
    EXPECT_EQ(r.out.find(kSecret), std::string::npos) << r.out;
    EXPECT_EQ(r.err.find(kSecret), std::string::npos) << r.err;
  }

  TempDir data_, files_;
};

TEST_F(ConfigCliTest, NoConfigSaysHowToMakeOne) {
  CommandResult show = Run({"config", "show"});
  EXPECT_EQ(show.exit_code, 0) << show.err;
  EXPECT_NE(show.out.find("config/dataanalyst.example.json"), std::string::npos) << show.out;
  EXPECT_NE(show.out.find("docs/llm.md"), std::string::npos) << show.out;
  EXPECT_NE(show.out.find((data_ / "config.json").string()), std::string::npos) << show.out;

  CommandResult check = Run({"config", "check"});
  EXPECT_EQ(check.exit_code, 1);
  EXPECT_NE(check.err.find("config/dataanalyst.example.json"), std::string::npos) << check.err;

  json shown = json::parse(Run({"config", "show", "--json"}).out);
  EXPECT_EQ(shown["found"], false);
  CommandResult checked = Run({"config", "check", "--json"});
  EXPECT_EQ(checked.exit_code, 1);
  EXPECT_EQ(json::parse(checked.out)["error"]["code"], "not_found");
}

TEST_F(ConfigCliTest, InvalidConfigNamesFileAndKeyPath) {
  const auto path = files_ / "bad.json";
  WriteFile(path, R"({"models": {"sql": {"provider": "foo", "model": "m"}}})");
  for (const char* sub : {"show", "check"}) {
    CommandResult r = Run({"config", sub, "--config", path.string()});
    EXPECT_EQ(r.exit_code, 1) << sub;
    EXPECT_NE(r.err.find(path.string() + ": models.sql.provider"), std::string::npos) << r.err;
  }
  // A key pasted into the file is refused without repeating it.
  WriteFile(path, std::string(R"({"models": {"sql": {"provider": "openai", "model": "m", "api_key": ")") + kSecret +
                      "\"}}}");
  CommandResult r = Run({"config", "check", "--config", path.string(), "--json"});
  EXPECT_EQ(r.exit_code, 1);
  json error = json::parse(r.out)["error"];
  EXPECT_EQ(error["code"], "invalid_argument");
  EXPECT_NE(error["message"].get<std::string>().find("models.sql.api_key"), std::string::npos) << r.out;
  ExpectNoSecret(r);
}

TEST_F(ConfigCliTest, ShowNamesSecretsOnlyByVariable) {
  const auto path = files_ / "all.json";
  json config = {{"models",
                  {{"sql", {{"provider", "openai"}, {"model", "coder"}, {"base_url", "http://127.0.0.1:9/v1"},
                            {"api_key_env", kKeyVar}}},
                   {"chat", {{"provider", "anthropic"}, {"model", "claude"}, {"api_key_env", kUnsetVar}}},
                   {"embeddings", {{"provider", "bedrock"}, {"model", "cohere.embed-english-v3"},
                                   {"region", "eu-west-1"}}}}},
                 {"privacy_mode", true}};
  WriteFile(path, config.dump());
  CommandResult r = Run({"config", "show", "--config", path.string()});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_NE(r.out.find(std::string("(from env ") + kKeyVar + ", set)"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find(std::string("(from env ") + kUnsetVar + ", unset)"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("(from env AWS_SECRET_ACCESS_KEY, "), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("explanation: uses chat"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("privacy_mode: true"), std::string::npos) << r.out;
  ExpectNoSecret(r);

  r = Run({"config", "show", "--config", path.string(), "--json"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  json shown = json::parse(r.out);
  EXPECT_EQ(shown["found"], true);
  EXPECT_EQ(shown["path"], path.string());
  EXPECT_EQ(shown["models"]["sql"]["provider"], "openai");
  EXPECT_EQ(shown["models"]["sql"]["model"], "coder");
  EXPECT_EQ(shown["models"]["sql"]["api_key"], std::string("(from env ") + kKeyVar + ", set)");
  EXPECT_EQ(shown["models"]["chat"]["api_key"], std::string("(from env ") + kUnsetVar + ", unset)");
  EXPECT_EQ(shown["models"]["embeddings"]["region"], "eu-west-1");
  EXPECT_EQ(shown["fallbacks"]["explanation"], "uses chat");
  EXPECT_EQ(shown["privacy_mode"], true);
  ExpectNoSecret(r);
}

TEST_F(ConfigCliTest, ConfigIsFoundInTheDataDirAndThroughTheEnvironment) {
  FakeLlmServer server(Provider);
  WriteFile(data_ / "config.json", json::parse(ReadFile(WriteConfig(server.url()))).dump());
  CommandResult r = Run({"config", "show", "--json"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(json::parse(r.out)["path"], (data_ / "config.json").string());

  const std::string elsewhere = (files_ / "llm.json").string();
  ::setenv("DATAANALYST_CONFIG", elsewhere.c_str(), 1);
  r = Run({"config", "show", "--json"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(json::parse(r.out)["path"], elsewhere);
}

TEST_F(ConfigCliTest, CheckPingsEachRole) {
  FakeLlmServer server(Provider);
  const std::string path = WriteConfig(server.url());
  CommandResult r = Run({"config", "check", "--config", path, "--json"});
  ASSERT_EQ(r.exit_code, 0) << r.out << r.err;
  json out = json::parse(r.out);
  EXPECT_EQ(out["ok"], true);
  ASSERT_EQ(out["checks"].size(), 2u);
  EXPECT_EQ(out["checks"][0]["role"], "sql");
  EXPECT_EQ(out["checks"][0]["provider"], "openai");
  EXPECT_EQ(out["checks"][0]["model"], "coder-7b");
  EXPECT_EQ(out["checks"][0]["ok"], true);
  EXPECT_GE(out["checks"][0]["latency_ms"].get<int64_t>(), 0);
  EXPECT_NE(out["checks"][0]["message"].get<std::string>().find("\"OK\""), std::string::npos) << r.out;
  EXPECT_EQ(out["checks"][1]["role"], "embeddings");
  EXPECT_EQ(out["checks"][1]["ok"], true) << r.out;
  ExpectNoSecret(r);
  // The key went where it belongs: the Authorization header.
  auto requests = server.requests();
  ASSERT_EQ(requests.size(), 2u);
  EXPECT_EQ(requests[0].path, "/v1/chat/completions");
  EXPECT_EQ(requests[0].Header("Authorization"), std::string("Bearer ") + kSecret);
  EXPECT_EQ(requests[1].path, "/v1/embeddings");

  r = Run({"config", "check", "--config", path});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_NE(r.out.find("sql"), std::string::npos);
  EXPECT_NE(r.out.find("coder-7b ... ok ("), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("embed-small ... ok ("), std::string::npos) << r.out;
}

TEST_F(ConfigCliTest, RejectedKeyFailsWithoutShowingIt) {
  FakeLlmServer server(Provider);
  server.SetGate([](const RecordedRequest&) -> std::optional<ScriptedReply> {
    return OpenAIError(401, "invalid_api_key", std::string("Incorrect API key provided: ") + kSecret + ".");
  });
  const std::string path = WriteConfig(server.url());
  CommandResult r = Run({"config", "check", "--config", path, "--json"});
  EXPECT_EQ(r.exit_code, 1) << r.out;
  json out = json::parse(r.out);
  EXPECT_EQ(out["ok"], false);
  for (const auto& check : out["checks"]) {
    EXPECT_EQ(check["ok"], false);
    const std::string message = check["message"];
    EXPECT_NE(message.find("refused"), std::string::npos) << message;
    EXPECT_NE(message.find("401"), std::string::npos) << message;
    EXPECT_NE(message.find(kKeyVar), std::string::npos) << message;  // says which variable to check
  }
  ExpectNoSecret(r);

  r = Run({"config", "check", "--config", path});
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_NE(r.out.find("coder-7b ... failed ("), std::string::npos) << r.out;
  ExpectNoSecret(r);
}

TEST_F(ConfigCliTest, UnreachableHostFails) {
  ClosedPort closed;
  const std::string path = WriteConfig(closed.url());
  CommandResult r = Run({"config", "check", "--config", path, "--json"});
  EXPECT_EQ(r.exit_code, 1) << r.out;
  json out = json::parse(r.out);
  ASSERT_EQ(out["checks"].size(), 2u);
  for (const auto& check : out["checks"]) {
    EXPECT_EQ(check["ok"], false);
    EXPECT_NE(check["message"].get<std::string>().find("cannot reach"), std::string::npos) << check["message"];
  }
  ExpectNoSecret(r);
}

TEST_F(ConfigCliTest, Usage) {
  EXPECT_EQ(Run({"config"}).exit_code, 2);
  EXPECT_EQ(Run({"config", "frobnicate"}).exit_code, 2);
  EXPECT_EQ(Run({"config", "show", "--bogus"}).exit_code, 2);
}

}  // namespace
}  // namespace da::testing
