// Follow-ups read against the previous question with the dataset's schema and values, then
// answered by the real engine over a real SQLite database.
#include "ask/follow_up.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <memory>

#include "catalog/profiler.h"
#include "catalog/value_index.h"
#include "common/sqlite.h"
#include "common/strings.h"
#include "engine/engine.h"
#include "test_util.h"

namespace da {
namespace {

constexpr const char* kStores = R"sql(
CREATE TABLE sales (store INTEGER, year INTEGER, month INTEGER, weekly_sales REAL);
CREATE TABLE storesize (store INTEGER, type TEXT, size INTEGER);
CREATE TABLE temperature (store INTEGER, year INTEGER, month INTEGER, temperature REAL);
CREATE TABLE singer (singer_id INTEGER PRIMARY KEY, name TEXT, country TEXT, age INTEGER);
INSERT INTO sales VALUES (1, 2010, 3, 100), (1, 2010, 4, 200), (1, 2011, 3, 300), (1, 2011, 4, 400),
  (2, 2010, 3, 10), (2, 2011, 3, 20), (2, 2011, 4, 40), (3, 2010, 3, 1000), (3, 2011, 4, 3000);
INSERT INTO storesize VALUES (1, 'A', 150000), (2, 'B', 90000), (3, 'A', 200000);
INSERT INTO temperature VALUES (1, 2010, 3, 10), (1, 2011, 3, 20), (2, 2010, 3, 30), (2, 2011, 3, 50);
INSERT INTO singer VALUES (1, 'Joe Sharp', 'Netherlands', 52), (2, 'Timbaland', 'United States', 32),
  (3, 'Justin Brown', 'France', 29), (4, 'Rose White', 'France', 41);
)sql";

// A database built from kStores, its catalog, value index, engine and follow-up resolver.
using Rows = std::vector<std::string>;

class FollowUpTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto db = OpenSqlite(dir_ / "db.sqlite", OpenMode::kReadWriteCreate);
    ASSERT_TRUE(db.ok()) << db.status().ToString();
    db_ = std::move(*db);
    ASSERT_TRUE(ExecSql(db_.get(), kStores).ok());
    ProfileOptions profile;
    profile.dataset = "stores";
    auto catalog = ProfileDatabase(db_.get(), profile);
    ASSERT_TRUE(catalog.ok()) << catalog.status().ToString();
    catalog_ = std::move(*catalog);
    auto values = ValueIndex::Build(db_.get(), catalog_);
    ASSERT_TRUE(values.ok()) << values.status().ToString();
    values_ = std::make_unique<ValueIndex>(std::move(*values));
    auto engine = Engine::Create(catalog_, values_.get());
    ASSERT_TRUE(engine.ok()) << engine.status().ToString();
    engine_ = std::move(*engine);
    resolver_ = std::make_unique<FollowUpResolver>(catalog_, values_.get());
  }

  FollowUp Resolve(const std::string& previous, const std::string& message) {
    return resolver_->Resolve(previous, message);
  }

  // The resolved question, expecting a resolved follow-up.
  std::string Resolved(const std::string& previous, const std::string& message) {
    FollowUp f = Resolve(previous, message);
    EXPECT_EQ(f.kind, FollowUp::Kind::kResolved) << message << ": " << f.note;
    EXPECT_FALSE(f.changes.empty());
    EXPECT_EQ(f.note, Join(f.changes, "; "));
    return f.question;
  }

  // The engine's rows for `question`, each row's values joined by '|', sorted.
  std::vector<std::string> Run(const std::string& question) {
    EngineAnswer a = engine_->Answer(question);
    EXPECT_TRUE(a.answered) << question << ": " << a.message;
    if (!a.answered) return {};
    std::vector<std::string> rows = testing::QueryRows(db_.get(), a.sql);
    std::sort(rows.begin(), rows.end());
    return rows;
  }

  testing::TempDir dir_;
  SqliteDb db_;
  Catalog catalog_;
  std::unique_ptr<ValueIndex> values_;
  std::unique_ptr<Engine> engine_;
  std::unique_ptr<FollowUpResolver> resolver_;
};


TEST_F(FollowUpTest, YearReplacesYear) {
  std::string q = Resolved("What were total sales in 2010?", "and for 2011?");
  EXPECT_EQ(q, "What were total sales in 2011?");
  EXPECT_EQ(Run(q), Rows{"3760"});
  FollowUp f = Resolve("What were total sales in 2010?", "and for 2011?");
  EXPECT_EQ(f.changes, std::vector<std::string>{"replaced '2010' with '2011'"});
}

TEST_F(FollowUpTest, YearIsAddedWhenThePreviousHadNone) {
  std::string q = Resolved("What were total sales?", "what about 2010?");
  EXPECT_EQ(q, "What were total sales in 2010?");
  EXPECT_EQ(Run(q), Rows{"1310"});
  EXPECT_EQ(Resolve("What were total sales?", "what about 2010?").changes,
            std::vector<std::string>{"added 'in 2010'"});
}

TEST_F(FollowUpTest, ColumnNumberReplacesTheNumberAfterThatColumn) {
  std::string q = Resolved("What is the total sales of store 1 in 2011?", "what about store 2");
  EXPECT_EQ(q, "What is the total sales of store 2 in 2011?");
  EXPECT_EQ(Run(q), Rows{"60"});
  // Without a store in the previous question, the filter is added.
  q = Resolved("What were total sales in 2011?", "and store 2?");
  EXPECT_EQ(q, "What were total sales in 2011 for store 2?");
  EXPECT_EQ(Run(q), Rows{"60"});
}

TEST_F(FollowUpTest, ValueReplacesAValueOfTheSameColumn) {
  std::string q = Resolved("What is the average age of singers from France?", "what about Netherlands");
  EXPECT_EQ(q, "What is the average age of singers from Netherlands?");
  EXPECT_EQ(Run(q), Rows{"52"});
}

TEST_F(FollowUpTest, OnlyAddsAValueFilter) {
  std::string q = Resolved("What were total sales in 2011?", "only type A stores");
  // The noun after the value restates what is filtered and is left out.
  EXPECT_EQ(q, "What were total sales in 2011 for type A?");
  EXPECT_EQ(Run(q), Rows{"3700"});
}

TEST_F(FollowUpTest, OnlyAddsAConditionAsWritten) {
  // The name before the condition restates what is filtered and is left out.
  std::string q = Resolved("Total sales by store", "only stores with size above 100000");
  EXPECT_EQ(q, "Total sales by store with size above 100000");
  EXPECT_EQ(Run(q), (Rows{"1|1000", "3|4000"}));
  EXPECT_EQ(Resolved("Total sales by store", "just size above 100000"), "Total sales by store with size above 100000");
}

TEST_F(FollowUpTest, GroupingIsReplacedOrAdded) {
  std::string q = Resolved("Total sales by store", "now by month");
  EXPECT_EQ(q, "Total sales by month");
  EXPECT_EQ(Run(q), (Rows{"3|1430", "4|3640"}));
  q = Resolved("What were total sales in 2011?", "broken down by store");
  EXPECT_EQ(q, "What were total sales in 2011 by store?");
}

TEST_F(FollowUpTest, SuperlativeFlipsDirectionKeepingItsWord) {
  std::string q = Resolved("Which store had the highest total sales?", "and the lowest?");
  EXPECT_EQ(q, "Which store had the lowest total sales?");
  EXPECT_EQ(Run(q), Rows{"2"});
  EXPECT_EQ(Resolved("Which store has the most sales?", "and the lowest?"), "Which store has the least sales?");
  EXPECT_EQ(Resolved("Top 2 stores by total sales", "and the bottom 1?"), "Bottom 1 stores by total sales");
}

TEST_F(FollowUpTest, AggregateReplacesAggregate) {
  std::string q = Resolved("What were total sales in 2011?", "and the average?");
  EXPECT_EQ(q, "What were average sales in 2011?");
  EXPECT_EQ(Run(q), Rows{"752"});
}

TEST_F(FollowUpTest, MeasureIsReplaced) {
  std::string q = Resolved("What is the average weekly sales of store 1?", "same for temperature");
  EXPECT_EQ(q, "What is the average temperature of store 1?");
  EXPECT_EQ(Run(q), Rows{"15"});
}

TEST_F(FollowUpTest, MonthKeepsThePreviousYear) {
  std::string q = Resolved("What were total sales in March 2011?", "and April?");
  EXPECT_EQ(q, "What were total sales in April 2011?");
}

TEST_F(FollowUpTest, SeveralChangesAtOnce) {
  FollowUp f = Resolve("Which store had the highest total sales in 2010?", "and the lowest in 2011?");
  ASSERT_EQ(f.kind, FollowUp::Kind::kResolved) << f.note;
  EXPECT_EQ(f.question, "Which store had the lowest total sales in 2011?");
  EXPECT_EQ(f.changes.size(), 2u);
}

TEST_F(FollowUpTest, StandaloneMessages) {
  const std::string previous = "What were total sales in 2010?";
  for (const char* message : {"How many stores are there?", "and which store had the most sales?",
                              "What is the average age of singers?",
                              "and now show me the total sales of every store in every month of 2011 please"}) {
    FollowUp f = Resolve(previous, message);
    EXPECT_EQ(f.kind, FollowUp::Kind::kStandalone) << message;
    EXPECT_FALSE(f.is_follow_up());
    EXPECT_EQ(f.question, message);
  }
  // Without a previous question nothing is a follow-up.
  EXPECT_EQ(Resolve("", "and for 2011?").kind, FollowUp::Kind::kStandalone);
}

TEST_F(FollowUpTest, UnresolvedFollowUpsSayWhy) {
  FollowUp f = Resolve("What were total sales in 2010?", "and the lowest?");
  EXPECT_EQ(f.kind, FollowUp::Kind::kUnresolved);
  EXPECT_TRUE(f.is_follow_up());
  EXPECT_EQ(f.question, "and the lowest?");
  EXPECT_NE(f.note.find("no highest or lowest"), std::string::npos) << f.note;

  f = Resolve("What were total sales in 2010?", "and what about the zebras?");
  EXPECT_EQ(f.kind, FollowUp::Kind::kUnresolved);
  EXPECT_NE(f.note.find("zebras"), std::string::npos) << f.note;

  f = Resolve("What were total sales in 2010?", "and?");
  EXPECT_EQ(f.kind, FollowUp::Kind::kUnresolved);
  EXPECT_FALSE(f.note.empty());

  f = Resolve("What were total sales in 2010?", "and for 2010?");
  EXPECT_EQ(f.kind, FollowUp::Kind::kUnresolved);
  EXPECT_NE(f.note.find("nothing"), std::string::npos) << f.note;
}

TEST_F(FollowUpTest, ChainedFollowUpsBuildOnTheResolvedQuestion) {
  std::string q1 = Resolved("What were total sales in 2010?", "and for 2011?");
  std::string q2 = Resolved(q1, "only type A stores");
  std::string q3 = Resolved(q2, "what about type B");
  EXPECT_EQ(q3, "What were total sales in 2011 for type B?");
  EXPECT_EQ(Run(q3), Rows{"60"});
}

TEST_F(FollowUpTest, OddMessagesNeverBreakIt) {
  const std::vector<std::string> previous = {"What were total sales in 2010?", "Top 2 stores by total sales",
                                             "How many singers are there in each country?", "?", "2010",
                                             "Sales in March 2011 and April 2012 for 'A'"};
  const std::vector<std::string> messages = {"", "?", "and", "and ?", "by", "and by", "and by 2011", "only",
                                             "only 'x'", "and the top", "and top 3", "and 3", "same", "now per",
                                             "what about \"France\"", "and for 2010 and 2011 and 2012?",
                                             "and the max?", "and caf\xc3\xa9", "and \xff\xfe", "by store by month",
                                             "and the lowest 2 by store in 2011 only type A"};
  for (const auto& p : previous) {
    for (const auto& m : messages) {
      FollowUp f = Resolve(p, m);
      if (f.kind == FollowUp::Kind::kResolved) {
        EXPECT_FALSE(f.question.empty()) << p << " / " << m;
        EXPECT_FALSE(f.changes.empty()) << p << " / " << m;
      } else {
        EXPECT_EQ(f.question, std::string(Trim(m))) << p << " / " << m;
        EXPECT_TRUE(f.changes.empty()) << p << " / " << m;
      }
      EXPECT_EQ(f.is_follow_up(), f.kind != FollowUp::Kind::kStandalone);
    }
  }
}

}  // namespace
}  // namespace da
