#include "bench/dispatch_designs.h"

#include <algorithm>
#include <iterator>

#include "absl/strings/str_format.h"
#include "sim/access_rules.h"
#include "trace/event.h"

namespace portrace::bench {
namespace {

using trace::WidthMask;

// IoSpace::Map's argument checks, with its messages.
absl::Status CheckMapping(absl::string_view name, uint32_t base, uint32_t length,
                          const sim::IoRegion* region) {
  if (region == nullptr) {
    return absl::InvalidArgumentError(absl::StrFormat("mapping '%s' has no region", name));
  }
  if (length == 0) {
    return absl::InvalidArgumentError(absl::StrFormat("%s: empty port range at 0x%x", name, base));
  }
  if (base >= sim::kPortCount || length > sim::kPortCount - base) {
    return absl::InvalidArgumentError(
        absl::StrFormat("%s: port range 0x%x+0x%x runs past 0xffff", name, base, length));
  }
  return absl::OkStatus();
}

absl::Status OverlapError(absl::string_view name, uint32_t base, uint32_t length,
                          const RangeEntry& other, absl::string_view other_name) {
  return absl::AlreadyExistsError(absl::StrFormat("ports 0x%x-0x%x (%s) overlap 0x%x-0x%x (%s)",
                                                  base, base + length - 1, name, other.base,
                                                  other.end - 1, other_name));
}

unsigned Pow2Floor(unsigned n) { return n >= 4 ? 4 : n >= 2 ? 2 : 1; }

// Size of the piece QEMU's root I/O region (unassigned_io_ops: 1-4 bytes, split at alignment)
// takes at an unclaimed `port`.
unsigned UnclaimedPiece(uint32_t port, unsigned remaining) {
  unsigned max = 4;
  if (port != 0) max = std::min(max, port & (~port + 1));  // lowest set bit
  return Pow2Floor(std::min(remaining, max));
}

// QEMU's piece loop (IoSpace::QemuRead) for regions with AccessRules::Any(): a piece starting in
// a region is as long as what remains (up to 4) and goes whole to it.
template <typename Design>
uint32_t ReadPieces(const Design& design, uint32_t port, unsigned width) {
  uint64_t result = 0;
  unsigned done = 0;
  while (done < width) {
    const uint32_t at = port + done;
    const unsigned remaining = width - done;
    unsigned piece;
    uint64_t value;
    if (at >= sim::kPortCount) {
      piece = remaining;
      value = 0;
    } else if (const RangeEntry* entry = design.Find(at); entry != nullptr) {
      piece = Pow2Floor(remaining);
      value = entry->region->Read(at - entry->base, piece) & WidthMask(piece);
    } else {
      piece = UnclaimedPiece(at, remaining);
      value = WidthMask(piece);
    }
    result |= value << (done * 8);
    done += piece;
  }
  return static_cast<uint32_t>(result & WidthMask(width));
}

template <typename Design>
void WritePieces(const Design& design, uint32_t port, unsigned width, uint32_t value) {
  unsigned done = 0;
  while (done < width) {
    const uint32_t at = port + done;
    const unsigned remaining = width - done;
    unsigned piece;
    if (at >= sim::kPortCount) {
      piece = remaining;
    } else if (const RangeEntry* entry = design.Find(at); entry != nullptr) {
      piece = Pow2Floor(remaining);
      entry->region->Write(at - entry->base, piece, (value >> (done * 8)) & WidthMask(piece));
    } else {
      piece = UnclaimedPiece(at, remaining);
    }
    done += piece;
  }
}

}  // namespace

absl::Status FlatTable::Map(absl::string_view name, uint32_t base, uint32_t length,
                            sim::IoRegion* region) {
  sim::PortMapping mapping;
  mapping.name = std::string(name);
  mapping.base = base;
  mapping.length = length;
  mapping.region = region;
  mapping.rules = sim::AccessRules::Any();
  return space_.Map(std::move(mapping)).status();
}

absl::Status SortedRanges::Map(absl::string_view name, uint32_t base, uint32_t length,
                               sim::IoRegion* region) {
  if (absl::Status status = CheckMapping(name, base, length, region); !status.ok()) return status;
  const uint32_t end = base + length;
  auto it = std::upper_bound(ranges_.begin(), ranges_.end(), base,
                             [](uint32_t p, const RangeEntry& r) { return p < r.base; });
  const size_t at = static_cast<size_t>(it - ranges_.begin());
  if (at > 0 && ranges_[at - 1].end > base) {
    return OverlapError(name, base, length, ranges_[at - 1], names_[at - 1]);
  }
  if (at < ranges_.size() && ranges_[at].base < end) {
    return OverlapError(name, base, length, ranges_[at], names_[at]);
  }
  ranges_.insert(it, RangeEntry{base, end, region});
  names_.insert(names_.begin() + at, std::string(name));
  return absl::OkStatus();
}

uint32_t SortedRanges::SlowRead(uint32_t port, unsigned width) const {
  return ReadPieces(*this, port, width);
}

void SortedRanges::SlowWrite(uint32_t port, unsigned width, uint32_t value) const {
  WritePieces(*this, port, width, value);
}

absl::Status StdMap::Map(absl::string_view name, uint32_t base, uint32_t length,
                         sim::IoRegion* region) {
  if (absl::Status status = CheckMapping(name, base, length, region); !status.ok()) return status;
  const uint32_t end = base + length;
  auto next = ranges_.upper_bound(base);
  if (next != ranges_.begin()) {
    const RangeEntry& before = std::prev(next)->second;
    if (before.end > base) return OverlapError(name, base, length, before, names_[before.base]);
  }
  if (next != ranges_.end() && next->second.base < end) {
    return OverlapError(name, base, length, next->second, names_[next->second.base]);
  }
  ranges_.emplace(base, RangeEntry{base, end, region});
  names_.emplace(base, std::string(name));
  return absl::OkStatus();
}

uint32_t StdMap::SlowRead(uint32_t port, unsigned width) const {
  return ReadPieces(*this, port, width);
}

void StdMap::SlowWrite(uint32_t port, unsigned width, uint32_t value) const {
  WritePieces(*this, port, width, value);
}

absl::Status FlatEntries::Map(absl::string_view name, uint32_t base, uint32_t length,
                              sim::IoRegion* region) {
  if (absl::Status status = ranges_.Map(name, base, length, region); !status.ok()) return status;
  const uint32_t end = base + length;
  for (uint32_t port = base; port < end; ++port) {
    Entry& entry = table_[port];
    entry.region = region;
    entry.base = base;
    entry.fast_widths = 0;
    // AccessRules::Any(): every width direct, unaligned fine; it only has to fit.
    for (unsigned width : {1u, 2u, 4u}) {
      if (port + width <= end) entry.fast_widths |= sim::WidthBit(width);
    }
  }
  return absl::OkStatus();
}

}  // namespace portrace::bench
