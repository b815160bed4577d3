// The `platform` family, unplug part: the unplug mask and the legacy BAR0 writes, what happened
// to the emulated devices before and after — entries 21-24, 26 and 27 of protocol.md §d.
// Watches the platform device's unplug and BAR events, the guest's PCI configuration cycles
// (it follows the 0xcf8 address latch itself) and every access's mapping.
#ifndef PORTRACE_ANALYZER_PLATFORM_UNPLUG_RULES_H_
#define PORTRACE_ANALYZER_PLATFORM_UNPLUG_RULES_H_

#include <memory>

#include "analyzer/rule.h"
#include "sim/machine.h"

namespace portrace::analyzer {

std::unique_ptr<Rule> CreatePlatformUnplugRules(const sim::MachineProfile& profile);

}  // namespace portrace::analyzer

#endif  // PORTRACE_ANALYZER_PLATFORM_UNPLUG_RULES_H_
