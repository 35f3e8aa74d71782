// The MemoryStore contract (memory_store_contract.h) on a real PostgreSQL, each test in a fresh
// schema of its own, and what only PostgreSQL has: several stores on one database, passwords,
// a broken connection.
#include "memory/postgres_memory_store.h"

#include <gtest/gtest.h>

#include <cstdlib>
#include <thread>

#include "postgres_test_util.h"
#include "memory_store_contract.h"

namespace da::memory::testing {
namespace {

using da::testing::PrivatePostgresServer;
using da::testing::RunPostgresSql;
using da::testing::TestPostgresConninfo;
using da::testing::UniquePostgresName;
using da::testing::WithPostgresOptions;

PostgresConnection Connection(const std::string& schema) {
  PostgresConnection conn;
  conn.conninfo = TestPostgresConninfo();
  conn.schema = schema;
  return conn;
}

INSTANTIATE_TEST_SUITE_P(Postgres, MemoryStoreContract,
                         ::testing::Values(StoreBackend{"postgres", [] {
                           return OpenPostgresMemoryStore(Connection(UniquePostgresName("contract")));
                         }}),
                         BackendName);

MemoryEntry Entry(const std::string& dataset, const std::string& exact) {
  MemoryEntry e;
  e.dataset = dataset;
  e.question = exact;
  e.exact_text = exact;
  e.sql = "SELECT 1";
  e.source = "engine";
  return e;
}

std::unique_ptr<MemoryStore> Open(const PostgresConnection& conn) {
  auto store = OpenPostgresMemoryStore(conn);
  EXPECT_TRUE(store.ok()) << store.status().ToString();
  return store.ok() ? std::move(*store) : nullptr;
}

TEST(PostgresMemoryStoreTest, TwoStoresOnOneDatabaseShareOneMemory) {
  const std::string schema = UniquePostgresName("shared");
  auto a = Open(Connection(schema));
  auto b = Open(Connection(schema));
  ASSERT_TRUE(a && b);
  MemoryEntry e = Entry("shop", "total sales");
  ASSERT_TRUE(a->Insert(e).ok());
  auto seen = b->FindExact("shop", "total sales");
  ASSERT_TRUE(seen.ok());
  ASSERT_EQ(seen->size(), 1u);
  EXPECT_EQ((*seen)[0].id, e.id);

  ASSERT_TRUE(b->PutEmbedding(e.id, "builtin", {0.25f, -1.0f}).ok());
  ASSERT_TRUE(b->RecordHit(e.id).ok());
  ASSERT_TRUE(b->PutSetting("shop", "schema_fingerprint", "fp9").ok());
  auto vectors = a->Embeddings("shop", "builtin");
  ASSERT_TRUE(vectors.ok());
  ASSERT_EQ(vectors->size(), 1u);
  EXPECT_EQ((*vectors)[0].vector, (std::vector<float>{0.25f, -1.0f}));
  EXPECT_EQ(a->Get("shop", e.id)->hits, 1);
  EXPECT_EQ(*a->GetSetting("shop", "schema_fingerprint"), "fp9");

  ASSERT_TRUE(b->Remove("shop", e.id).ok());
  EXPECT_EQ(a->Get("shop", e.id).status().code(), Status::Code::kNotFound);
}

TEST(PostgresMemoryStoreTest, AnotherSchemaIsAnotherMemory) {
  auto a = Open(Connection(UniquePostgresName("one")));
  auto b = Open(Connection(UniquePostgresName("two")));
  ASSERT_TRUE(a && b);
  MemoryEntry e = Entry("shop", "total sales");
  ASSERT_TRUE(a->Insert(e).ok());
  EXPECT_TRUE(b->FindExact("shop", "total sales")->empty());
}

TEST(PostgresMemoryStoreTest, ServersStartingTogetherBothCreateTheSchema) {
  const std::string schema = UniquePostgresName("race");
  std::vector<Status> opened(4, Status::Internal("not run"));
  std::vector<std::thread> threads;
  for (auto& slot : opened) {
    threads.emplace_back([&] { slot = OpenPostgresMemoryStore(Connection(schema)).status(); });
  }
  for (auto& t : threads) t.join();
  for (const Status& status : opened) EXPECT_TRUE(status.ok()) << status.ToString();
}

TEST(PostgresMemoryStoreTest, OneStoreServesSeveralThreads) {
  auto store = Open(Connection(UniquePostgresName("threads")));
  ASSERT_TRUE(store);
  std::vector<std::thread> threads;
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&, t] {
      for (int i = 0; i < 20; ++i) {
        MemoryEntry e = Entry("shop", "q" + std::to_string(t) + "_" + std::to_string(i));
        EXPECT_TRUE(store->Insert(e).ok());
        EXPECT_TRUE(store->RecordHit(e.id).ok());
      }
    });
  }
  for (auto& t : threads) t.join();
  auto all = store->List("shop");
  ASSERT_TRUE(all.ok());
  EXPECT_EQ(all->size(), 80u);
}

TEST(PostgresMemoryStoreTest, VectorsAreLittleEndianFloat32Bytea) {
  const std::string schema = UniquePostgresName("bytes");
  auto store = Open(Connection(schema));
  ASSERT_TRUE(store);
  MemoryEntry e = Entry("shop", "a");
  ASSERT_TRUE(store->Insert(e).ok());
  ASSERT_TRUE(store->PutEmbedding(e.id, "builtin", {1.0f, -2.0f}).ok());
  EXPECT_EQ(RunPostgresSql("SELECT encode(vector, 'hex') FROM " + schema + ".embeddings"), "0000803f000000c0");
}

TEST(PostgresMemoryStoreTest, DescriptionNamesTheServerWithoutPassword) {
  auto store = Open(Connection(UniquePostgresName("desc")));
  ASSERT_TRUE(store);
  const std::string d = store->description();
  EXPECT_EQ(d.rfind("postgresql://da@%2Ftmp%2F", 0), 0u) << d;  // the socket directory, encoded
  EXPECT_NE(d.find(":5432/da_test"), std::string::npos) << d;
}

TEST(PostgresMemoryStoreTest, ANewerSchemaVersionIsRefused) {
  const std::string schema = UniquePostgresName("newer");
  ASSERT_TRUE(Open(Connection(schema)));
  RunPostgresSql("UPDATE " + schema + ".meta SET value = '99' WHERE key = 'schema_version'");
  auto store = OpenPostgresMemoryStore(Connection(schema));
  ASSERT_FALSE(store.ok());
  EXPECT_EQ(store.status().code(), Status::Code::kUnsupported);
  EXPECT_NE(store.status().message().find("newer"), std::string::npos) << store.status().ToString();
  EXPECT_NE(store.status().message().find("99"), std::string::npos) << store.status().ToString();
}

TEST(PostgresMemoryStoreTest, ABadSchemaNameIsRefused) {
  EXPECT_EQ(OpenPostgresMemoryStore(Connection("")).status().code(), Status::Code::kInvalidArgument);
  EXPECT_EQ(OpenPostgresMemoryStore(Connection(std::string(64, 'x'))).status().code(),
            Status::Code::kInvalidArgument);
  // Any other name is quoted, never spliced: this one is a schema, not an injection.
  auto store = Open(Connection("odd\"; DROP SCHEMA public; --"));
  ASSERT_TRUE(store);
  EXPECT_EQ(RunPostgresSql("SELECT count(*) FROM pg_namespace WHERE nspname = 'public'"), "1");
}

// --- Passwords ------------------------------------------------------------------------------

// A role that must log in with `password` and may create schemas in the test database.
void CreatePasswordRole(const std::string& role, const std::string& password) {
  RunPostgresSql("CREATE ROLE " + role + " LOGIN PASSWORD '" + password + "'");
  RunPostgresSql("GRANT CREATE ON DATABASE da_test TO " + role);
}

class PostgresPasswordTest : public ::testing::Test {
 protected:
  void SetUp() override { CreatePasswordRole(role_, password_); }
  void TearDown() override { unsetenv(kPasswordVar); }

  PostgresConnection As(const std::string& options) {
    PostgresConnection conn = Connection(UniquePostgresName("pw"));
    conn.conninfo = WithPostgresOptions(conn.conninfo, "user=" + role_ + " " + options);
    return conn;
  }
  void ExpectNoSecret(const std::string& text, const std::string& secret) {
    EXPECT_EQ(text.find(secret), std::string::npos) << text;
  }

  static constexpr const char* kPasswordVar = "DA_TEST_MEMORY_PG_PASSWORD";
  const std::string role_ = UniquePostgresName("pwuser");
  const std::string password_ = "Sesame-" + UniquePostgresName("pw");
};

TEST_F(PostgresPasswordTest, PasswordFromTheEnvironmentVariable) {
  setenv(kPasswordVar, password_.c_str(), 1);
  PostgresConnection conn = As("");
  conn.password_env = kPasswordVar;
  auto store = Open(conn);
  ASSERT_TRUE(store);
  ExpectNoSecret(store->description(), password_);
  EXPECT_NE(store->description().find(role_ + "@"), std::string::npos) << store->description();
}

TEST_F(PostgresPasswordTest, AWrongPasswordIsNamedButNotShown) {
  const std::string wrong = "Wrong-" + password_;
  setenv(kPasswordVar, wrong.c_str(), 1);
  PostgresConnection conn = As("");
  conn.password_env = kPasswordVar;
  auto store = OpenPostgresMemoryStore(conn);
  ASSERT_FALSE(store.ok());
  EXPECT_NE(store.status().message().find("password authentication failed"), std::string::npos)
      << store.status().ToString();
  ExpectNoSecret(store.status().ToString(), wrong);
}

TEST_F(PostgresPasswordTest, AMissingPasswordVariableIsNamed) {
  PostgresConnection conn = As("");
  conn.password_env = kPasswordVar;
  auto store = OpenPostgresMemoryStore(conn);
  ASSERT_FALSE(store.ok());
  EXPECT_NE(store.status().message().find(kPasswordVar), std::string::npos) << store.status().ToString();
}

TEST_F(PostgresPasswordTest, APasswordInTheConnectionStringIsNeverShown) {
  auto store = Open(As("password=" + password_));
  ASSERT_TRUE(store);
  ExpectNoSecret(store->description(), password_);

  const std::string wrong = "Wrong-" + password_;
  auto refused = OpenPostgresMemoryStore(As("password=" + wrong));
  ASSERT_FALSE(refused.ok());
  ExpectNoSecret(refused.status().ToString(), wrong);
}

TEST_F(PostgresPasswordTest, ASchemaMadeByTheAdministratorNeedsNoCreatePrivilegeOnTheDatabase) {
  const std::string role = UniquePostgresName("limited");
  RunPostgresSql("CREATE ROLE " + role + " LOGIN PASSWORD '" + password_ + "'");
  const std::string schema = UniquePostgresName("dba");
  RunPostgresSql("CREATE SCHEMA " + schema + " AUTHORIZATION " + role);
  PostgresConnection conn = Connection(schema);
  conn.conninfo = WithPostgresOptions(conn.conninfo, "user=" + role + " password=" + password_);
  auto store = Open(conn);
  ASSERT_TRUE(store);
  MemoryEntry e = Entry("shop", "total sales");
  EXPECT_TRUE(store->Insert(e).ok());
}

TEST_F(PostgresPasswordTest, APasswordInAUriIsStrippedFromTheDescription) {
  // postgresql://role:password@%2Ftmp%2Fdapg-...:5432/da_test, built from the test conninfo.
  std::string host = RunPostgresSql("SELECT current_setting('unix_socket_directories')");
  std::string encoded;
  for (char c : host) encoded += c == '/' ? std::string("%2F") : std::string(1, c);
  PostgresConnection conn = Connection(UniquePostgresName("uri"));
  conn.conninfo = "postgresql://" + role_ + ":" + password_ + "@" + encoded + ":5432/da_test";
  auto store = Open(conn);
  ASSERT_TRUE(store);
  EXPECT_EQ(store->description(), "postgresql://" + role_ + "@" + encoded + ":5432/da_test");
}

TEST(PostgresMemoryStoreTest, AConnectionStringThatDoesNotParseIsNotQuoted) {
  PostgresConnection conn = Connection("x");
  conn.conninfo = "host=localhost password='Unterminated-Secret";
  auto store = OpenPostgresMemoryStore(conn);
  ASSERT_FALSE(store.ok());
  EXPECT_EQ(store.status().code(), Status::Code::kInvalidArgument);
  EXPECT_EQ(store.status().message().find("Unterminated-Secret"), std::string::npos) << store.status().ToString();
}

TEST(PostgresMemoryStoreTest, AnUnreachableServerIsAClearError) {
  PostgresConnection conn;
  conn.conninfo = "host=127.0.0.1 port=1 user=nobody dbname=memory";
  auto store = OpenPostgresMemoryStore(conn);
  ASSERT_FALSE(store.ok());
  EXPECT_EQ(store.status().code(), Status::Code::kIoError);
  const std::string message = store.status().message();
  EXPECT_EQ(message.rfind("postgresql://nobody@127.0.0.1:1/memory: cannot connect: ", 0), 0u) << message;
  EXPECT_NE(message.find("Connection refused"), std::string::npos) << message;
}

// --- A broken connection --------------------------------------------------------------------

// Ends the store's server process, as an administrator (or a failover) would.
void KillConnections(const std::string& application_name) {
  RunPostgresSql("SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity WHERE application_name = '" +
                 application_name + "'");
}

TEST(PostgresMemoryStoreTest, ReconnectsWhenItsConnectionWasKilled) {
  const std::string app = UniquePostgresName("app");
  PostgresConnection conn = Connection(UniquePostgresName("killed"));
  conn.conninfo = WithPostgresOptions(conn.conninfo, "application_name=" + app);
  auto store = Open(conn);
  ASSERT_TRUE(store);
  MemoryEntry e = Entry("shop", "total sales");
  ASSERT_TRUE(store->Insert(e).ok());
  KillConnections(app);
  auto got = store->Get("shop", e.id);
  ASSERT_TRUE(got.ok()) << got.status().ToString();
  EXPECT_EQ(got->exact_text, "total sales");
}

TEST(PostgresMemoryStoreTest, ATransactionWhoseConnectionBreaksFailsAsAWhole) {
  const std::string app = UniquePostgresName("app");
  PostgresConnection conn = Connection(UniquePostgresName("killedtx"));
  conn.conninfo = WithPostgresOptions(conn.conninfo, "application_name=" + app);
  auto store = Open(conn);
  ASSERT_TRUE(store);
  Status status = store->InTransaction([&]() -> Status {
    MemoryEntry first = Entry("shop", "first");
    DA_RETURN_IF_ERROR(store->Insert(first).status());
    KillConnections(app);
    MemoryEntry second = Entry("shop", "second");
    return store->Insert(second).status();
  });
  EXPECT_FALSE(status.ok());
  auto entries = store->List("shop");  // reconnects
  ASSERT_TRUE(entries.ok()) << entries.status().ToString();
  EXPECT_TRUE(entries->empty());
}

TEST(PostgresMemoryStoreTest, AFailedStatementInATransactionIsNotCommitted) {
  auto store = Open(Connection(UniquePostgresName("aborted")));
  ASSERT_TRUE(store);
  Status status = store->InTransaction([&]() -> Status {
    MemoryEntry e = Entry("shop", "kept?");
    DA_RETURN_IF_ERROR(store->Insert(e).status());
    (void)store->PutEmbedding(987654321, "builtin", {1.0f});  // no such entry: fails, error ignored
    return Status::Ok();
  });
  EXPECT_FALSE(status.ok());
  EXPECT_TRUE(store->List("shop")->empty());
}

TEST(PostgresMemoryStoreTest, ReconnectsAfterTheServerRestarts) {
  PrivatePostgresServer server;
  ASSERT_TRUE(server.started());
  PostgresConnection conn;
  conn.conninfo = server.conninfo();
  auto store = Open(conn);
  ASSERT_TRUE(store);
  MemoryEntry e = Entry("shop", "total sales");
  ASSERT_TRUE(store->Insert(e).ok());
  ASSERT_TRUE(server.Restart());
  auto got = store->Get("shop", e.id);
  ASSERT_TRUE(got.ok()) << got.status().ToString();
  MemoryEntry after = Entry("shop", "after the restart");
  EXPECT_TRUE(store->Insert(after).ok());
}

}  // namespace
}  // namespace da::memory::testing
