#include "sim/io_space.h"

#include <algorithm>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "sim/region_access.h"
#include "trace/event.h"

namespace portrace::sim {
namespace {

using trace::WidthMask;

constexpr int kUnclaimedId = -1;
constexpr int kDeniedId = -2;

// QEMU's root "io" region (unassigned_io_ops): any width up to 4, split at alignment.
const AccessRules kUnassignedRules = AccessRules::Ops(1, 4, true, 1, 4, false);

}  // namespace

absl::string_view IoAnomalyKindName(IoAnomaly::Kind kind) {
  switch (kind) {
    case IoAnomaly::Kind::kUnclaimed:
      return "unclaimed";
    case IoAnomaly::Kind::kBadWidth:
      return "bad-width";
    case IoAnomaly::Kind::kStraddle:
      return "straddle";
    case IoAnomaly::Kind::kDenied:
      return "denied";
  }
  return "unknown";
}

IoSpace::IoSpace(SpaceSemantics semantics)
    : semantics_(semantics),
      deny_(kPortCount, false),
      table_(kPortCount, &unclaimed_),
      fast_(new FastEntry[kPortCount]) {
  unclaimed_.mapping_id = kUnclaimedId;
  unclaimed_.rules = kUnassignedRules;
  denied_.mapping_id = kDeniedId;
  denied_.name = "denied";
}

absl::Status IoSpace::CheckRange(uint32_t base, uint32_t length) const {
  if (length == 0) {
    return absl::InvalidArgumentError(absl::StrFormat("empty port range at 0x%x", base));
  }
  if (base >= kPortCount || length > kPortCount - base) {
    return absl::InvalidArgumentError(
        absl::StrFormat("port range 0x%x+0x%x runs past 0xffff", base, length));
  }
  return absl::OkStatus();
}

absl::Status IoSpace::CheckOverlap(const PortMapping& mapping, MappingId ignore) const {
  for (MappingId id = 0; id < static_cast<MappingId>(mappings_.size()); ++id) {
    if (id == ignore || !mapped_[id]) continue;
    const PortMapping& other = mappings_[id];
    if (other.owner != mapping.owner) continue;
    if (mapping.base < other.base + other.length && other.base < mapping.base + mapping.length) {
      return absl::AlreadyExistsError(
          absl::StrFormat("ports 0x%x-0x%x (%s) overlap 0x%x-0x%x (%s)", mapping.base,
                          mapping.base + mapping.length - 1, mapping.name, other.base,
                          other.base + other.length - 1, other.name));
    }
  }
  return absl::OkStatus();
}

absl::StatusOr<IoSpace::MappingId> IoSpace::Map(PortMapping mapping) {
  if (mapping.region == nullptr) {
    return absl::InvalidArgumentError(absl::StrFormat("mapping '%s' has no region", mapping.name));
  }
  if (absl::Status status = CheckRange(mapping.base, mapping.length); !status.ok()) {
    return absl::InvalidArgumentError(absl::StrCat(mapping.name, ": ", status.message()));
  }
  if (absl::Status status = CheckOverlap(mapping, -1); !status.ok()) return status;
  const MappingId id = static_cast<MappingId>(mappings_.size());
  auto slot = std::make_unique<Slot>();
  slot->region = mapping.region;
  slot->base = mapping.base;
  slot->length = mapping.length;
  slot->direct = mapping.rules.DirectWidths();
  slot->unaligned_direct = mapping.rules.valid_unaligned && mapping.rules.impl_unaligned;
  slot->owner = mapping.owner;
  slot->mapping_id = id;
  slot->rules = mapping.rules;
  slot->name = mapping.name;
  auto shadowed = std::make_unique<Slot>(*slot);
  shadowed->direct = 0;
  shadowed->unaligned_direct = false;
  slots_.push_back(std::move(slot));
  shadowed_slots_.push_back(std::move(shadowed));
  mappings_.push_back(std::move(mapping));
  mapped_.push_back(true);
  Rebuild();
  return id;
}

absl::Status IoSpace::Unmap(MappingId id) {
  if (!IsMapped(id)) {
    return absl::NotFoundError(absl::StrFormat("no port mapping with id %d", id));
  }
  mapped_[id] = false;
  Rebuild();
  return absl::OkStatus();
}

absl::Status IoSpace::Move(MappingId id, uint32_t new_base) {
  if (!IsMapped(id)) {
    return absl::NotFoundError(absl::StrFormat("no port mapping with id %d", id));
  }
  PortMapping moved = mappings_[id];
  moved.base = new_base;
  if (absl::Status status = CheckRange(moved.base, moved.length); !status.ok()) {
    return absl::InvalidArgumentError(absl::StrCat(moved.name, ": ", status.message()));
  }
  if (absl::Status status = CheckOverlap(moved, id); !status.ok()) return status;
  mappings_[id].base = new_base;
  slots_[id]->base = new_base;
  shadowed_slots_[id]->base = new_base;
  Rebuild();
  return absl::OkStatus();
}

bool IoSpace::IsMapped(MappingId id) const {
  return id >= 0 && id < static_cast<MappingId>(mapped_.size()) && mapped_[id];
}

const PortMapping* IoSpace::mapping(MappingId id) const {
  return IsMapped(id) ? &mappings_[id] : nullptr;
}

absl::Status IoSpace::Deny(uint32_t base, uint32_t length) {
  if (absl::Status status = CheckRange(base, length); !status.ok()) return status;
  std::fill(deny_.begin() + base, deny_.begin() + base + length, true);
  Rebuild();
  return absl::OkStatus();
}

absl::Status IoSpace::Allow(uint32_t base, uint32_t length) {
  if (absl::Status status = CheckRange(base, length); !status.ok()) return status;
  std::fill(deny_.begin() + base, deny_.begin() + base + length, false);
  Rebuild();
  return absl::OkStatus();
}

void IoSpace::Rebuild() {
  // Mappings change rarely (device creation, BAR programming, unplug); a full rebuild of 64 Ki
  // entries keeps this simple and obviously right.
  std::fill(table_.begin(), table_.end(), &unclaimed_);
  // Paint owners from lowest to highest so that the newest emulator wins on overlap.
  std::vector<MappingId> order;
  for (MappingId id = 0; id < static_cast<MappingId>(mappings_.size()); ++id) {
    if (mapped_[id]) order.push_back(id);
  }
  std::stable_sort(order.begin(), order.end(), [this](MappingId a, MappingId b) {
    return mappings_[a].owner < mappings_[b].owner;
  });
  for (MappingId id : order) {
    const PortMapping& mapping = mappings_[id];
    for (uint32_t port = mapping.base; port < mapping.base + mapping.length; ++port) {
      table_[port] = slots_[id].get();
    }
  }
  for (uint32_t port = 0; port < kPortCount; ++port) {
    if (deny_[port]) table_[port] = &denied_;
  }
  for (MappingId id : order) {
    const PortMapping& mapping = mappings_[id];
    const uint32_t end = mapping.base + mapping.length;
    bool whole = true;
    for (uint32_t port = mapping.base; port < end && whole; ++port) {
      whole = table_[port] == slots_[id].get();
    }
    if (whole) continue;
    for (uint32_t port = mapping.base; port < end; ++port) {
      if (table_[port] == slots_[id].get()) table_[port] = shadowed_slots_[id].get();
    }
  }
  // The fast path: per port, the widths an access may take straight to the region.
  for (uint32_t port = 0; port < kPortCount; ++port) {
    const Slot& slot = *table_[port];
    FastEntry entry;
    if (slot.mapping_id >= 0 && slot.direct != 0) {
      const uint32_t offset = port - slot.base;
      for (unsigned width : {1u, 2u, 4u}) {
        if ((slot.direct & WidthBit(width)) && offset + width <= slot.length &&
            ((offset & (width - 1)) == 0 || slot.unaligned_direct)) {
          entry.direct |= WidthBit(width);
        }
      }
      if (entry.direct != 0) {
        entry.region = slot.region;
        entry.base = slot.base;
      }
    }
    fast_[port] = entry;
  }
}

const IoSpace::Slot& IoSpace::SlotAt(uint32_t port) const {
  return port < kPortCount ? *table_[port] : unclaimed_;
}

absl::string_view IoSpace::MappingNameAt(uint32_t port) const { return SlotAt(port).name; }

bool IoSpace::FollowsClockAt(uint32_t port) const {
  const Slot& slot = SlotAt(port);
  return slot.region != nullptr && slot.region->FollowsClock(port - slot.base);
}

void IoSpace::Report(IoAnomaly::Kind kind, uint32_t port, unsigned width, bool write,
                     absl::string_view mapping, absl::string_view detail) {
  if (sink_ == nullptr) return;
  sink_->OnIoAnomaly(IoAnomaly{kind, port, width, write, /*mmio=*/false, mapping, detail});
}

bool IoSpace::XenForwards(uint32_t port, unsigned width) const {
  const Slot& first = SlotAt(port);
  if (first.mapping_id < 0) return false;
  for (unsigned i = 1; i < width; ++i) {
    const Slot& slot = SlotAt(port + i);
    if (slot.mapping_id < 0 || slot.owner != first.owner) return false;
  }
  return true;
}

bool IoSpace::Admit(uint32_t port, unsigned width, bool write) {
  const Slot& first = SlotAt(port);
  for (unsigned i = 0; i < width; ++i) {
    if (SlotAt(port + i).mapping_id == kDeniedId) {
      Report(IoAnomaly::Kind::kDenied, port, width, write, "", "port permission denied");
      return false;
    }
  }
  // A portio handler of this width takes the whole access at its port (QEMU's {offset, len 1,
  // size 2} entries: the IDE data port), however short the region: not a straddle.
  const bool portio_whole = first.mapping_id >= 0 &&
                            first.rules.shape == AccessRules::Shape::kPortio &&
                            first.rules.Action(port - first.base, width) == WidthAction::kDirect;
  for (unsigned i = 1; i < width && !portio_whole; ++i) {
    const Slot& slot = SlotAt(port + i);
    if (&slot != &first) {
      const std::string detail = slot.mapping_id < 0 ? std::string("runs into unclaimed ports")
                                                     : absl::StrCat("runs into ", slot.name);
      Report(IoAnomaly::Kind::kStraddle, port, width, write, first.name, detail);
      break;
    }
  }
  if (semantics_ == SpaceSemantics::kXen && !XenForwards(port, width)) {
    Report(IoAnomaly::Kind::kUnclaimed, port, width, write, first.name,
           write ? "no emulator claims every byte; Xen's null handler drops it"
                 : "no emulator claims every byte; Xen's null handler answers");
    return false;
  }
  return true;
}

uint64_t IoSpace::SlowRead(uint32_t port, unsigned width) {
  if (!Admit(port, width, /*write=*/false)) return WidthMask(width);
  return QemuRead(port, width);
}

void IoSpace::SlowWrite(uint32_t port, unsigned width, uint32_t value) {
  if (Admit(port, width, /*write=*/true)) QemuWrite(port, width, value);
}

uint64_t IoSpace::QemuRead(uint32_t port, unsigned width) {
  uint64_t result = 0;
  bool unclaimed = false;
  uint32_t unclaimed_port = 0;
  unsigned done = 0;
  while (done < width) {
    const uint32_t at = port + done;
    const unsigned remaining = width - done;
    const Slot& slot = SlotAt(at);
    unsigned piece;
    uint64_t value;
    if (at >= kPortCount) {
      // Past the end of the 64 KiB space QEMU's flatview has nothing: those bytes read 0
      // (recorded: `inl 0xfffe` answers 0x0000ffff).
      piece = remaining;
      value = 0;
      if (!unclaimed) unclaimed_port = at;
      unclaimed = true;
    } else if (slot.mapping_id < 0) {
      piece = kUnassignedRules.PieceSize(at, remaining);
      value = WidthMask(piece);
      if (!unclaimed) unclaimed_port = at;
      unclaimed = true;
    } else {
      piece = slot.rules.PieceSize(at - slot.base, remaining);
      value = RegionRead(slot, at, piece);
    }
    result |= value << (done * 8);
    done += piece;
  }
  if (unclaimed) {
    Report(IoAnomaly::Kind::kUnclaimed, unclaimed_port, width, false, "", "reads all ones");
  }
  return result & WidthMask(width);
}

void IoSpace::QemuWrite(uint32_t port, unsigned width, uint64_t value) {
  bool unclaimed = false;
  uint32_t unclaimed_port = 0;
  unsigned done = 0;
  while (done < width) {
    const uint32_t at = port + done;
    const unsigned remaining = width - done;
    const Slot& slot = SlotAt(at);
    unsigned piece;
    if (slot.mapping_id < 0) {
      piece = at >= kPortCount ? remaining : kUnassignedRules.PieceSize(at, remaining);
      if (!unclaimed) unclaimed_port = at;
      unclaimed = true;
    } else {
      piece = slot.rules.PieceSize(at - slot.base, remaining);
      RegionWrite(slot, at, piece, (value >> (done * 8)) & WidthMask(piece));
    }
    done += piece;
  }
  if (unclaimed) {
    Report(IoAnomaly::Kind::kUnclaimed, unclaimed_port, width, true, "", "write dropped");
  }
}

uint64_t IoSpace::RegionRead(const Slot& slot, uint32_t port, unsigned width) {
  const PieceRead piece = ReadPiece(*slot.region, slot.rules, port - slot.base, width, slot.length);
  if (piece.refused) {
    Report(IoAnomaly::Kind::kBadWidth, port, width, false, slot.name,
           RefusalDetail(slot.rules, /*write=*/false));
  }
  return piece.value;
}

void IoSpace::RegionWrite(const Slot& slot, uint32_t port, unsigned width, uint64_t value) {
  if (!WritePiece(*slot.region, slot.rules, port - slot.base, width, slot.length, value)) {
    Report(IoAnomaly::Kind::kBadWidth, port, width, true, slot.name,
           RefusalDetail(slot.rules, /*write=*/true));
  }
}

}  // namespace portrace::sim
