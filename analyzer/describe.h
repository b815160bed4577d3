// One-line descriptions of replayed events for reports, in qtest's spelling where one exists:
// "outb 0x70 0x8f [rtc]", "inb 0x71 [rtc] -> 0xff (trace: 0x26)", "clock_step 1000".
#ifndef PORTRACE_ANALYZER_DESCRIBE_H_
#define PORTRACE_ANALYZER_DESCRIBE_H_

#include <string>

#include "sim/replay.h"

namespace portrace::analyzer {

std::string DescribeEvent(const sim::ReplayedEvent& event);

// "inb 0x71", "writel 0xfee00000": the access part only.
std::string DescribeAccess(const trace::EventView& event);

}  // namespace portrace::analyzer

#endif  // PORTRACE_ANALYZER_DESCRIBE_H_
