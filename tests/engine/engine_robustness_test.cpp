// Odd and hostile questions: the engine never crashes, and whatever SQL it answers with is
// one statement SQLite accepts. Regression home for crashes found on real question sets.
#include <gtest/gtest.h>

#include "catalog/profiler.h"
#include "catalog/value_index.h"
#include "common/sqlite.h"
#include "engine/engine.h"
#include "test_util.h"

namespace da {
namespace {

TEST(EngineRobustnessTest, OddQuestionsNeverCrashAndAnswersPrepare) {
  testing::TempDir dir;
  auto db = OpenSqlite(dir / "shop.sqlite", OpenMode::kReadWriteCreate);
  ASSERT_TRUE(db.ok());
  ASSERT_TRUE(ExecSql(db->get(),
                      "CREATE TABLE customer (id INTEGER PRIMARY KEY, name TEXT, city TEXT);"
                      "CREATE TABLE purchase (id INTEGER PRIMARY KEY, customer_id INTEGER REFERENCES customer(id),"
                      " amount REAL, bought_on DATE);"
                      "INSERT INTO customer VALUES (1,'Ann','Oslo'),(2,'Bo','Rome');"
                      "INSERT INTO purchase VALUES (1,1,9.5,'2023-01-02'),(2,2,20,'2024-05-06');")
                  .ok());
  ProfileOptions options;
  options.dataset = "shop";
  auto catalog = ProfileDatabase(db->get(), options);
  ASSERT_TRUE(catalog.ok());
  auto values = ValueIndex::Build(db->get(), *catalog);
  ASSERT_TRUE(values.ok());
  auto engine = Engine::Create(*catalog, &*values);
  ASSERT_TRUE(engine.ok());

  const std::vector<std::string> questions = {
      "", " ", "?", "count", "how many", "number of", "count the number of", "top", "top 5",
      "average", "which", "what is the", "customers", "how many how many how many",
      "'", "\"unterminated", "“", "between 1 and", "more than", "in 2023", "Oslo",
      "; DROP TABLE customer; --", "SELECT * FROM customer", "customers' names'", "ümlaut ñ 東京",
      std::string(5000, 'a'), "how many customers " + std::string(200, '?'),
      "what is the total amount of purchases by each customer's city in 2024 sorted by amount",
      "customers who never bought anything", "amount above average",
  };
  for (const auto& q : questions) {
    EngineAnswer a = (*engine)->Answer(q);
    if (!a.answered) continue;
    auto st = PrepareSql(db->get(), a.sql);
    EXPECT_TRUE(st.ok()) << "question: " << q << "\nsql: " << a.sql;
  }
}

}  // namespace
}  // namespace da
