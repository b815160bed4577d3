// The `platform` family, log part: the guest log port (0x12 and BAR0+8) and its line buffer
// and throttle — entries 14-20 of protocol.md §d. Watches the platform device's log events
// (log-byte, log-line, log-overflow, log-throttled) and the raw writes to 0x12.
#ifndef PORTRACE_ANALYZER_PLATFORM_LOG_RULES_H_
#define PORTRACE_ANALYZER_PLATFORM_LOG_RULES_H_

#include <memory>

#include "analyzer/rule.h"
#include "sim/machine.h"

namespace portrace::analyzer {

std::unique_ptr<Rule> CreatePlatformLogRules(const sim::MachineProfile& profile);

}  // namespace portrace::analyzer

#endif  // PORTRACE_ANALYZER_PLATFORM_LOG_RULES_H_
