// The attack corpus (issue #7) against the PostgreSQL guard on a real server, connected as the
// superuser (so only the guard stands in the way): every entry is refused, and afterwards nothing
// was written: the canary's rows, tables, roles, large objects, the sequence, files on disk and
// the current user are all as before.
#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>

#include "postgres/guard_pg_fixture.h"

namespace da::testing {
namespace {

class PostgresAttackTest : public ::testing::Test {
 protected:
  void SetUp() override {
    if (TestPostgresConninfo().empty()) GTEST_SKIP();
    schema_ = UniquePostgresName("attack");
    CreateGuardSchema(TestPostgresConninfo(), schema_);
    PostgresQueryTarget target = Target(TestPostgresConninfo(), schema_);
    target.hidden_tables = {"secret"};
    conn_ = OpenGuarded(target);
    ASSERT_TRUE(conn_);
    file_ = "/tmp/" + UniquePostgresName("da_attack");
    before_ = Snapshot();
    ASSERT_NE(before_.find("3 | canary:-,"), std::string::npos) << before_;
  }

  // Everything an attack could have changed, as one string. Only what this test's attacks could
  // touch is counted, so suites running at the same time do not disturb it.
  std::string Snapshot() {
    const std::string s = "\"" + schema_ + "\"";
    const std::string ns = "(SELECT oid FROM pg_namespace WHERE nspname = '" + schema_ + "')";
    return RunPostgresSql(
        "SELECT concat_ws(' | ', (SELECT count(*) FROM " + s + ".canary), (SELECT string_agg(relname || ':' || "
        "coalesce(relacl::text, '-'), ',' ORDER BY relname) FROM pg_class WHERE relnamespace = " + ns +
        "), (SELECT count(*) FROM pg_class WHERE relname IN ('x', 'newt')), (SELECT count(*) FROM pg_proc WHERE "
        "pronamespace = " + ns + "), (SELECT count(*) FROM pg_roles WHERE rolname = 'intruder'), (SELECT count(*) "
        "FROM pg_largeobject_metadata), (SELECT count(*) FROM pg_extension), (SELECT last_value || '/' || is_called "
        "FROM " + s + ".seq), obj_description('" + s + ".canary'::regclass, 'pg_class'))");
  }

  void ExpectRefused(const std::string& sql) {
    auto r = conn_->Execute(sql);
    ASSERT_FALSE(r.ok()) << sql << " ran";
    EXPECT_EQ(r.status().code(), Status::Code::kRefused) << sql << ": " << r.status().ToString();
    EXPECT_EQ(conn_->Validate(sql).code(), Status::Code::kRefused) << sql;
  }

  void TearDown() override {
    if (IsSkipped()) return;
    EXPECT_EQ(Snapshot(), before_) << "an attack wrote something";
    EXPECT_FALSE(std::filesystem::exists(file_)) << file_ << " was created";
    auto who = conn_->Execute("SELECT current_user, session_user, current_setting('transaction_read_only')");
    ASSERT_TRUE(who.ok()) << who.status().ToString();
    EXPECT_EQ(who->rows[0][0], Value(std::string("da")));
    EXPECT_EQ(who->rows[0][1], Value(std::string("da")));
  }

  std::string schema_, file_, before_;
  std::unique_ptr<QueryConnection> conn_;
};

TEST_F(PostgresAttackTest, DmlAndDdl) {
  for (const std::string& sql : std::vector<std::string>{
           "INSERT INTO canary VALUES (4)", "UPDATE canary SET id = 0", "DELETE FROM canary",
           "MERGE INTO canary c USING canary d ON c.id = d.id WHEN MATCHED THEN DELETE", "TRUNCATE canary",
           "DROP TABLE canary", "CREATE TABLE x (a int)", "ALTER TABLE canary ADD COLUMN z int",
           "CREATE ROLE intruder SUPERUSER", "GRANT ALL ON canary TO PUBLIC", "COMMENT ON TABLE canary IS 'x'",
           "VACUUM canary", "ANALYZE canary", "REINDEX TABLE canary", "CLUSTER canary", "SELECT * INTO newt FROM canary",
           "EXPLAIN ANALYZE DELETE FROM canary", "LOCK TABLE canary", "CREATE EXTENSION dblink"}) {
    ExpectRefused(sql);
  }
}

TEST_F(PostgresAttackTest, WritesHiddenInWithAndStackedStatements) {
  for (const std::string& sql : std::vector<std::string>{
           "WITH d AS (DELETE FROM canary RETURNING *) SELECT * FROM d",
           "WITH u AS (UPDATE canary SET id = 0 RETURNING *) SELECT count(*) FROM u",
           "WITH i AS (INSERT INTO canary VALUES (5) RETURNING 1) SELECT * FROM i",
           "WITH x AS (SELECT 1) DELETE FROM canary", "WITH x AS (SELECT 1) UPDATE canary SET id = 0",
           "SELECT 1; DROP TABLE canary", "SELECT 1;DELETE FROM canary;", "sElEcT 1 ; dElEtE fRoM canary",
           "SELECT/**/1;/**/DROP/**/TABLE/**/canary", "SELECT 1 -- x\n; DELETE FROM canary"}) {
    ExpectRefused(sql);
  }
}

TEST_F(PostgresAttackTest, FilesProgramsAndLargeObjects) {
  for (const std::string& sql : std::vector<std::string>{
           "COPY canary TO PROGRAM 'touch " + file_ + "'", "COPY (SELECT 1) TO '" + file_ + "'",
           "COPY canary FROM '/etc/passwd'", "SELECT pg_read_file('/etc/passwd')",
           "SELECT pg_catalog.pg_read_binary_file('/etc/passwd')", "SELECT \"pg_read_file\"('/etc/passwd')",
           "SELECT * FROM pg_ls_dir('.')", "SELECT lo_import('/etc/passwd')",
           "SELECT lo_export(lo_from_bytea(0, 'x'), '" + file_ + "')", "SELECT pg_stat_file('/etc/passwd')"}) {
    ExpectRefused(sql);
  }
}

TEST_F(PostgresAttackTest, RolesSettingsAndProcedures) {
  for (const std::string& sql : std::vector<std::string>{
           "SET ROLE pg_read_server_files", "SET SESSION AUTHORIZATION DEFAULT", "RESET ALL",
           "SELECT set_config('role', 'pg_read_server_files', false)",
           "SELECT set_config('default_transaction_read_only', 'off', false)",
           "DO $$ BEGIN DELETE FROM canary; END $$", "CALL nothing()", "SELECT nextval('seq')",
           "SELECT setval('seq', 100)", "SELECT query_to_xml('delete from canary', true, true, '')",
           "SELECT table_to_xml('secret', true, true, '')", "SELECT * FROM canary FOR UPDATE",
           "SELECT * FROM canary FOR KEY SHARE", "SELECT pg_advisory_lock(1)", "SELECT pg_sleep(60)",
           "SELECT pg_terminate_backend(pg_backend_pid())", "PREPARE p AS DELETE FROM canary",
           "SELECT * FROM secret", "SELECT rolpassword FROM pg_authid", "SELECT * FROM pg_catalog.pg_shadow",
           "SELECT * FROM pg_temp.x", "SELECT U&\"pg_read\\005ffile\"('/etc/passwd')",
           "NOTIFY c, 'x'", "LISTEN c", "DISCARD ALL", "CHECKPOINT", "LOAD 'x'"}) {
    ExpectRefused(sql);
  }
}

TEST_F(PostgresAttackTest, AFunctionWithSideEffectsIsStoppedByTheReadOnlyTransaction) {
  // The text checks cannot know what evil() does; the READ ONLY transaction refuses its write.
  auto r = conn_->Execute("SELECT evil()");
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().code(), Status::Code::kRefused) << r.status().ToString();
  EXPECT_EQ(r.status().message(),
            "only read-only queries can run here: cannot execute INSERT in a read-only transaction (the database "
            "refused a write)");
  auto nested = conn_->Execute("SELECT * FROM canary WHERE id IN (SELECT \"" + schema_ + "\".evil())");
  EXPECT_EQ(nested.status().code(), Status::Code::kRefused) << nested.status().ToString();
}

TEST_F(PostgresAttackTest, TextThatOnlyLooksDangerousRuns) {
  // Keywords and semicolons inside strings, dollar quotes, quoted names and comments are data.
  struct Case {
    std::string sql;
    Value first;
  };
  const std::vector<Case> cases = {
      {"SELECT $$; DROP TABLE canary; $$ AS s", Value(std::string("; DROP TABLE canary; "))},
      {"SELECT $x$ DELETE FROM canary; $x$ AS s", Value(std::string(" DELETE FROM canary; "))},
      {"SELECT 'delete from canary; insert into canary' AS s", Value(std::string("delete from canary; insert into canary"))},
      {"SELECT E'it\\'s; DROP' AS s", Value(std::string("it's; DROP"))},
      {"SELECT count(*) AS \"set\" FROM canary /* ; DROP TABLE canary */ -- ; DELETE", Value(int64_t{3})},
      {"sElEcT count(*) \"delete\" FrOm canary;", Value(int64_t{3})},
  };
  for (const Case& c : cases) {
    auto r = conn_->Execute(c.sql);
    ASSERT_TRUE(r.ok()) << c.sql << ": " << r.status().ToString();
    EXPECT_EQ(r->rows[0][0], c.first) << c.sql;
  }
}

}  // namespace
}  // namespace da::testing
