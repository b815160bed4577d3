// EventClock: the virtual time of each event of a stream, as the replay engine would see it
// without a machine (TIME_ADVANCE "to the next deadline" cannot be resolved without timers and
// leaves time unchanged). For exporters that print times.
#ifndef PORTRACE_TRACE_EXPORTERS_EVENT_CLOCK_H_
#define PORTRACE_TRACE_EXPORTERS_EVENT_CLOCK_H_

#include <cstdint>

#include "trace/event.h"

namespace portrace::trace {

class EventClock {
 public:
  // The time at which `event` happens; then accounts for its effect on time.
  uint64_t Observe(const EventView& event) {
    const uint64_t at = now_;
    if (event.kind == TIME_ADVANCE && !(event.flags & FLAG_TO_DEADLINE)) {
      now_ = event.value > ~uint64_t{0} - now_ ? ~uint64_t{0} : now_ + event.value;
    } else if (event.kind == TIME_SET && event.value > now_) {
      now_ = event.value;
    }
    return at;
  }
  uint64_t now() const { return now_; }

 private:
  uint64_t now_ = 0;
};

}  // namespace portrace::trace

#endif  // PORTRACE_TRACE_EXPORTERS_EVENT_CLOCK_H_
