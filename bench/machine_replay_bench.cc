// Replay throughput of a whole device model: the real SeaBIOS capture
// (testdata/qemu-trace/seabios-ne2k-mbr.log.xz, 42,812 accesses, 87% of them writes to the VGA
// window) replayed on the pc machine its QEMU command line builds (std VGA, PIIX3 IDE with the
// rebuilt disk and a CD-ROM, NE2000, the legacy devices, fw_cfg), in events/s. The capture is
// imported once; each iteration builds a fresh machine (not timed) and replays every batch.
//
//   bazel run -c opt //bench:machine_replay_bench --
//       --benchmark_repetitions=3 --benchmark_report_aggregates_only=true
//
//  * BM_ReplayCapture/bare: Replayer alone (dispatch, device models, divergence check).
//  * BM_ReplayCapture/analyze: with the analyzer and every rule the pc profile has observing, as
//    `portrace analyze` runs it.
#include <cstdio>
#include <cstdlib>
#include <memory>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/str_format.h"
#include "analyzer/analyzer.h"
#include "analyzer/rules.h"
#include "benchmark/benchmark.h"
#include "sim/machine_builder.h"
#include "sim/qemu_command_line.h"
#include "sim/replay.h"
#include "trace/importers/registry.h"

namespace portrace::bench {
namespace {

constexpr char kCapture[] = "testdata/qemu-trace/seabios-ne2k-mbr.log.xz";
constexpr char kDisk[] = "testdata/qemu-trace/seabios-ne2k-mbr.img";

[[noreturn]] void Die(const std::string& message) {
  std::fprintf(stderr, "machine_replay_bench: %s\n", message.c_str());
  std::exit(1);
}

// The workspace-relative `path` where it can be opened: the working directory (bazel run from
// the workspace) or the runfiles tree.
std::string Locate(const char* path) {
  std::vector<std::string> candidates = {path};
  for (const char* variable : {"RUNFILES_DIR", "TEST_SRCDIR"}) {
    if (const char* dir = std::getenv(variable); dir != nullptr && *dir != '\0') {
      candidates.push_back(absl::StrFormat("%s/portrace/%s", dir, path));
    }
  }
  for (const std::string& candidate : candidates) {
    if (FILE* f = std::fopen(candidate.c_str(), "rb")) {
      std::fclose(f);
      return candidate;
    }
  }
  Die(absl::StrFormat("cannot open %s", path));
}

const std::vector<trace::EventBatch>& Capture() {
  static const std::vector<trace::EventBatch>* batches = [] {
    auto* out = new std::vector<trace::EventBatch>;
    absl::StatusOr<trace::OpenedTrace> opened = trace::OpenTrace(Locate(kCapture), "");
    if (!opened.ok()) Die(std::string(opened.status().message()));
    while (true) {
      trace::EventBatch batch;
      absl::StatusOr<bool> have = opened->source->Next(&batch);
      if (!have.ok()) Die(std::string(have.status().message()));
      if (!*have) break;
      out->push_back(std::move(batch));
    }
    return out;
  }();
  return *batches;
}

std::unique_ptr<sim::Machine> CaptureMachine() {
  sim::MachineOptions options;
  const absl::Status applied = sim::ApplyQemuCommandLine(
      absl::StrFormat("-machine pc -display none -serial null -monitor none -accel tcg "
                      "-drive file=%s,format=raw,if=ide,index=0 -drive if=ide,index=2,media=cdrom "
                      "-nic user,model=ne2k_pci -boot order=c",
                      Locate(kDisk)),
      &options);
  if (!applied.ok()) Die(std::string(applied.message()));
  absl::StatusOr<std::unique_ptr<sim::Machine>> machine = sim::BuildMachine(options);
  if (!machine.ok()) Die(std::string(machine.status().message()));
  return std::move(*machine);
}

void BM_ReplayCapture(benchmark::State& state) {
  const bool analyze = state.range(0) != 0;
  const std::vector<trace::EventBatch>& batches = Capture();
  uint64_t events = 0;
  for (auto _ : state) {
    state.PauseTiming();
    std::unique_ptr<sim::Machine> machine = CaptureMachine();
    std::unique_ptr<analyzer::Analyzer> observer;
    if (analyze) {
      observer =
          std::make_unique<analyzer::Analyzer>(analyzer::CreateRules(machine->profile(), {}));
    }
    sim::Replayer replayer(machine.get());
    if (observer) replayer.set_observer(observer.get());
    state.ResumeTiming();
    for (const trace::EventBatch& batch : batches) replayer.RunBatch(batch);
    if (observer) observer->Finish();
    events += replayer.events_replayed();
    state.PauseTiming();
    replayer.set_observer(nullptr);
    observer.reset();
    machine.reset();
    state.ResumeTiming();
  }
  state.SetItemsProcessed(static_cast<int64_t>(events));
}
BENCHMARK(BM_ReplayCapture)->ArgName("analyze")->Arg(0)->Arg(1)->Unit(benchmark::kMillisecond);

}  // namespace
}  // namespace portrace::bench

BENCHMARK_MAIN();
