// StdVga: QEMU 7.2's std VGA (`-vga std`, the default without -nodefaults), the PCI function
// 1234:1111 rev 2, class 0300, subsystem 1af4:1100 at 00:02.0, with the VGA it carries
// (vga_core.h): the legacy ports 0x3b0-0x3df and 0x1ce-0x1d1 and the window at 0xa0000, mapped
// when the function is created (they do not depend on the command register, as in QEMU).
//
// BARs, as QEMU's vga-pci sizes and fills them:
//  * BAR0, 16 MiB prefetchable memory "vga.vram": video memory, the store the window at 0xa0000
//    shows (sparse: untouched memory costs nothing and reads 0). Accessed like RAM: any width,
//    any alignment, directly.
//  * BAR2, 4 KiB memory: QEMU's "vga.mmio" container, whose gaps read all ones and drop writes,
//    with four parts, each with QEMU's access rules:
//      0x000-0x17f  "vga.edid"     the EDID (edid.h) of the default properties (1280x800 preferred,
//                                  75 Hz), 384 bytes; bytewise, read-only
//      0x400-0x41f  "vga.ioports"  the VGA ports 0x3c0-0x3df, offset 0x400 + n = port 0x3c0 + n;
//                                  1- and 2-byte accesses (a 2-byte write updates the lower port
//                                  first, so an index and its data go in one write), 4 bytes as
//                                  two 2-byte halves
//      0x500-0x515  "vga.bochs"    the VBE registers, index = offset / 2, 16 bits each; every
//                                  access also sets the VBE index port (0x1ce), as in QEMU;
//                                  narrower accesses act on the whole register
//      0x600-0x607  "qemu extended regs" as "vga.qext": 0x600 reads the region size (8), 0x604 the
//                                  framebuffer byte order (0x1e1e1e1e little, 0xbebebebe big; the
//                                  same values written select it); 4-byte accesses only, others
//                                  read 0 and are dropped
//  * the expansion ROM register, 64 KiB (the VGA BIOS): sized as in QEMU, the ROM itself is not
//    mapped.
// Not modelled: the display (no scan-out, no retrace timing but QEMU's default toggle), the
// VGA BIOS contents, and i440FX SMRAM decoding (the window at 0xa0000 is always the VGA's, as
// in QEMU while SMRAM is closed, its reset state).
//
// Events (device "vga"): those of PciFunction, and vbe-enabled, vbe-disabled, vbe-adjusted,
// io-select (vga_core.h). Not thread-safe.
#ifndef PORTRACE_DEVICES_PC_STD_VGA_H_
#define PORTRACE_DEVICES_PC_STD_VGA_H_

#include <cstdint>
#include <memory>
#include <vector>

#include "absl/status/statusor.h"
#include "devices/pc/vga_core.h"
#include "devices/pci/pci_function.h"
#include "sim/io_region.h"
#include "sim/machine.h"

namespace portrace::devices {

// BAR2's layout (QEMU's PCI_VGA_* constants).
inline constexpr uint64_t kStdVgaMmioSize = 0x1000;
inline constexpr uint64_t kStdVgaEdidSize = 384;
inline constexpr uint64_t kStdVgaIoportsOffset = 0x400;
inline constexpr uint64_t kStdVgaIoportsSize = 0x20;
inline constexpr uint64_t kStdVgaBochsOffset = 0x500;
inline constexpr uint64_t kStdVgaBochsSize = 0x16;
inline constexpr uint64_t kStdVgaQextOffset = 0x600;
inline constexpr uint64_t kStdVgaQextSize = 8;
inline constexpr uint32_t kQextLittleEndian = 0x1e1e1e1e;
inline constexpr uint32_t kQextBigEndian = 0xbebebebe;

class StdVga : public PciFunction {
 public:
  // Maps the legacy ports and window into `machine`; the BARs follow the guest's programming
  // once the function is attached. Errors name an overlapping mapping.
  static absl::StatusOr<std::unique_ptr<StdVga>> Create(sim::Machine* machine);

  VgaCore& core() { return core_; }
  const std::vector<uint8_t>& edid() const { return edid_; }

 private:
  // Reads all ones, drops writes: the container's gaps (QEMU's unassigned_io_ops).
  class Gap : public sim::IoRegion {
   public:
    uint64_t Read(uint64_t offset, unsigned width) override {
      return width >= 8 ? ~uint64_t{0} : (uint64_t{1} << (8 * width)) - 1;
    }
    void Write(uint64_t offset, unsigned width, uint64_t value) override {}
  };
  class EdidRegion : public sim::IoRegion {
   public:
    explicit EdidRegion(const std::vector<uint8_t>* blob) : blob_(blob) {}
    uint64_t Read(uint64_t offset, unsigned width) override {
      return offset < blob_->size() ? (*blob_)[offset] : 0;
    }
    void Write(uint64_t offset, unsigned width, uint64_t value) override {}

   private:
    const std::vector<uint8_t>* blob_;
  };
  class IoportsRegion : public sim::IoRegion {
   public:
    explicit IoportsRegion(VgaCore* core) : core_(core) {}
    uint64_t Read(uint64_t offset, unsigned width) override;
    void Write(uint64_t offset, unsigned width, uint64_t value) override;

   private:
    VgaCore* core_;
  };
  class BochsRegion : public sim::IoRegion {
   public:
    explicit BochsRegion(VgaCore* core) : core_(core) {}
    uint64_t Read(uint64_t offset, unsigned width) override;
    void Write(uint64_t offset, unsigned width, uint64_t value) override;

   private:
    VgaCore* core_;
  };
  class QextRegion : public sim::IoRegion {
   public:
    uint64_t Read(uint64_t offset, unsigned width) override;
    void Write(uint64_t offset, unsigned width, uint64_t value) override;

   private:
    bool big_endian_ = false;
  };

  StdVga();

  VgaCore core_;
  std::vector<uint8_t> edid_;
  Gap gap_;
  EdidRegion edid_region_{&edid_};
  IoportsRegion ioports_region_{&core_};
  BochsRegion bochs_region_{&core_};
  QextRegion qext_region_;
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
