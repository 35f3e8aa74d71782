#include "server/rate_limiter.h"

#include <algorithm>

namespace da::server {

namespace {

using std::chrono::nanoseconds;

constexpr int64_t kMinuteNs = 60'000'000'000;
constexpr int64_t kSecondNs = 1'000'000'000;
// Buckets that are full again carry no state; they are dropped once the map grows this big.
constexpr size_t kPruneAbove = 10'000;

}  // namespace

RateLimiter::Decision RateLimiter::Take(int64_t key_id, int per_minute, Clock::time_point now) {
  if (per_minute <= 0) return {};
  // One request "costs" `interval` of the bucket's minute; the bucket is full when its next
  // arrival time is at or before now and holds `per_minute` of them (interval * per_minute,
  // within a nanosecond per request of a minute).
  const int64_t interval = kMinuteNs / per_minute;
  const nanoseconds capacity(interval * per_minute);
  std::lock_guard lock(mu_);
  auto [it, inserted] = next_.try_emplace(key_id, now);
  const Clock::time_point next = std::max(it->second, now) + nanoseconds(interval);
  const nanoseconds ahead = next - now;
  if (ahead > capacity) {
    const int64_t wait_ns = (ahead - capacity).count();
    return {false, static_cast<int>(std::max<int64_t>(1, (wait_ns + kSecondNs - 1) / kSecondNs))};
  }
  it->second = next;
  if (inserted && next_.size() > kPruneAbove) PruneLocked(now);
  return {};
}

void RateLimiter::PruneLocked(Clock::time_point now) {
  std::erase_if(next_, [now](const auto& entry) { return entry.second <= now; });
}

}  // namespace da::server
