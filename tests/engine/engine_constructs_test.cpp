// One test per construct the engine reads, each on a small schema of its own, checked by the
// rows its SQL returns (and the SQL shape where the shape is the point).
#include <gtest/gtest.h>

#include <algorithm>

#include "engine_fixture.h"

namespace da {
namespace {

bool Has(const std::string& sql, const std::string& part) { return sql.find(part) != std::string::npos; }

std::vector<std::string> Sorted(std::vector<std::string> v) {
  std::sort(v.begin(), v.end());
  return v;
}

constexpr const char* kPeople = R"sql(
CREATE TABLE person (person_id INTEGER PRIMARY KEY, name TEXT, city TEXT, age INTEGER, weight REAL);
INSERT INTO person VALUES (1, 'Ann', 'Oslo', 52, 61.5), (2, 'Bob', 'Rome', 32, 80.0), (3, 'Cid', 'Oslo', 29, 75.0),
  (4, 'Dee', 'Rome', 41, 58.0), (5, 'Eve', 'Lima', 43, 66.0), (6, 'Fay', 'Lima', 25, 90.5);
)sql";

TEST(EngineConstructsTest, SuperlativeAdjectiveOrdersByItsAttribute) {
  EngineOver e(kPeople);
  ASSERT_TRUE(e.ok()) << e.error();
  // WordNet: young -> age, heavy -> weight.
  EngineAnswer a = e.Ask("What is the name of the youngest person?");
  ASSERT_TRUE(a.answered) << a.message;
  EXPECT_EQ(e.Rows(a), std::vector<std::string>{"Fay"}) << a.sql;
  a = e.Ask("Which city is the heaviest person from?");
  ASSERT_TRUE(a.answered) << a.message;
  EXPECT_EQ(e.Rows(a), std::vector<std::string>{"Lima"}) << a.sql;
}

TEST(EngineConstructsTest, ComparisonWithTheColumnBetween) {
  EngineOver e(kPeople);
  ASSERT_TRUE(e.ok()) << e.error();
  for (const char* q : {"How many people above age 40 are there?", "How many people have a greater age than 40?"}) {
    EngineAnswer a = e.Ask(q);
    ASSERT_TRUE(a.answered) << q << ": " << a.message;
    EXPECT_TRUE(Has(a.sql, "age > 40")) << a.sql;
    EXPECT_EQ(e.Rows(a), std::vector<std::string>{"3"}) << a.sql;
  }
  EngineAnswer a = e.Ask("List the names of people under age 30.");
  ASSERT_TRUE(a.answered) << a.message;
  EXPECT_EQ(Sorted(e.Rows(a)), (std::vector<std::string>{"Cid", "Fay"})) << a.sql;
}

TEST(EngineConstructsTest, AlternativeComparisonsAndRankedAdjectives) {
  EngineOver e(kPeople);
  ASSERT_TRUE(e.ok()) << e.error();
  EngineAnswer a = e.Ask("What are the names of people that have an age of over 50 or a weight of over 85?");
  ASSERT_TRUE(a.answered) << a.message;
  EXPECT_EQ(a.sql, "SELECT name FROM person WHERE age > 50 OR weight > 85");
  a = e.Ask("List the names of the top 2 oldest people.");
  ASSERT_TRUE(a.answered) << a.message;
  EXPECT_EQ(a.sql, "SELECT name FROM person ORDER BY age DESC LIMIT 2");
  a = e.Ask("Show each city and the corresponding count of people sorted by the count in descending order.");
  ASSERT_TRUE(a.answered) << a.message;
  EXPECT_EQ(a.sql, "SELECT city, count(*) FROM person GROUP BY city ORDER BY count(*) DESC");
}

TEST(EngineConstructsTest, SortRangeGivesTheDirection) {
  EngineOver e(kPeople);
  ASSERT_TRUE(e.ok()) << e.error();
  EngineAnswer a = e.Ask("List the names of people ordered by age from the oldest to the youngest.");
  ASSERT_TRUE(a.answered) << a.message;
  EXPECT_EQ(a.sql, "SELECT name FROM person ORDER BY age DESC");
}

TEST(EngineConstructsTest, UnplacedOperatorWordDeclines) {
  EngineOver e(kPeople);
  ASSERT_TRUE(e.ok()) << e.error();
  // Nothing in the schema says what "cheapest" ranks by: answering without it would be wrong.
  EngineAnswer a = e.Ask("What is the name of the cheapest person?");
  EXPECT_FALSE(a.answered) << a.sql;
  EXPECT_TRUE(Has(a.message, "cheapest")) << a.message;
  EXPECT_FALSE(a.doubts.empty());
}

TEST(EngineConstructsTest, AggregateListBeforeOneMeasure) {
  EngineOver e(kPeople);
  ASSERT_TRUE(e.ok()) << e.error();
  EngineAnswer a = e.Ask("What is the average, minimum, and maximum age of people from Oslo?");
  ASSERT_TRUE(a.answered) << a.message;
  EXPECT_EQ(a.sql, "SELECT avg(age), min(age), max(age) FROM person WHERE city = 'Oslo'");
}

TEST(EngineConstructsTest, EveryRowOfTheMainTableIsNotAGroup) {
  EngineOver e(kPeople);
  ASSERT_TRUE(e.ok()) << e.error();
  EngineAnswer a = e.Ask("What is the age and city of every person?");
  ASSERT_TRUE(a.answered) << a.message;
  EXPECT_EQ(a.sql, "SELECT age, city FROM person");
}

constexpr const char* kPets = R"sql(
CREATE TABLE student (stu_id INTEGER PRIMARY KEY, fname TEXT, lname TEXT, age INTEGER);
CREATE TABLE pet (pet_id INTEGER PRIMARY KEY, pet_type TEXT, pet_age INTEGER);
CREATE TABLE has_pet (stu_id INTEGER REFERENCES student(stu_id), pet_id INTEGER REFERENCES pet(pet_id));
INSERT INTO student VALUES (1, 'Linda', 'Smith', 18), (2, 'Tracy', 'Kim', 19), (3, 'Shiela', 'Jones', 21),
  (4, 'Dinesh', 'Kumar', 20), (5, 'Linda', 'Lee', 22);
INSERT INTO pet VALUES (1, 'cat', 3), (2, 'dog', 2), (3, 'dog', 1), (4, 'cat', 5);
INSERT INTO has_pet VALUES (1, 1), (1, 2), (2, 3), (3, 4), (5, 2);
)sql";

TEST(EngineConstructsTest, InitialAbbreviatedColumnNames) {
  EngineOver e(kPets);
  ASSERT_TRUE(e.ok()) << e.error();
  EngineAnswer a = e.Ask("What is the first name of each student?");
  ASSERT_TRUE(a.answered) << a.message;
  EXPECT_EQ(a.sql, "SELECT fname FROM student");
  a = e.Ask("What are the last names of students older than 20?");
  ASSERT_TRUE(a.answered) << a.message;
  EXPECT_EQ(Sorted(e.Rows(a)), (std::vector<std::string>{"Jones", "Lee"})) << a.sql;
}

TEST(EngineConstructsTest, NegationOnARelatedTableExcludesTheEntity) {
  EngineOver e(kPets);
  ASSERT_TRUE(e.ok()) << e.error();
  // Linda Smith has a cat and a dog: "pet type <> cat" over the join would keep her.
  EngineAnswer a = e.Ask("Find the last name of students who do not have a cat.");
  ASSERT_TRUE(a.answered) << a.message;
  EXPECT_TRUE(Has(a.sql, "NOT IN (SELECT")) << a.sql;
  EXPECT_EQ(Sorted(e.Rows(a)), (std::vector<std::string>{"Kim", "Kumar", "Lee"})) << a.sql;
}

TEST(EngineConstructsTest, TwoValuesJoinedByAndOnARelatedTableIntersect) {
  EngineOver e(kPets);
  ASSERT_TRUE(e.ok()) << e.error();
  EngineAnswer a = e.Ask("Find the last name of students who have both a cat and a dog.");
  ASSERT_TRUE(a.answered) << a.message;
  EXPECT_TRUE(Has(a.sql, " INTERSECT ")) << a.sql;
  EXPECT_EQ(e.Rows(a), std::vector<std::string>{"Smith"}) << a.sql;
  a = e.Ask("How many students have a cat and a dog?");
  ASSERT_TRUE(a.answered) << a.message;
  EXPECT_EQ(e.Rows(a), std::vector<std::string>{"1"}) << a.sql;
  // "or" stays a union.
  a = e.Ask("Find the last name of students who have a cat or a dog.");
  ASSERT_TRUE(a.answered) << a.message;
  EXPECT_FALSE(Has(a.sql, "INTERSECT")) << a.sql;
}

TEST(EngineConstructsTest, GroupsOfNamedEntitiesUseTheirKey) {
  EngineOver e(kPets);
  ASSERT_TRUE(e.ok()) << e.error();
  // Two students are called Linda: grouping by the name would merge them.
  EngineAnswer a = e.Ask("Show the first name of each student and how many pets they have.");
  ASSERT_TRUE(a.answered) << a.message;
  EXPECT_TRUE(Has(a.sql, "stu_id")) << a.sql;
  std::vector<std::string> rows = e.Rows(a);
  ASSERT_EQ(rows.size(), 4u) << a.sql;
  EXPECT_EQ(std::count_if(rows.begin(), rows.end(), [](const std::string& r) { return Has(r, "Linda|"); }), 2) << a.sql;
}

TEST(EngineConstructsTest, AverageOverAReferencedTableCountsEachRowOnce) {
  EngineOver e(kPets);
  ASSERT_TRUE(e.ok()) << e.error();
  // Averaging over has_pet joined to student would count Linda Smith (18) twice.
  EngineAnswer a = e.Ask("What is the average age of students in has pet?");
  if (a.answered) {
    EXPECT_EQ(e.Rows(a), std::vector<std::string>{"20"}) << a.sql;
  }
}

constexpr const char* kCars = R"sql(
CREATE TABLE car_makers (id INTEGER PRIMARY KEY, maker TEXT, full_name TEXT);
CREATE TABLE model_list (model_id INTEGER PRIMARY KEY, maker INTEGER REFERENCES car_makers(id), model TEXT UNIQUE);
CREATE TABLE car_names (make_id INTEGER PRIMARY KEY, model TEXT REFERENCES model_list(model), make TEXT);
CREATE TABLE cars_data (id INTEGER PRIMARY KEY REFERENCES car_names(make_id), cylinders INTEGER, weight INTEGER, year INTEGER);
INSERT INTO car_makers VALUES (1, 'amc', 'American Motor Company'), (2, 'volvo', 'Volvo');
INSERT INTO model_list VALUES (1, 1, 'amc'), (2, 2, 'volvo');
INSERT INTO car_names VALUES (1, 'amc', 'amc hornet'), (2, 'amc', 'amc gremlin'), (3, 'volvo', 'volvo 144ea'),
  (4, 'volvo', 'volvo 145e');
INSERT INTO cars_data VALUES (1, 6, 2774, 1970), (2, 6, 2648, 1971), (3, 4, 2868, 1972), (4, 8, 3140, 1973);
)sql";

TEST(EngineConstructsTest, LikeNamedTablesResolvedByTheColumnsTheyHold) {
  EngineOver e(kCars);
  ASSERT_TRUE(e.ok()) << e.error();
  EngineAnswer a = e.Ask("How many cars have more than 4 cylinders?");
  ASSERT_TRUE(a.answered) << a.message;
  EXPECT_EQ(a.sql, "SELECT count(*) FROM cars_data WHERE cylinders > 4");
  EXPECT_EQ(e.Rows(a), std::vector<std::string>{"3"});
}

constexpr const char* kSchool = R"sql(
CREATE TABLE highschooler (id INTEGER PRIMARY KEY, name TEXT, grade INTEGER);
CREATE TABLE friend (student_id INTEGER REFERENCES highschooler(id), friend_id INTEGER REFERENCES highschooler(id));
INSERT INTO highschooler VALUES (1, 'Jordan', 9), (2, 'Gabriel', 9), (3, 'Tiffany', 10), (4, 'Kyle', 12);
INSERT INTO friend VALUES (1, 2), (1, 3), (1, 4), (2, 1), (3, 1), (4, 3), (4, 1);
)sql";

TEST(EngineConstructsTest, ClosedCompoundTableNames) {
  EngineOver e(kSchool);
  ASSERT_TRUE(e.ok()) << e.error();
  EngineAnswer a = e.Ask("How many high schoolers are there?");
  ASSERT_TRUE(a.answered) << a.message;
  EXPECT_EQ(a.sql, "SELECT count(*) FROM highschooler");
}

TEST(EngineConstructsTest, OfTwoKeysTheJoinTakesTheOneNotNamedLikeItsTable) {
  EngineOver e(kSchool);
  ASSERT_TRUE(e.ok()) << e.error();
  // friend.friend_id names the other party; the friends a student has are keyed by student_id.
  EngineAnswer a = e.Ask("Show the names of high schoolers who have at least 2 friends.");
  ASSERT_TRUE(a.answered) << a.message;
  EXPECT_TRUE(Has(a.sql, "student_id")) << a.sql;
  EXPECT_EQ(Sorted(e.Rows(a)), (std::vector<std::string>{"Jordan", "Kyle"})) << a.sql;
}

constexpr const char* kSales = R"sql(
CREATE TABLE sales ("index" INTEGER, store INTEGER, year INTEGER, week INTEGER, weekly_sales REAL);
CREATE TABLE storesize ("index" INTEGER, store INTEGER, type TEXT, size INTEGER);
INSERT INTO sales VALUES (0, 1, 2011, 1, 1000000), (1, 1, 2011, 2, 3500000), (2, 2, 2011, 1, 500000),
  (3, 2, 2012, 1, 700000), (4, 3, 2012, 1, 3100000), (5, 3, 2012, 2, 2000000);
INSERT INTO storesize VALUES (0, 1, 'A', 150000), (1, 2, 'B', 90000), (2, 3, 'A', 200000);
)sql";

TEST(EngineConstructsTest, ATableNamesItsMeasure) {
  EngineOver e(kSales);
  ASSERT_TRUE(e.ok()) << e.error();
  EngineAnswer a = e.Ask("What were total sales in 2011?");
  ASSERT_TRUE(a.answered) << a.message;
  EXPECT_EQ(a.sql, "SELECT sum(weekly_sales) FROM sales WHERE year = 2011");
  a = e.Ask("Which store had the lowest total sales?");
  ASSERT_TRUE(a.answered) << a.message;
  EXPECT_EQ(e.Rows(a), std::vector<std::string>{"2"}) << a.sql;
  a = e.Ask("Top 2 stores by total sales");
  ASSERT_TRUE(a.answered) << a.message;
  EXPECT_EQ(e.Rows(a), (std::vector<std::string>{"3|5100000", "1|4500000"})) << a.sql;
  a = e.Ask("Which weeks had sales above 3 million in store 1?");
  ASSERT_TRUE(a.answered) << a.message;
  EXPECT_TRUE(Has(a.sql, "weekly_sales > 3000000")) << a.sql;
  EXPECT_TRUE(Has(a.sql, "store = 1")) << a.sql;
}

TEST(EngineConstructsTest, TotalsFrequencyAdjectivesAndYearsOutOfAColumnsRange) {
  EngineOver e(kSales);
  ASSERT_TRUE(e.ok()) << e.error();
  // "totals" after the table sums its measure; 2012 is no week number, so it is the year.
  EngineAnswer a = e.Ask("Sales totals by week in 2012");
  ASSERT_TRUE(a.answered) << a.message;
  EXPECT_EQ(a.sql, "SELECT week, sum(weekly_sales) FROM sales WHERE year = 2012 GROUP BY week");
  a = e.Ask("What were total weekly sales in 2011?");  // the year is no value of the measure
  ASSERT_TRUE(a.answered) << a.message;
  EXPECT_EQ(a.sql, "SELECT sum(weekly_sales) FROM sales WHERE year = 2011");
  a = e.Ask("Yearly sales totals");
  ASSERT_TRUE(a.answered) << a.message;
  EXPECT_EQ(a.sql, "SELECT year, sum(weekly_sales) FROM sales GROUP BY year");
}

TEST(EngineConstructsTest, KeyColumnWithItsValueIsAFilterNotShown) {
  EngineOver e(kSales);
  ASSERT_TRUE(e.ok()) << e.error();
  EngineAnswer a = e.Ask("Average weekly sales of store 3 in 2012");
  ASSERT_TRUE(a.answered) << a.message;
  EXPECT_EQ(e.Rows(a), std::vector<std::string>{"2550000"}) << a.sql;
  EXPECT_FALSE(Has(a.sql, "GROUP BY")) << a.sql;
}

TEST(EngineConstructsTest, RowNumberColumnsDoNotJoinTables) {
  EngineOver e(kSales);
  ASSERT_TRUE(e.ok()) << e.error();
  // Both tables have a data-frame "index"; store is what links them.
  EngineAnswer a = e.Ask("Total sales by store type");
  ASSERT_TRUE(a.answered) << a.message;
  EXPECT_TRUE(Has(a.sql, ".store = ")) << a.sql;
  EXPECT_FALSE(Has(a.sql, "\"index\" =")) << a.sql;
  EXPECT_EQ(Sorted(e.Rows(a)), (std::vector<std::string>{"A|9600000", "B|1200000"})) << a.sql;
}

constexpr const char* kCountries = R"sql(
CREATE TABLE country (code TEXT PRIMARY KEY, name TEXT, continent TEXT, government_form TEXT, population INTEGER);
CREATE TABLE country_language (country_code TEXT REFERENCES country(code), language TEXT);
INSERT INTO country VALUES ('ABW', 'Aruba', 'North America', 'Nonmetropolitan Territory', 103000),
  ('NLD', 'Netherlands', 'Europe', 'Constitutional Monarchy', 15864000), ('FRA', 'France', 'Europe', 'Republic', 59225700),
  ('CAN', 'Canada', 'North America', 'Constitutional Monarchy', 31147000), ('MEX', 'Mexico', 'North America', 'Republic', 98881000);
INSERT INTO country_language VALUES ('ABW', 'Dutch'), ('ABW', 'English'), ('NLD', 'Dutch'), ('NLD', 'English'),
  ('FRA', 'French'), ('CAN', 'English'), ('CAN', 'French'), ('MEX', 'Spanish');
)sql";

TEST(EngineConstructsTest, PluralOfAStoredValue) {
  EngineOver e(kCountries);
  ASSERT_TRUE(e.ok()) << e.error();
  EngineAnswer a = e.Ask("How many countries in North America are republics?");
  ASSERT_TRUE(a.answered) << a.message;
  EXPECT_EQ(e.Rows(a), std::vector<std::string>{"1"}) << a.sql;
}

TEST(EngineConstructsTest, ValueNamedColumnIsNotShown) {
  EngineOver e(kCountries);
  ASSERT_TRUE(e.ok()) << e.error();
  EngineAnswer a = e.Ask("What is the total population of the Europe continent?");
  ASSERT_TRUE(a.answered) << a.message;
  EXPECT_EQ(a.sql, "SELECT sum(population) FROM country WHERE continent = 'Europe'");
}

TEST(EngineConstructsTest, ContradictoryRangesIntersect) {
  EngineOver e(kPeople);
  ASSERT_TRUE(e.ok()) << e.error();
  EngineAnswer a = e.Ask("Which cities have a person above age 40 and a person below age 30?");
  ASSERT_TRUE(a.answered) << a.message;
  EXPECT_TRUE(Has(a.sql, " INTERSECT ")) << a.sql;
  EXPECT_EQ(Sorted(e.Rows(a)), (std::vector<std::string>{"Lima", "Oslo"})) << a.sql;
}

TEST(EngineConstructsTest, WhenAsksForTheDateAndLastOrdersByIt) {
  EngineOver e(R"sql(
CREATE TABLE transcript (transcript_id INTEGER PRIMARY KEY, transcript_date DATE, other_details TEXT);
INSERT INTO transcript VALUES (1, '1988-04-30', NULL), (2, '2001-01-02', NULL), (3, '1975-10-28', NULL);
)sql");
  ASSERT_TRUE(e.ok()) << e.error();
  EngineAnswer a = e.Ask("When was the last transcript released?");
  ASSERT_TRUE(a.answered) << a.message;
  EXPECT_EQ(a.sql, "SELECT transcript_date FROM transcript ORDER BY transcript_date DESC LIMIT 1");
  EXPECT_EQ(e.Rows(a), std::vector<std::string>{"2001-01-02"});
}

}  // namespace
}  // namespace da
