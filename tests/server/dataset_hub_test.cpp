// The hub's sessions over real datasets: leasing, concurrency, new versions.
#include "server/dataset_hub.h"

#include <gtest/gtest.h>

#include <thread>

#include "ingest/ingest.h"
#include "test_util.h"

namespace da::server {
namespace {

using da::testing::TempDir;
using da::testing::WriteFile;

class DatasetHubTest : public ::testing::Test {
 protected:
  void SetUp() override {
    Ingest("region,amount\nnorth,10\nsouth,20\n");
    options_.data_dir = dir_.path();
    options_.models = &models_;
    options_.memory = false;
    options_.sessions_per_dataset = 2;
  }
  void Ingest(const std::string& csv) {
    WriteFile(dir_ / "sales.csv", csv);
    IngestOptions o;
    o.dataset = "sales";
    ASSERT_TRUE(IngestPath(&store_, dir_ / "sales.csv", o).ok());
  }
  int64_t Total(DatasetHub::Lease& lease) {
    auto r = lease.dataset().Query("SELECT sum(amount) FROM sales");
    EXPECT_TRUE(r.ok()) << r.status().ToString();
    return r.ok() && std::holds_alternative<int64_t>(r->rows[0][0]) ? std::get<int64_t>(r->rows[0][0]) : -1;
  }

  TempDir dir_;
  DatasetStore store_{dir_.path()};
  LoadedModels models_;
  HubOptions options_;
};

TEST_F(DatasetHubTest, LeaseAnswersQuestions) {
  DatasetHub hub(options_);
  auto lease = hub.Acquire("sales");
  ASSERT_TRUE(lease.ok()) << lease.status().ToString();
  EXPECT_EQ(Total(*lease), 30);
  AskAnswer a = lease->pipeline().Ask("total amount by region");
  EXPECT_TRUE(a.answered) << a.ToJson().dump(1);
  EXPECT_EQ(lease->info().name, "sales");
}

TEST_F(DatasetHubTest, UnknownDatasetIsNotFound) {
  DatasetHub hub(options_);
  EXPECT_EQ(hub.Acquire("nope").status().code(), Status::Code::kNotFound);
}

TEST_F(DatasetHubTest, SessionsAreReusedAndBounded) {
  DatasetHub hub(options_);
  auto a = hub.Acquire("sales");
  auto b = hub.Acquire("sales");
  ASSERT_TRUE(a.ok() && b.ok());
  EXPECT_NE(&a->dataset(), &b->dataset());  // two requests, two connections
  // A third waits for one to come back.
  std::atomic<bool> got{false};
  std::thread third([&] {
    auto c = hub.Acquire("sales");
    got = c.ok();
  });
  std::this_thread::sleep_for(std::chrono::milliseconds(100));
  EXPECT_FALSE(got.load());
  Dataset* first = &a->dataset();
  { auto released = std::move(*a); }
  third.join();
  EXPECT_TRUE(got.load());
  auto again = hub.Acquire("sales");
  ASSERT_TRUE(again.ok());
  EXPECT_EQ(&again->dataset(), first);  // the returned session, not a new one
}

TEST_F(DatasetHubTest, NewVersionIsServedAfterInvalidate) {
  DatasetHub hub(options_);
  auto old = hub.Acquire("sales");
  ASSERT_TRUE(old.ok());
  Ingest("region,amount\nnorth,100\n");
  hub.Invalidate("sales");
  auto fresh = hub.Acquire("sales");
  ASSERT_TRUE(fresh.ok());
  EXPECT_EQ(fresh->info().version, 2);
  EXPECT_EQ(Total(*fresh), 100);
  EXPECT_EQ(Total(*old), 30);  // a request holding the old version finishes on it
}

TEST_F(DatasetHubTest, AnotherProcesssIngestIsNoticedWithinASecond) {
  DatasetHub hub(options_);
  { ASSERT_TRUE(hub.Acquire("sales").ok()); }
  Ingest("region,amount\nnorth,7\n");
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(5);
  int64_t total = 0;
  while (std::chrono::steady_clock::now() < deadline) {
    auto lease = hub.Acquire("sales");
    ASSERT_TRUE(lease.ok());
    total = Total(*lease);
    if (total == 7) break;
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
  EXPECT_EQ(total, 7);
}

}  // namespace
}  // namespace da::server
