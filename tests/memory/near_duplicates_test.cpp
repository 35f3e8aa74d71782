// The cache's rule over question keys and re-parameterisation, on near-duplicate questions:
// serve a cached SQL only for the same exact text, or for the same signature (as it is with
// equal slots, re-parameterised otherwise). Every pair of questions below is tried both ways;
// whatever is served must give the rows of the incoming question's own SQL. Zero wrong hits.
#include <gtest/gtest.h>

#include <optional>
#include <string>
#include <vector>

#include "memory/question_key.h"
#include "memory/sql_reparameterize.h"
#include "retail_db.h"

namespace da {
namespace {

struct Asked {
  const char* question;
  const char* sql;  // written by hand, the answer a person would approve
};

std::string TopStores(const char* agg, const char* dir, int n) {
  return std::string("SELECT s.name, ") + agg + "(x.amount) AS v FROM stores s JOIN sales x ON x.store_id = s.store_id " +
         "GROUP BY s.store_id ORDER BY v " + dir + ", s.name LIMIT " + std::to_string(n);
}

const std::vector<std::pair<std::string, std::string>>& Questions() {
  static const std::vector<std::pair<std::string, std::string>> q = {
      // changed numbers, direction, aggregation
      {"top 5 stores by total sales", TopStores("SUM", "DESC", 5)},
      {"top 3 stores by total sales", TopStores("SUM", "DESC", 3)},
      {"bottom 3 stores by total sales", TopStores("SUM", "ASC", 3)},
      {"top 3 stores by average sales", TopStores("AVG", "DESC", 3)},
      {"store with the highest total sales", TopStores("SUM", "DESC", 1)},
      {"store with the lowest total sales", TopStores("SUM", "ASC", 1)},
      {"store with the highest average sales", TopStores("AVG", "DESC", 1)},
      // changed years, aggregation
      {"total sales in 2012", "SELECT SUM(amount) FROM sales WHERE date BETWEEN '2012-01-01' AND '2012-12-31'"},
      {"total sales in 2011", "SELECT SUM(amount) FROM sales WHERE date BETWEEN '2011-01-01' AND '2011-12-31'"},
      {"What were the total sales in 2011?", "SELECT SUM(amount) FROM sales WHERE strftime('%Y', date) = '2011'"},
      {"average sales in 2012", "SELECT AVG(amount) FROM sales WHERE date BETWEEN '2012-01-01' AND '2012-12-31'"},
      {"how many sales in 2012", "SELECT COUNT(*) FROM sales WHERE date BETWEEN '2012-01-01' AND '2012-12-31'"},
      {"total sales since 2012", "SELECT SUM(amount) FROM sales WHERE date >= '2012-01-01'"},
      {"total sales before 2012", "SELECT SUM(amount) FROM sales WHERE date < '2012-01-01'"},
      // changed names, negation
      {"how many stores in North", "SELECT COUNT(*) FROM stores WHERE region = 'North'"},
      {"how many stores in south", "SELECT COUNT(*) FROM stores WHERE region = 'South'"},
      {"how many stores not in North", "SELECT COUNT(*) FROM stores WHERE region <> 'North'"},
      {"how many Express stores", "SELECT COUNT(*) FROM stores WHERE type = 'Express'"},
      {"total sales of Bread", "SELECT SUM(x.amount) FROM sales x JOIN products p ON p.product_id = x.product_id WHERE p.name = 'Bread'"},
      {"total sales of Milk", "SELECT SUM(x.amount) FROM sales x JOIN products p ON p.product_id = x.product_id WHERE p.name = 'Milk'"},
      {"total sales of Dairy", "SELECT SUM(x.amount) FROM sales x JOIN products p ON p.product_id = x.product_id WHERE p.category = 'Dairy'"},
      // grouping, paraphrases
      {"total sales by region", "SELECT s.region, SUM(x.amount) FROM sales x JOIN stores s ON s.store_id = x.store_id GROUP BY s.region ORDER BY s.region"},
      {"sum of sales per region", "SELECT s.region, SUM(x.amount) FROM sales x JOIN stores s ON s.store_id = x.store_id GROUP BY s.region ORDER BY s.region"},
      {"average sales by region", "SELECT s.region, AVG(x.amount) FROM sales x JOIN stores s ON s.store_id = x.store_id GROUP BY s.region ORDER BY s.region"},
      {"total sales by store type", "SELECT s.type, SUM(x.amount) FROM sales x JOIN stores s ON s.store_id = x.store_id GROUP BY s.type ORDER BY s.type"},
      {"how many sales by region", "SELECT s.region, COUNT(*) FROM sales x JOIN stores s ON s.store_id = x.store_id GROUP BY s.region ORDER BY s.region"},
      // comparisons
      {"stores with size over 200", "SELECT name FROM stores WHERE size > 200 ORDER BY name"},
      {"stores with size over 100", "SELECT name FROM stores WHERE size > 100 ORDER BY name"},
      {"stores with size under 200", "SELECT name FROM stores WHERE size < 200 ORDER BY name"},
      {"stores with size at least 300", "SELECT name FROM stores WHERE size >= 300 ORDER BY name"},
  };
  return q;
}

class NearDuplicatesTest : public ::testing::Test {
 protected:
  void SetUp() override { ASSERT_TRUE(db_.ok()) << db_.error(); }
  QuestionKey Key(const std::string& q) const { return AnalyzeQuestion(q, db_.schema(), db_.values()); }

  // What the cache serves for `incoming` from an entry for `cached` with `sql`, or nullopt.
  static std::optional<std::string> Served(const QuestionKey& cached, const std::string& sql, const QuestionKey& incoming) {
    if (cached.exact_text == incoming.exact_text) return sql;
    if (cached.SignatureKey() != incoming.SignatureKey()) return std::nullopt;
    auto rewritten = Reparameterize(sql, cached, incoming);
    if (!rewritten.ok()) return std::nullopt;
    return *rewritten;
  }

  RetailDb db_;
};

TEST_F(NearDuplicatesTest, NoWrongHits) {
  const auto& questions = Questions();
  std::vector<QuestionKey> keys;
  for (const auto& [q, sql] : questions) keys.push_back(Key(q));
  std::vector<std::string> hits;
  for (size_t i = 0; i < questions.size(); ++i) {
    for (size_t j = 0; j < questions.size(); ++j) {
      if (i == j) continue;
      std::optional<std::string> served = Served(keys[i], questions[i].second, keys[j]);
      if (!served) continue;
      hits.push_back(questions[i].first + " -> " + questions[j].first);
      EXPECT_EQ(testing::QueryRows(db_.db(), *served), testing::QueryRows(db_.db(), questions[j].second))
          << "wrong hit: cached \"" << questions[i].first << "\", asked \"" << questions[j].first << "\", served "
          << *served;
    }
  }
  // The cache is still useful: changed literals and paraphrases do hit.
  for (const char* expected : {"top 5 stores by total sales -> top 3 stores by total sales",
                               "total sales in 2012 -> total sales in 2011",
                               "total sales in 2012 -> What were the total sales in 2011?",
                               "how many stores in North -> how many stores in south",
                               "total sales of Bread -> total sales of Milk",
                               "total sales by region -> sum of sales per region",
                               "stores with size over 200 -> stores with size over 100"}) {
    EXPECT_NE(std::find(hits.begin(), hits.end(), expected), hits.end()) << expected;
  }
  // And nothing else: every other pair differs in what it asks.
  EXPECT_EQ(hits.size(), 16u) << ::testing::PrintToString(hits);
}

}  // namespace
}  // namespace da
