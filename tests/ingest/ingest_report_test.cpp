#include "ingest/ingest_report.h"

#include <gtest/gtest.h>

namespace da {
namespace {

IngestReport SampleReport() {
  IngestReport r;
  r.dataset = "shop";
  r.input = "/data/orders.csv";
  r.kind = "csv";
  TableReport t;
  t.name = "orders";
  t.label = "orders";
  t.sources = {"orders.csv"};
  t.rows = 1000000;
  t.rejected_rows = 1;
  t.columns = {{"order_id", "Order ID", ColumnType::kInteger, ""},
               {"amount", "Amount", ColumnType::kText, "line 1042: 'n/a?' is not a number"},
               {"status", "status", ColumnType::kText, ""}};
  r.tables.push_back(t);
  r.AddRejected({"orders.csv", 17, "expected 3 fields, found 4"});
  r.skipped = {"docs/readme.pdf: not a CSV file"};
  r.warnings = {"sheet Chart1 has no cells"};
  r.input_bytes = 56000000;
  r.elapsed_seconds = 1.9;
  return r;
}

TEST(IngestReportTest, KeepsFirstRejectedRowsAndCountsAll) {
  IngestReport r;
  for (int i = 0; i < 25; ++i) r.AddRejected({"a.csv", i + 2, "expected 2 fields, found 3"});
  EXPECT_EQ(r.rejected_total, 25);
  ASSERT_EQ(r.rejected.size(), IngestReport::kMaxRejectedListed);
  EXPECT_EQ(r.rejected.front().line, 2);
  EXPECT_EQ(r.rejected.back().line, 21);
}

TEST(IngestReportTest, RatesAndTotals) {
  IngestReport r = SampleReport();
  EXPECT_DOUBLE_EQ(r.megabytes_per_second(), 56.0 / 1.9);
  TableReport more;
  more.rows = 5;
  r.tables.push_back(more);
  EXPECT_EQ(r.total_rows(), 1000005);
  r.elapsed_seconds = 0;
  EXPECT_EQ(r.megabytes_per_second(), 0);
}

TEST(IngestReportTest, JsonHasEveryField) {
  const nlohmann::json j = SampleReport().ToJson();
  EXPECT_EQ(j["dataset"], "shop");
  EXPECT_EQ(j["input"], "/data/orders.csv");
  EXPECT_EQ(j["kind"], "csv");
  EXPECT_EQ(j["total_rows"], 1000000);
  EXPECT_EQ(j["rejected_total"], 1);
  EXPECT_EQ(j["rejected"][0]["file"], "orders.csv");
  EXPECT_EQ(j["rejected"][0]["line"], 17);
  EXPECT_EQ(j["rejected"][0]["reason"], "expected 3 fields, found 4");
  EXPECT_EQ(j["skipped"][0], "docs/readme.pdf: not a CSV file");
  EXPECT_EQ(j["warnings"][0], "sheet Chart1 has no cells");
  EXPECT_EQ(j["input_bytes"], 56000000);
  EXPECT_DOUBLE_EQ(j["elapsed_seconds"].get<double>(), 1.9);
  EXPECT_NEAR(j["megabytes_per_second"].get<double>(), 29.47, 0.01);
  const auto& t = j["tables"][0];
  EXPECT_EQ(t["name"], "orders");
  EXPECT_EQ(t["label"], "orders");
  EXPECT_EQ(t["sources"][0], "orders.csv");
  EXPECT_EQ(t["rows"], 1000000);
  EXPECT_EQ(t["rejected_rows"], 1);
  EXPECT_EQ(t["has_source_file_column"], false);
  EXPECT_EQ(t["columns"][0]["name"], "order_id");
  EXPECT_EQ(t["columns"][0]["label"], "Order ID");
  EXPECT_EQ(t["columns"][0]["type"], "INTEGER");
  EXPECT_EQ(t["columns"][1]["type"], "TEXT");
  EXPECT_EQ(t["columns"][1]["fallback_reason"], "line 1042: 'n/a?' is not a number");
}

TEST(IngestReportTest, TextIsReadable) {
  const std::string text = SampleReport().ToText();
  EXPECT_EQ(text,
            "Dataset shop from /data/orders.csv (csv)\n"
            "orders  1,000,000 rows  3 columns  (1 row rejected)\n"
            "  order_id INTEGER (Order ID)\n"
            "  amount TEXT (Amount): kept as text, line 1042: 'n/a?' is not a number\n"
            "  status TEXT\n"
            "Rejected 1 row:\n"
            "  orders.csv:17: expected 3 fields, found 4\n"
            "Skipped 1 file:\n"
            "  docs/readme.pdf: not a CSV file\n"
            "Warnings:\n"
            "  sheet Chart1 has no cells\n"
            "Read 56.0 MB in 1.9 s (29.5 MB/s)\n");
}

TEST(IngestReportTest, TextSaysWhenRejectedRowsAreTruncated) {
  IngestReport r;
  for (int i = 0; i < 30; ++i) r.AddRejected({"a.csv", i + 2, "expected 2 fields, found 1"});
  const std::string text = r.ToText();
  EXPECT_NE(text.find("Rejected 30 rows (first 20 listed):\n"), std::string::npos) << text;
  EXPECT_NE(text.find("  a.csv:21: expected 2 fields, found 1\n"), std::string::npos);
  EXPECT_EQ(text.find("a.csv:22:"), std::string::npos);
}

}  // namespace
}  // namespace da
