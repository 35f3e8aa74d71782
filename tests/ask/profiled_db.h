// A small SQLite database file built from a SQL script and profiled into a catalog with a
// value index, as at ingest: the ground the schema-context and value-normaliser tests stand on.
#pragma once

#include <gtest/gtest.h>

#include <memory>
#include <string>
#include <vector>

#include "catalog/profiler.h"
#include "catalog/value_index.h"
#include "common/sqlite.h"
#include "test_util.h"

namespace da::testing {

class ProfiledDb {
 public:
  // Builds the database from `script`; check ok() (with the failure in error()) before use.
  explicit ProfiledDb(const std::string& script) {
    if (Status s = Init(script); !s.ok()) error_ = s.ToString();
  }

  bool ok() const { return values_ != nullptr; }
  const std::string& error() const { return error_; }
  Catalog& catalog() { return catalog_; }
  const ValueIndex* values() const { return values_.get(); }

  // Runs `sql`; each row's values joined by '|'. A failing statement fails the test.
  std::vector<std::string> Rows(const std::string& sql) const { return testing::QueryRows(db_.get(), sql); }

 private:
  Status Init(const std::string& script) {
    auto db = OpenSqlite(dir_ / "db.sqlite", OpenMode::kReadWriteCreate);
    if (!db.ok()) return db.status();
    db_ = std::move(*db);
    DA_RETURN_IF_ERROR(ExecSql(db_.get(), script));
    ProfileOptions profile;
    profile.dataset = "test";
    auto catalog = ProfileDatabase(db_.get(), profile);
    if (!catalog.ok()) return catalog.status();
    catalog_ = std::move(*catalog);
    auto values = ValueIndex::Build(db_.get(), catalog_);
    if (!values.ok()) return values.status();
    values_ = std::make_unique<ValueIndex>(std::move(*values));
    return Status::Ok();
  }

  TempDir dir_;
  SqliteDb db_;
  Catalog catalog_;
  std::unique_ptr<ValueIndex> values_;
  std::string error_;
};

// Stores in cities of regions, their sales and staff, and a table unrelated to them.
inline const char* kRetailScript = R"sql(
CREATE TABLE regions (region_id INTEGER PRIMARY KEY, region_name TEXT NOT NULL);
INSERT INTO regions VALUES (1, 'North East'), (2, 'Midwest'), (3, 'West Coast');
CREATE TABLE stores (
  store_id INTEGER PRIMARY KEY, city TEXT, store_type TEXT, size INTEGER,
  region_id INTEGER REFERENCES regions(region_id), opened DATE);
INSERT INTO stores VALUES
  (1, 'New York', 'A', 150000, 1, '2001-03-04'), (2, 'New York', 'B', 90000, 1, '2003-05-06'),
  (3, 'Chicago', 'A', 120000, 2, '1999-01-02'), (4, 'Los Angeles', 'C', 40000, 3, '2010-07-08'),
  (5, 'San Francisco', 'B', 80000, 3, '2012-09-10'), (6, 'O''Fallon', 'C', 30000, 2, '2015-11-12'),
  (7, 'Newark', 'C', 35000, 1, '2016-01-01');
CREATE TABLE sales (
  sale_id INTEGER PRIMARY KEY, store_id INTEGER REFERENCES stores(store_id), sale_date DATE,
  amount REAL, product TEXT);
INSERT INTO sales VALUES
  (1, 1, '2011-01-05', 100.5, 'Widget'), (2, 1, '2011-02-05', 200, 'Gadget'),
  (3, 3, '2011-01-07', 50, 'Widget'), (4, 4, '2012-03-01', 75.25, 'Gizmo'),
  (5, 5, '2012-04-01', 20, 'Gadget'), (6, 6, '2012-05-01', 10, 'Widget'),
  (7, 2, '2012-06-01', 30, 'Gizmo'), (8, 7, '2012-07-01', 45, 'Widget');
CREATE TABLE employees (
  emp_id INTEGER PRIMARY KEY, store_id INTEGER REFERENCES stores(store_id), first_name TEXT,
  last_name TEXT, "Hire Date" DATE, "order" INTEGER);
INSERT INTO employees VALUES
  (1, 1, 'Ann', 'Lee', '2010-01-01', 1), (2, 3, 'Bob', 'O''Brien', '2011-02-02', 2),
  (3, 4, 'Cid', 'Moss', '2012-03-03', 3);
CREATE TABLE weather (day DATE, temperature REAL, conditions TEXT);
INSERT INTO weather VALUES ('2011-01-05', -3.5, 'Snow'), ('2011-01-06', 1.0, 'Cloudy');
)sql";

}  // namespace da::testing
