// The same questions in each dialect: SQLite text as the engine always wrote it, PostgreSQL and
// Redshift text under their rules (tests/engine/postgres runs both on real servers).
#include <gtest/gtest.h>

#include "engine/engine.h"
#include "engine_fixture.h"

namespace da {
namespace {

constexpr const char* kSchema = R"sql(
CREATE TABLE "Singer" ("Singer_ID" INTEGER PRIMARY KEY, name TEXT, country TEXT, age INTEGER,
                       birth_date DATE, is_male BOOLEAN, net_worth REAL);
CREATE TABLE concert (concert_id INTEGER PRIMARY KEY, concert_name TEXT, year INTEGER);
CREATE TABLE singer_in_concert (concert_id INTEGER REFERENCES concert(concert_id),
                                "Singer_ID" INTEGER REFERENCES "Singer"("Singer_ID"));
CREATE TABLE song (song_id INTEGER PRIMARY KEY, title TEXT, "order" INTEGER,
                   "Singer_ID" INTEGER REFERENCES "Singer"("Singer_ID"));
INSERT INTO "Singer" VALUES
  (1, 'Joe Sharp', 'Netherlands', 52, '1971-03-02', 1, 30.0), (2, 'Timbaland', 'United States', 32, '1991-05-10', 1, 12.5),
  (3, 'Justin Brown', 'France', 29, '1994-11-20', 1, 8.0), (4, 'Rose White', 'France', 41, '1982-01-15', 0, 20.0),
  (5, 'John Nizinik', 'France', 43, '1980-07-07', 1, 15.0), (6, 'Tribal King', 'France', 25, '1998-09-09', 1, 2.0);
INSERT INTO concert VALUES (1, 'Auditions', 2014), (2, 'Super bootcamp', 2014), (3, 'Home Visits', 2015);
INSERT INTO singer_in_concert VALUES (1, 2), (1, 3), (2, 3), (3, 5);
INSERT INTO song VALUES (1, 'Sun', 1, 1), (2, 'Moon', 2, 1), (3, 'Rain', 1, 3);
)sql";

EngineOptions In(SqlDialect d) {
  EngineOptions options;
  options.dialect = d;
  return options;
}

class EngineDialectTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_TRUE(lite_.ok()) << lite_.error();
    ASSERT_TRUE(pg_.ok()) << pg_.error();
    ASSERT_TRUE(rs_.ok()) << rs_.error();
  }
  // The SQL of `q` in SQLite, PostgreSQL and Redshift (each answered).
  void Expect(const std::string& q, const std::string& sqlite, const std::string& postgres,
              const std::string& redshift = "") {
    SCOPED_TRACE(q);
    EngineAnswer a = lite_.Ask(q), b = pg_.Ask(q), c = rs_.Ask(q);
    ASSERT_TRUE(a.answered && b.answered && c.answered) << a.message;
    EXPECT_EQ(a.sql, sqlite);
    EXPECT_EQ(b.sql, postgres);
    EXPECT_EQ(c.sql, redshift.empty() ? postgres : redshift);
    EXPECT_EQ(b.restatement, a.restatement);
  }

  EngineOver lite_{kSchema, In(SqlDialect::kSqlite)};
  EngineOver pg_{kSchema, In(SqlDialect::kPostgres)};
  EngineOver rs_{kSchema, In(SqlDialect::kRedshift)};
};

TEST_F(EngineDialectTest, NamesAreQuotedForPostgres) {
  Expect("How many singers are there?", "SELECT count(*) FROM Singer", "SELECT count(*) FROM \"Singer\"");
}

TEST_F(EngineDialectTest, DateBucketsAndYearFilters) {
  Expect("How many singers were born in 1980?",
         "SELECT count(*) FROM Singer WHERE strftime('%Y', birth_date) = '1980'",
         "SELECT count(*) FROM \"Singer\" WHERE CAST(EXTRACT(YEAR FROM birth_date) AS INTEGER) = 1980");
}

TEST_F(EngineDialectTest, LikeIgnoresCaseEverywhere) {
  Expect("Show the names of singers whose name contains 'john'.",
         "SELECT name FROM Singer WHERE name LIKE '%john%'",
         "SELECT name FROM \"Singer\" WHERE name ILIKE '%john%'");
}

TEST_F(EngineDialectTest, SuperlativesSortNullsLast) {
  Expect("What is the name of the oldest singer?", "SELECT name FROM Singer ORDER BY age DESC LIMIT 1",
         "SELECT name FROM \"Singer\" ORDER BY age DESC NULLS LAST LIMIT 1");
}

TEST_F(EngineDialectTest, ShownColumnsOfGroupedQueriesAreGrouped) {
  // SQLite shows the name beside the grouped key; PostgreSQL groups by it too.
  Expect("What is the name of the singer who performed in the most concerts?",
         "SELECT T1.name FROM Singer AS T1 JOIN singer_in_concert AS T2 ON T2.Singer_ID = T1.Singer_ID JOIN concert AS T3 "
         "ON T2.concert_id = T3.concert_id GROUP BY T1.Singer_ID ORDER BY count(*) DESC LIMIT 1",
         "SELECT T1.name FROM \"Singer\" AS T1 JOIN singer_in_concert AS T2 ON T2.\"Singer_ID\" = T1.\"Singer_ID\" "
         "JOIN concert AS T3 ON T2.concert_id = T3.concert_id GROUP BY T1.\"Singer_ID\", T1.name "
         "ORDER BY count(*) DESC NULLS LAST LIMIT 1");
}

TEST_F(EngineDialectTest, CountedIntersectionNamesItsSubquery) {
  Expect("How many singers performed in both 2014 and 2015?",
         "SELECT count(*) FROM (SELECT Singer_ID FROM Singer WHERE strftime('%Y', birth_date) = '2014' INTERSECT "
         "SELECT Singer_ID FROM Singer WHERE strftime('%Y', birth_date) = '2015')",
         "SELECT count(*) FROM (SELECT \"Singer_ID\" FROM \"Singer\" WHERE CAST(EXTRACT(YEAR FROM birth_date) AS INTEGER) = "
         "2014 INTERSECT SELECT \"Singer_ID\" FROM \"Singer\" WHERE CAST(EXTRACT(YEAR FROM birth_date) AS INTEGER) = 2015) "
         "AS s");
}

TEST_F(EngineDialectTest, AveragesOfIntegersAreFractionsInRedshift) {
  Expect("What is the average age of singers from France?",
         "SELECT avg(age) FROM Singer WHERE country = 'France'",
         "SELECT avg(age) FROM \"Singer\" WHERE country = 'France'",
         "SELECT avg(CAST(age AS DOUBLE PRECISION)) FROM \"Singer\" WHERE country = 'France'");
}

TEST_F(EngineDialectTest, BooleansCompareWithTruthValues) {
  Expect("Which singers have is male 1?", "SELECT name FROM Singer WHERE is_male = 1",
         "SELECT name FROM \"Singer\" WHERE is_male = TRUE");
}

}  // namespace
}  // namespace da
