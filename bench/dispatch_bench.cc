// Port dispatch designs compared on real and random access mixes (designs in dispatch_designs.h):
// a flat table of 65536 slot pointers (sim::IoSpace), a sorted range vector searched with
// std::upper_bound (KVM's kvm_io_bus) and a std::map range lookup. Every range of
// testdata/bench/seabios-regions.txt is mapped to a TrivialRegion, so the figures are the cost
// of finding the region plus one virtual call.
//
//   bazel run -c opt //bench:dispatch_bench --
//       --benchmark_repetitions=3 --benchmark_report_aggregates_only=true
//
// Mixes: "Seabios" replays the port accesses of a SeaBIOS boot (seabios-ports.trace) in order;
// "Random" draws 65536 accesses uniformly over the mapped ports (seed 42), without the capture's
// locality. BM_*NoLookup runs the same loop with no lookup at all (one region takes every
// access): the floor under every design. FlatEntries is a proposed IoSpace fast path (see
// dispatch_designs.h). items_per_second counts accesses; ns_per_access is its inverse. Before
// measuring, the program checks that the designs answer every read of both mixes alike and see
// the same writes, and exits 1 if they do not.
#include <cstdio>
#include <cstdlib>
#include <string>
#include <vector>

#include "absl/strings/str_format.h"
#include "bench/bench_mix.h"
#include "bench/dispatch_designs.h"
#include "benchmark/benchmark.h"

namespace portrace::bench {
namespace {

constexpr size_t kRandomAccesses = 65536;
constexpr uint32_t kRandomSeed = 42;

struct Mixes {
  std::vector<PortRange> ranges;
  std::vector<PortAccess> seabios;
  std::vector<PortAccess> random;
};

// Loaded on first use; a missing or broken data file ends the program.
const Mixes& GetMixes() {
  static const Mixes* const mixes = [] {
    auto* m = new Mixes;
    absl::StatusOr<std::vector<PortRange>> ranges =
        LoadPortRanges(BenchDataPath("seabios-regions.txt"));
    absl::StatusOr<std::vector<PortAccess>> seabios =
        LoadPortAccesses(BenchDataPath("seabios-ports.trace"));
    for (const absl::Status& status : {ranges.status(), seabios.status()}) {
      if (!status.ok()) {
        std::fprintf(stderr, "dispatch_bench: %s\n", std::string(status.message()).c_str());
        std::exit(1);
      }
    }
    m->ranges = *std::move(ranges);
    m->seabios = *std::move(seabios);
    m->random = RandomPortAccesses(m->ranges, kRandomAccesses, kRandomSeed);
    return m;
  }();
  return *mixes;
}

template <typename Design>
void RunMix(benchmark::State& state, const std::vector<PortAccess>& accesses) {
  absl::StatusOr<std::unique_ptr<MixDispatch<Design>>> mix =
      MixDispatch<Design>::Create(GetMixes().ranges);
  if (!mix.ok()) {
    state.SkipWithError(std::string(mix.status().message()).c_str());
    return;
  }
  Design& design = (*mix)->design();
  for (auto _ : state) {
    for (const PortAccess& access : accesses) {
      if (access.is_write) {
        design.Write(access.port, access.width, access.value);
      } else {
        uint32_t value = design.Read(access.port, access.width);
        benchmark::DoNotOptimize(value);
      }
    }
  }
  const double items = static_cast<double>(state.iterations()) * accesses.size();
  state.SetItemsProcessed(static_cast<int64_t>(items));
  // Seconds per access, printed with an SI prefix ("1.5n" is 1.5 ns).
  state.counters["ns_per_access"] =
      benchmark::Counter(items, benchmark::Counter::kIsRate | benchmark::Counter::kInvert);
}

template <typename Design>
void BM_Seabios(benchmark::State& state) {
  RunMix<Design>(state, GetMixes().seabios);
}

template <typename Design>
void BM_Random(benchmark::State& state) {
  RunMix<Design>(state, GetMixes().random);
}

BENCHMARK_TEMPLATE(BM_Seabios, FlatTable);
BENCHMARK_TEMPLATE(BM_Seabios, SortedRanges);
BENCHMARK_TEMPLATE(BM_Seabios, StdMap);
BENCHMARK_TEMPLATE(BM_Seabios, FlatEntries);
BENCHMARK_TEMPLATE(BM_Random, FlatTable);
BENCHMARK_TEMPLATE(BM_Random, SortedRanges);
BENCHMARK_TEMPLATE(BM_Random, StdMap);
BENCHMARK_TEMPLATE(BM_Random, FlatEntries);

// The floor under every design: the same loop and one region call per access, with no lookup
// (every access goes to one region with the port as offset). Its answers differ.
void RunNoLookup(benchmark::State& state, const std::vector<PortAccess>& accesses) {
  TrivialRegion trivial(0);
  sim::IoRegion* region = &trivial;
  for (auto _ : state) {
    for (const PortAccess& access : accesses) {
      benchmark::DoNotOptimize(region);  // an opaque pointer, as a table load yields
      if (access.is_write) {
        region->Write(access.port, access.width, access.value);
      } else {
        uint64_t value = region->Read(access.port, access.width);
        benchmark::DoNotOptimize(value);
      }
    }
  }
  const double items = static_cast<double>(state.iterations()) * accesses.size();
  state.SetItemsProcessed(static_cast<int64_t>(items));
  state.counters["ns_per_access"] =
      benchmark::Counter(items, benchmark::Counter::kIsRate | benchmark::Counter::kInvert);
}

void BM_SeabiosNoLookup(benchmark::State& state) { RunNoLookup(state, GetMixes().seabios); }
void BM_RandomNoLookup(benchmark::State& state) { RunNoLookup(state, GetMixes().random); }
BENCHMARK(BM_SeabiosNoLookup);
BENCHMARK(BM_RandomNoLookup);

struct Outcome {
  std::vector<uint32_t> reads;
  std::vector<std::pair<uint64_t, uint64_t>> writes;  // per range: count, checksum
};

template <typename Design>
Outcome Replay(const std::vector<PortAccess>& accesses) {
  Outcome outcome;
  absl::StatusOr<std::unique_ptr<MixDispatch<Design, CountingRegion>>> mix =
      MixDispatch<Design, CountingRegion>::Create(GetMixes().ranges);
  if (!mix.ok()) {
    std::fprintf(stderr, "dispatch_bench: %s: %s\n", Design::kName,
                 std::string(mix.status().message()).c_str());
    std::exit(1);
  }
  ReplayAccesses((*mix)->design(), accesses, &outcome.reads);
  for (const auto& region : (*mix)->regions()) {
    outcome.writes.emplace_back(region->writes(), region->write_sum());
  }
  return outcome;
}

// Whether every design gives the flat table's answers on `accesses`; says where not.
bool DesignsAgree(const char* mix_name, const std::vector<PortAccess>& accesses) {
  const Outcome flat = Replay<FlatTable>(accesses);
  bool agree = true;
  auto compare = [&](const char* design, const Outcome& other) {
    for (size_t i = 0; i < flat.reads.size(); ++i) {
      if (other.reads[i] != flat.reads[i]) {
        std::fprintf(stderr, "dispatch_bench: %s mix: read %zu: %s answers 0x%x, %s 0x%x\n",
                     mix_name, i, design, other.reads[i], FlatTable::kName, flat.reads[i]);
        agree = false;
        return;
      }
    }
    if (other.writes != flat.writes) {
      std::fprintf(stderr, "dispatch_bench: %s mix: %s and %s saw different writes\n", mix_name,
                   design, FlatTable::kName);
      agree = false;
    }
  };
  compare(SortedRanges::kName, Replay<SortedRanges>(accesses));
  compare(StdMap::kName, Replay<StdMap>(accesses));
  compare(FlatEntries::kName, Replay<FlatEntries>(accesses));
  if (agree) {
    std::fprintf(stderr, "dispatch_bench: designs agree on the %s mix (%zu accesses, %zu reads)\n",
                 mix_name, accesses.size(), flat.reads.size());
  }
  return agree;
}

}  // namespace
}  // namespace portrace::bench

int main(int argc, char** argv) {
  using portrace::bench::GetMixes;
  benchmark::Initialize(&argc, argv);
  if (benchmark::ReportUnrecognizedArguments(argc, argv)) return 1;
  const auto& mixes = GetMixes();
  const bool seabios = portrace::bench::DesignsAgree("Seabios", mixes.seabios);
  const bool random = portrace::bench::DesignsAgree("Random", mixes.random);
  if (!seabios || !random) return 1;
  benchmark::AddCustomContext("mapped_ranges", absl::StrFormat("%u", mixes.ranges.size()));
  benchmark::AddCustomContext("seabios_accesses", absl::StrFormat("%u", mixes.seabios.size()));
  benchmark::AddCustomContext("random_accesses", absl::StrFormat("%u", mixes.random.size()));
  benchmark::RunSpecifiedBenchmarks();
  benchmark::Shutdown();
  return 0;
}
