// The contract every MemoryStore backend keeps, as one parameterised suite: a backend's test
// file instantiates MemoryStoreContract with a factory for a fresh, empty store.
#pragma once

#include <gtest/gtest.h>

#include <functional>
#include <ostream>
#include <memory>
#include <string>

#include "memory/memory_store.h"

namespace da::memory::testing {

struct StoreBackend {
  std::string name;
  // A fresh, empty store; called once per test.
  std::function<Result<std::unique_ptr<MemoryStore>>()> open;
};

class MemoryStoreContract : public ::testing::TestWithParam<StoreBackend> {
 protected:
  void SetUp() override {
    auto store = GetParam().open();
    ASSERT_TRUE(store.ok()) << store.status().ToString();
    store_ = std::move(*store);
  }
  std::unique_ptr<MemoryStore> store_;
};

// Names the backend in test listings (instead of gtest's byte dump of the parameter).
inline void PrintTo(const StoreBackend& backend, std::ostream* os) { *os << backend.name; }

inline std::string BackendName(const ::testing::TestParamInfo<StoreBackend>& info) { return info.param.name; }

}  // namespace da::memory::testing
