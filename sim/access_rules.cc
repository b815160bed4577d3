#include "sim/access_rules.h"

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"

namespace portrace::sim {
namespace {

unsigned Pow2Floor(unsigned n) {
  unsigned p = 1;
  while (p * 2 <= n) p *= 2;
  return p;
}

}  // namespace

AccessRules AccessRules::Ops(unsigned valid_min, unsigned valid_max, bool valid_unaligned,
                             unsigned impl_min, unsigned impl_max, bool impl_unaligned) {
  AccessRules rules;
  rules.shape = Shape::kOps;
  rules.valid_min = static_cast<uint8_t>(valid_min == 0 ? 1 : valid_min);
  rules.valid_max = static_cast<uint8_t>(valid_max == 0 ? 4 : valid_max);
  rules.valid_unaligned = valid_unaligned;
  rules.impl_min = static_cast<uint8_t>(impl_min == 0 ? 1 : impl_min);
  rules.impl_max = static_cast<uint8_t>(impl_max == 0 ? 4 : impl_max);
  rules.impl_unaligned = impl_unaligned;
  return rules;
}

AccessRules AccessRules::Portio(WidthSet widths) {
  AccessRules rules;
  rules.shape = Shape::kPortio;
  // QEMU's portio_ops: valid 1-4, unaligned valid and implemented.
  rules.valid_min = 1;
  rules.valid_max = 4;
  rules.valid_unaligned = true;
  rules.impl_min = 1;
  rules.impl_max = 4;
  rules.impl_unaligned = true;
  rules.portio_widths = widths;
  return rules;
}

unsigned AccessRules::PieceSize(uint64_t offset, unsigned remaining) const {
  unsigned max = valid_max;
  if (!impl_unaligned && offset != 0) {
    const uint64_t align = offset & (~offset + 1);  // lowest set bit
    if (align < max) max = static_cast<unsigned>(align);
  }
  return Pow2Floor(remaining < max ? remaining : max);
}

WidthAction AccessRules::Action(uint64_t offset, unsigned width) const {
  if (shape == Shape::kPortio) {
    if (portio_widths & WidthBit(width)) return WidthAction::kDirect;
    if (width == 2 && (portio_widths & kWidths1)) return WidthAction::kPortioSplit;
    return WidthAction::kPortioNone;
  }
  if (width < valid_min || width > valid_max) return WidthAction::kInvalid;
  if (!valid_unaligned && (offset & (width - 1)) != 0) return WidthAction::kInvalid;
  if (width >= impl_min && width <= impl_max) return WidthAction::kDirect;
  return WidthAction::kAdjust;
}

WidthSet AccessRules::DirectWidths() const {
  WidthSet set = 0;
  for (unsigned width : {1u, 2u, 4u, 8u}) {
    // An aligned access at offset 0 is direct exactly when it is direct at any aligned offset,
    // and PieceSize never shortens it.
    if (Action(0, width) == WidthAction::kDirect && PieceSize(0, width) == width) {
      set |= WidthBit(width);
    }
  }
  return set;
}

std::string AccessRules::ToString() const {
  if (shape == Shape::kPortio) {
    std::string widths;
    for (unsigned width : {1u, 2u, 4u}) {
      if (portio_widths & WidthBit(width)) {
        absl::StrAppend(&widths, widths.empty() ? "" : ",", width);
      }
    }
    return absl::StrFormat("portio %s", widths.empty() ? "none" : widths);
  }
  return absl::StrFormat("ops valid %u-%u%s impl %u-%u", valid_min, valid_max,
                         valid_unaligned ? "" : " aligned", impl_min, impl_max);
}

}  // namespace portrace::sim
