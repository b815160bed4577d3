// The `nic` family: rules over the NIC models' events (devices/nic/ne2000.h for ne2k_pci and
// ne2k_isa: "tx", "start", "data-idle"; devices/nic/rtl8139.h: "tx", "tx-loopback",
// "tx-no-bus-master", "rx-enable", "rx-overflow", "tsd-pending", "eeprom-command",
// "eeprom-read-aborted"). None reads a device's state.
#ifndef PORTRACE_ANALYZER_NIC_RULES_H_
#define PORTRACE_ANALYZER_NIC_RULES_H_

#include <memory>

#include "analyzer/rule.h"

namespace portrace::analyzer {

// nic.tx-bad-length, nic.remote-dma-outside-transfer, nic.ring-bounds-invalid,
// nic.rx-ring-overflow, nic.tx-descriptor-reused, nic.tx-without-bus-master,
// nic.eeprom-write-ignored and nic.eeprom-read-aborted (rtl8139.h's "eeprom-command" and
// "eeprom-read-aborted") in one rule.
std::unique_ptr<Rule> CreateNicRules();

}  // namespace portrace::analyzer

#endif  // PORTRACE_ANALYZER_NIC_RULES_H_
