// VgaCore: the register file and video memory of QEMU 7.2's common VGA (hw/display/vga.c,
// VGACommonState) with the Bochs VBE "DISPI" extension, as std VGA (`-vga std`) has them, and
// the legacy decode every VGA carries.
//
// Registers, by port (offsets from 0x3b0 in the Port* calls):
//  * 0x3c0/0x3c1 attribute controller: one flip-flop alternates 0x3c0 writes between the index
//    (6 bits, bit 5 = palette address source) and the data; 0x3c0 reads the index while the
//    flip-flop points at it, else 0; 0x3c1 reads the register (0 past 0x14). Reading input status
//    1 resets the flip-flop.
//  * 0x3c2 misc output (write; bit 4 is dropped) / input status 0 (read: always 0); 0x3cc reads
//    misc output. Its bit 0 selects the I/O set: colour (CRTC at 0x3d4/0x3d5, status at 0x3da)
//    or, after reset, mono (0x3b4/0x3b5, 0x3ba). Accesses to the other set's ports read 0xff and
//    are dropped, as in QEMU.
//  * 0x3c4/0x3c5 sequencer: index masked to 3 bits, registers under QEMU's write masks;
//    0x3ce/0x3cf graphics controller: index masked to 4 bits, registers under masks (9-15 read 0).
//  * 0x3b4/0x3b5, 0x3d4/0x3d5 CRTC: 256 registers, any index; while CR11 bit 7 is set, CR0-CR7
//    are write-protected except CR7 bit 4.
//  * 0x3c7 DAC read index (write) / DAC state (read: 3 after a read index, 0 after a write index);
//    0x3c8 DAC write index; 0x3c9 data in cycles of three bytes (red, green, blue), the index
//    advancing (mod 256) after each third byte; writes take effect per entry. 0x3c6 (pixel mask)
//    reads 0 and ignores writes, as in QEMU.
//  * 0x3ba/0x3da input status 1 (read: QEMU's default "dumb" retrace, vertical retrace and
//    display enable toggling on every read) / feature control (write: bit 4 kept, read at 0x3ca).
//  * 0x1ce VBE index / 0x1cf (and 0x1d0) VBE data, 16 bits wide: ID (only 0xb0c0-0xb0c5 are
//    taken), XRES, YRES, BPP, ENABLE, BANK, VIRT_WIDTH, VIRT_HEIGHT (read-only), X_OFFSET,
//    Y_OFFSET, and index 0xa reading the video memory in 64 KiB units (256). While ENABLE has
//    GETCAPS set, XRES/YRES/BPP read the maxima (16000, 12000, 32). While VBE is enabled every
//    write to a mode register is validated as QEMU does (BPP other than 4/8/15/16/24/32 becomes
//    8; XRES rounded down to 8 within 8..16000; VIRT_WIDTH at least XRES; YRES within 1..12000
//    and what fits in video memory; offsets reset when the view would leave video memory;
//    VIRT_HEIGHT = the lines that fit, modulo 65536); enabling also resets VIRT_WIDTH and the
//    offsets, clears the visible part of video memory unless NOCLEARMEM, and reprograms the VGA
//    registers for a linear graphics mode (GR6 memory map 1 at 0xa0000 with BANK selecting the
//    64 KiB window; chain 4 and all planes through a shadow sequencer, except at 4 bpp).
//  * 0xa0000-0xbffff the legacy memory window (vga-lowmem): GR6 selects the mapped range; then
//    chain 4 (linear bytes), odd/even (GR5 bit 4: planes by address bit 0 and GR4 bit 1), or
//    planar access through the 32-bit latch: read mode 0 (plane GR4) or 1 (colour compare,
//    GR2/GR7), write modes 0-3 with rotate, set/reset, function select, bit mask and the SR2 plane
//    mask. Bytes outside video memory read 0xff and drop writes.
// Video memory is 16 MiB, sparse (GuestMemory: pages appear when written); the PCI function maps
// the same store as BAR0.
//
// Events (through the publisher given at construction; the PCI function names them "vga"):
//   vbe-enabled   value = the ENABLE value written; text = the mode after validation, e.g.
//                 "1024x768x32 virtual 1024x5461 lfb"
//   vbe-disabled  value = the ENABLE value written
//   vbe-adjusted  a mode register written with a value QEMU's validation changed: value = index
//                 << 16 | the value written; text e.g. "XRES 16384 -> 16000"
//   io-select     misc output bit 0 changed: value = the new misc output; text "colour" / "mono"
// Not thread-safe.
#ifndef PORTRACE_DEVICES_PC_VGA_CORE_H_
#define PORTRACE_DEVICES_PC_VGA_CORE_H_

#include <array>
#include <cstdint>
#include <functional>
#include <string>

#include "absl/status/status.h"
#include "absl/strings/string_view.h"
#include "sim/access_rules.h"
#include "sim/guest_memory.h"
#include "sim/io_region.h"
#include "sim/machine.h"

namespace portrace::devices {

// VGA port offsets from 0x3b0.
inline constexpr uint32_t kVgaPortBase = 0x3b0;
inline constexpr uint32_t kVbePortBase = 0x1ce;
inline constexpr uint64_t kVgaLowMemBase = 0xa0000;
inline constexpr uint64_t kVgaLowMemSize = 0x20000;

// Bochs VBE DISPI register indices.
enum VbeIndex : uint16_t {
  kVbeId = 0,
  kVbeXres = 1,
  kVbeYres = 2,
  kVbeBpp = 3,
  kVbeEnable = 4,
  kVbeBank = 5,
  kVbeVirtWidth = 6,
  kVbeVirtHeight = 7,
  kVbeXOffset = 8,
  kVbeYOffset = 9,
  kVbeRegisterCount = 10,
  kVbeVideoMemory64k = 10,
};

// ENABLE bits.
inline constexpr uint16_t kVbeEnabled = 0x01;
inline constexpr uint16_t kVbeGetCaps = 0x02;
inline constexpr uint16_t kVbe8BitDac = 0x20;
inline constexpr uint16_t kVbeLfbEnabled = 0x40;
inline constexpr uint16_t kVbeNoClearMem = 0x80;

inline constexpr uint16_t kVbeMaxXres = 16000;
inline constexpr uint16_t kVbeMaxYres = 12000;
inline constexpr uint16_t kVbeMaxBpp = 32;

class VgaCore {
 public:
  static constexpr uint64_t kVramSize = uint64_t{16} << 20;
  using Publisher =
      std::function<void(absl::string_view kind, uint64_t value, std::string text)>;

  explicit VgaCore(Publisher publish);
  VgaCore(const VgaCore&) = delete;
  VgaCore& operator=(const VgaCore&) = delete;

  // Maps the legacy decode into `machine`, as QEMU's vga_init does: the "vga" port regions
  // (0x3b4-0x3b5, 0x3ba, 0x3c0-0x3cf, 0x3d4-0x3d5, 0x3da; byte handlers, so a 16-bit access is
  // two byte accesses), the "vbe" ports (0x1ce-0x1d1, 16-bit handlers at 0x1ce-0x1d0) and
  // "vga-lowmem" at 0xa0000 (implemented bytewise). Errors name the overlapping mapping.
  absl::Status MapLegacy(sim::Machine* machine);

  // QEMU's vga_ioport_read/write; `offset` is the port minus 0x3b0 (0x00-0x2f).
  uint8_t PortRead(uint32_t offset);
  void PortWrite(uint32_t offset, uint8_t value);

  // The VBE index and data registers (vbe_ioport_*).
  uint16_t vbe_index() const { return vbe_index_; }
  void set_vbe_index(uint16_t index) { vbe_index_ = index; }
  uint16_t VbeRead() const;
  void VbeWrite(uint16_t value);

  // vga_mem_readb/writeb; `offset` is the address minus 0xa0000 (masked to 17 bits).
  uint8_t MemRead(uint64_t offset);
  void MemWrite(uint64_t offset, uint8_t value);

  sim::GuestMemory& vram() { return vram_; }
  // Video memory as a memory region (the PCI function's BAR0); bytes past its end read 0.
  sim::IoRegion* vram_region() { return &vram_region_; }
  static sim::AccessRules vram_rules() { return sim::AccessRules::Ops(1, 8, true, 1, 8, true); }

  uint8_t misc_output() const { return msr_; }
  bool vbe_enabled() const { return (vbe_regs_[kVbeEnable] & kVbeEnabled) != 0; }

 private:
  class PortRegion : public sim::IoRegion {
   public:
    PortRegion(VgaCore* core, uint32_t first) : core_(core), first_(first) {}
    uint64_t Read(uint64_t offset, unsigned width) override;
    void Write(uint64_t offset, unsigned width, uint64_t value) override;

   private:
    VgaCore* core_;
    uint32_t first_;  // offset from 0x3b0 of the region's first port
  };
  class VbeRegion : public sim::IoRegion {
   public:
    explicit VbeRegion(VgaCore* core) : core_(core) {}
    uint64_t Read(uint64_t offset, unsigned width) override;
    void Write(uint64_t offset, unsigned width, uint64_t value) override;

   private:
    VgaCore* core_;
  };
  class LowMemRegion : public sim::IoRegion {
   public:
    explicit LowMemRegion(VgaCore* core) : core_(core) {}
    uint64_t Read(uint64_t offset, unsigned width) override { return core_->MemRead(offset); }
    void Write(uint64_t offset, unsigned width, uint64_t value) override {
      core_->MemWrite(offset, static_cast<uint8_t>(value));
    }

   private:
    VgaCore* core_;
  };
  class VramRegion : public sim::IoRegion {
   public:
    explicit VramRegion(VgaCore* core) : core_(core) {}
    uint64_t Read(uint64_t offset, unsigned width) override;
    void Write(uint64_t offset, unsigned width, uint64_t value) override;

   private:
    VgaCore* core_;
  };

  // The sequencer register the memory paths use: the VBE shadow while VBE is enabled.
  uint8_t sr(int index) const { return vbe_enabled() ? sr_vbe_[index] : sr_[index]; }
  // Whether `offset` (from 0x3b0) belongs to the I/O set misc output does not select.
  bool WrongIoSet(uint32_t offset) const;
  // vbe_fixup_regs / vbe_update_vgaregs.
  void FixupVbeRegisters();
  void UpdateVgaRegistersForVbe();
  // Publishes vbe-adjusted when register `index` no longer holds `requested`.
  void ReportAdjusted(uint16_t index, uint16_t requested);
  std::string DescribeVbeMode() const;

  uint8_t Vram8(uint64_t address) const;
  void SetVram8(uint64_t address, uint8_t value);
  uint32_t Vram32(uint64_t index) const;  // planes 0-3 of latch address `index`
  void SetVram32(uint64_t index, uint32_t value);

  Publisher publish_;
  sim::GuestMemory vram_{kVramSize};
  std::array<PortRegion, 5> port_regions_;
  VbeRegion vbe_region_{this};
  LowMemRegion lowmem_region_{this};
  VramRegion vram_region_{this};

  uint8_t sr_index_ = 0, gr_index_ = 0, ar_index_ = 0, cr_index_ = 0;
  std::array<uint8_t, 8> sr_{}, sr_vbe_{};
  std::array<uint8_t, 16> gr_{};
  std::array<uint8_t, 21> ar_{};
  std::array<uint8_t, 256> cr_{};
  bool ar_flip_flop_ = false;
  uint8_t msr_ = 0, fcr_ = 0, st00_ = 0, st01_ = 0;
  uint8_t dac_state_ = 0, dac_sub_index_ = 0, dac_read_index_ = 0, dac_write_index_ = 0;
  std::array<uint8_t, 3> dac_cache_{};
  std::array<uint8_t, 768> palette_{};
  bool dac_8bit_ = false;
  uint32_t latch_ = 0;
  uint32_t bank_offset_ = 0;
  uint16_t vbe_index_ = 0;
  std::array<uint16_t, kVbeRegisterCount> vbe_regs_{};
  uint32_t vbe_line_offset_ = 0;
  uint32_t vbe_start_address_ = 0;
  uint32_t vbe_bank_mask_ = 0;
};

}  // namespace portrace::devices

#endif  // PORTRACE_DEVICES_PC_VGA_CORE_H_
