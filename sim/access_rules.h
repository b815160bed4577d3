// Access-width rules as data, given when a region is mapped (QEMU's MemoryRegionOps .valid and
// .impl, and its legacy "portio" lists). The spaces enforce them centrally; regions never check
// widths by hand.
//
// Two shapes exist, as in QEMU:
//  * Ops rules: `valid_*` say which accesses the device accepts at all (others are invalid: read
//    0, writes dropped, reported as a bad width); `impl_*` say what Read/Write implement; a valid
//    access outside impl is split into, or widened to, implemented sizes, little-endian
//    (QEMU access_with_adjusted_size). `impl_unaligned` false also makes the space split an
//    unaligned access into aligned pieces before it reaches the region (QEMU memory_access_size).
//  * Portio rules: the device has handlers for some widths; an access of another width is split
//    into bytes if it is 2 bytes wide and bytes have a handler (the byte past the region's end
//    reads 0xff), and otherwise reads all ones and is dropped (QEMU ioport.c portio_read/write).
#ifndef PORTRACE_SIM_ACCESS_RULES_H_
#define PORTRACE_SIM_ACCESS_RULES_H_

#include <cstdint>
#include <string>

namespace portrace::sim {

// Bit set of access widths: bit 0 = 1 byte, bit 1 = 2, bit 2 = 4, bit 3 = 8.
using WidthSet = uint8_t;
constexpr WidthSet WidthBit(unsigned width) {
  return width == 1 ? 1 : width == 2 ? 2 : width == 4 ? 4 : width == 8 ? 8 : 0;
}
inline constexpr WidthSet kWidths1 = 1, kWidths2 = 2, kWidths4 = 4, kWidths8 = 8;

// What the space does with an access of some width at some offset.
enum class WidthAction : uint8_t {
  kDirect,       // one call with that width
  kAdjust,       // split into / widened to implemented sizes (Ops rules)
  kPortioSplit,  // two byte calls, the second 0xff past the region's end (Portio rules)
  kPortioNone,   // no handler: reads all ones, write dropped (Portio rules)
  kInvalid,      // not accepted: reads 0, write dropped (Ops rules)
};

struct AccessRules {
  enum class Shape : uint8_t { kOps, kPortio };
  Shape shape = Shape::kOps;
  uint8_t valid_min = 1;
  uint8_t valid_max = 4;
  bool valid_unaligned = true;
  uint8_t impl_min = 1;
  uint8_t impl_max = 4;
  bool impl_unaligned = true;
  WidthSet portio_widths = 0;  // Portio rules: widths with a handler

  // QEMU MemoryRegionOps. A 0 for valid_max or impl_max means 4, as in QEMU.
  static AccessRules Ops(unsigned valid_min, unsigned valid_max, bool valid_unaligned,
                         unsigned impl_min, unsigned impl_max, bool impl_unaligned = false);
  // Any width 1-4 implemented directly, unaligned fine (the usual device).
  static AccessRules Any() { return Ops(1, 4, true, 1, 4, true); }
  // Only `width` accepted and implemented, aligned.
  static AccessRules Exactly(unsigned width) { return Ops(width, width, false, width, width); }
  // QEMU portio list with handlers for `widths`.
  static AccessRules Portio(WidthSet widths);

  // Largest piece the space hands this region in one go when an access starts at region offset
  // `offset` with `remaining` bytes left (QEMU memory_access_size). Always >= 1.
  unsigned PieceSize(uint64_t offset, unsigned remaining) const;
  // How a piece of `width` bytes at `offset` is carried out.
  WidthAction Action(uint64_t offset, unsigned width) const;
  // Widths for which an aligned in-range access is a single direct call (the fast path).
  WidthSet DirectWidths() const;

  // "ops valid 1-4 impl 1-1" / "portio 1,2": for messages.
  std::string ToString() const;
};

}  // namespace portrace::sim

#endif  // PORTRACE_SIM_ACCESS_RULES_H_
