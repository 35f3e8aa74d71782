// The MemoryStore contract (memory_store_contract.h), run here against SQLite files; the
// PostgreSQL backend runs the same suite against a real server.
#include "memory_store_contract.h"

#include <sqlite3.h>

#include "test_util.h"

namespace da::memory::testing {
namespace {

using da::testing::TempDir;
using da::testing::WriteFile;

MemoryEntry Entry(const std::string& dataset, const std::string& exact, EntryStatus status = EntryStatus::kAuto) {
  MemoryEntry e;
  e.dataset = dataset;
  e.question = "Q: " + exact;
  e.exact_text = exact;
  e.template_text = "template " + exact;
  e.signature = "sig";
  e.key_json = R"({"slots":[]})";
  e.sql = "SELECT 1";
  e.status = status;
  e.source = "engine";
  e.schema_fingerprint = "fp1";
  e.data_version = 3;
  e.result_json = R"({"rows":[[1]]})";
  return e;
}

TEST_P(MemoryStoreContract, InsertAssignsIdsAndTimesAndGetReadsEveryField) {
  MemoryEntry e = Entry("shop", "total sales");
  e.notes = "checked by finance; it's right";
  auto id = store_->Insert(e);
  ASSERT_TRUE(id.ok()) << id.status().ToString();
  EXPECT_GT(*id, 0);
  EXPECT_EQ(e.id, *id);
  EXPECT_FALSE(e.created_at.empty());
  auto got = store_->Get("shop", *id);
  ASSERT_TRUE(got.ok());
  EXPECT_EQ(got->question, e.question);
  EXPECT_EQ(got->exact_text, "total sales");
  EXPECT_EQ(got->template_text, e.template_text);
  EXPECT_EQ(got->key_json, e.key_json);
  EXPECT_EQ(got->notes, e.notes);
  EXPECT_EQ(got->status, EntryStatus::kAuto);
  EXPECT_EQ(got->source, "engine");
  EXPECT_EQ(got->schema_fingerprint, "fp1");
  EXPECT_EQ(got->data_version, 3);
  EXPECT_EQ(got->result_json, e.result_json);
  EXPECT_EQ(got->created_at, e.created_at);
  EXPECT_EQ(got->hits, 0);
  MemoryEntry second = Entry("shop", "other");
  ASSERT_TRUE(store_->Insert(second).ok());
  EXPECT_NE(second.id, e.id);
}

TEST_P(MemoryStoreContract, EntriesAreScopedByDataset) {
  MemoryEntry e = Entry("shop", "total sales");
  ASSERT_TRUE(store_->Insert(e).ok());
  EXPECT_EQ(store_->Get("hr", e.id).status().code(), Status::Code::kNotFound);
  auto exact = store_->FindExact("hr", "total sales");
  ASSERT_TRUE(exact.ok());
  EXPECT_TRUE(exact->empty());
  EXPECT_EQ(store_->Remove("hr", e.id).code(), Status::Code::kNotFound);
  EXPECT_TRUE(store_->Get("shop", e.id).ok());
}

TEST_P(MemoryStoreContract, UpdateReplacesFieldsAndMissingIsNotFound) {
  MemoryEntry e = Entry("shop", "total sales");
  ASSERT_TRUE(store_->Insert(e).ok());
  e.status = EntryStatus::kApproved;
  e.sql = "SELECT 2";
  e.notes = "approved";
  ASSERT_TRUE(store_->Update(e).ok());
  auto got = store_->Get("shop", e.id);
  ASSERT_TRUE(got.ok());
  EXPECT_EQ(got->status, EntryStatus::kApproved);
  EXPECT_EQ(got->sql, "SELECT 2");
  EXPECT_EQ(got->notes, "approved");
  MemoryEntry ghost = Entry("shop", "ghost");
  ghost.id = 987654;
  EXPECT_EQ(store_->Update(ghost).code(), Status::Code::kNotFound);
}

TEST_P(MemoryStoreContract, FindExactNewestFirstAndListByStatus) {
  MemoryEntry a = Entry("shop", "total sales");
  MemoryEntry b = Entry("shop", "total sales", EntryStatus::kApproved);
  MemoryEntry c = Entry("shop", "average sales", EntryStatus::kRejected);
  ASSERT_TRUE(store_->Insert(a).ok());
  ASSERT_TRUE(store_->Insert(b).ok());
  ASSERT_TRUE(store_->Insert(c).ok());
  auto exact = store_->FindExact("shop", "total sales");
  ASSERT_TRUE(exact.ok());
  ASSERT_EQ(exact->size(), 2u);
  EXPECT_EQ((*exact)[0].id, b.id);
  EXPECT_EQ((*exact)[1].id, a.id);
  auto all = store_->List("shop");
  ASSERT_TRUE(all.ok());
  ASSERT_EQ(all->size(), 3u);
  EXPECT_EQ((*all)[0].id, a.id);
  auto approved = store_->List("shop", EntryStatus::kApproved);
  ASSERT_TRUE(approved.ok());
  ASSERT_EQ(approved->size(), 1u);
  EXPECT_EQ((*approved)[0].id, b.id);
}

TEST_P(MemoryStoreContract, ListIdsByStatus) {
  MemoryEntry a = Entry("shop", "a", EntryStatus::kApproved);
  MemoryEntry b = Entry("shop", "b");
  MemoryEntry c = Entry("shop", "c", EntryStatus::kApproved);
  MemoryEntry d = Entry("hr", "d", EntryStatus::kApproved);
  for (MemoryEntry* e : {&a, &b, &c, &d}) ASSERT_TRUE(store_->Insert(*e).ok());
  EXPECT_EQ(*store_->ListIds("shop", EntryStatus::kApproved), (std::vector<int64_t>{a.id, c.id}));
  EXPECT_EQ(*store_->ListIds("shop", EntryStatus::kAuto), (std::vector<int64_t>{b.id}));
  EXPECT_TRUE(store_->ListIds("shop", EntryStatus::kRejected)->empty());
}

TEST_P(MemoryStoreContract, RemoveDropsTheEntryAndItsEmbeddings) {
  MemoryEntry e = Entry("shop", "total sales");
  ASSERT_TRUE(store_->Insert(e).ok());
  ASSERT_TRUE(store_->PutEmbedding(e.id, "builtin", {0.5f, 0.5f}).ok());
  ASSERT_TRUE(store_->Remove("shop", e.id).ok());
  EXPECT_EQ(store_->Get("shop", e.id).status().code(), Status::Code::kNotFound);
  auto vectors = store_->Embeddings("shop", "builtin");
  ASSERT_TRUE(vectors.ok());
  EXPECT_TRUE(vectors->empty());
}

TEST_P(MemoryStoreContract, EmbeddingsAreKeptPerModelAndReplaced) {
  MemoryEntry a = Entry("shop", "a");
  MemoryEntry b = Entry("shop", "b");
  MemoryEntry other = Entry("hr", "a");
  ASSERT_TRUE(store_->Insert(a).ok());
  ASSERT_TRUE(store_->Insert(b).ok());
  ASSERT_TRUE(store_->Insert(other).ok());
  ASSERT_TRUE(store_->PutEmbedding(a.id, "builtin", {1.0f, 0.0f, -0.25f}).ok());
  ASSERT_TRUE(store_->PutEmbedding(b.id, "builtin", {0.0f, 1.0f, 0.0f}).ok());
  ASSERT_TRUE(store_->PutEmbedding(a.id, "openai:text-embedding-3-small", {0.1f}).ok());
  ASSERT_TRUE(store_->PutEmbedding(other.id, "builtin", {9.0f}).ok());
  ASSERT_TRUE(store_->PutEmbedding(a.id, "builtin", {0.0f, 0.0f, 1.0f}).ok());  // replaces
  auto vectors = store_->Embeddings("shop", "builtin");
  ASSERT_TRUE(vectors.ok());
  ASSERT_EQ(vectors->size(), 2u);
  EXPECT_EQ((*vectors)[0].entry_id, a.id);
  EXPECT_EQ((*vectors)[0].vector, (std::vector<float>{0.0f, 0.0f, 1.0f}));
  EXPECT_EQ((*vectors)[1].vector, (std::vector<float>{0.0f, 1.0f, 0.0f}));
  auto other_model = store_->Embeddings("shop", "openai:text-embedding-3-small");
  ASSERT_TRUE(other_model.ok());
  ASSERT_EQ(other_model->size(), 1u);
  EXPECT_FLOAT_EQ((*other_model)[0].vector[0], 0.1f);
}

TEST_P(MemoryStoreContract, HitsCount) {
  MemoryEntry e = Entry("shop", "total sales");
  ASSERT_TRUE(store_->Insert(e).ok());
  ASSERT_TRUE(store_->RecordHit(e.id).ok());
  ASSERT_TRUE(store_->RecordHit(e.id).ok());
  EXPECT_TRUE(store_->RecordHit(424242).ok());
  EXPECT_EQ(store_->Get("shop", e.id)->hits, 2);
}

TEST_P(MemoryStoreContract, SettingsPerDataset) {
  EXPECT_EQ(*store_->GetSetting("shop", "schema_fingerprint"), "");
  ASSERT_TRUE(store_->PutSetting("shop", "schema_fingerprint", "abc").ok());
  ASSERT_TRUE(store_->PutSetting("shop", "schema_fingerprint", "def").ok());
  EXPECT_EQ(*store_->GetSetting("shop", "schema_fingerprint"), "def");
  EXPECT_EQ(*store_->GetSetting("hr", "schema_fingerprint"), "");
}

TEST_P(MemoryStoreContract, RemoveDatasetDropsOnlyThatDataset) {
  MemoryEntry a = Entry("shop", "a");
  MemoryEntry b = Entry("hr", "b");
  ASSERT_TRUE(store_->Insert(a).ok());
  ASSERT_TRUE(store_->Insert(b).ok());
  ASSERT_TRUE(store_->PutSetting("shop", "x", "1").ok());
  auto removed = store_->RemoveDataset("shop");
  ASSERT_TRUE(removed.ok());
  EXPECT_EQ(*removed, 1);
  EXPECT_TRUE(store_->List("shop")->empty());
  EXPECT_EQ(*store_->GetSetting("shop", "x"), "");
  EXPECT_EQ(store_->List("hr")->size(), 1u);
}

TEST_P(MemoryStoreContract, AFailedTransactionKeepsNothing) {
  Status status = store_->InTransaction([&]() -> Status {
    MemoryEntry e = Entry("shop", "half written");
    DA_RETURN_IF_ERROR(store_->Insert(e).status());
    return Status::InvalidArgument("examples.jsonl: line 2: bad");
  });
  EXPECT_EQ(status.code(), Status::Code::kInvalidArgument);
  EXPECT_TRUE(store_->List("shop")->empty());
  status = store_->InTransaction([&]() -> Status {
    MemoryEntry e = Entry("shop", "kept");
    return store_->Insert(e).status();
  });
  EXPECT_TRUE(status.ok()) << status.ToString();
  EXPECT_EQ(store_->List("shop")->size(), 1u);
}

TEST_P(MemoryStoreContract, TextSurvivesQuotesAndUnicode) {
  MemoryEntry e = Entry("shop", "sales in 'Côte d’Ivoire'; DROP TABLE entries; --");
  e.sql = "SELECT * FROM t WHERE name = 'O''Brien' -- \"quoted\"";
  ASSERT_TRUE(store_->Insert(e).ok());
  auto exact = store_->FindExact("shop", e.exact_text);
  ASSERT_TRUE(exact.ok());
  ASSERT_EQ(exact->size(), 1u);
  EXPECT_EQ((*exact)[0].sql, e.sql);
}

// --- SQLite backend -----------------------------------------------------------------------

class SqliteBackend {
 public:
  static StoreBackend Make() {
    static TempDir dir;
    static int counter = 0;
    return {"sqlite", [] { return OpenSqliteMemoryStore((dir.path() / ("m" + std::to_string(++counter) + ".db")).string()); }};
  }
};

INSTANTIATE_TEST_SUITE_P(Sqlite, MemoryStoreContract, ::testing::Values(SqliteBackend::Make()), BackendName);

TEST(SqliteMemoryStoreTest, PersistsAcrossOpens) {
  TempDir dir;
  const std::string path = (dir.path() / "memory.db").string();
  int64_t id = 0;
  {
    auto store = OpenSqliteMemoryStore(path);
    ASSERT_TRUE(store.ok());
    MemoryEntry e = Entry("shop", "total sales", EntryStatus::kApproved);
    ASSERT_TRUE((*store)->Insert(e).ok());
    id = e.id;
  }
  auto store = OpenSqliteMemoryStore(path);
  ASSERT_TRUE(store.ok());
  auto got = (*store)->Get("shop", id);
  ASSERT_TRUE(got.ok());
  EXPECT_EQ(got->status, EntryStatus::kApproved);
  EXPECT_EQ((*store)->description(), "sqlite:" + path);
}

TEST(SqliteMemoryStoreTest, RefusesAFileFromANewerVersion) {
  TempDir dir;
  const std::string path = (dir.path() / "memory.db").string();
  ASSERT_TRUE(OpenSqliteMemoryStore(path).ok());
  sqlite3* db = nullptr;
  ASSERT_EQ(sqlite3_open(path.c_str(), &db), SQLITE_OK);
  ASSERT_EQ(sqlite3_exec(db, "UPDATE meta SET value = '99' WHERE key = 'schema_version'", nullptr, nullptr, nullptr),
            SQLITE_OK);
  sqlite3_close(db);
  auto store = OpenSqliteMemoryStore(path);
  ASSERT_FALSE(store.ok());
  EXPECT_NE(store.status().message().find("newer"), std::string::npos) << store.status().ToString();
}

TEST(SqliteMemoryStoreTest, NotADatabaseIsAClearError) {
  TempDir dir;
  const std::string path = (dir.path() / "memory.db").string();
  WriteFile(path, "this is not a database, just text that is long enough to be read as a header.....");
  auto store = OpenSqliteMemoryStore(path);
  ASSERT_FALSE(store.ok());
  EXPECT_NE(store.status().message().find("memory.db"), std::string::npos) << store.status().ToString();
}

}  // namespace
}  // namespace da::memory::testing
