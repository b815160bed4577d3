// IoRegion: what a device exposes to an address space. A region sees offsets relative to where
// it is mapped, never absolute ports or addresses: the space (IoSpace, MemorySpace) owns
// placement, and the same region class serves any base (an IDE channel at 0x1f0 or 0x170).
#ifndef PORTRACE_SIM_IO_REGION_H_
#define PORTRACE_SIM_IO_REGION_H_

#include <cstdint>

namespace portrace::sim {

class IoRegion {
 public:
  virtual ~IoRegion() = default;
  // `width` is one the region's AccessRules implement (the space splits or widens the others).
  // `offset` may reach past the mapped length: like QEMU, a space hands the whole piece of an
  // access to the region its first byte falls in.
  virtual uint64_t Read(uint64_t offset, unsigned width) = 0;
  virtual void Write(uint64_t offset, unsigned width, uint64_t value) = 0;
  // True when what a read at `offset` answers, in the region's present state, depends on time: a
  // timer's count, a clock's registers, a flag a clock sets, or a status that says busy for as
  // long as the reference model's host takes to finish work (QEMU's block I/O) where portrace
  // finishes at once. A capture that carries no time cannot be expected to agree there with a
  // replay whose clock stood still (see ReplayedEvent).
  virtual bool FollowsClock(uint64_t offset) const { return false; }
};

}  // namespace portrace::sim

#endif  // PORTRACE_SIM_IO_REGION_H_
