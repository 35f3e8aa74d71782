#include "memory/question_key.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "retail_db.h"

namespace da {
namespace {

using Kind = Slot::Kind;

class QuestionKeyTest : public RetailDbTest {};

TEST_F(QuestionKeyTest, ParaphrasesShareTheSignature) {
  const QuestionKey a = Key("total sales by region");
  EXPECT_EQ(a.SignatureKey(), "sum sales group stores.region");
  EXPECT_EQ(Key("sum of sales per region").SignatureKey(), a.SignatureKey());
  EXPECT_EQ(Key("What are total sales for each region?").SignatureKey(), a.SignatureKey());
  const QuestionKey count = Key("How many stores are there in each region?");
  EXPECT_EQ(Key("number of stores per region").SignatureKey(), count.SignatureKey());
  EXPECT_EQ(Key("count of stores by region").SignatureKey(), count.SignatureKey());
  EXPECT_EQ(Key("stores with no sales").SignatureKey(), Key("stores without sales").SignatureKey());
  // A comparison typed as a symbol is the same as in words.
  EXPECT_EQ(Key("stores with size > 300").SignatureKey(), Key("stores with size over 300").SignatureKey());
}

TEST_F(QuestionKeyTest, NearDuplicatesDifferInSignature) {
  const std::vector<std::pair<std::string, std::string>> pairs = {
      {"store with the highest total sales", "store with the lowest total sales"},
      {"total sales by region", "average sales by region"},
      {"stores not in North", "stores in North"},
      {"how many sales per region", "total sales per region"},
      {"total sales by region", "total sales by store type"},
      {"stores with more than 3 sales", "stores with at least 3 sales"},
      {"sales before 2012", "sales since 2012"},
      {"sales as of 2012", "sales in 2012"},
      {"top 5 stores", "largest 5 stores"},
      {"the oldest store", "the newest store"},
      {"who sold the most", "what sold the most"},
      {"stores with the most sales", "stores with more sales"},
      {"stores in North or South", "stores in North and South"},
      {"store sizes sorted ascending", "store sizes sorted descending"},
      {"monthly sales", "yearly sales"},
      {"sales this year", "sales last year"},
      {"stores with 5+ sales", "stores with 5 sales"},
      {"stores with size != 300", "stores with size = 300"},
      {"stores with about 100 sales", "stores with 100 sales"},
      // Order matters, not only the bag of words.
      {"stores with the highest size and the lowest amount", "stores with the lowest size and the highest amount"},
  };
  for (const auto& [x, y] : pairs) {
    const QuestionKey a = Key(x), b = Key(y);
    EXPECT_NE(a.SignatureKey(), b.SignatureKey()) << x << " | " << y;
    EXPECT_NE(a.template_text, b.template_text) << x << " | " << y;
    EXPECT_NE(a.exact_text, b.exact_text) << x << " | " << y;
  }
}

TEST_F(QuestionKeyTest, OperatorsAreClassedInQuestionOrder) {
  EXPECT_EQ(Key("store with the highest total sales").operators, (std::vector<std::string>{"max", "sum"}));
  EXPECT_EQ(Key("how many different products are not in Dairy").operators,
            (std::vector<std::string>{"count", "distinct", "not"}));
  EXPECT_EQ(Key("stores with at most 3 sales sorted by size in descending order").operators,
            (std::vector<std::string>{"<=", "order", "desc", "order"}));
  EXPECT_EQ(Key("monthly sales").operators, std::vector<std::string>{"grain:month"});
  EXPECT_EQ(Key("sales per month").operators, std::vector<std::string>{"grain:month"});
  EXPECT_EQ(Key("stores that didn't sell bread").operators, std::vector<std::string>{"not"});
  EXPECT_EQ(Key("stores older than 5 years").operators, std::vector<std::string>{"cmp:old"});
}

TEST_F(QuestionKeyTest, ChangedLiteralsShareTemplateAndSignature) {
  const std::vector<std::pair<std::string, std::string>> pairs = {
      {"top 5 stores in 2012", "top 10 stores in 2011"},
      {"What are the top 5 stores in 2012?", "top ten stores 2011"},
      {"how many stores in North", "how many stores in south"},
      {"total sales of Bread in March 2012", "total sales of Milk in July 2011"},
      {"stores whose name contains \"O'Brien\"", "stores whose name contains 'Hill'"},
      {"sales between 2011-01-01 and 2011-06-30", "sales between 2012-01-01 and 2012-03-31"},
  };
  for (const auto& [x, y] : pairs) {
    const QuestionKey a = Key(x), b = Key(y);
    EXPECT_EQ(a.template_text, b.template_text) << x << " | " << y;
    EXPECT_EQ(a.SignatureKey(), b.SignatureKey()) << x << " | " << y;
    EXPECT_NE(a.exact_text, b.exact_text) << x << " | " << y;
    ASSERT_EQ(a.slots.size(), b.slots.size()) << x << " | " << y;
    bool differ = false;
    for (size_t i = 0; i < a.slots.size(); ++i) differ = differ || a.slots[i].value != b.slots[i].value;
    EXPECT_TRUE(differ) << x << " | " << y;
  }
}

TEST_F(QuestionKeyTest, StopWordsAndInflectionDoNotChangeTheKey) {
  const QuestionKey a = Key("What are the top 5 stores in 2012?");
  const QuestionKey b = Key("top 5 store 2012");
  EXPECT_EQ(a.template_text, "top <number> store <year>");
  EXPECT_EQ(a.exact_text, "top <number=5> store <year=2012>");
  EXPECT_EQ(b.template_text, a.template_text);
  EXPECT_EQ(b.exact_text, a.exact_text);
  EXPECT_EQ(b.SignatureKey(), a.SignatureKey());
  // "top five" is "top 5": slots hold canonical values.
  EXPECT_EQ(Key("Top five stores in 2012").exact_text, a.exact_text);
}

TEST_F(QuestionKeyTest, SlotsAreTypedWithCanonicalValues) {
  const QuestionKey k = Key("top ten stores in North in March 2012 with over 5k sales since 2011-02-01");
  ASSERT_EQ(k.slots.size(), 5u) << k.template_text;
  EXPECT_EQ(k.slots[0].kind, Kind::kNumber);
  EXPECT_EQ(k.slots[0].text, "ten");
  EXPECT_EQ(k.slots[0].value, "10");
  EXPECT_EQ(k.slots[1].kind, Kind::kValue);
  EXPECT_EQ(k.slots[1].value, "North");
  EXPECT_EQ(k.slots[1].column, "stores.region");
  EXPECT_EQ(k.slots[2].kind, Kind::kMonth);
  EXPECT_EQ(k.slots[2].text, "March 2012");
  EXPECT_EQ(k.slots[2].value, "2012-03");
  EXPECT_EQ(k.slots[2].Placeholder(), "<year-month>");
  EXPECT_EQ(k.slots[3].value, "5000");
  EXPECT_EQ(k.slots[3].text, "5k");
  EXPECT_EQ(k.slots[4].kind, Kind::kDate);
  EXPECT_EQ(k.slots[4].value, "2011-02-01");
  EXPECT_EQ(k.template_text, "top <number> store <value:stores.region> <year-month> over <number> sale since <date>");
  EXPECT_EQ(k.schema, (std::vector<std::string>{"sales", "stores", "stores.region"}));
}

TEST_F(QuestionKeyTest, OtherSlotKinds) {
  const QuestionKey q = Key("sales in the third quarter of 2011 and in q2");
  ASSERT_EQ(q.slots.size(), 2u);
  EXPECT_EQ(q.slots[0].kind, Kind::kQuarter);
  EXPECT_EQ(q.slots[0].value, "2011-Q3");
  EXPECT_EQ(q.slots[1].value, "Q2");
  EXPECT_EQ(q.slots[1].Placeholder(), "<quarter>");
  const QuestionKey s = Key("stores named \"Big Box\" with 10% growth in the 3rd week");
  ASSERT_EQ(s.slots.size(), 3u);
  EXPECT_EQ(s.slots[0].kind, Kind::kString);
  EXPECT_EQ(s.slots[0].value, "Big Box");
  EXPECT_EQ(s.slots[1].Placeholder(), "<percent>");
  EXPECT_EQ(s.slots[1].value, "10");
  EXPECT_EQ(s.slots[2].Placeholder(), "<ordinal>");
  EXPECT_EQ(s.slots[2].value, "3");
  // A quoted data value is a value slot, stored case.
  const QuestionKey v = Key("sales of 'bread'");
  ASSERT_EQ(v.slots.size(), 1u);
  EXPECT_EQ(v.slots[0].kind, Kind::kValue);
  EXPECT_EQ(v.slots[0].value, "Bread");
  EXPECT_EQ(v.slots[0].column, "products.name");
}

TEST_F(QuestionKeyTest, WeakLiteralsStayWords) {
  const QuestionKey k = Key("which one is the first store");
  EXPECT_TRUE(k.slots.empty());
  EXPECT_EQ(k.template_text, "one first store");
}

TEST_F(QuestionKeyTest, DegreeWordsKeepTheirForm) {
  EXPECT_EQ(Key("stores with the highest sales").template_text, "store highest sale");
  EXPECT_EQ(Key("stores with at least 3 sales").template_text, "store at least <number> sale");
  EXPECT_NE(Key("stores with high sales").template_text, Key("stores with higher sales").template_text);
}

TEST_F(QuestionKeyTest, EmptyQuestion) {
  const QuestionKey k = Key("");
  EXPECT_TRUE(k.slots.empty());
  EXPECT_EQ(k.template_text, "");
  EXPECT_EQ(k.SignatureKey(), "");
}

TEST_F(QuestionKeyTest, JsonRoundTrip) {
  const QuestionKey k = Key("top 5 stores in North in March 2012 named \"O'Brien\"");
  auto back = QuestionKey::FromJson(nlohmann::json::parse(k.ToJson().dump()));
  ASSERT_TRUE(back.ok()) << back.status().ToString();
  EXPECT_EQ(back->ToJson(), k.ToJson());
  EXPECT_EQ(back->SignatureKey(), k.SignatureKey());
  ASSERT_EQ(back->slots.size(), k.slots.size());
  for (size_t i = 0; i < k.slots.size(); ++i) {
    EXPECT_EQ(back->slots[i].kind, k.slots[i].kind);
    EXPECT_EQ(back->slots[i].Placeholder(), k.slots[i].Placeholder());
    EXPECT_EQ(back->slots[i].value, k.slots[i].value);
    EXPECT_EQ(back->slots[i].text, k.slots[i].text);
  }
}

TEST_F(QuestionKeyTest, JsonErrorsAreCorruption) {
  nlohmann::json good = Key("top 5 stores").ToJson();
  EXPECT_EQ(QuestionKey::FromJson(nlohmann::json::array()).status().code(), Status::Code::kCorruption);
  for (const char* field : {"template", "exact", "schema", "operators", "signature", "slots"}) {
    nlohmann::json bad = good;
    bad.erase(field);
    EXPECT_EQ(QuestionKey::FromJson(bad).status().code(), Status::Code::kCorruption) << field;
  }
  nlohmann::json bad_kind = good;
  bad_kind["slots"][0]["kind"] = "colour";
  auto r = QuestionKey::FromJson(bad_kind);
  EXPECT_EQ(r.status().code(), Status::Code::kCorruption);
  EXPECT_NE(r.status().message().find("colour"), std::string::npos);
  nlohmann::json bad_flag = good;
  bad_flag["slots"][0]["ordinal"] = "no";
  EXPECT_EQ(QuestionKey::FromJson(bad_flag).status().code(), Status::Code::kCorruption);
}

}  // namespace
}  // namespace da
