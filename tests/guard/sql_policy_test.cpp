#include "guard/sql_policy.h"

#include <gtest/gtest.h>
#include <sqlite3.h>

#include "guard/sql_text.h"

namespace da {
namespace {

TableVisibility Tables() {
  TableVisibility t;
  t.dataset_tables = {"orders", "secret", "v_secret"};
  t.hidden_tables = {"secret"};
  return t;
}

AuthDecision Ask(int action, const char* arg1, const char* arg2,
                 const TableVisibility& tables = Tables()) {
  return Authorize(AuthRequest{action, arg1, arg2, "main", nullptr}, tables);
}

TEST(SqlTextTest, SkipsWhitespaceCommentsAndSemicolons) {
  EXPECT_EQ(SkipInsignificant("  -- c\n /* d */ ;SELECT", 0, true), 17u);
  EXPECT_EQ(SkipInsignificant("  ;x", 0, false), 2u);
  EXPECT_EQ(SkipInsignificant("-- no newline", 0, true), 13u);
  EXPECT_EQ(SkipInsignificant("/* unterminated", 0, true), 15u);
  EXPECT_EQ(SkipInsignificant("SELECT 1; -x", 8, true), 10u);  // '-' alone is not a comment
  EXPECT_EQ(SkipInsignificant("", 0, true), 0u);
}

TEST(SqlTextTest, ReadsLeadingWordsUpperCased) {
  EXPECT_EQ(LeadingWords("/* x */ create\n temp -- c\n table t(x)", 0, 5),
            (std::vector<std::string>{"CREATE", "TEMP", "TABLE", "T"}));
  EXPECT_EQ(LeadingWords("explain query plan select 1", 0, 2),
            (std::vector<std::string>{"EXPLAIN", "QUERY"}));
  EXPECT_TRUE(LeadingWords("(SELECT 1)", 0, 3).empty());
  EXPECT_TRUE(LeadingWords("\"order\"", 0, 3).empty());
}

TEST(SqlPolicyTest, DescribesNonQueriesByTheirKeywords) {
  EXPECT_EQ(DescribeNonQuery("SELECT 1", 0), "");
  EXPECT_EQ(DescribeNonQuery("with x as (select 1) select * from x", 0), "");
  EXPECT_EQ(DescribeNonQuery("VALUES (1)", 0), "");
  EXPECT_EQ(DescribeNonQuery("SELEC 1", 0), "");  // left to SQLite's syntax error
  EXPECT_EQ(DescribeNonQuery("insert into t values (1)", 0),
            "only read-only queries can run here: INSERT is a write");
  EXPECT_EQ(DescribeNonQuery("Replace into t values (1)", 0),
            "only read-only queries can run here: REPLACE is a write");
  EXPECT_EQ(DescribeNonQuery("CREATE TEMPORARY VIEW v AS SELECT 1", 0),
            "creating views is not allowed");
  EXPECT_EQ(DescribeNonQuery("create unique index i on t(x)", 0), "creating indexes is not allowed");
  EXPECT_EQ(DescribeNonQuery("CREATE VIRTUAL TABLE f USING fts5(x)", 0),
            "creating tables is not allowed");
  EXPECT_EQ(DescribeNonQuery("DROP TRIGGER tr", 0), "dropping triggers is not allowed");
  EXPECT_EQ(DescribeNonQuery("pragma foo", 0), "PRAGMA is not allowed");
  EXPECT_EQ(DescribeNonQuery("attach 'x' as y", 0), "ATTACH is not allowed");
  EXPECT_EQ(DescribeNonQuery("vacuum into 'x'", 0), "VACUUM is not allowed");
  EXPECT_EQ(DescribeNonQuery("end transaction", 0), "transactions are not allowed");
  EXPECT_EQ(DescribeNonQuery("EXPLAIN QUERY PLAN DELETE FROM t", 0),
            "only read-only queries can run here: DELETE is a write");
  EXPECT_EQ(DescribeNonQuery("EXPLAIN SELECT 1", 0), "");
  EXPECT_EQ(DescribeNonQuery("SELECT 1; DROP TABLE t", 10), "dropping tables is not allowed");
}

TEST(SqlPolicyTest, FunctionAllowlist) {
  for (const char* f : {"count", "sum", "avg", "round", "substr", "strftime", "date",
                        "json_extract", "->>", "row_number", "lag", "sqrt", "ln", "iif",
                        "group_concat", "coalesce"}) {
    EXPECT_TRUE(IsAllowedFunction(f)) << f;
  }
  for (const char* f : {"load_extension", "fts3_tokenizer", "readfile", "writefile", "edit",
                        "sqlite_compileoption_get", "my_udf", ""}) {
    EXPECT_FALSE(IsAllowedFunction(f)) << f;
  }
  EXPECT_TRUE(IsForbiddenFunction("writefile"));
  EXPECT_FALSE(IsForbiddenFunction("lenght"));
}

TEST(SqlPolicyTest, AuthorizerDecisionTable) {
  EXPECT_EQ(Ask(SQLITE_SELECT, nullptr, nullptr).code, SQLITE_OK);
  EXPECT_EQ(Ask(SQLITE_RECURSIVE, nullptr, nullptr).code, SQLITE_OK);
  EXPECT_EQ(Ask(SQLITE_READ, "Orders", "amount").code, SQLITE_OK);
  EXPECT_EQ(Ask(SQLITE_READ, "json_each", "value").code, SQLITE_OK);
  EXPECT_EQ(Ask(SQLITE_READ, "my_cte", "").code, SQLITE_OK);

  AuthDecision hidden = Ask(SQLITE_READ, "Secret", "token");
  EXPECT_EQ(hidden.code, SQLITE_DENY);
  EXPECT_EQ(hidden.reason, "table Secret is not visible in this dataset");
  EXPECT_EQ(Ask(SQLITE_READ, "secret", "").code, SQLITE_DENY);
  EXPECT_EQ(Ask(SQLITE_READ, "sqlite_master", "sql").reason,
            "sqlite_schema is not readable in this dataset because it would reveal hidden tables");
  TableVisibility open_tables;
  open_tables.dataset_tables = {"orders"};
  EXPECT_EQ(Ask(SQLITE_READ, "sqlite_master", "sql", open_tables).code, SQLITE_OK);
  EXPECT_EQ(Ask(SQLITE_READ, "sqlite_temp_master", "name", open_tables).code, SQLITE_OK);

  EXPECT_EQ(Ask(SQLITE_READ, "pragma_table_info", "name").reason, "PRAGMA is not allowed");
  EXPECT_EQ(Ask(SQLITE_READ, "dbstat", "").reason, "table dbstat is not available here");
  EXPECT_EQ(Ask(SQLITE_READ, "unknown_vtab", "col").reason,
            "table unknown_vtab is not available here");

  EXPECT_EQ(Ask(SQLITE_FUNCTION, nullptr, "LOAD_EXTENSION").reason,
            "function load_extension is not allowed");
  EXPECT_EQ(Ask(SQLITE_FUNCTION, nullptr, "sum").code, SQLITE_OK);

  EXPECT_EQ(Ask(SQLITE_INSERT, "orders", nullptr).reason,
            "only read-only queries can run here: INSERT is a write");
  EXPECT_EQ(Ask(SQLITE_DELETE, "orders", nullptr).reason,
            "only read-only queries can run here: DELETE is a write");
  EXPECT_EQ(Ask(SQLITE_CREATE_TEMP_TABLE, "t", nullptr).reason, "creating tables is not allowed");
  EXPECT_EQ(Ask(SQLITE_ATTACH, "x", nullptr).reason, "ATTACH is not allowed");
  EXPECT_EQ(Ask(SQLITE_DETACH, "x", nullptr).reason, "DETACH is not allowed");
  EXPECT_EQ(Ask(SQLITE_PRAGMA, "query_only", "0").reason, "PRAGMA is not allowed");
  EXPECT_EQ(Ask(SQLITE_TRANSACTION, "BEGIN", nullptr).reason, "transactions are not allowed");
  EXPECT_EQ(Ask(SQLITE_SAVEPOINT, "BEGIN", "s").reason, "transactions are not allowed");
  EXPECT_EQ(Ask(SQLITE_ALTER_TABLE, "main", "orders").reason, "ALTER TABLE is not allowed");
  EXPECT_EQ(Ask(SQLITE_ANALYZE, "orders", nullptr).code, SQLITE_DENY);
  EXPECT_EQ(Ask(SQLITE_UPDATE, "sqlite_master", "sql").code, SQLITE_DENY);
}

}  // namespace
}  // namespace da
