// I440fx: the PCI function of the i440FX host bridge (00:00.0, 8086:1237, class 0600, revision 2)
// with the configuration space QEMU 7.2's pc machine shows (hw/pci-host/i440fx.c): subsystem
// 1af4:1100, header type 0, SMRAM (0x72) 0x02 and, at 0x57, the RAM size in 8 MiB units capped
// at 255 (coreboot's "DRAM row boundary"). Every byte from 0x40 up is writable, as in QEMU.
//
// The PAM registers (0x59-0x5f) and SMRAM decide what guest memory the CPU sees at
// 0xa0000-0xfffff; portrace's memory space does not model that, so a write to them is kept in
// config space and published (device "i440fx"):
//   memory-map-write  value = offset | width << 8 | data << 32 (PackPciConfigAccess);
//                     text = which registers, and that memory is unchanged
// The CONFIG_ADDRESS/CONFIG_DATA ports belong to the bus (pci_bus.h). Not thread-safe.
#ifndef PORTRACE_DEVICES_PCI_I440FX_H_
#define PORTRACE_DEVICES_PCI_I440FX_H_

#include <cstdint>

#include "devices/pci/pci_function.h"

namespace portrace::devices {

inline constexpr uint8_t kI440fxRamSize = 0x57;
inline constexpr uint8_t kI440fxPam = 0x59;
inline constexpr uint8_t kI440fxPamSize = 7;
inline constexpr uint8_t kI440fxSmram = 0x72;

class I440fx : public PciFunction {
 public:
  // `ram_bytes`: the machine's RAM, for register 0x57.
  explicit I440fx(uint64_t ram_bytes);

 protected:
  void OnConfigWrite(unsigned offset, unsigned width, uint32_t value) override;
};

}  // namespace portrace::devices

#endif  // PORTRACE_DEVICES_PCI_I440FX_H_
