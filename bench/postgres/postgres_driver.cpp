// What the PostgreSQL path costs, each figure as a ratio to a reference measured in the same run
// (bench/postgres/README.md):
//   guard    the same queries through OpenPostgresConnection()->Execute and through plain PQexec
//            on one open connection, interleaved: p50/p95 and guarded/raw;
//   pool     T = 1, 2, 4, 8 threads running the point query for --seconds with pool_size 8 and 2
//            (and raw libpq, one connection per thread): queries/s and the ratio to 1 thread;
//   cap      a 1M-row SELECT through the guard with max_rows 1000 against raw PQexec of it all:
//            time and peak RSS, ratios;
//   catalog  ReadPostgresCatalog of 100 small tables and of one 2M-row never-analysed table
//            against `SELECT count(*)` of the same tables.
//
//   bench_postgres --postgres CONNINFO [--seconds S] [--sections guard,pool,cap,catalog]
//                  [--no-setup]
//
// The setup (schemas pgbench, pgbench_cat100, pgbench_catbig) is dropped and made again unless
// --no-setup. Meant for a throwaway server (bench/postgres/run starts one).
#include <algorithm>
#include <atomic>
#include <cstdio>
#include <cstdlib>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "catalog/postgres_catalog.h"
#include "guard/postgres_guard.h"
#include "pg_bench_util.h"

namespace da::pgbench {
namespace {

constexpr char kSchema[] = "pgbench";
constexpr char kCat100[] = "pgbench_cat100";
constexpr char kCatBig[] = "pgbench_catbig";

struct Options {
  std::string conninfo;
  double seconds = 2;
  std::string sections = "guard,pool,cap,catalog";
  bool setup = true;
  bool Runs(const std::string& s) const { return ("," + sections + ",").find("," + s + ",") != std::string::npos; }
};

// ---- setup --------------------------------------------------------------------------------

void SetUpQueryTable(PGconn* conn) {
  const std::string s = kSchema;
  RawRun(conn, "DROP SCHEMA IF EXISTS " + s + " CASCADE; CREATE SCHEMA " + s + ";"
               "CREATE TABLE " + s + ".big (id bigint PRIMARY KEY, grp int NOT NULL, amount numeric(12,2) NOT NULL,"
               " label text NOT NULL);"
               "INSERT INTO " + s + ".big SELECT g, g % 100, (g % 10000) * 0.01, 'item ' || (g % 5000)"
               " FROM generate_series(1, 1000000) g;"
               "ANALYZE " + s + ".big;");
}

void SetUpCatalogSchemas(PGconn* conn) {
  std::string sql = "DROP SCHEMA IF EXISTS " + std::string(kCat100) + " CASCADE; CREATE SCHEMA " + kCat100 + ";";
  for (int i = 0; i < 100; ++i) {
    const std::string t = std::string(kCat100) + ".t" + std::to_string(i);
    sql += "CREATE TABLE " + t + " (id int PRIMARY KEY, grp int, qty int, price numeric(10,2), name text,"
           " city text, code text, day date, at timestamp, active boolean);"
           "INSERT INTO " + t + " SELECT g, g % 10, g % 97, g * 0.25, 'name ' || (g % 40),"
           " (ARRAY['Paris','Lyon','Oslo','Lima','Rome'])[1 + g % 5], 'C' || g, date '2024-01-01' + g % 300,"
           " timestamp '2024-01-01' + g * interval '1 hour', g % 3 = 0 FROM generate_series(1, 1000) g;";
  }
  // Autovacuum off: the table must stay never-analysed whatever the run's timing.
  const std::string big = std::string(kCatBig) + ".events";
  sql += "DROP SCHEMA IF EXISTS " + std::string(kCatBig) + " CASCADE; CREATE SCHEMA " + kCatBig + ";"
         "CREATE TABLE " + big + " (id bigint PRIMARY KEY, user_id int, kind text, amount numeric(10,2),"
         " at timestamp) WITH (autovacuum_enabled = false);"
         "INSERT INTO " + big + " SELECT g, g % 50000, (ARRAY['view','click','buy','refund'])[1 + g % 4],"
         " (g % 1000) * 0.5, timestamp '2024-01-01' + g * interval '1 second' FROM generate_series(1, 2000000) g;";
  RawRun(conn, sql);
}

// ---- guard overhead -----------------------------------------------------------------------

std::unique_ptr<QueryConnection> OpenGuarded(const Options& o, int pool_size, const std::string& app) {
  PostgresQueryTarget target;
  target.login.conninfo = o.conninfo;
  target.login.application_name = app;  // part of the pool's key: one pool per size
  target.schema = kSchema;
  target.pool_size = pool_size;
  auto conn = OpenPostgresConnection(target);
  if (!conn.ok()) Fail("OpenPostgresConnection", conn.status());
  return std::move(*conn);
}

int64_t Guarded(QueryConnection& conn, const std::string& sql, int64_t max_rows) {
  GuardLimits limits;
  limits.max_rows = max_rows;
  auto r = conn.Execute(sql, limits);
  if (!r.ok()) Fail("guarded query " + sql, r.status());
  return static_cast<int64_t>(r->rows.size());
}

struct QueryCase {
  const char* name;
  std::string sql;
  int runs;
  int64_t rows;  // expected, checked on both paths
  // Raw runs without parallel workers, as the guard's cursor always does (PostgreSQL never
  // plans a parallel query for a cursor): tells the cursor's cost from the lost parallelism.
  bool raw_serial = false;
  int64_t max_rows = 1000;  // the guard's default cap
};

void GuardSection(const Options& o) {
  auto guarded = OpenGuarded(o, 8, "da-bench-guard");
  PgConn raw = RawConnect(o.conninfo);
  RawRun(raw.get(), std::string("SET search_path = ") + kSchema);
  const std::vector<QueryCase> cases = {
      {"point lookup", "SELECT id, grp, amount, label FROM big WHERE id = 123457", 2000, 1},
      {"  max_rows 10k", "SELECT id, grp, amount, label FROM big WHERE id = 123457", 2000, 1, false, 10000},
      {"1,000-row scan", "SELECT id, grp, amount, label FROM big WHERE id BETWEEN 500001 AND 501000", 300, 1000},
      {"aggregate 1M", "SELECT grp, count(*), sum(amount) FROM big GROUP BY grp", 15, 100},
      {"  raw serial", "SELECT grp, count(*), sum(amount) FROM big GROUP BY grp", 15, 100, true},
  };
  std::printf("\n== guard overhead: OpenPostgresConnection()->Execute (max_rows 1,000) vs PQexec on one open\n"
              "   connection (every cell read); in interleaved blocks, after 3 warm-up runs each\n");
  std::printf("%-15s %5s %11s %8s %9s %8s %13s %8s\n", "query", "runs", "guarded p50", "p95 ms", "raw p50",
              "p95 ms", "guarded/raw", "p95");
  for (const auto& c : cases) {
    RawRun(raw.get(), c.raw_serial ? "SET max_parallel_workers_per_gather = 0"
                                   : "RESET max_parallel_workers_per_gather");
    for (int i = 0; i < 3; ++i) {
      Guarded(*guarded, c.sql, c.max_rows);
      RawQuery(raw.get(), c.sql);
    }
    // Interleaved in blocks of runs/100: alternating every query would make each path wait for
    // its sleeping backend to be woken up, a cost neither pays when it runs back to back.
    std::vector<double> g, r;
    const int block = std::max(1, c.runs / 100);
    for (int i = 0; i < c.runs; i += block) {
      for (int k = 0; k < block; ++k) {
        const auto start = Clock::now();
        if (Guarded(*guarded, c.sql, c.max_rows) != c.rows) Fail(c.name, "guarded row count differs");
        g.push_back(MsSince(start));
      }
      for (int k = 0; k < block; ++k) {
        const auto start = Clock::now();
        if (RawQuery(raw.get(), c.sql) != c.rows) Fail(c.name, "raw row count differs");
        r.push_back(MsSince(start));
      }
    }
    const double gp50 = Percentile(g, .5), gp95 = Percentile(g, .95), rp50 = Percentile(r, .5),
                 rp95 = Percentile(r, .95);
    std::printf("%-15s %5d %11.3f %8.3f %9.3f %8.3f %13.2f %8.2f\n", c.name, c.runs, gp50, gp95, rp50, rp95,
                gp50 / rp50, gp95 / rp95);
    std::fflush(stdout);
  }
  std::printf("(raw serial: the aggregate again, raw without parallel workers, as a cursor always runs)\n");
}

// ---- pool under concurrency ---------------------------------------------------------------

// Queries run and time spent by one configuration, summed over rounds.
struct Throughput {
  std::vector<double> latencies;  // ms per query, all threads, all rounds
  double seconds = 0;
  double qps() const { return seconds > 0 ? static_cast<double>(latencies.size()) / seconds : 0; }
};

// `threads` workers, each calling `query` (made per worker by `make_worker`) for `seconds`,
// started together after one untimed call each (so connections are open before timing).
template <typename MakeWorker>
void RunThreads(int threads, double seconds, MakeWorker make_worker, Throughput* out) {
  std::atomic<int> ready{0};
  std::atomic<bool> go{false}, stop{false};
  std::vector<std::vector<double>> latencies(threads);
  std::vector<std::thread> workers;
  for (int t = 0; t < threads; ++t) {
    workers.emplace_back([&, t] {
      auto query = make_worker();
      query();
      ready.fetch_add(1);
      while (!go.load()) std::this_thread::yield();
      while (!stop.load(std::memory_order_relaxed)) {
        const auto start = Clock::now();
        query();
        latencies[t].push_back(MsSince(start));
      }
    });
  }
  while (ready.load() < threads) std::this_thread::sleep_for(std::chrono::milliseconds(1));
  const auto start = Clock::now();
  go = true;
  std::this_thread::sleep_for(std::chrono::duration<double>(seconds));
  stop = true;
  for (auto& w : workers) w.join();
  out->seconds += MsSince(start) / 1000;
  for (auto& l : latencies) out->latencies.insert(out->latencies.end(), l.begin(), l.end());
}

// The configurations run in kPoolRounds interleaved rounds of seconds/kPoolRounds each, so a slow
// spell of the (shared, noisy) machine is spread over all of them instead of hitting one.
constexpr int kPoolRounds = 4;

void PoolSection(const Options& o) {
  const std::string sql = "SELECT id, grp, amount, label FROM big WHERE id = 123457";
  std::printf("\n== pool under concurrency: the point lookup, %.1f s per row in %d interleaved rounds; each thread\n"
              "   its own QueryConnection (pool shared per target) or, for raw, its own libpq connection; %u cores\n",
              o.seconds, kPoolRounds, std::thread::hardware_concurrency());
  struct Path {
    std::string name;
    int pool_size;  // 0: raw libpq
  };
  const std::vector<Path> paths = {{"guarded, pool 8", 8}, {"guarded, pool 2", 2}, {"raw libpq", 0}};
  const std::vector<int> thread_counts = {1, 2, 4, 8};
  std::vector<Throughput> results(paths.size() * thread_counts.size());
  for (int round = 0; round < kPoolRounds; ++round) {
    for (size_t p = 0; p < paths.size(); ++p) {
      for (size_t n = 0; n < thread_counts.size(); ++n) {
        Throughput* out = &results[p * thread_counts.size() + n];
        const double seconds = o.seconds / kPoolRounds;
        if (paths[p].pool_size > 0) {
          const int size = paths[p].pool_size;
          const std::string app = "da-bench-pool" + std::to_string(size);
          RunThreads(thread_counts[n], seconds, [&] {
            std::shared_ptr<QueryConnection> conn = OpenGuarded(o, size, app);
            return [conn, &sql] { Guarded(*conn, sql, 1000); };
          }, out);
        } else {
          RunThreads(thread_counts[n], seconds, [&] {
            std::shared_ptr<PGconn> conn(RawConnect(o.conninfo).release(), PQfinish);
            RawRun(conn.get(), std::string("SET search_path = ") + kSchema);
            return [conn, &sql] { RawQuery(conn.get(), sql); };
          }, out);
        }
      }
    }
  }
  std::printf("%-17s %7s %10s %9s %9s %10s\n", "path", "threads", "queries/s", "p50 ms", "p95 ms", "/1 thread");
  for (size_t p = 0; p < paths.size(); ++p) {
    const double one = results[p * thread_counts.size()].qps();
    for (size_t n = 0; n < thread_counts.size(); ++n) {
      const Throughput& t = results[p * thread_counts.size() + n];
      std::printf("%-17s %7d %10.0f %9.3f %9.3f %10.2f\n", paths[p].name.c_str(), thread_counts[n], t.qps(),
                  Percentile(t.latencies, .5), Percentile(t.latencies, .95), t.qps() / one);
    }
  }
  std::fflush(stdout);
}

// ---- row cap ------------------------------------------------------------------------------

struct CapRun {
  double ms = 0;
  double peak_mb = 0;  // peak RSS above the RSS before the run
  int64_t rows = 0;
};

template <typename Fn>
CapRun MeasureCap(Fn fn) {
  TrimHeap();
  const bool reset = ResetPeakRss();
  const int64_t before = RssBytes();
  const auto start = Clock::now();
  CapRun run;
  run.rows = fn();
  run.ms = MsSince(start);
  run.peak_mb = reset ? Mb(PeakRssBytes() - before) : -1;
  return run;
}

void CapSection(const Options& o) {
  const std::string sql = "SELECT id, grp, amount, label FROM big";
  auto guarded = OpenGuarded(o, 8, "da-bench-cap");
  PgConn raw = RawConnect(o.conninfo);
  RawRun(raw.get(), std::string("SET search_path = ") + kSchema);
  Guarded(*guarded, "SELECT 1", 1);  // the pool's connection is open before timing
  std::vector<CapRun> g, r;
  for (int i = 0; i < 3; ++i) {
    g.push_back(MeasureCap([&] { return Guarded(*guarded, sql, 1000); }));
    r.push_back(MeasureCap([&] { return RawQuery(raw.get(), sql); }));
    TrimHeap();
  }
  auto median = [](std::vector<CapRun> runs, double CapRun::*field) {
    std::vector<double> v;
    for (const auto& run : runs) v.push_back(run.*field);
    return Percentile(v, .5);
  };
  const double gms = median(g, &CapRun::ms), rms = median(r, &CapRun::ms);
  const double gmb = median(g, &CapRun::peak_mb), rmb = median(r, &CapRun::peak_mb);
  std::printf("\n== row cap: \"%s\" (1,000,000 rows), median of 3 runs each\n", sql.c_str());
  std::printf("%-28s %9s %10s %14s\n", "path", "rows", "ms", "peak RSS +MB");
  std::printf("%-28s %9lld %10.1f %14.1f\n", "guarded, max_rows 1000", (long long)g[0].rows, gms, gmb);
  std::printf("%-28s %9lld %10.1f %14.1f\n", "raw PQexec, every row", (long long)r[0].rows, rms, rmb);
  std::printf("%-28s %9s %10.4f %14.4f\n", "guarded/raw", "", gms / rms, rmb > 0 ? gmb / rmb : 0.0);
  if (gmb < 0) std::printf("(peak RSS not measured: /proc/self/clear_refs refused)\n");
}

// ---- catalog ------------------------------------------------------------------------------

// Median ms of 3 calls of fn.
template <typename Fn>
double Median3(Fn fn) {
  std::vector<double> ms;
  for (int i = 0; i < 3; ++i) {
    const auto start = Clock::now();
    fn();
    ms.push_back(MsSince(start));
  }
  return Percentile(ms, .5);
}

void CatalogSection(const Options& o) {
  PgLogin login;
  login.conninfo = o.conninfo;
  auto client = PgClient::Connect(login);
  if (!client.ok()) Fail("PgClient::Connect", client.status());
  PgConn raw = RawConnect(o.conninfo);
  std::printf("\n== catalog: ReadPostgresCatalog (with the value index) vs SELECT count(*) of each table;\n"
              "   median of 3 runs each\n");
  std::printf("%-34s %7s %12s %10s %9s %9s\n", "schema", "tables", "catalog ms", "count ms", "ratio", "warnings");
  struct Case {
    const char* label;
    const char* schema;
    std::vector<std::string> tables;
  };
  Case hundred{"100 tables x 10 cols x 1,000 rows", kCat100, {}};
  for (int i = 0; i < 100; ++i) hundred.tables.push_back("t" + std::to_string(i));
  Case big{"1 table, 2M rows, never analysed", kCatBig, {"events"}};
  for (const Case& c : {hundred, big}) {
    size_t warnings = 0, tables = 0;
    const double catalog_ms = Median3([&] {
      PostgresCatalogOptions options;
      options.dataset = c.schema;
      options.schema = c.schema;
      ValueIndexBuilder values;
      auto read = ReadPostgresCatalog(*client, options, &values);
      if (!read.ok()) Fail("ReadPostgresCatalog", read.status());
      warnings = read->warnings.size();
      tables = read->catalog.tables.size();
      std::move(values).Finish();
    });
    const double count_ms = Median3([&] {
      for (const auto& t : c.tables) RawQuery(raw.get(), "SELECT count(*) FROM " + std::string(c.schema) + "." + t);
    });
    std::printf("%-34s %7zu %12.1f %10.1f %9.2f %9zu\n", c.label, tables, catalog_ms, count_ms,
                catalog_ms / count_ms, warnings);
    std::fflush(stdout);
  }
}

Options ParseArgs(int argc, char** argv) {
  Options o;
  for (int i = 1; i < argc; ++i) {
    const std::string flag = argv[i];
    if (flag == "--no-setup") {
      o.setup = false;
    } else if (i + 1 < argc && flag == "--postgres") {
      o.conninfo = argv[++i];
    } else if (i + 1 < argc && flag == "--seconds") {
      o.seconds = std::atof(argv[++i]);
    } else if (i + 1 < argc && flag == "--sections") {
      o.sections = argv[++i];
    } else {
      o.conninfo.clear();
      break;
    }
  }
  if (o.conninfo.empty() || o.seconds <= 0) {
    std::fprintf(stderr, "usage: bench_postgres --postgres CONNINFO [--seconds S] "
                         "[--sections guard,pool,cap,catalog] [--no-setup]\n");
    std::exit(2);
  }
  return o;
}

int Run(int argc, char** argv) {
  const Options o = ParseArgs(argc, argv);
  if (o.setup) {
    PgConn setup = RawConnect(o.conninfo);
    RawRun(setup.get(), "SET client_min_messages = warning");
    auto start = Clock::now();
    SetUpQueryTable(setup.get());
    if (o.Runs("catalog")) SetUpCatalogSchemas(setup.get());
    std::printf("setup: 1M-row table%s in %.1f s\n", o.Runs("catalog") ? ", 100 tables and a 2M-row table" : "",
                MsSince(start) / 1000);
  }
  if (o.Runs("guard")) GuardSection(o);
  if (o.Runs("pool")) PoolSection(o);
  if (o.Runs("cap")) CapSection(o);
  if (o.Runs("catalog")) CatalogSection(o);
  return 0;
}

}  // namespace
}  // namespace da::pgbench

int main(int argc, char** argv) { return da::pgbench::Run(argc, argv); }
