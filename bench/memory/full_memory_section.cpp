// The whole Memory at scale: options.entries approved examples (distinct analyst questions
// with their SQL) over a generated SQLite database of four tables, so that question keys link
// to real tables, columns and data values as they do for a real dataset.
//
// Build: Memory::AddExamples with every example (one call: keys, validation, one store
// transaction, then embedding and indexing). Then, in a trimmed heap, the memory is opened
// again (the saved index is loaded) to measure open time and the memory it keeps, lookups are
// timed, and it is opened once more without its index file to time the rebuild from the store.
//
// Lookups asked (each set warmed up, then timed one by one):
//   exact       stored questions typed again (capitalised, with "?"): the exact fast path;
//   paraphrase  stored questions reworded ("sum of" for "total", "per" for "by", "mean" for
//               "average"...) and, where they have a number, with a number no entry has: the
//               semantic path (embedding, index search, signature check, re-parameterisation);
//   miss        stored questions with a qualifier no entry has: near in embedding space, other
//               signature, so every candidate is fetched and refused (the costliest miss).
#include <algorithm>
#include <cstdio>
#include <memory>
#include <set>
#include <string>
#include <unordered_set>
#include <vector>

#include "bench_common.h"
#include "catalog/profiler.h"
#include "catalog/value_index.h"
#include "common/sqlite.h"
#include "memory/memory.h"
#include "memory/text_embedder.h"

namespace da::bench {
namespace {

// ---- the generated database ----

struct Dimension {
  const char* column;
  std::vector<const char*> values;
};

struct Table {
  const char* name;
  const char* rows;  // what one row is, plural ("orders")
  const char* date;
  std::vector<const char*> measures;
  std::vector<Dimension> dims;
};

const std::vector<Table>& Tables() {
  static const std::vector<Table> tables = {
      {"orders", "orders", "order_date", {"amount", "quantity", "discount", "profit"},
       {{"region", {"North", "South", "East", "West", "Central"}},
        {"channel", {"Online", "Retail", "Wholesale", "Partner"}},
        {"category", {"Furniture", "Technology", "Office Supplies", "Appliances"}},
        {"segment", {"Consumer", "Corporate", "Home Office", "Small Business"}}}},
      {"employees", "employees", "hire_date", {"salary", "bonus", "tenure", "overtime"},
       {{"department", {"Marketing", "Finance", "Engineering", "Support", "Legal"}},
        {"title", {"Analyst", "Manager", "Director", "Engineer", "Associate"}},
        {"office", {"London", "Paris", "Berlin", "Madrid", "Chicago", "Toronto"}},
        {"contract", {"Permanent", "Temporary", "Contractor"}}}},
      {"expenses", "expenses", "expense_date", {"cost", "tax", "refund", "mileage"},
       {{"team", {"Platform", "Growth", "Operations", "Research"}},
        {"expense_type", {"Travel", "Meals", "Software", "Hardware", "Training"}},
        {"vendor", {"Acme", "Globex", "Initech", "Umbrella", "Hooli"}},
        {"payment_method", {"Card", "Invoice", "Cash", "Transfer"}}}},
      {"shipments", "shipments", "ship_date", {"weight", "freight", "delay_days", "packages"},
       {{"warehouse", {"Dallas", "Denver", "Atlanta", "Seattle", "Boston"}},
        {"carrier", {"FedEx", "UPS", "DHL", "USPS"}},
        {"destination", {"Mexico", "Canada", "Brazil", "Japan", "Germany"}},
        {"mode", {"Air", "Ground", "Sea", "Rail"}}}},
  };
  return tables;
}

constexpr int kRowsPerTable = 400;
constexpr int kFirstYear = 2015, kYears = 10;

// CREATE and INSERT statements for every table, rows from a fixed seed.
std::string DatabaseScript() {
  Rng rng(7);
  std::string sql;
  for (const Table& t : Tables()) {
    sql += std::string("CREATE TABLE ") + t.name + " (id INTEGER PRIMARY KEY";
    for (const auto& d : t.dims) sql += std::string(", ") + d.column + " TEXT";
    sql += std::string(", ") + t.date + " DATE";
    for (const char* m : t.measures) sql += std::string(", ") + m + " REAL";
    sql += ");\n";
    for (int r = 0; r < kRowsPerTable; ++r) {
      sql += std::string("INSERT INTO ") + t.name + " VALUES (" + std::to_string(r + 1);
      for (const auto& d : t.dims) sql += std::string(", '") + rng.Pick(d.values) + "'";
      char date[16];
      std::snprintf(date, sizeof date, "%04d-%02d-%02d", kFirstYear + static_cast<int>(rng.Below(kYears)),
                    1 + static_cast<int>(rng.Below(12)), 1 + static_cast<int>(rng.Below(28)));
      sql += std::string(", '") + date + "'";
      for (size_t m = 0; m < t.measures.size(); ++m) sql += ", " + std::to_string(rng.Below(2000) + 1);
      sql += ");\n";
    }
  }
  return sql;
}

// ---- questions ----

enum class Pattern { kByGroup, kTop, kBottom, kOverall, kHaving, kCountOver, kMonthly, kHighest, kLowest };
constexpr int kPatterns = 9;

struct Aggregate {
  const char* word;  // as stored
  const char* alt;   // as paraphrased
  const char* sql;
};
const Aggregate kAggregates[] = {
    {"total", "sum of", "SUM"}, {"average", "mean", "AVG"}, {"maximum", "max", "MAX"}, {"minimum", "min", "MIN"}};

enum class FilterKind { kNone, kYear, kValue, kSince, kYearValue };
constexpr int kFilterKinds = 5;

// One question's parts: what is rendered into its words and its SQL.
struct Spec {
  Pattern pattern = Pattern::kByGroup;
  size_t table = 0, measure = 0, dim = 0, agg = 0;
  int number = 0;  // top/bottom n, or the threshold
  FilterKind filter = FilterKind::kNone;
  size_t filter_dim = 0, filter_value = 0;
  int year = 0;
};

enum class Wording { kStored, kParaphrase, kMiss };

std::string Words(const char* column) {
  std::string out = column;
  std::replace(out.begin(), out.end(), '_', ' ');
  return out;
}

std::string Plural(const std::string& noun) {
  if (noun.ends_with("s")) return noun;
  if (noun.ends_with("y")) return noun.substr(0, noun.size() - 1) + "ies";
  return noun + "s";
}

Spec RandomSpec(Rng& rng) {
  Spec s;
  s.pattern = static_cast<Pattern>(rng.Below(kPatterns));
  s.table = rng.Below(Tables().size());
  const Table& t = Tables()[s.table];
  s.measure = rng.Below(t.measures.size());
  s.dim = rng.Below(t.dims.size());
  s.agg = rng.Below(std::size(kAggregates));
  const bool limit = s.pattern == Pattern::kTop || s.pattern == Pattern::kBottom;
  s.number = limit ? 2 + static_cast<int>(rng.Below(49)) : 10 * (1 + static_cast<int>(rng.Below(150)));
  s.filter = static_cast<FilterKind>(rng.Below(kFilterKinds));
  s.filter_dim = (s.dim + 1 + rng.Below(t.dims.size() - 1)) % t.dims.size();  // never the grouping one
  s.filter_value = rng.Below(t.dims[s.filter_dim].values.size());
  s.year = kFirstYear + static_cast<int>(rng.Below(kYears));
  return s;
}

std::string FilterWords(const Spec& s) {
  const Dimension& d = Tables()[s.table].dims[s.filter_dim];
  const std::string year = std::to_string(s.year), value = d.values[s.filter_value];
  switch (s.filter) {
    case FilterKind::kNone: return "";
    case FilterKind::kYear: return " in " + year;
    case FilterKind::kValue: return " for " + value;
    case FilterKind::kSince: return " since " + year;
    case FilterKind::kYearValue: return " in " + year + " for " + value;
  }
  return "";
}

// The conditions of the filter, joined with AND ("" when none).
std::string FilterSql(const Spec& s) {
  const Table& t = Tables()[s.table];
  const Dimension& d = t.dims[s.filter_dim];
  const std::string year = "strftime('%Y', " + std::string(t.date) + ") = '" + std::to_string(s.year) + "'";
  const std::string value = std::string(d.column) + " = '" + d.values[s.filter_value] + "'";
  switch (s.filter) {
    case FilterKind::kNone: return "";
    case FilterKind::kYear: return year;
    case FilterKind::kValue: return value;
    case FilterKind::kSince: return std::string(t.date) + " >= '" + std::to_string(s.year) + "-01-01'";
    case FilterKind::kYearValue: return year + " AND " + value;
  }
  return "";
}

std::string Render(const Spec& s, Wording wording) {
  const Table& t = Tables()[s.table];
  const bool para = wording == Wording::kParaphrase;
  const std::string agg = para ? kAggregates[s.agg].alt : kAggregates[s.agg].word;
  const std::string m = Words(t.measures[s.measure]), d = Words(t.dims[s.dim].column);
  const std::string by = para ? " per " : " by ";
  const std::string n = std::to_string(s.number);
  std::string q;
  switch (s.pattern) {
    case Pattern::kByGroup: q = agg + " " + m + by + d; break;
    case Pattern::kTop: q = "top " + n + " " + Plural(d) + by + agg + " " + m; break;
    case Pattern::kBottom: q = "bottom " + n + " " + Plural(d) + by + agg + " " + m; break;
    case Pattern::kOverall: q = agg + " " + m; break;
    case Pattern::kHaving: q = Plural(d) + " with " + agg + " " + m + (para ? " above " : " over ") + n; break;
    case Pattern::kCountOver:
      q = std::string(para ? "count of " : "number of ") + t.rows + " with " + m + (para ? " above " : " over ") + n;
      break;
    case Pattern::kMonthly: q = "monthly " + agg + " " + m; break;
    case Pattern::kHighest: q = std::string(para ? "what " : "which ") + d + " has the highest " + agg + " " + m; break;
    case Pattern::kLowest: q = std::string(para ? "what " : "which ") + d + " has the lowest " + agg + " " + m; break;
  }
  q += FilterWords(s);
  if (wording == Wording::kMiss) q += " for returning customers";
  return q;
}

std::string Sql(const Spec& s) {
  const Table& t = Tables()[s.table];
  const std::string agg = std::string(kAggregates[s.agg].sql) + "(" + t.measures[s.measure] + ")";
  const std::string d = t.dims[s.dim].column, from = std::string(" FROM ") + t.name;
  const std::string filter = FilterSql(s), where = filter.empty() ? "" : " WHERE " + filter;
  const std::string grouped = "SELECT " + d + ", " + agg + " AS value" + from + where + " GROUP BY " + d;
  const std::string n = std::to_string(s.number);
  switch (s.pattern) {
    case Pattern::kByGroup: return grouped;
    case Pattern::kTop: return grouped + " ORDER BY value DESC LIMIT " + n;
    case Pattern::kBottom: return grouped + " ORDER BY value ASC LIMIT " + n;
    case Pattern::kOverall: return "SELECT " + agg + from + where;
    case Pattern::kHaving: return "SELECT " + d + from + where + " GROUP BY " + d + " HAVING " + agg + " > " + n;
    case Pattern::kCountOver:
      return "SELECT COUNT(*)" + from + " WHERE " + t.measures[s.measure] + " > " + n +
             (filter.empty() ? "" : " AND " + filter);
    case Pattern::kMonthly:
      return "SELECT strftime('%m', " + std::string(t.date) + ") AS month, " + agg + from + where +
             " GROUP BY month ORDER BY month";
    case Pattern::kHighest: return grouped + " ORDER BY value DESC LIMIT 1";
    case Pattern::kLowest: return grouped + " ORDER BY value ASC LIMIT 1";
  }
  return "";
}

// What two questions differing only in their numbers, years and values share.
std::string Shape(const Spec& s) {
  return std::to_string(static_cast<int>(s.pattern)) + "/" + std::to_string(s.table) + "/" + std::to_string(s.measure) +
         "/" + std::to_string(s.dim) + "/" + std::to_string(s.agg) + "/" + std::to_string(static_cast<int>(s.filter)) +
         "/" + std::to_string(s.filter_dim);
}

// `n` distinct questions' specs.
std::vector<Spec> GenerateSpecs(size_t n) {
  Rng rng(11);
  std::unordered_set<std::string> seen;
  std::vector<Spec> out;
  while (out.size() < n) {
    Spec s = RandomSpec(rng);
    if (seen.insert(Render(s, Wording::kStored)).second) out.push_back(s);
  }
  return out;
}

// ---- the memory under test ----

struct BenchDb {
  SqliteDb db;
  std::unique_ptr<Catalog> catalog;
  std::unique_ptr<ValueIndex> values;
};

BenchDb BuildDataset(const std::filesystem::path& path) {
  BenchDb out;
  auto db = OpenSqlite(path, OpenMode::kReadWriteCreate);
  if (!db.ok()) Fail("open the database", db.status());
  out.db = std::move(*db);
  if (Status st = ExecSql(out.db.get(), "BEGIN;\n" + DatabaseScript() + "COMMIT;"); !st.ok()) Fail("fill the database", st);
  ProfileOptions profile;
  profile.dataset = "bench";
  auto catalog = ProfileDatabase(out.db.get(), profile);
  if (!catalog.ok()) Fail("profile", catalog.status());
  out.catalog = std::make_unique<Catalog>(std::move(*catalog));
  auto values = ValueIndex::Build(out.db.get(), *out.catalog);
  if (!values.ok()) Fail("value index", values.status());
  out.values = std::make_unique<ValueIndex>(std::move(*values));
  return out;
}

// The store at `dir`/memory.db and a memory over it.
struct Opened {
  std::unique_ptr<memory::MemoryStore> store;
  std::unique_ptr<memory::Memory> memory;
  double ms = 0;  // Memory::Open
  void Close() {
    memory.reset();
    store.reset();
  }
};

Opened OpenMemory(const BenchDb& dataset, const std::filesystem::path& dir, memory::TextEmbedder& embedder) {
  Opened out;
  auto store = memory::OpenSqliteMemoryStore((dir / "memory.db").string());
  if (!store.ok()) Fail("open the store", store.status());
  out.store = std::move(*store);
  memory::DatasetView view;
  view.name = "bench";
  view.catalog = dataset.catalog.get();
  view.values = dataset.values.get();
  view.data_version = 1;
  sqlite3* db = dataset.db.get();
  view.validate = [db](std::string_view sql) { return PrepareSql(db, sql).status(); };
  memory::MemoryOptions options;
  options.index_dir = dir / "index";
  const auto start = Clock::now();
  auto opened = memory::Memory::Open(*out.store, std::move(view), embedder, options);
  out.ms = MsSince(start);
  if (!opened.ok()) Fail("open the memory", opened.status());
  out.memory = std::move(*opened);
  return out;
}

std::filesystem::path IndexFile(const std::filesystem::path& dir) {
  std::error_code ec;
  for (const auto& f : std::filesystem::directory_iterator(dir / "index", ec)) {
    if (f.path().extension() == ".hnsw") return f.path();
  }
  return {};
}

// ---- lookups ----

struct LookupSet {
  const char* name = "";
  std::vector<std::string> questions;
  size_t hits = 0, exact = 0, reparameterised = 0;
  std::vector<double> ms;  // every lookup
};

void TimeLookups(memory::Memory& m, LookupSet& set) {
  const size_t warm = std::min<size_t>(50, set.questions.size());
  for (size_t i = 0; i < warm; ++i) (void)m.Lookup(set.questions[i]);
  for (const std::string& q : set.questions) {
    const auto start = Clock::now();
    auto hit = m.Lookup(q);
    set.ms.push_back(MsSince(start));
    if (!hit.ok()) Fail("lookup", hit.status());
    if (!hit->has_value()) continue;
    ++set.hits;
    set.exact += (*hit)->exact;
    set.reparameterised += (*hit)->reparameterised;
  }
}

std::vector<LookupSet> LookupSets(const std::vector<Spec>& specs, size_t count) {
  Rng rng(5);
  std::vector<LookupSet> sets(3);
  sets[0].name = "exact (same question)", sets[1].name = "paraphrase (semantic)", sets[2].name = "miss";
  for (size_t i = 0; i < count; ++i) {
    const Spec& stored = specs[rng.Below(specs.size())];
    std::string exact = Render(stored, Wording::kStored);
    exact[0] = static_cast<char>(std::toupper(static_cast<unsigned char>(exact[0])));
    sets[0].questions.push_back(exact + "?");
    Spec changed = stored;  // a number no entry has: served only re-parameterised
    const bool limit = stored.pattern == Pattern::kTop || stored.pattern == Pattern::kBottom;
    if (limit) changed.number = 51 + static_cast<int>(rng.Below(49));
    if (stored.pattern == Pattern::kHaving || stored.pattern == Pattern::kCountOver) changed.number += 5;
    sets[1].questions.push_back(Render(changed, Wording::kParaphrase));
    sets[2].questions.push_back(Render(specs[rng.Below(specs.size())], Wording::kMiss));
  }
  return sets;
}

void PrintLookups(const std::vector<LookupSet>& sets) {
  std::printf("%-24s %6s %6s %6s %7s %8s %8s %8s %8s %6s\n", "lookup", "asked", "hits", "exact", "reparam", "p50 ms",
              "p95 ms", "p99 ms", "max ms", ">1 ms");
  for (const LookupSet& s : sets) {
    const auto slow = std::count_if(s.ms.begin(), s.ms.end(), [](double ms) { return ms > kTargetLookupMs; });
    std::printf("%-24s %6zu %6zu %6zu %7zu %8.3f %8.3f %8.3f %8.3f %6td\n", s.name, s.questions.size(), s.hits,
                s.exact, s.reparameterised, Percentile(s.ms, 0.5), Percentile(s.ms, 0.95), Percentile(s.ms, 0.99),
                Percentile(s.ms, 1.0), slow);
  }
}

}  // namespace

void FullMemorySection(const Options& options) {
  const size_t n = options.entries;
  std::printf("== full Memory: %zu approved examples (SQLite store, built-in embedder, hnswlib index) ==\n", n);
  const std::filesystem::path dir = options.dir / "full-memory";
  std::filesystem::remove_all(dir);
  std::filesystem::create_directories(dir);
  const BenchDb dataset = BuildDataset(dir / "data.sqlite");
  const std::vector<Spec> specs = GenerateSpecs(n);
  std::set<std::string> shapes;
  for (const Spec& s : specs) shapes.insert(Shape(s));
  std::printf("dataset          %zu tables x %d rows; %zu distinct questions of %zu shapes, e.g. \"%s\"\n",
              Tables().size(), kRowsPerTable, specs.size(), shapes.size(), Render(specs[0], Wording::kStored).c_str());
  memory::TextEmbedder embedder;
  {
    std::vector<memory::Example> examples;
    for (const Spec& s : specs) examples.push_back({0, Render(s, Wording::kStored), Sql(s), "", 0});
    Opened empty = OpenMemory(dataset, dir, embedder);
    const auto start = Clock::now();
    if (Status st = empty.memory->AddExamples(examples, {}, "import"); !st.ok()) Fail("AddExamples", st);
    const double seconds = MsSince(start) / 1000;
    std::printf("build            Memory::AddExamples: %zu in %.1f s (%.0f examples/s: key, validate, insert in one "
                "transaction, embed, index, save)\n",
                n, seconds, static_cast<double>(n) / seconds);
  }  // closed: the store checkpoints its log
  const auto index_file = IndexFile(dir);
  std::printf("files            memory.db %.1f MB (%.0f bytes/entry), index %.1f MB (%.0f bytes/entry)\n",
              Mb(FileBytes(dir / "memory.db")), static_cast<double>(FileBytes(dir / "memory.db")) / n,
              Mb(FileBytes(index_file)), static_cast<double>(FileBytes(index_file)) / n);

  TrimHeap();
  const bool peak_ok = ResetPeakRss();
  const int64_t rss_before = RssBytes();
  Opened opened = OpenMemory(dataset, dir, embedder);
  const int64_t peak = PeakRssBytes();
  TrimHeap();
  const int64_t kept = RssBytes() - rss_before;
  const double per_100k = 100000.0 / static_cast<double>(n);
  std::printf("open             %.0f ms (saved index loaded%s)\n", opened.ms,
              opened.memory->open_report().index_rebuilt ? "; REBUILT instead" : "");
  std::printf("memory           RSS +%.1f MB kept after open = %.1f MB per 100,000 entries", Mb(kept), Mb(kept) * per_100k);
  if (peak_ok) std::printf(" (peak during open +%.1f MB)", Mb(peak - rss_before));
  std::printf("\n");

  std::vector<LookupSet> sets = LookupSets(specs, options.queries);
  for (LookupSet& set : sets) TimeLookups(*opened.memory, set);
  PrintLookups(sets);
  opened.Close();

  std::filesystem::remove(index_file);
  Opened rebuilt = OpenMemory(dataset, dir, embedder);
  std::printf("rebuild          %.1f s to open without the index file (vectors read from the store, index rebuilt "
              "and saved: %s)\n",
              rebuilt.ms / 1000, rebuilt.memory->open_report().index_rebuilt ? "yes" : "NO");
  rebuilt.Close();

  double worst = 0;
  for (const LookupSet& s : sets) worst = std::max(worst, Percentile(s.ms, 0.5));
  std::printf("verdict          Memory::Lookup p50 <= %.3f ms (worst of exact, paraphrase, miss) with %zu entries: %s "
              "(target < %.0f ms)\n\n",
              worst, n, worst < kTargetLookupMs ? "PASS" : "FAIL", kTargetLookupMs);
  std::filesystem::remove_all(dir);
}

}  // namespace da::bench
