// replay.divergence: a read whose value the trace recorded, answered differently by the model;
// replay.clock-divergence (info) instead where the value depends on time (a clock, a timer, a
// status that is busy while QEMU's host does I/O) and the trace has carried no time so far
// (sim::ReplayedEvent::untimed_clock_read): a capture without timestamps.
// One finding per device: the mapping that answered or, where the model has none, the device the
// capture names (a QEMU trace log's region, "no device; the capture's 'rtc'"), else "no device".
// The first divergence of each device comes with its context, every further one is counted in
// it. Ports and devices (model mappings or capture regions) whose values depend on wall time
// (the RTC's clock, a timer's count) can be left out.
#ifndef PORTRACE_ANALYZER_DIVERGENCE_RULE_H_
#define PORTRACE_ANALYZER_DIVERGENCE_RULE_H_

#include <cstdint>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "analyzer/rule.h"

namespace portrace::analyzer {

struct DivergenceOptions {
  std::vector<std::pair<uint32_t, uint32_t>> ignore_ports;  // inclusive port ranges
  std::vector<std::string> ignore_devices;  // model mappings or capture region names
};

std::unique_ptr<Rule> CreateDivergenceRule(DivergenceOptions options = {});

}  // namespace portrace::analyzer

#endif  // PORTRACE_ANALYZER_DIVERGENCE_RULE_H_
