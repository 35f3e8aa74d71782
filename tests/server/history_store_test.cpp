// Per-key history in a real server.db: newest first, limits, pruning to the newest 1000 per
// key, scoping by key and dataset, forgetting a removed dataset.
#include "server/history_store.h"

#include <gtest/gtest.h>

#include "common/sqlite.h"
#include "test_util.h"

namespace da::server {
namespace {

using ::da::testing::QueryRows;
using ::da::testing::TempDir;

class HistoryStoreTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto opened = HistoryStore::Open(dir_.path());
    ASSERT_TRUE(opened.ok()) << opened.status().ToString();
    store_ = std::move(opened).value();
  }
  int64_t Add(int64_t key_id, const std::string& dataset, const std::string& question) {
    HistoryItem item;
    item.key_id = key_id;
    item.dataset = dataset;
    item.question = question;
    auto id = store_->Add(item);
    EXPECT_TRUE(id.ok()) << id.status().ToString();
    return id.ok() ? *id : 0;
  }
  std::vector<std::string> Questions(int64_t key_id, std::string_view dataset = "", size_t limit = 50) {
    auto items = store_->List(key_id, dataset, limit);
    EXPECT_TRUE(items.ok()) << items.status().ToString();
    std::vector<std::string> out;
    if (items.ok()) {
      for (const auto& item : *items) out.push_back(item.question);
    }
    return out;
  }
  // Rows of the history table as stored, through a connection of our own.
  std::vector<std::string> Stored(const std::string& sql) {
    auto db = OpenSqlite(dir_.path() / "server.db", OpenMode::kReadOnly);
    EXPECT_TRUE(db.ok());
    return db.ok() ? ::da::testing::QueryRows(db->get(), sql) : std::vector<std::string>{};
  }
  TempDir dir_;
  std::unique_ptr<HistoryStore> store_;
};

TEST_F(HistoryStoreTest, AnItemIsStoredWithEveryFieldAndListedNewestFirst) {
  HistoryItem item;
  item.key_id = 3;
  item.dataset = "shop";
  item.question = "how many orders per channel?";
  item.answered = true;
  item.sql = "SELECT channel, count(*) FROM orders GROUP BY 1";
  item.restatement = "Number of orders per channel";
  item.source = "engine";
  item.answer_id = 12;
  item.row_count = 3;
  auto id = store_->Add(item);
  ASSERT_TRUE(id.ok());
  Add(3, "shop", "second");
  Add(3, "shop", "third");
  EXPECT_EQ(Questions(3), (std::vector<std::string>{"third", "second", "how many orders per channel?"}));

  auto items = store_->List(3, "shop", 10);
  ASSERT_TRUE(items.ok());
  const HistoryItem& first = items->back();
  EXPECT_EQ(first.id, *id);
  EXPECT_EQ(first.key_id, 3);
  EXPECT_TRUE(first.answered);
  EXPECT_EQ(first.sql, item.sql);
  EXPECT_EQ(first.restatement, item.restatement);
  EXPECT_EQ(first.source, "engine");
  EXPECT_EQ(first.answer_id, 12);
  EXPECT_EQ(first.row_count, 3);
  EXPECT_EQ(first.message, "");
  EXPECT_EQ(first.created_at.size(), 20u) << first.created_at;  // 2026-11-24T06:20:00Z

  const nlohmann::json j = first.ToJson();
  EXPECT_EQ(j.size(), 11u) << j.dump();
  EXPECT_FALSE(j.contains("key_id"));
  EXPECT_EQ(j["id"], *id);
  EXPECT_EQ(j["question"], "how many orders per channel?");
  EXPECT_EQ(j["answered"], true);
}

TEST_F(HistoryStoreTest, AGivenCreationTimeIsKept) {
  HistoryItem item;
  item.key_id = 1;
  item.created_at = "2026-01-02T03:04:05Z";
  ASSERT_TRUE(store_->Add(item).ok());
  EXPECT_EQ(store_->List(1, "", 1)->front().created_at, "2026-01-02T03:04:05Z");
}

TEST_F(HistoryStoreTest, AKeySeesOnlyItsOwnItemsAndCanFilterByDataset) {
  Add(1, "shop", "a1");
  Add(2, "shop", "b1");
  Add(1, "hr", "a2");
  Add(1, "shop", "a3");
  EXPECT_EQ(Questions(1), (std::vector<std::string>{"a3", "a2", "a1"}));
  EXPECT_EQ(Questions(2), (std::vector<std::string>{"b1"}));
  EXPECT_EQ(Questions(1, "shop"), (std::vector<std::string>{"a3", "a1"}));
  EXPECT_EQ(Questions(1, "hr"), (std::vector<std::string>{"a2"}));
  EXPECT_TRUE(Questions(2, "hr").empty());
  EXPECT_TRUE(Questions(99).empty());
}

TEST_F(HistoryStoreTest, TheLimitIsHonouredAndCappedAt500) {
  for (int i = 0; i < 600; ++i) Add(1, "shop", "q" + std::to_string(i));
  EXPECT_EQ(Questions(1, "", 2), (std::vector<std::string>{"q599", "q598"}));
  EXPECT_TRUE(Questions(1, "", 0).empty());
  EXPECT_EQ(Questions(1, "", 100000).size(), 500u);
  EXPECT_EQ(Questions(1, "shop", 100000).size(), 500u);
}

TEST_F(HistoryStoreTest, OnlyTheNewest1000ItemsOfEachKeyAreKeptPrunedInBatches) {
  const int slack = static_cast<int>(HistoryStore::kPruneSlack);
  for (int i = 0; i < 1000 + slack; ++i) Add(1, i % 2 ? "shop" : "hr", "q" + std::to_string(i));
  for (int i = 0; i < 10; ++i) Add(2, "shop", "other" + std::to_string(i));
  EXPECT_EQ(Stored("SELECT count(*) FROM history WHERE key_id = 1"),
            (std::vector<std::string>{std::to_string(1000 + slack)}));
  Add(1, "shop", "one more");  // over the slack: pruned back to the newest 1000
  EXPECT_EQ(Stored("SELECT count(*) FROM history WHERE key_id = 1"), (std::vector<std::string>{"1000"}));
  // q0 .. q<slack> went; q<slack + 1> is the oldest kept.
  const std::string first_kept = "q" + std::to_string(slack + 1);
  EXPECT_EQ(Stored("SELECT count(*) FROM history WHERE key_id = 1 AND question IN ('q0', 'q" +
                   std::to_string(slack) + "', '" + first_kept + "')"),
            (std::vector<std::string>{"1"}));
  EXPECT_EQ(Stored("SELECT count(*) FROM history WHERE key_id = 2"), (std::vector<std::string>{"10"}));
  EXPECT_EQ(Questions(1, "", 1), (std::vector<std::string>{"one more"}));
}

TEST_F(HistoryStoreTest, ItemsAddedByAnotherStoreArePrunedToo) {
  auto other = HistoryStore::Open(dir_.path());
  ASSERT_TRUE(other.ok());
  HistoryItem item;
  item.key_id = 1;
  for (size_t i = 0; i < HistoryStore::kKeptPerKey; ++i) ASSERT_TRUE((*other)->Add(item).ok());
  for (size_t i = 0; i <= HistoryStore::kPruneSlack; ++i) Add(1, "shop", "mine");
  EXPECT_EQ(Stored("SELECT count(*) FROM history WHERE key_id = 1"), (std::vector<std::string>{"1000"}));
}

TEST_F(HistoryStoreTest, ForgettingADatasetRemovesItForEveryKey) {
  Add(1, "shop", "a1");
  Add(2, "shop", "b1");
  Add(1, "hr", "a2");
  ASSERT_TRUE(store_->ForgetDataset("shop").ok());
  EXPECT_EQ(Questions(1), (std::vector<std::string>{"a2"}));
  EXPECT_TRUE(Questions(2).empty());
  ASSERT_TRUE(store_->ForgetDataset("never-there").ok());
}

TEST_F(HistoryStoreTest, ItemsSurviveReopeningAndASecondStoreSeesThem) {
  Add(1, "shop", "before");
  auto other = HistoryStore::Open(dir_.path());
  ASSERT_TRUE(other.ok());
  EXPECT_EQ((*other)->List(1, "", 10)->size(), 1u);
  HistoryItem item;
  item.key_id = 1;
  item.question = "from the other";
  ASSERT_TRUE((*other)->Add(item).ok());
  store_.reset();
  SetUp();
  EXPECT_EQ(Questions(1), (std::vector<std::string>{"from the other", "before"}));
}

}  // namespace
}  // namespace da::server
