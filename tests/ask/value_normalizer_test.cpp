#include "ask/value_normalizer.h"

#include <gtest/gtest.h>

#include "ask/profiled_db.h"
#include "viz/viz_fixtures.h"

namespace da {
namespace {

using testing::kRetailScript;
using testing::ProfiledDb;

class ValueNormalizerTest : public ::testing::Test {
 protected:
  void SetUp() override { ASSERT_TRUE(db_.ok()) << db_.error(); }

  NormalizationResult Normalize(const std::string& sql) {
    return NormalizeValues(sql, db_.catalog(), db_.values());
  }

  ProfiledDb db_{kRetailScript};
};

TEST_F(ValueNormalizerTest, CaseDifferenceIsFixedAndTheQueryThenFindsRows) {
  const std::string sql = "SELECT count(*) FROM stores WHERE city = 'new york'";
  EXPECT_EQ(db_.Rows(sql), std::vector<std::string>{"0"});
  NormalizationResult r = Normalize(sql);
  EXPECT_EQ(r.sql, "SELECT count(*) FROM stores WHERE city = 'New York'");
  ASSERT_EQ(r.replacements.size(), 1u);
  EXPECT_EQ(r.replacements[0].table, "stores");
  EXPECT_EQ(r.replacements[0].column, "city");
  EXPECT_EQ(r.replacements[0].from, "new york");
  EXPECT_EQ(r.replacements[0].to, "New York");
  EXPECT_DOUBLE_EQ(r.replacements[0].score, 1.0);
  EXPECT_EQ(db_.Rows(r.sql), std::vector<std::string>{"2"});
}

TEST_F(ValueNormalizerTest, TypoIsFixedByEditDistance) {
  NormalizationResult r = Normalize("SELECT store_id FROM stores WHERE city = 'Ney York' ORDER BY store_id");
  EXPECT_EQ(r.sql, "SELECT store_id FROM stores WHERE city = 'New York' ORDER BY store_id");
  ASSERT_EQ(r.replacements.size(), 1u);
  EXPECT_EQ(r.replacements[0].to, "New York");
  EXPECT_GE(r.replacements[0].score, kMinReplacementScore);
  EXPECT_LT(r.replacements[0].score, 1.0);
  EXPECT_EQ(db_.Rows(r.sql), (std::vector<std::string>{"1", "2"}));

  r = Normalize("SELECT * FROM stores WHERE city = 'Chicgo'");
  EXPECT_EQ(r.sql, "SELECT * FROM stores WHERE city = 'Chicago'");
  r = Normalize("SELECT * FROM regions WHERE region_name = 'midwest '");
  EXPECT_EQ(r.sql, "SELECT * FROM regions WHERE region_name = 'Midwest'");
}

TEST_F(ValueNormalizerTest, AliasesResolveThroughFromAndJoin) {
  const std::string sql =
      "SELECT sum(T1.amount) FROM sales AS T1 JOIN stores T2 ON T1.store_id = T2.store_id "
      "JOIN regions AS T3 ON T2.region_id = T3.region_id WHERE T2.city = 'chicago' AND T3.region_name = 'mid west'";
  NormalizationResult r = Normalize(sql);
  ASSERT_EQ(r.replacements.size(), 2u);
  EXPECT_EQ(r.replacements[0].table, "stores");
  EXPECT_EQ(r.replacements[0].to, "Chicago");
  EXPECT_EQ(r.replacements[1].table, "regions");
  EXPECT_EQ(r.replacements[1].to, "Midwest");
  EXPECT_EQ(db_.Rows(r.sql), std::vector<std::string>{"50"});

  // A table name as qualifier, a quoted alias, and a bare column unique among the joined tables.
  std::vector<LiteralFilter> f = FindLiteralFilters(
      "SELECT * FROM stores JOIN \"regions\" \"r\" USING (region_id) "
      "WHERE stores.store_type = 'a' AND \"r\".region_name = 'x' AND city = 'y'",
      db_.catalog());
  ASSERT_EQ(f.size(), 3u);
  EXPECT_EQ(f[0].table + "." + f[0].column, "stores.store_type");
  EXPECT_EQ(f[1].table + "." + f[1].column, "regions.region_name");
  EXPECT_EQ(f[2].table + "." + f[2].column, "stores.city");
}

TEST_F(ValueNormalizerTest, ColumnsResolvedInSubqueriesAndByCatalogFallback) {
  std::vector<LiteralFilter> f = FindLiteralFilters(
      "WITH x AS (SELECT * FROM regions) SELECT * FROM x WHERE region_name = 'West coast'", db_.catalog());
  ASSERT_EQ(f.size(), 1u);  // x is no catalog table: region_name is unique in the catalog
  EXPECT_EQ(f[0].table, "regions");
  f = FindLiteralFilters(
      "SELECT * FROM sales WHERE store_id IN (SELECT s.store_id FROM stores s WHERE s.city = 'x')", db_.catalog());
  ASSERT_EQ(f.size(), 1u);
  EXPECT_EQ(f[0].table, "stores");
  // store_id is in sales, stores and employees: with both sales and stores in scope it is
  // ambiguous, and not a filter.
  EXPECT_TRUE(FindLiteralFilters("SELECT * FROM sales JOIN stores USING (store_id) WHERE store_id = '1'",
                                 db_.catalog()).empty());
}

TEST_F(ValueNormalizerTest, SubqueryAliasesFallBackToTheTablesInScope) {
  NormalizationResult r = Normalize(
      "SELECT count(*) FROM (SELECT * FROM stores WHERE size > 1000) AS sub WHERE sub.city = 'CHICAGO'");
  EXPECT_EQ(r.sql, "SELECT count(*) FROM (SELECT * FROM stores WHERE size > 1000) AS sub WHERE sub.city = 'Chicago'");
  EXPECT_EQ(db_.Rows(r.sql), std::vector<std::string>{"1"});
}

TEST_F(ValueNormalizerTest, InListsAreFixedElementByElement) {
  const std::string sql =
      "SELECT city FROM stores WHERE city IN ('new york', 'Chicago', 'san fransisco', 42) ORDER BY city";
  NormalizationResult r = Normalize(sql);
  EXPECT_EQ(r.sql,
            "SELECT city FROM stores WHERE city IN ('New York', 'Chicago', 'San Francisco', 42) ORDER BY city");
  ASSERT_EQ(r.replacements.size(), 2u);
  EXPECT_EQ(r.replacements[0].from, "new york");
  EXPECT_EQ(r.replacements[1].from, "san fransisco");
  EXPECT_EQ(db_.Rows(r.sql), (std::vector<std::string>{"Chicago", "New York", "New York", "San Francisco"}));
  // NOT IN and subqueries are left alone.
  EXPECT_TRUE(Normalize("SELECT 1 FROM stores WHERE city NOT IN ('new york')").replacements.empty());
}

TEST_F(ValueNormalizerTest, QuotesInsideLiterals) {
  NormalizationResult r = Normalize("SELECT * FROM employees WHERE last_name = 'o''brien'");
  EXPECT_EQ(r.sql, "SELECT * FROM employees WHERE last_name = 'O''Brien'");
  ASSERT_EQ(r.replacements.size(), 1u);
  EXPECT_EQ(r.replacements[0].from, "o'brien");
  EXPECT_EQ(r.replacements[0].to, "O'Brien");
  EXPECT_EQ(db_.Rows(r.sql).size(), 1u);

  r = Normalize("SELECT * FROM stores WHERE city = 'ofallon'");
  EXPECT_EQ(r.sql, "SELECT * FROM stores WHERE city = 'O''Fallon'");

  // A literal that holds the other quote characters and SQL-looking text is only a literal.
  r = Normalize("SELECT * FROM stores WHERE city = 'Chicago\" OR 1=1 --'");
  EXPECT_TRUE(r.replacements.empty()) << r.sql;
}

TEST_F(ValueNormalizerTest, LikePatternsKeepTheirWildcards) {
  NormalizationResult r = Normalize("SELECT count(*) FROM stores WHERE city LIKE '%Ney York%'");
  EXPECT_EQ(r.sql, "SELECT count(*) FROM stores WHERE city LIKE '%New York%'");
  EXPECT_EQ(db_.Rows(r.sql), std::vector<std::string>{"2"});
  // Patterns that already match a value (LIKE ignores ASCII case) stay.
  EXPECT_TRUE(Normalize("SELECT * FROM stores WHERE city LIKE '%york%'").replacements.empty());
  EXPECT_TRUE(Normalize("SELECT * FROM stores WHERE city LIKE 'new york'").replacements.empty());
  // Inner wildcards are the writer's intent.
  EXPECT_TRUE(Normalize("SELECT * FROM stores WHERE city LIKE 'N_y%rk'").replacements.empty());
}

TEST_F(ValueNormalizerTest, PostgresLikeIsCaseSensitiveAndIlikeIsNot) {
  auto normalize = [&](const std::string& sql) { return NormalizeValues(sql, db_.catalog(), db_.values(), SqlDialect::kPostgres); };
  // PostgreSQL's LIKE matches case exactly: a wrongly-cased pattern finds nothing, so it is fixed.
  NormalizationResult r = normalize("SELECT * FROM stores WHERE city LIKE 'new york'");
  EXPECT_EQ(r.sql, "SELECT * FROM stores WHERE city LIKE 'New York'");
  ASSERT_EQ(r.replacements.size(), 1u);
  EXPECT_EQ(r.replacements[0].to, "New York");
  // ILIKE ignores case in every dialect: the pattern already matches and stays.
  EXPECT_TRUE(normalize("SELECT * FROM stores WHERE city ILIKE '%york%'").replacements.empty());
  EXPECT_TRUE(normalize("SELECT * FROM stores WHERE city NOT ILIKE 'new york'").replacements.empty());
  EXPECT_TRUE(Normalize("SELECT * FROM stores WHERE city ILIKE 'new york'").replacements.empty());
  // A typo under ILIKE is still fixed.
  EXPECT_EQ(normalize("SELECT * FROM stores WHERE city ILIKE '%Ney York%'").sql,
            "SELECT * FROM stores WHERE city ILIKE '%New York%'");
  std::vector<LiteralFilter> filters = FindLiteralFilters("SELECT * FROM stores WHERE city ILIKE 'x'", db_.catalog());
  ASSERT_EQ(filters.size(), 1u);
  EXPECT_EQ(filters[0].kind, LiteralFilter::Kind::kLike);
  EXPECT_TRUE(filters[0].ignore_case);
  EXPECT_TRUE(FindLiteralFilters("SELECT * FROM stores WHERE city LIKE 'x'", db_.catalog())[0].ignore_case);
  EXPECT_FALSE(FindLiteralFilters("SELECT * FROM stores WHERE city LIKE 'x'", db_.catalog(), SqlDialect::kPostgres)[0].ignore_case);
}

TEST_F(ValueNormalizerTest, NothingToFix) {
  for (const char* sql : {
           "SELECT * FROM stores WHERE city = 'New York'",             // stored as written
           "SELECT * FROM stores WHERE city = 'Atlantis'",             // nothing close
           "SELECT * FROM stores",                                     // no filter
           "SELECT * FROM stores WHERE lower(city) = 'new york'",      // a function, not the column
           "SELECT * FROM stores WHERE city <> 'new york'",            // not an equality
           "SELECT 'new york' AS city",                                // a literal without a column
           "SELECT * FROM stores WHERE nosuch = 'new york'",           // unknown column
           "SELECT * FROM stores -- city = 'new york'\nWHERE 1",       // in a comment
           "SELECT * FROM stores /* city = 'new york'",                // in an unclosed comment
           "SELECT * FROM stores WHERE city = 'new york",              // unterminated literal
           "",
       }) {
    NormalizationResult r = Normalize(sql);
    EXPECT_TRUE(r.replacements.empty()) << sql << " -> " << r.sql;
    EXPECT_EQ(r.sql, sql);
  }
}

TEST_F(ValueNormalizerTest, NumberLiteralsAndNumericColumnsAreUntouched) {
  const std::string sql =
      "SELECT * FROM stores WHERE size = 150001 AND store_id = '1' AND region_id IN (1, 2) AND city = 'new york'";
  NormalizationResult r = Normalize(sql);
  EXPECT_EQ(r.sql,
            "SELECT * FROM stores WHERE size = 150001 AND store_id = '1' AND region_id IN (1, 2) AND city = 'New York'");
  ASSERT_EQ(r.replacements.size(), 1u);
  EXPECT_EQ(r.replacements[0].column, "city");
}

TEST_F(ValueNormalizerTest, LiteralOnTheLeftAndQuotedIdentifiers) {
  NormalizationResult r = Normalize("SELECT * FROM \"stores\" WHERE 'chicago' = \"city\"");
  EXPECT_EQ(r.sql, "SELECT * FROM \"stores\" WHERE 'Chicago' = \"city\"");
  r = Normalize("SELECT * FROM [stores] WHERE `city` == 'chicago'");
  EXPECT_EQ(r.sql, "SELECT * FROM [stores] WHERE `city` == 'Chicago'");
}

TEST_F(ValueNormalizerTest, WithoutValueIndexTopValuesStillServe) {
  NormalizationResult r = NormalizeValues("SELECT * FROM stores WHERE store_type = 'b'", db_.catalog(), nullptr);
  EXPECT_EQ(r.sql, "SELECT * FROM stores WHERE store_type = 'B'");
}

TEST(ResultLooksEmptyTest, EmptyNullAndZeroRows) {
  using testing::D;
  using testing::I;
  using testing::MakeResult;
  using testing::Null;
  using testing::S;
  EXPECT_TRUE(ResultLooksEmpty(MakeResult({"a"}, {})));
  EXPECT_TRUE(ResultLooksEmpty(MakeResult({"count(*)"}, {{I(0)}})));
  EXPECT_TRUE(ResultLooksEmpty(MakeResult({"sum", "avg"}, {{Null(), D(0)}})));
  EXPECT_FALSE(ResultLooksEmpty(MakeResult({"count(*)"}, {{I(3)}})));
  EXPECT_FALSE(ResultLooksEmpty(MakeResult({"name"}, {{S("")}})));
  EXPECT_FALSE(ResultLooksEmpty(MakeResult({"a"}, {{I(0)}, {I(0)}})));
}

}  // namespace
}  // namespace da
