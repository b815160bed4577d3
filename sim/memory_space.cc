#include "sim/memory_space.h"

#include <algorithm>
#include <cstring>

#include "absl/base/internal/endian.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "sim/region_access.h"
#include "trace/event.h"

namespace portrace::sim {
namespace {

using trace::WidthMask;

}  // namespace

absl::StatusOr<MemorySpace::MappingId> MemorySpace::Map(MmioMapping mapping) {
  if (mapping.region == nullptr) {
    return absl::InvalidArgumentError(absl::StrFormat("mapping '%s' has no region", mapping.name));
  }
  if (mapping.length == 0 || mapping.base + mapping.length - 1 < mapping.base) {
    return absl::InvalidArgumentError(absl::StrFormat("%s: bad MMIO range 0x%x+0x%x", mapping.name,
                                                      mapping.base, mapping.length));
  }
  for (const Entry& other : entries_) {
    if (!other.mapped) continue;
    const MmioMapping& o = other.mapping;
    if (mapping.base <= o.base + o.length - 1 && o.base <= mapping.base + mapping.length - 1) {
      return absl::AlreadyExistsError(absl::StrFormat(
          "MMIO 0x%x-0x%x (%s) overlaps 0x%x-0x%x (%s)", mapping.base,
          mapping.base + mapping.length - 1, mapping.name, o.base, o.base + o.length - 1, o.name));
    }
  }
  entries_.push_back(Entry{std::move(mapping), true});
  Resort();
  return static_cast<MappingId>(entries_.size() - 1);
}

absl::Status MemorySpace::Unmap(MappingId id) {
  if (!IsMapped(id)) return absl::NotFoundError(absl::StrFormat("no MMIO mapping with id %d", id));
  entries_[id].mapped = false;
  Resort();
  return absl::OkStatus();
}

absl::Status MemorySpace::Move(MappingId id, uint64_t new_base) {
  if (!IsMapped(id)) return absl::NotFoundError(absl::StrFormat("no MMIO mapping with id %d", id));
  MmioMapping moved = entries_[id].mapping;
  moved.base = new_base;
  entries_[id].mapped = false;
  absl::StatusOr<MappingId> check = Map(moved);
  if (!check.ok()) {
    entries_[id].mapped = true;
    Resort();
    return check.status();
  }
  // Map appended a fresh entry; fold it back into `id` so the caller's id stays valid.
  entries_[id] = std::move(entries_.back());
  entries_.pop_back();
  Resort();
  return absl::OkStatus();
}

bool MemorySpace::IsMapped(MappingId id) const {
  return id >= 0 && id < static_cast<MappingId>(entries_.size()) && entries_[id].mapped;
}

void MemorySpace::Resort() {
  sorted_.clear();
  for (MappingId id = 0; id < static_cast<MappingId>(entries_.size()); ++id) {
    if (entries_[id].mapped) sorted_.push_back(id);
  }
  std::sort(sorted_.begin(), sorted_.end(), [this](MappingId a, MappingId b) {
    return entries_[a].mapping.base < entries_[b].mapping.base;
  });
}

const MemorySpace::Entry* MemorySpace::Find(uint64_t address) const {
  auto it =
      std::upper_bound(sorted_.begin(), sorted_.end(), address,
                       [this](uint64_t a, MappingId id) { return a < entries_[id].mapping.base; });
  if (it == sorted_.begin()) return nullptr;
  const Entry& entry = entries_[*(it - 1)];
  if (address - entry.mapping.base < entry.mapping.length) return &entry;
  return nullptr;
}

uint64_t MemorySpace::UnassignedRun(uint64_t address, uint64_t length) const {
  uint64_t run = length;
  auto it =
      std::upper_bound(sorted_.begin(), sorted_.end(), address,
                       [this](uint64_t a, MappingId id) { return a < entries_[id].mapping.base; });
  if (it != sorted_.end()) run = std::min(run, entries_[*it].mapping.base - address);
  return run;
}

absl::string_view MemorySpace::NameAt(uint64_t address) const {
  if (const Entry* entry = Find(address)) return entry->mapping.name;
  if (ram_->Contains(address)) return "ram";
  return "";
}

void MemorySpace::Report(IoAnomaly::Kind kind, uint64_t address, unsigned width, bool write,
                         absl::string_view mapping, absl::string_view detail) {
  if (sink_ == nullptr) return;
  sink_->OnIoAnomaly(IoAnomaly{kind, address, width, write, /*mmio=*/true, mapping, detail});
}

template <typename RamFn, typename MmioFn, typename HoleFn>
void MemorySpace::Walk(uint64_t address, uint64_t length, RamFn ram, MmioFn mmio, HoleFn hole) {
  uint64_t done = 0;
  while (done < length) {
    const uint64_t at = address + done;
    const uint64_t remaining = length - done;
    if (done > 0 && at == 0) {  // wrapped past the top of the space: nothing is there
      hole(done, remaining);
      return;
    }
    uint64_t piece;
    if (const Entry* entry = Find(at)) {
      piece = entry->mapping.rules.PieceSize(
          at - entry->mapping.base + entry->mapping.region_offset,
          static_cast<unsigned>(std::min<uint64_t>(remaining, 8)));
      mmio(entry->mapping, at, done, static_cast<unsigned>(piece));
    } else if (ram_->Contains(at)) {
      piece = std::min(remaining, ram_->size() - at);
      piece = std::min(piece, UnassignedRun(at, piece));
      ram(at, done, piece);
    } else {
      // Unassigned: QEMU would cut this stretch into aligned pieces that all read 0 and drop
      // writes, so one step covers it.
      piece = UnassignedRun(at, remaining);
      hole(done, piece);
    }
    done += piece;
  }
}

uint64_t MemorySpace::Read(uint64_t address, unsigned width) {
  char bytes[8] = {};
  ReadBytes(address, bytes, width);
  return absl::little_endian::Load64(bytes) & WidthMask(width);
}

void MemorySpace::Write(uint64_t address, unsigned width, uint64_t value) {
  char bytes[8];
  absl::little_endian::Store64(bytes, value);
  WriteBytes(address, absl::string_view(bytes, width));
}

void MemorySpace::ReadBytes(uint64_t address, char* out, uint64_t length) {
  bool hole_seen = false;
  uint64_t hole_at = 0;
  Walk(
      address, length,
      [&](uint64_t at, uint64_t done, uint64_t n) { ram_->Read(at, out + done, n); },
      [&](const MmioMapping& mapping, uint64_t at, uint64_t done, unsigned n) {
        const uint64_t value = RegionRead(mapping, at, n);
        for (unsigned i = 0; i < n; ++i) out[done + i] = static_cast<char>(value >> (8 * i));
      },
      [&](uint64_t done, uint64_t n) {
        std::memset(out + done, 0, n);
        if (!hole_seen) hole_at = address + done;
        hole_seen = true;
      });
  if (hole_seen) {
    Report(IoAnomaly::Kind::kUnclaimed, hole_at,
           static_cast<unsigned>(std::min<uint64_t>(length, 8)), false, "",
           "unassigned memory reads 0");
  }
}

void MemorySpace::WriteBytes(uint64_t address, absl::string_view bytes) {
  bool hole_seen = false;
  uint64_t hole_at = 0;
  Walk(
      address, bytes.size(),
      [&](uint64_t at, uint64_t done, uint64_t n) { ram_->Write(at, bytes.data() + done, n); },
      [&](const MmioMapping& mapping, uint64_t at, uint64_t done, unsigned n) {
        uint64_t value = 0;
        for (unsigned i = 0; i < n; ++i) {
          value |= uint64_t{static_cast<uint8_t>(bytes[done + i])} << (8 * i);
        }
        RegionWrite(mapping, at, n, value);
      },
      [&](uint64_t done, uint64_t) {
        if (!hole_seen) hole_at = address + done;
        hole_seen = true;
      });
  if (hole_seen) {
    Report(IoAnomaly::Kind::kUnclaimed, hole_at,
           static_cast<unsigned>(std::min<uint64_t>(bytes.size(), 8)), true, "",
           "write to unassigned memory dropped");
  }
}

void MemorySpace::Fill(uint64_t address, uint8_t byte, uint64_t length) {
  bool hole_seen = false;
  uint64_t hole_at = 0;
  Walk(
      address, length, [&](uint64_t at, uint64_t, uint64_t n) { ram_->Fill(at, byte, n); },
      [&](const MmioMapping& mapping, uint64_t at, uint64_t, unsigned n) {
        RegionWrite(mapping, at, n, 0x0101010101010101ull * byte & WidthMask(n));
      },
      [&](uint64_t done, uint64_t) {
        if (!hole_seen) hole_at = address + done;
        hole_seen = true;
      });
  if (hole_seen) {
    Report(IoAnomaly::Kind::kUnclaimed, hole_at,
           static_cast<unsigned>(std::min<uint64_t>(length, 8)), true, "",
           "fill of unassigned memory dropped");
  }
}

uint64_t MemorySpace::RegionRead(const MmioMapping& mapping, uint64_t address, unsigned width) {
  const PieceRead piece =
      ReadPiece(*mapping.region, mapping.rules, address - mapping.base + mapping.region_offset,
                width, mapping.region_offset + mapping.length);
  if (piece.refused) {
    Report(IoAnomaly::Kind::kBadWidth, address, width, false, mapping.name,
           RefusalDetail(mapping.rules, /*write=*/false));
  }
  return piece.value;
}

void MemorySpace::RegionWrite(const MmioMapping& mapping, uint64_t address, unsigned width,
                              uint64_t value) {
  if (!WritePiece(*mapping.region, mapping.rules, address - mapping.base + mapping.region_offset,
                  width, mapping.region_offset + mapping.length, value)) {
    Report(IoAnomaly::Kind::kBadWidth, address, width, true, mapping.name,
           RefusalDetail(mapping.rules, /*write=*/true));
  }
}

}  // namespace portrace::sim
