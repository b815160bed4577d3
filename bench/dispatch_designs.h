// Designs for dispatching I/O port accesses, compared by bench/dispatch_bench.cc.
//
// A design maps regions over port ranges and routes guest IN/OUT to them. All of them answer
// identically, with the semantics sim::IoSpace gives regions in QEMU mode when their AccessRules
// are Any() (widths 1-4 implemented directly, unaligned fine):
//  * an access whose first port a region claims goes whole to that region at its offset, even if
//    it runs past the region's end (QEMU hands a piece to the region its first byte falls in);
//  * any other access takes QEMU's piece loop: aligned pieces of unclaimed ports read all ones
//    and drop writes, a piece starting in a region goes to it, bytes past 0xffff read 0.
// They differ in how a port finds its region:
//  * FlatTable: sim::IoSpace itself, a table of 65536 slot pointers: one load per access.
//  * SortedRanges: a vector of ranges sorted by base, searched with std::upper_bound; the design
//    of KVM's kvm_io_bus (virt/kvm/kvm_main.c bsearch()es a sorted kvm_io_range array).
//  * StdMap: std::map keyed by base, upper_bound then one step back: a red-black tree walk.
//  * FlatEntries: a proposed change to IoSpace's fast path (see the class), measured beside it.
//
// The interface is a template policy (BENCHMARK_TEMPLATE and TYPED_TEST instantiate each):
//   absl::Status Map(absl::string_view name, uint32_t base, uint32_t length, sim::IoRegion*);
//   uint32_t Read(uint32_t port, unsigned width);   // width 1, 2 or 4; port below 0x10000
//   void Write(uint32_t port, unsigned width, uint32_t value);
// Map refuses what IoSpace refuses: InvalidArgument for an empty range, one past 0xffff or a null
// region; AlreadyExists naming both mappings for an overlap. The hot paths are inline so that
// every design is compiled into its caller alike. None is thread-safe.
#ifndef PORTRACE_BENCH_DISPATCH_DESIGNS_H_
#define PORTRACE_BENCH_DISPATCH_DESIGNS_H_

#include <algorithm>
#include <cstdint>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "absl/base/optimization.h"
#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "bench/bench_mix.h"
#include "sim/access_rules.h"
#include "sim/io_region.h"
#include "sim/io_space.h"

namespace portrace::bench {

// A mapped range as the search-based designs keep it: [base, end). 16 bytes, like KVM's
// kvm_io_range; names live apart so that a search touches only these.
struct RangeEntry {
  uint32_t base = 0;
  uint32_t end = 0;
  sim::IoRegion* region = nullptr;
};

class FlatTable {
 public:
  static constexpr const char* kName = "FlatTable";

  absl::Status Map(absl::string_view name, uint32_t base, uint32_t length, sim::IoRegion* region);
  uint32_t Read(uint32_t port, unsigned width) { return space_.Read(port, width); }
  void Write(uint32_t port, unsigned width, uint32_t value) { space_.Write(port, width, value); }

 private:
  sim::IoSpace space_{sim::SpaceSemantics::kQemu};
};

class SortedRanges {
 public:
  static constexpr const char* kName = "SortedRanges";

  absl::Status Map(absl::string_view name, uint32_t base, uint32_t length, sim::IoRegion* region);

  uint32_t Read(uint32_t port, unsigned width) {
    const RangeEntry* entry = Find(port);
    if (ABSL_PREDICT_TRUE(entry != nullptr)) {
      return static_cast<uint32_t>(entry->region->Read(port - entry->base, width));
    }
    return SlowRead(port, width);
  }
  void Write(uint32_t port, unsigned width, uint32_t value) {
    const RangeEntry* entry = Find(port);
    if (ABSL_PREDICT_TRUE(entry != nullptr)) {
      entry->region->Write(port - entry->base, width, value);
      return;
    }
    SlowWrite(port, width, value);
  }

  // The range claiming `port`, or null.
  const RangeEntry* Find(uint32_t port) const {
    auto it = std::upper_bound(ranges_.begin(), ranges_.end(), port,
                               [](uint32_t p, const RangeEntry& r) { return p < r.base; });
    if (it == ranges_.begin()) return nullptr;
    --it;
    return port < it->end ? &*it : nullptr;
  }

 private:
  uint32_t SlowRead(uint32_t port, unsigned width) const;
  void SlowWrite(uint32_t port, unsigned width, uint32_t value) const;

  std::vector<RangeEntry> ranges_;  // sorted by base, disjoint
  std::vector<std::string> names_;  // parallel to ranges_
};

class StdMap {
 public:
  static constexpr const char* kName = "StdMap";

  absl::Status Map(absl::string_view name, uint32_t base, uint32_t length, sim::IoRegion* region);

  uint32_t Read(uint32_t port, unsigned width) {
    const RangeEntry* entry = Find(port);
    if (ABSL_PREDICT_TRUE(entry != nullptr)) {
      return static_cast<uint32_t>(entry->region->Read(port - entry->base, width));
    }
    return SlowRead(port, width);
  }
  void Write(uint32_t port, unsigned width, uint32_t value) {
    const RangeEntry* entry = Find(port);
    if (ABSL_PREDICT_TRUE(entry != nullptr)) {
      entry->region->Write(port - entry->base, width, value);
      return;
    }
    SlowWrite(port, width, value);
  }

  const RangeEntry* Find(uint32_t port) const {
    auto it = ranges_.upper_bound(port);
    if (it == ranges_.begin()) return nullptr;
    --it;
    return port < it->second.end ? &it->second : nullptr;
  }

 private:
  uint32_t SlowRead(uint32_t port, unsigned width) const;
  void SlowWrite(uint32_t port, unsigned width, uint32_t value) const;

  std::map<uint32_t, RangeEntry> ranges_;  // by base, disjoint
  std::map<uint32_t, std::string> names_;  // by base
};

// Not a design in sim/: a proposal for IoSpace's fast path, measured beside it. The table holds,
// per port, the region, its base and the widths that go straight to the region from that port
// (folded from the mapping's direct widths, its length and its alignment rule whenever mappings
// change, as IoSpace::Rebuild folds owners and denials today). An access is then one 16-byte
// load, one test of the width against that set and the call, where IoSpace loads a slot pointer,
// then the slot, and checks width, range and alignment on every access. Everything else is
// SortedRanges' (mapping checks, the piece loop); the answers are the same.
class FlatEntries {
 public:
  static constexpr const char* kName = "FlatEntries";

  FlatEntries() : table_(sim::kPortCount) {}

  absl::Status Map(absl::string_view name, uint32_t base, uint32_t length, sim::IoRegion* region);

  uint32_t Read(uint32_t port, unsigned width) {
    const Entry& entry = table_[port];
    // `width` is 1, 2 or 4: its own bit in a WidthSet.
    if (ABSL_PREDICT_TRUE(entry.fast_widths & width)) {
      return static_cast<uint32_t>(entry.region->Read(port - entry.base, width));
    }
    return ranges_.Read(port, width);
  }
  void Write(uint32_t port, unsigned width, uint32_t value) {
    const Entry& entry = table_[port];
    if (ABSL_PREDICT_TRUE(entry.fast_widths & width)) {
      entry.region->Write(port - entry.base, width, value);
      return;
    }
    ranges_.Write(port, width, value);
  }

 private:
  struct Entry {
    sim::IoRegion* region = nullptr;
    uint32_t base = 0;
    sim::WidthSet fast_widths = 0;  // accesses from this port that fit the mapping
  };

  std::vector<Entry> table_;  // by port
  SortedRanges ranges_;
};

// A design with every range of a mix mapped to a region of its own (a TrivialRegion or a
// CountingRegion, salted by the range's index, so that regions answer differently).
template <typename Design, typename Region = TrivialRegion>
class MixDispatch {
 public:
  static absl::StatusOr<std::unique_ptr<MixDispatch>> Create(const std::vector<PortRange>& ranges) {
    std::unique_ptr<MixDispatch> mix(new MixDispatch);
    for (size_t i = 0; i < ranges.size(); ++i) {
      mix->regions_.push_back(std::make_unique<Region>(static_cast<uint32_t>(i) * 0x1000));
      absl::Status status = mix->design_.Map(ranges[i].name, ranges[i].base, ranges[i].length,
                                             mix->regions_.back().get());
      if (!status.ok()) return status;
    }
    return mix;
  }

  Design& design() { return design_; }
  // By range index.
  const std::vector<std::unique_ptr<Region>>& regions() const { return regions_; }

 private:
  MixDispatch() = default;

  std::vector<std::unique_ptr<Region>> regions_;
  Design design_;
};

// Runs `accesses` through `design` in order; appends each read's answer to `reads` if not null.
// Returns a checksum of the answers (what a benchmark feeds to DoNotOptimize).
template <typename Design>
uint64_t ReplayAccesses(Design& design, const std::vector<PortAccess>& accesses,
                        std::vector<uint32_t>* reads = nullptr) {
  uint64_t sum = 0;
  for (const PortAccess& access : accesses) {
    if (access.is_write) {
      design.Write(access.port, access.width, access.value);
    } else {
      const uint32_t value = design.Read(access.port, access.width);
      sum = sum * 31 + value;
      if (reads != nullptr) reads->push_back(value);
    }
  }
  return sum;
}

}  // namespace portrace::bench

#endif  // PORTRACE_BENCH_DISPATCH_DESIGNS_H_
