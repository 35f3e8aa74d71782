// Several servers sharing one memory in PostgreSQL: what one approves, the other serves; what
// one rejects, the other stops serving.
#include <gtest/gtest.h>

#include <thread>

#include "memory/postgres_memory_store.h"
#include "memory_fixture.h"
#include "postgres_test_util.h"

namespace da::memory::testing {
namespace {

constexpr const char* kByRegionSql =
    "SELECT s.region, SUM(sa.amount) AS total FROM sales sa JOIN stores s ON s.store_id = sa.store_id "
    "GROUP BY s.region";

class PostgresSharedMemoryTest : public MemoryFixture {
 protected:
  void SetUp() override {
    MemoryFixture::SetUp();
    const std::string conninfo = da::testing::TestPostgresConninfo();
    if (conninfo.empty()) GTEST_SKIP() << "no test PostgreSQL (DA_TEST_POSTGRES)";
    PostgresConnection conn;
    conn.conninfo = conninfo;
    conn.schema = da::testing::UniquePostgresName("shared_memory");
    auto a = OpenPostgresMemoryStore(conn);
    auto b = OpenPostgresMemoryStore(conn);
    ASSERT_TRUE(a.ok()) << a.status().ToString();
    ASSERT_TRUE(b.ok()) << b.status().ToString();
    store_ = std::move(*a);
    other_store_ = std::move(*b);
  }
  // A memory on the second store, as another server would open it.
  std::unique_ptr<Memory> OpenOnOtherServer() {
    std::swap(store_, other_store_);
    auto memory = Open();
    std::swap(store_, other_store_);
    return memory;
  }
  std::unique_ptr<MemoryStore> other_store_;
};

TEST_F(PostgresSharedMemoryTest, WhatOneServerApprovesTheOtherServes) {
  auto server_a = Open();
  auto server_b = OpenOnOtherServer();
  ASSERT_TRUE(server_a && server_b);
  auto id = server_b->Remember("Total sales by region", kByRegionSql, "llm", nullptr);
  ASSERT_TRUE(id.ok()) << id.status().ToString();
  auto exact = server_a->Lookup("total sales by region");  // the exact path reads the store directly
  ASSERT_TRUE(exact.ok() && exact->has_value());
  EXPECT_EQ((*exact)->entry.id, *id);
  EXPECT_FALSE(server_a->Lookup("sum of sales per region")->has_value());
  ASSERT_TRUE(server_b->Approve(*id).ok());
  std::this_thread::sleep_for(std::chrono::milliseconds(1100));  // the refresh check runs at most once a second
  auto paraphrase = server_a->Lookup("sum of sales per region");
  ASSERT_TRUE(paraphrase.ok()) << paraphrase.status().ToString();
  ASSERT_TRUE(paraphrase->has_value());
  EXPECT_EQ((*paraphrase)->sql, kByRegionSql);
  ASSERT_TRUE(server_b->Reject(*id).ok());
  std::this_thread::sleep_for(std::chrono::milliseconds(1100));
  EXPECT_FALSE(server_a->Lookup("sum of sales per region")->has_value());
  EXPECT_FALSE(server_a->Lookup("total sales by region")->has_value());
}

}  // namespace
}  // namespace da::memory::testing
