// A small retail database (stores with region and type, products, dated sales) with its catalog,
// schema index and value index: the ground the memory tests analyse questions against.
#pragma once

#include <memory>

#include "catalog/value_index.h"
#include "engine/schema_index.h"
#include "engine/engine_fixture.h"
#include "memory/question_key.h"

namespace da {

inline constexpr const char* kRetailSchema = R"sql(
CREATE TABLE stores (store_id INTEGER PRIMARY KEY, name TEXT, region TEXT, type TEXT, size INTEGER);
CREATE TABLE products (product_id INTEGER PRIMARY KEY, name TEXT, category TEXT, price REAL);
CREATE TABLE sales (sale_id INTEGER PRIMARY KEY, store_id INTEGER REFERENCES stores(store_id),
                    product_id INTEGER REFERENCES products(product_id), date DATE, amount REAL);
INSERT INTO stores VALUES (1, 'Downtown', 'North', 'Supermarket', 500), (2, 'Harbor', 'South', 'Express', 120),
  (3, 'Hillside', 'East', 'Outlet', 300), (4, 'Riverside', 'West', 'Supermarket', 450),
  (5, 'O''Brien Corner', 'North', 'Express', 90), (6, 'Lakeside', 'South', 'Outlet', 200);
INSERT INTO products VALUES (1, 'Apple', 'Fruit', 0.5), (2, 'Bread', 'Bakery', 2.0), (3, 'Cheese', 'Dairy', 5.5),
  (4, 'Milk', 'Dairy', 1.2);
INSERT INTO sales VALUES
  (1, 1, 1, '2011-01-15', 120.0), (2, 1, 2, '2011-03-02', 80.5), (3, 2, 3, '2011-06-30', 45.0),
  (4, 3, 4, '2011-09-12', 60.0), (5, 4, 1, '2011-11-20', 150.0), (6, 5, 2, '2011-12-24', 30.0),
  (7, 6, 3, '2012-01-05', 75.0), (8, 1, 4, '2012-02-29', 95.0), (9, 2, 1, '2012-04-18', 20.0),
  (10, 3, 2, '2012-07-07', 110.0), (11, 4, 3, '2012-10-10', 130.0), (12, 5, 4, '2012-12-31', 25.0);
)sql";

// The retail database with the indexes a question key is computed against.
class RetailDb {
 public:
  RetailDb() : db_(kRetailSchema) {
    if (!db_.ok()) return;
    schema_ = std::make_unique<SchemaIndex>(db_.catalog());
    auto values = ValueIndex::Build(db_.db(), db_.catalog());
    if (values.ok()) values_ = std::make_unique<ValueIndex>(std::move(*values));
  }
  bool ok() const { return db_.ok() && values_ != nullptr; }
  const std::string& error() const { return db_.error(); }
  const SchemaIndex& schema() const { return *schema_; }
  const ValueIndex* values() const { return values_.get(); }
  sqlite3* db() const { return db_.db(); }

 private:
  EngineOver db_;
  std::unique_ptr<SchemaIndex> schema_;
  std::unique_ptr<ValueIndex> values_;
};

// A suite whose tests share one RetailDb (built once: profiling and value indexing take a while).
class RetailDbTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() { db_ = new RetailDb(); }
  static void TearDownTestSuite() {
    delete db_;
    db_ = nullptr;
  }
  void SetUp() override { ASSERT_TRUE(db_->ok()) << db_->error(); }
  static QuestionKey Key(const std::string& q) { return AnalyzeQuestion(q, db_->schema(), db_->values()); }

  static inline RetailDb* db_ = nullptr;
};

}  // namespace da
