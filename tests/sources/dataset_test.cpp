#include "sources/dataset.h"

#include <gtest/gtest.h>

#include "catalog/profiler.h"
#include "catalog/value_index.h"
#include "common/sqlite.h"
#include "test_util.h"

namespace da {
namespace {

namespace fs = std::filesystem;
using testing::TempDir;

// Commits dataset `name` holding a small singer table; with a value index when `with_values`.
void MakeDataset(DatasetStore* store, const std::string& name, bool with_values) {
  auto staged = store->Begin(name);
  ASSERT_TRUE(staged.ok()) << staged.status().ToString();
  auto db = OpenSqlite(staged->data_path(), OpenMode::kReadWriteCreate);
  ASSERT_TRUE(db.ok()) << db.status().ToString();
  ASSERT_TRUE(ExecSql(db->get(),
                      "CREATE TABLE singer(id INTEGER PRIMARY KEY, name TEXT, country TEXT);"
                      "INSERT INTO singer VALUES (1, 'Joe', 'France'), (2, 'Ann', 'France'), (3, 'Bo', 'Peru');")
                  .ok());
  ProfileOptions options;
  options.dataset = name;
  auto catalog = ProfileDatabase(db->get(), options);
  ASSERT_TRUE(catalog.ok()) << catalog.status().ToString();
  ASSERT_TRUE(catalog->Save(staged->catalog_path().string()).ok());
  if (with_values) {
    Status st = BuildAndSaveValueIndex(db->get(), *catalog, staged->values_path().string());
    ASSERT_TRUE(st.ok()) << st.ToString();
  }
  db->reset();
  ASSERT_TRUE(store->Commit(&*staged, "csv", "singer.csv").ok());
}

TEST(DatasetTest, LoadsTheValueIndex) {
  TempDir dir;
  DatasetStore store(dir.path());
  MakeDataset(&store, "music", /*with_values=*/true);
  auto ds = Dataset::Open(store, "music");
  ASSERT_TRUE(ds.ok()) << ds.status().ToString();
  ASSERT_NE((*ds)->values(), nullptr);
  auto france = (*ds)->values()->Exact("FRANCE");
  ASSERT_EQ(france.size(), 1u);
  EXPECT_EQ(france[0].table, "singer");
  EXPECT_EQ(france[0].column, "country");
  EXPECT_EQ(france[0].count, 2);
  auto rows = (*ds)->Query("SELECT count(*) FROM singer");
  ASSERT_TRUE(rows.ok()) << rows.status().ToString();
}

TEST(DatasetTest, MissingValueIndexMeansNone) {
  TempDir dir;
  DatasetStore store(dir.path());
  MakeDataset(&store, "music", /*with_values=*/false);
  auto ds = Dataset::Open(store, "music");
  ASSERT_TRUE(ds.ok()) << ds.status().ToString();
  EXPECT_EQ((*ds)->values(), nullptr);
}

TEST(DatasetTest, DamagedValueIndexOpensWithoutIt) {
  TempDir dir;
  DatasetStore store(dir.path());
  MakeDataset(&store, "music", /*with_values=*/true);
  const fs::path values = store.Get("music")->values_path;
  std::string bytes = testing::ReadFile(values);
  testing::WriteFile(values, bytes.substr(0, bytes.size() / 2));
  auto ds = Dataset::Open(store, "music");
  // The data stays reachable; only value linking is lost, and the reason is kept.
  ASSERT_TRUE(ds.ok()) << ds.status().ToString();
  EXPECT_EQ((*ds)->values(), nullptr);
  EXPECT_NE((*ds)->values_problem().find("corruption"), std::string::npos) << (*ds)->values_problem();
  EXPECT_NE((*ds)->values_problem().find(values.string()), std::string::npos) << (*ds)->values_problem();
  EXPECT_TRUE((*ds)->Query("SELECT count(*) FROM singer").ok());
}

}  // namespace
}  // namespace da
