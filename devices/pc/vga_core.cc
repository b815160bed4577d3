#include "devices/pc/vga_core.h"

#include <algorithm>
#include <utility>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "base/status_macros.h"

namespace portrace::devices {
namespace {

// Port offsets from 0x3b0.
enum : uint32_t {
  kCrtIndexMono = 0x04,
  kCrtDataMono = 0x05,
  kStatus1Mono = 0x0a,
  kAttrIndex = 0x10,
  kAttrData = 0x11,
  kMiscWrite = 0x12,
  kSeqIndex = 0x14,
  kSeqData = 0x15,
  kDacReadIndex = 0x17,
  kDacWriteIndex = 0x18,
  kDacData = 0x19,
  kFeatureRead = 0x1a,
  kMiscRead = 0x1c,
  kGfxIndex = 0x1e,
  kGfxData = 0x1f,
  kCrtIndexColour = 0x24,
  kCrtDataColour = 0x25,
  kStatus1Colour = 0x2a,
};

// The port regions QEMU's vga portio list creates: {first offset from 0x3b0, ports}.
constexpr struct {
  uint32_t first;
  uint32_t count;
} kPortRegions[] = {{0x04, 2}, {0x0a, 1}, {0x10, 16}, {0x24, 2}, {0x2a, 1}};

// Bits the guest can set in each register (QEMU's sr_mask, gr_mask).
constexpr uint8_t kSeqWritable[8] = {0x03, 0x3d, 0x0f, 0x3f, 0x0e, 0x00, 0x00, 0xff};
constexpr uint8_t kGfxWritable[16] = {0x0f, 0x0f, 0x0f, 0x1f, 0x03, 0x7b, 0x0f, 0x0f,
                                      0xff, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00};

// Register numbers.
enum : int {
  kSeqClockMode = 1,
  kSeqPlaneWrite = 2,
  kSeqMemoryMode = 4,
  kGfxSetReset = 0,
  kGfxSetResetEnable = 1,
  kGfxColorCompare = 2,
  kGfxDataRotate = 3,
  kGfxReadPlane = 4,
  kGfxMode = 5,
  kGfxMisc = 6,
  kGfxColorDontCare = 7,
  kGfxBitMask = 8,
  kAttrMode = 0x10,
  kAttrOverscan = 0x11,
  kAttrPlaneEnable = 0x12,
  kAttrPel = 0x13,
  kAttrColorPage = 0x14,
  kAttrCount = 0x15,
  kCrtHDisplay = 0x01,
  kCrtOverflow = 0x07,
  kCrtMaxScan = 0x09,
  kCrtVDisplayEnd = 0x12,
  kCrtOffset = 0x13,
  kCrtMode = 0x17,
  kCrtLineCompare = 0x18,
  kCrtVSyncEnd = 0x11,
};

constexpr uint8_t kMiscColour = 0x01;
constexpr uint8_t kSeqChain4 = 0x08;
constexpr uint8_t kAllPlanes = 0x0f;
constexpr uint8_t kCrtProtect = 0x80;
constexpr uint8_t kStatus1Toggle = 0x09;  // vertical retrace | display enable

const char* const kVbeNames[] = {"ID",         "XRES",        "YRES",     "BPP",
                                 "ENABLE",     "BANK",        "VIRT_WIDTH", "VIRT_HEIGHT",
                                 "X_OFFSET",   "Y_OFFSET"};

// One byte per plane set in `planes` (QEMU's mask16; plane 0 in the low byte).
uint32_t PlaneMask(unsigned planes) {
  uint32_t mask = 0;
  for (int p = 0; p < 4; ++p) {
    if (planes & (1u << p)) mask |= 0xffu << (8 * p);
  }
  return mask;
}

}  // namespace

VgaCore::VgaCore(Publisher publish)
    : publish_(std::move(publish)),
      port_regions_{{{this, kPortRegions[0].first},
                     {this, kPortRegions[1].first},
                     {this, kPortRegions[2].first},
                     {this, kPortRegions[3].first},
                     {this, kPortRegions[4].first}}} {
  // vga_common_reset.
  vbe_regs_[kVbeId] = 0xb0c5;
  vbe_bank_mask_ = static_cast<uint32_t>((kVramSize >> 16) - 1);
}

absl::Status VgaCore::MapLegacy(sim::Machine* machine) {
  for (size_t i = 0; i < port_regions_.size(); ++i) {
    PT_RETURN_IF_ERROR(machine->io()
                           .Map({"vga", kVgaPortBase + kPortRegions[i].first,
                                 kPortRegions[i].count, &port_regions_[i],
                                 sim::AccessRules::Portio(sim::kWidths1)})
                           .status());
  }
  PT_RETURN_IF_ERROR(
      machine->io()
          .Map({"vbe", kVbePortBase, 4, &vbe_region_, sim::AccessRules::Portio(sim::kWidths2)})
          .status());
  sim::MmioMapping lowmem;
  lowmem.name = "vga-lowmem";
  lowmem.base = kVgaLowMemBase;
  lowmem.length = kVgaLowMemSize;
  lowmem.region = &lowmem_region_;
  // QEMU's vga_mem_ops: implemented bytewise; no valid limits (so up to 4 bytes per piece).
  lowmem.rules = sim::AccessRules::Ops(1, 4, false, 1, 1);
  return machine->memory().Map(std::move(lowmem)).status();
}

uint64_t VgaCore::PortRegion::Read(uint64_t offset, unsigned width) {
  return core_->PortRead(first_ + static_cast<uint32_t>(offset));
}

void VgaCore::PortRegion::Write(uint64_t offset, unsigned width, uint64_t value) {
  core_->PortWrite(first_ + static_cast<uint32_t>(offset), static_cast<uint8_t>(value));
}

// 0x1ce index, 0x1cf and 0x1d0 data; 0x1d1 lies in QEMU's region but has no handler.
uint64_t VgaCore::VbeRegion::Read(uint64_t offset, unsigned width) {
  if (offset == 0) return core_->vbe_index();
  if (offset <= 2) return core_->VbeRead();
  return 0xffff;
}

void VgaCore::VbeRegion::Write(uint64_t offset, unsigned width, uint64_t value) {
  if (offset == 0) {
    core_->set_vbe_index(static_cast<uint16_t>(value));
  } else if (offset <= 2) {
    core_->VbeWrite(static_cast<uint16_t>(value));
  }
}

uint64_t VgaCore::VramRegion::Read(uint64_t offset, unsigned width) {
  uint64_t value = 0;
  for (unsigned i = 0; i < width; ++i) {
    if (offset + i < kVramSize) value |= uint64_t{core_->Vram8(offset + i)} << (8 * i);
  }
  return value;
}

void VgaCore::VramRegion::Write(uint64_t offset, unsigned width, uint64_t value) {
  for (unsigned i = 0; i < width; ++i) {
    if (offset + i < kVramSize) core_->SetVram8(offset + i, static_cast<uint8_t>(value >> (8 * i)));
  }
}

uint8_t VgaCore::Vram8(uint64_t address) const {
  char byte = 0;
  vram_.Read(address, &byte, 1);
  return static_cast<uint8_t>(byte);
}

void VgaCore::SetVram8(uint64_t address, uint8_t value) {
  const char byte = static_cast<char>(value);
  vram_.Write(address, &byte, 1);
}

uint32_t VgaCore::Vram32(uint64_t index) const {
  char bytes[4];
  vram_.Read(index * 4, bytes, 4);
  uint32_t value = 0;
  for (int i = 0; i < 4; ++i) value |= uint32_t{static_cast<uint8_t>(bytes[i])} << (8 * i);
  return value;
}

void VgaCore::SetVram32(uint64_t index, uint32_t value) {
  char bytes[4];
  for (int i = 0; i < 4; ++i) bytes[i] = static_cast<char>(value >> (8 * i));
  vram_.Write(index * 4, bytes, 4);
}

bool VgaCore::WrongIoSet(uint32_t offset) const {
  if (msr_ & kMiscColour) return offset < 0x10;  // 0x3b0-0x3bf
  return offset >= 0x20 && offset < 0x30;         // 0x3d0-0x3df
}

uint8_t VgaCore::PortRead(uint32_t offset) {
  if (WrongIoSet(offset)) return 0xff;
  switch (offset) {
    case kAttrIndex:
      return ar_flip_flop_ ? 0 : ar_index_;
    case kAttrData: {
      const int index = ar_index_ & 0x1f;
      return index < kAttrCount ? ar_[index] : 0;
    }
    case kMiscWrite:
      return st00_;
    case kSeqIndex:
      return sr_index_;
    case kSeqData:
      return sr_[sr_index_];
    case kDacReadIndex:
      return dac_state_;
    case kDacWriteIndex:
      return dac_write_index_;
    case kDacData: {
      const uint8_t value = palette_[dac_read_index_ * 3 + dac_sub_index_];
      if (++dac_sub_index_ == 3) {
        dac_sub_index_ = 0;
        ++dac_read_index_;
      }
      return value;
    }
    case kFeatureRead:
      return fcr_;
    case kMiscRead:
      return msr_;
    case kGfxIndex:
      return gr_index_;
    case kGfxData:
      return gr_[gr_index_];
    case kCrtIndexMono:
    case kCrtIndexColour:
      return cr_index_;
    case kCrtDataMono:
    case kCrtDataColour:
      return cr_[cr_index_];
    case kStatus1Mono:
    case kStatus1Colour:
      st01_ ^= kStatus1Toggle;  // QEMU's default retrace: toggle to fool polling
      ar_flip_flop_ = false;
      return st01_;
    default:
      return 0;
  }
}

void VgaCore::PortWrite(uint32_t offset, uint8_t value) {
  if (WrongIoSet(offset)) return;
  switch (offset) {
    case kAttrIndex:
      if (!ar_flip_flop_) {
        ar_index_ = value & 0x3f;
      } else {
        const int index = ar_index_ & 0x1f;
        if (index < kAttrMode) {
          ar_[index] = value & 0x3f;
        } else if (index == kAttrMode) {
          ar_[index] = value & ~0x10;
        } else if (index == kAttrOverscan) {
          ar_[index] = value;
        } else if (index == kAttrPlaneEnable) {
          ar_[index] = value & ~0xc0;
        } else if (index == kAttrPel || index == kAttrColorPage) {
          ar_[index] = value & ~0xf0;
        }
      }
      ar_flip_flop_ = !ar_flip_flop_;
      break;
    case kMiscWrite: {
      const uint8_t old = msr_;
      msr_ = value & ~0x10;
      if ((old ^ msr_) & kMiscColour) {
        publish_("io-select", msr_, (msr_ & kMiscColour) ? "colour" : "mono");
      }
      break;
    }
    case kSeqIndex:
      sr_index_ = value & 7;
      break;
    case kSeqData:
      sr_[sr_index_] = value & kSeqWritable[sr_index_];
      break;
    case kDacReadIndex:
      dac_read_index_ = value;
      dac_sub_index_ = 0;
      dac_state_ = 3;
      break;
    case kDacWriteIndex:
      dac_write_index_ = value;
      dac_sub_index_ = 0;
      dac_state_ = 0;
      break;
    case kDacData:
      dac_cache_[dac_sub_index_] = value;
      if (++dac_sub_index_ == 3) {
        std::copy(dac_cache_.begin(), dac_cache_.end(), palette_.begin() + dac_write_index_ * 3);
        dac_sub_index_ = 0;
        ++dac_write_index_;
      }
      break;
    case kGfxIndex:
      gr_index_ = value & 0x0f;
      break;
    case kGfxData:
      gr_[gr_index_] = value & kGfxWritable[gr_index_];
      UpdateVgaRegistersForVbe();
      break;
    case kCrtIndexMono:
    case kCrtIndexColour:
      cr_index_ = value;
      break;
    case kCrtDataMono:
    case kCrtDataColour:
      if ((cr_[kCrtVSyncEnd] & kCrtProtect) && cr_index_ <= kCrtOverflow) {
        if (cr_index_ == kCrtOverflow) {
          cr_[kCrtOverflow] = (cr_[kCrtOverflow] & ~0x10) | (value & 0x10);
          UpdateVgaRegistersForVbe();
        }
        return;
      }
      cr_[cr_index_] = value;
      UpdateVgaRegistersForVbe();
      break;
    case kStatus1Mono:
    case kStatus1Colour:
      fcr_ = value & 0x10;
      break;
    default:
      break;
  }
}

uint16_t VgaCore::VbeRead() const {
  if (vbe_index_ < kVbeRegisterCount) {
    if (vbe_regs_[kVbeEnable] & kVbeGetCaps) {
      switch (vbe_index_) {
        case kVbeXres:
          return kVbeMaxXres;
        case kVbeYres:
          return kVbeMaxYres;
        case kVbeBpp:
          return kVbeMaxBpp;
        default:
          break;
      }
    }
    return vbe_regs_[vbe_index_];
  }
  if (vbe_index_ == kVbeVideoMemory64k) return static_cast<uint16_t>(kVramSize >> 16);
  return 0;
}

void VgaCore::ReportAdjusted(uint16_t index, uint16_t requested) {
  if (vbe_regs_[index] == requested) return;
  publish_("vbe-adjusted", uint64_t{index} << 16 | requested,
           absl::StrFormat("%s %u -> %u", kVbeNames[index], requested, vbe_regs_[index]));
}

std::string VgaCore::DescribeVbeMode() const {
  const uint16_t enable = vbe_regs_[kVbeEnable];
  return absl::StrFormat("%ux%ux%u virtual %ux%u%s%s%s", vbe_regs_[kVbeXres],
                         vbe_regs_[kVbeYres], vbe_regs_[kVbeBpp], vbe_regs_[kVbeVirtWidth],
                         vbe_regs_[kVbeVirtHeight], (enable & kVbeLfbEnabled) ? " lfb" : "",
                         (enable & kVbeNoClearMem) ? " noclearmem" : "",
                         (enable & kVbe8BitDac) ? " 8bit-dac" : "");
}

void VgaCore::VbeWrite(uint16_t value) {
  // QEMU accepts index 0xa here too (<= VBE_DISPI_INDEX_NB), where nothing happens.
  switch (vbe_index_) {
    case kVbeId:
      if (value >= 0xb0c0 && value <= 0xb0c5) vbe_regs_[kVbeId] = value;
      break;
    case kVbeXres:
    case kVbeYres:
    case kVbeBpp:
    case kVbeVirtWidth:
    case kVbeXOffset:
    case kVbeYOffset: {
      const uint16_t index = vbe_index_;
      vbe_regs_[index] = value;
      FixupVbeRegisters();
      UpdateVgaRegistersForVbe();
      if (vbe_enabled()) ReportAdjusted(index, value);
      break;
    }
    case kVbeBank:
      vbe_regs_[kVbeBank] = value & vbe_bank_mask_;
      bank_offset_ = uint32_t{vbe_regs_[kVbeBank]} << 16;
      ReportAdjusted(kVbeBank, value);
      break;
    case kVbeEnable: {
      const bool enabling = (value & kVbeEnabled) && !vbe_enabled();
      if (enabling) {
        const uint16_t requested[] = {vbe_regs_[kVbeXres], vbe_regs_[kVbeYres],
                                      vbe_regs_[kVbeBpp]};
        vbe_regs_[kVbeVirtWidth] = 0;
        vbe_regs_[kVbeXOffset] = 0;
        vbe_regs_[kVbeYOffset] = 0;
        vbe_regs_[kVbeEnable] |= kVbeEnabled;
        FixupVbeRegisters();
        UpdateVgaRegistersForVbe();
        if (!(value & kVbeNoClearMem)) {
          vram_.Fill(0, 0, uint64_t{vbe_regs_[kVbeYres]} * vbe_line_offset_);
        }
        for (int i = 0; i < 3; ++i) ReportAdjusted(kVbeXres + i, requested[i]);
      } else {
        bank_offset_ = 0;
      }
      const bool was_enabled = vbe_enabled();
      dac_8bit_ = (value & kVbe8BitDac) != 0;
      vbe_regs_[kVbeEnable] = value;
      if (enabling) {
        publish_("vbe-enabled", value, DescribeVbeMode());
      } else if (was_enabled && !(value & kVbeEnabled)) {
        publish_("vbe-disabled", value, "");
      }
      break;
    }
    default:
      break;
  }
}

void VgaCore::FixupVbeRegisters() {
  if (!vbe_enabled()) return;
  std::array<uint16_t, kVbeRegisterCount>& r = vbe_regs_;
  uint32_t bits;
  switch (r[kVbeBpp]) {
    case 4:
    case 8:
    case 16:
    case 24:
    case 32:
      bits = r[kVbeBpp];
      break;
    case 15:
      bits = 16;
      break;
    default:
      bits = r[kVbeBpp] = 8;
      break;
  }
  r[kVbeXres] &= ~7u;
  if (r[kVbeXres] == 0) r[kVbeXres] = 8;
  if (r[kVbeXres] > kVbeMaxXres) r[kVbeXres] = kVbeMaxXres;
  r[kVbeVirtWidth] &= ~7u;
  if (r[kVbeVirtWidth] > kVbeMaxXres) r[kVbeVirtWidth] = kVbeMaxXres;
  if (r[kVbeVirtWidth] < r[kVbeXres]) r[kVbeVirtWidth] = r[kVbeXres];

  const uint32_t line_length = uint32_t{r[kVbeVirtWidth]} * bits / 8;
  const uint32_t max_lines = static_cast<uint32_t>(kVramSize / line_length);
  if (r[kVbeYres] == 0) r[kVbeYres] = 1;
  if (r[kVbeYres] > kVbeMaxYres) r[kVbeYres] = kVbeMaxYres;
  if (r[kVbeYres] > max_lines) r[kVbeYres] = static_cast<uint16_t>(max_lines);

  if (r[kVbeXOffset] > kVbeMaxXres) r[kVbeXOffset] = kVbeMaxXres;
  if (r[kVbeYOffset] > kVbeMaxYres) r[kVbeYOffset] = kVbeMaxYres;
  uint32_t offset = uint32_t{r[kVbeXOffset]} * bits / 8 + uint32_t{r[kVbeYOffset]} * line_length;
  if (offset + uint32_t{r[kVbeYres]} * line_length > kVramSize) {
    r[kVbeYOffset] = 0;
    offset = uint32_t{r[kVbeXOffset]} * bits / 8;
    if (offset + uint32_t{r[kVbeYres]} * line_length > kVramSize) {
      r[kVbeXOffset] = 0;
      offset = 0;
    }
  }
  r[kVbeVirtHeight] = static_cast<uint16_t>(max_lines);  // modulo 65536, as QEMU stores it
  vbe_line_offset_ = line_length;
  vbe_start_address_ = offset / 4;
}

void VgaCore::UpdateVgaRegistersForVbe() {
  if (!vbe_enabled()) return;
  // Graphics mode, memory map 1 (0xa0000, 64 KiB).
  gr_[kGfxMisc] = (gr_[kGfxMisc] & ~0x0c) | 0x04 | 0x01;
  cr_[kCrtMode] |= 3;  // no CGA address wrapping
  cr_[kCrtOffset] = static_cast<uint8_t>(vbe_line_offset_ >> 3);
  cr_[kCrtHDisplay] = static_cast<uint8_t>((vbe_regs_[kVbeXres] >> 3) - 1);
  const int h = vbe_regs_[kVbeYres] - 1;
  cr_[kCrtVDisplayEnd] = static_cast<uint8_t>(h);
  cr_[kCrtOverflow] = (cr_[kCrtOverflow] & ~0x42) | ((h >> 7) & 0x02) | ((h >> 3) & 0x40);
  cr_[kCrtLineCompare] = 0xff;  // line compare at 1023
  cr_[kCrtOverflow] |= 0x10;
  cr_[kCrtMaxScan] |= 0x40;
  int shift_control;
  if (vbe_regs_[kVbeBpp] == 4) {
    shift_control = 0;
    sr_vbe_[kSeqClockMode] &= ~8;  // no double line
  } else {
    shift_control = 2;
    sr_vbe_[kSeqMemoryMode] |= kSeqChain4;
    sr_vbe_[kSeqPlaneWrite] |= kAllPlanes;
  }
  gr_[kGfxMode] = (gr_[kGfxMode] & ~0x60) | (shift_control << 5);
  cr_[kCrtMaxScan] &= ~0x9f;  // no double scan
}

uint8_t VgaCore::MemRead(uint64_t offset) {
  uint64_t address = offset & 0x1ffff;
  switch ((gr_[kGfxMisc] >> 2) & 3) {
    case 0:
      break;
    case 1:
      if (address >= 0x10000) return 0xff;
      address += bank_offset_;
      break;
    case 2:
      if (address < 0x10000 || address - 0x10000 >= 0x8000) return 0xff;
      address -= 0x10000;
      break;
    default:
      if (address < 0x18000) return 0xff;
      address -= 0x18000;
      break;
  }
  if (sr(kSeqMemoryMode) & kSeqChain4) return Vram8(address);
  if (gr_[kGfxMode] & 0x10) {  // odd/even
    const uint64_t plane = (gr_[kGfxReadPlane] & 2) | (address & 1);
    address = ((address & ~uint64_t{1}) << 1) | plane;
    return address < kVramSize ? Vram8(address) : 0xff;
  }
  if (address * 4 >= kVramSize) return 0xff;
  latch_ = Vram32(address);
  if (!(gr_[kGfxMode] & 0x08)) {  // read mode 0: one plane
    return static_cast<uint8_t>(latch_ >> (8 * gr_[kGfxReadPlane]));
  }
  // Read mode 1: a 1 for each pixel whose colour (in the planes GR7 cares about) equals GR2.
  uint32_t differ = (latch_ ^ PlaneMask(gr_[kGfxColorCompare])) & PlaneMask(gr_[kGfxColorDontCare]);
  differ |= differ >> 16;
  differ |= differ >> 8;
  return static_cast<uint8_t>(~differ);
}

void VgaCore::MemWrite(uint64_t offset, uint8_t byte) {
  uint64_t address = offset & 0x1ffff;
  switch ((gr_[kGfxMisc] >> 2) & 3) {
    case 0:
      break;
    case 1:
      if (address >= 0x10000) return;
      address += bank_offset_;
      break;
    case 2:
      if (address < 0x10000 || address - 0x10000 >= 0x8000) return;
      address -= 0x10000;
      break;
    default:
      if (address < 0x18000) return;
      address -= 0x18000;
      break;
  }
  if (sr(kSeqMemoryMode) & kSeqChain4) {
    if (sr(kSeqPlaneWrite) & (1u << (address & 3))) SetVram8(address, byte);
    return;
  }
  if (gr_[kGfxMode] & 0x10) {  // odd/even
    const uint64_t plane = (gr_[kGfxReadPlane] & 2) | (address & 1);
    if (!(sr(kSeqPlaneWrite) & (1u << plane))) return;
    address = ((address & ~uint64_t{1}) << 1) | plane;
    if (address < kVramSize) SetVram8(address, byte);
    return;
  }
  uint32_t value = byte;
  uint32_t bit_mask = 0;
  const unsigned rotate = gr_[kGfxDataRotate] & 7;
  bool logic = true;
  switch (gr_[kGfxMode] & 3) {
    case 0: {
      value = ((value >> rotate) | (value << (8 - rotate))) & 0xff;
      value *= 0x01010101;
      const uint32_t enable = PlaneMask(gr_[kGfxSetResetEnable]);
      value = (value & ~enable) | (PlaneMask(gr_[kGfxSetReset]) & enable);
      bit_mask = gr_[kGfxBitMask];
      break;
    }
    case 1:
      value = latch_;
      logic = false;
      break;
    case 2:
      value = PlaneMask(value & 0x0f);
      bit_mask = gr_[kGfxBitMask];
      break;
    default:
      value = (value >> rotate) | (value << (8 - rotate));
      bit_mask = gr_[kGfxBitMask] & value;
      value = PlaneMask(gr_[kGfxSetReset]);
      break;
  }
  if (logic) {
    switch (gr_[kGfxDataRotate] >> 3) {
      case 1:
        value &= latch_;
        break;
      case 2:
        value |= latch_;
        break;
      case 3:
        value ^= latch_;
        break;
      default:
        break;
    }
    bit_mask = (bit_mask & 0xff) * 0x01010101;
    value = (value & bit_mask) | (latch_ & ~bit_mask);
  }
  const uint32_t write_mask = PlaneMask(sr(kSeqPlaneWrite));
  if (address * 4 >= kVramSize) return;
  SetVram32(address, (Vram32(address) & ~write_mask) | (value & write_mask));
}

}  // namespace portrace::devices
