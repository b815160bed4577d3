// Carrying out one piece of an access on a region as its AccessRules say — the one place where
// the rules turn into calls: QEMU's memory_region_dispatch_read/write with
// access_with_adjusted_size for Ops rules, ioport.c's portio_read/write for Portio rules. Both
// spaces (IoSpace for ports, MemorySpace for MMIO) cut accesses into pieces and hand each here.
#ifndef PORTRACE_SIM_REGION_ACCESS_H_
#define PORTRACE_SIM_REGION_ACCESS_H_

#include <cstdint>
#include <string>

#include "sim/access_rules.h"
#include "sim/io_region.h"

namespace portrace::sim {

struct PieceRead {
  uint64_t value = 0;    // what the guest reads (masked to the width)
  bool refused = false;  // the rules do not accept this width/alignment
};

// `length` is the mapped length (Portio rules answer 0xff for a split byte past it).
PieceRead ReadPiece(IoRegion& region, const AccessRules& rules, uint64_t offset, unsigned width,
                    uint64_t length);
// Returns false when the rules refuse the write (it is dropped).
bool WritePiece(IoRegion& region, const AccessRules& rules, uint64_t offset, unsigned width,
                uint64_t length, uint64_t value);

// Why a piece was refused and what the guest got, for anomaly reports.
std::string RefusalDetail(const AccessRules& rules, bool write);

}  // namespace portrace::sim

#endif  // PORTRACE_SIM_REGION_ACCESS_H_
