// Per-key request rate limits for the server (429 with Retry-After when refused).
#pragma once

#include <chrono>
#include <cstdint>
#include <mutex>
#include <unordered_map>

namespace da::server {

// Thread-safe token buckets, one per key id. A bucket holds up to `per_minute` requests and
// refills continuously at per_minute/60 a second, so a key may burst its whole minute at once
// and then goes at the steady rate. Kept as the time the bucket would be full again (GCRA), in
// whole nanoseconds, so the arithmetic is exact and needs no timer.
class RateLimiter {
 public:
  using Clock = std::chrono::steady_clock;
  struct Decision {
    bool allowed = true;
    int retry_after_seconds = 0;  // >= 1 when refused: when one request will be allowed again
  };

  // Takes one request from `key_id`'s bucket. per_minute <= 0: unlimited (always allowed). A
  // key whose limit changes keeps its bucket, read at the new rate.
  Decision Take(int64_t key_id, int per_minute, Clock::time_point now = Clock::now());

 private:
  void PruneLocked(Clock::time_point now);

  std::mutex mu_;
  // Per key: the theoretical arrival time of the next request. The bucket is full when it is
  // in the past, empty when it is a minute or more ahead of now.
  std::unordered_map<int64_t, Clock::time_point> next_;
};

}  // namespace da::server
