// MemorySpace: the guest-physical address space seen by MMIO accesses, qtest memory commands
// and DMA. MMIO regions are mapped over it with AccessRules, like ports in IoSpace (sorted
// ranges, binary search: MMIO is rare next to port I/O in real traces); RAM (GuestMemory) lies
// beneath them; everything else is unassigned and, as in QEMU's io_mem_unassigned, reads 0 and
// drops writes.
//
// Multi-byte operations follow QEMU's flatview_read/write_continue: RAM is copied up to the end
// of RAM; an MMIO or unassigned stretch is cut into pieces sized by the region the piece starts
// in (AccessRules::PieceSize), each handed whole to that region and assembled little-endian.
// Not thread-safe.
#ifndef PORTRACE_SIM_MEMORY_SPACE_H_
#define PORTRACE_SIM_MEMORY_SPACE_H_

#include <cstdint>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "sim/access_rules.h"
#include "sim/guest_memory.h"
#include "sim/io_region.h"
#include "sim/io_space.h"

namespace portrace::sim {

struct MmioMapping {
  std::string name;
  uint64_t base = 0;
  uint64_t length = 0;
  IoRegion* region = nullptr;  // not owned
  AccessRules rules = AccessRules::Any();
  // Where `base` lies inside the region (QEMU's FlatRange offset_in_region): the region sees
  // offsets from region_offset, and alignment is judged on them. Non-zero when a container's
  // background shows between its subregions (a PCI BAR with parts).
  uint64_t region_offset = 0;
};

class MemorySpace {
 public:
  using MappingId = int;

  explicit MemorySpace(GuestMemory* ram) : ram_(ram) {}
  MemorySpace(const MemorySpace&) = delete;
  MemorySpace& operator=(const MemorySpace&) = delete;

  // InvalidArgument for an empty range, one that wraps past 2^64 or a null region;
  // AlreadyExists for an overlap with another MMIO mapping (RAM may be overlaid).
  absl::StatusOr<MappingId> Map(MmioMapping mapping);
  absl::Status Unmap(MappingId id);
  absl::Status Move(MappingId id, uint64_t new_base);
  bool IsMapped(MappingId id) const;

  void set_anomaly_sink(IoAnomalySink* sink) { sink_ = sink; }

  // One access of 1, 2, 4 or 8 bytes (qtest readb..readq / writeb..writeq, MMIO events).
  uint64_t Read(uint64_t address, unsigned width);
  void Write(uint64_t address, unsigned width, uint64_t value);

  // Byte strings (qtest read/write/memset, DMA). Addresses wrap at 2^64 as QEMU's do not;
  // the part past the top of the space is unassigned.
  void ReadBytes(uint64_t address, char* out, uint64_t length);
  void WriteBytes(uint64_t address, absl::string_view bytes);
  void Fill(uint64_t address, uint8_t byte, uint64_t length);

  // Name of the MMIO mapping at `address`, "ram", or "".
  absl::string_view NameAt(uint64_t address) const;

  GuestMemory& ram() { return *ram_; }

 private:
  struct Entry {
    MmioMapping mapping;
    bool mapped = true;
  };
  // The mapped MMIO entry containing `address`, or null.
  const Entry* Find(uint64_t address) const;
  void Resort();
  // Bytes [address, address+length) not in MMIO or RAM: how many are unassigned from `address`
  // before the next MMIO or RAM boundary.
  uint64_t UnassignedRun(uint64_t address, uint64_t length) const;
  uint64_t RegionRead(const MmioMapping& mapping, uint64_t address, unsigned width);
  void RegionWrite(const MmioMapping& mapping, uint64_t address, unsigned width, uint64_t value);
  void Report(IoAnomaly::Kind kind, uint64_t address, unsigned width, bool write,
              absl::string_view mapping, absl::string_view detail);
  // Core loop shared by reads and writes: visits each piece.
  template <typename RamFn, typename MmioFn, typename HoleFn>
  void Walk(uint64_t address, uint64_t length, RamFn ram, MmioFn mmio, HoleFn hole);

  GuestMemory* ram_;
  IoAnomalySink* sink_ = nullptr;
  std::vector<Entry> entries_;     // by mapping id
  std::vector<MappingId> sorted_;  // mapped ids by base
};

}  // namespace portrace::sim

#endif  // PORTRACE_SIM_MEMORY_SPACE_H_
