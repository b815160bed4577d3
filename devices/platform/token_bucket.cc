#include "devices/platform/token_bucket.h"

#include <algorithm>

#include "absl/numeric/int128.h"

namespace portrace::devices {
namespace {

constexpr uint64_t kNanosPerSecond = 1000000000;

}  // namespace

uint64_t TokenBucket::Take(uint64_t count, uint64_t now_ns) {
  if (count > capacity_) return kNever;
  uint64_t stall = 0;
  if (available_ < count) {
    // When will the deficit have accrued since the last refill? (rounded up to whole ns)
    const absl::uint128 need = count - available_;
    const uint64_t wait = static_cast<uint64_t>((need * kNanosPerSecond + rate_ - 1) / rate_);
    const uint64_t ready = last_refill_ns_ + wait;
    if (ready > now_ns) {
      stall = ready - now_ns;
      now_ns = ready;
    }
    const absl::uint128 accrued = absl::uint128(now_ns - last_refill_ns_) * rate_ / kNanosPerSecond;
    available_ = static_cast<uint64_t>(std::min<absl::uint128>(available_ + accrued, capacity_));
    last_refill_ns_ = now_ns;
  }
  available_ -= count;
  return stall;
}

}  // namespace portrace::devices
