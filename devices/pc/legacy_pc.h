// The legacy devices every portrace machine carries, as QEMU 7.2's pc machine has them: the
// dual 8259 PIC with ELCR, the 8254 PIT with port 0x61, the MC146818 RTC and its CMOS contents,
// the two 8237 DMA controllers with their page registers, the i8042, ports 0x80 and 0x92, and, as
// the machine options ask, the 16550 UART at 0x3f8 and the parallel port at 0x378.
// (The PIIX4 PM function with the ACPI PM timer and APM ports is a PCI function; the machine
// builder attaches it at 00:01.3.)
#ifndef PORTRACE_DEVICES_PC_LEGACY_PC_H_
#define PORTRACE_DEVICES_PC_LEGACY_PC_H_

#include "absl/status/status.h"
#include "devices/pc/rtc_cmos.h"
#include "sim/machine.h"

namespace portrace::devices {

// Creates the devices, maps them and hands them to `machine`. InvalidArgument for a bad
// option (--rtc-base, --boot); the returned RTC lets later devices (drives) fill CMOS bytes.
absl::StatusOr<RtcCmos*> AddLegacyDevices(sim::Machine* machine,
                                          const sim::MachineOptions& options);

// The CMOS configuration bytes QEMU's pc_cmos_init stores for `options` (memory sizes, floppy,
// equipment, boot order, CPU count; not the drive geometry, which drives fill in).
absl::Status FillCmosConfiguration(RtcCmos& rtc, const sim::MachineOptions& options);

}  // namespace portrace::devices

#endif  // PORTRACE_DEVICES_PC_LEGACY_PC_H_
