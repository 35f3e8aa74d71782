// Token buckets with an injected clock: burst, continuous refill, Retry-After, independence.
#include "server/rate_limiter.h"

#include <gtest/gtest.h>

namespace da::server {
namespace {

using std::chrono::milliseconds;
using std::chrono::seconds;
using Clock = RateLimiter::Clock;

class RateLimiterTest : public ::testing::Test {
 protected:
  // Takes `n` requests at `at`; how many were allowed.
  int TakeMany(int64_t key, int per_minute, int n, Clock::time_point at) {
    int allowed = 0;
    for (int i = 0; i < n; ++i) allowed += limiter_.Take(key, per_minute, at).allowed ? 1 : 0;
    return allowed;
  }
  RateLimiter limiter_;
  const Clock::time_point t0_ = Clock::time_point() + std::chrono::hours(1000);
};

TEST_F(RateLimiterTest, ZeroOrNegativeIsUnlimited) {
  EXPECT_EQ(TakeMany(1, 0, 10000, t0_), 10000);
  EXPECT_EQ(TakeMany(1, -5, 10000, t0_), 10000);
}

TEST_F(RateLimiterTest, AFullBucketAllowsTheWholeMinuteAtOnceThenRefusesWithRetryAfter) {
  EXPECT_EQ(TakeMany(1, 6, 6, t0_), 6);
  RateLimiter::Decision refused = limiter_.Take(1, 6, t0_);
  EXPECT_FALSE(refused.allowed);
  EXPECT_EQ(refused.retry_after_seconds, 10);  // one request every 10 s
  refused = limiter_.Take(1, 6, t0_ + seconds(5));
  EXPECT_FALSE(refused.allowed);
  EXPECT_EQ(refused.retry_after_seconds, 5);
  EXPECT_TRUE(limiter_.Take(1, 6, t0_ + seconds(10)).allowed);
  refused = limiter_.Take(1, 6, t0_ + seconds(10));
  EXPECT_FALSE(refused.allowed);
  EXPECT_EQ(refused.retry_after_seconds, 10);
}

TEST_F(RateLimiterTest, RefillIsContinuousAtPerMinuteOverSixtyPerSecond) {
  EXPECT_EQ(TakeMany(7, 60, 60, t0_), 60);
  EXPECT_FALSE(limiter_.Take(7, 60, t0_).allowed);
  // 2.5 s later: 2.5 tokens, so two requests and then half a second to wait (rounded up to 1 s).
  const Clock::time_point later = t0_ + milliseconds(2500);
  EXPECT_EQ(TakeMany(7, 60, 2, later), 2);
  RateLimiter::Decision refused = limiter_.Take(7, 60, later);
  EXPECT_FALSE(refused.allowed);
  EXPECT_EQ(refused.retry_after_seconds, 1);
  // Refused requests take nothing: at 3 s exactly one more is allowed.
  EXPECT_EQ(TakeMany(7, 60, 5, t0_ + seconds(3)), 1);
}

TEST_F(RateLimiterTest, RetryAfterIsAtLeastOneSecondAndRoundsUp) {
  EXPECT_EQ(TakeMany(1, 600, 600, t0_), 600);  // one request per 100 ms
  RateLimiter::Decision refused = limiter_.Take(1, 600, t0_);
  EXPECT_FALSE(refused.allowed);
  EXPECT_EQ(refused.retry_after_seconds, 1);
  EXPECT_EQ(TakeMany(2, 1, 1, t0_), 1);  // one a minute
  refused = limiter_.Take(2, 1, t0_ + milliseconds(100));
  EXPECT_FALSE(refused.allowed);
  EXPECT_EQ(refused.retry_after_seconds, 60);  // 59.9 s, rounded up
  EXPECT_TRUE(limiter_.Take(2, 1, t0_ + seconds(60)).allowed);
}

TEST_F(RateLimiterTest, AnIdleBucketHoldsNoMoreThanItsCapacity) {
  EXPECT_EQ(TakeMany(1, 10, 10, t0_), 10);
  EXPECT_EQ(TakeMany(1, 10, 50, t0_ + std::chrono::hours(5)), 10);
}

TEST_F(RateLimiterTest, KeysHaveTheirOwnBuckets) {
  EXPECT_EQ(TakeMany(1, 3, 10, t0_), 3);
  EXPECT_EQ(TakeMany(2, 3, 10, t0_), 3);
  EXPECT_EQ(TakeMany(3, 5, 10, t0_), 5);
}

TEST_F(RateLimiterTest, ALowerLimitAppliesToAKeysBucketAtOnce) {
  EXPECT_EQ(TakeMany(1, 60, 30, t0_), 30);  // half of a minute used
  EXPECT_EQ(TakeMany(1, 4, 10, t0_), 2);    // half of the new minute is left
}

TEST_F(RateLimiterTest, AClockThatGoesBackDoesNotRefill) {
  EXPECT_EQ(TakeMany(1, 2, 2, t0_), 2);
  EXPECT_EQ(TakeMany(1, 2, 3, t0_ - seconds(30)), 0);
}

TEST_F(RateLimiterTest, ManyKeysStayCorrect) {
  for (int64_t key = 0; key < 20000; ++key) EXPECT_TRUE(limiter_.Take(key, 1, t0_).allowed);
  EXPECT_FALSE(limiter_.Take(19999, 1, t0_).allowed);
  EXPECT_FALSE(limiter_.Take(5, 1, t0_ + seconds(30)).allowed);
  EXPECT_TRUE(limiter_.Take(5, 1, t0_ + seconds(60)).allowed);
}

}  // namespace
}  // namespace da::server
