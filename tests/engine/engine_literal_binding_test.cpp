// Which column a number in a question is compared with.
#include <gtest/gtest.h>

#include "engine_fixture.h"

namespace da {
namespace {

TEST(EngineLiteralBindingTest, ColumnWithItsOwnValueDoesNotTakeTheYear) {
  EngineOver e(
      "CREATE TABLE sales (store INTEGER, week DATE TEXT, amount REAL);"
      "INSERT INTO sales VALUES (20,'2012-01-06',10),(20,'2011-01-07',5),(3,'2012-01-06',7);");
  ASSERT_TRUE(e.ok()) << e.error();

  EngineAnswer a = e.Ask("What is the total amount of store 20 in 2012?");
  ASSERT_TRUE(a.answered) << a.message;
  EXPECT_NE(a.sql.find("store = 20"), std::string::npos) << a.sql;
  EXPECT_NE(a.sql.find("strftime('%Y', week) = '2012'"), std::string::npos) << a.sql;
  EXPECT_EQ(a.sql.find("2012 "), std::string::npos) << a.sql;  // 2012 is never compared with store
  EXPECT_EQ(e.Rows(a), std::vector<std::string>{"10"}) << a.sql;
}

}  // namespace
}  // namespace da
