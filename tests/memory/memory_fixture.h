// A Memory over a real SQLite store and the retail database (retail_db.h): the ground of the
// memory tests. Open() opens a memory as a process would; tests may change the fixture's
// settings (options_, data_version_) or the database (then Reprofile()) between opens.
#pragma once

#include <gtest/gtest.h>

#include <memory>

#include "catalog/profiler.h"
#include "catalog/value_index.h"
#include "common/sqlite.h"
#include "engine/engine_fixture.h"
#include "memory/memory.h"
#include "memory/text_embedder.h"
#include "retail_db.h"
#include "test_util.h"

namespace da::memory::testing {

class MemoryFixture : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_TRUE(db_.ok()) << db_.error();
    auto store = OpenSqliteMemoryStore((store_dir_.path() / "memory.db").string());
    ASSERT_TRUE(store.ok()) << store.status().ToString();
    store_ = std::move(*store);
    Reprofile();
    options_.index_dir = index_dir_.path();
  }

  // The catalog and value index of the database as it is now.
  void Reprofile() {
    ProfileOptions profile;
    profile.dataset = "shop";
    auto catalog = ProfileDatabase(db_.db(), profile);
    ASSERT_TRUE(catalog.ok()) << catalog.status().ToString();
    catalog_ = std::make_unique<Catalog>(std::move(*catalog));
    auto values = ValueIndex::Build(db_.db(), *catalog_);
    ASSERT_TRUE(values.ok()) << values.status().ToString();
    values_ = std::make_unique<ValueIndex>(std::move(*values));
  }

  // A memory of dataset "shop" (nullptr, with a test failure, when it does not open).
  std::unique_ptr<Memory> Open(llm::Embedder* embedder = nullptr) {
    DatasetView view;
    view.name = "shop";
    view.catalog = catalog_.get();
    view.values = values_.get();
    view.data_version = data_version_;
    view.live = live_;
    sqlite3* db = db_.db();
    view.validate = [db](std::string_view sql) -> Status { return PrepareSql(db, sql).status(); };
    auto memory = Memory::Open(*store_, std::move(view), embedder ? *embedder : builtin_, options_);
    if (!memory.ok()) {
      ADD_FAILURE() << memory.status().ToString();
      return nullptr;
    }
    return std::move(*memory);
  }

  EngineOver db_{kRetailSchema};
  da::testing::TempDir store_dir_, index_dir_;
  std::unique_ptr<MemoryStore> store_;
  std::unique_ptr<Catalog> catalog_;
  std::unique_ptr<ValueIndex> values_;
  TextEmbedder builtin_;
  MemoryOptions options_;
  int64_t data_version_ = 1;
  bool live_ = false;
};

}  // namespace da::memory::testing
