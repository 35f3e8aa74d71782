// The contract every KeyStore backend keeps, as one parameterised suite (tests/server/
// api_keys_test.cpp): a backend's test file instantiates KeyStoreContract with a factory of
// fresh, empty key storage.
#pragma once

#include <gtest/gtest.h>

#include <functional>
#include <memory>
#include <ostream>
#include <string>
#include <utility>

#include "server/api_keys.h"

namespace da::server::testing {

// Opens a store on one storage; each call is another store on the same keys, as another
// process or server would open it.
using KeyStoreOpener = std::function<Result<std::unique_ptr<KeyStore>>()>;

// A key made in `store` (a test failure when it cannot be) and its secret.
inline std::pair<ApiKey, std::string> MakeKey(KeyStore& store, const NewKey& key) {
  auto made = store.Create(key);
  EXPECT_TRUE(made.ok()) << made.status().ToString();
  return made.ok() ? std::move(made).value() : std::pair<ApiKey, std::string>{};
}
inline NewKey KeyNamed(const std::string& name) {
  NewKey key;
  key.name = name;
  return key;
}

struct KeyStoreBackend {
  std::string name;
  // Fresh, empty storage (a new data directory, a new PostgreSQL schema); called once per test.
  std::function<KeyStoreOpener()> fresh;
};

class KeyStoreContract : public ::testing::TestWithParam<KeyStoreBackend> {
 protected:
  void SetUp() override {
    open_ = GetParam().fresh();
    store_ = OpenStore();
    ASSERT_NE(store_, nullptr);
  }
  // Another store on the same keys.
  std::unique_ptr<KeyStore> OpenStore() {
    auto store = open_();
    EXPECT_TRUE(store.ok()) << store.status().ToString();
    return store.ok() ? std::move(store).value() : nullptr;
  }
  static std::pair<ApiKey, std::string> Make(KeyStore& store, const NewKey& key) { return MakeKey(store, key); }
  static NewKey Named(const std::string& name) { return KeyNamed(name); }

  KeyStoreOpener open_;
  std::unique_ptr<KeyStore> store_;
};

// Names the backend in test listings (instead of gtest's byte dump of the parameter).
inline void PrintTo(const KeyStoreBackend& backend, std::ostream* os) { *os << backend.name; }
inline std::string BackendName(const ::testing::TestParamInfo<KeyStoreBackend>& info) { return info.param.name; }

}  // namespace da::server::testing
