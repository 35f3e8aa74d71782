#include "eval/sql_shape.h"

#include <gtest/gtest.h>

namespace da {
namespace {

QueryShape Shape(const char* sql) { return ClassifyQueryShape(sql); }

TEST(SqlShapeTest, SetOperationsComeFirst) {
  EXPECT_EQ(Shape("SELECT name FROM a UNION SELECT name FROM b"), QueryShape::kSetOperation);
  EXPECT_EQ(Shape("select x from a intersect select x from b join c on b.id = c.id"), QueryShape::kSetOperation);
  EXPECT_EQ(Shape("SELECT x FROM t WHERE y IN (SELECT y FROM u EXCEPT SELECT y FROM v)"),
            QueryShape::kSetOperation);
}

TEST(SqlShapeTest, NestedBeforeJoinAndGroup) {
  EXPECT_EQ(Shape("SELECT name FROM singer WHERE age > (SELECT avg(age) FROM singer)"), QueryShape::kNested);
  EXPECT_EQ(Shape("SELECT a.x, count(*) FROM a JOIN b ON a.id = b.id WHERE a.y NOT IN (SELECT y FROM c) GROUP BY a.x"),
            QueryShape::kNested);
  EXPECT_EQ(Shape("SELECT count(*) FROM (SELECT DISTINCT x FROM t)"), QueryShape::kNested);
}

TEST(SqlShapeTest, JoinsExplicitAndByComma) {
  EXPECT_EQ(Shape("SELECT T1.name FROM singer AS T1 JOIN concert AS T2 ON T1.id = T2.sid GROUP BY T1.name"),
            QueryShape::kJoin);
  EXPECT_EQ(Shape("SELECT a.x FROM a, b WHERE a.id = b.id"), QueryShape::kJoin);
  EXPECT_EQ(Shape("SELECT a.x, a.y FROM a WHERE a.z = 1"), QueryShape::kSingleTable);  // select-list commas
}

TEST(SqlShapeTest, GroupByAndSingleTable) {
  EXPECT_EQ(Shape("SELECT country, count(*) FROM singer GROUP BY country"), QueryShape::kGroupBy);
  EXPECT_EQ(Shape("SELECT count(*) FROM singer WHERE age > 20 ORDER BY age LIMIT 3"), QueryShape::kSingleTable);
}

TEST(SqlShapeTest, KeywordsInsideStringsAndQuotedNamesDoNotCount) {
  EXPECT_EQ(Shape("SELECT * FROM t WHERE name = 'union join (select)'"), QueryShape::kSingleTable);
  EXPECT_EQ(Shape("SELECT \"group\" FROM \"join\" WHERE x = 'it''s UNION'"), QueryShape::kSingleTable);
  EXPECT_EQ(Shape("SELECT x FROM t -- UNION SELECT y\n"), QueryShape::kSingleTable);
}

TEST(SqlShapeTest, Names) {
  EXPECT_STREQ(QueryShapeName(QueryShape::kSetOperation), "set_operation");
  EXPECT_STREQ(QueryShapeName(QueryShape::kNested), "nested");
  EXPECT_STREQ(QueryShapeName(QueryShape::kJoin), "join");
  EXPECT_STREQ(QueryShapeName(QueryShape::kGroupBy), "group_by");
  EXPECT_STREQ(QueryShapeName(QueryShape::kSingleTable), "single_table");
}

TEST(SqlShapeTest, TopLevelOrderBy) {
  EXPECT_TRUE(HasTopLevelOrderBy("SELECT name FROM singer ORDER BY age DESC"));
  EXPECT_TRUE(HasTopLevelOrderBy("select name from a union select name from b order by name"));
  EXPECT_FALSE(HasTopLevelOrderBy("SELECT name FROM singer WHERE id IN (SELECT id FROM t ORDER BY x LIMIT 1)"));
  EXPECT_FALSE(HasTopLevelOrderBy("SELECT 'order by' FROM t"));
  EXPECT_FALSE(HasTopLevelOrderBy("SELECT count(*) FROM t"));
}

}  // namespace
}  // namespace da
