// StdVga: the PCI identity of QEMU's std VGA (`-vga std`, the default without -nodefaults) at
// 00:02.0: 1234:1111 rev 2, class 0300, status 0, subsystem 1af4:1100, BAR0 16 MiB prefetchable
// memory (VRAM), BAR2 4 KiB memory (MMIO: EDID, VBE and QEMU registers), and a 64 KiB expansion
// ROM register (the VGA BIOS), so that firmware enumerates and sizes it as in QEMU. Only the
// identity is modelled: the BARs read all ones, the ROM is not mapped, and the VGA and VBE ports
// (0x3b0-0x3df, 0x1ce-0x1cf) stay unclaimed. Not thread-safe.
#ifndef PORTRACE_DEVICES_PC_STD_VGA_H_
#define PORTRACE_DEVICES_PC_STD_VGA_H_

#include <cstdint>
#include <memory>

#include "absl/status/statusor.h"
#include "devices/pci/pci_function.h"
#include "sim/io_region.h"

namespace portrace::devices {

class StdVga : public PciFunction {
 public:
  static absl::StatusOr<std::unique_ptr<StdVga>> Create();

 private:
  class AllOnes : public sim::IoRegion {
   public:
    uint64_t Read(uint64_t offset, unsigned width) override {
      return width >= 8 ? ~uint64_t{0} : (uint64_t{1} << (8 * width)) - 1;
    }
    void Write(uint64_t offset, unsigned width, uint64_t value) override {}
  };

  StdVga();
  AllOnes all_ones_;
};

// Makes the expansion ROM register of `config` writable as QEMU does for a ROM of `size` bytes
// (a power of two): the address bits above the size and the enable bit.
struct RomMask {
  static uint8_t Byte(uint32_t size, int byte) {
    const uint32_t mask = ~(size - 1) | 1u;
    return static_cast<uint8_t>(mask >> (8 * byte));
  }
};

}  // namespace portrace::devices

#endif  // PORTRACE_DEVICES_PC_STD_VGA_H_
