// EDID: the monitor description a QEMU display device exposes (for std VGA, at the start of BAR2),
// generated as QEMU 7.2's qemu_edid_generate builds it from the device's EDID properties.
//
// The blob is EDID 1.4 (128-byte base block) followed by a CTA-861 extension block and, for a
// "large screen", a DisplayID 1.3 extension:
//  * base block: header, vendor "RHT" (or the given three letters), product 0x1234, the serial
//    number's leading decimal digits, week 42 of 2014, digital DisplayPort 8 bpc input, the
//    physical size from the preferred mode at 100 dpi (or the given millimetres), sRGB
//    chromaticity, and the mode tables described below;
//  * descriptors in order: the preferred detailed timing (not for a large screen: its fields
//    have only 12 bits), "established timings III", the range limits (50-125 Hz, 30-160 kHz,
//    2550 MHz), the monitor name, the serial number; descriptors that do not fit in the base
//    block continue in the CTA block after its video data block; the rest are dummies (tag 0x10);
//  * modes: a fixed list, largest first; those above the maximum size (when one is given) are
//    left out. Each lands in the established-timings bitmap if it has a bit there, else in the
//    next of the eight standard-timing slots while any is free (a mode whose aspect ratio has no
//    standard-timing code then lands nowhere), else in the established-timings-III descriptor;
//    modes with a CTA-861 video identification code are also listed in the CTA block;
//  * detailed timings are not real monitor timings: blanking, porches and sync widths are fixed
//    fractions of the resolution and the pixel clock follows from the refresh rate (75 Hz unless
//    given), as in QEMU;
//  * a large screen (either side 4096 or more, or a pixel clock of 655.36 MHz or more) carries
//    its preferred timing in the DisplayID block instead, when the blob has room (384 bytes).
// Each block ends in its checksum byte. Pure functions; thread-safe.
#ifndef PORTRACE_DEVICES_PC_EDID_H_
#define PORTRACE_DEVICES_PC_EDID_H_

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

namespace portrace::devices {

// QEMU's qemu_edid_info: the display device's EDID properties (xres, yres, xmax, ymax,
// refresh_rate, ...). Zero and empty mean QEMU's defaults.
struct EdidInfo {
  std::string vendor;      // three capital letters; anything else means "RHT"
  std::string name;        // "" means "QEMU Monitor"; at most 12 characters are used
  std::string serial;      // "" means no serial number descriptor
  uint32_t width_mm = 0;   // physical size; both or neither (then 100 dpi)
  uint32_t height_mm = 0;
  uint32_t prefx = 0;      // preferred mode; 0 means 1280x800
  uint32_t prefy = 0;
  uint32_t maxx = 0;       // largest mode listed; 0 means no limit
  uint32_t maxy = 0;
  uint32_t refresh_rate = 0;  // mHz; 0 means 75000
};

// The EDID blob of `size` bytes (QEMU's std VGA uses 384: base, CTA and room for DisplayID).
// Sizes below 128 are raised to 128; the bytes past the blocks present are zero.
std::vector<uint8_t> GenerateEdid(const EdidInfo& info, size_t size);

}  // namespace portrace::devices

#endif  // PORTRACE_DEVICES_PC_EDID_H_
