#include "ask/sql_extract.h"

#include <gtest/gtest.h>

namespace da {
namespace {

std::string Sql(std::string_view reply) {
  Result<std::string> r = ExtractSql(reply);
  EXPECT_TRUE(r.ok()) << reply << "\n-> " << r.status().ToString();
  return r.ok() ? *r : std::string();
}

TEST(SqlExtractTest, SqlFence) {
  EXPECT_EQ(Sql("Here is the query:\n```sql\nSELECT name FROM singer;\n```\nIt lists singers."),
            "SELECT name FROM singer");
}

TEST(SqlExtractTest, FenceLanguageAnyCaseAndDialectNames) {
  EXPECT_EQ(Sql("```SQL\nSELECT 1\n```"), "SELECT 1");
  EXPECT_EQ(Sql("```sqlite\nSELECT 2\n```"), "SELECT 2");
  EXPECT_EQ(Sql("```postgresql\nSELECT 3\n```"), "SELECT 3");
}

TEST(SqlExtractTest, PlainFence) {
  EXPECT_EQ(Sql("```\nSELECT count(*) FROM t\n```"), "SELECT count(*) FROM t");
}

TEST(SqlExtractTest, FirstSqlFenceWinsOverEarlierPlainAndOtherLanguages) {
  const char* reply =
      "Output looks like:\n```\n| n |\n```\n```python\nprint(1)\n```\n"
      "```sql\nSELECT a FROM t\n```\nor also\n```sql\nSELECT b FROM t\n```";
  EXPECT_EQ(Sql(reply), "SELECT a FROM t");
}

TEST(SqlExtractTest, FirstOfSeveralSqlFences) {
  EXPECT_EQ(Sql("```sql\nSELECT 1\n```\n\n```sql\nSELECT 2\n```"), "SELECT 1");
}

TEST(SqlExtractTest, InlineAndUnclosedFences) {
  EXPECT_EQ(Sql("```sql SELECT x FROM t```"), "SELECT x FROM t");
  EXPECT_EQ(Sql("```SELECT y FROM t```"), "SELECT y FROM t");
  EXPECT_EQ(Sql("```sql\nSELECT z\nFROM t\nWHERE a = 1"), "SELECT z\nFROM t\nWHERE a = 1");
}

TEST(SqlExtractTest, CrlfLineEnds) {
  EXPECT_EQ(Sql("Sure.\r\n```sql\r\nSELECT a,\r\n  b\r\nFROM t;\r\n```\r\n"), "SELECT a,\n  b\nFROM t");
  EXPECT_EQ(Sql("SQL: SELECT a\r\nFROM t\r\n\r\nDone."), "SELECT a\nFROM t");
}

TEST(SqlExtractTest, SqlLabelLine) {
  EXPECT_EQ(Sql("Thinking about it.\nSQL: SELECT name FROM singer\nWHERE age > 30;\n\nThis filters by age."),
            "SELECT name FROM singer\nWHERE age > 30");
  EXPECT_EQ(Sql("**SQL:**\nSELECT 1\n"), "SELECT 1");
  EXPECT_EQ(Sql("SQL: `SELECT 2`"), "SELECT 2");
}

TEST(SqlExtractTest, StatementInProse) {
  EXPECT_EQ(Sql("You can run SELECT name FROM singer WHERE country = 'France; Paris'; to get them."),
            "SELECT name FROM singer WHERE country = 'France; Paris'");
  EXPECT_EQ(Sql("I would select the rows with this: select a from t where b = 2\n\nThat is all."),
            "select a from t where b = 2");
  EXPECT_EQ(Sql("Try `SELECT count(*) FROM t` for the count."), "SELECT count(*) FROM t");
}

TEST(SqlExtractTest, WithStatementInProse) {
  EXPECT_EQ(Sql("With pleasure. WITH totals AS (SELECT a, sum(b) s FROM t GROUP BY a) SELECT * FROM totals;"),
            "WITH totals AS (SELECT a, sum(b) s FROM t GROUP BY a) SELECT * FROM totals");
  EXPECT_EQ(Sql("WITH RECURSIVE n(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM n WHERE x < 3) SELECT x FROM n"),
            "WITH RECURSIVE n(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM n WHERE x < 3) SELECT x FROM n");
}

TEST(SqlExtractTest, PlainSqlReply) {
  EXPECT_EQ(Sql("  SELECT * FROM stores  ;;  \n"), "SELECT * FROM stores");
}

TEST(SqlExtractTest, WritesComeBackForTheGuardToRefuse) {
  EXPECT_EQ(Sql("```sql\nDROP TABLE singer;\n```"), "DROP TABLE singer");
  EXPECT_EQ(Sql("```sql\nSELECT 1; DELETE FROM t;\n```"), "SELECT 1; DELETE FROM t");
}

TEST(SqlExtractTest, NoSqlGivesTheReason) {
  Result<std::string> r = ExtractSql("NO_SQL: the dataset has no weather data");
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().code(), Status::Code::kUnsupported);
  EXPECT_EQ(r.status().message(), "the dataset has no weather data");

  r = ExtractSql("\n**NO_SQL:** there is no column for profit\n");
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().code(), Status::Code::kUnsupported);
  EXPECT_EQ(r.status().message(), "there is no column for profit");

  r = ExtractSql("I looked at the schema.\nNO_SQL: nothing about customers\n");
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().message(), "nothing about customers");

  r = ExtractSql("NO_SQL");
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().code(), Status::Code::kUnsupported);
  EXPECT_FALSE(r.status().message().empty());
}

TEST(SqlExtractTest, NoSqlFirstWinsOverLaterSql) {
  Result<std::string> r = ExtractSql("NO_SQL: no prices\nA guess would be ```sql\nSELECT price FROM t\n```");
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().code(), Status::Code::kUnsupported);
}

TEST(SqlExtractTest, GarbageHoldsNoSql) {
  for (const char* reply : {"", "   \n", "I am not sure what you mean.", "With pleasure, I will help.",
                            "Please select a table first.", "```\n\n```", "```python\nprint('x')\n```"}) {
    Result<std::string> r = ExtractSql(reply);
    ASSERT_FALSE(r.ok()) << reply;
    EXPECT_EQ(r.status().code(), Status::Code::kInvalidArgument) << reply;
    EXPECT_EQ(r.status().message(), "the model's reply holds no SQL");
  }
}

}  // namespace
}  // namespace da
