// Memory over a real SQLite store and a real retail database: remembering, exact and semantic
// hits, re-parameterisation, feedback, expiry, schema changes, persistence and sharing.
#include "memory/memory.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <thread>

#include "engine/engine_fixture.h"
#include "llm/model_factory.h"
#include "memory/text_embedder.h"
#include "memory_fixture.h"
#include "test_util.h"

namespace da::memory::testing {
namespace {

using nlohmann::json;

constexpr const char* kTopSql =
    "SELECT s.name, SUM(sa.amount) AS total FROM sales sa JOIN stores s ON s.store_id = sa.store_id "
    "WHERE strftime('%Y', sa.date) = '2012' GROUP BY s.name ORDER BY total DESC LIMIT 3";
constexpr const char* kByRegionSql =
    "SELECT s.region, SUM(sa.amount) AS total FROM sales sa JOIN stores s ON s.store_id = sa.store_id "
    "GROUP BY s.region";

TEST_F(MemoryFixture, AnAnswerIsServedAgainForTheSameQuestionWithItsResult) {
  auto m = Open();
  auto id = m->Remember("Total sales by region", kByRegionSql, "engine", json{{"result", {{"columns", {"x"}}}}});
  ASSERT_TRUE(id.ok()) << id.status().ToString();
  auto hit = m->Lookup("total sales by region?");
  ASSERT_TRUE(hit.ok()) << hit.status().ToString();
  ASSERT_TRUE(hit->has_value());
  EXPECT_TRUE((*hit)->exact);
  EXPECT_EQ((*hit)->entry.id, *id);
  EXPECT_EQ((*hit)->sql, kByRegionSql);
  EXPECT_FALSE((*hit)->result.is_null());
  EXPECT_EQ(m->Get(*id)->hits, 1);
  // Remembering it again keeps one entry.
  EXPECT_EQ(*m->Remember("Total sales by region", kByRegionSql, "engine", nullptr), *id);
}

TEST_F(MemoryFixture, AnUnreviewedAnswerDoesNotServeParaphrasesButAnApprovedOneDoes) {
  auto m = Open();
  auto id = m->Remember("Total sales by region", kByRegionSql, "llm", nullptr);
  ASSERT_TRUE(id.ok());
  EXPECT_FALSE(m->Lookup("sum of sales per region")->has_value());
  ASSERT_TRUE(m->Approve(*id).ok());
  auto hit = m->Lookup("sum of sales per region");
  ASSERT_TRUE(hit.ok());
  ASSERT_TRUE(hit->has_value()) << "paraphrase missed";
  EXPECT_FALSE((*hit)->exact);
  EXPECT_GE((*hit)->similarity, 0.85);
  EXPECT_EQ((*hit)->sql, kByRegionSql);
  EXPECT_TRUE((*hit)->result.is_null());  // nothing stored to reuse
}

TEST_F(MemoryFixture, NearDuplicatesNeverGetEachOthersSql) {
  auto m = Open();
  ASSERT_TRUE(m->AddExample("Total sales by region", kByRegionSql, "").ok());
  for (const char* other : {"Average sales by region", "Total sales by store type", "Number of sales by region",
                            "Total sales not in the North region", "Highest sales by region"}) {
    auto hit = m->Lookup(other);
    ASSERT_TRUE(hit.ok());
    EXPECT_FALSE(hit->has_value()) << other << " got " << (*hit)->sql;
  }
}

TEST_F(MemoryFixture, ChangedLiteralsAreServedWithTheSqlRewritten) {
  auto m = Open();
  ASSERT_TRUE(m->AddExample("Top 3 stores by total sales in 2012", kTopSql, "").ok());
  auto hit = m->Lookup("top 5 stores by total sales in 2011");
  ASSERT_TRUE(hit.ok());
  ASSERT_TRUE(hit->has_value());
  EXPECT_TRUE((*hit)->reparameterised);
  EXPECT_NE((*hit)->sql.find("LIMIT 5"), std::string::npos) << (*hit)->sql;
  EXPECT_NE((*hit)->sql.find("'2011'"), std::string::npos) << (*hit)->sql;
  EXPECT_EQ((*hit)->sql.find("2012"), std::string::npos) << (*hit)->sql;
  EXPECT_EQ(da::testing::QueryRows(db_.db(), (*hit)->sql).size(), 5u);  // five stores sold in 2011
}

TEST_F(MemoryFixture, ARejectedAnswerIsNeverServedAgainForItsQuestion) {
  auto m = Open();
  auto id = m->Remember("Total sales by region", kByRegionSql, "llm", nullptr);
  ASSERT_TRUE(id.ok());
  ASSERT_TRUE(m->Reject(*id, "wrong join").ok());
  EXPECT_FALSE(m->Lookup("Total sales by region")->has_value());
  EXPECT_EQ(*m->Remember("Total sales by region", kByRegionSql, "llm", nullptr), *id);
  EXPECT_FALSE(m->Lookup("Total sales by region")->has_value());
  EXPECT_EQ(m->Get(*id)->status, EntryStatus::kRejected);
  // An approved paraphrase with the same SQL is not served for the rejected question either.
  ASSERT_TRUE(m->AddExample("sum of sales per region", kByRegionSql, "").ok());
  EXPECT_FALSE(m->Lookup("Total sales by region")->has_value());
  EXPECT_TRUE(m->Lookup("sum of sales per region")->has_value());
}

TEST_F(MemoryFixture, ApprovingWithCorrectedSqlChecksItFirst) {
  auto m = Open();
  auto id = m->Remember("Total sales by region", "SELECT region FROM stores", "llm", nullptr);
  ASSERT_TRUE(id.ok());
  auto bad = m->Approve(*id, std::string("SELECT nope FROM stores"));
  ASSERT_FALSE(bad.ok());
  EXPECT_NE(bad.status().message().find("nope"), std::string::npos) << bad.status().ToString();
  EXPECT_EQ(m->Get(*id)->status, EntryStatus::kAuto);
  auto good = m->Approve(*id, std::string(kByRegionSql), "fixed the join");
  ASSERT_TRUE(good.ok()) << good.status().ToString();
  EXPECT_EQ(good->sql, kByRegionSql);
  EXPECT_EQ(good->source, "feedback");
  EXPECT_EQ((*m->Lookup("Total sales by region"))->sql, kByRegionSql);
}

TEST_F(MemoryFixture, ResultsAreReusedOnlyForTheDataVersionTheyWereComputedOn) {
  {
    auto m = Open();
    ASSERT_TRUE(m->Remember("Total sales by region", kByRegionSql, "engine", json{{"rows", 1}}).ok());
    EXPECT_FALSE((*m->Lookup("Total sales by region"))->result.is_null());
  }
  data_version_ = 2;  // re-ingested with the same schema
  auto m = Open();
  auto hit = m->Lookup("Total sales by region");
  ASSERT_TRUE(hit->has_value());
  EXPECT_TRUE((*hit)->result.is_null());
  EXPECT_EQ((*hit)->sql, kByRegionSql);
}

TEST_F(MemoryFixture, ALiveDatabaseNeverGetsAStoredResultOnlyTheSqlAgain) {
  live_ = true;  // a PostgreSQL dataset: rows change without a new data version
  auto m = Open();
  ASSERT_TRUE(m->Remember("Total sales by region", kByRegionSql, "engine", json{{"rows", 1}}).ok());
  auto hit = m->Lookup("Total sales by region");
  ASSERT_TRUE(hit.ok() && hit->has_value());
  EXPECT_TRUE((*hit)->result.is_null());
  EXPECT_EQ((*hit)->sql, kByRegionSql);
}

TEST_F(MemoryFixture, UnreviewedAnswersExpire) {
  MemoryEntry old;
  {
    auto m = Open();
    ASSERT_TRUE(m->Remember("Total sales by region", kByRegionSql, "engine", nullptr).ok());
    old = *m->Latest("Total sales by region");
  }
  old.updated_at = "2020-01-01T00:00:00Z";
  // Update stamps the time; write the old one back through a raw insert of the same fields.
  ASSERT_TRUE(store_->Remove("shop", old.id).ok());
  old.created_at = old.updated_at;
  ASSERT_TRUE(store_->Insert(old).ok());
  EXPECT_FALSE(Open()->Lookup("Total sales by region")->has_value());
  options_.ttl_hours = 0;  // never expire
  EXPECT_TRUE(Open()->Lookup("Total sales by region")->has_value());
}

TEST_F(MemoryFixture, ASchemaChangeKeepsWhatStillRunsAndDropsTheRest) {
  int64_t kept = 0, broken = 0;
  {
    auto m = Open();
    kept = *m->Remember("Total sales by region", kByRegionSql, "engine", json{{"rows", 1}});
    broken = *m->AddExample("Stores by size", "SELECT name, size FROM stores ORDER BY size", "");
  }
  ASSERT_TRUE(ExecSql(db_.db(), "ALTER TABLE stores RENAME COLUMN size TO floor_area").ok());
  Reprofile();
  auto m = Open();
  EXPECT_TRUE(m->open_report().schema_changed);
  EXPECT_EQ(m->open_report().revalidated, 1);
  EXPECT_EQ(m->open_report().dropped, 1);
  EXPECT_TRUE(m->Get(kept).ok());
  EXPECT_TRUE(m->Get(kept)->result_json.empty());
  EXPECT_EQ(m->Get(broken).status().code(), Status::Code::kNotFound);
  // Opening again finds nothing more to do.
  EXPECT_FALSE(Open()->open_report().schema_changed);
}

TEST_F(MemoryFixture, TheIndexIsSavedAndRebuiltWhenMissingOrDamaged) {
  ASSERT_TRUE(Open()->AddExample("Total sales by region", kByRegionSql, "").ok());
  auto reopened = Open();
  EXPECT_FALSE(reopened->open_report().index_rebuilt);
  EXPECT_TRUE(reopened->Lookup("sum of sales per region")->has_value());
  reopened.reset();
  for (const auto& f : std::filesystem::directory_iterator(index_dir_.path())) {
    std::ofstream(f.path(), std::ios::binary | std::ios::trunc) << "garbage";
  }
  auto rebuilt = Open();
  EXPECT_TRUE(rebuilt->open_report().index_rebuilt);
  EXPECT_TRUE(rebuilt->Lookup("sum of sales per region")->has_value());
}

TEST_F(MemoryFixture, AnotherEmbedderReEmbedsTheExamples) {
  ASSERT_TRUE(Open()->AddExample("Total sales by region", kByRegionSql, "").ok());
  ASSERT_TRUE(Open()->AddExample("Average price by category", "SELECT category, AVG(price) FROM products GROUP BY category", "").ok());
  TextEmbedder smaller(128);
  auto m = Open(&smaller);
  EXPECT_EQ(m->open_report().embedded, 2);
  EXPECT_EQ(m->open_report().embedder, smaller.id());
  EXPECT_TRUE(m->Lookup("sum of sales per region")->has_value());
  EXPECT_EQ(Open(&smaller)->open_report().embedded, 0);
}

TEST_F(MemoryFixture, AnUnreachableEmbedderLeavesExactMatches) {
  ASSERT_TRUE(Open()->Remember("Total sales by region", kByRegionSql, "engine", nullptr).ok());
  llm::ModelConfig config;
  config.role = llm::ModelRole::kEmbeddings;
  config.model = "nomic-embed-text";
  config.base_url = "http://127.0.0.1:1/v1";
  config.max_retries = 0;
  config.timeout_s = 2;
  auto embedder = llm::MakeEmbedder(config, llm::Environment::FromMap({{"OPENAI_API_KEY", "sk-test"}}));
  ASSERT_TRUE(embedder.ok()) << embedder.status().ToString();
  ASSERT_TRUE(Open()->AddExample("Average price by category", "SELECT category, AVG(price) FROM products GROUP BY category", "").ok());
  auto m = Open(embedder->get());
  EXPECT_NE(m->open_report().warning.find("embedder is unavailable"), std::string::npos) << m->open_report().warning;
  EXPECT_TRUE(m->Lookup("Total sales by region")->has_value());
  EXPECT_FALSE(m->Lookup("mean price per category")->has_value());
}

TEST_F(MemoryFixture, TwoProcessesSharingAStoreSeeEachOthersApprovals) {
  auto server = Open();
  auto cli = Open();
  EXPECT_FALSE(server->Lookup("sum of sales per region")->has_value());
  ASSERT_TRUE(cli->AddExample("Total sales by region", kByRegionSql, "").ok());
  std::this_thread::sleep_for(std::chrono::milliseconds(1100));  // the refresh check runs at most once a second
  EXPECT_TRUE(server->Lookup("sum of sales per region")->has_value());
  ASSERT_TRUE(cli->Reject(cli->Latest("Total sales by region")->id).ok());
  std::this_thread::sleep_for(std::chrono::milliseconds(1100));
  EXPECT_FALSE(server->Lookup("sum of sales per region")->has_value());
}

TEST_F(MemoryFixture, FewShotExamplesAreNearAndOfDifferentShapes) {
  auto m = Open();
  ASSERT_TRUE(m->AddExample("Total sales by region", kByRegionSql, "").ok());
  ASSERT_TRUE(m->AddExample("Sum of sales per region", kByRegionSql, "").ok());  // same shape
  ASSERT_TRUE(m->AddExample("Total sales by store type",
                            "SELECT s.type, SUM(sa.amount) FROM sales sa JOIN stores s USING (store_id) GROUP BY s.type", "")
                  .ok());
  ASSERT_TRUE(m->AddExample("Average price by category", "SELECT category, AVG(price) FROM products GROUP BY category", "").ok());
  auto examples = m->FewShot("total sales for each region and store type");
  ASSERT_TRUE(examples.ok());
  ASSERT_FALSE(examples->empty());
  EXPECT_LE(examples->size(), 3u);
  std::set<std::string> sqls;
  for (const auto& e : *examples) sqls.insert(e.sql);
  EXPECT_EQ(sqls.size(), examples->size()) << "two examples of one shape";
  EXPECT_NE((*examples)[0].question.find("ales"), std::string::npos);
}

TEST_F(MemoryFixture, ImportingIsAllOrNothing) {
  auto m = Open();
  std::vector<Example> examples = {{0, "Total sales by region", kByRegionSql, "", 0},
                                   {0, "Stores by size", "SELECT name, size FROM nowhere", "", 0}};
  Status s = m->AddExamples(examples, {"ex.jsonl: line 1", "ex.jsonl: line 2"}, "import");
  ASSERT_FALSE(s.ok());
  EXPECT_NE(s.message().find("ex.jsonl: line 2"), std::string::npos) << s.ToString();
  EXPECT_NE(s.message().find("nowhere"), std::string::npos) << s.ToString();
  EXPECT_TRUE(m->Entries()->empty());
  examples[1].sql = "SELECT name, size FROM stores";
  ASSERT_TRUE(m->AddExamples(examples, {}, "import").ok());
  EXPECT_EQ(m->Entries(EntryStatus::kApproved)->size(), 2u);
  EXPECT_TRUE(m->Lookup("sum of sales per region")->has_value());
}

TEST_F(MemoryFixture, TheCacheCanBeTurnedOff) {
  options_.cache = false;
  auto m = Open();
  ASSERT_TRUE(m->Remember("Total sales by region", kByRegionSql, "engine", nullptr).ok());
  EXPECT_FALSE(m->Lookup("Total sales by region")->has_value());
}

}  // namespace
}  // namespace da::memory::testing
