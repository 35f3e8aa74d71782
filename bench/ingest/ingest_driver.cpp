// Times the ingest core on one CSV without the CLI, dataset store or catalog:
// PrepareForBulkLoad + OpenCsvFile + BuildTable into a fresh SQLite file, in one transaction.
//
//   bench_ingest_driver FILE.csv OUT.sqlite
#include <chrono>
#include <cstdio>
#include <filesystem>

#include "common/sqlite.h"
#include "ingest/csv_source.h"
#include "ingest/table_builder.h"

int main(int argc, char** argv) {
  if (argc != 3) {
    std::fprintf(stderr, "usage: %s FILE.csv OUT.sqlite\n", argv[0]);
    return 2;
  }
  std::filesystem::remove(argv[2]);
  const auto start = std::chrono::steady_clock::now();
  auto fail = [](const da::Status& st) {
    std::fprintf(stderr, "error: %s\n", st.ToString().c_str());
    return 1;
  };
  auto db = da::OpenSqlite(argv[2], da::OpenMode::kReadWriteCreate);
  if (!db.ok()) return fail(db.status());
  if (auto st = da::PrepareForBulkLoad(db->get()); !st.ok()) return fail(st);
  auto source = da::OpenCsvFile(argv[1]);
  if (!source.ok()) return fail(source.status());
  if (auto st = da::ExecSql(db->get(), "BEGIN"); !st.ok()) return fail(st);
  da::IngestReport report;
  report.input_bytes = (*source)->byte_size();
  da::BuildOptions options;
  if (auto st = da::BuildTable(db->get(), "orders", {source->get()}, options, &report); !st.ok())
    return fail(st);
  if (auto st = da::ExecSql(db->get(), "COMMIT"); !st.ok()) return fail(st);
  db->reset();
  report.elapsed_seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  std::fputs(report.ToText().c_str(), stdout);
  return 0;
}
