// IoSpace: the x86 I/O port space (0x0000-0xffff) and its dispatch.
//
// Regions are mapped at a base over a length with their AccessRules. Dispatch is a flat table of
// 65536 entries, one per port, each holding the region, its base and the set of widths that may
// go straight to it from that port (implemented directly, aligned as the rules require, inside
// the mapping): an access makes one indexed load, one bit test and one virtual call. Everything
// else —
// unclaimed ports, straddling, unaligned or odd widths, denied ports — leaves the fast path and
// is resolved centrally with the semantics of the machine's hypervisor:
//
//  * kQemu: QEMU's address space (system/physmem.c flatview_read/write_continue). An access is cut
//    into pieces, each sized by the region its first byte falls in (AccessRules::PieceSize) and
//    handed whole to that region; unclaimed pieces read all ones (QEMU's unassigned_io_ops).
//  * kXen: a Xen HVM guest. Xen forwards a port access to an emulator only if every byte of it
//    lies in ports that emulator claims (adjacent claims merge, as in Xen's rangesets); otherwise
//    its null handler answers all ones and drops writes. A forwarded access then behaves as in
//    QEMU.
//
// Several emulators may claim ports (Xen ioreq servers, protocol.md §f): each mapping has an
// owner id; mappings of one owner may not overlap, and where owners overlap the highest id wins,
// as Xen scans servers from the newest. A port permission bitmap (Deny/Allow) takes precedence
// over every mapping. All of this is folded into the table when mappings change, so the common
// path never pays for it.
//
// Unusual accesses are reported to an IoAnomalySink (if set) as they are resolved: unclaimed,
// bad width, straddle, denied. Not thread-safe.
#ifndef PORTRACE_SIM_IO_SPACE_H_
#define PORTRACE_SIM_IO_SPACE_H_

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "sim/access_rules.h"
#include "sim/io_region.h"

namespace portrace::sim {

inline constexpr uint32_t kPortCount = 0x10000;

enum class SpaceSemantics { kQemu, kXen };

struct PortMapping {
  std::string name;  // stable, for reports: "platform-fixed", "ide0-cmd"
  uint32_t base = 0;
  uint32_t length = 0;
  IoRegion* region = nullptr;  // not owned; must outlive the mapping
  AccessRules rules = AccessRules::Any();
  int owner = 0;  // emulator id (Xen ioreq server); higher wins where owners overlap
};

// Something unusual about one access, reported by IoSpace (ports) and MemorySpace (MMIO).
struct IoAnomaly {
  enum class Kind { kUnclaimed, kBadWidth, kStraddle, kDenied };
  Kind kind;
  uint64_t address;  // port or guest-physical address of the access (or piece, for kBadWidth)
  uint32_t width;    // width of that access or piece
  bool write;
  bool mmio;                  // false: I/O port space
  absl::string_view mapping;  // mapping involved ("" when none); valid during the callback
  absl::string_view detail;   // e.g. "invalid for ops valid 1-1 impl 1-1"
};

class IoAnomalySink {
 public:
  virtual ~IoAnomalySink() = default;
  virtual void OnIoAnomaly(const IoAnomaly& anomaly) = 0;
};

absl::string_view IoAnomalyKindName(IoAnomaly::Kind kind);

class IoSpace {
 public:
  using MappingId = int;

  explicit IoSpace(SpaceSemantics semantics = SpaceSemantics::kQemu);
  IoSpace(const IoSpace&) = delete;
  IoSpace& operator=(const IoSpace&) = delete;

  SpaceSemantics semantics() const { return semantics_; }

  // Maps a region. InvalidArgument for an empty range, a range past 0xffff or a null region;
  // AlreadyExists (naming both mappings) if it overlaps a mapping of the same owner.
  absl::StatusOr<MappingId> Map(PortMapping mapping);
  // NotFound for an unknown id.
  absl::Status Unmap(MappingId id);
  // Moves a mapping to a new base (PCI BAR programming); same checks as Map.
  absl::Status Move(MappingId id, uint32_t new_base);
  // Whether `id` is currently mapped, and where.
  bool IsMapped(MappingId id) const;
  const PortMapping* mapping(MappingId id) const;

  // Port permission bitmap: denied ports answer all ones, drop writes and report kDenied.
  absl::Status Deny(uint32_t base, uint32_t length);
  absl::Status Allow(uint32_t base, uint32_t length);

  void set_anomaly_sink(IoAnomalySink* sink) { sink_ = sink; }

  // Guest IN/OUT. `width` is 1, 2 or 4 (callers validate); `port` is below 0x10000.
  inline uint32_t Read(uint32_t port, unsigned width);
  inline void Write(uint32_t port, unsigned width, uint32_t value);

  // Name of the mapping that claims `port` ("" if none), for reports and statistics.
  absl::string_view MappingNameAt(uint32_t port) const;
  // Whether the region claiming `port` says a read there follows the clock (IoRegion::FollowsClock).
  bool FollowsClockAt(uint32_t port) const;

 private:
  // The fast path's view of one port, derived from the slots by Rebuild.
  struct FastEntry {
    IoRegion* region = nullptr;
    uint32_t base = 0;
    WidthSet direct = 0;  // widths that go straight to `region` from this port
  };

  // A table entry. `mapping_id` < 0 marks the unclaimed and denied sentinels.
  struct Slot {
    IoRegion* region = nullptr;
    uint32_t base = 0;
    uint32_t length = 0;
    WidthSet direct = 0;  // widths that take the fast path when aligned and in range
    bool unaligned_direct = false;
    int owner = 0;
    int mapping_id = -1;
    AccessRules rules;
    std::string name;
  };

  // The checks before an access leaves the fast path for QEMU's piece loop: denied ports,
  // straddling, and (Xen) whether an emulator takes it at all. False: answered by the null handler.
  bool Admit(uint32_t port, unsigned width, bool write);
  uint64_t SlowRead(uint32_t port, unsigned width);
  void SlowWrite(uint32_t port, unsigned width, uint32_t value);
  // QEMU's piece loop over [port, port+width).
  uint64_t QemuRead(uint32_t port, unsigned width);
  void QemuWrite(uint32_t port, unsigned width, uint64_t value);
  uint64_t RegionRead(const Slot& slot, uint32_t port, unsigned width);
  void RegionWrite(const Slot& slot, uint32_t port, unsigned width, uint64_t value);
  // Whether Xen would forward [port, port+width) to a single emulator.
  bool XenForwards(uint32_t port, unsigned width) const;
  const Slot& SlotAt(uint32_t port) const;
  void Report(IoAnomaly::Kind kind, uint32_t port, unsigned width, bool write,
              absl::string_view mapping, absl::string_view detail);
  absl::Status CheckRange(uint32_t base, uint32_t length) const;
  absl::Status CheckOverlap(const PortMapping& mapping, MappingId ignore) const;
  // Recomputes the dispatch table from the mappings and the permission bitmap.
  void Rebuild();

  SpaceSemantics semantics_;
  IoAnomalySink* sink_ = nullptr;
  // By mapping id. Each mapping has two slots: the normal one, and a twin with no fast path used
  // when some of its ports are shadowed (denied, or claimed by a newer emulator), so that an
  // access running into a shadowed port always takes the slow path.
  std::vector<std::unique_ptr<Slot>> slots_;
  std::vector<std::unique_ptr<Slot>> shadowed_slots_;
  std::vector<PortMapping> mappings_;  // by mapping id
  std::vector<bool> mapped_;           // by mapping id
  Slot unclaimed_;
  Slot denied_;
  std::vector<bool> deny_;             // by port
  std::vector<const Slot*> table_;     // by port: the slot that claims it
  std::unique_ptr<FastEntry[]> fast_;  // by port: the fast path
};

// Widths are 1, 2 or 4, which are also their WidthBit.
inline uint32_t IoSpace::Read(uint32_t port, unsigned width) {
  const FastEntry& entry = fast_[port];
  if (entry.direct & width)
    return static_cast<uint32_t>(entry.region->Read(port - entry.base, width));
  return static_cast<uint32_t>(SlowRead(port, width));
}

inline void IoSpace::Write(uint32_t port, unsigned width, uint32_t value) {
  const FastEntry& entry = fast_[port];
  if (entry.direct & width) {
    entry.region->Write(port - entry.base, width, value);
    return;
  }
  SlowWrite(port, width, value);
}

}  // namespace portrace::sim

#endif  // PORTRACE_SIM_IO_SPACE_H_
