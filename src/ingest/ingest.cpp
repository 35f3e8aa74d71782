#include "ingest/ingest.h"

#include <chrono>
#include <cstring>
#include <fstream>
#include <map>
#include <memory>

#include "catalog/metadata.h"
#include "catalog/profiler.h"
#include "catalog/value_index.h"
#include "common/progress_bar.h"
#include "common/sqlite.h"
#include "common/strings.h"
#include "ingest/csv_source.h"
#include "ingest/identifiers.h"
#include "ingest/table_builder.h"
#include "ingest/xlsx_reader.h"
#include "ingest/zip_ingest.h"

namespace da {

namespace fs = std::filesystem;

namespace {

// Inputs smaller than this load too fast for a progress bar to be useful.
constexpr uint64_t kProgressBarMinBytes = 4ull << 20;

Result<std::string> ReadPrefix(const fs::path& path, size_t n) {
  std::ifstream f(path, std::ios::binary);
  if (!f) return Status::IoError("cannot read " + path.string() + ": " + std::strerror(errno));
  std::string buf(n, '\0');
  f.read(buf.data(), static_cast<std::streamsize>(n));
  buf.resize(static_cast<size_t>(f.gcount()));
  return buf;
}

// Profilers fed while tables are written, so the catalog needs no second read of the data.
using WrittenProfiles = std::map<std::string, std::shared_ptr<TableProfiler>>;

// Labels the profiler records for tables and columns: what the user called them.
ProfileOptions ProfileOptionsFor(const IngestReport& report, WrittenProfiles written) {
  ProfileOptions opts;
  opts.dataset = report.dataset;
  opts.written = std::move(written);
  opts.table_label = [&report](const std::string& table) {
    for (const auto& t : report.tables)
      if (t.name == table) return t.label.empty() ? table : t.label;
    return table;
  };
  opts.column_label = [&report](const std::string& table, const std::string& column) {
    for (const auto& t : report.tables) {
      if (t.name != table) continue;
      for (const auto& c : t.columns)
        if (c.name == column) return c.label.empty() ? column : c.label;
    }
    return column;
  };
  return opts;
}

// Loads text inputs (CSV, ZIP, XLSX) into the staging database in one transaction.
Status LoadTables(sqlite3* db, const fs::path& input, InputKind kind, const BuildOptions& build,
                  IngestReport* report) {
  DA_RETURN_IF_ERROR(PrepareForBulkLoad(db));
  DA_RETURN_IF_ERROR(ExecSql(db, "BEGIN"));
  Status st;
  switch (kind) {
    case InputKind::kCsv: {
      auto source = OpenCsvFile(input);
      if (!source.ok()) {
        st = source.status();
        break;
      }
      const std::string stem = input.stem().string();
      st = BuildTable(db, ToSqlIdentifier(stem, "data"), {source->get()}, build, report);
      if (st.ok() && !report->tables.empty()) report->tables.back().label = stem;
      break;
    }
    case InputKind::kZip: st = IngestZip(input, db, build, report); break;
    case InputKind::kXlsx: st = IngestXlsx(input, db, build, report); break;
    case InputKind::kSqlite: st = Status::Internal("LoadTables called for a SQLite input"); break;
  }
  if (!st.ok()) {
    ExecSql(db, "ROLLBACK");
    return st;
  }
  return ExecSql(db, "COMMIT");
}

// Builds the catalog of `db` and its value index in one profiling pass, applies metadata files,
// and saves both beside the staged data.
Result<Catalog> BuildCatalog(sqlite3* db, const IngestOptions& options, IngestReport* report,
                             const StagedDataset& staged, WrittenProfiles written = {}) {
  ValueIndexBuilder values;
  ProfileOptions profile = ProfileOptionsFor(*report, std::move(written));
  profile.values = &values;
  DA_ASSIGN_OR_RETURN(Catalog catalog, ProfileDatabase(db, profile));
  if (!options.metadata_files.empty()) {
    DA_ASSIGN_OR_RETURN(Metadata metadata, LoadMetadata(options.metadata_files));
    for (auto& w : ApplyMetadata(metadata, &catalog)) report->warnings.push_back(std::move(w));
  }
  DA_RETURN_IF_ERROR(catalog.Save(staged.catalog_path().string()));
  if (!catalog.hidden_tables.empty()) {
    // The profiler saw every table; values of tables the metadata hid must not be linkable,
    // so this rare case reads the visible tables' values again.
    DA_RETURN_IF_ERROR(BuildAndSaveValueIndex(db, catalog, staged.values_path().string()));
  } else {
    DA_RETURN_IF_ERROR(std::move(values).Finish().Save(staged.values_path().string()));
  }
  return catalog;
}

// Describes an attached SQLite file's tables in the report, from its catalog.
void ReportAttachedTables(const Catalog& catalog, IngestReport* report) {
  for (const auto& t : catalog.tables) {
    TableReport tr;
    tr.name = t.name;
    tr.label = t.label;
    tr.rows = t.row_count;
    for (const auto& c : t.columns) tr.columns.push_back({c.name, c.label, c.type, ""});
    report->tables.push_back(std::move(tr));
  }
}

}  // namespace

const char* InputKindName(InputKind kind) {
  switch (kind) {
    case InputKind::kCsv: return "csv";
    case InputKind::kZip: return "zip";
    case InputKind::kXlsx: return "xlsx";
    case InputKind::kSqlite: return "sqlite";
  }
  return "csv";
}

Result<InputKind> DetectInputKind(const fs::path& path) {
  std::error_code ec;
  if (!fs::exists(path, ec)) return Status::NotFound(path.string() + ": no such file");
  if (fs::is_directory(path, ec))
    return Status::InvalidArgument(path.string() + " is a directory; zip it or pass a file");
  if (!fs::is_regular_file(path, ec)) return Status::InvalidArgument(path.string() + " is not a regular file");
  DA_ASSIGN_OR_RETURN(std::string head, ReadPrefix(path, 16));
  if (head.empty()) return Status::InvalidArgument(path.string() + ": the file is empty");
  if (head.rfind(std::string("SQLite format 3\0", 16), 0) == 0) return InputKind::kSqlite;
  const std::string ext = ToLower(path.extension().string());
  if (head.rfind("\xD0\xCF\x11\xE0", 0) == 0) {
    // OLE compound file: legacy .xls or an encrypted .xlsx; the xlsx reader explains which.
    return InputKind::kXlsx;
  }
  if (head.rfind("PK\x03\x04", 0) == 0 || head.rfind("PK\x05\x06", 0) == 0) {
    if (ext == ".xlsx" || ext == ".xlsm") return InputKind::kXlsx;
    // A workbook renamed to .zip is still a workbook.
    return InputKind::kZip;
  }
  if (ext == ".xlsx" || ext == ".xls" || ext == ".zip" || ext == ".sqlite" || ext == ".db") {
    return Status::InvalidArgument(path.string() + ": the name says " + ext +
                                   " but the content is not; is the file damaged or mislabelled?");
  }
  return InputKind::kCsv;
}

Result<IngestReport> IngestPath(DatasetStore* store, const fs::path& input, const IngestOptions& options) {
  const auto start = std::chrono::steady_clock::now();
  DA_RETURN_IF_ERROR(DatasetStore::ValidateName(options.dataset));
  DA_ASSIGN_OR_RETURN(InputKind kind, DetectInputKind(input));

  IngestReport report;
  report.dataset = options.dataset;
  report.input = input.string();
  report.kind = InputKindName(kind);
  std::error_code ec;
  report.input_bytes = fs::file_size(input, ec);

  DA_ASSIGN_OR_RETURN(StagedDataset staged, store->Begin(options.dataset));
  std::optional<fs::path> attached;
  if (kind == InputKind::kSqlite) {
    fs::path absolute = fs::canonical(input, ec);
    if (ec) return Status::IoError("cannot resolve " + input.string() + ": " + ec.message());
    DA_ASSIGN_OR_RETURN(SqliteDb db, OpenSqlite(absolute, OpenMode::kReadOnly));
    DA_ASSIGN_OR_RETURN(Catalog catalog, BuildCatalog(db.get(), options, &report, staged));
    ReportAttachedTables(catalog, &report);
    attached = absolute;
  } else {
    ProgressBar bar(input.filename().string(), options.progress_bar && report.input_bytes >= kProgressBarMinBytes);
    BuildOptions build;
    build.max_rejected_rows = options.max_rejected_rows;
    build.progress = [&bar, &options](uint64_t done, uint64_t total) {
      bar.Update(done, total);
      if (options.progress) options.progress(done, total);
    };
    WrittenProfiles written;
    build.row_sink = [&written](const std::string& table, const std::vector<ColumnType>& types) {
      auto profiler = std::make_shared<TableProfiler>(types);
      written[table] = profiler;
      return profiler.get();
    };
    DA_ASSIGN_OR_RETURN(SqliteDb db, OpenSqlite(staged.data_path(), OpenMode::kReadWriteCreate));
    DA_RETURN_IF_ERROR(LoadTables(db.get(), input, kind, build, &report));
    bar.Finish();
    DA_ASSIGN_OR_RETURN(Catalog catalog,
                        BuildCatalog(db.get(), options, &report, staged, std::move(written)));
  }
  DA_RETURN_IF_ERROR(store->Commit(&staged, report.kind, input.string(), attached));
  report.elapsed_seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  return report;
}

}  // namespace da
