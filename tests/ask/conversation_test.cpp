// Conversations persisted as real files under a data directory.
#include "ask/conversation.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <thread>
#include <vector>

#include "test_util.h"

namespace da {
namespace {

ConversationTurn Turn(const std::string& question, const std::string& dataset = "sales") {
  ConversationTurn t;
  t.question = question;
  t.resolved_question = question + " (resolved)";
  t.sql = "SELECT 1";
  t.restatement = "One";
  t.dataset = dataset;
  return t;
}

TEST(ConversationStoreTest, NewConversationIsEmptyAndNotWritten) {
  testing::TempDir dir;
  ConversationStore store(dir.path());
  auto c = store.Load("c1");
  ASSERT_TRUE(c.ok()) << c.status().ToString();
  EXPECT_EQ(c->id, "c1");
  EXPECT_TRUE(c->turns.empty());
  EXPECT_EQ(c->LastAnsweredTurn("sales"), nullptr);
  EXPECT_FALSE(std::filesystem::exists(dir / "conversations"));
}

TEST(ConversationStoreTest, AppendPersistsEveryFieldAcrossStores) {
  testing::TempDir dir;
  {
    ConversationStore store(dir.path());
    ASSERT_TRUE(store.Append("c1", Turn("total sales in 2010")).ok());
    ConversationTurn second = Turn("and for 2011?");
    second.created_at = "2026-01-02T03:04:05Z";
    ASSERT_TRUE(store.Append("c1", second).ok());
  }
  EXPECT_TRUE(std::filesystem::exists(dir / "conversations" / "c1.json"));
  ConversationStore reopened(dir.path());
  auto c = reopened.Load("c1");
  ASSERT_TRUE(c.ok()) << c.status().ToString();
  ASSERT_EQ(c->turns.size(), 2u);
  EXPECT_EQ(c->turns[0].question, "total sales in 2010");
  EXPECT_EQ(c->turns[0].resolved_question, "total sales in 2010 (resolved)");
  EXPECT_EQ(c->turns[0].sql, "SELECT 1");
  EXPECT_EQ(c->turns[0].restatement, "One");
  EXPECT_EQ(c->turns[0].dataset, "sales");
  EXPECT_EQ(c->turns[0].created_at.size(), 20u) << c->turns[0].created_at;  // 2026-11-24T06:20:00Z
  EXPECT_EQ(c->turns[1].created_at, "2026-01-02T03:04:05Z");
  // No temporary files are left beside it.
  size_t files = 0;
  for (const auto& e : std::filesystem::directory_iterator(dir / "conversations")) files += e.is_regular_file();
  EXPECT_EQ(files, 1u);
}

TEST(ConversationStoreTest, KeepsOnlyTheMostRecentTurns) {
  testing::TempDir dir;
  ConversationStore store(dir.path());
  const size_t total = ConversationStore::kMaxTurns + 5;
  for (size_t i = 0; i < total; ++i) ASSERT_TRUE(store.Append("long", Turn("q" + std::to_string(i))).ok());
  auto c = store.Load("long");
  ASSERT_TRUE(c.ok());
  ASSERT_EQ(c->turns.size(), ConversationStore::kMaxTurns);
  EXPECT_EQ(c->turns.front().question, "q5");
  EXPECT_EQ(c->turns.back().question, "q" + std::to_string(total - 1));
}

TEST(ConversationStoreTest, LastAnsweredTurnIsPerDatasetAndSkipsUnanswered) {
  testing::TempDir dir;
  ConversationStore store(dir.path());
  ASSERT_TRUE(store.Append("c", Turn("a", "sales")).ok());
  ASSERT_TRUE(store.Append("c", Turn("b", "music")).ok());
  ConversationTurn unanswered = Turn("c", "sales");
  unanswered.sql.clear();
  ASSERT_TRUE(store.Append("c", unanswered).ok());
  auto c = store.Load("c");
  ASSERT_TRUE(c.ok());
  ASSERT_EQ(c->turns.size(), 3u);
  ASSERT_NE(c->LastAnsweredTurn("sales"), nullptr);
  EXPECT_EQ(c->LastAnsweredTurn("sales")->question, "a");
  EXPECT_EQ(c->LastAnsweredTurn("music")->question, "b");
  EXPECT_EQ(c->LastAnsweredTurn("other"), nullptr);
}

TEST(ConversationStoreTest, PathLikeIdsAreRejected) {
  testing::TempDir dir;
  ConversationStore store(dir.path());
  for (const char* id : {"", "..", "../x", "a/b", "/etc/passwd", ".hidden", "a b", "a\\b", "x\ny"}) {
    Status s = ConversationStore::ValidateId(id);
    EXPECT_EQ(s.code(), Status::Code::kInvalidArgument) << id;
    EXPECT_NE(s.message().find("invalid conversation id"), std::string::npos) << s.message();
    EXPECT_EQ(store.Load(id).status().code(), Status::Code::kInvalidArgument) << id;
    EXPECT_EQ(store.Append(id, Turn("q")).status().code(), Status::Code::kInvalidArgument) << id;
  }
  EXPECT_FALSE(ConversationStore::ValidateId(std::string(ConversationStore::kMaxIdLength + 1, 'a')).ok());
  for (const char* id : {"a", "chat-42", "user_7.session", "ABC123"}) {
    EXPECT_TRUE(ConversationStore::ValidateId(id).ok()) << id;
  }
  EXPECT_FALSE(std::filesystem::exists(dir / "conversations"));
}

TEST(ConversationStoreTest, DamagedFileIsCorruptionNamingIt) {
  testing::TempDir dir;
  ConversationStore store(dir.path());
  testing::WriteFile(dir / "conversations" / "bad.json", "{not json");
  auto c = store.Load("bad");
  EXPECT_EQ(c.status().code(), Status::Code::kCorruption);
  EXPECT_NE(c.status().message().find("bad.json"), std::string::npos) << c.status().message();
  testing::WriteFile(dir / "conversations" / "typed.json", R"({"id":"typed","turns":[{"question":1}]})");
  c = store.Load("typed");
  EXPECT_EQ(c.status().code(), Status::Code::kCorruption);
  EXPECT_NE(c.status().message().find("question"), std::string::npos) << c.status().message();
  // A damaged conversation is not overwritten by the next turn.
  EXPECT_EQ(store.Append("bad", Turn("q")).status().code(), Status::Code::kCorruption);
  EXPECT_EQ(testing::ReadFile(dir / "conversations" / "bad.json"), "{not json");
}

TEST(ConversationStoreTest, RemoveDeletesTheFile) {
  testing::TempDir dir;
  ConversationStore store(dir.path());
  ASSERT_TRUE(store.Append("c", Turn("q")).ok());
  EXPECT_TRUE(store.Remove("c").ok());
  EXPECT_FALSE(std::filesystem::exists(store.PathOf("c")));
  EXPECT_EQ(store.Remove("c").code(), Status::Code::kNotFound);
}

TEST(ConversationStoreTest, ConcurrentAppendsLoseNoTurn) {
  testing::TempDir dir;
  ConversationStore store(dir.path());
  constexpr int kThreads = 4, kEach = 4;  // 16 turns: under kMaxTurns
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&store, t] {
      for (int i = 0; i < kEach; ++i) {
        EXPECT_TRUE(store.Append("shared", Turn("t" + std::to_string(t) + "-" + std::to_string(i))).ok());
      }
    });
  }
  for (auto& th : threads) th.join();
  auto c = store.Load("shared");
  ASSERT_TRUE(c.ok());
  EXPECT_EQ(c->turns.size(), static_cast<size_t>(kThreads * kEach));
}

TEST(ConversationStoreTest, NonUtf8TextIsStoredReplaced) {
  testing::TempDir dir;
  ConversationStore store(dir.path());
  ASSERT_TRUE(store.Append("u", Turn("caf\xe9")).ok());
  auto c = store.Load("u");
  ASSERT_TRUE(c.ok()) << c.status().ToString();
  EXPECT_EQ(c->turns[0].question, "caf\xef\xbf\xbd");
}

}  // namespace
}  // namespace da
