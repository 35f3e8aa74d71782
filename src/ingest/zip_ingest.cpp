// IngestZip: plans tables from the archive's directory listing and the CSV headers, then
// builds them one by one.
//
// Memory bound: at most one CSV entry is inflated at a time (ResidentEntry below). Peak use is
// about twice the largest CSV entry (its bytes, plus a UTF-8 copy when it is Windows-1252),
// plus the central directory and the table builder's own state; it does not grow with the
// number of entries or the archive's total size. The price is that an entry may be inflated
// more than once (header reading, then each of BuildTable's passes when a table has several
// files); a table with a single file is inflated once.
//
// Report: kind "zip"; input_bytes is the uncompressed size of the CSV entries ingested, i.e.
// the bytes actually parsed, so MB/s measures parsing rather than the compression ratio.

#include "ingest/zip_ingest.h"

#include <algorithm>
#include <map>
#include <set>
#include <string_view>

#include "common/strings.h"
#include "ingest/csv_source.h"
#include "ingest/identifiers.h"

namespace da {

namespace {

constexpr uint64_t kTxtSniffBytes = 64 * 1024;
constexpr size_t kTxtSniffLines = 20;
constexpr size_t kSkippedNamedInError = 10;

std::string BaseName(const std::string& entry_path) {
  size_t slash = entry_path.rfind('/');
  return slash == std::string::npos ? entry_path : entry_path.substr(slash + 1);
}

// "a/b/c.csv" -> "a/b"; "c.csv" -> "".
std::string DirName(const std::string& entry_path) {
  size_t slash = entry_path.rfind('/');
  return slash == std::string::npos ? "" : entry_path.substr(0, slash);
}

// Lower-case extension with its dot (".csv"), or "" when the name has none.
std::string Extension(const std::string& base) {
  size_t dot = base.rfind('.');
  if (dot == std::string::npos || dot == 0) return "";
  return ToLower(base.substr(dot));
}

std::string Stem(const std::string& base) {
  size_t dot = base.rfind('.');
  return dot == std::string::npos || dot == 0 ? base : base.substr(0, dot);
}

// Files that desktop tools add behind the user's back: never data, never worth a mention.
bool IsPlatformNoise(const std::string& entry_path) {
  const std::string base = BaseName(entry_path);
  if (base.rfind("._", 0) == 0) return true;  // AppleDouble resource forks
  const std::string lower = ToLower(base);
  if (lower == ".ds_store" || lower == "thumbs.db" || lower == "desktop.ini") return true;
  return entry_path.rfind("__MACOSX/", 0) == 0 || entry_path.find("/__MACOSX/") != std::string::npos;
}

// ".txt" is as often a readme as data: it counts as delimited text only when its first lines
// (up to kTxtSniffLines) all hold the same, non-zero number of the sniffed delimiter outside
// quotes, over at least two lines.
bool LooksDelimited(std::string_view prefix, bool truncated) {
  const CsvDialect dialect = SniffCsv(prefix);
  if (truncated) {  // the last line may be cut short
    size_t nl = prefix.rfind('\n');
    prefix = nl == std::string_view::npos ? std::string_view() : prefix.substr(0, nl);
  }
  size_t lines = 0;
  int64_t expected = -1;
  size_t start = 0;
  while (start < prefix.size() && lines < kTxtSniffLines) {
    size_t end = prefix.find('\n', start);
    if (end == std::string_view::npos) end = prefix.size();
    std::string_view line = Trim(prefix.substr(start, end - start));
    start = end + 1;
    if (line.empty()) continue;
    int64_t count = 0;
    bool quoted = false;
    for (char c : line) {
      if (dialect.quote != '\0' && c == dialect.quote) quoted = !quoted;
      else if (!quoted && c == dialect.delimiter) ++count;
    }
    if (count == 0 || (expected >= 0 && count != expected)) return false;
    expected = count;
    ++lines;
  }
  return lines >= 2;
}

// Readers name rows "folder/file.csv:17"; the user needs "archive.zip!folder/file.csv:17".
// Errors that name none of `entry_paths` are prefixed with the archive instead; errors that
// already name the archive (from ZipArchive) are kept as they are.
Status NameArchive(const Status& st, const std::string& archive, const std::vector<std::string>& entry_paths) {
  if (st.ok()) return st;
  const std::string& m = st.message();
  if (m.find(archive) != std::string::npos) return st;
  size_t best = std::string::npos;
  for (const auto& p : entry_paths) {
    for (size_t at = m.find(p); at != std::string::npos; at = m.find(p, at + 1)) {
      bool starts_word = at == 0 || m[at - 1] == ' ' || m[at - 1] == '\'' || m[at - 1] == '"' || m[at - 1] == '(';
      bool ends_name = at + p.size() == m.size() || m[at + p.size()] == ':' || m[at + p.size()] == '\'' ||
                       m[at + p.size()] == '"' || m[at + p.size()] == ')';
      if (starts_word && ends_name) {
        best = std::min(best, at);
        break;
      }
    }
  }
  if (best == std::string::npos) return st.WithMessage(archive + ": " + m);
  return st.WithMessage(m.substr(0, best) + archive + "!" + m.substr(best));
}

// Keeps at most one CSV entry inflated and parsed; loading another one frees the previous
// one first.
class ResidentEntry {
 public:
  explicit ResidentEntry(const ZipArchive& archive) : archive_(archive) {}

  Result<RowSource*> Load(const ZipEntry& entry) {
    if (entry_ == &entry && source_) return source_.get();
    source_.reset();
    entry_ = nullptr;
    DA_ASSIGN_OR_RETURN(std::string bytes, archive_.Read(entry));
    DA_ASSIGN_OR_RETURN(source_, OpenCsvBuffer(entry.path, std::move(bytes)));
    entry_ = &entry;
    return source_.get();
  }

 private:
  const ZipArchive& archive_;
  const ZipEntry* entry_ = nullptr;
  std::unique_ptr<RowSource> source_;
};

// A CSV entry as a RowSource whose bytes live in the shared ResidentEntry only while they are
// being read. Sources sharing a ResidentEntry must be read one after another, not nested.
class ZipCsvSource final : public RowSource {
 public:
  static Result<std::unique_ptr<ZipCsvSource>> Open(const ZipEntry& entry, ResidentEntry* resident) {
    DA_ASSIGN_OR_RETURN(RowSource * inner, resident->Load(entry));
    return std::unique_ptr<ZipCsvSource>(new ZipCsvSource(entry, resident, inner->header()));
  }

  const std::string& name() const override { return entry_.path; }
  const std::vector<std::string>& header() const override { return header_; }
  uint64_t byte_size() const override { return entry_.size; }
  const ZipEntry& entry() const { return entry_; }

  Status ForEachRow(const std::function<Status(const RowView&)>& fn) override {
    DA_ASSIGN_OR_RETURN(RowSource * inner, resident_->Load(entry_));
    if (inner->header() != header_) return Status::Internal(entry_.path + ": header changed between reads");
    return inner->ForEachRow(fn);
  }

 private:
  ZipCsvSource(const ZipEntry& entry, ResidentEntry* resident, std::vector<std::string> header)
      : entry_(entry), resident_(resident), header_(std::move(header)) {}

  const ZipEntry& entry_;
  ResidentEntry* resident_;
  std::vector<std::string> header_;
};

// One table to build.
struct TablePlan {
  std::string origin;  // what it came from, for messages: "2024/sales/" or "orders.csv"
  std::string label;   // folder name or file stem
  std::string name;    // unique SQL identifier
  std::vector<ZipCsvSource*> sources;
};

// What the archive holds, entry by entry.
struct Inventory {
  std::vector<const ZipEntry*> csv;  // in path order
  std::vector<std::string> skipped;  // "PATH: reason"
  std::vector<std::string> skipped_paths;
};

Result<Inventory> TakeInventory(const ZipArchive& archive) {
  Inventory inv;
  auto skip = [&inv](const std::string& path, const std::string& reason) {
    inv.skipped.push_back(path + ": " + reason);
    inv.skipped_paths.push_back(path);
  };
  for (const ZipEntry& e : archive.entries()) {
    if (e.is_directory || IsPlatformNoise(e.path)) continue;
    const std::string base = BaseName(e.path);
    const std::string ext = Extension(base);
    if (ext == ".zip") {
      skip(e.path, "nested ZIP archive, not opened (extract it and ingest it separately)");
    } else if (!LooksLikeCsvName(base)) {
      skip(e.path, "not a CSV file (" + (ext.empty() ? std::string("no extension") : ext) + ")");
    } else if (ext == ".txt") {
      DA_ASSIGN_OR_RETURN(std::string prefix, archive.ReadPrefix(e, kTxtSniffBytes));
      if (LooksDelimited(prefix, e.size > prefix.size())) inv.csv.push_back(&e);
      else skip(e.path, "not a CSV file (.txt without delimited rows)");
    } else {
      inv.csv.push_back(&e);
    }
  }
  std::sort(inv.csv.begin(), inv.csv.end(), [](const ZipEntry* a, const ZipEntry* b) { return a->path < b->path; });
  return inv;
}

Status NoCsvError(const ZipArchive& archive, const Inventory& inv) {
  std::string what;
  if (inv.skipped_paths.empty()) {
    what = "the archive holds no files";
  } else {
    what = "skipped: ";
    for (size_t i = 0; i < inv.skipped_paths.size() && i < kSkippedNamedInError; ++i)
      what += (i ? ", " : "") + inv.skipped_paths[i];
    if (inv.skipped_paths.size() > kSkippedNamedInError)
      what += " and " + std::to_string(inv.skipped_paths.size() - kSkippedNamedInError) + " more";
  }
  return Status::InvalidArgument(archive.path().string() + ": no CSV files found (" + what + ")");
}

std::set<std::string> ColumnKeys(const RowSource& source) {
  std::set<std::string> keys;
  for (const auto& label : source.header()) keys.insert(ToSqlIdentifier(label, ""));
  return keys;
}

// Files of one folder are parts of the same table when they share at least half of the
// columns of the wider one (yearly files that gained or lost a column do; customers.csv and
// orders.csv sharing only "id" do not).
bool SameTable(const std::set<std::string>& a, const std::set<std::string>& b) {
  size_t shared = 0;
  for (const auto& k : a) shared += b.count(k);
  return shared > 0 && shared * 2 >= std::max(a.size(), b.size());
}

// The common start of the stems, without trailing digits and separators:
// "sales_2023", "sales_2024" -> "sales"; "jan", "feb" -> "".
std::string CommonStem(const std::vector<ZipCsvSource*>& sources) {
  std::string prefix = Stem(BaseName(sources[0]->name()));
  for (const auto* s : sources) {
    const std::string stem = Stem(BaseName(s->name()));
    size_t n = 0;
    while (n < prefix.size() && n < stem.size() && prefix[n] == stem[n]) ++n;
    prefix.resize(n);
  }
  while (!prefix.empty() && std::string_view("0123456789_-. ").find(prefix.back()) != std::string_view::npos)
    prefix.pop_back();
  return prefix.size() >= 2 ? prefix : "";
}

// Splits one folder's files into tables. Normally the whole folder is one table named after
// it; files with unrelated columns (a folder wrapping customers.csv and orders.csv) become
// separate tables named after their files, with a warning.
std::vector<TablePlan> PlanFolder(const std::string& folder, std::vector<ZipCsvSource*> files,
                                  std::vector<std::string>* warnings) {
  std::vector<std::vector<ZipCsvSource*>> groups;
  std::vector<std::set<std::string>> seeds;
  for (ZipCsvSource* f : files) {
    std::set<std::string> keys = ColumnKeys(*f);
    size_t g = 0;
    while (g < groups.size() && !SameTable(seeds[g], keys)) ++g;
    if (g == groups.size()) {
      groups.emplace_back();
      seeds.push_back(std::move(keys));
    }
    groups[g].push_back(f);
  }
  const std::string folder_label = BaseName(folder);
  std::vector<TablePlan> plans;
  if (groups.size() == 1) {
    plans.push_back({folder + "/", folder_label, "", std::move(groups[0])});
    return plans;
  }
  std::string names;
  for (auto& g : groups) {
    TablePlan p;
    if (g.size() == 1) {
      p.origin = g[0]->name();
      p.label = Stem(BaseName(g[0]->name()));
    } else {
      p.origin = folder + "/";
      std::string common = CommonStem(g);
      p.label = common.empty() ? folder_label : common;
    }
    p.sources = std::move(g);
    names += (names.empty() ? "" : ", ") + p.label;
    plans.push_back(std::move(p));
  }
  warnings->push_back("folder '" + folder + "/' holds CSV files with unrelated columns; they became " +
                      std::to_string(plans.size()) + " tables (" + names + ") instead of one");
  return plans;
}

std::string TableNameFor(const std::string& label) {
  std::string name = ToSqlIdentifier(label, "table");
  if (name.rfind("sqlite_", 0) == 0) name = "t_" + name;  // SQLite reserves the prefix
  return name;
}

// Gives every plan a unique table name, in plan order, warning about each clash.
void AssignTableNames(std::vector<TablePlan>* plans, std::vector<std::string>* warnings) {
  std::map<std::string, std::string> taken;  // name -> origin
  for (auto& p : *plans) {
    const std::string base = TableNameFor(p.label);
    std::string name = base;
    for (int n = 2; taken.count(name); ++n) name = base + "_" + std::to_string(n);
    if (name != base) {
      warnings->push_back("'" + taken[base] + "' and '" + p.origin + "' both map to table '" + base +
                          "'; the table from '" + p.origin + "' is named '" + name + "'");
    }
    taken[name] = p.origin;
    p.name = name;
  }
}

std::vector<TablePlan> PlanTables(const std::vector<std::unique_ptr<ZipCsvSource>>& sources,
                                  std::vector<std::string>* warnings) {
  std::map<std::string, std::vector<ZipCsvSource*>> by_folder;  // sorted: root ("") first
  for (const auto& s : sources) by_folder[DirName(s->name())].push_back(s.get());
  std::vector<TablePlan> plans;
  for (auto& [folder, files] : by_folder) {
    if (folder.empty()) {
      for (ZipCsvSource* f : files) plans.push_back({f->name(), Stem(f->name()), "", {f}});
      continue;
    }
    for (auto& p : PlanFolder(folder, std::move(files), warnings)) plans.push_back(std::move(p));
  }
  AssignTableNames(&plans, warnings);
  return plans;
}

uint64_t PlanBytes(const TablePlan& plan) {
  uint64_t bytes = 0;
  for (const auto* s : plan.sources) bytes += s->byte_size();
  return bytes;
}

}  // namespace

Status IngestZip(const std::filesystem::path& path, sqlite3* db, const BuildOptions& options,
                 IngestReport* report, const ZipLimits& limits) {
  report->kind = "zip";
  DA_ASSIGN_OR_RETURN(std::unique_ptr<ZipArchive> archive, ZipArchive::Open(path, limits));
  const std::string archive_name = path.string();
  DA_ASSIGN_OR_RETURN(Inventory inv, TakeInventory(*archive));
  if (inv.csv.empty()) return NoCsvError(*archive, inv);

  // Reading every header up front catches empty or broken files before any table exists.
  ResidentEntry resident(*archive);
  std::vector<std::unique_ptr<ZipCsvSource>> sources;
  for (const ZipEntry* e : inv.csv) {
    auto source = ZipCsvSource::Open(*e, &resident);
    if (!source.ok()) return NameArchive(source.status(), archive_name, {e->path});
    sources.push_back(std::move(source).value());
  }
  std::vector<std::string> warnings;
  std::vector<TablePlan> plans = PlanTables(sources, &warnings);

  uint64_t total_bytes = 0;
  for (const auto& p : plans) total_bytes += PlanBytes(p);
  uint64_t done_before = 0;  // progress of the tables already built (both passes)
  BuildOptions table_options = options;
  if (options.progress) {
    table_options.progress = [&options, &done_before, total_bytes](uint64_t done, uint64_t) {
      options.progress(done_before + done, 2 * total_bytes);
    };
  }
  for (const auto& plan : plans) {
    std::vector<RowSource*> rows(plan.sources.begin(), plan.sources.end());
    std::vector<std::string> entry_paths;
    for (const auto* s : plan.sources) entry_paths.push_back(s->name());
    const size_t tables_before = report->tables.size();
    Status st = BuildTable(db, plan.name, rows, table_options, report);
    if (!st.ok()) return NameArchive(st, archive_name, entry_paths);
    if (report->tables.size() > tables_before) report->tables.back().label = plan.label;
    done_before += 2 * PlanBytes(plan);
  }
  for (auto& s : inv.skipped) report->skipped.push_back(std::move(s));
  for (auto& w : warnings) report->warnings.push_back(std::move(w));
  report->input_bytes = total_bytes;
  return Status::Ok();
}

}  // namespace da
