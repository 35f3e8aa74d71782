#include "ingest/ingest_report.h"

#include <cstdio>

namespace da {

namespace {

// 1234567 -> "1,234,567"
std::string WithThousands(int64_t n) {
  std::string digits = std::to_string(n < 0 ? -static_cast<uint64_t>(n) : static_cast<uint64_t>(n));
  std::string out;
  for (size_t i = 0; i < digits.size(); ++i) {
    if (i && (digits.size() - i) % 3 == 0) out += ',';
    out += digits[i];
  }
  return n < 0 ? "-" + out : out;
}

std::string Plural(int64_t n, const char* one, const char* many) {
  return WithThousands(n) + " " + (n == 1 ? one : many);
}

std::string Fixed1(double v) {
  char buf[64];
  std::snprintf(buf, sizeof buf, "%.1f", v);
  return buf;
}

}  // namespace

void IngestReport::AddRejected(RejectedRow row) {
  ++rejected_total;
  if (rejected.size() < kMaxRejectedListed) rejected.push_back(std::move(row));
}

// Decimal megabytes (10^6 bytes), as disk sizes and `sqlite3` timings are usually compared.
double IngestReport::megabytes_per_second() const {
  if (elapsed_seconds <= 0) return 0;
  return static_cast<double>(input_bytes) / 1e6 / elapsed_seconds;
}

int64_t IngestReport::total_rows() const {
  int64_t n = 0;
  for (const TableReport& t : tables) n += t.rows;
  return n;
}

nlohmann::json IngestReport::ToJson() const {
  nlohmann::json tables_json = nlohmann::json::array();
  for (const TableReport& t : tables) {
    nlohmann::json columns = nlohmann::json::array();
    for (const ColumnReport& c : t.columns) {
      columns.push_back({{"name", c.name},
                         {"label", c.label},
                         {"type", ColumnTypeName(c.type)},
                         {"fallback_reason", c.fallback_reason}});
    }
    tables_json.push_back({{"name", t.name},
                           {"label", t.label},
                           {"sources", t.sources},
                           {"rows", t.rows},
                           {"rejected_rows", t.rejected_rows},
                           {"has_source_file_column", t.has_source_file_column},
                           {"columns", std::move(columns)}});
  }
  nlohmann::json rejected_json = nlohmann::json::array();
  for (const RejectedRow& r : rejected) {
    rejected_json.push_back({{"file", r.file}, {"line", r.line}, {"reason", r.reason}});
  }
  return {{"dataset", dataset},
          {"input", input},
          {"kind", kind},
          {"tables", std::move(tables_json)},
          {"total_rows", total_rows()},
          {"rejected", std::move(rejected_json)},
          {"rejected_total", rejected_total},
          {"skipped", skipped},
          {"warnings", warnings},
          {"input_bytes", input_bytes},
          {"elapsed_seconds", elapsed_seconds},
          {"megabytes_per_second", megabytes_per_second()}};
}

// Example:
//   orders  1,000,000 rows  8 columns
//     order_id INTEGER (Order ID)
//     notes TEXT (Notes): line 1042: 'n/a?' is not a number
//   Rejected 2 rows:
//     orders.csv:17: expected 5 fields, found 7
//   Read 56.0 MB in 1.9 s (29.5 MB/s)
std::string IngestReport::ToText() const {
  std::string out;
  if (!dataset.empty()) {
    out += "Dataset " + dataset;
    if (!input.empty()) out += " from " + input;
    if (!kind.empty()) out += " (" + kind + ")";
    out += "\n";
  }
  for (const TableReport& t : tables) {
    out += t.name + "  " + Plural(t.rows, "row", "rows") + "  " +
           Plural(static_cast<int64_t>(t.columns.size()), "column", "columns");
    if (!t.label.empty() && t.label != t.name) out += "  from " + t.label;
    if (t.rejected_rows) out += "  (" + Plural(t.rejected_rows, "row", "rows") + " rejected)";
    out += "\n";
    for (const ColumnReport& c : t.columns) {
      out += "  " + c.name + " " + ColumnTypeName(c.type);
      if (!c.label.empty() && c.label != c.name) out += " (" + c.label + ")";
      if (!c.fallback_reason.empty()) out += ": kept as text, " + c.fallback_reason;
      out += "\n";
    }
  }
  if (rejected_total > 0) {
    out += "Rejected " + Plural(rejected_total, "row", "rows");
    if (rejected_total > static_cast<int64_t>(rejected.size()))
      out += " (first " + std::to_string(rejected.size()) + " listed)";
    out += ":\n";
    for (const RejectedRow& r : rejected)
      out += "  " + r.file + ":" + std::to_string(r.line) + ": " + r.reason + "\n";
  }
  if (!skipped.empty()) {
    out += "Skipped " + Plural(static_cast<int64_t>(skipped.size()), "file", "files") + ":\n";
    for (const std::string& s : skipped) out += "  " + s + "\n";
  }
  if (!warnings.empty()) {
    out += "Warnings:\n";
    for (const std::string& w : warnings) out += "  " + w + "\n";
  }
  out += "Read " + Fixed1(static_cast<double>(input_bytes) / 1e6) + " MB in " +
         Fixed1(elapsed_seconds) + " s (" + Fixed1(megabytes_per_second()) + " MB/s)\n";
  return out;
}

}  // namespace da
