#include "catalog/value_index.h"

#include <gtest/gtest.h>

#include <cstring>

#include "catalog/profiler.h"
#include "common/sqlite.h"
#include "common/strings.h"
#include "test_util.h"

namespace da {
namespace {

using testing::TempDir;

SqliteDb MemoryDb(const std::string& sql) {
  auto db = OpenSqlite(":memory:", OpenMode::kReadWriteCreate);
  EXPECT_TRUE(db.ok());
  Status s = ExecSql(db->get(), sql);
  EXPECT_TRUE(s.ok()) << s.ToString();
  return std::move(db).value();
}

Catalog Profile(sqlite3* db) {
  ProfileOptions options;
  options.dataset = "test";
  auto cat = ProfileDatabase(db, options);
  EXPECT_TRUE(cat.ok()) << cat.status().ToString();
  return std::move(cat).value();
}

ValueIndex BuildIndex(sqlite3* db, const Catalog& catalog) {
  auto index = ValueIndex::Build(db, catalog);
  EXPECT_TRUE(index.ok()) << index.status().ToString();
  return std::move(index).value();
}

// "table.column=value" for compact assertions.
std::vector<std::string> Names(const std::vector<ValueHit>& hits) {
  std::vector<std::string> out;
  for (const auto& h : hits) out.push_back(h.table + "." + h.column + "=" + h.value);
  return out;
}

ValueIndex SmallIndex() {
  ValueIndexBuilder b;
  b.Add("singer", "country", "France", 4);
  b.Add("singer", "country", "United States", 10);
  b.Add("singer", "country", "Netherlands", 2);
  b.Add("singer", "name", "Joe Sharp", 1);
  b.Add("singer", "name", "Timbaland", 1);
  b.Add("stadium", "location", "Stirling Albion", 3);
  b.Add("stadium", "location", "Raith Rovers", 1);
  b.Add("city", "name", "New York", 7);
  b.Add("city", "name", "New York City", 3);
  b.Add("city", "name", "York", 2);
  b.Add("city", "name", "Zürich", 5);
  b.Add("city", "name", "São Paulo", 6);
  b.Add("team", "name", "France", 1);
  b.Add("person", "name", "Patrick O'Brien", 2);
  b.Add("person", "name", "Jean-Luc Picard", 1);
  return std::move(b).Finish();
}

TEST(NormalizeValueTextTest, FoldsCaseAccentsPunctuationAndSpaces) {
  EXPECT_EQ(NormalizeValueText("  United   STATES "), "united states");
  EXPECT_EQ(NormalizeValueText("Zürich"), "zurich");
  EXPECT_EQ(NormalizeValueText("ÉCOLE Française"), "ecole francaise");
  EXPECT_EQ(NormalizeValueText("Straße"), "strasse");
  EXPECT_EQ(NormalizeValueText("Łódź Æther Øre"), "lodz aether ore");
  EXPECT_EQ(NormalizeValueText("O'Brien"), "obrien");
  EXPECT_EQ(NormalizeValueText("O\xE2\x80\x99" "Brien"), "obrien");  // right single quote
  EXPECT_EQ(NormalizeValueText("'quoted'"), "quoted");
  EXPECT_EQ(NormalizeValueText("Jean-Luc"), "jean luc");
  EXPECT_EQ(NormalizeValueText("U.S.A."), "u s a");
  EXPECT_EQ(NormalizeValueText("a\xE2\x80\x94" "b\xC2\xA0" "c"), "a b c");  // em dash, nbsp
  EXPECT_EQ(NormalizeValueText("Cafe\xCC\x81"), "cafe");                   // combining acute
  EXPECT_EQ(NormalizeValueText("\xD0\x9C\xD0\xBE\xD1\x81\xD0\xBA\xD0\xB2\xD0\xB0"),
            "\xD0\xBC\xD0\xBE\xD1\x81\xD0\xBA\xD0\xB2\xD0\xB0");  // Москва -> москва
  EXPECT_EQ(NormalizeValueText("--- ..."), "");
  EXPECT_EQ(NormalizeValueText("bad\xFFtext"), "bad\xFFtext");
}

TEST(ValueIndexTest, ExactIgnoresCaseAccentsAndSpacing) {
  ValueIndex index = SmallIndex();
  EXPECT_EQ(index.size(), 15u);
  EXPECT_EQ(Names(index.Exact("united states")), std::vector<std::string>{"singer.country=United States"});
  EXPECT_EQ(Names(index.Exact("  UNITED\tstates! ")), std::vector<std::string>{"singer.country=United States"});
  EXPECT_EQ(Names(index.Exact("zurich")), std::vector<std::string>{"city.name=Zürich"});
  EXPECT_EQ(Names(index.Exact("SAO PAULO")), std::vector<std::string>{"city.name=São Paulo"});
  EXPECT_EQ(Names(index.Exact("obrien patrick")), std::vector<std::string>{});
  EXPECT_EQ(Names(index.Exact("patrick obrien")), std::vector<std::string>{"person.name=Patrick O'Brien"});
  EXPECT_EQ(Names(index.Exact("jean luc picard")), std::vector<std::string>{"person.name=Jean-Luc Picard"});
  // The same value in two columns: most rows first.
  auto france = index.Exact("france");
  EXPECT_EQ(Names(france), (std::vector<std::string>{"singer.country=France", "team.name=France"}));
  EXPECT_EQ(france[0].count, 4);
  EXPECT_EQ(france[0].score, 1.0);
  EXPECT_TRUE(index.Exact("Germany").empty());
  EXPECT_TRUE(index.Exact("").empty());
  EXPECT_TRUE(index.Exact("...").empty());
}

TEST(ValueIndexTest, PartialMatchesWholeWordsOnly) {
  ValueIndex index = SmallIndex();
  auto york = index.Partial("york");
  // "York" equals the phrase (1.0); "New York" covers 1/2 of its words; "New York City" 1/3.
  ASSERT_EQ(Names(york), (std::vector<std::string>{"city.name=York", "city.name=New York", "city.name=New York City"}));
  EXPECT_EQ(york[0].score, 1.0);
  EXPECT_GT(york[1].score, york[2].score);
  EXPECT_GT(york[2].score, 0.0);
  EXPECT_LT(york[1].score, 1.0);
  // Every word must be present, in any order.
  EXPECT_EQ(Names(index.Partial("york new")), (std::vector<std::string>{"city.name=New York", "city.name=New York City"}));
  EXPECT_TRUE(index.Partial("new jersey").empty());
  // Whole words: "Yor" and "ork" are not words of any value (too short for typos).
  EXPECT_TRUE(index.Partial("yor").empty());
  EXPECT_TRUE(index.Partial("ork").empty());
  EXPECT_EQ(Names(index.Partial("york", 1)), std::vector<std::string>{"city.name=York"});
  EXPECT_TRUE(index.Partial("york", 0).empty());
  EXPECT_EQ(index.Partial("New-York")[0].score, 1.0);
  EXPECT_TRUE(index.Partial("").empty());
}

TEST(ValueIndexTest, PartialToleratesOneTypoInLongWords) {
  ValueIndex index = SmallIndex();
  EXPECT_EQ(Names(index.Partial("Stirlng")), std::vector<std::string>{"stadium.location=Stirling Albion"});  // deletion
  EXPECT_EQ(Names(index.Partial("stirlingg albion")),
            std::vector<std::string>{"stadium.location=Stirling Albion"});                               // insertion
  EXPECT_EQ(Names(index.Partial("Rovres")), std::vector<std::string>{"stadium.location=Raith Rovers"});    // swap
  EXPECT_EQ(Names(index.Partial("Netherlande")), std::vector<std::string>{"singer.country=Netherlands"});  // subst.
  auto zurich = index.Partial("zurick");
  ASSERT_EQ(Names(zurich), std::vector<std::string>{"city.name=Zürich"});
  EXPECT_LT(zurich[0].score, 0.99);  // a typo scores below an exact word
  // Two typos, or one typo in a short word, do not match.
  EXPECT_TRUE(index.Partial("Stirlnq").empty());
  EXPECT_TRUE(index.Partial("yirk").empty());
  // An exact word outranks a typo: "France" is exact, nothing else is one edit from it.
  auto france = index.Partial("france");
  ASSERT_EQ(france.size(), 2u);
  EXPECT_EQ(france[0].score, 1.0);
}

TEST(ValueIndexTest, PartialRanksByCoverageThenRows) {
  ValueIndexBuilder b;
  b.Add("t", "c", "Red", 1);
  b.Add("t", "c", "Red Wine", 50);
  b.Add("t", "c", "Dark Red Wine", 500);
  b.Add("t", "c", "Red Apple", 80);
  ValueIndex index = std::move(b).Finish();
  EXPECT_EQ(Names(index.Partial("red")),
            (std::vector<std::string>{"t.c=Red", "t.c=Red Apple", "t.c=Red Wine", "t.c=Dark Red Wine"}));
  EXPECT_EQ(Names(index.Partial("wine red")), (std::vector<std::string>{"t.c=Red Wine", "t.c=Dark Red Wine"}));
  // A repeated word: the value equal to the phrase still scores 1.
  ValueIndexBuilder b2;
  b2.Add("t", "c", "New New York", 1);
  b2.Add("t", "c", "New York", 9);
  ValueIndex repeated = std::move(b2).Finish();
  auto hits = repeated.Partial("new new york");
  ASSERT_EQ(hits.size(), 2u);
  EXPECT_EQ(hits[0].value, "New New York");
  EXPECT_EQ(hits[0].score, 1.0);
}

TEST(ValueIndexTest, BuilderLeavesOutFreeTextLongAndEmptyValues) {
  ValueIndexBuilder b;
  b.Add("t", "notes", std::string(120, 'x') + " words", 3);
  b.Add("t", "notes", "short", 1);  // average stays far above 80 bytes: the column is left out
  b.Add("t", "name", "Alice", 10);
  b.Add("t", "name", std::string(300, 'y'), 1);  // too long alone, the column stays
  b.Add("t", "name", "---", 4);                  // nothing left after normalisation
  b.Add("t", "name", "Bob", 0);                  // no rows
  ValueIndex index = std::move(b).Finish();
  EXPECT_EQ(index.size(), 1u);
  ASSERT_EQ(index.columns().size(), 1u);
  EXPECT_EQ(index.columns()[0].second, "name");
  EXPECT_EQ(Names(index.Exact("alice")), std::vector<std::string>{"t.name=Alice"});
  EXPECT_TRUE(index.Exact("short").empty());
}

TEST(ValueIndexTest, BuildCountsValuesOfEligibleColumnsOnly) {
  std::string sql =
      "CREATE TABLE people(id INTEGER PRIMARY KEY, name TEXT, country TEXT, born DATE, active BOOLEAN,"
      " bio TEXT, code TEXT);"
      "CREATE TABLE secret(word TEXT);"
      "CREATE VIEW french AS SELECT name FROM people WHERE country = 'France';"
      "INSERT INTO secret VALUES ('Classified');";
  const std::string bio(150, 'b');
  for (int i = 0; i < 40; ++i) {
    const char* country = i % 4 == 0 ? "France" : (i % 4 == 1 ? "Côte d'Ivoire" : "Peru");
    sql += "INSERT INTO people VALUES (" + std::to_string(i) + ", 'Person " + std::to_string(i % 10) + "', " +
           (i % 8 == 7 ? "NULL" : QuoteLiteral(country)) + ", '2020-01-0" + std::to_string(1 + i % 9) + "', " +
           std::to_string(i % 2) + ", '" + bio + std::to_string(i) + "', 'C" + std::to_string(i) + "');";
  }
  SqliteDb db = MemoryDb(sql);
  Catalog catalog = Profile(db.get());
  catalog.hidden_tables.push_back("secret");
  catalog.tables.erase(std::remove_if(catalog.tables.begin(), catalog.tables.end(),
                                      [](const TableInfo& t) { return t.name == "secret"; }),
                       catalog.tables.end());
  // Pretend "code" has more distinct values than are indexed.
  for (auto& t : catalog.tables)
    for (auto& c : t.columns)
      if (c.name == "code") c.distinct_count = ValueIndex::kMaxValuesPerColumn + 1;

  ValueIndex index = BuildIndex(db.get(), catalog);
  std::vector<std::pair<std::string, std::string>> expected = {{"people", "name"}, {"people", "country"}};
  EXPECT_EQ(index.columns(), expected);  // no DATE, BOOLEAN, free text, view, hidden or capped column
  EXPECT_EQ(index.size(), 13u);          // 10 names + 3 countries
  auto france = index.Exact("FRANCE");
  ASSERT_EQ(france.size(), 1u);
  EXPECT_EQ(france[0].count, 10);
  auto ivory = index.Exact("cote divoire");
  ASSERT_EQ(ivory.size(), 1u);
  EXPECT_EQ(ivory[0].value, "Côte d'Ivoire");
  EXPECT_EQ(ivory[0].count, 10);
  EXPECT_EQ(index.Exact("peru")[0].count, 15);  // 20 rows, 5 of them NULL
  EXPECT_EQ(index.Exact("person 3")[0].count, 4);
  EXPECT_TRUE(index.Exact("classified").empty());
  EXPECT_TRUE(index.Exact("c1").empty());
}

TEST(ValueIndexTest, BuildOfAnEmptyCatalogIsEmpty) {
  SqliteDb db = MemoryDb("CREATE TABLE t(n INTEGER); INSERT INTO t VALUES (1);");
  ValueIndex index = BuildIndex(db.get(), Profile(db.get()));
  EXPECT_EQ(index.size(), 0u);
  EXPECT_TRUE(index.Partial("anything").empty());
}

TEST(ValueIndexTest, SaveLoadRoundTrip) {
  TempDir dir;
  const std::string path = (dir / "v1.values.bin").string();
  ValueIndex index = SmallIndex();
  ASSERT_TRUE(index.Save(path).ok());
  EXPECT_FALSE(std::filesystem::exists(path + ".tmp." + std::to_string(::getpid())));
  auto loaded = ValueIndex::Load(path);
  ASSERT_TRUE(loaded.ok()) << loaded.status().ToString();
  EXPECT_EQ(loaded->size(), index.size());
  EXPECT_EQ(loaded->columns(), index.columns());
  for (const char* q : {"france", "york", "stirlng", "zurich", "patrick o'brien"}) {
    EXPECT_EQ(Names(loaded->Partial(q)), Names(index.Partial(q))) << q;
    EXPECT_EQ(Names(loaded->Exact(q)), Names(index.Exact(q))) << q;
  }
  EXPECT_EQ(loaded->Exact("france")[0].count, 4);

  ValueIndex empty = ValueIndexBuilder().Finish();
  ASSERT_TRUE(empty.Save(path).ok());
  auto loaded_empty = ValueIndex::Load(path);
  ASSERT_TRUE(loaded_empty.ok()) << loaded_empty.status().ToString();
  EXPECT_EQ(loaded_empty->size(), 0u);
}

TEST(ValueIndexTest, DamagedFilesAreCorruption) {
  TempDir dir;
  const std::string path = (dir / "values.bin").string();
  ASSERT_TRUE(SmallIndex().Save(path).ok());
  const std::string good = testing::ReadFile(path);

  auto expect_corruption = [&](const std::string& bytes, const std::string& needle) {
    testing::WriteFile(path, bytes);
    auto r = ValueIndex::Load(path);
    ASSERT_FALSE(r.ok()) << needle;
    EXPECT_EQ(r.status().code(), Status::Code::kCorruption) << r.status().ToString();
    EXPECT_NE(r.status().message().find(needle), std::string::npos) << r.status().ToString();
    EXPECT_NE(r.status().message().find(path), std::string::npos) << r.status().ToString();
  };
  expect_corruption("", "not a value index");
  expect_corruption("{\"tables\": []}", "not a value index");
  expect_corruption(good.substr(0, 10), "file ends inside the format version");
  std::string flipped = good;
  flipped[good.size() / 2] ^= 0x20;
  expect_corruption(flipped, "checksum mismatch");
  expect_corruption(good.substr(0, good.size() - 5), "checksum mismatch");
  std::string future = good;
  future[8] = 9;
  expect_corruption(future, "format version 9");

  auto missing = ValueIndex::Load((dir / "absent.bin").string());
  EXPECT_EQ(missing.status().code(), Status::Code::kNotFound);
}

TEST(ValueIndexTest, ConsistentChecksumButBadContentIsCorruption) {
  // A file whose checksum matches but whose structure is wrong (written by a buggy writer).
  TempDir dir;
  const std::string path = (dir / "values.bin").string();
  auto with_checksum = [](std::string body) {
    uint64_t h = 0xcbf29ce484222325ULL;
    size_t i = 0;
    for (; i + 8 <= body.size(); i += 8) {
      uint64_t w;
      std::memcpy(&w, body.data() + i, 8);  // little-endian machine
      h = (h ^ w) * 0x100000001b3ULL;
    }
    for (; i < body.size(); ++i) h = (h ^ static_cast<unsigned char>(body[i])) * 0x100000001b3ULL;
    for (int i = 0; i < 8; ++i) body.push_back(static_cast<char>((h >> (8 * i)) & 0xFF));
    return body;
  };
  auto u32 = [](uint32_t v) { return std::string(reinterpret_cast<const char*>(&v), 4); };
  auto i64 = [](int64_t v) { return std::string(reinterpret_cast<const char*>(&v), 8); };
  const std::string head = std::string("DAVALIX\0", 8) + u32(1) + u32(1) + u32(1) + "t" + u32(1) + "c";
  testing::WriteFile(path, with_checksum(head + u32(1) + u32(3) + i64(1) + u32(1) + "x"));
  auto r = ValueIndex::Load(path);
  EXPECT_EQ(r.status().code(), Status::Code::kCorruption);
  EXPECT_NE(r.status().message().find("names column 3 of 1"), std::string::npos) << r.status().ToString();

  testing::WriteFile(path, with_checksum(head + u32(1) + u32(0) + i64(1) + u32(50) + "x"));
  r = ValueIndex::Load(path);
  EXPECT_NE(r.status().message().find("file ends inside a value"), std::string::npos) << r.status().ToString();

  testing::WriteFile(path, with_checksum(head + u32(1) + u32(0) + i64(1) + u32(1) + "x" + "junk"));
  r = ValueIndex::Load(path);
  EXPECT_NE(r.status().message().find("4 unexpected bytes"), std::string::npos) << r.status().ToString();

  testing::WriteFile(path, with_checksum(head + u32(1) + u32(0) + i64(0) + u32(1) + "x"));
  r = ValueIndex::Load(path);
  EXPECT_NE(r.status().message().find("row count 0"), std::string::npos) << r.status().ToString();
}

TEST(ValueIndexTest, SpiderConcertSingerFindsCountries) {
  auto db = OpenSqlite(testing::SharedDir() / "bench/spider/database/concert_singer/concert_singer.sqlite",
                       OpenMode::kReadOnly);
  ASSERT_TRUE(db.ok()) << db.status().ToString();
  Catalog catalog = Profile(db->get());
  TempDir dir;
  const std::string path = (dir / "v1.values.bin").string();
  ASSERT_TRUE(BuildAndSaveValueIndex(db->get(), catalog, path).ok());
  auto index = ValueIndex::Load(path);
  ASSERT_TRUE(index.ok()) << index.status().ToString();
  auto france = index->Exact("france");
  ASSERT_FALSE(france.empty());
  EXPECT_EQ(france[0].table, "singer");
  EXPECT_EQ(france[0].column, "Country");
  EXPECT_EQ(france[0].value, "France");
  EXPECT_GE(france[0].count, 1);
  auto netherlands = index->Partial("netherland");  // one letter short
  ASSERT_FALSE(netherlands.empty());
  EXPECT_EQ(netherlands[0].value, "Netherlands");
}

}  // namespace
}  // namespace da
