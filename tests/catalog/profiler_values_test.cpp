// The value index fed by the profiling pass holds what a separate scan would find.
#include <gtest/gtest.h>

#include "catalog/profiler.h"
#include "catalog/value_index.h"
#include "common/sqlite.h"
#include "test_util.h"

namespace da {
namespace {

TEST(ProfilerValuesTest, ProfilingPassFeedsTheSameValuesAsAScan) {
  testing::TempDir dir;
  auto db = OpenSqlite(dir / "d.sqlite", OpenMode::kReadWriteCreate);
  ASSERT_TRUE(db.ok());
  ASSERT_TRUE(ExecSql(db->get(),
                      "CREATE TABLE singer (id INTEGER, name TEXT, country TEXT, born DATE);"
                      "INSERT INTO singer VALUES (1,'Ann','France','1990-01-01'),(2,'Bo','France','1991-02-03'),"
                      "(3,'Cy','Netherlands',NULL),(4,'Di',NULL,'1980-05-05');"
                      "CREATE VIEW french AS SELECT * FROM singer WHERE country = 'France';")
                  .ok());
  ValueIndexBuilder builder;
  ProfileOptions options;
  options.values = &builder;
  auto catalog = ProfileDatabase(db->get(), options);
  ASSERT_TRUE(catalog.ok()) << catalog.status().ToString();
  ValueIndex fed = std::move(builder).Finish();
  auto scanned = ValueIndex::Build(db->get(), *catalog);
  ASSERT_TRUE(scanned.ok());

  EXPECT_EQ(fed.size(), scanned->size());
  auto hits = fed.Exact("france");
  ASSERT_EQ(hits.size(), 1u);  // the view's rows are not indexed again
  EXPECT_EQ(hits[0].table, "singer");
  EXPECT_EQ(hits[0].column, "country");
  EXPECT_EQ(hits[0].count, 2);
  EXPECT_TRUE(fed.Exact("1990-01-01").empty());  // DATE columns are not linked as text values
}

}  // namespace
}  // namespace da
