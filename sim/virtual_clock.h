// VirtualClock: the machine's notion of time, in nanoseconds since the trace began. It moves only
// when the trace says so (TIME_ADVANCE, TIME_SET, qtest clock_step/clock_set), never with the
// wall clock. Devices schedule timers on it; advancing fires them in deadline order (ties in
// scheduling order), with now() set to each timer's deadline while it runs, as QEMU's
// qtest_clock_warp does. Not thread-safe.
#ifndef PORTRACE_SIM_VIRTUAL_CLOCK_H_
#define PORTRACE_SIM_VIRTUAL_CLOCK_H_

#include <cstdint>
#include <functional>
#include <map>
#include <optional>
#include <utility>

namespace portrace::sim {

class VirtualClock {
 public:
  using TimerId = uint64_t;
  using Callback = std::function<void()>;

  uint64_t now() const { return now_; }

  // Runs `callback` once when time reaches `deadline_ns` (at once on the next advance if it is
  // already past). Returns an id for Cancel.
  TimerId Schedule(uint64_t deadline_ns, Callback callback);
  // Cancelling an unknown or fired timer does nothing.
  void Cancel(TimerId id);
  std::optional<uint64_t> NextDeadline() const;

  // Moves time forward to `ns` (never backwards), firing due timers on the way.
  void AdvanceTo(uint64_t ns);
  // Moves time forward by `delta_ns`, saturating at the largest time.
  void Advance(uint64_t delta_ns);
  // Moves time to the next deadline, if there is one (qtest "clock_step" without argument).
  void AdvanceToNextDeadline();

  // The guest's vCPU is held for `ns` (a device model that sleeps, e.g. the log throttle):
  // time moves on by that much and is counted as lost by the guest.
  void Stall(uint64_t ns);
  uint64_t stalled_ns() const { return stalled_ns_; }

 private:
  uint64_t now_ = 0;
  uint64_t stalled_ns_ = 0;
  TimerId next_id_ = 1;
  std::map<std::pair<uint64_t, TimerId>, Callback> timers_;
};

}  // namespace portrace::sim

#endif  // PORTRACE_SIM_VIRTUAL_CLOCK_H_
