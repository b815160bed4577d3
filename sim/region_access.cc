#include "sim/region_access.h"

#include <algorithm>

#include "absl/strings/str_cat.h"
#include "trace/event.h"

namespace portrace::sim {

using trace::WidthMask;

PieceRead ReadPiece(IoRegion& region, const AccessRules& rules, uint64_t offset, unsigned width,
                    uint64_t length) {
  PieceRead result;
  switch (rules.Action(offset, width)) {
    case WidthAction::kDirect:
      result.value = region.Read(offset, width) & WidthMask(width);
      break;
    case WidthAction::kAdjust: {
      const unsigned size = std::clamp<unsigned>(width, rules.impl_min, rules.impl_max);
      for (unsigned i = 0; i < width; i += size) {
        result.value |= (region.Read(offset + i, size) & WidthMask(size)) << (i * 8);
      }
      result.value &= WidthMask(width);
      break;
    }
    case WidthAction::kPortioSplit:
      result.value = region.Read(offset, 1) & 0xff;
      result.value |= (offset + 1 < length ? region.Read(offset + 1, 1) & 0xff : 0xff) << 8;
      break;
    case WidthAction::kPortioNone:
      result.value = WidthMask(width);
      result.refused = true;
      break;
    case WidthAction::kInvalid:
      result.value = 0;  // QEMU's unassigned_mem_read
      result.refused = true;
      break;
  }
  return result;
}

bool WritePiece(IoRegion& region, const AccessRules& rules, uint64_t offset, unsigned width,
                uint64_t length, uint64_t value) {
  switch (rules.Action(offset, width)) {
    case WidthAction::kDirect:
      region.Write(offset, width, value & WidthMask(width));
      return true;
    case WidthAction::kAdjust: {
      const unsigned size = std::clamp<unsigned>(width, rules.impl_min, rules.impl_max);
      for (unsigned i = 0; i < width; i += size) {
        region.Write(offset + i, size, (value >> (i * 8)) & WidthMask(size));
      }
      return true;
    }
    case WidthAction::kPortioSplit:
      region.Write(offset, 1, value & 0xff);
      if (offset + 1 < length) region.Write(offset + 1, 1, (value >> 8) & 0xff);
      return true;
    case WidthAction::kPortioNone:
    case WidthAction::kInvalid:
      return false;
  }
  return false;
}

std::string RefusalDetail(const AccessRules& rules, bool write) {
  if (rules.shape == AccessRules::Shape::kPortio) {
    return absl::StrCat("no handler for this width (", rules.ToString(), "); ",
                        write ? "dropped" : "reads all ones");
  }
  return absl::StrCat("not a valid access (", rules.ToString(), "); ",
                      write ? "dropped" : "reads 0");
}

}  // namespace portrace::sim
