// Odd and hostile questions: the engine never crashes, and whatever SQL it answers with is
// one statement SQLite accepts. Regression home for crashes found on real question sets.
#include <gtest/gtest.h>

#include "engine_fixture.h"

namespace da {
namespace {

TEST(EngineRobustnessTest, OddQuestionsNeverCrashAndAnswersPrepare) {
  EngineOver e(
      "CREATE TABLE customer (id INTEGER PRIMARY KEY, name TEXT, city TEXT);"
      "CREATE TABLE purchase (id INTEGER PRIMARY KEY, customer_id INTEGER REFERENCES customer(id),"
      " amount REAL, bought_on DATE);"
      "INSERT INTO customer VALUES (1,'Ann','Oslo'),(2,'Bo','Rome');"
      "INSERT INTO purchase VALUES (1,1,9.5,'2023-01-02'),(2,2,20,'2024-05-06');");
  ASSERT_TRUE(e.ok()) << e.error();

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
    EngineAnswer a = e.Ask(q);
    if (!a.answered) continue;
    auto st = PrepareSql(e.db(), a.sql);
    EXPECT_TRUE(st.ok()) << "question: " << q << "\nsql: " << a.sql;
  }
}

}  // namespace
}  // namespace da
