#include "devices/pc/edid.h"

#include <algorithm>
#include <cstdlib>

namespace portrace::devices {
namespace {

constexpr size_t kBlock = 128;
constexpr size_t kDescriptor = 18;
constexpr size_t kFirstDescriptor = 54;
constexpr size_t kFirstStandardTiming = 38;
constexpr size_t kStandardTimingsEnd = 54;
constexpr size_t kExtensionCount = 126;
constexpr size_t kChecksum = 127;

// Where a mode is announced besides the standard-timing slots.
struct Mode {
  uint32_t xres;
  uint32_t yres;
  uint8_t established_byte;  // byte of the base block's established-timings bitmap (0: none)
  uint8_t extra3_byte;       // byte of the established-timings-III descriptor (0: none)
  uint8_t bit;               // bit in whichever of the two is set
  uint8_t vic;               // CTA-861 video identification code (0: none)
};

// Largest first, as QEMU lists them: CTA-861 modes, the established timings III, the classic
// established timings.
constexpr Mode kModes[] = {
    {5120, 2160, 0, 0, 0, 125},
    {4096, 2160, 0, 0, 0, 101},
    {3840, 2160, 0, 0, 0, 96},
    {2560, 1080, 0, 0, 0, 89},
    {2048, 1152, 0, 0, 0, 0},
    {1920, 1080, 0, 0, 0, 31},
    {3840, 2160, 0, 0, 0, 97},
    {1920, 1200, 0, 10, 0, 0},
    {1600, 1200, 0, 9, 2, 0},
    {1680, 1050, 0, 9, 5, 0},
    {1440, 900, 0, 8, 5, 0},
    {1280, 1024, 0, 7, 1, 0},
    {1280, 960, 0, 7, 3, 0},
    {1280, 768, 0, 7, 6, 0},
    {1920, 1440, 0, 11, 5, 0},
    {1856, 1392, 0, 10, 3, 0},
    {1792, 1344, 0, 10, 5, 0},
    {1440, 1050, 0, 8, 1, 0},
    {1360, 768, 0, 8, 7, 0},
    {1024, 768, 36, 0, 3, 0},
    {800, 600, 35, 0, 0, 0},
    {640, 480, 35, 0, 5, 0},
};

// Detailed timing parameters made up from the resolution (uint32 arithmetic, as QEMU's).
struct Timings {
  uint32_t xfront, xsync, xblank;
  uint32_t yfront, ysync, yblank;
  uint64_t clock;  // units of 10 kHz
};

Timings MakeTimings(uint32_t refresh_mhz, uint32_t xres, uint32_t yres) {
  Timings t;
  t.xfront = xres * 25 / 100;
  t.xsync = xres * 3 / 100;
  t.xblank = xres * 35 / 100;
  t.yfront = yres * 5 / 1000;
  t.ysync = yres * 5 / 1000;
  t.yblank = yres * 35 / 1000;
  t.clock = uint64_t{refresh_mhz} * uint32_t(xres + t.xblank) * uint32_t(yres + t.yblank) /
            10000000;
  return t;
}

void PutLe16(uint8_t* p, uint32_t value) {
  p[0] = static_cast<uint8_t>(value);
  p[1] = static_cast<uint8_t>(value >> 8);
}

// Makes bytes [0, length] of `block` sum to 0 mod 256 by setting block[length] (left alone when
// they already do).
void Checksum(uint8_t* block, size_t length) {
  unsigned sum = 0;
  for (size_t i = 0; i < length; ++i) sum += block[i];
  sum &= 0xff;
  if (sum != 0) block[length] = static_cast<uint8_t>(0x100 - sum);
}

// Two bytes of a standard timing for the mode, or false when its aspect ratio has no code or
// it is too wide; 0 x 0 gives the "unused" filler.
bool StandardTiming(uint8_t* slot, uint32_t xres, uint32_t yres) {
  if (xres == 0 || yres == 0) {
    slot[0] = 0x01;
    slot[1] = 0x01;
    return true;
  }
  uint8_t aspect;
  if (xres * 10 == yres * 16) {
    aspect = 0;
  } else if (xres * 3 == yres * 4) {
    aspect = 1;
  } else if (xres * 4 == yres * 5) {
    aspect = 2;
  } else if (xres * 9 == yres * 16) {
    aspect = 3;
  } else {
    return false;
  }
  if (xres / 8 - 31 > 255) return false;
  slot[0] = static_cast<uint8_t>(xres / 8 - 31);
  slot[1] = static_cast<uint8_t>(aspect << 6);  // refresh field 0: 60 Hz
  return true;
}

void DescriptorHeader(uint8_t* desc, uint8_t tag) {
  std::fill(desc, desc + 5, 0);
  desc[3] = tag;
}

void TextDescriptor(uint8_t* desc, uint8_t tag, const std::string& text) {
  DescriptorHeader(desc, tag);
  std::fill(desc + 5, desc + kDescriptor, ' ');
  const size_t length = std::min<size_t>(text.size(), 12);
  std::copy(text.begin(), text.begin() + length, desc + 5);
  desc[5 + length] = '\n';
}

void RangeLimits(uint8_t* desc) {
  DescriptorHeader(desc, 0xfd);
  desc[5] = 50;   // vertical Hz, min
  desc[6] = 125;  // max
  desc[7] = 30;   // horizontal kHz, min
  desc[8] = 160;  // max
  desc[9] = 255;  // pixel clock, units of 10 MHz
  desc[10] = 0x01;
  desc[11] = '\n';
  std::fill(desc + 12, desc + kDescriptor, ' ');
}

void DetailedTiming(uint8_t* desc, const Timings& t, uint32_t xres, uint32_t yres, uint32_t xmm,
                    uint32_t ymm) {
  PutLe16(desc, static_cast<uint32_t>(t.clock));
  desc[2] = xres & 0xff;
  desc[3] = t.xblank & 0xff;
  desc[4] = ((xres & 0xf00) >> 4) | ((t.xblank & 0xf00) >> 8);
  desc[5] = yres & 0xff;
  desc[6] = t.yblank & 0xff;
  desc[7] = ((yres & 0xf00) >> 4) | ((t.yblank & 0xf00) >> 8);
  desc[8] = t.xfront & 0xff;
  desc[9] = t.xsync & 0xff;
  desc[10] = ((t.yfront & 0x0f) << 4) | (t.ysync & 0x0f);
  desc[11] = ((t.xfront & 0x300) >> 2) | ((t.xsync & 0x300) >> 4) | ((t.yfront & 0x30) >> 2) |
             ((t.ysync & 0x30) >> 4);
  desc[12] = xmm & 0xff;
  desc[13] = ymm & 0xff;
  desc[14] = ((xmm & 0xf00) >> 4) | ((ymm & 0xf00) >> 8);
  desc[17] = 0x18;  // digital separate sync
}

// The 10-bit fixed-point form of a chromaticity coordinate given in ten-thousandths.
uint32_t Chroma(uint32_t ten_thousandths) { return (ten_thousandths * 1024 + 5000) / 10000; }

void SrgbChromaticity(uint8_t* edid) {
  const uint32_t rx = Chroma(6400), ry = Chroma(3300), gx = Chroma(3000), gy = Chroma(6000);
  const uint32_t bx = Chroma(1500), by = Chroma(600), wx = Chroma(3127), wy = Chroma(3290);
  edid[25] = ((rx & 3) << 6) | ((ry & 3) << 4) | ((gx & 3) << 2) | (gy & 3);
  edid[26] = ((bx & 3) << 6) | ((by & 3) << 4) | ((wx & 3) << 2) | (wy & 3);
  const uint32_t high[] = {rx, ry, gx, gy, bx, by, wx, wy};
  for (int i = 0; i < 8; ++i) edid[27 + i] = static_cast<uint8_t>(high[i] >> 2);
}

// Hands out descriptor slots: the base block's four, then the CTA block's after its data blocks.
class DescriptorSlots {
 public:
  DescriptorSlots(uint8_t* edid, uint8_t* cta)
      : edid_(edid), cta_(cta), next_(edid + kFirstDescriptor) {}
  // The current slot (null when none is left).
  uint8_t* current() const { return next_; }
  void Advance() {
    if (next_ == nullptr) return;
    if (next_ + 2 * kDescriptor < edid_ + kChecksum) {
      next_ += kDescriptor;
    } else if (cta_ != nullptr && next_ < edid_ + kChecksum) {
      next_ = cta_ + cta_[2];
    } else if (cta_ != nullptr && next_ + 2 * kDescriptor < cta_ + kChecksum) {
      next_ += kDescriptor;
    } else {
      next_ = nullptr;
    }
  }

 private:
  uint8_t* edid_;
  uint8_t* cta_;
  uint8_t* next_;
};

void FillModes(uint8_t* edid, uint8_t* extra3, uint8_t* cta, uint32_t maxx, uint32_t maxy) {
  size_t slot = kFirstStandardTiming;
  for (const Mode& mode : kModes) {
    if ((maxx != 0 && mode.xres > maxx) || (maxy != 0 && mode.yres > maxy)) continue;
    if (mode.established_byte != 0) {
      edid[mode.established_byte] |= 1 << mode.bit;
    } else if (slot < kStandardTimingsEnd) {
      if (StandardTiming(edid + slot, mode.xres, mode.yres)) slot += 2;
    } else if (mode.extra3_byte != 0 && extra3 != nullptr) {
      extra3[mode.extra3_byte] |= 1 << mode.bit;
    }
    if (cta != nullptr && mode.vic != 0) {
      cta[cta[2]] = mode.vic;  // the video data block grows; descriptors start after it
      cta[2]++;
      cta[4]++;
    }
  }
  for (; slot < kStandardTimingsEnd; slot += 2) StandardTiming(edid + slot, 0, 0);
}

void DisplayIdTiming(uint8_t* did, const Timings& t, uint32_t xres, uint32_t yres) {
  did[0] = 0x70;  // DisplayID extension
  did[1] = 0x13;  // version 1.3
  did[2] = 23;    // section length
  did[3] = 0x03;  // standalone display
  did[5] = 0x03;  // type I detailed timings data block
  did[6] = 0x00;
  did[7] = 0x14;
  did[8] = t.clock & 0xff;
  did[9] = (t.clock >> 8) & 0xff;
  did[10] = (t.clock >> 16) & 0xff;
  did[11] = 0x88;  // aspect ratio undefined
  const uint32_t fields[] = {xres, t.xblank, t.xfront, t.xsync, yres, t.yblank, t.yfront, t.ysync};
  for (int i = 0; i < 8; ++i) PutLe16(did + 12 + 2 * i, (fields[i] - 1) & 0xffff);
  Checksum(did + 1, did[2] + 4);
}

// C's atoi over the serial string: leading blanks, a sign, digits; anything else ends it.
uint32_t SerialNumber(const std::string& serial) {
  return static_cast<uint32_t>(static_cast<int32_t>(std::strtol(serial.c_str(), nullptr, 10)));
}

}  // namespace

std::vector<uint8_t> GenerateEdid(const EdidInfo& in, size_t size) {
  size = std::max(size, kBlock);
  std::vector<uint8_t> blob(size, 0);
  uint8_t* edid = blob.data();

  const std::string vendor = in.vendor.size() == 3 ? in.vendor : "RHT";
  const std::string name = in.name.empty() ? "QEMU Monitor" : in.name;
  const uint32_t refresh = in.refresh_rate != 0 ? in.refresh_rate : 75000;
  const uint32_t prefx = in.prefx != 0 ? in.prefx : 1280;
  const uint32_t prefy = in.prefy != 0 ? in.prefy : 800;
  uint32_t width_mm = in.width_mm, height_mm = in.height_mm;
  if (width_mm == 0 || height_mm == 0) {
    width_mm = prefx * 254 / 10 / 100;
    height_mm = prefy * 254 / 10 / 100;
  }
  const Timings timings = MakeTimings(refresh, prefx, prefy);
  const bool large_screen = prefx >= 4096 || prefy >= 4096 || timings.clock >= 65536;

  uint8_t* cta = nullptr;
  uint8_t* did = nullptr;
  if (size >= 2 * kBlock) {
    cta = edid + kBlock;
    edid[kExtensionCount]++;
    cta[0] = 0x02;  // CTA-861 extension, revision 3
    cta[1] = 0x03;
    cta[2] = 0x05;  // descriptors start after the (growing) video data block
    cta[3] = 0x00;
    cta[4] = 0x40;  // video data block, no modes yet
  }
  if (size >= 3 * kBlock && large_screen) {
    did = edid + 2 * kBlock;
    edid[kExtensionCount]++;
  }

  // Header, vendor and product, week 42 of 2014, EDID 1.4.
  edid[0] = 0x00;
  std::fill(edid + 1, edid + 7, 0xff);
  edid[7] = 0x00;
  const uint32_t vendor_id = (((vendor[0] - '@') & 0x1f) << 10) |
                             (((vendor[1] - '@') & 0x1f) << 5) | ((vendor[2] - '@') & 0x1f);
  edid[8] = static_cast<uint8_t>(vendor_id >> 8);
  edid[9] = static_cast<uint8_t>(vendor_id);
  PutLe16(edid + 10, 0x1234);
  const uint32_t serial = in.serial.empty() ? 0 : SerialNumber(in.serial);
  PutLe16(edid + 12, serial & 0xffff);
  PutLe16(edid + 14, serial >> 16);
  edid[16] = 42;
  edid[17] = 2014 - 1990;
  edid[18] = 1;
  edid[19] = 4;
  edid[20] = 0xa5;  // digital, 8 bits per colour, DisplayPort
  edid[21] = static_cast<uint8_t>(width_mm / 10);
  edid[22] = static_cast<uint8_t>(height_mm / 10);
  edid[23] = 220 - 100;  // gamma 2.2
  edid[24] = 0x06;       // sRGB default, preferred timing in the first descriptor
  SrgbChromaticity(edid);

  DescriptorSlots slots(edid, cta);
  if (!large_screen) {
    DetailedTiming(slots.current(), timings, prefx, prefy, width_mm, height_mm);
    slots.Advance();
  }
  uint8_t* extra3 = slots.current();
  DescriptorHeader(extra3, 0xf7);
  extra3[5] = 10;
  slots.Advance();
  FillModes(edid, extra3, cta, in.maxx, in.maxy);
  RangeLimits(slots.current());
  slots.Advance();
  if (slots.current() != nullptr) {
    TextDescriptor(slots.current(), 0xfc, name);
    slots.Advance();
  }
  if (slots.current() != nullptr && !in.serial.empty()) {
    TextDescriptor(slots.current(), 0xff, in.serial);
    slots.Advance();
  }
  for (; slots.current() != nullptr; slots.Advance()) DescriptorHeader(slots.current(), 0x10);

  if (did != nullptr) DisplayIdTiming(did, timings, prefx, prefy);
  Checksum(edid, kChecksum);
  if (cta != nullptr) Checksum(cta, kChecksum);
  if (did != nullptr) Checksum(did, kChecksum);
  return blob;
}

}  // namespace portrace::devices
