#include "catalog/catalog.h"

#include <gtest/gtest.h>

#include "test_util.h"

namespace da {
namespace {

using testing::TempDir;

Catalog SampleCatalog() {
  Catalog cat;
  cat.dataset = "shop";
  cat.built_at = "2024-03-01T10:00:00Z";
  TableInfo customers;
  customers.name = "customers";
  customers.label = "customers.csv";
  customers.row_count = 300;
  customers.primary_key = {"customer_id"};
  ColumnInfo cid;
  cid.name = cid.label = "customer_id";
  cid.type = ColumnType::kInteger;
  cid.distinct_count = 300;
  cid.min = int64_t{1};
  cid.max = int64_t{300};
  cid.is_primary_key = true;
  customers.columns.push_back(cid);

  TableInfo orders;
  orders.name = "orders";
  orders.label = "Orders";
  orders.description = "Orders placed online.";
  orders.row_count = 1204;
  orders.primary_key = {"order_id"};
  orders.primary_key_declared = true;
  ColumnInfo oid;
  oid.name = oid.label = "order_id";
  oid.type = ColumnType::kInteger;
  oid.declared_type = "INTEGER";
  oid.not_null = true;
  oid.distinct_count = 1204;
  oid.min = int64_t{1};
  oid.max = int64_t{1204};
  oid.is_primary_key = true;
  ColumnInfo ocid = cid;
  ocid.is_primary_key = false;
  ocid.distinct_count = 290;
  ColumnInfo amount;
  amount.name = "unit_price";
  amount.label = "Unit Price ($)";
  amount.description = "Price per unit in dollars";
  amount.type = ColumnType::kReal;
  amount.null_fraction = 0.125;
  amount.distinct_count = 1000000;
  amount.distinct_is_estimate = true;
  amount.min = 0.5;
  amount.max = 2.0;  // integral REAL must stay REAL
  ColumnInfo status;
  status.name = status.label = "status";
  status.type = ColumnType::kText;
  status.distinct_count = 3;
  status.min = std::string("cancelled");
  status.max = std::string("shipped");
  status.top_values = {{"shipped", 700}, {"paid", 400}, {"cancelled", 104}};
  ColumnInfo empty;
  empty.name = empty.label = "note";
  empty.null_fraction = 1;
  orders.columns = {oid, ocid, amount, status, empty};
  orders.foreign_keys.push_back({"customer_id", "customers", "customer_id", false, 1.0});

  TableInfo view;
  view.name = "big_orders";
  view.label = "big_orders";
  view.is_view = true;
  view.row_count = 100000;
  view.row_count_is_lower_bound = true;
  view.columns = {oid};
  view.columns[0].is_primary_key = false;

  cat.tables = {customers, orders, view};
  cat.hidden_tables = {"staging"};
  cat.metrics = {{"revenue", "Sum of unit_price x quantity"}};
  return cat;
}

TEST(CatalogTest, FindIsCaseInsensitive) {
  Catalog cat = SampleCatalog();
  ASSERT_NE(cat.FindTable("ORDERS"), nullptr);
  EXPECT_EQ(cat.FindTable("ORDERS")->name, "orders");
  EXPECT_EQ(cat.FindTable("staging"), nullptr);  // hidden
  EXPECT_NE(cat.FindTable("Orders")->FindColumn("Unit_Price"), nullptr);
  EXPECT_EQ(cat.FindTable("orders")->FindColumn("price"), nullptr);
}

TEST(CatalogTest, JsonRoundTripKeepsEveryField) {
  Catalog cat = SampleCatalog();
  nlohmann::json j = cat.ToJson();
  EXPECT_EQ(j["format_version"], Catalog::kFormatVersion);
  EXPECT_EQ(j["tables"][1]["columns"][2]["type"], "REAL");
  EXPECT_TRUE(j["tables"][1]["columns"][2]["max"].is_number_float());
  EXPECT_TRUE(j["tables"][1]["columns"][0]["min"].is_number_integer());
  EXPECT_TRUE(j["tables"][1]["columns"][4]["min"].is_null());
  // Through text, as it is stored.
  auto back = Catalog::FromJson(nlohmann::json::parse(j.dump()));
  ASSERT_TRUE(back.ok()) << back.status().ToString();
  EXPECT_EQ(back->ToJson(), j);
  const ColumnInfo* price = back->FindTable("orders")->FindColumn("unit_price");
  EXPECT_EQ(price->max, Value(2.0));
  EXPECT_EQ(price->label, "Unit Price ($)");
  EXPECT_TRUE(price->distinct_is_estimate);
  EXPECT_EQ(back->FindTable("orders")->FindColumn("status")->top_values[1].value, "paid");
  EXPECT_TRUE(back->FindTable("big_orders")->row_count_is_lower_bound);
  EXPECT_EQ(back->hidden_tables, std::vector<std::string>{"staging"});
  EXPECT_EQ(back->metrics[0].description, "Sum of unit_price x quantity");
}

Status FromJsonError(const std::function<void(nlohmann::json&)>& damage) {
  nlohmann::json j = SampleCatalog().ToJson();
  damage(j);
  auto r = Catalog::FromJson(j);
  EXPECT_FALSE(r.ok());
  return r.status();
}

TEST(CatalogTest, FromJsonNamesTheMissingOrBadField) {
  Status s = FromJsonError([](auto& j) { j["tables"][1]["columns"][2].erase("type"); });
  EXPECT_EQ(s.code(), Status::Code::kCorruption);
  EXPECT_EQ(s.message(), "catalog: tables[1].columns[2].type: missing field");

  s = FromJsonError([](auto& j) { j["tables"][1]["columns"][2]["type"] = "MONEY"; });
  EXPECT_NE(s.message().find("tables[1].columns[2].type: unknown column type \"MONEY\""), std::string::npos)
      << s.message();

  s = FromJsonError([](auto& j) { j["tables"][0]["row_count"] = "many"; });
  EXPECT_EQ(s.message(), "catalog: tables[0].row_count: expected an integer, found string");

  s = FromJsonError([](auto& j) { j["format_version"] = 99; });
  EXPECT_EQ(s.message(), "catalog: format_version: unsupported version 99 (expected 1)");

  s = FromJsonError([](auto& j) { j.erase("format_version"); });
  EXPECT_EQ(s.message(), "catalog: format_version: missing field");

  s = FromJsonError([](auto& j) { j["tables"][1]["foreign_keys"][0].erase("ref_table"); });
  EXPECT_EQ(s.message(), "catalog: tables[1].foreign_keys[0].ref_table: missing field");

  s = FromJsonError([](auto& j) { j["tables"][1]["columns"][3]["top_values"][0]["count"] = 1.5; });
  EXPECT_EQ(s.message(), "catalog: tables[1].columns[3].top_values[0].count: expected an integer, found number");

  s = FromJsonError([](auto& j) { j["tables"][1]["columns"][0]["min"] = nlohmann::json::array(); });
  EXPECT_EQ(s.message(), "catalog: tables[1].columns[0].min: expected a scalar value, found array");

  s = FromJsonError([](auto& j) { j["tables"][1]["primary_key"] = {"nope"}; });
  EXPECT_EQ(s.message(), "catalog: tables[1].primary_key: names unknown column \"nope\"");

  s = FromJsonError([](auto& j) { j["tables"][1]["columns"][2]["null_fraction"] = 3; });
  EXPECT_EQ(s.message(), "catalog: tables[1].columns[2].null_fraction: expected a number between 0 and 1");

  s = FromJsonError([](auto& j) { j["tables"] = nlohmann::json::object(); });
  EXPECT_EQ(s.message(), "catalog: tables: expected an array, found object");

  s = FromJsonError([](auto& j) { j = nlohmann::json::array(); });
  EXPECT_EQ(s.message(), "catalog: : expected an object");
}

TEST(CatalogTest, TextShowsHeaderColumnsKeysAndMetrics) {
  const std::string text = SampleCatalog().ToText();
  EXPECT_NE(text.find("orders (Orders) — 1,204 rows — primary key order_id\n"), std::string::npos) << text;
  EXPECT_NE(text.find("  Orders placed online.\n"), std::string::npos);
  EXPECT_NE(text.find("customers (customers.csv) — 300 rows — primary key customer_id (inferred)"),
            std::string::npos);
  EXPECT_NE(text.find("big_orders (view) — at least 100,000 rows"), std::string::npos);
  EXPECT_NE(text.find("→ customers.customer_id (inferred)"), std::string::npos);
  EXPECT_NE(text.find("Unit Price ($)"), std::string::npos);
  EXPECT_NE(text.find("12.5%"), std::string::npos);
  EXPECT_NE(text.find("≥1,000,000"), std::string::npos);
  EXPECT_NE(text.find("0.5 .. 2"), std::string::npos);
  EXPECT_NE(text.find("shipped (700), paid (400), cancelled (104)"), std::string::npos);
  EXPECT_NE(text.find("Price per unit in dollars"), std::string::npos);
  EXPECT_NE(text.find("Hidden by the metadata file: staging"), std::string::npos);
  EXPECT_NE(text.find("Metrics\n  revenue — Sum of unit_price x quantity\n"), std::string::npos);
}

TEST(CatalogTest, TextTruncatesLongValues) {
  Catalog cat = SampleCatalog();
  ColumnInfo& status = cat.tables[1].columns[3];
  status.top_values.push_back({std::string(100, 'x'), 3});
  for (int i = 0; i < 5; ++i) status.top_values.push_back({"v" + std::to_string(i), 1});
  const std::string text = cat.ToText();
  EXPECT_EQ(text.find(std::string(25, 'x')), std::string::npos);
  EXPECT_NE(text.find(std::string(19, 'x') + "…"), std::string::npos);
  EXPECT_NE(text.find(", …"), std::string::npos);  // more values than shown
}

TEST(CatalogTest, SaveLoadRoundTripsAndReplacesAtomically) {
  TempDir dir;
  const std::string path = (dir / "v1.catalog.json").string();
  Catalog cat = SampleCatalog();
  ASSERT_TRUE(cat.Save(path).ok());
  cat.dataset = "shop2";
  ASSERT_TRUE(cat.Save(path).ok());  // overwrite
  auto loaded = Catalog::Load(path);
  ASSERT_TRUE(loaded.ok()) << loaded.status().ToString();
  EXPECT_EQ(loaded->ToJson(), cat.ToJson());
  size_t files = 0;
  for (const auto& e : std::filesystem::directory_iterator(dir.path())) {
    (void)e;
    ++files;
  }
  EXPECT_EQ(files, 1u) << "no temporary file left behind";
}

TEST(CatalogTest, LoadErrors) {
  TempDir dir;
  auto missing = Catalog::Load((dir / "nope.json").string());
  EXPECT_EQ(missing.status().code(), Status::Code::kNotFound);

  testing::WriteFile(dir / "cut.json", SampleCatalog().ToJson().dump().substr(0, 100));
  auto cut = Catalog::Load((dir / "cut.json").string());
  EXPECT_EQ(cut.status().code(), Status::Code::kCorruption);
  EXPECT_NE(cut.status().message().find("cut.json: not valid JSON at byte"), std::string::npos)
      << cut.status().message();

  nlohmann::json j = SampleCatalog().ToJson();
  j["tables"][0].erase("columns");
  testing::WriteFile(dir / "bad.json", j.dump());
  auto bad = Catalog::Load((dir / "bad.json").string());
  EXPECT_EQ(bad.status().code(), Status::Code::kCorruption);
  EXPECT_EQ(bad.status().message(), (dir / "bad.json").string() + ": catalog: tables[0].columns: missing field");

  EXPECT_FALSE(SampleCatalog().Save((dir / "no_such_dir" / "x.json").string()).ok());
}

}  // namespace
}  // namespace da
