// The KeyStore contract (key_store_contract.h), run here against <data_dir>/server.db; the
// PostgreSQL backend runs the same suite against a real server (tests/server/postgres/). Then what
// only the SQLite backend has: the file, its other writers, its version.
#include "server/api_keys.h"

#include <gtest/gtest.h>
#include <sqlite3.h>

#include <atomic>
#include <regex>
#include <thread>

#include "common/sqlite.h"
#include "key_store_contract.h"
#include "server/history_store.h"
#include "test_util.h"

namespace da::server::testing {
namespace {

using ::da::testing::ReadFile;
using ::da::testing::TempDir;
using Code = Status::Code;

// --- The contract ------------------------------------------------------------------------------

TEST_P(KeyStoreContract, ACreatedKeyAuthenticatesByItsSecretUntilRevoked) {
  auto& store = store_;
  NewKey request = Named("analyst-1.eu");
  request.datasets = std::vector<std::string>{"shop", "sales"};
  request.rate_limit_per_minute = 30;
  auto [key, secret] = Make(*store, request);
  EXPECT_TRUE(std::regex_match(secret, std::regex("da_[A-Za-z0-9_-]{43}"))) << secret;
  EXPECT_GT(key.id, 0);
  EXPECT_FALSE(key.created_at.empty());
  EXPECT_EQ(key.last_used_at, "");

  auto found = store->Authenticate(secret);
  ASSERT_TRUE(found.ok()) << found.status().ToString();
  EXPECT_EQ(found->id, key.id);
  EXPECT_EQ(found->name, "analyst-1.eu");
  EXPECT_FALSE(found->admin);
  EXPECT_EQ(found->datasets, (std::vector<std::string>{"shop", "sales"}));
  EXPECT_EQ(found->rate_limit_per_minute, 30);
  EXPECT_FALSE(found->last_used_at.empty());

  ASSERT_TRUE(store->Revoke("analyst-1.eu").ok());
  auto refused = store->Authenticate(secret);
  EXPECT_EQ(refused.status().code(), Code::kNotFound);
  EXPECT_EQ(store->Revoke("analyst-1.eu").code(), Code::kNotFound);
  EXPECT_EQ(store->Revoke("nobody").code(), Code::kNotFound);

  auto listed = store->List();
  ASSERT_TRUE(listed.ok());
  ASSERT_EQ(listed->size(), 1u);
  EXPECT_TRUE(listed->front().revoked);
  EXPECT_FALSE(listed->front().last_used_at.empty()) << "last_used_at is stored, not only kept in memory";
}

TEST_P(KeyStoreContract, TwoSecretsAreDifferentAndEachFindsItsOwnKey) {
  auto& store = store_;
  auto [a, secret_a] = Make(*store, Named("a"));
  auto [b, secret_b] = Make(*store, Named("b"));
  EXPECT_NE(secret_a, secret_b);
  EXPECT_EQ(store->Authenticate(secret_a)->name, "a");
  EXPECT_EQ(store->Authenticate(secret_b)->name, "b");
}

TEST_P(KeyStoreContract, AnActiveNameIsTakenButARevokedOneCanBeGivenAgain) {
  auto& store = store_;
  auto [first, old_secret] = Make(*store, Named("ci"));
  EXPECT_EQ(store->Create(Named("ci")).status().code(), Code::kAlreadyExists);
  ASSERT_TRUE(store->Revoke("ci").ok());
  auto [second, new_secret] = Make(*store, Named("ci"));
  EXPECT_NE(first.id, second.id);
  EXPECT_EQ(store->Authenticate(old_secret).status().code(), Code::kNotFound);
  EXPECT_EQ(store->Authenticate(new_secret)->id, second.id);
  auto listed = store->List();
  ASSERT_EQ(listed->size(), 2u);
  EXPECT_TRUE((*listed)[0].revoked);
  EXPECT_FALSE((*listed)[1].revoked);
}

TEST_P(KeyStoreContract, BadNamesDatasetsAndRatesAreInvalidArguments) {
  auto& store = store_;
  for (const std::string& name : std::vector<std::string>{"", "has space", "slash/name", std::string(65, 'k'), "caf\xc3\xa9", "a;b"}) {
    EXPECT_EQ(store->Create(Named(name)).status().code(), Code::kInvalidArgument) << name;
  }
  EXPECT_TRUE(store->Create(Named(std::string(64, 'k'))).ok());
  NewKey bad_dataset = Named("x");
  bad_dataset.datasets = std::vector<std::string>{"shop", "../etc"};
  EXPECT_EQ(store->Create(bad_dataset).status().code(), Code::kInvalidArgument);
  NewKey no_dataset = Named("x");
  no_dataset.datasets = std::vector<std::string>{};
  EXPECT_EQ(store->Create(no_dataset).status().code(), Code::kInvalidArgument);
  NewKey negative = Named("x");
  negative.rate_limit_per_minute = -1;
  EXPECT_EQ(store->Create(negative).status().code(), Code::kInvalidArgument);
  NewKey unlimited = Named("x");
  unlimited.rate_limit_per_minute = 0;
  auto made = store->Create(unlimited);
  ASSERT_TRUE(made.ok());
  EXPECT_EQ(made->first.rate_limit_per_minute, 0);
}

TEST_P(KeyStoreContract, RepeatedDatasetNamesAreKeptOnce) {
  auto& store = store_;
  NewKey request = Named("x");
  request.datasets = std::vector<std::string>{"b", "a", "b"};
  auto [key, secret] = Make(*store, request);
  EXPECT_EQ(key.datasets, (std::vector<std::string>{"b", "a"}));
}

TEST_P(KeyStoreContract, WrongEmptyAndNearMissSecretsAreRefusedWithoutEchoingThem) {
  auto& store = store_;
  auto [key, secret] = Make(*store, Named("k"));
  std::string flipped = secret;
  flipped.back() = flipped.back() == 'A' ? 'B' : 'A';
  std::string upper = secret;
  for (char& c : upper) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  const std::vector<std::string> wrong = {"",
                                          "da_",
                                          secret.substr(0, secret.size() - 1),
                                          secret + "x",
                                          flipped,
                                          " " + secret,
                                          secret + "\n",
                                          secret.substr(3),
                                          upper,
                                          std::string(100000, 'a')};
  for (const auto& attempt : wrong) {
    auto result = store->Authenticate(attempt);
    ASSERT_FALSE(result.ok()) << attempt;
    EXPECT_EQ(result.status().code(), Code::kNotFound);
    if (attempt.size() > 3) {
      EXPECT_EQ(result.status().message().find(attempt), std::string::npos);
    }
    EXPECT_EQ(result.status().message().find(secret.substr(3, 10)), std::string::npos);
  }
  EXPECT_TRUE(store->Authenticate(secret).ok());
}

TEST_P(KeyStoreContract, ARevokeByAnotherStoreIsSeenAtTheNextAuthenticate) {
  auto server = OpenStore();   // the serving process
  auto cli = OpenStore();      // `dataanalyst keys ...` in another process
  auto [key, secret] = Make(*cli, Named("shared"));
  ASSERT_TRUE(server->Authenticate(secret).ok()) << "a key made elsewhere is seen at the next call";
  ASSERT_TRUE(cli->Revoke("shared").ok());
  EXPECT_EQ(server->Authenticate(secret).status().code(), Code::kNotFound);
  auto [again, new_secret] = Make(*cli, Named("shared"));
  EXPECT_EQ(server->Authenticate(new_secret)->id, again.id);
}

TEST_P(KeyStoreContract, JsonHasTheContractFieldsAndNoSecret) {
  auto& store = store_;
  NewKey request = Named("ops");
  request.admin = true;
  auto [key, secret] = Make(*store, request);
  const nlohmann::json j = key.ToJson();
  EXPECT_EQ(j.size(), 7u) << j.dump();
  for (const char* field : {"name", "admin", "datasets", "rate_limit_per_minute", "created_at", "last_used_at",
                            "revoked"}) {
    EXPECT_TRUE(j.contains(field)) << field;
  }
  EXPECT_TRUE(j["datasets"].is_null());
  EXPECT_TRUE(j["rate_limit_per_minute"].is_null());
  EXPECT_EQ(j["admin"], true);
  EXPECT_EQ(j.dump().find(secret.substr(3)), std::string::npos);
  ApiKey scoped = key;
  scoped.datasets = std::vector<std::string>{"shop"};
  scoped.rate_limit_per_minute = 0;
  EXPECT_EQ(scoped.ToJson()["datasets"], nlohmann::json::array({"shop"}));
  EXPECT_EQ(scoped.ToJson()["rate_limit_per_minute"], 0);
}

TEST_P(KeyStoreContract, ConcurrentAuthenticationsWhileKeysChange) {
  auto& store = store_;
  auto [key, secret] = Make(*store, Named("steady"));
  std::atomic<int> failures{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&] {
      for (int i = 0; i < 300; ++i) {
        if (!store->Authenticate(secret).ok()) ++failures;
      }
    });
  }
  auto other = OpenStore();
  for (int i = 0; i < 10; ++i) {
    ASSERT_TRUE(other->Create(Named("tmp" + std::to_string(i))).ok());
    ASSERT_TRUE(other->Revoke("tmp" + std::to_string(i)).ok());
  }
  for (auto& t : threads) t.join();
  EXPECT_EQ(failures.load(), 0);
}

TEST_P(KeyStoreContract, ListIsByNameThenAgeWithEveryField) {
  NewKey scoped = Named("b");
  scoped.datasets = std::vector<std::string>{"shop"};
  scoped.rate_limit_per_minute = 0;
  Make(*store_, scoped);
  NewKey admin = Named("a");
  admin.admin = true;
  Make(*store_, admin);
  ASSERT_TRUE(store_->Revoke("b").ok());
  Make(*store_, Named("b"));
  auto listed = OpenStore()->List();
  ASSERT_TRUE(listed.ok()) << listed.status().ToString();
  ASSERT_EQ(listed->size(), 3u);
  EXPECT_EQ((*listed)[0].name, "a");
  EXPECT_TRUE((*listed)[0].admin);
  EXPECT_EQ((*listed)[0].datasets, std::nullopt);
  EXPECT_EQ((*listed)[0].rate_limit_per_minute, std::nullopt);
  EXPECT_EQ((*listed)[1].name, "b");
  EXPECT_TRUE((*listed)[1].revoked);
  EXPECT_EQ((*listed)[1].datasets, (std::vector<std::string>{"shop"}));
  EXPECT_EQ((*listed)[1].rate_limit_per_minute, 0);
  EXPECT_EQ((*listed)[2].name, "b");
  EXPECT_FALSE((*listed)[2].revoked);
  EXPECT_LT((*listed)[1].id, (*listed)[2].id);
}

TEST_P(KeyStoreContract, AKeyMadeByAnotherStoreWorksWithItsScopeAndRate) {
  auto other = OpenStore();
  NewKey request = Named("elsewhere");
  request.datasets = std::vector<std::string>{"shop"};
  request.rate_limit_per_minute = 7;
  auto [key, secret] = Make(*other, request);
  auto found = store_->Authenticate(secret);
  ASSERT_TRUE(found.ok()) << found.status().ToString();
  EXPECT_EQ(found->id, key.id);
  EXPECT_TRUE(found->CanSee("shop"));
  EXPECT_FALSE(found->CanSee("hr"));
  EXPECT_EQ(found->rate_limit_per_minute, 7);
  EXPECT_EQ(other->Create(Named("elsewhere")).status().code(), Code::kAlreadyExists)
      << "names are unique across stores, not per store";
  EXPECT_EQ(store_->Create(Named("elsewhere")).status().code(), Code::kAlreadyExists);
}

TEST_P(KeyStoreContract, DescriptionSaysWhereTheKeysAre) {
  EXPECT_FALSE(store_->description().empty());
  EXPECT_EQ(std::string(store_->kind()), GetParam().name);
}

// A fresh data directory per test; every store of a test opens the same server.db.
INSTANTIATE_TEST_SUITE_P(Sqlite, KeyStoreContract,
                         ::testing::Values(KeyStoreBackend{"sqlite", [] {
                           auto dir = std::make_shared<TempDir>();
                           return KeyStoreOpener([dir] { return KeyStore::Open(dir->path()); });
                         }}),
                         BackendName);

// --- What only server.db has --------------------------------------------------------------------

class SqliteKeyStoreTest : public ::testing::Test {
 protected:
  std::unique_ptr<KeyStore> OpenStore() {
    auto store = KeyStore::Open(dir_.path());
    EXPECT_TRUE(store.ok()) << store.status().ToString();
    return store.ok() ? std::move(store).value() : nullptr;
  }
  std::pair<ApiKey, std::string> Make(KeyStore& store, NewKey key) { return MakeKey(store, key); }
  static NewKey Named(const std::string& name) { return KeyNamed(name); }
  TempDir dir_;
};

TEST_F(SqliteKeyStoreTest, OtherWritesToServerDbDoNotDisturbAuthentication) {
  auto keys = OpenStore();
  auto history = HistoryStore::Open(dir_.path());
  ASSERT_TRUE(history.ok());
  auto [key, secret] = Make(*keys, Named("k"));
  for (int i = 0; i < 20; ++i) {
    HistoryItem item;
    item.key_id = key.id;
    item.dataset = "shop";
    item.question = "q" + std::to_string(i);
    ASSERT_TRUE((*history)->Add(item).ok());
    auto found = keys->Authenticate(secret);
    ASSERT_TRUE(found.ok()) << found.status().ToString();
    EXPECT_EQ(found->id, key.id);
  }
}

TEST_F(SqliteKeyStoreTest, TheSecretIsStoredNowhereInServerDb) {
  std::vector<std::string> secrets;
  {
    auto store = OpenStore();
    for (const char* name : {"a", "b", "c"}) secrets.push_back(Make(*store, Named(name)).second);
    ASSERT_TRUE(store->Authenticate(secrets[0]).ok());
    // Read while the store is open too: the WAL holds the newest pages.
    std::string bytes;
    for (const char* file : {"server.db", "server.db-wal"}) bytes += ReadFile(dir_.path() / file);
    ASSERT_FALSE(bytes.empty());
    for (const auto& secret : secrets) {
      EXPECT_EQ(bytes.find(secret.substr(3)), std::string::npos);
      EXPECT_EQ(bytes.find(secret.substr(3, 16)), std::string::npos);
    }
  }
  std::string bytes;
  for (const auto& entry : std::filesystem::directory_iterator(dir_.path())) bytes += ReadFile(entry.path());
  for (const auto& secret : secrets) EXPECT_EQ(bytes.find(secret.substr(3, 16)), std::string::npos);
  // ... and it still works from the digest alone.
  auto reopened = OpenStore();
  EXPECT_EQ(reopened->Authenticate(secrets[2])->name, "c");
}

TEST(ApiKeyTest, ScopesLimitEveryKeyWithDatasetsAdminsToo) {
  ApiKey all;
  EXPECT_TRUE(all.CanSee("shop"));
  EXPECT_TRUE(all.CanSee("anything"));
  ApiKey scoped;
  scoped.datasets = std::vector<std::string>{"shop", "sales"};
  EXPECT_TRUE(scoped.CanSee("shop"));
  EXPECT_TRUE(scoped.CanSee("sales"));
  EXPECT_FALSE(scoped.CanSee("hr"));
  EXPECT_FALSE(scoped.CanSee("Shop"));
  EXPECT_FALSE(scoped.CanSee(""));
  ApiKey admin = scoped;
  admin.admin = true;
  EXPECT_FALSE(admin.CanSee("hr"));
  ApiKey none;
  none.datasets = std::vector<std::string>{};
  EXPECT_FALSE(none.CanSee("shop"));
}

TEST_F(SqliteKeyStoreTest, AServerDbFromANewerVersionIsRefused) {
  { OpenStore(); }
  {
    auto db = OpenSqlite(dir_.path() / "server.db", OpenMode::kReadWriteCreate);
    ASSERT_TRUE(db.ok());
    ASSERT_TRUE(ExecSql(db->get(), "UPDATE meta SET value = '99' WHERE key = 'keys_schema_version'").ok());
  }
  auto store = KeyStore::Open(dir_.path());
  EXPECT_EQ(store.status().code(), Code::kUnsupported);
}

TEST_F(SqliteKeyStoreTest, OpenCreatesTheDataDirectory) {
  auto store = KeyStore::Open(dir_.path() / "not" / "yet");
  ASSERT_TRUE(store.ok()) << store.status().ToString();
  EXPECT_TRUE(std::filesystem::exists(dir_.path() / "not" / "yet" / "server.db"));
  auto listed = (*store)->List();
  ASSERT_TRUE(listed.ok());
  EXPECT_TRUE(listed->empty());
}

}  // namespace
}  // namespace da::server::testing
