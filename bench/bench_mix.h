// The port-access mixes the benchmarks replay, and the trivial devices they are replayed against.
//
// The SeaBIOS mix comes from a QEMU capture (tools/make_bench_mix.sh writes testdata/bench/):
//  * seabios-regions.txt names the port ranges the capture's MemoryRegions answered,
//    `NAME BASE LENGTH` per line, '#' comments;
//  * seabios-ports.trace holds the capture's port accesses, in order, as a canonical trace.
// Both are loaded once into flat vectors so that a benchmark loop touches nothing else.
// A uniform random mix over the same ranges (seeded, so reproducible) removes the capture's
// locality. Every port of a range is mapped to a TrivialRegion: a device whose reads are a cheap
// function of the offset and whose writes are counted, so that no dispatch can be optimised away.
#ifndef PORTRACE_BENCH_BENCH_MIX_H_
#define PORTRACE_BENCH_BENCH_MIX_H_

#include <cstdint>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "sim/io_region.h"
#include "trace/event.h"

namespace portrace::bench {

// A port range a region answers: [base, base + length).
struct PortRange {
  std::string name;
  uint32_t base = 0;
  uint32_t length = 0;
};

// One guest IN or OUT; 8 bytes so a long mix streams through the cache.
struct PortAccess {
  uint16_t port = 0;
  uint8_t width = 0;  // 1, 2 or 4
  bool is_write = false;
  uint32_t value = 0;  // written value (writes only)
};

// Parses a regions file. InvalidArgument naming the line for a malformed line, a range that is
// empty or runs past 0xffff.
absl::StatusOr<std::vector<PortRange>> ParsePortRanges(absl::string_view text);
// Reads and parses a regions file; NotFound names an unreadable path.
absl::StatusOr<std::vector<PortRange>> LoadPortRanges(const std::string& path);

// The port reads and writes of a trace (any format trace::OpenTrace reads), in order; other
// events are skipped.
absl::StatusOr<std::vector<PortAccess>> LoadPortAccesses(const std::string& path);

// `count` accesses with ports uniform over every port of `ranges`, widths 1/2/4 (shrunk to fit
// the range), reads and writes equally likely. Deterministic for a given seed on any platform.
std::vector<PortAccess> RandomPortAccesses(const std::vector<PortRange>& ranges, size_t count,
                                           uint32_t seed);

// Where a benchmark's data file is: "testdata/bench/NAME" under `bazel run`/`bazel test` (the
// runfiles root is the working directory) or from the workspace root, else under
// $RUNFILES_DIR or $TEST_SRCDIR. Returns the first candidate that exists (the plain relative
// path if none does, so that the error names it).
std::string BenchDataPath(absl::string_view name);

// A device with no behaviour worth the name: reads answer a mix of the offset and a per-region
// salt, masked to the width; writes are counted and summed. Read and Write are defined out of
// line, as a real device's are: the dispatch site sees an IoRegion, not this class, so the
// compiler cannot inline the device into the benchmark loop. Not thread-safe.
class TrivialRegion : public sim::IoRegion {
 public:
  explicit TrivialRegion(uint32_t salt) : salt_(salt) {}

  uint64_t Read(uint64_t offset, unsigned width) override;
  // Latches the value, as a device register does: one store, no read-modify-write, so that
  // back-to-back writes do not form a dependency chain the dispatch would be blamed for.
  void Write(uint64_t offset, unsigned width, uint64_t value) override;

  uint64_t latched(uint64_t offset) const { return latched_[offset % 8]; }

 private:
  uint32_t salt_;
  uint64_t latched_[8] = {};
};

// A TrivialRegion that also counts and checksums every write: for checking that dispatch designs
// deliver the same writes (not for timing: its counters chain the writes together).
class CountingRegion final : public TrivialRegion {
 public:
  using TrivialRegion::TrivialRegion;
  void Write(uint64_t offset, unsigned width, uint64_t value) override;

  uint64_t writes() const { return writes_; }
  uint64_t write_sum() const { return write_sum_; }

 private:
  uint64_t writes_ = 0;
  uint64_t write_sum_ = 0;
};

}  // namespace portrace::bench

#endif  // PORTRACE_BENCH_BENCH_MIX_H_
