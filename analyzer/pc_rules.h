// The `pc` family: rules over the legacy PC devices every machine has (8259A PICs, 8254 PIT,
// MC146818 RTC/CMOS, 16550 UART, i8042 and port 0x92). Each rule is a state machine over the
// events those devices publish (devices/pc/*.h list them: "pic" icw1/icw/ocw/eoi, "pit"
// control/load-low/load/gate, "rtc" index/read/write, "uart" lcr/divisor, "i8042" and "port92"
// reset-request, "piix4-pm" pm-base) and, for the PM timer, the raw reads of its mapping; none
// reads a device's state.
#ifndef PORTRACE_ANALYZER_PC_RULES_H_
#define PORTRACE_ANALYZER_PC_RULES_H_

#include <memory>
#include <vector>

#include "analyzer/rule.h"

namespace portrace::analyzer {

// One rule per device: pc.pic-*, pc.pit-*, pc.rtc-*, pc.uart-*, pc.reset-request,
// pc.pm-timer-width, pc.dma-boundary-crossing.
std::vector<std::unique_ptr<Rule>> CreatePcRules();

}  // namespace portrace::analyzer

#endif  // PORTRACE_ANALYZER_PC_RULES_H_
