#include "catalog/metadata.h"

#include <gtest/gtest.h>
#include <xlsxwriter.h>

#include "catalog/profiler.h"
#include "common/sqlite.h"
#include "test_util.h"

namespace da {
namespace {

using testing::TempDir;
using testing::WriteFile;

Catalog ShopCatalog() {
  auto db = OpenSqlite(":memory:", OpenMode::kReadWriteCreate);
  EXPECT_TRUE(ExecSql(db->get(), R"sql(
    CREATE TABLE customers (customer_id INTEGER, name TEXT);
    CREATE TABLE orders (order_id INTEGER, customer_id INTEGER, unit_price REAL);
    CREATE TABLE staging (x INTEGER);
    INSERT INTO customers VALUES (1, 'a'), (2, 'b');
    INSERT INTO orders VALUES (10, 1, 2.5), (11, 2, 3.5), (12, 2, 1.0);
    INSERT INTO staging VALUES (1);
  )sql").ok());
  ProfileOptions options;
  options.dataset = "shop";
  options.column_label = [](const std::string&, const std::string& c) {
    return c == "unit_price" ? "Unit Price" : "";
  };
  auto cat = ProfileDatabase(db->get(), options);
  EXPECT_TRUE(cat.ok()) << cat.status().ToString();
  return std::move(cat).value();
}

TEST(MetadataTest, LoadsAllThreeShapesFromCsvFiles) {
  TempDir dir;
  WriteFile(dir / "tables.csv", "Table Name,Table Label,Comments\norders,Orders,One row per order\n"
                                "customers,Customers,\n");
  WriteFile(dir / "columns.csv", "table_name,COLUMN NAME,Column_Description\n"
                                 "orders,order_id,Order number\norders,Unit Price,Price in USD\n"
                                 ",ignored,empty table name\n");
  WriteFile(dir / "metrics.csv", "Metric Name,Description\nrevenue,\"Sum of price, per order\"\n");
  auto md = LoadMetadata({dir / "tables.csv", dir / "columns.csv", dir / "metrics.csv"});
  ASSERT_TRUE(md.ok()) << md.status().ToString();
  ASSERT_EQ(md->tables.size(), 2u);
  EXPECT_EQ(md->tables[0].table, "orders");
  EXPECT_EQ(md->tables[0].label, "Orders");
  EXPECT_EQ(md->tables[0].comments, "One row per order");
  ASSERT_EQ(md->columns.size(), 2u);
  EXPECT_EQ(md->columns[1].column, "Unit Price");
  EXPECT_EQ(md->columns[1].description, "Price in USD");
  ASSERT_EQ(md->metrics.size(), 1u);
  EXPECT_EQ(md->metrics[0].description, "Sum of price, per order");
}

TEST(MetadataTest, ApplyRestrictsVisibleTablesAndWarnsAboutUnknownNames) {
  Metadata md;
  md.tables = {{"ORDERS", "Orders", "One row per order"}, {"customers", "", "People"},
               {"invoices", "Invoices", ""}};
  md.columns = {{"orders", "order_id", "Order number"},
                {"orders", "Unit Price", "Price in USD"},  // matched by label
                {"orders", "foo", "nope"},
                {"ghost", "x", "nope"}};
  md.metrics = {{"revenue", "Sum of unit_price"}};
  Catalog cat = ShopCatalog();
  std::vector<std::string> warnings = ApplyMetadata(md, &cat);
  EXPECT_EQ(warnings, (std::vector<std::string>{"metadata: unknown table invoices",
                                                "metadata: unknown column orders.foo",
                                                "metadata: unknown table ghost (for column x)"}));
  ASSERT_EQ(cat.tables.size(), 2u);
  EXPECT_EQ(cat.hidden_tables, std::vector<std::string>{"staging"});
  EXPECT_EQ(cat.FindTable("staging"), nullptr);
  const TableInfo* orders = cat.FindTable("orders");
  EXPECT_EQ(orders->label, "Orders");
  EXPECT_EQ(orders->description, "One row per order");
  EXPECT_EQ(orders->FindColumn("unit_price")->description, "Price in USD");
  EXPECT_EQ(orders->FindColumn("order_id")->description, "Order number");
  EXPECT_EQ(cat.FindTable("customers")->label, "customers");  // empty label keeps the old one
  EXPECT_EQ(cat.FindTable("customers")->description, "People");
  ASSERT_EQ(cat.metrics.size(), 1u);
  EXPECT_EQ(cat.metrics[0].name, "revenue");
  EXPECT_EQ(orders->foreign_keys.size(), 1u);  // orders.customer_id -> customers (visible)
}

TEST(MetadataTest, WithoutTableEntriesEveryTableStaysVisible) {
  Metadata md;
  md.columns = {{"customers", "name", "Full name"}};
  Catalog cat = ShopCatalog();
  EXPECT_TRUE(ApplyMetadata(md, &cat).empty());
  EXPECT_EQ(cat.tables.size(), 3u);
  EXPECT_TRUE(cat.hidden_tables.empty());
  EXPECT_EQ(cat.FindTable("customers")->FindColumn("name")->description, "Full name");
}

TEST(MetadataTest, HidingAReferencedTableDropsForeignKeysToIt) {
  Metadata md;
  md.tables = {{"orders", "", ""}};
  Catalog cat = ShopCatalog();
  ASSERT_EQ(cat.FindTable("orders")->foreign_keys.size(), 1u);
  ApplyMetadata(md, &cat);
  EXPECT_TRUE(cat.FindTable("orders")->foreign_keys.empty());
  EXPECT_EQ(cat.hidden_tables, (std::vector<std::string>{"customers", "staging"}));
}

TEST(MetadataTest, BadHeaderNamesTheFileAndTheExpectedShapes) {
  TempDir dir;
  WriteFile(dir / "meta.csv", "a,b\nx,y\n");
  auto md = LoadMetadata({dir / "meta.csv"});
  ASSERT_FALSE(md.ok());
  EXPECT_EQ(md.status().code(), Status::Code::kInvalidArgument);
  EXPECT_EQ(md.status().message(),
            "meta.csv: expected columns 'Table Name','Table Label','Comments' or 'Table Name',"
            "'Column Name','Column Description' or 'Metric Name','Description'; found 'a','b'");
}

TEST(MetadataTest, HeaderIsFoundWhenTheCsvReaderTookTheFileAsHeaderless) {
  TempDir dir;
  // A data value repeating a header label makes the sniffer doubt the header row.
  WriteFile(dir / "metrics.csv", "Metric Name,Description\nrevenue,Description\n");
  auto md = LoadMetadata({dir / "metrics.csv"});
  ASSERT_TRUE(md.ok()) << md.status().ToString();
  ASSERT_EQ(md->metrics.size(), 1u);
  EXPECT_EQ(md->metrics[0].name, "revenue");
}

TEST(MetadataTest, MissingFileIsNotFound) {
  TempDir dir;
  auto md = LoadMetadata({dir / "absent.csv"});
  EXPECT_EQ(md.status().code(), Status::Code::kNotFound);
  EXPECT_NE(md.status().message().find("absent.csv"), std::string::npos);
}

void WriteSheet(lxw_workbook* wb, const char* name, const std::vector<std::vector<std::string>>& rows) {
  lxw_worksheet* ws = workbook_add_worksheet(wb, name);
  for (size_t r = 0; r < rows.size(); ++r)
    for (size_t c = 0; c < rows[r].size(); ++c)
      worksheet_write_string(ws, static_cast<lxw_row_t>(r), static_cast<lxw_col_t>(c), rows[r][c].c_str(), nullptr);
}

TEST(MetadataTest, LoadsEverySheetOfAWorkbook) {
  TempDir dir;
  const auto path = dir / "metadata.xlsx";
  lxw_workbook* wb = workbook_new(path.c_str());
  WriteSheet(wb, "Tables", {{"Table Name", "Table Label", "Comments"}, {"orders", "Orders", "All orders"}});
  WriteSheet(wb, "Columns", {{"Table Name", "Column Name", "Column Description"},
                             {"orders", "unit_price", "Price in USD"},
                             {"customers", "name", "Full name"}});
  WriteSheet(wb, "Metrics", {{"Metric Name", "Description"}, {"aov", "Average order value"}});
  WriteSheet(wb, "Notes", {{"Free text"}, {"anything"}});  // other sheets may hold notes
  ASSERT_EQ(workbook_close(wb), LXW_NO_ERROR);

  auto md = LoadMetadata({path});
  ASSERT_TRUE(md.ok()) << md.status().ToString();
  ASSERT_EQ(md->tables.size(), 1u);
  EXPECT_EQ(md->tables[0].comments, "All orders");
  ASSERT_EQ(md->columns.size(), 2u);
  EXPECT_EQ(md->columns[1].description, "Full name");
  ASSERT_EQ(md->metrics.size(), 1u);
  EXPECT_EQ(md->metrics[0].name, "aov");

  Catalog cat = ShopCatalog();
  EXPECT_TRUE(ApplyMetadata(*md, &cat).empty());
  EXPECT_EQ(cat.tables.size(), 1u);
  EXPECT_EQ(cat.FindTable("orders")->FindColumn("unit_price")->description, "Price in USD");
}

TEST(MetadataTest, WorkbookWithoutAnyMetadataSheetIsAnError) {
  TempDir dir;
  const auto path = dir / "book.xlsx";
  lxw_workbook* wb = workbook_new(path.c_str());
  WriteSheet(wb, "Sheet1", {{"name", "value"}, {"a", "1"}});
  ASSERT_EQ(workbook_close(wb), LXW_NO_ERROR);
  auto md = LoadMetadata({path});
  ASSERT_FALSE(md.ok());
  EXPECT_EQ(md.status().code(), Status::Code::kInvalidArgument);
  EXPECT_NE(md.status().message().find("book.xlsx: no sheet has a metadata header"), std::string::npos)
      << md.status().message();
  EXPECT_NE(md.status().message().find("found book.xlsx#Sheet1: 'name','value'"), std::string::npos)
      << md.status().message();
}

}  // namespace
}  // namespace da

namespace da {
namespace {

TEST(MetadataSheetTest, HeaderOnlySheetAddsNothing) {
  TempDir dir;
  const auto path = dir / "metadata.xlsx";
  lxw_workbook* wb = workbook_new(path.c_str());
  WriteSheet(wb, "Metrics", {{"Metric Name", "Description"}});
  WriteSheet(wb, "Tables", {{"Table Name", "Table Label", "Comments"}, {"orders", "Orders", "x"}});
  ASSERT_EQ(workbook_close(wb), LXW_NO_ERROR);
  auto md = LoadMetadata({path});
  ASSERT_TRUE(md.ok()) << md.status().ToString();
  EXPECT_EQ(md->tables.size(), 1u);
  EXPECT_TRUE(md->metrics.empty());
}

TEST(MetadataSheetTest, TitleRowsAboveTheHeaderAreSkipped) {
  TempDir dir;
  const auto path = dir / "metadata.xlsx";
  lxw_workbook* wb = workbook_new(path.c_str());
  WriteSheet(wb, "Columns", {{"Data dictionary"}, {},
                             {"Table Name", "Column Name", "Column Description"},
                             {"orders", "order_id", "Order number"}});
  ASSERT_EQ(workbook_close(wb), LXW_NO_ERROR);
  auto md = LoadMetadata({path});
  ASSERT_TRUE(md.ok()) << md.status().ToString();
  ASSERT_EQ(md->columns.size(), 1u);
  EXPECT_EQ(md->columns[0].description, "Order number");
}

}  // namespace
}  // namespace da
