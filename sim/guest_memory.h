// GuestMemory: the guest's RAM, [0, size), sparse and bounded. Pages (4 KiB) are allocated on
// first write, so a trace that touches a few DMA buffers costs a few pages, and no trace can make
// portrace allocate more than `size` bytes. Unwritten RAM reads as zero. Not thread-safe.
#ifndef PORTRACE_SIM_GUEST_MEMORY_H_
#define PORTRACE_SIM_GUEST_MEMORY_H_

#include <array>
#include <cstdint>
#include <memory>

#include "absl/container/flat_hash_map.h"
#include "absl/strings/string_view.h"

namespace portrace::sim {

class GuestMemory {
 public:
  static constexpr uint64_t kPageSize = 4096;

  explicit GuestMemory(uint64_t size) : size_(size) {}

  uint64_t size() const { return size_; }
  bool Contains(uint64_t address) const { return address < size_; }

  // The range must lie inside [0, size()); callers (MemorySpace) clamp.
  void Read(uint64_t address, char* out, uint64_t length) const;
  void Write(uint64_t address, const char* data, uint64_t length);
  void Fill(uint64_t address, uint8_t byte, uint64_t length);

  size_t pages_allocated() const { return pages_.size(); }

 private:
  using Page = std::array<char, kPageSize>;
  Page& PageFor(uint64_t page_number);

  uint64_t size_;
  absl::flat_hash_map<uint64_t, std::unique_ptr<Page>> pages_;
};

}  // namespace portrace::sim

#endif  // PORTRACE_SIM_GUEST_MEMORY_H_
