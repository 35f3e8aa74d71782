// API keys in PostgreSQL: the KeyStore contract (key_store_contract.h) on a real server, each test
// in a schema of its own; then what only PostgreSQL has: the tables it writes, a shared schema
// with the memory, a server restart, passwords from the environment only; and two real
// `dataanalyst serve` processes sharing one set of keys.
#include "server/key_store_postgres.h"

#include <gtest/gtest.h>

#include <cstdlib>
#include <fstream>

#include "key_store_contract.h"
#include "memory/postgres_memory_store.h"
#include "postgres_test_util.h"
#include "server_harness.h"
#include "test_util.h"

namespace da::server::testing {
namespace {

using ::da::testing::CreateKeyWithCli;
using ::da::testing::PrivatePostgresServer;
using ::da::testing::RunCli;
using ::da::testing::RunCliJson;
using ::da::testing::RunPostgresSql;
using ::da::testing::ServerProcess;
using ::da::testing::TempDir;
using ::da::testing::TestPostgresConninfo;
using ::da::testing::UniquePostgresName;
using ::da::testing::WithPostgresOptions;
using ::da::testing::WriteFile;
using Code = Status::Code;

PgLogin TestLogin() {
  PgLogin login;
  login.conninfo = TestPostgresConninfo();
  return login;
}

INSTANTIATE_TEST_SUITE_P(Postgres, KeyStoreContract,
                         ::testing::Values(KeyStoreBackend{"postgres", [] {
                           const std::string schema = UniquePostgresName("keys");
                           return KeyStoreOpener([schema] { return OpenPostgresKeyStore(TestLogin(), schema); });
                         }}),
                         BackendName);

std::unique_ptr<KeyStore> Open(const PgLogin& login, const std::string& schema) {
  auto store = OpenPostgresKeyStore(login, schema);
  EXPECT_TRUE(store.ok()) << store.status().ToString();
  return store.ok() ? std::move(store).value() : nullptr;
}

NewKey Named(const std::string& name) {
  NewKey key;
  key.name = name;
  return key;
}

TEST(PostgresKeyStoreTest, OnlyTheDigestIsStored) {
  const std::string schema = UniquePostgresName("digest");
  auto store = Open(TestLogin(), schema);
  ASSERT_TRUE(store);
  auto made = store->Create(Named("k"));
  ASSERT_TRUE(made.ok());
  const std::string& secret = made->second;
  ASSERT_TRUE(store->Authenticate(secret).ok());
  const std::string rows = RunPostgresSql("SELECT string_agg(t::text, ' ') FROM " + schema + ".api_keys t") +
                           RunPostgresSql("SELECT string_agg(t::text, ' ') FROM " + schema + ".meta t");
  EXPECT_EQ(rows.find(secret.substr(3, 16)), std::string::npos) << rows;
  EXPECT_EQ(RunPostgresSql("SELECT length(secret_sha256) FROM " + schema + ".api_keys"), "64");
}

TEST(PostgresKeyStoreTest, ANewerSchemaVersionIsRefused) {
  const std::string schema = UniquePostgresName("newer");
  ASSERT_TRUE(Open(TestLogin(), schema));
  RunPostgresSql("UPDATE " + schema + ".meta SET value = '99' WHERE key = 'keys_schema_version'");
  auto store = OpenPostgresKeyStore(TestLogin(), schema);
  ASSERT_FALSE(store.ok());
  EXPECT_EQ(store.status().code(), Code::kUnsupported);
  EXPECT_NE(store.status().message().find("99"), std::string::npos) << store.status().ToString();
}

TEST(PostgresKeyStoreTest, ABadSchemaNameIsRefusedAndAnOddOneIsQuoted) {
  EXPECT_EQ(OpenPostgresKeyStore(TestLogin(), "").status().code(), Code::kInvalidArgument);
  EXPECT_EQ(OpenPostgresKeyStore(TestLogin(), std::string(64, 'x')).status().code(), Code::kInvalidArgument);
  auto store = Open(TestLogin(), "odd\"; DROP SCHEMA public; --" + UniquePostgresName("k"));
  ASSERT_TRUE(store);
  EXPECT_TRUE(store->Create(Named("k")).ok());
  EXPECT_EQ(RunPostgresSql("SELECT count(*) FROM pg_namespace WHERE nspname = 'public'"), "1");
}

// Keys and memory in one schema, whichever comes first: each has its own version row.
TEST(PostgresKeyStoreTest, KeysAndMemoryShareASchemaInEitherOrder) {
  for (bool keys_first : {true, false}) {
    const std::string schema = UniquePostgresName("together");
    memory::PostgresConnection conn;
    conn.conninfo = TestPostgresConninfo();
    conn.schema = schema;
    std::unique_ptr<KeyStore> keys;
    if (keys_first) keys = Open(TestLogin(), schema);
    auto memory = memory::OpenPostgresMemoryStore(conn);
    ASSERT_TRUE(memory.ok()) << memory.status().ToString();
    if (!keys_first) keys = Open(TestLogin(), schema);
    ASSERT_TRUE(keys);
    memory::MemoryEntry e;
    e.dataset = "shop";
    e.question = e.exact_text = "total sales";
    e.sql = "SELECT 1";
    e.source = "engine";
    EXPECT_TRUE((*memory)->Insert(e).ok());
    auto made = keys->Create(Named("both"));
    ASSERT_TRUE(made.ok()) << made.status().ToString();
    EXPECT_TRUE(keys->Authenticate(made->second).ok());
    EXPECT_EQ(RunPostgresSql("SELECT count(*) FROM " + schema + ".meta WHERE key LIKE '%schema_version'"), "2");
  }
}

TEST(PostgresKeyStoreTest, KeysSurviveAServerRestart) {
  PrivatePostgresServer server;
  ASSERT_TRUE(server.started());
  PgLogin login;
  login.conninfo = server.conninfo();
  auto store = Open(login, "dataanalyst");
  auto cli = Open(login, "dataanalyst");
  ASSERT_TRUE(store && cli);
  auto made = cli->Create(Named("steady"));
  ASSERT_TRUE(made.ok());
  ASSERT_TRUE(store->Authenticate(made->second).ok());
  ASSERT_TRUE(server.Restart());
  auto after = store->Authenticate(made->second);
  EXPECT_TRUE(after.ok()) << "the next request reconnects: " << after.status().ToString();
  ASSERT_TRUE(cli->Revoke("steady").ok()) << "so does the next change";
  EXPECT_EQ(store->Authenticate(made->second).status().code(), Code::kNotFound);
}

TEST(PostgresKeyStoreTest, OpenKeyStoreFollowsTheConfig) {
  TempDir dir;
  auto local = OpenKeyStore(dir.path(), llm::KeysConfig());
  ASSERT_TRUE(local.ok());
  EXPECT_STREQ((*local)->kind(), "sqlite");
  TempDir other;
  llm::KeysConfig config;
  config.postgres_url = TestPostgresConninfo();
  config.postgres_schema = UniquePostgresName("configured");
  auto shared = OpenKeyStore(other.path(), config);
  ASSERT_TRUE(shared.ok()) << shared.status().ToString();
  EXPECT_STREQ((*shared)->kind(), "postgres");
  EXPECT_NE((*shared)->description().find(" schema " + config.postgres_schema), std::string::npos);
  EXPECT_FALSE(std::filesystem::exists(other.path() / "server.db")) << "keys in PostgreSQL make no server.db";
}

// --- Passwords ---------------------------------------------------------------------------------

class PostgresKeyPasswordTest : public ::testing::Test {
 protected:
  void SetUp() override {
    RunPostgresSql("CREATE ROLE " + role_ + " LOGIN PASSWORD '" + password_ + "'");
    RunPostgresSql("GRANT CREATE ON DATABASE da_test TO " + role_);
  }
  void TearDown() override { unsetenv(kVar); }
  PgLogin As() const {
    PgLogin login;
    login.conninfo = WithPostgresOptions(TestPostgresConninfo(), "user=" + role_);
    login.password_env = kVar;
    return login;
  }

  static constexpr const char* kVar = "DA_TEST_KEYS_PG_PASSWORD";
  const std::string role_ = UniquePostgresName("keyuser");
  const std::string password_ = "Sesame-" + UniquePostgresName("pw");
};

TEST_F(PostgresKeyPasswordTest, ThePasswordComesFromTheVariableAndIsNeverShown) {
  setenv(kVar, password_.c_str(), 1);
  auto store = Open(As(), UniquePostgresName("pwkeys"));
  ASSERT_TRUE(store);
  EXPECT_EQ(store->description().find(password_), std::string::npos) << store->description();
  EXPECT_NE(store->description().find(role_ + "@"), std::string::npos) << store->description();

  const std::string wrong = "Wrong-" + password_;
  setenv(kVar, wrong.c_str(), 1);
  auto refused = OpenPostgresKeyStore(As(), UniquePostgresName("pwkeys"));
  ASSERT_FALSE(refused.ok());
  EXPECT_NE(refused.status().message().find("password authentication failed"), std::string::npos)
      << refused.status().ToString();
  EXPECT_EQ(refused.status().ToString().find(wrong), std::string::npos) << refused.status().ToString();

  unsetenv(kVar);
  auto unset = OpenPostgresKeyStore(As(), UniquePostgresName("pwkeys"));
  ASSERT_FALSE(unset.ok());
  EXPECT_NE(unset.status().message().find(kVar), std::string::npos) << unset.status().ToString();
}

// --- Two servers, one set of keys (the real binary over real HTTP) -----------------------------

class PostgresSharedKeysServeTest : public PostgresKeyPasswordTest {
 protected:
  // A config whose "keys" section names the test server as role_, password from kVar.
  std::filesystem::path WriteConfig(const std::string& url) {
    const auto path = config_dir_.path() / "config.json";
    nlohmann::json config = {
        {"keys", {{"postgres", {{"url", url}, {"password_env", kVar}, {"schema", schema_}}}}}};
    WriteFile(path, config.dump(2));
    return path;
  }
  std::string Url() const { return WithPostgresOptions(TestPostgresConninfo(), "user=" + role_); }
  void ExpectNoPassword(const std::string& text, const std::string& where) {
    EXPECT_EQ(text.find(password_), std::string::npos) << where << ": " << text;
  }

  TempDir config_dir_, data_a_, data_b_;
  const std::string schema_ = UniquePostgresName("served");
};

TEST_F(PostgresSharedKeysServeTest, AKeyWorksOnBothServersUntilRevokedThen401OnBoth) {
  setenv(kVar, password_.c_str(), 1);
  const std::string config = WriteConfig(Url()).string();
  const std::string secret = CreateKeyWithCli(data_a_.path(), "shared", {"--config", config});
  ASSERT_FALSE(secret.empty());
  auto a = ServerProcess::Start(data_a_.path(), {"--config", config});
  auto b = ServerProcess::Start(data_b_.path(), {"--config", config});
  ASSERT_TRUE(a && b);
  EXPECT_EQ(a->Get("/api/v1/datasets", secret).status, 200);
  EXPECT_EQ(b->Get("/api/v1/datasets", secret).status, 200);
  const auto settings = b->Get("/api/v1/settings", secret);
  EXPECT_EQ(settings.json["keys"]["store"], "postgres") << settings.body;

  // Made through one server's API, usable on the other at once.
  const std::string admin = CreateKeyWithCli(data_b_.path(), "ops", {"--config", config, "--admin"});
  const auto made = a->PostJson("/api/v1/keys", {{"name", "via-api"}}, admin);
  ASSERT_EQ(made.status, 201) << made.body;
  const std::string api_secret = made.json.value("secret", "");
  EXPECT_EQ(b->Get("/api/v1/datasets", api_secret).status, 200);

  const auto listed = RunCliJson({"keys", "list", "--config", config, "--data-dir", data_b_.path().string()});
  EXPECT_EQ(listed["store"]["kind"], "postgres") << listed.dump();
  EXPECT_EQ(listed["keys"].size(), 3u) << listed.dump();

  const auto revoked = RunCli({"keys", "revoke", "shared", "--config", config, "--data-dir", data_a_.path().string()});
  ASSERT_EQ(revoked.exit_code, 0) << revoked.err;
  EXPECT_EQ(a->Get("/api/v1/datasets", secret).status, 401);
  EXPECT_EQ(b->Get("/api/v1/datasets", secret).status, 401);
  EXPECT_EQ(b->Get("/api/v1/datasets", api_secret).status, 200) << "other keys still work";

  const auto shown = RunCliJson({"config", "show", "--config", config, "--data-dir", data_a_.path().string()});
  EXPECT_EQ(shown["stores"]["keys"]["store"], "postgres") << shown.dump();
  EXPECT_EQ(shown["stores"]["keys"]["schema"], schema_) << shown.dump();
  EXPECT_EQ(shown["stores"]["keys"]["password_env"], std::string(kVar) + " (set)") << shown.dump();
  EXPECT_EQ(shown["stores"]["memory"]["store"], "sqlite") << "the keys' section does not move the memory";

  for (const auto* server : {a.get(), b.get()}) {
    ExpectNoPassword(server->Stderr(), "a server's log");
    for (const auto& line : server->LogLines()) EXPECT_TRUE(line.is_object());
    EXPECT_EQ(server->Stderr().find("NOTICE"), std::string::npos) << "only JSON lines: " << server->Stderr();
  }
  ExpectNoPassword(listed.dump(), "keys list");
  ExpectNoPassword(shown.dump(), "config show");
}

TEST_F(PostgresSharedKeysServeTest, APasswordInTheUrlIsRefusedWithoutRepeatingIt) {
  const std::string config = WriteConfig(Url() + " password=" + password_).string();
  const auto r = RunCli({"keys", "list", "--config", config, "--data-dir", data_a_.path().string()});
  EXPECT_NE(r.exit_code, 0);
  EXPECT_NE(r.err.find("password_env"), std::string::npos) << r.err;
  ExpectNoPassword(r.out + r.err, "keys list");
  TempDir dir;
  const auto serve = RunCli({"serve", "--port", "0", "--config", config, "--data-dir", dir.path().string()});
  EXPECT_NE(serve.exit_code, 0);
  ExpectNoPassword(serve.out + serve.err, "serve");
}

TEST_F(PostgresSharedKeysServeTest, AnUnreachableKeyStoreFailsClearlyWithoutThePassword) {
  setenv(kVar, ("Wrong-" + password_).c_str(), 1);
  const std::string config = WriteConfig(Url()).string();
  const auto r = RunCli({"keys", "list", "--config", config, "--data-dir", data_a_.path().string()});
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_NE(r.err.find("password authentication failed"), std::string::npos) << r.err;
  EXPECT_EQ(r.err.find("Wrong-"), std::string::npos) << r.err;
}

}  // namespace
}  // namespace da::server::testing
