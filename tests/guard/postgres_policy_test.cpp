// The PostgreSQL guard's text checks (postgres_policy.h), without a server.
#include "guard/postgres_policy.h"

#include <gtest/gtest.h>

namespace da {
namespace {

PgReadPolicy Policy() {
  PgReadPolicy p;
  p.schema = "shop";
  return p;
}

PgReadPolicy WithHidden() {
  PgReadPolicy p = Policy();
  p.hidden_tables = {"secret"};
  return p;
}

// Refused, with a message containing `expected`.
void ExpectRefused(const std::string& sql, const std::string& expected, const PgReadPolicy& policy = Policy()) {
  auto r = CheckPostgresQuery(sql, policy);
  ASSERT_FALSE(r.ok()) << sql << " was allowed";
  EXPECT_EQ(r.status().code(), Status::Code::kRefused) << sql << ": " << r.status().ToString();
  EXPECT_NE(r.status().message().find(expected), std::string::npos)
      << sql << ": " << r.status().message() << " (wanted: " << expected << ")";
}

std::string ExpectAllowed(const std::string& sql, const PgReadPolicy& policy = Policy()) {
  auto r = CheckPostgresQuery(sql, policy);
  EXPECT_TRUE(r.ok()) << sql << ": " << r.status().ToString();
  return r.ok() ? *r : "";
}

TEST(PostgresLexerTest, StringsCommentsAndQuotesAreSingleTokens) {
  auto tokens = LexPostgres(
      "SELECT 'a;b''c', E'x\\'; DROP', $$ ; $$, $t$ $$ ; $t$, \"we\"\"ird\" /* a /* nested */ ; */ -- ; x\n1.5e+3, $1");
  ASSERT_TRUE(tokens.ok());
  std::vector<std::string> kinds;
  for (const PgToken& t : *tokens) kinds.push_back(std::to_string(static_cast<int>(t.kind)) + ":" + t.text);
  std::vector<std::string> expected = {"0:select", "2:'a;b''c'",   "6:,", "2:E'x\\'; DROP'", "6:,", "2:$$ ; $$",
                                       "6:,",      "2:$t$ $$ ; $t$", "6:,", "1:we\"ird",        "3:1.5e+3", "6:,",
                                       "4:$1"};
  EXPECT_EQ(kinds, expected);
}

TEST(PostgresLexerTest, OperatorsStopAtComments) {
  auto tokens = LexPostgres("a::int+-- c\n1 <>/* x */b");
  ASSERT_TRUE(tokens.ok());
  std::vector<std::string> texts;
  for (const PgToken& t : *tokens) texts.push_back(t.text);
  EXPECT_EQ(texts, (std::vector<std::string>{"a", "::", "int", "+", "1", "<>", "b"}));
}

TEST(PostgresPolicyTest, QueriesPass) {
  for (const char* sql : {
           "SELECT 1",
           "  select * from orders where status = 'delete' ;  ;",
           "WITH t AS (SELECT 1 AS x) SELECT x FROM t",
           "WITH RECURSIVE r(n) AS (VALUES (1) UNION ALL SELECT n + 1 FROM r WHERE n < 5) SELECT * FROM r",
           "VALUES (1, 'a'), (2, 'b')",
           "TABLE orders",
           "(SELECT 1) UNION (SELECT 2)",
           "SELECT extract(year FROM o.created_at), substring(name FROM 2 FOR 3) FROM orders o",
           "SELECT a IS DISTINCT FROM b FROM shop.orders",
           "SELECT set, analyze, comment FROM t",  // ordinary column names
           "SELECT \"delete\", \"set\" FROM t",
           "SELECT 'DROP TABLE x; INSERT INTO y' AS s",
           "SELECT $$ ; DELETE FROM t; $$ AS s",
           "SELECT current_setting('TimeZone'), pg_catalog.now(), count(*) FROM information_schema.tables",
           "SELECT * FROM pg_catalog.pg_class",
           "SELECT * FROM t WHERE x IN (SELECT y FROM shop.u) ORDER BY 1 FOR READ ONLY",
       }) {
    ExpectAllowed(sql);
  }
}

TEST(PostgresPolicyTest, ReturnsTheOneStatementWithoutSemicolonsOrLeadingComments) {
  EXPECT_EQ(ExpectAllowed("-- hello\n SELECT 1 ; ; -- bye"), "SELECT 1");
  EXPECT_EQ(ExpectAllowed("SELECT 2 /* tail */"), "SELECT 2 /* tail */");
}

TEST(PostgresPolicyTest, EmptyAndOversizedText) {
  for (const char* sql : {"", "  ", ";", " ; ; ", "-- only a comment", "/* c */"}) {
    auto r = CheckPostgresQuery(sql, Policy());
    ASSERT_FALSE(r.ok());
    EXPECT_EQ(r.status().message(), "no SQL statement given");
  }
  auto big = CheckPostgresQuery("SELECT '" + std::string(200000, 'x') + "'", Policy());
  EXPECT_EQ(big.status().code(), Status::Code::kInvalidArgument);
  auto nul = CheckPostgresQuery(std::string("SELECT 1\0; DROP", 15), Policy());
  EXPECT_EQ(nul.status().code(), Status::Code::kInvalidArgument);
}

TEST(PostgresPolicyTest, StackedStatementsNamePosition) {
  ExpectRefused("SELECT 1; DROP TABLE t", "exactly one statement is allowed; found more at position 11");
  ExpectRefused("SELECT 1;/* c */SELECT 2", "found more at position 17");
  ExpectRefused("SELECT $x$;$x$; SELECT 2", "found more at position 17");
}

TEST(PostgresPolicyTest, NonQueriesAreNamed) {
  ExpectRefused("INSERT INTO t VALUES (1)", "only read-only queries can run here: INSERT is a write");
  ExpectRefused("  /* x */ DeLeTe FROM t", "DELETE is a write");
  ExpectRefused("update t set a = 1", "UPDATE is a write");
  ExpectRefused("MERGE INTO t USING u ON true WHEN MATCHED THEN DELETE", "MERGE is a write");
  ExpectRefused("TRUNCATE t", "TRUNCATE is a write");
  ExpectRefused("COPY t TO PROGRAM 'touch /tmp/x'", "COPY is a write");
  ExpectRefused("COPY (SELECT 1) TO '/tmp/x'", "COPY is a write");
  ExpectRefused("CREATE TABLE x (a int)", "CREATE is a write");
  ExpectRefused("DROP TABLE t", "DROP is a write");
  ExpectRefused("ALTER ROLE da PASSWORD 'x'", "ALTER is a write");
  ExpectRefused("GRANT ALL ON t TO public", "GRANT is a write");
  ExpectRefused("SET ROLE postgres", "only read-only queries can run here: SET is not allowed");
  ExpectRefused("RESET ALL", "RESET is not allowed");
  ExpectRefused("DO $$ BEGIN DELETE FROM t; END $$", "DO is not allowed");
  ExpectRefused("CALL p()", "CALL is not allowed");
  ExpectRefused("EXPLAIN ANALYZE DELETE FROM t", "EXPLAIN is not allowed");
  ExpectRefused("LOCK TABLE t", "LOCK is not allowed");
  ExpectRefused("BEGIN", "BEGIN is not allowed");
  ExpectRefused("((DELETE FROM t))", "DELETE is a write");
  ExpectRefused("SELCT 1", "a query starts with SELECT, WITH, VALUES or TABLE, not SELCT");
}

TEST(PostgresPolicyTest, WritesHiddenInWithBodies) {
  ExpectRefused("WITH d AS (DELETE FROM t RETURNING *) SELECT * FROM d", "DELETE is a write");
  ExpectRefused("WITH a AS (SELECT 1), u AS (UPDATE t SET x = 1 RETURNING x) SELECT * FROM u", "UPDATE is a write");
  ExpectRefused("WITH i AS MATERIALIZED (INSERT INTO t VALUES (1) RETURNING 1) SELECT 1", "INSERT is a write");
  ExpectRefused("SELECT * FROM (WITH d AS NOT MATERIALIZED (delete from t returning *) SELECT 1) x",
                "DELETE is a write");
  ExpectRefused("WITH x AS (SELECT 1) DELETE FROM t", "DELETE is a write");
  ExpectRefused("WITH x AS (SELECT 1), y AS (SELECT 2) INSERT INTO t SELECT * FROM x", "INSERT is a write");
  ExpectRefused("WITH x AS (SELECT 1) /* c */ update t SET a = 1", "UPDATE is a write");
  ExpectAllowed("WITH RECURSIVE t(n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM t WHERE n < 3) "
                "CYCLE n SET is_cycle USING path SELECT * FROM t");
}

TEST(PostgresPolicyTest, SelectIntoAndLockingClauses) {
  ExpectRefused("SELECT * INTO newt FROM t", "SELECT ... INTO creates a table");
  ExpectRefused("SELECT * FROM t FOR UPDATE", "FOR UPDATE locks rows");
  ExpectRefused("SELECT * FROM t FOR NO KEY UPDATE", "FOR NO KEY UPDATE locks rows");
  ExpectRefused("SELECT * FROM t for share", "FOR SHARE locks rows");
  ExpectRefused("SELECT * FROM t FOR KEY SHARE", "FOR KEY SHARE locks rows");
}

TEST(PostgresPolicyTest, ForbiddenFunctionsInAnySpelling) {
  ExpectRefused("SELECT pg_read_file('/etc/passwd')", "function pg_read_file is not allowed");
  ExpectRefused("SELECT PG_CATALOG.Pg_Read_Binary_File('/etc/passwd')", "function pg_read_binary_file is not allowed");
  ExpectRefused("SELECT \"pg_ls_dir\"('.')", "function pg_ls_dir is not allowed");
  ExpectRefused("SELECT lo_import('/etc/passwd')", "function lo_import is not allowed");
  ExpectRefused("SELECT lo_export(1, '/tmp/x')", "function lo_export is not allowed");
  ExpectRefused("SELECT set_config('role', 'x', false)", "function set_config is not allowed");
  ExpectRefused("SELECT nextval('seq')", "function nextval is not allowed");
  ExpectRefused("SELECT query_to_xml('delete from t', true, true, '')", "function query_to_xml is not allowed");
  ExpectRefused("SELECT table_to_xml('secret', true, true, '')", "function table_to_xml is not allowed");
  ExpectRefused("SELECT pg_sleep(60)", "function pg_sleep is not allowed");
  ExpectRefused("SELECT pg_sleep_for('1 minute')", "function pg_sleep_for is not allowed");
  ExpectRefused("SELECT pg_advisory_xact_lock(1)", "function pg_advisory_xact_lock is not allowed");
  ExpectRefused("SELECT pg_terminate_backend(1)", "function pg_terminate_backend is not allowed");
  ExpectRefused("SELECT dblink_exec('x', 'drop table t')", "function dblink_exec is not allowed");
  ExpectRefused("SELECT * FROM pg_ls_waldir()", "function pg_ls_waldir is not allowed");
  ExpectRefused("SELECT txid_current()", "function txid_current is not allowed");
  ExpectRefused("SELECT pg_notify /* x */ ('c', 'x')", "function pg_notify is not allowed");
  EXPECT_FALSE(IsForbiddenPostgresFunction("current_setting"));
  EXPECT_FALSE(IsForbiddenPostgresFunction("lower"));
}

TEST(PostgresPolicyTest, UnicodeEscapesAreRefused) {
  ExpectRefused("SELECT U&\"pg_read\\005ffile\"('/etc/passwd')", "Unicode escapes");
  ExpectRefused("SELECT u&'\\0041'", "Unicode escapes");
}

TEST(PostgresPolicyTest, OtherSchemasAndSecretCatalogs) {
  ExpectRefused("SELECT * FROM other.t", "schema other is not visible in this dataset");
  ExpectRefused("SELECT * FROM shop.a, \"Other\".b", "schema Other is not visible in this dataset");
  ExpectRefused("SELECT * FROM a JOIN pg_temp.b ON true", "schema pg_temp is not visible in this dataset");
  ExpectRefused("SELECT * FROM a JOIN b ON a.x = b.x, other.c", "schema other is not visible");
  ExpectRefused("SELECT (SELECT max(x) FROM db.other.t)", "schema other is not visible");
  ExpectRefused("SELECT other.f(1)", "schema other is not visible");
  ExpectRefused("SELECT * FROM (a JOIN other.b ON true)", "schema other is not visible");
  ExpectRefused("SELECT * FROM ((a JOIN b ON true) JOIN other.c ON true)", "schema other is not visible");
  ExpectRefused("SELECT * FROM ONLY other.t", "schema other is not visible");
  ExpectRefused("SELECT * FROM a, LATERAL other.f(a.x)", "schema other is not visible");
  ExpectRefused("SELECT rolpassword FROM pg_authid", "table pg_authid is not available here");
  ExpectRefused("SELECT * FROM pg_catalog.pg_shadow", "table pg_shadow is not available here");
  ExpectRefused("SELECT * FROM pg_user_mappings", "not available here");
  ExpectRefused("SELECT * FROM pg_hba_file_rules", "not available here");
  ExpectAllowed("SELECT o.total, c.name FROM orders o JOIN customers c ON o.customer_id = c.id");
}

TEST(PostgresPolicyTest, HiddenTables) {
  ExpectRefused("SELECT * FROM secret", "table secret is not visible in this dataset", WithHidden());
  ExpectRefused("SELECT * FROM shop.\"secret\"", "table secret is not visible", WithHidden());
  ExpectRefused("SELECT * FROM a, SECRET s", "table secret is not visible", WithHidden());
  ExpectRefused("SELECT * FROM a WHERE x IN (SELECT x FROM secret)", "not visible", WithHidden());
  ExpectRefused("TABLE secret", "not visible", WithHidden());
  ExpectRefused("SELECT * FROM (a JOIN secret ON true)", "not visible", WithHidden());
  ExpectRefused("SELECT * FROM (SELECT * FROM (secret) s) x", "not visible", WithHidden());
  ExpectRefused("SELECT * FROM information_schema.tables", "would reveal hidden tables", WithHidden());
  ExpectRefused("SELECT relname FROM pg_class", "would reveal hidden tables", WithHidden());
  // A column that happens to share the hidden table's name is not the table.
  ExpectAllowed("SELECT o.secret FROM orders o", WithHidden());
}

}  // namespace
}  // namespace da
