#include "eval/bench_file.h"

#include <gtest/gtest.h>

#include "eval_fixture.h"
#include "test_util.h"

namespace da {
namespace {

using testing::TempDir;
using testing::WriteFile;

TEST(BenchFileTest, ReadsSpiderFormatIgnoringOtherFields) {
  TempDir dir;
  WriteFile(dir / "dev.json", R"([
    {"db_id": "concert", "question": "How many singers?", "query": "SELECT count(*) FROM singer",
     "query_toks": ["SELECT"], "sql": {"select": []}},
    {"db_id": "pets", "question": "Names of pets", "query": "SELECT name FROM pet"}
  ])");
  auto bench = LoadBench(dir / "dev.json");
  ASSERT_TRUE(bench.ok()) << bench.status().ToString();
  ASSERT_EQ(bench->size(), 2u);
  EXPECT_EQ((*bench)[0].db_id, "concert");
  EXPECT_EQ((*bench)[0].question, "How many singers?");
  EXPECT_EQ((*bench)[1].gold_sql, "SELECT name FROM pet");
}

TEST(BenchFileTest, MissingFileIsNotFound) {
  TempDir dir;
  auto bench = LoadBench(dir / "absent.json");
  ASSERT_FALSE(bench.ok());
  EXPECT_EQ(bench.status().code(), Status::Code::kNotFound);
  EXPECT_NE(bench.status().message().find("absent.json does not exist"), std::string::npos);
}

TEST(BenchFileTest, InvalidJsonNamesLineAndColumn) {
  TempDir dir;
  WriteFile(dir / "bad.json", "[\n  {\"db_id\": \"a\",\n   \"question\": }\n]");
  auto bench = LoadBench(dir / "bad.json");
  ASSERT_FALSE(bench.ok());
  EXPECT_EQ(bench.status().code(), Status::Code::kInvalidArgument);
  EXPECT_NE(bench.status().message().find("bad.json: not valid JSON"), std::string::npos) << bench.status().message();
  EXPECT_NE(bench.status().message().find("line 3"), std::string::npos) << bench.status().message();
}

TEST(BenchFileTest, TopLevelMustBeAnArray) {
  TempDir dir;
  WriteFile(dir / "obj.json", R"({"db_id": "a"})");
  auto bench = LoadBench(dir / "obj.json");
  ASSERT_FALSE(bench.ok());
  EXPECT_NE(bench.status().message().find("expected a JSON array of questions, found an object"), std::string::npos)
      << bench.status().message();
}

TEST(BenchFileTest, MissingOrWrongFieldsNameTheQuestion) {
  TempDir dir;
  WriteFile(dir / "f.json", R"([{"db_id": "a", "question": "q", "query": "SELECT 1"},
                                 {"db_id": "a", "question": "q"}])");
  auto bench = LoadBench(dir / "f.json");
  ASSERT_FALSE(bench.ok());
  EXPECT_NE(bench.status().message().find("question 1 (0-based): field 'query' is missing or not a string"),
            std::string::npos)
      << bench.status().message();

  WriteFile(dir / "g.json", R"([{"db_id": 7, "question": "q", "query": "SELECT 1"}])");
  bench = LoadBench(dir / "g.json");
  ASSERT_FALSE(bench.ok());
  EXPECT_NE(bench.status().message().find("question 0 (0-based): field 'db_id' is missing or not a string"),
            std::string::npos);

  WriteFile(dir / "h.json", R"([{"db_id": "a", "question": "  ", "query": "SELECT 1"}])");
  bench = LoadBench(dir / "h.json");
  ASSERT_FALSE(bench.ok());
  EXPECT_NE(bench.status().message().find("field 'question' is empty"), std::string::npos);

  WriteFile(dir / "i.json", R"(["SELECT 1"])");
  bench = LoadBench(dir / "i.json");
  ASSERT_FALSE(bench.ok());
  EXPECT_NE(bench.status().message().find("question 0 (0-based): expected an object, found string"),
            std::string::npos)
      << bench.status().message();
}

TEST(BenchFileTest, TablesFileDbIds) {
  TempDir dir;
  WriteFile(dir / "tables.json", R"([{"db_id": "b", "table_names": []}, {"db_id": "a"}])");
  auto ids = LoadTablesDbIds(dir / "tables.json");
  ASSERT_TRUE(ids.ok()) << ids.status().ToString();
  EXPECT_EQ(*ids, (std::set<std::string>{"a", "b"}));
  WriteFile(dir / "bad_tables.json", R"([{"table_names": []}])");
  ids = LoadTablesDbIds(dir / "bad_tables.json");
  ASSERT_FALSE(ids.ok());
  EXPECT_NE(ids.status().message().find("database 0 (0-based): field 'db_id' is missing"), std::string::npos);
}

}  // namespace
}  // namespace da
