#include "common/query_result.h"

#include <gtest/gtest.h>

#include <cmath>
#include <limits>

namespace da {
namespace {

QueryResult Sample() {
  QueryResult r;
  r.columns = {"id", "name", "amount"};
  r.rows = {{int64_t{1}, std::string("Alice"), 3.5},
            {int64_t{22}, std::string("Bob"), std::monostate{}},
            {int64_t{333}, std::monostate{}, -12.25}};
  r.elapsed_ms = 1.5;
  return r;
}

TEST(QueryResultJsonTest, ShapeNullsAndNumbers) {
  nlohmann::json j = Sample().ToJson();
  EXPECT_EQ(j["columns"], nlohmann::json({"id", "name", "amount"}));
  EXPECT_EQ(j["row_count"], 3);
  EXPECT_EQ(j["truncated"], false);
  EXPECT_EQ(j["elapsed_ms"], 1.5);
  EXPECT_TRUE(j["rows"][0][0].is_number_integer());
  EXPECT_EQ(j["rows"][0][0], 1);
  EXPECT_TRUE(j["rows"][0][2].is_number_float());
  EXPECT_EQ(j["rows"][0][2], 3.5);
  EXPECT_TRUE(j["rows"][1][2].is_null());
  EXPECT_TRUE(j["rows"][2][1].is_null());
  EXPECT_EQ(j.dump().find("\"rows\":[[1,\"Alice\",3.5],[22,\"Bob\",null],[333,null,-12.25]]") !=
                std::string::npos,
            true)
      << j.dump();
}

TEST(QueryResultJsonTest, NonFiniteRealsBecomeNullAndBadUtf8IsReplaced) {
  QueryResult r;
  r.columns = {"x", "t"};
  r.rows = {{std::numeric_limits<double>::infinity(), std::string("caf\xE9 ok")},
            {std::nan(""), std::string("\xF0\x9F\x98\x80")}};
  r.truncated = true;
  nlohmann::json j = r.ToJson();
  EXPECT_TRUE(j["rows"][0][0].is_null());
  EXPECT_TRUE(j["rows"][1][0].is_null());
  EXPECT_EQ(j["rows"][0][1], "caf\xEF\xBF\xBD ok");
  EXPECT_EQ(j["rows"][1][1], "\xF0\x9F\x98\x80");  // valid 4-byte UTF-8 kept
  EXPECT_EQ(j["truncated"], true);
  EXPECT_NO_THROW(j.dump());
}

TEST(QueryResultCsvTest, QuotesCommasQuotesAndNewlines) {
  QueryResult r;
  r.columns = {"id", "note, with comma", "q"};
  r.rows = {{int64_t{1}, std::string("plain"), std::string("say \"hi\"")},
            {int64_t{2}, std::string("a,b"), std::string("line1\nline2")},
            {std::monostate{}, std::string("cr\rhere"), 0.1},
            {int64_t{-4}, std::string(""), std::string(" spaced ")}};
  EXPECT_EQ(r.ToCsv(),
            "id,\"note, with comma\",q\r\n"
            "1,plain,\"say \"\"hi\"\"\"\r\n"
            "2,\"a,b\",\"line1\nline2\"\r\n"
            ",\"cr\rhere\",0.1\r\n"
            "-4,, spaced \r\n");
}

TEST(QueryResultCsvTest, HeaderOnlyWhenNoRows) {
  QueryResult r;
  r.columns = {"a", "b"};
  EXPECT_EQ(r.ToCsv(), "a,b\r\n");
}

TEST(QueryResultTextTest, AlignsNumbersRightAndTextLeft) {
  EXPECT_EQ(Sample().ToText(),
            " id | name  | amount\n"
            "----+-------+-------\n"
            "  1 | Alice |    3.5\n"
            " 22 | Bob   |   NULL\n"
            "333 | NULL  | -12.25\n"
            "(3 rows)\n");
}

TEST(QueryResultTextTest, CountsDisplayWidthNotBytes) {
  QueryResult r;
  r.columns = {"city", "n"};
  r.rows = {{std::string("Zürich"), int64_t{1}},
            {std::string("東京"), int64_t{2}},
            {std::string("Oslo"), int64_t{3}}};
  EXPECT_EQ(r.ToText(),
            "city   | n\n"
            "-------+--\n"
            "Zürich | 1\n"
            "東京   | 2\n"
            "Oslo   | 3\n"
            "(3 rows)\n");
}

TEST(QueryResultTextTest, CutsLongTextWithEllipsisAndEscapesControls) {
  QueryResult r;
  r.columns = {"t"};
  r.rows = {{std::string("abcdefghijklmnop")}, {std::string("a\tb\nc")}, {std::string("ééééééééé")}};
  EXPECT_EQ(r.ToText(8),
            "t\n"
            "--------\n"
            "abcdefg…\n"
            "a\\tb\\nc\n"
            "ééééééé…\n"
            "(3 rows)\n");
}

TEST(QueryResultTextTest, FootersForOneZeroAndTruncatedResults) {
  QueryResult one;
  one.columns = {"x"};
  one.rows = {{int64_t{7}}};
  EXPECT_EQ(one.ToText(), "x\n-\n7\n(1 row)\n");

  QueryResult none;
  none.columns = {"x", "y"};
  EXPECT_EQ(none.ToText(), "x | y\n--+--\n(0 rows)\n");

  QueryResult capped;
  capped.columns = {"n"};
  for (int64_t i = 0; i < 1000; ++i) capped.rows.push_back({i});
  capped.truncated = true;
  std::string text = capped.ToText();
  EXPECT_NE(text.find("\n(first 1,000 rows; more were cut by the row cap)\n"), std::string::npos);
  capped.truncated = false;
  capped.rows.resize(1234, {int64_t{0}});
  EXPECT_NE(capped.ToText().find("(1,234 rows)"), std::string::npos);
}

}  // namespace
}  // namespace da

namespace da {
namespace {

TEST(QueryResultDisplayTest, TextTableRoundsBinaryNoiseButJsonKeepsIt) {
  QueryResult r;
  r.columns = {"total"};
  r.rows = {{6374.389999999875}, {0.1}};
  EXPECT_NE(r.ToText().find("6374.39\n"), std::string::npos) << r.ToText();
  EXPECT_EQ(r.ToJson()["rows"][0][0].get<double>(), 6374.389999999875);
  EXPECT_NE(r.ToCsv().find("6374.389999999875"), std::string::npos);
}

}  // namespace
}  // namespace da

namespace da {
namespace {

TEST(QueryResultJsonTest, FromJsonReadsBackWhatToJsonWrote) {
  QueryResult r;
  r.columns = {"region", "sales", "share", "note"};
  r.rows = {{std::string("North"), int64_t{120}, 0.25, Value{}}, {std::string("Süd"), int64_t{-3}, 1.5, std::string("x")}};
  r.truncated = true;
  auto back = QueryResult::FromJson(r.ToJson());
  ASSERT_TRUE(back.ok()) << back.status().ToString();
  EXPECT_EQ(back->columns, r.columns);
  EXPECT_EQ(back->rows, r.rows);
  EXPECT_TRUE(back->truncated);
}

TEST(QueryResultJsonTest, FromJsonRejectsMalformedResults) {
  for (const char* text : {R"([])", R"({"columns": ["a"]})", R"({"columns": ["a"], "rows": [[1, 2]]})",
                           R"({"columns": [1], "rows": []})", R"({"columns": ["a"], "rows": [[[1]]]})"}) {
    auto r = QueryResult::FromJson(nlohmann::json::parse(text));
    ASSERT_FALSE(r.ok()) << text;
    EXPECT_EQ(r.status().code(), Status::Code::kCorruption);
  }
}

}  // namespace
}  // namespace da
