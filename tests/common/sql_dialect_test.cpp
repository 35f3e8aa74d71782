#include "common/sql_dialect.h"

#include <gtest/gtest.h>

namespace da {
namespace {

constexpr SqlDialect kLite = SqlDialect::kSqlite;
constexpr SqlDialect kPg = SqlDialect::kPostgres;
constexpr SqlDialect kRs = SqlDialect::kRedshift;

TEST(SqlDialectTest, DatasetKindsAndNames) {
  EXPECT_EQ(DialectOfDatasetKind("postgres"), kPg);
  EXPECT_EQ(DialectOfDatasetKind("PostgreSQL"), kPg);
  EXPECT_EQ(DialectOfDatasetKind("redshift"), kRs);
  for (const char* kind : {"csv", "zip", "xlsx", "sqlite", ""}) EXPECT_EQ(DialectOfDatasetKind(kind), kLite) << kind;

  EXPECT_EQ(DialectName(kLite), "SQLite");
  EXPECT_EQ(DialectName(kPg), "PostgreSQL");
  EXPECT_EQ(DialectName(kRs), "Amazon Redshift");
  for (SqlDialect d : {kLite, kPg, kRs}) EXPECT_EQ(ParseSqlDialect(DialectName(d)), d);
  EXPECT_EQ(ParseSqlDialect("postgres"), kPg);
  EXPECT_EQ(ParseSqlDialect(" redshift "), kRs);
  EXPECT_EQ(ParseSqlDialect("sqlite"), kLite);
  EXPECT_EQ(ParseSqlDialect("DuckDB"), std::nullopt);

  EXPECT_FALSE(IsPostgresFamily(kLite));
  EXPECT_TRUE(IsPostgresFamily(kPg));
  EXPECT_TRUE(IsPostgresFamily(kRs));
  EXPECT_FALSE(StrictGrouping(kLite));
  EXPECT_TRUE(StrictGrouping(kPg));
  EXPECT_TRUE(StrictGrouping(kRs));
}

TEST(SqlDialectTest, ReservedWords) {
  for (SqlDialect d : {kLite, kPg, kRs}) {
    for (const char* w : {"select", "ORDER", "group", "table", "where"}) EXPECT_TRUE(IsReservedWord(d, w)) << w;
    EXPECT_FALSE(IsReservedWord(d, "singer")) << DialectName(d);
  }
  // PostgreSQL's column-name and type/function keywords cannot stand bare everywhere either.
  EXPECT_TRUE(IsReservedWord(kPg, "user"));
  EXPECT_TRUE(IsReservedWord(kPg, "timestamp"));
  EXPECT_TRUE(IsReservedWord(kPg, "left"));
  EXPECT_FALSE(IsReservedWord(kPg, "year"));
  EXPECT_FALSE(IsReservedWord(kPg, "name"));
  // Redshift's own reserved words.
  for (const char* w : {"tag", "open", "delta", "top", "percent", "offline"}) {
    EXPECT_TRUE(IsReservedWord(kRs, w)) << w;
    EXPECT_FALSE(IsReservedWord(kPg, w)) << w;
  }
}

TEST(SqlDialectTest, QuoteName) {
  // SQLite: bare unless not a plain identifier or a keyword (as the engine always wrote).
  EXPECT_EQ(QuoteName(kLite, "Singer"), "Singer");
  EXPECT_EQ(QuoteName(kLite, "song_name"), "song_name");
  EXPECT_EQ(QuoteName(kLite, "order"), "\"order\"");
  EXPECT_EQ(QuoteName(kLite, "Weekly Sales"), "\"Weekly Sales\"");
  EXPECT_EQ(QuoteName(kLite, "2020"), "\"2020\"");
  // PostgreSQL and Redshift fold unquoted names to lowercase: any capital needs quotes.
  for (SqlDialect d : {kPg, kRs}) {
    EXPECT_EQ(QuoteName(d, "singer"), "singer");
    EXPECT_EQ(QuoteName(d, "_id2"), "_id2");
    EXPECT_EQ(QuoteName(d, "Singer"), "\"Singer\"");
    EXPECT_EQ(QuoteName(d, "Song_Name"), "\"Song_Name\"");
    EXPECT_EQ(QuoteName(d, "order"), "\"order\"");
    EXPECT_EQ(QuoteName(d, "user"), "\"user\"");
    EXPECT_EQ(QuoteName(d, "weekly sales"), "\"weekly sales\"");
    EXPECT_EQ(QuoteName(d, "say \"hi\""), "\"say \"\"hi\"\"\"");
    EXPECT_EQ(QuoteName(d, "2020"), "\"2020\"");
    EXPECT_EQ(QuoteName(d, "café"), "\"café\"");
  }
  EXPECT_EQ(QuoteName(kPg, "tag"), "tag");
  EXPECT_EQ(QuoteName(kRs, "tag"), "\"tag\"");
}

TEST(SqlDialectTest, Literals) {
  EXPECT_EQ(StringLiteral("O'Brien"), "'O''Brien'");
  EXPECT_EQ(StringLiteral("a\\b"), "'a\\b'");  // standard_conforming_strings: no E''
  EXPECT_EQ(BooleanLiteral(kLite, true), "1");
  EXPECT_EQ(BooleanLiteral(kLite, false), "0");
  for (SqlDialect d : {kPg, kRs}) {
    EXPECT_EQ(BooleanLiteral(d, true), "TRUE");
    EXPECT_EQ(BooleanLiteral(d, false), "FALSE");
  }
}

TEST(SqlDialectTest, Dates) {
  EXPECT_EQ(DatePartOf(kLite, DatePart::kYear, "d"), "strftime('%Y', d)");
  EXPECT_EQ(DatePartOf(kLite, DatePart::kMonth, "T1.d"), "strftime('%m', T1.d)");
  EXPECT_EQ(DatePartValue(kLite, DatePart::kYear, 2012), "'2012'");
  EXPECT_EQ(DatePartValue(kLite, DatePart::kMonth, 3), "'03'");
  EXPECT_EQ(DatePartValue(kLite, DatePart::kMonth, 11), "'11'");
  EXPECT_EQ(YearMonthOf(kLite, "d"), "strftime('%Y-%m', d)");
  EXPECT_EQ(DateTruncOf(kLite, "year", "d"), "strftime('%Y-01-01', d)");
  EXPECT_EQ(DateTruncOf(kLite, "month", "d"), "strftime('%Y-%m-01', d)");
  EXPECT_EQ(DateTruncOf(kLite, "day", "d"), "date(d)");
  for (SqlDialect d : {kPg, kRs}) {
    EXPECT_EQ(DatePartOf(d, DatePart::kYear, "d"), "CAST(EXTRACT(YEAR FROM d) AS INTEGER)");
    EXPECT_EQ(DatePartOf(d, DatePart::kMonth, "\"D\""), "CAST(EXTRACT(MONTH FROM \"D\") AS INTEGER)");
    EXPECT_EQ(DatePartValue(d, DatePart::kYear, 2012), "2012");
    EXPECT_EQ(DatePartValue(d, DatePart::kMonth, 3), "3");
    EXPECT_EQ(YearMonthOf(d, "d"), "to_char(d, 'YYYY-MM')");
    EXPECT_EQ(DateTruncOf(d, "Month", "d"), "date_trunc('month', d)");
    EXPECT_EQ(DateTruncOf(d, "year", "d"), "date_trunc('year', d)");
    EXPECT_EQ(DateTruncOf(d, "fortnight", "d"), "date_trunc('day', d)");
  }
}

TEST(SqlDialectTest, OperatorsAndFunctions) {
  EXPECT_EQ(CaseInsensitiveLike(kLite, false), "LIKE");
  EXPECT_EQ(CaseInsensitiveLike(kLite, true), "NOT LIKE");
  for (SqlDialect d : {kPg, kRs}) {
    EXPECT_EQ(CaseInsensitiveLike(d, false), "ILIKE");
    EXPECT_EQ(CaseInsensitiveLike(d, true), "NOT ILIKE");
  }
  EXPECT_EQ(RealOf(kLite, "x"), "CAST(x AS REAL)");
  EXPECT_EQ(RealOf(kPg, "x"), "CAST(x AS DOUBLE PRECISION)");
  EXPECT_EQ(RealOf(kRs, "x"), "CAST(x AS DOUBLE PRECISION)");
  // Only Redshift's AVG of an integer truncates.
  EXPECT_EQ(AverageOf(kLite, "age", true), "avg(age)");
  EXPECT_EQ(AverageOf(kPg, "age", true), "avg(age)");
  EXPECT_EQ(AverageOf(kRs, "age", true), "avg(CAST(age AS DOUBLE PRECISION))");
  EXPECT_EQ(AverageOf(kRs, "price", false), "avg(price)");
  for (SqlDialect d : {kLite, kPg, kRs}) {
    EXPECT_EQ(ConcatOf(d, "a", "'-'"), "a || '-'");
    EXPECT_EQ(LimitClause(d, 5), " LIMIT 5");
    EXPECT_EQ(OrderDirection(d, false), " ASC");
  }
  EXPECT_EQ(OrderDirection(kLite, true), " DESC");
  EXPECT_EQ(OrderDirection(kPg, true), " DESC NULLS LAST");
  EXPECT_EQ(OrderDirection(kRs, true), " DESC NULLS LAST");
  EXPECT_EQ(DerivedTableAlias(kLite, "s"), "");
  EXPECT_EQ(DerivedTableAlias(kPg, "s"), " AS s");
  EXPECT_EQ(DerivedTableAlias(kRs, "s"), " AS s");
}

}  // namespace
}  // namespace da
