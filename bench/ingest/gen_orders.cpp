// Writes a deterministic orders CSV for the ingest benchmark: the same bytes on every machine.
//
//   bench_gen_orders OUT.csv [ROWS=1000000]
//
// Columns: order_id (int), customer_id (int), order_date (YYYY-MM-DD), ship_ts
// (YYYY-MM-DDTHH:MM), quantity (int), unit_price (2-decimal), status and region (categories),
// notes (mostly empty; otherwise quoted text with commas and sometimes doubled quotes).
// 1,000,000 rows make about 58 MB (56 MiB).
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>

namespace {

// splitmix64: tiny, fast, and identical everywhere.
class Rng {
 public:
  explicit Rng(uint64_t seed) : s_(seed) {}
  uint64_t Next() {
    uint64_t z = (s_ += 0x9E3779B97F4A7C15ull);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
    return z ^ (z >> 31);
  }
  uint32_t Below(uint32_t n) { return static_cast<uint32_t>(Next() % n); }

 private:
  uint64_t s_;
};

constexpr const char* kStatuses[] = {"new", "paid", "sent", "done", "void"};
constexpr const char* kRegions[] = {"EU", "US", "UK", "JP", "BR", "IN"};
constexpr const char* kNotes[] = {
    "\"Leave at door, ring bell\"",
    "\"Gift wrap, no invoice\"",
    "\"Customer said \"\"urgent\"\", call first\"",
    "\"Fragile, handle with care\"",
    "\"Back order, ships later\"",
    "\"Promo code \"\"SPRING\"\" applied\"",
};

int DaysInMonth(int y, int m) {
  static constexpr int kDays[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  return m == 2 && ((y % 4 == 0 && y % 100 != 0) || y % 400 == 0) ? 29 : kDays[m - 1];
}

}  // namespace

int main(int argc, char** argv) {
  if (argc < 2 || argc > 3) {
    std::fprintf(stderr, "usage: %s OUT.csv [ROWS]\n", argv[0]);
    return 2;
  }
  const long rows = argc == 3 ? std::strtol(argv[2], nullptr, 10) : 1000000;
  if (rows <= 0) {
    std::fprintf(stderr, "ROWS must be a positive number, got '%s'\n", argv[2]);
    return 2;
  }
  FILE* out = std::fopen(argv[1], "wb");
  if (!out) {
    std::perror(argv[1]);
    return 1;
  }
  Rng rng(20240601);
  std::string buf;
  buf.reserve(1 << 20);
  buf += "order_id,customer_id,order_date,ship_ts,quantity,unit_price,status,region,notes\n";
  char line[256];
  for (long i = 1; i <= rows; ++i) {
    const int year = 2021 + static_cast<int>(rng.Below(3));
    const int month = 1 + static_cast<int>(rng.Below(12));
    const int day = 1 + static_cast<int>(rng.Below(static_cast<uint32_t>(DaysInMonth(year, month))));
    const int ship_day = day < DaysInMonth(year, month) ? day + 1 : day;
    const uint32_t price_cents = 99 + rng.Below(9900);
    const uint32_t note = rng.Below(100);
    const int n = std::snprintf(
        line, sizeof line, "%ld,%u,%04d-%02d-%02d,%04d-%02d-%02dT%02u:%02u,%u,%u.%02u,%s,%s,%s\n",
        i, 1 + rng.Below(9999), year, month, day, year, month, ship_day, rng.Below(24),
        rng.Below(60), 1 + rng.Below(9), price_cents / 100, price_cents % 100,
        kStatuses[rng.Below(5)], kRegions[rng.Below(6)], note < 8 ? kNotes[note % 6] : "");
    buf.append(line, static_cast<size_t>(n));
    if (buf.size() > (1 << 20) - 256) {
      std::fwrite(buf.data(), 1, buf.size(), out);
      buf.clear();
    }
  }
  std::fwrite(buf.data(), 1, buf.size(), out);
  if (std::fclose(out) != 0) {
    std::perror(argv[1]);
    return 1;
  }
  return 0;
}
