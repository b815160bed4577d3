// The `ide` family: what a driver author wants to know about a guest's use of the PIIX3 IDE
// controller — commands while BSY/DRQ, data-port misuse, LBAs past the end, broken DMA setups,
// SRST mid-transfer, commands to absent drives. The IDE channel publishes each of these as a
// device event (devices/ide/ide_channel.h lists them); the rules turn them into findings with
// stable ids. A command to a disk the platform device unplugged is `platform.use-after-unplug`.
#ifndef PORTRACE_ANALYZER_IDE_RULES_H_
#define PORTRACE_ANALYZER_IDE_RULES_H_

#include <memory>

#include "analyzer/rule.h"

namespace portrace::analyzer {

std::unique_ptr<Rule> CreateIdeRules();

}  // namespace portrace::analyzer

#endif  // PORTRACE_ANALYZER_IDE_RULES_H_
