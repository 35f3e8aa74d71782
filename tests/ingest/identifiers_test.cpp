#include "ingest/identifiers.h"

#include <gtest/gtest.h>
#include <sqlite3.h>

#include <string>

namespace da {
namespace {

std::string Id(std::string_view label) { return ToSqlIdentifier(label, "x"); }

TEST(IdentifiersTest, SnakeCasesWordsAndPunctuation) {
  EXPECT_EQ(Id("Order Date"), "order_date");
  EXPECT_EQ(Id("Unit Price ($)"), "unit_price");
  EXPECT_EQ(Id("  customer   name  "), "customer_name");
  EXPECT_EQ(Id("ship-to/city"), "ship_to_city");
  EXPECT_EQ(Id("already_snake"), "already_snake");
  EXPECT_EQ(Id("__private__"), "private");
  EXPECT_EQ(Id("a..b"), "a_b");
}

TEST(IdentifiersTest, SplitsCamelCase) {
  EXPECT_EQ(Id("OrderID"), "order_id");
  EXPECT_EQ(Id("orderId"), "order_id");
  EXPECT_EQ(Id("CustomerName"), "customer_name");
  EXPECT_EQ(Id("XMLFile"), "xml_file");
  EXPECT_EQ(Id("ID"), "id");
  EXPECT_EQ(Id("Address2"), "address2");
  EXPECT_EQ(Id("HTTPStatus2xx"), "http_status2xx");
}

TEST(IdentifiersTest, TransliteratesLatin1Letters) {
  EXPECT_EQ(Id("Café"), "cafe");
  EXPECT_EQ(Id("Straße"), "strasse");
  EXPECT_EQ(Id("Prénom Élève"), "prenom_eleve");
  EXPECT_EQ(Id("Größe"), "grosse");
  EXPECT_EQ(Id("Año"), "ano");
  EXPECT_EQ(Id("Œuvre"), "oeuvre");
  EXPECT_EQ(Id("price €"), "price");   // non-Latin symbols separate words
  EXPECT_EQ(Id("日本 total"), "total");
}

TEST(IdentifiersTest, PercentAndHashBecomeWords) {
  EXPECT_EQ(Id("Growth %"), "growth_pct");
  EXPECT_EQ(Id("Order #"), "order_num");
}

TEST(IdentifiersTest, LeadingDigitGetsPrefix) {
  EXPECT_EQ(Id("2023 Sales"), "c_2023_sales");
  EXPECT_EQ(Id("1st"), "c_1st");
  EXPECT_EQ(ToSqlIdentifier("", "9lives"), "c_9lives");
}

TEST(IdentifiersTest, EmptyResultUsesFallback) {
  EXPECT_EQ(ToSqlIdentifier("", "column_3"), "column_3");
  EXPECT_EQ(ToSqlIdentifier("($)", "column_1"), "column_1");
  EXPECT_EQ(ToSqlIdentifier("日本", "data"), "data");
}

TEST(IdentifiersTest, ReservedWordsGetTrailingUnderscore) {
  EXPECT_EQ(Id("order"), "order_");
  EXPECT_EQ(Id("Order"), "order_");
  EXPECT_EQ(Id("GROUP"), "group_");
  EXPECT_EQ(Id("select"), "select_");
  EXPECT_EQ(Id("key"), "key_");
  EXPECT_EQ(Id("rowid"), "rowid_");
  EXPECT_EQ(Id("true"), "true_");
  EXPECT_EQ(Id("orders"), "orders");
  EXPECT_EQ(Id("order id"), "order_id");
}

TEST(IdentifiersTest, EverySqliteKeywordIsReserved) {
  const int n = sqlite3_keyword_count();
  ASSERT_GE(n, 147);
  for (int i = 0; i < n; ++i) {
    const char* word = nullptr;
    int len = 0;
    ASSERT_EQ(sqlite3_keyword_name(i, &word, &len), SQLITE_OK);
    std::string lower(word, len);
    for (char& c : lower) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    EXPECT_TRUE(IsReservedWord(lower)) << lower;
  }
  EXPECT_FALSE(IsReservedWord("customer"));
  EXPECT_FALSE(IsReservedWord("date"));
  EXPECT_FALSE(IsReservedWord(""));
}

TEST(IdentifiersTest, ColumnNamesAreUniqueInOrder) {
  EXPECT_EQ(MakeColumnNames({"id", "ID", "Id", "name"}),
            (std::vector<std::string>{"id", "id_2", "id_3", "name"}));
  EXPECT_EQ(MakeColumnNames({"id", "id_2", "id"}),
            (std::vector<std::string>{"id", "id_2", "id_3"}));
  EXPECT_EQ(MakeColumnNames({"", "value", "", "($)"}),
            (std::vector<std::string>{"column_1", "value", "column_3", "column_4"}));
  EXPECT_EQ(MakeColumnNames({"order", "Order"}),
            (std::vector<std::string>{"order_", "order_2"}));
}

}  // namespace
}  // namespace da
