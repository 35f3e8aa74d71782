#include "engine/engine.h"

#include <gtest/gtest.h>

#include "engine_fixture.h"

namespace da {
namespace {

// A small concert database: singers, stadiums, concerts and who sang where.
constexpr const char* kSchema = R"sql(
CREATE TABLE stadium (stadium_id INTEGER PRIMARY KEY, name TEXT, location TEXT, capacity INTEGER);
CREATE TABLE singer (singer_id INTEGER PRIMARY KEY, name TEXT, country TEXT, age INTEGER,
                     birth_date DATE, net_worth REAL);
CREATE TABLE concert (concert_id INTEGER PRIMARY KEY, concert_name TEXT, year INTEGER,
                      stadium_id INTEGER REFERENCES stadium(stadium_id));
CREATE TABLE singer_in_concert (concert_id INTEGER REFERENCES concert(concert_id),
                                singer_id INTEGER REFERENCES singer(singer_id));
INSERT INTO stadium VALUES (1, 'Glebe Park', 'Raith Rovers', 10000), (2, 'Somerset Park', 'Ayr United', 11998),
  (3, 'Hampden Park', 'Queen''s Park', 52500);
INSERT INTO singer VALUES
  (1, 'Joe Sharp', 'Netherlands', 52, '1971-03-02', 30.0), (2, 'Timbaland', 'United States', 32, '1991-05-10', 12.5),
  (3, 'Justin Brown', 'France', 29, '1994-11-20', 8.0), (4, 'Rose White', 'France', 41, '1982-01-15', 20.0),
  (5, 'John Nizinik', 'France', 43, '1980-07-07', 15.0), (6, 'Tribal King', 'France', 25, '1998-09-09', 2.0);
INSERT INTO concert VALUES (1, 'Auditions', 2014, 1), (2, 'Super bootcamp', 2014, 2), (3, 'Home Visits', 2015, 2),
  (4, 'Week 1', 2014, 3), (5, 'Week 2', 2015, 3), (6, 'Final', 2015, 3);
INSERT INTO singer_in_concert VALUES (1, 2), (1, 3), (2, 3), (3, 5), (4, 4), (5, 6), (6, 3), (6, 2);
)sql";

class EngineTest : public ::testing::Test {
 protected:
  void SetUp() override { ASSERT_TRUE(e_.ok()) << e_.error(); }
  EngineAnswer Ask(const std::string& q) { return e_.Ask(q); }
  std::vector<std::string> Rows(const EngineAnswer& a) { return e_.Rows(a); }

  EngineOver e_{kSchema};
};

TEST_F(EngineTest, CountsRows) {
  EngineAnswer a = Ask("How many singers are there?");
  ASSERT_TRUE(a.answered) << a.message;
  EXPECT_EQ(a.sql, "SELECT count(*) FROM singer");
  EXPECT_EQ(a.restatement, "Number of singers");
  EXPECT_GT(a.confidence, 0.8);
}

TEST_F(EngineTest, CountsPerGroup) {
  EngineAnswer a = Ask("How many singers are there in each country?");
  ASSERT_TRUE(a.answered) << a.message;
  EXPECT_EQ(a.sql, "SELECT country, count(*) FROM singer GROUP BY country");
  EXPECT_EQ(a.restatement, "Number of singers per country");
}

TEST_F(EngineTest, LinksValuesToTheirColumn) {
  EngineAnswer a = Ask("What is the average age of singers from France?");
  ASSERT_TRUE(a.answered) << a.message;
  EXPECT_EQ(a.sql, "SELECT avg(age) FROM singer WHERE country = 'France'");
  EXPECT_EQ(a.restatement, "Average age of singers where country is France");
  EXPECT_EQ(Rows(a), std::vector<std::string>{"34.5"});
}

TEST_F(EngineTest, ListsAskedColumnsInOrder) {
  EngineAnswer a = Ask("What are the names and ages of all singers?");
  ASSERT_TRUE(a.answered) << a.message;
  EXPECT_EQ(a.sql, "SELECT name, age FROM singer");
}

TEST_F(EngineTest, ComparisonOperators) {
  struct Case {
    const char* question;
    const char* where;
  } cases[] = {
      {"List the names of singers with age more than 40.", "age > 40"},
      {"List the names of singers with age less than 30.", "age < 30"},
      {"List the names of singers with age at least 41.", "age >= 41"},
      {"List the names of singers with age at most 29.", "age <= 29"},
      {"List the names of singers with age between 30 and 45.", "age BETWEEN 30 AND 45"},
  };
  for (const Case& c : cases) {
    EngineAnswer a = Ask(c.question);
    ASSERT_TRUE(a.answered) << c.question << ": " << a.message;
    EXPECT_EQ(a.sql, std::string("SELECT name FROM singer WHERE ") + c.where) << c.question;
  }
}

TEST_F(EngineTest, NegatedValueIsInequality) {
  EngineAnswer a = Ask("Show the names of singers whose country is not France.");
  ASSERT_TRUE(a.answered) << a.message;
  EXPECT_EQ(a.sql, "SELECT name FROM singer WHERE country <> 'France'");
}

TEST_F(EngineTest, QuotedTextContainment) {
  EngineAnswer a = Ask("Which stadiums have 'Park' in the name?");
  ASSERT_TRUE(a.answered) << a.message;
  EXPECT_EQ(a.sql, "SELECT name FROM stadium WHERE name LIKE '%Park%'");
  EXPECT_EQ(Rows(a).size(), 3u);
}

TEST_F(EngineTest, YearAgainstDateColumnUsesStrftime) {
  EngineAnswer a = Ask("How many singers were born in 1991?");
  EXPECT_NE(a.sql.find("strftime('%Y', birth_date) = '1991'"), std::string::npos) << a.sql << a.message;
}

TEST_F(EngineTest, YearAgainstIntegerYearColumnIsEquality) {
  EngineAnswer a = Ask("How many concerts are there in 2014?");
  ASSERT_TRUE(a.answered) << a.message;
  EXPECT_EQ(a.sql, "SELECT count(*) FROM concert WHERE year = 2014");
  EXPECT_EQ(Rows(a), std::vector<std::string>{"3"});
}

TEST_F(EngineTest, SuperlativeOrdersAndLimits) {
  EngineAnswer a = Ask("What is the name of the singer with the highest net worth?");
  ASSERT_TRUE(a.answered) << a.message;
  EXPECT_EQ(a.sql, "SELECT name FROM singer ORDER BY net_worth DESC LIMIT 1");
  EXPECT_EQ(Rows(a), std::vector<std::string>{"Joe Sharp"});
}

TEST_F(EngineTest, TopK) {
  EngineAnswer a = Ask("List the top 3 stadiums by capacity.");
  ASSERT_TRUE(a.answered) << a.message;
  // A ranking by a measure shows the measure too.
  EXPECT_EQ(a.sql, "SELECT name, capacity FROM stadium ORDER BY capacity DESC LIMIT 3");
  EXPECT_EQ(a.restatement, "Top 3 stadiums by capacity: name and capacity");
}

TEST_F(EngineTest, MaximumOfAColumn) {
  EngineAnswer a = Ask("What is the maximum and minimum capacity of stadiums?");
  ASSERT_TRUE(a.answered) << a.message;
  EXPECT_EQ(a.sql, "SELECT max(capacity), min(capacity) FROM stadium");
}

TEST_F(EngineTest, MostCommonValue) {
  EngineAnswer a = Ask("Which country has the most singers?");
  ASSERT_TRUE(a.answered) << a.message;
  EXPECT_EQ(a.sql, "SELECT country FROM singer GROUP BY country ORDER BY count(*) DESC LIMIT 1");
  EXPECT_EQ(Rows(a), std::vector<std::string>{"France"});
}

TEST_F(EngineTest, HavingCount) {
  EngineAnswer a = Ask("Show the countries with more than 2 singers.");
  ASSERT_TRUE(a.answered) << a.message;
  EXPECT_EQ(a.sql, "SELECT country FROM singer GROUP BY country HAVING count(*) > 2");
}

TEST_F(EngineTest, JoinsAlongForeignKeys) {
  EngineAnswer a = Ask("How many concerts are there in each stadium?");
  ASSERT_TRUE(a.answered) << a.message;
  EXPECT_EQ(a.sql,
            "SELECT T2.name, count(*) FROM concert AS T1 JOIN stadium AS T2 ON T1.stadium_id = T2.stadium_id "
            "GROUP BY T2.stadium_id");
  EXPECT_EQ(Rows(a).size(), 3u);
}

TEST_F(EngineTest, ValueInAnotherTableJoins) {
  EngineAnswer a = Ask("How many concerts were held at Hampden Park?");
  EXPECT_NE(a.sql.find("JOIN stadium"), std::string::npos) << a.sql << a.message;
  EXPECT_NE(a.sql.find("'Hampden Park'"), std::string::npos) << a.sql;
}

TEST_F(EngineTest, NeverIsNotInSubquery) {
  EngineAnswer a = Ask("List the names of stadiums that do not have any concert.");
  EXPECT_EQ(a.sql, "SELECT name FROM stadium WHERE stadium_id NOT IN (SELECT stadium_id FROM concert)") << a.message;
}

TEST_F(EngineTest, AboveAverage) {
  EngineAnswer a = Ask("Show the names of singers whose age is above the average age.");
  ASSERT_TRUE(a.answered) << a.message;
  EXPECT_EQ(a.sql, "SELECT name FROM singer WHERE age > (SELECT avg(age) FROM singer)");
}

TEST_F(EngineTest, DistinctValues) {
  EngineAnswer a = Ask("What are the different countries of singers?");
  ASSERT_TRUE(a.answered) << a.message;
  EXPECT_EQ(a.sql, "SELECT DISTINCT country FROM singer");
  EXPECT_EQ(Rows(a).size(), 3u);
}

TEST_F(EngineTest, CountDistinct) {
  EngineAnswer a = Ask("How many different countries do singers come from?");
  EXPECT_EQ(a.sql, "SELECT count(DISTINCT country) FROM singer") << a.message;
}

TEST_F(EngineTest, OrderBy) {
  EngineAnswer a = Ask("List the names of singers sorted by age in descending order.");
  ASSERT_TRUE(a.answered) << a.message;
  EXPECT_EQ(a.sql, "SELECT name FROM singer ORDER BY age DESC");
  EngineAnswer b = Ask("List stadium names alphabetically.");
  ASSERT_TRUE(b.answered) << b.message;
  EXPECT_EQ(b.sql, "SELECT name FROM stadium ORDER BY name ASC");
}

TEST_F(EngineTest, AbstainsOnUnknownTerm) {
  EngineAnswer a = Ask("What is the churn of singers?");
  EXPECT_FALSE(a.answered);
  EXPECT_TRUE(a.sql.empty());
  ASSERT_FALSE(a.unknown_terms.empty());
  EXPECT_EQ(a.unknown_terms[0], "churn");
  EXPECT_NE(a.message.find("'churn'"), std::string::npos) << a.message;
}

TEST_F(EngineTest, SuggestsCloseNames) {
  EngineAnswer a = Ask("What is the capasity of stadiums?");
  EXPECT_FALSE(a.answered);
  bool suggested = false;
  for (const std::string& s : a.suggestions) suggested = suggested || s == "stadium.capacity";
  EXPECT_TRUE(suggested) << a.message;
}

TEST_F(EngineTest, QuotesOnlyIdentifiersThatNeedIt) {
  Catalog c;
  TableInfo t;
  t.name = "order";
  t.row_count = 2;
  ColumnInfo id;
  id.name = "id";
  id.type = ColumnType::kInteger;
  id.is_primary_key = true;
  ColumnInfo total;
  total.name = "Total Amount";
  total.label = "Total Amount";
  total.type = ColumnType::kReal;
  t.columns = {id, total};
  t.primary_key = {"id"};
  c.tables.push_back(t);
  auto engine = Engine::Create(c, nullptr);
  ASSERT_TRUE(engine.ok());
  EngineAnswer a = (*engine)->Answer("What is the average total amount of orders?");
  ASSERT_TRUE(a.answered) << a.message;
  EXPECT_EQ(a.sql, "SELECT avg(\"Total Amount\") FROM \"order\"");
}

TEST(EngineCreateTest, RejectsEmptyCatalog) {
  Catalog c;
  auto engine = Engine::Create(c, nullptr);
  ASSERT_FALSE(engine.ok());
  EXPECT_NE(engine.status().message().find("no tables"), std::string::npos);
}

TEST(EngineCreateTest, RejectsBadConfidenceThreshold) {
  Catalog c;
  c.tables.push_back(TableInfo{});
  c.tables[0].name = "t";
  EngineOptions o;
  o.min_confidence = 2;
  EXPECT_FALSE(Engine::Create(c, nullptr, o).ok());
}

}  // namespace
}  // namespace da
