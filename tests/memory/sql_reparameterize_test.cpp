#include "memory/sql_reparameterize.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "retail_db.h"

namespace da {
namespace {

class ReparameterizeTest : public RetailDbTest {
 protected:
  // The SQL of `cached_question` rewritten for `question`.
  static Result<std::string> Rewrite(const std::string& cached_question, const std::string& sql,
                                     const std::string& question) {
    return Reparameterize(sql, Key(cached_question), Key(question));
  }
  static std::vector<std::string> Rows(const std::string& sql) { return testing::QueryRows(db_->db(), sql); }
  // Expects the rewrite to be refused as unsafe, with `reason` in its message.
  static void ExpectRefused(const std::string& cached_question, const std::string& sql, const std::string& question,
                            const std::string& reason) {
    auto r = Rewrite(cached_question, sql, question);
    ASSERT_FALSE(r.ok()) << "rewrote to: " << *r;
    EXPECT_EQ(r.status().code(), Status::Code::kUnsupported) << r.status().ToString();
    EXPECT_NE(r.status().message().find(reason), std::string::npos) << r.status().ToString();
  }

};

constexpr const char* kTopStores =
    "SELECT s.name, SUM(x.amount) AS total FROM stores s JOIN sales x ON x.store_id = s.store_id "
    "GROUP BY s.store_id ORDER BY total DESC LIMIT 5";

TEST_F(ReparameterizeTest, TopFiveBecomesTopTwo) {
  auto r = Rewrite("top 5 stores by total sales", kTopStores, "top two stores by total sales");
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_EQ(*r,
            "SELECT s.name, SUM(x.amount) AS total FROM stores s JOIN sales x ON x.store_id = s.store_id "
            "GROUP BY s.store_id ORDER BY total DESC LIMIT 2");
  EXPECT_EQ(Rows(*r), (std::vector<std::string>{"Downtown|295.5", "Riverside|280"}));
  EXPECT_EQ(Rows(kTopStores).size(), 5u);
}

TEST_F(ReparameterizeTest, SameSlotsGiveTheSameSql) {
  auto r = Rewrite("top 5 stores by total sales", kTopStores, "What are the top five stores by total sales?");
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_EQ(*r, kTopStores);
}

TEST_F(ReparameterizeTest, YearInADateRange) {
  const std::string sql = "SELECT SUM(amount) FROM sales WHERE date BETWEEN '2012-01-01' AND '2012-12-31'";
  auto r = Rewrite("total sales in 2012", sql, "total sales in 2011");
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_EQ(*r, "SELECT SUM(amount) FROM sales WHERE date BETWEEN '2011-01-01' AND '2011-12-31'");
  EXPECT_EQ(Rows(sql), std::vector<std::string>{"455"});
  EXPECT_EQ(Rows(*r), std::vector<std::string>{"485.5"});
}

TEST_F(ReparameterizeTest, YearInStrftimeAndLikePrefixes) {
  auto r = Rewrite("total sales in 2012", "SELECT SUM(amount) FROM sales WHERE strftime('%Y', date) = '2012'",
                   "total sales in 2011");
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_EQ(*r, "SELECT SUM(amount) FROM sales WHERE strftime('%Y', date) = '2011'");
  EXPECT_EQ(Rows(*r), std::vector<std::string>{"485.5"});

  r = Rewrite("how many sales in 2012", "SELECT COUNT(*) FROM sales WHERE date LIKE '2012-%'", "how many sales in 2011");
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_EQ(*r, "SELECT COUNT(*) FROM sales WHERE date LIKE '2011-%'");

  r = Rewrite("how many sales in 2012", "SELECT COUNT(*) FROM sales WHERE CAST(strftime('%Y', date) AS INTEGER) = 2012",
              "how many sales in 2011");
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_EQ(*r, "SELECT COUNT(*) FROM sales WHERE CAST(strftime('%Y', date) AS INTEGER) = 2011");
  EXPECT_EQ(Rows(*r), std::vector<std::string>{"6"});
}

TEST_F(ReparameterizeTest, YearMonth) {
  auto r = Rewrite("total sales in March 2011", "SELECT SUM(amount) FROM sales WHERE strftime('%Y-%m', date) = '2011-03'",
                   "total sales in January 2012");
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_EQ(*r, "SELECT SUM(amount) FROM sales WHERE strftime('%Y-%m', date) = '2012-01'");
  EXPECT_EQ(Rows(*r), std::vector<std::string>{"75"});
}

TEST_F(ReparameterizeTest, DataValueInWhere) {
  const std::string sql = "SELECT COUNT(*) FROM stores WHERE region = 'North'";
  auto r = Rewrite("how many stores in North", sql, "how many stores in east");
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_EQ(*r, "SELECT COUNT(*) FROM stores WHERE region = 'East'");  // the value as stored
  EXPECT_EQ(Rows(sql), std::vector<std::string>{"2"});
  EXPECT_EQ(Rows(*r), std::vector<std::string>{"1"});
}

TEST_F(ReparameterizeTest, ValuesInAnInList) {
  auto r = Rewrite("stores in North or South", "SELECT name FROM stores WHERE region IN ('North', 'South') ORDER BY name",
                   "stores in East or South");
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_EQ(*r, "SELECT name FROM stores WHERE region IN ('East', 'South') ORDER BY name");
  EXPECT_EQ(Rows(*r), (std::vector<std::string>{"Harbor", "Hillside", "Lakeside"}));
}

TEST_F(ReparameterizeTest, QuotedStringsWithQuotesInside) {
  const std::string sql = "SELECT name FROM stores WHERE name LIKE '%Hill%'";
  auto r = Rewrite("stores whose name contains 'Hill'", sql, "stores whose name contains \"O'Brien\"");
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_EQ(*r, "SELECT name FROM stores WHERE name LIKE '%O''Brien%'");
  EXPECT_EQ(Rows(*r), std::vector<std::string>{"O'Brien Corner"});
  r = Reparameterize(*r, Key("stores whose name contains \"O'Brien\""), Key("stores whose name contains 'side'"));
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_EQ(*r, "SELECT name FROM stores WHERE name LIKE '%side%'");
  EXPECT_EQ(Rows(*r).size(), 3u);
}

TEST_F(ReparameterizeTest, LikeWildcardsInANewValueAreRefused) {
  ExpectRefused("stores whose name contains 'Hill'", "SELECT name FROM stores WHERE name LIKE '%Hill%'",
                "stores whose name contains '50%'", "wildcard");
}

TEST_F(ReparameterizeTest, NumbersInNamesCommentsAndStringsAreNotTouched) {
  const std::string sql =
      "SELECT name AS store_5, \"size 5\", 'top 5' -- the top 5\n"
      "FROM stores /* limit 5 */ ORDER BY size DESC LIMIT 5";
  auto r = Rewrite("top 5 stores by size", sql, "top 3 stores by size");
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_EQ(*r,
            "SELECT name AS store_5, \"size 5\", 'top 5' -- the top 5\n"
            "FROM stores /* limit 5 */ ORDER BY size DESC LIMIT 3");
}

TEST_F(ReparameterizeTest, DecimalsKeepTheirForm) {
  auto r = Rewrite("products with price over 1.5", "SELECT name FROM products WHERE price > 1.5 ORDER BY name",
                   "products with price over 2.5");
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_EQ(*r, "SELECT name FROM products WHERE price > 2.5 ORDER BY name");
  EXPECT_EQ(Rows(*r), std::vector<std::string>{"Cheese"});
  r = Rewrite("stores with size over 100", "SELECT COUNT(*) FROM stores WHERE size > 100.0", "stores with size over 300");
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_EQ(*r, "SELECT COUNT(*) FROM stores WHERE size > 300.0");
  ExpectRefused("products with price over 1.5", "SELECT name FROM products WHERE price > 1.5",
                "products with price over 2", "integer and a fraction");
}

TEST_F(ReparameterizeTest, AmbiguousSameValueSlotsAreRefused) {
  ExpectRefused("top 5 stores with more than 5 sales",
                "SELECT store_id FROM sales GROUP BY store_id HAVING COUNT(*) > 5 ORDER BY SUM(amount) DESC LIMIT 5",
                "top 3 stores with more than 5 sales", "ambiguous");
}

TEST_F(ReparameterizeTest, SlotValueAbsentFromTheSqlIsRefused) {
  ExpectRefused("top 5 stores by size", "SELECT name FROM stores ORDER BY size DESC LIMIT 3", "top 2 stores by size",
                "does not occur");
  // "at least 100" written as "> 99": the literal is not the slot's.
  ExpectRefused("stores with size at least 100", "SELECT name FROM stores WHERE size > 99",
                "stores with size at least 200", "does not occur");
}

TEST_F(ReparameterizeTest, ValueAlsoUsedAsAnUnrelatedLiteralIsRefused) {
  ExpectRefused("top 2 stores by average sales",
                "SELECT store_id, ROUND(AVG(amount), 2) AS a FROM sales GROUP BY store_id ORDER BY a DESC LIMIT 2",
                "top 4 stores by average sales", "unrelated");
  ExpectRefused("top 1 store by size", "SELECT name FROM stores ORDER BY size DESC LIMIT 1 OFFSET 1",
                "top 3 stores by size", "2 times");
}

TEST_F(ReparameterizeTest, DerivedLiteralsAreRefused) {
  // The end of the range is 2012 + 1: rewriting 2012 alone would be wrong.
  ExpectRefused("total sales in 2012", "SELECT SUM(amount) FROM sales WHERE date >= '2012-01-01' AND date < '2013-01-01'",
                "total sales in 2011", "date-like");
  // "more than 2" written as ">= 3" beside a coincidental 2.
  ExpectRefused("stores with more than 2 sales",
                "SELECT store_id FROM sales GROUP BY store_id HAVING COUNT(*) >= 3 LIMIT 2",
                "stores with more than 1 sales", "maybe derived");
}

TEST_F(ReparameterizeTest, InvalidDatesAreRefused) {
  ExpectRefused("total sales in 2012",
                "SELECT SUM(amount) FROM sales WHERE date BETWEEN '2012-02-01' AND '2012-02-29'", "total sales in 2011",
                "no date");
}

TEST_F(ReparameterizeTest, DifferentQuestionsAreNotRewritten) {
  auto r = Rewrite("top 5 stores by size", "SELECT name FROM stores ORDER BY size DESC LIMIT 5", "bottom 5 stores by size");
  EXPECT_EQ(r.status().code(), Status::Code::kInvalidArgument);
  r = Rewrite("stores in North", "SELECT name FROM stores WHERE region = 'North'", "stores not in South");
  EXPECT_EQ(r.status().code(), Status::Code::kInvalidArgument);
}

TEST_F(ReparameterizeTest, SqlThatDoesNotLexIsRefused) {
  ExpectRefused("stores in North", "SELECT name FROM stores WHERE region = 'North", "stores in South", "does not lex");
}

TEST_F(ReparameterizeTest, NegativeNumbersAreRefused) {
  ExpectRefused("sales with amount over 5", "SELECT * FROM sales WHERE amount > 5", "sales with amount over -3",
                "negative");
}

}  // namespace
}  // namespace da
