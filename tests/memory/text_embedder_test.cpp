#include "memory/text_embedder.h"

#include <gtest/gtest.h>

#include <cmath>
#include <cstdint>
#include <cstring>
#include <string>
#include <thread>
#include <vector>

#include "memory/stable_hash.h"

namespace da::memory {
namespace {

double Dot(const std::vector<float>& a, const std::vector<float>& b) {
  double sum = 0;
  for (size_t i = 0; i < a.size() && i < b.size(); ++i) sum += static_cast<double>(a[i]) * b[i];
  return sum;
}

double Norm(const std::vector<float>& v) { return std::sqrt(Dot(v, v)); }

class TextEmbedderTest : public ::testing::Test {
 protected:
  double Cos(const std::string& a, const std::string& b) const {
    return Dot(embedder_.EmbedOne(a), embedder_.EmbedOne(b));
  }
  TextEmbedder embedder_;
};

TEST_F(TextEmbedderTest, IdNamesTheAlgorithmVersionAndDimension) {
  EXPECT_EQ(embedder_.id(), "builtin:hash-v1-256");
  EXPECT_EQ(embedder_.dimension(), 256);
  TextEmbedder small(64);
  EXPECT_EQ(small.id(), "builtin:hash-v1-64");
  EXPECT_EQ(small.dimension(), 64);
}

TEST_F(TextEmbedderTest, EmbedGivesOneUnitVectorPerTextInOrder) {
  auto out = embedder_.Embed({"total sales by region", "number of employees", ""});
  ASSERT_TRUE(out.ok()) << out.status().ToString();
  ASSERT_EQ(out->vectors.size(), 3u);
  EXPECT_EQ(out->model, "builtin:hash-v1-256");
  EXPECT_EQ(out->attempts, 0);
  EXPECT_GT(out->usage.input_tokens, 0);
  for (const auto& v : out->vectors) EXPECT_EQ(v.size(), 256u);
  EXPECT_NEAR(Norm(out->vectors[0]), 1.0, 1e-5);
  EXPECT_NEAR(Norm(out->vectors[1]), 1.0, 1e-5);
  EXPECT_EQ(out->vectors[0], embedder_.EmbedOne("total sales by region"));
  EXPECT_EQ(out->vectors[1], embedder_.EmbedOne("number of employees"));

  auto none = embedder_.Embed({});
  ASSERT_TRUE(none.ok());
  EXPECT_TRUE(none->vectors.empty());
}

TEST_F(TextEmbedderTest, IsDeterministicAcrossInstancesCallsAndThreads) {
  const std::string q = "Average salary per department for <year>, excluding 'Sales' and > 5 staff";
  std::vector<float> first = embedder_.EmbedOne(q);
  EXPECT_EQ(embedder_.EmbedOne(q), first);
  EXPECT_EQ(TextEmbedder().EmbedOne(q), first);
  std::vector<float> other_thread;  // its word cache starts cold
  std::thread([&] { other_thread = TextEmbedder().EmbedOne(q); }).join();
  EXPECT_EQ(other_thread, first);
}

// Pins the output for fixed sentences. If this fails, the vectors changed (here, or in the
// tokenizer, lemmas, stop words or WordNet data this embedder reads): bump
// TextEmbedder::kAlgorithmVersion so stored vectors are re-embedded, then update the value.
TEST_F(TextEmbedderTest, GoldenFingerprintPinsTheAlgorithm) {
  std::string quantised;
  for (const char* text : {"Total revenue per store in <value:stores.region> since <year>",
                           "how many customers bought more than 3 items", "slaes by month"}) {
    for (float x : embedder_.EmbedOne(text)) {
      const auto q = static_cast<uint32_t>(static_cast<int32_t>(std::lround(x * 100000.0f)));
      for (int byte = 0; byte < 4; ++byte) quantised += static_cast<char>((q >> (8 * byte)) & 0xFF);
    }
  }
  EXPECT_EQ(StableHash64(quantised), 16986254986476509745u) << "the built-in embedder's output changed";
}

TEST_F(TextEmbedderTest, ParaphrasesAreCloserThanUnrelatedQuestions) {
  const double paraphrase = Cos("total sales by region", "sum of sales per region");
  const double unrelated = Cos("total sales by region", "number of employees hired in 2020");
  EXPECT_GT(paraphrase, unrelated + 0.3) << paraphrase << " vs " << unrelated;

  // Operation words: paraphrased operations meet, different operations stay apart even though
  // WordNet calls "total" and "number" synonyms.
  EXPECT_GT(Cos("total sales by region", "sum of sales per region"),
            Cos("total sales by region", "number of sales by region"));
  EXPECT_GT(Cos("count of orders by month", "number of orders per month"),
            Cos("count of orders by month", "average of orders per month"));

  EXPECT_GT(Cos("average salary of employees by department",
                "what is the mean salary per department for employees"),
            Cos("average salary of employees by department", "total revenue by product"));
  EXPECT_GT(Cos("top 5 customers by revenue", "which 5 customers generate the most revenue"),
            Cos("top 5 customers by revenue", "list stores opened after 2019"));
}

TEST_F(TextEmbedderTest, WordNetSynonymsShareFeatures) {
  // Unrelated words hash to near-orthogonal vectors; synonyms share features.
  EXPECT_GT(Cos("shop", "store"), 0.3);
  EXPECT_GT(Cos("customer", "client"), 0.3);
  EXPECT_GT(Cos("salary", "wage"), 0.3);
  EXPECT_GT(Cos("total", "sum"), 0.3);
  EXPECT_LT(std::abs(Cos("shop", "salary")), 0.15);
  EXPECT_GT(Cos("revenue per shop", "revenue per store"),
            Cos("revenue per shop", "revenue per employee"));
  // Earnings' synonyms include the collocation "net income", met as a word bigram.
  EXPECT_GT(Cos("earnings by quarter", "net income by quarter"),
            Cos("earnings by quarter", "gross margin by quarter"));
}

TEST_F(TextEmbedderTest, TypoStaysNearItsWord) {
  EXPECT_GT(Cos("slaes per region", "sales per region"), Cos("slaes per region", "stores per region"));
  EXPECT_GT(Cos("totl revenue by month", "total revenue by month"), 0.7);
  EXPECT_GT(Cos("revnue", "revenue"), Cos("revnue", "region"));
  EXPECT_GT(Cos("revnue", "revenue"), Cos("revnue", "profit"));
}

TEST_F(TextEmbedderTest, InflectionsShareTheLemma) {
  EXPECT_GT(Cos("sales of stores", "sale of store"), 0.9);
}

TEST_F(TextEmbedderTest, WordOrderMattersALittle) {
  const double reordered = Cos("revenue by store region", "region by store revenue");
  EXPECT_LT(reordered, 0.99);
  EXPECT_GT(reordered, 0.6);
}

TEST_F(TextEmbedderTest, PlaceholdersSurviveAsFeatures) {
  // A slot is not the word inside it, and slots of different kinds differ.
  EXPECT_LT(Cos("sales for <year>", "sales for year"), 0.9);
  EXPECT_LT(Cos("sales for <year>", "sales for <number>"), 0.95);
  EXPECT_GT(Cos("sales for <year>", "sales for <number>"), 0.3);
  // Value slots of one kind share a feature but differ by column.
  const double other_column = Cos("sales in <value:stores.region>", "sales in <value:stores.city>");
  EXPECT_LT(other_column, 0.99);
  EXPECT_GT(other_column, Cos("sales in <value:stores.region>", "sales in <number>"));
  // Case-insensitive, and the same with or without surrounding spaces or punctuation.
  EXPECT_NEAR(Cos("sales in <VALUE:Stores.Region>", "sales in <value:stores.region>"), 1.0, 1e-6);
  EXPECT_NEAR(Cos("sales in <year>?", "sales in <year>"), 1.0, 1e-6);
  // A slot alone is a non-zero vector; text that only looks like one is ordinary punctuation.
  EXPECT_NEAR(Norm(embedder_.EmbedOne("<number>")), 1.0, 1e-5);
  EXPECT_NEAR(Norm(embedder_.EmbedOne("price < number >")), 1.0, 1e-5);
  EXPECT_NEAR(Norm(embedder_.EmbedOne("<>< <: <a:> <<year>")), 1.0, 1e-5);
}

TEST_F(TextEmbedderTest, EmptyAndStopWordOnlyTextGiveTheZeroVector) {
  for (const char* text : {"", "   ", "what is the", "?!.,", "show me all of them"}) {
    std::vector<float> v = embedder_.EmbedOne(text);
    ASSERT_EQ(v.size(), 256u);
    EXPECT_EQ(Norm(v), 0.0) << text;
  }
}

TEST_F(TextEmbedderTest, NonAsciiAndMalformedInputEmbed) {
  for (const char* text : {"Umsatz in München pro Monat", "東京の売上", "café", "\xff\xfe\x80 sales",
                           "ventes \xE2\x80\x99 totales"}) {
    std::vector<float> v = embedder_.EmbedOne(text);
    ASSERT_EQ(v.size(), 256u);
    for (float x : v) ASSERT_TRUE(std::isfinite(x)) << text;
    EXPECT_NEAR(Norm(v), 1.0, 1e-5) << text;
    EXPECT_EQ(embedder_.EmbedOne(text), v);
  }
  EXPECT_NEAR(Cos("Café sales", "café sales"), 1.0, 1e-6);
  EXPECT_GT(Cos("Umsatz in München", "Umsatz in Muenchen"), 0.3);
}

TEST_F(TextEmbedderTest, OtherDimensions) {
  TextEmbedder tiny(1);
  EXPECT_NEAR(Norm(tiny.EmbedOne("total sales")), 1.0, 1e-6);
  TextEmbedder odd(100);
  std::vector<float> v = odd.EmbedOne("total sales by region");
  EXPECT_EQ(v.size(), 100u);
  EXPECT_NEAR(Norm(v), 1.0, 1e-5);
}

TEST_F(TextEmbedderTest, InvalidDimensionIsAnError) {
  for (int dimension : {0, -3, TextEmbedder::kMaxDimension + 1}) {
    TextEmbedder bad(dimension);
    auto out = bad.Embed({"total sales"});
    ASSERT_FALSE(out.ok());
    EXPECT_EQ(out.status().code(), Status::Code::kInvalidArgument);
  }
}

}  // namespace
}  // namespace da::memory
