// The `platform` family, handshake part: the driver state machine of protocol.md §b (magic,
// version, product, build, magic again, unplug) checked access by access — entries 1-13, 25,
// 28 and 30-32 of protocol.md §d. The state restarts at a resume/restore/reboot marker.
#ifndef PORTRACE_ANALYZER_PLATFORM_HANDSHAKE_RULES_H_
#define PORTRACE_ANALYZER_PLATFORM_HANDSHAKE_RULES_H_

#include <memory>

#include "analyzer/rule.h"
#include "sim/machine.h"

namespace portrace::analyzer {

std::unique_ptr<Rule> CreatePlatformHandshakeRules(const sim::MachineProfile& profile);

}  // namespace portrace::analyzer

#endif  // PORTRACE_ANALYZER_PLATFORM_HANDSHAKE_RULES_H_
