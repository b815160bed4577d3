// Machine assembly: BuildMachine creates a Machine for a profile (machine.h) and fills it with
// the profile's devices, wired into its spaces. The Machine owns every device; later code reaches
// them through lookups here (PciBusOf), never through globals.
//
// PCI layout, bus 0 (QEMU 7.2 `-M pc -nodefaults` for pc; a Xen HVM guest for xen-*):
//   00:00.0  i440FX host bridge             every profile
//   00:01.0  PIIX3 ISA bridge (+ 0xcf9)     every profile
//   00:01.1  PIIX3 IDE                      every profile (devices/ide/piix3_ide.h)
//   00:01.3  PIIX4 ACPI/PM                  every profile (devices/pc/piix4_pm.h)
//   00:02.0  std VGA                        with --vga=std or --defaults (devices/pc/std_vga.h)
//   00:03.0  the Xen platform device        xen-* (devices/platform/xen_platform.h)
//   00:04.0  RTL8139 NIC                    xen-* (devices/nic/rtl8139.h)
//   --nic=   NICs in the first free slots from 00:02.0, as QEMU places -nic devices
// plus the legacy ISA devices (devices/pc/legacy_pc.h) and, on pc, fw_cfg. The NICs are the
// machine's receivers of injected frames (Machine::nics()): the xen-* RTL8139 first, then each
// --nic in order (ne2k_isa included).
#ifndef PORTRACE_SIM_MACHINE_BUILDER_H_
#define PORTRACE_SIM_MACHINE_BUILDER_H_

#include <memory>

#include "absl/status/statusor.h"
#include "devices/pci/pci_bus.h"
#include "sim/machine.h"

namespace portrace::sim {

inline constexpr int kHostBridgeDevfn = devices::PciDevfn(0, 0);
inline constexpr int kIsaBridgeDevfn = devices::PciDevfn(1, 0);
inline constexpr int kIdeDevfn = devices::PciDevfn(1, 1);
inline constexpr int kPmDevfn = devices::PciDevfn(1, 3);
// std VGA (--vga=std or --defaults), as QEMU places it.
inline constexpr int kVgaDevfn = devices::PciDevfn(2, 0);
// Where the Xen platform device's PCI function goes on the xen-* machines.
inline constexpr int kPlatformDevfn = devices::PciDevfn(3, 0);
inline constexpr int kNicDevfn = devices::PciDevfn(4, 0);

// InvalidArgument for an unknown profile or a bad RAM size (Machine::Create); any other error
// is an assembly failure and names the device.
absl::StatusOr<std::unique_ptr<Machine>> BuildMachine(const MachineOptions& options);

// The machine's PCI bus, or null if it has none.
devices::PciBus* PciBusOf(Machine& machine);

}  // namespace portrace::sim

#endif  // PORTRACE_SIM_MACHINE_BUILDER_H_
