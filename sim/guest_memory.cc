#include "sim/guest_memory.h"

#include <algorithm>
#include <cstring>

namespace portrace::sim {

GuestMemory::Page& GuestMemory::PageFor(uint64_t page_number) {
  std::unique_ptr<Page>& page = pages_[page_number];
  if (page == nullptr) {
    page = std::make_unique<Page>();
    page->fill(0);
  }
  return *page;
}

void GuestMemory::Read(uint64_t address, char* out, uint64_t length) const {
  while (length > 0) {
    const uint64_t in_page = address % kPageSize;
    const uint64_t n = std::min(length, kPageSize - in_page);
    auto it = pages_.find(address / kPageSize);
    if (it == pages_.end()) {
      std::memset(out, 0, n);
    } else {
      std::memcpy(out, it->second->data() + in_page, n);
    }
    address += n;
    out += n;
    length -= n;
  }
}

void GuestMemory::Write(uint64_t address, const char* data, uint64_t length) {
  while (length > 0) {
    const uint64_t in_page = address % kPageSize;
    const uint64_t n = std::min(length, kPageSize - in_page);
    std::memcpy(PageFor(address / kPageSize).data() + in_page, data, n);
    address += n;
    data += n;
    length -= n;
  }
}

void GuestMemory::Fill(uint64_t address, uint8_t byte, uint64_t length) {
  while (length > 0) {
    const uint64_t in_page = address % kPageSize;
    const uint64_t n = std::min(length, kPageSize - in_page);
    if (byte != 0 || pages_.contains(address / kPageSize)) {
      std::memset(PageFor(address / kPageSize).data() + in_page, byte, n);
    }
    address += n;
    length -= n;
  }
}

}  // namespace portrace::sim
