#include "memory/sql_lexer.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace da {
namespace {

using Kind = SqlToken::Kind;

std::vector<Kind> Kinds(const std::vector<SqlToken>& tokens) {
  std::vector<Kind> out;
  for (const SqlToken& t : tokens) out.push_back(t.kind);
  return out;
}

TEST(SqlLexerTest, WordsNumbersStringsAndOperators) {
  auto t = LexSql("SELECT store_5, 'O''Brien', 1.5e3 FROM t WHERE a >= .5 AND b <> 0x1F");
  ASSERT_EQ(t.size(), 16u);
  EXPECT_EQ(t[0].kind, Kind::kWord);
  EXPECT_EQ(t[1].kind, Kind::kWord);
  EXPECT_EQ(t[1].text, "store_5");
  EXPECT_EQ(t[3].kind, Kind::kString);
  EXPECT_EQ(t[3].text, "O'Brien");
  EXPECT_EQ(t[5].kind, Kind::kNumber);
  EXPECT_EQ(t[5].text, "1.5e3");
  EXPECT_EQ(t[10].text, ">=");
  EXPECT_EQ(t[11].text, ".5");
  EXPECT_EQ(t[14].text, "<>");
  EXPECT_EQ(t[15].kind, Kind::kNumber);
  EXPECT_EQ(t[15].text, "0x1F");
}

TEST(SqlLexerTest, QuotedNamesBlobsAndParameters) {
  auto t = LexSql("SELECT \"col \"\"5\"\"\", `a b`, [x y], x'0A', ?1, :name, @v, $w");
  EXPECT_EQ(Kinds(t), (std::vector<Kind>{Kind::kWord, Kind::kName, Kind::kPunct, Kind::kName, Kind::kPunct, Kind::kName,
                                         Kind::kPunct, Kind::kBlob, Kind::kPunct, Kind::kParameter, Kind::kPunct,
                                         Kind::kParameter, Kind::kPunct, Kind::kParameter, Kind::kPunct,
                                         Kind::kParameter}));
  EXPECT_EQ(t[1].text, "col \"5\"");
  EXPECT_EQ(t[5].text, "x y");
  EXPECT_EQ(t[7].text, "x'0A'");
  EXPECT_EQ(t[11].text, ":name");
}

TEST(SqlLexerTest, CommentsAreSkippedAndRangesRebuildTheText) {
  const std::string sql = "SELECT 1 -- five 5\n/* 5 */ + 2 /* open";
  auto t = LexSql(sql);
  ASSERT_EQ(t.size(), 4u);
  EXPECT_EQ(t[1].text, "1");
  EXPECT_EQ(t[2].text, "+");
  EXPECT_EQ(t[3].text, "2");
  for (const SqlToken& tok : t) {
    EXPECT_EQ(sql.substr(tok.begin, tok.end - tok.begin), tok.text);
  }
}

TEST(SqlLexerTest, InvalidSqlIsAnErrorToken) {
  EXPECT_EQ(LexSql("SELECT 'open").back().kind, Kind::kError);
  EXPECT_EQ(LexSql("SELECT \"open").back().kind, Kind::kError);
  EXPECT_EQ(LexSql("LIMIT 3rd").back().kind, Kind::kError);
  EXPECT_TRUE(LexSql("").empty());
  EXPECT_TRUE(LexSql("  -- only a comment").empty());
}

TEST(SqlLexerTest, Keywords) {
  auto t = LexSql("select \"select\"");
  EXPECT_TRUE(IsSqlKeyword(t[0], "SELECT"));
  EXPECT_FALSE(IsSqlKeyword(t[1], "SELECT"));
}

}  // namespace
}  // namespace da
