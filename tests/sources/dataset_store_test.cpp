#include "sources/dataset_store.h"

#include <gtest/gtest.h>

#include <fstream>

#include "test_util.h"

namespace da {
namespace {

namespace fs = std::filesystem;
using testing::TempDir;
using testing::WriteFile;

TEST(DatasetStoreTest, NamesAreValidated) {
  EXPECT_TRUE(DatasetStore::ValidateName("sales_2024-eu").ok());
  for (const char* bad : {"", "../x", "a/b", "-x", "_x", "has space", "é"}) {
    Status st = DatasetStore::ValidateName(bad);
    EXPECT_EQ(st.code(), Status::Code::kInvalidArgument) << bad;
  }
  EXPECT_FALSE(DatasetStore::ValidateName(std::string(65, 'a')).ok());
}

TEST(DatasetStoreTest, CommitPublishesVersionsAtomically) {
  TempDir dir;
  DatasetStore store(dir.path());
  EXPECT_EQ(store.Get("s").status().code(), Status::Code::kNotFound);
  {
    auto staged = store.Begin("s");
    ASSERT_TRUE(staged.ok()) << staged.status().ToString();
    EXPECT_EQ(staged->version(), 1);
    WriteFile(staged->data_path(), "data1");
    WriteFile(staged->catalog_path(), "{}");
    // Not visible before commit.
    EXPECT_FALSE(store.Get("s").ok());
    ASSERT_TRUE(store.Commit(&*staged, "csv", "in.csv").ok());
  }
  auto v1 = store.Get("s");
  ASSERT_TRUE(v1.ok());
  EXPECT_EQ(v1->version, 1);
  EXPECT_EQ(testing::ReadFile(v1->data_path), "data1");

  {  // An abandoned version disappears and leaves v1 current.
    auto staged = store.Begin("s");
    ASSERT_TRUE(staged.ok());
    WriteFile(staged->data_path(), "data2");
  }
  EXPECT_EQ(store.Get("s")->version, 1);
  EXPECT_FALSE(fs::exists(dir.path() / "s" / "v2.sqlite"));

  {  // Replacing removes the old version's files.
    auto staged = store.Begin("s");
    WriteFile(staged->data_path(), "data2");
    WriteFile(staged->catalog_path(), "{}");
    ASSERT_TRUE(store.Commit(&*staged, "csv", "in2.csv").ok());
  }
  EXPECT_EQ(store.Get("s")->version, 2);
  EXPECT_FALSE(fs::exists(dir.path() / "s" / "v1.sqlite"));
}

TEST(DatasetStoreTest, ConcurrentIngestOfSameDatasetIsRefused) {
  TempDir dir;
  DatasetStore store(dir.path());
  auto first = store.Begin("s");
  ASSERT_TRUE(first.ok());
  auto second = store.Begin("s");
  ASSERT_FALSE(second.ok());
  EXPECT_EQ(second.status().code(), Status::Code::kRefused);
  EXPECT_TRUE(store.Begin("other").ok());
}

TEST(DatasetStoreTest, AttachedDataPointsAtUserFile) {
  TempDir dir;
  DatasetStore store(dir.path());
  auto staged = store.Begin("a");
  WriteFile(staged->catalog_path(), "{}");
  ASSERT_TRUE(store.Commit(&*staged, "sqlite", "x.sqlite", fs::path("/abs/x.sqlite")).ok());
  auto info = store.Get("a");
  ASSERT_TRUE(info.ok());
  EXPECT_TRUE(info->attached);
  EXPECT_EQ(info->data_path, "/abs/x.sqlite");
}

TEST(DatasetStoreTest, ListRemoveAndCorruptManifest) {
  TempDir dir;
  DatasetStore store(dir.path());
  EXPECT_TRUE(store.List()->empty());
  for (const char* name : {"b", "a"}) {
    auto staged = store.Begin(name);
    WriteFile(staged->catalog_path(), "{}");
    ASSERT_TRUE(store.Commit(&*staged, "csv", "x").ok());
  }
  auto all = store.List();
  ASSERT_EQ(all->size(), 2u);
  EXPECT_EQ((*all)[0].name, "a");
  ASSERT_TRUE(store.Remove("a").ok());
  EXPECT_FALSE(fs::exists(dir.path() / "a"));
  EXPECT_EQ(store.Remove("a").code(), Status::Code::kNotFound);

  WriteFile(dir.path() / "b" / "manifest.json", "{not json");
  EXPECT_EQ(store.Get("b").status().code(), Status::Code::kCorruption);
}

TEST(DatasetStoreTest, ValueIndexFileFollowsItsVersion) {
  TempDir dir;
  DatasetStore store(dir.path());
  {
    auto staged = store.Begin("s");
    ASSERT_TRUE(staged.ok());
    EXPECT_EQ(staged->values_path(), dir.path() / "s" / "v1.values.bin");
    WriteFile(staged->catalog_path(), "{}");
    WriteFile(staged->values_path(), "values1");
    ASSERT_TRUE(store.Commit(&*staged, "csv", "in.csv").ok());
  }
  auto v1 = store.Get("s");
  ASSERT_TRUE(v1.ok());
  EXPECT_EQ(v1->values_path, dir.path() / "s" / "v1.values.bin");
  EXPECT_EQ(testing::ReadFile(v1->values_path), "values1");

  {  // An abandoned version takes its value index with it.
    auto staged = store.Begin("s");
    ASSERT_TRUE(staged.ok());
    WriteFile(staged->values_path(), "values2");
  }
  EXPECT_FALSE(fs::exists(dir.path() / "s" / "v2.values.bin"));
  EXPECT_TRUE(fs::exists(dir.path() / "s" / "v1.values.bin"));

  {  // A leftover of a crashed save of another version is cleaned up too.
    WriteFile(dir.path() / "s" / "v7.values.bin.tmp.123", "x");
    auto staged = store.Begin("s");
    ASSERT_TRUE(staged.ok());
    EXPECT_FALSE(fs::exists(dir.path() / "s" / "v7.values.bin.tmp.123"));
    WriteFile(staged->catalog_path(), "{}");
    WriteFile(staged->values_path(), "values2");
    ASSERT_TRUE(store.Commit(&*staged, "csv", "in2.csv").ok());
  }
  EXPECT_FALSE(fs::exists(dir.path() / "s" / "v1.values.bin"));
  EXPECT_EQ(testing::ReadFile(store.Get("s")->values_path), "values2");
}

TEST(DatasetStoreTest, ManifestWithoutValuesDerivesTheName) {
  // Written before value indexes existed.
  TempDir dir;
  WriteFile(dir.path() / "old" / "manifest.json",
            R"({"kind": "csv", "source": "x.csv", "version": 3, "data": "v3.sqlite", "catalog": "v3.catalog.json"})");
  DatasetStore store(dir.path());
  auto info = store.Get("old");
  ASSERT_TRUE(info.ok()) << info.status().ToString();
  EXPECT_EQ(info->values_path, dir.path() / "old" / "v3.values.bin");
}

TEST(DatasetStoreTest, DataDirResolution) {
  EXPECT_EQ(DatasetStore::ResolveDataDir("/x"), "/x");
  setenv("DATAANALYST_HOME", "/from/env", 1);
  EXPECT_EQ(DatasetStore::ResolveDataDir(""), "/from/env");
  unsetenv("DATAANALYST_HOME");
  EXPECT_EQ(DatasetStore::ResolveDataDir(""), "data");
}

}  // namespace
}  // namespace da
