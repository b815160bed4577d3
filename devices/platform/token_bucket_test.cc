#include "devices/platform/token_bucket.h"

#include "gtest/gtest.h"

namespace portrace::devices {
namespace {

constexpr uint64_t kSecond = 1000000000;

TEST(TokenBucketTest, StartsFullAndPaysWithoutWaiting) {
  TokenBucket bucket;
  EXPECT_EQ(bucket.available(), 131072u);
  EXPECT_EQ(bucket.Take(100, 0), 0u);
  EXPECT_EQ(bucket.available(), 131072u - 100);
  EXPECT_EQ(bucket.Take(131072 - 100, 0), 0u);
  EXPECT_EQ(bucket.available(), 0u);
}

TEST(TokenBucketTest, EmptyBucketStallsForTheDeficitAtTheRefillRate) {
  TokenBucket bucket;
  ASSERT_EQ(bucket.Take(131072, 0), 0u);
  // 256 more tokens need one second since the last refill (time 0).
  EXPECT_EQ(bucket.Take(256, 0), kSecond);
  EXPECT_EQ(bucket.available(), 0u);
  // The refill happened at t = 1 s; 128 tokens at t = 1 s need another half second.
  EXPECT_EQ(bucket.Take(128, kSecond), kSecond / 2);
  // Time the guest spent elsewhere counts: at t = 10 s, 2304 tokens have accrued since 1.5 s.
  EXPECT_EQ(bucket.Take(1000, 10 * kSecond), 0u);
  EXPECT_EQ(bucket.available(), 2176u - 1000);
}

TEST(TokenBucketTest, RefillIsCappedAndRoundsTheWaitUp) {
  TokenBucket bucket(/*capacity=*/10, /*rate_per_second=*/3);
  ASSERT_EQ(bucket.Take(10, 0), 0u);
  // One token at 3/s: 333333334 ns (rounded up so that the token has accrued).
  EXPECT_EQ(bucket.Take(1, 0), 333333334u);
  // An hour later the bucket is full again, not more.
  EXPECT_EQ(bucket.Take(10, 3600 * kSecond), 0u);
  EXPECT_EQ(bucket.available(), 0u);
}

TEST(TokenBucketTest, OversizedRequestCanNeverBePaid) {
  TokenBucket bucket;
  EXPECT_EQ(bucket.Take(131073, 0), TokenBucket::kNever);
  EXPECT_EQ(bucket.available(), 131072u);
}

TEST(TokenBucketTest, FloodWithNoTimePassingStallsEveryFlushAfterTheFirstEmptying) {
  TokenBucket bucket;
  uint64_t now = 0;
  uint64_t lost = 0;
  int first_stall = -1;
  for (int line = 0; line < 2000; ++line) {
    const uint64_t stall = bucket.Take(100, now);
    if (stall > 0 && first_stall < 0) first_stall = line;
    now += stall;  // the guest waits, virtual time moves on
    lost += stall;
  }
  EXPECT_EQ(first_stall, 1310);  // 1310 lines of 100 bytes fit in 131072 tokens
  // 200000 bytes against 131072 in the bucket: 68928 bytes at 256 B/s, about 269 s.
  EXPECT_GE(lost, 268 * kSecond);
  EXPECT_LE(lost, 270 * kSecond);
}

}  // namespace
}  // namespace portrace::devices
