#include "ask/schema_context.h"

#include <gtest/gtest.h>

#include "ask/profiled_db.h"

namespace da {
namespace {

using testing::kRetailScript;
using testing::ProfiledDb;

bool Has(const std::string& text, std::string_view part) { return text.find(part) != std::string::npos; }

// The line of `text` starting with `prefix`, or "".
std::string LineStarting(const std::string& text, std::string_view prefix) {
  size_t start = 0;
  while (start < text.size()) {
    size_t end = text.find('\n', start);
    if (end == std::string::npos) end = text.size();
    std::string line = text.substr(start, end - start);
    if (line.starts_with(prefix)) return line;
    start = end + 1;
  }
  return "";
}

TableInfo& Table(Catalog& catalog, std::string_view name) {
  for (TableInfo& t : catalog.tables) {
    if (t.name == name) return t;
  }
  ADD_FAILURE() << "no table " << name;
  return catalog.tables.front();
}

ColumnInfo& Column(TableInfo& table, std::string_view name) {
  for (ColumnInfo& c : table.columns) {
    if (c.name == name) return c;
  }
  ADD_FAILURE() << "no column " << name;
  return table.columns.front();
}

class SchemaContextTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_TRUE(db_.ok()) << db_.error();
    Catalog& c = db_.catalog();
    c.metrics = {{"net_sales", "sum of sales amount minus returns"}, {"store_density", "stores per region"}};
    TableInfo& stores = Table(c, "stores");
    stores.description = "Shops and where they are";
    ColumnInfo& type = Column(stores, "store_type");
    type.label = "Store Type Code";
    type.description = "A, B or C by size";
  }
  ProfiledDb db_{kRetailScript};
};

TEST_F(SchemaContextTest, WholeSchemaWhenItFits) {
  const std::string text = SchemaContext(db_.catalog(), db_.values(), "How many stores?", {});
  EXPECT_TRUE(text.starts_with("Dialect: SQLite\n")) << text;
  // Every table, in catalog order.
  size_t last = 0;
  for (const char* table : {"\nTABLE regions ", "\nTABLE stores:", "\nTABLE sales ", "\nTABLE employees ",
                            "\nTABLE weather "}) {
    size_t at = text.find(table);
    ASSERT_NE(at, std::string::npos) << table << "\n" << text;
    EXPECT_GT(at, last);
    last = at;
  }
  EXPECT_EQ(LineStarting(text, "TABLE stores"), "TABLE stores: Shops and where they are (7 rows)");
  EXPECT_EQ(LineStarting(text, "  store_type"),
            "  store_type TEXT \"Store Type Code\": A, B or C by size; values: 'C', 'A', 'B'");
  EXPECT_EQ(LineStarting(text, "  size "), "  size INTEGER; range 30000 .. 150000");
  EXPECT_EQ(LineStarting(text, "  product"), "  product TEXT; values: 'Widget', 'Gadget', 'Gizmo'");
  EXPECT_EQ(LineStarting(text, "  opened"), "  opened DATE; range 1999-01-02 .. 2016-01-01");
  EXPECT_EQ(LineStarting(text, "  region_name"), "  region_name TEXT NOT NULL");  // all distinct: no top values
  EXPECT_TRUE(Has(text, "  PRIMARY KEY (store_id)\n"));
  EXPECT_TRUE(Has(text, "  FOREIGN KEY (region_id) REFERENCES regions(region_id)\n"));
  EXPECT_TRUE(Has(text, "  FOREIGN KEY (store_id) REFERENCES stores(store_id)\n"));
  EXPECT_TRUE(Has(text, "METRIC net_sales: sum of sales amount minus returns\n"));
  EXPECT_TRUE(Has(text, "METRIC store_density: stores per region\n"));
  EXPECT_FALSE(Has(text, "not shown"));
  // Names SQL must quote are written quoted.
  EXPECT_TRUE(Has(text, "  \"Hire Date\" DATE"));
  EXPECT_TRUE(Has(text, "  \"order\" INTEGER"));
}

TEST_F(SchemaContextTest, ValuesNamedInTheQuestionComeFirst) {
  SchemaContextOptions options;
  options.sample_values = 2;
  const std::string text = SchemaContext(db_.catalog(), db_.values(), "sales in Chicago and Newark", options);
  const std::string city = LineStarting(text, "  city");
  EXPECT_TRUE(city.starts_with("  city TEXT; values: 'Chicago', 'Newark'")) << text;
  // Text with a quote is written as an SQL literal.
  const std::string quoted = SchemaContext(db_.catalog(), db_.values(), "staff named 'O'Brien'", {});
  EXPECT_TRUE(Has(LineStarting(quoted, "  last_name"), "'O''Brien'")) << quoted;
}

TEST_F(SchemaContextTest, PrivacyModeSendsNoDataValues) {
  SchemaContextOptions options;
  options.sample_values = 0;
  const std::string text = SchemaContext(db_.catalog(), db_.values(), "sales in Chicago", options);
  EXPECT_FALSE(Has(text, "values:")) << text;
  EXPECT_FALSE(Has(text, "range"));
  EXPECT_FALSE(Has(text, "Chicago"));
  EXPECT_TRUE(Has(text, "  city TEXT\n"));
}

TEST_F(SchemaContextTest, TrimmingKeepsJoinKeysAndRelevantTables) {
  SchemaContextOptions options;
  options.max_tokens = 170;
  const std::string question = "total amount of sales per region name";
  const std::string text = SchemaContext(db_.catalog(), db_.values(), question, options);
  EXPECT_LE(ApproxTokens(text), options.max_tokens) << text;
  EXPECT_TRUE(Has(text, "TABLE sales ")) << text;
  EXPECT_TRUE(Has(text, "TABLE regions ")) << text;
  // stores is not named, but joins sales to regions: it comes with its keys.
  EXPECT_TRUE(Has(text, "TABLE stores")) << text;
  EXPECT_TRUE(Has(text, "  FOREIGN KEY (store_id) REFERENCES stores(store_id)\n")) << text;
  EXPECT_TRUE(Has(text, "  FOREIGN KEY (region_id) REFERENCES regions(region_id)\n")) << text;
  EXPECT_TRUE(Has(text, "  amount REAL"));
  EXPECT_TRUE(Has(text, "  region_name TEXT"));
  EXPECT_FALSE(Has(text, "TABLE weather")) << text;
  EXPECT_TRUE(Has(text, "more column")) << text;
  // The key columns are in the stores block.
  const size_t stores = text.find("TABLE stores");
  ASSERT_NE(stores, std::string::npos);
  const size_t next = text.find("TABLE ", stores + 1);
  const std::string block = text.substr(stores, next == std::string::npos ? std::string::npos : next - stores);
  EXPECT_TRUE(Has(block, "  store_id INTEGER")) << block;
  EXPECT_TRUE(Has(block, "  region_id INTEGER")) << block;
}

TEST_F(SchemaContextTest, TinyBudgetStillHoldsTheBestTableWithItsKeys) {
  SchemaContextOptions options;
  options.max_tokens = 5;
  const std::string text = SchemaContext(db_.catalog(), db_.values(), "employees hire date", options);
  EXPECT_TRUE(Has(text, "TABLE employees ")) << text;
  EXPECT_TRUE(Has(text, "  emp_id INTEGER")) << text;
  EXPECT_TRUE(Has(text, "  \"Hire Date\" DATE")) << text;
  EXPECT_FALSE(Has(text, "TABLE weather")) << text;
}

TEST_F(SchemaContextTest, QuestionNamingNothingShowsTheFirstTable) {
  SchemaContextOptions options;
  options.max_tokens = 40;
  const std::string text = SchemaContext(db_.catalog(), db_.values(), "hello there", options);
  EXPECT_TRUE(text.starts_with("Dialect: SQLite\nTABLE regions (3 rows)\n  region_id INTEGER\n")) << text;
  EXPECT_LE(ApproxTokens(text), options.max_tokens) << text;
}

TEST_F(SchemaContextTest, OtherTablesAreNamedWhenThereIsRoom) {
  SchemaContextOptions options;
  options.max_tokens = 110;
  const std::string text = SchemaContext(db_.catalog(), db_.values(), "temperature by day in the weather", options);
  EXPECT_TRUE(text.starts_with("Dialect: SQLite\nTABLE weather ")) << text;
  EXPECT_TRUE(Has(text, "Other tables, not shown: ")) << text;
  EXPECT_LE(ApproxTokens(text), options.max_tokens) << text;
}

TEST_F(SchemaContextTest, MetricsNamedInTheQuestionComeFirst) {
  SchemaContextOptions options;
  options.max_tokens = 90;
  const std::string text = SchemaContext(db_.catalog(), db_.values(), "store density per region", options);
  EXPECT_TRUE(Has(text, "METRIC store_density")) << text;
}

TEST_F(SchemaContextTest, DeterministicAndReusable) {
  SchemaContextBuilder builder(db_.catalog(), db_.values());
  SchemaContextOptions options;
  options.max_tokens = 150;
  for (const char* q : {"total amount of sales per region name", "employees in New York", "temperature"}) {
    const std::string once = builder.Build(q, options);
    EXPECT_EQ(once, builder.Build(q, options)) << q;
    EXPECT_EQ(once, SchemaContext(db_.catalog(), db_.values(), q, options)) << q;
  }
  EXPECT_NE(builder.Build("temperature", options), builder.Build("employees in New York", options));
}

TEST_F(SchemaContextTest, DialectIsNamedAndPostgresQuotesCapitals) {
  Catalog& c = db_.catalog();
  Column(Table(c, "weather"), "day").name = "Day";
  SchemaContextOptions options;
  options.dialect = "PostgreSQL";
  const std::string text = SchemaContext(c, db_.values(), "q", options);
  EXPECT_TRUE(text.starts_with("Dialect: PostgreSQL\n"));
  EXPECT_TRUE(Has(text, "  \"Day\" DATE")) << text;
  options.dialect = "SQLite";
  EXPECT_TRUE(Has(SchemaContext(c, db_.values(), "q", options), "  Day DATE"));
}

TEST_F(SchemaContextTest, NamesAreQuotedAsEachDialectMustWriteThem) {
  Catalog& c = db_.catalog();
  Column(Table(c, "weather"), "day").name = "order";  // reserved everywhere
  SchemaContextOptions options;
  for (const char* d : {"SQLite", "postgres", "redshift"}) {
    options.dialect = d;
    EXPECT_TRUE(Has(SchemaContext(c, db_.values(), "q", options), "  \"order\" DATE")) << d;
  }
  Column(Table(c, "weather"), "order").name = "tag";  // reserved in Redshift only
  options.dialect = "postgres";
  std::string text = SchemaContext(c, db_.values(), "q", options);
  EXPECT_TRUE(text.starts_with("Dialect: PostgreSQL\n"));
  EXPECT_TRUE(Has(text, "  tag DATE")) << text;
  options.dialect = "redshift";
  text = SchemaContext(c, db_.values(), "q", options);
  EXPECT_TRUE(text.starts_with("Dialect: Amazon Redshift\n"));
  EXPECT_TRUE(Has(text, "  \"tag\" DATE")) << text;
  options.dialect = "DuckDB";  // unknown: named as given, quoted as SQLite quotes
  text = SchemaContext(c, db_.values(), "q", options);
  EXPECT_TRUE(text.starts_with("Dialect: DuckDB\n"));
  EXPECT_TRUE(Has(text, "  tag DATE")) << text;
}

TEST(SchemaContextStandaloneTest, NoValueIndexAndEmptyCatalog) {
  ProfiledDb db(kRetailScript);
  ASSERT_TRUE(db.ok()) << db.error();
  const std::string text = SchemaContext(db.catalog(), nullptr, "sales in Chicago", {});
  EXPECT_TRUE(Has(text, "TABLE sales "));
  Catalog empty;
  EXPECT_EQ(SchemaContext(empty, nullptr, "anything", {}), "Dialect: SQLite\n");
}

}  // namespace
}  // namespace da
