// A small SQLite database built from a SQL script, profiled into a catalog with a value index,
// and an engine over it: the common ground of the engine tests.
#pragma once

#include <gtest/gtest.h>

#include <memory>
#include <string>
#include <vector>

#include "catalog/profiler.h"
#include "catalog/value_index.h"
#include "common/sqlite.h"
#include "engine/engine.h"
#include "test_util.h"

namespace da {

class EngineOver {
 public:
  // Builds the database from `script`; check ok() (with the failure in error()) before use.
  explicit EngineOver(const std::string& script, EngineOptions options = {}) {
    auto db = OpenSqlite(dir_ / "db.sqlite", OpenMode::kReadWriteCreate);
    if (!db.ok()) { Fail(db.status()); return; }
    db_ = std::move(*db);
    if (Status s = ExecSql(db_.get(), script); !s.ok()) { Fail(s); return; }
    ProfileOptions profile;
    profile.dataset = "test";
    auto catalog = ProfileDatabase(db_.get(), profile);
    if (!catalog.ok()) { Fail(catalog.status()); return; }
    catalog_ = std::move(*catalog);
    auto values = ValueIndex::Build(db_.get(), catalog_);
    if (!values.ok()) { Fail(values.status()); return; }
    values_ = std::make_unique<ValueIndex>(std::move(*values));
    auto engine = Engine::Create(catalog_, values_.get(), options);
    if (!engine.ok()) { Fail(engine.status()); return; }
    engine_ = std::move(*engine);
  }

  bool ok() const { return engine_ != nullptr; }
  const std::string& error() const { return error_; }
  const Catalog& catalog() const { return catalog_; }
  const ValueIndex* values() const { return values_.get(); }
  sqlite3* db() const { return db_.get(); }

  EngineAnswer Ask(const std::string& question) const { return engine_->Answer(question); }

  // Runs the answer's SQL; each row's values joined by '|', in the order SQLite returns them.
  std::vector<std::string> Rows(const EngineAnswer& a) const { return testing::QueryRows(db_.get(), a.sql); }

 private:
  void Fail(const Status& s) { error_ = s.ToString(); }

  testing::TempDir dir_;
  SqliteDb db_;
  Catalog catalog_;
  std::unique_ptr<ValueIndex> values_;
  std::unique_ptr<Engine> engine_;
  std::string error_;
};

}  // namespace da
