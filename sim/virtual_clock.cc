#include "sim/virtual_clock.h"

#include <limits>

namespace portrace::sim {

VirtualClock::TimerId VirtualClock::Schedule(uint64_t deadline_ns, Callback callback) {
  const TimerId id = next_id_++;
  timers_.emplace(std::make_pair(deadline_ns, id), std::move(callback));
  return id;
}

void VirtualClock::Cancel(TimerId id) {
  for (auto it = timers_.begin(); it != timers_.end(); ++it) {
    if (it->first.second == id) {
      timers_.erase(it);
      return;
    }
  }
}

std::optional<uint64_t> VirtualClock::NextDeadline() const {
  if (timers_.empty()) return std::nullopt;
  return timers_.begin()->first.first;
}

void VirtualClock::AdvanceTo(uint64_t ns) {
  while (!timers_.empty() && timers_.begin()->first.first <= ns) {
    auto it = timers_.begin();
    if (it->first.first > now_) now_ = it->first.first;
    Callback callback = std::move(it->second);
    timers_.erase(it);
    callback();  // may schedule further timers
  }
  if (ns > now_) now_ = ns;
}

void VirtualClock::Advance(uint64_t delta_ns) {
  const uint64_t max = std::numeric_limits<uint64_t>::max();
  AdvanceTo(delta_ns > max - now_ ? max : now_ + delta_ns);
}

void VirtualClock::Stall(uint64_t ns) {
  stalled_ns_ += ns;
  Advance(ns);
}

void VirtualClock::AdvanceToNextDeadline() {
  if (std::optional<uint64_t> deadline = NextDeadline()) AdvanceTo(*deadline);
}

}  // namespace portrace::sim
