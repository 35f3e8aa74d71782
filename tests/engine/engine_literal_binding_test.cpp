// Which column a number in a question is compared with.
#include <gtest/gtest.h>

#include "catalog/profiler.h"
#include "catalog/value_index.h"
#include "common/sqlite.h"
#include "engine/engine.h"
#include "test_util.h"

namespace da {
namespace {

TEST(EngineLiteralBindingTest, ColumnWithItsOwnValueDoesNotTakeTheYear) {
  testing::TempDir dir;
  auto db = OpenSqlite(dir / "s.sqlite", OpenMode::kReadWriteCreate);
  ASSERT_TRUE(db.ok());
  ASSERT_TRUE(ExecSql(db->get(),
                      "CREATE TABLE sales (store INTEGER, week DATE TEXT, amount REAL);"
                      "INSERT INTO sales VALUES (20,'2012-01-06',10),(20,'2011-01-07',5),(3,'2012-01-06',7);")
                  .ok());
  ProfileOptions options;
  auto catalog = ProfileDatabase(db->get(), options);
  ASSERT_TRUE(catalog.ok());
  auto values = ValueIndex::Build(db->get(), *catalog);
  ASSERT_TRUE(values.ok());
  auto engine = Engine::Create(*catalog, &*values);
  ASSERT_TRUE(engine.ok());

  EngineAnswer a = (*engine)->Answer("What is the total amount of store 20 in 2012?");
  ASSERT_TRUE(a.answered) << a.message;
  EXPECT_NE(a.sql.find("store = 20"), std::string::npos) << a.sql;
  EXPECT_NE(a.sql.find("strftime('%Y', week) = '2012'"), std::string::npos) << a.sql;
  EXPECT_EQ(a.sql.find("2012 "), std::string::npos) << a.sql;  // 2012 is never compared with store
  auto st = PrepareSql(db->get(), a.sql);
  ASSERT_TRUE(st.ok()) << a.sql;
  ASSERT_EQ(sqlite3_step(st->get()), SQLITE_ROW);
  EXPECT_DOUBLE_EQ(sqlite3_column_double(st->get(), 0), 10.0) << a.sql;
}

}  // namespace
}  // namespace da
