// TraceStats: what a trace did, counted while it replays — accesses per device (the mapping that
// answered, "unclaimed" when none did), per port and width; reads and writes; frames injected
// into each NIC (NIC_RECEIVE); the time span.
// Memory stays bounded: ports are counted individually (there are 64 Ki), MMIO and guest memory
// only per device.
#ifndef PORTRACE_ANALYZER_TRACE_STATS_H_
#define PORTRACE_ANALYZER_TRACE_STATS_H_

#include <cstdint>
#include <array>
#include <map>
#include <string>

#include "absl/strings/string_view.h"
#include "sim/replay.h"

namespace portrace::analyzer {

class TraceStats : public sim::ReplayObserver {
 public:
  void OnEvent(const sim::ReplayedEvent& event) override;

  // The table `portrace stats` prints.
  std::string Format(absl::string_view trace, absl::string_view machine) const;

  struct Counts {
    uint64_t reads = 0;
    uint64_t writes = 0;
    uint64_t bytes = 0;  // bytes moved by the accesses
  };
  struct DeviceCounts {
    Counts ports;
    Counts mmio;
    Counts memory;  // qtest read/write/memset and DMA-style writes
    uint64_t frames = 0;  // NIC_RECEIVE frames injected into this NIC
    uint64_t frame_bytes = 0;
    // Per port and width: index 0/1/2 = widths 1/2/4; [0] reads, [1] writes.
    std::map<uint32_t, std::array<std::array<uint64_t, 3>, 2>> by_port;
  };
  const std::map<std::string, DeviceCounts>& devices() const { return devices_; }
  uint64_t events() const { return events_; }

 private:
  std::map<std::string, DeviceCounts> devices_;
  uint64_t events_ = 0;
  uint64_t first_ns_ = 0;
  uint64_t last_ns_ = 0;
  uint64_t time_events_ = 0;
  uint64_t markers_ = 0;
};

}  // namespace portrace::analyzer

#endif  // PORTRACE_ANALYZER_TRACE_STATS_H_
