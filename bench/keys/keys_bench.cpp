// Authenticate calls/s of each KeyStore backend: what every API request pays before its handler.
//
//   bench_keys [--keys N] [--seconds S] [--threads T] [--postgres CONNINFO]
//
// N active keys (default 20) are made, then T threads (default 1, then 4) authenticate one of
// them for S seconds (default 3) each: "steady" (nobody changes the keys: the per-call check
// only), then "churn" (another store creates and revokes a key every 10 ms, so the keys are
// reloaded now and then). SQLite runs in a scratch directory; PostgreSQL only with --postgres.
#include <atomic>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <functional>
#include <string>
#include <thread>
#include <vector>

#include <unistd.h>

#include "server/api_keys.h"
#include "server/key_store_postgres.h"

namespace {

using da::server::KeyStore;
using Clock = std::chrono::steady_clock;
using Opener = std::function<da::Result<std::unique_ptr<KeyStore>>()>;

struct Options {
  int keys = 20;
  double seconds = 3;
  std::vector<int> threads = {1, 4};
  std::string postgres;
};

std::unique_ptr<KeyStore> MustOpen(const Opener& open) {
  auto store = open();
  if (!store.ok()) {
    std::fprintf(stderr, "cannot open the key store: %s\n", store.status().ToString().c_str());
    std::exit(1);
  }
  return std::move(*store);
}

// Calls/s of `threads` threads authenticating `secret` for `seconds`, while `churn` (if set) runs.
double Measure(KeyStore& store, const std::string& secret, int threads, double seconds, KeyStore* churn) {
  std::atomic<bool> stop{false};
  std::atomic<int64_t> calls{0}, failures{0};
  std::vector<std::thread> workers;
  const auto start = Clock::now();
  for (int t = 0; t < threads; ++t) {
    workers.emplace_back([&] {
      int64_t n = 0;
      while (!stop.load(std::memory_order_relaxed)) {
        if (!store.Authenticate(secret).ok()) failures.fetch_add(1);
        ++n;
      }
      calls.fetch_add(n);
    });
  }
  std::thread changer;
  if (churn) {
    changer = std::thread([&] {
      for (int i = 0; !stop.load(); ++i) {
        da::server::NewKey key;
        key.name = "churn" + std::to_string(i);
        (void)churn->Create(key);
        (void)churn->Revoke(key.name);
        std::this_thread::sleep_for(std::chrono::milliseconds(10));
      }
    });
  }
  std::this_thread::sleep_for(std::chrono::duration<double>(seconds));
  stop = true;
  for (auto& w : workers) w.join();
  if (changer.joinable()) changer.join();
  const double elapsed = std::chrono::duration<double>(Clock::now() - start).count();
  if (failures.load() > 0) std::fprintf(stderr, "  %lld failed authentications\n", (long long)failures.load());
  return static_cast<double>(calls.load()) / elapsed;
}

void Run(const char* backend, const Opener& open, const Options& o) {
  auto store = MustOpen(open);
  auto other = MustOpen(open);  // another process / server on the same keys
  std::string secret;
  for (int i = 0; i < o.keys; ++i) {
    da::server::NewKey key;
    key.name = "bench" + std::to_string(i);
    auto made = other->Create(key);
    if (!made.ok()) {
      std::fprintf(stderr, "cannot create a key: %s\n", made.status().ToString().c_str());
      std::exit(1);
    }
    if (i == o.keys / 2) secret = made->second;
  }
  for (int threads : o.threads) {
    const double steady = Measure(*store, secret, threads, o.seconds, nullptr);
    const double churn = Measure(*store, secret, threads, o.seconds, other.get());
    std::printf("%-9s %2d thread(s), %d keys: steady %9.0f auth/s (%6.1f us each)   churn %9.0f auth/s\n", backend,
                threads, o.keys, steady, 1e6 * threads / steady, churn);
    std::fflush(stdout);
  }
}

}  // namespace

int main(int argc, char** argv) {
  Options o;
  for (int i = 1; i + 1 < argc; i += 2) {
    const std::string flag = argv[i], value = argv[i + 1];
    if (flag == "--keys") o.keys = std::atoi(value.c_str());
    else if (flag == "--seconds") o.seconds = std::atof(value.c_str());
    else if (flag == "--threads") o.threads = {std::atoi(value.c_str())};
    else if (flag == "--postgres") o.postgres = value;
    else {
      std::fprintf(stderr, "usage: bench_keys [--keys N] [--seconds S] [--threads T] [--postgres CONNINFO]\n");
      return 2;
    }
  }
  const auto dir = std::filesystem::temp_directory_path() / ("bench_keys." + std::to_string(getpid()));
  Run("sqlite", [&] { return KeyStore::Open(dir); }, o);
  std::filesystem::remove_all(dir);
  if (!o.postgres.empty()) {
    da::PgLogin login;
    login.conninfo = o.postgres;
    const std::string schema = "bench_keys_" + std::to_string(getpid());
    Run("postgres", [&] { return da::server::OpenPostgresKeyStore(login, schema); }, o);
  }
  return 0;
}
