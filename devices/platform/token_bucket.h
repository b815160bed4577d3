// TokenBucket: the log throttle of qemu-xen-traditional and XenServer's qemu-dm (the seed patch,
// protocol.md §c), on virtual time. One token per flushed log byte; the bucket holds 131072
// tokens, starts full and refills at 256 tokens per second. Like the original, it refills only
// when a flush finds too few tokens: it then waits until the deficit has accrued since the last
// refill, adds everything accrued (capped at the capacity) and pays.
//
// Where the device model would sleep — stalling the guest's vCPU — Take returns how long, in
// nanoseconds; the caller advances the virtual clock by that much (VirtualClock::Stall).
// Integer arithmetic throughout, so the result is the same on every run and build.
#ifndef PORTRACE_DEVICES_PLATFORM_TOKEN_BUCKET_H_
#define PORTRACE_DEVICES_PLATFORM_TOKEN_BUCKET_H_

#include <cstdint>

namespace portrace::devices {

class TokenBucket {
 public:
  static constexpr uint64_t kDefaultCapacity = 128 * 1024;
  static constexpr uint64_t kDefaultRatePerSecond = 256;

  explicit TokenBucket(uint64_t capacity = kDefaultCapacity,
                       uint64_t rate_per_second = kDefaultRatePerSecond)
      : capacity_(capacity), rate_(rate_per_second), available_(capacity) {}

  // Takes `count` tokens at virtual time `now_ns`. Returns the nanoseconds the caller must wait
  // first (0 if the tokens are there). A request larger than the capacity can never be paid
  // (the original exits); it returns kNever and takes nothing.
  static constexpr uint64_t kNever = ~uint64_t{0};
  uint64_t Take(uint64_t count, uint64_t now_ns);

  uint64_t available() const { return available_; }
  uint64_t capacity() const { return capacity_; }

 private:
  uint64_t capacity_;
  uint64_t rate_;
  uint64_t available_;
  uint64_t last_refill_ns_ = 0;
};

}  // namespace portrace::devices

#endif  // PORTRACE_DEVICES_PLATFORM_TOKEN_BUCKET_H_
