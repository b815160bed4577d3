// Import throughput of the QEMU trace-log importer (trace/importers/qemu_trace_importer.h) in MB/s
// of log text and events/s: the real SeaBIOS capture (testdata/qemu-trace, 42,812 accesses,
// 4.1 MB), decompressed once and repeated to ~50 MB in memory, read through the importer into
// batches (decoded, not replayed).
//
//   bazel run -c opt //bench:trace_log_import_bench --
//       --benchmark_repetitions=3 --benchmark_report_aggregates_only=true
//
//  * BM_Import/{bare,pid,iso,context}: the same accesses in each line-prefix style QEMU has
//    printed: bare (the capture as recorded), "PID@SEC.USEC:", an ISO 8601 timestamp, and the
//    newest message context ("<ISO> [guest] qemu-system-x86_64: (tid:CPU 0/TCG): "). The
//    timestamped styles advance 1 us per line, so they also emit a TIME_ADVANCE per access.
//  * BM_Import/xz: the capture's .xz stream concatenated to the same size and read through the
//    importer as is: decompression plus import; bytes_per_second counts decompressed text.
//  * BM_LineReader: LineReader alone over the bare text, the floor every text importer shares.
// bytes_per_second counts log text, items_per_second trace events.
#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <memory>
#include <sstream>
#include <string>

#include "absl/status/statusor.h"
#include "absl/strings/str_format.h"
#include "absl/strings/string_view.h"
#include "benchmark/benchmark.h"
#include "trace/byte_source.h"
#include "trace/event.h"
#include "trace/importers/qemu_trace_importer.h"
#include "trace/line_reader.h"
#include "trace/xz_source.h"

namespace portrace::bench {
namespace {

constexpr char kCapture[] = "testdata/qemu-trace/seabios-ne2k-mbr.log.xz";
constexpr size_t kTargetBytes = 50 << 20;

[[noreturn]] void Die(const std::string& message) {
  std::fprintf(stderr, "trace_log_import_bench: %s\n", message.c_str());
  std::exit(1);
}

std::string ReadCapture() {
  std::vector<std::string> candidates = {kCapture};
  for (const char* variable : {"RUNFILES_DIR", "TEST_SRCDIR"}) {
    if (const char* dir = std::getenv(variable); dir != nullptr && *dir != '\0') {
      candidates.push_back(absl::StrFormat("%s/portrace/%s", dir, kCapture));
    }
  }
  for (const std::string& path : candidates) {
    std::ifstream in(path, std::ios::binary);
    if (!in) continue;
    std::ostringstream bytes;
    bytes << in.rdbuf();
    return bytes.str();
  }
  Die(absl::StrFormat("cannot open %s", kCapture));
}

std::string Decompress(const std::string& packed) {
  trace::XzSource source(trace::MakeStringSource(packed, kCapture));
  std::string out;
  std::string buffer(1 << 20, '\0');
  while (true) {
    absl::StatusOr<size_t> got = source.Read(buffer.data(), buffer.size());
    if (!got.ok()) Die(std::string(got.status().message()));
    if (*got == 0) return out;
    out.append(buffer, 0, *got);
  }
}

enum class Style { kBare, kPid, kIso, kContext };

// The capture's lines in `style`, repeated to kTargetBytes; 1 us per line for timestamps.
std::string Restyle(const std::string& bare, Style style) {
  std::string out;
  out.reserve(kTargetBytes + bare.size() * 2);
  uint64_t us = 0;
  while (out.size() < kTargetBytes) {
    if (us >= 9000000) Die("too many lines for the timestamp pattern");
    size_t start = 0;
    while (start < bare.size()) {
      const size_t end = bare.find('\n', start);
      const absl::string_view line(bare.data() + start, end - start);
      const uint64_t seconds = 1608130130 + us / 1000000;
      const uint64_t micros = us % 1000000;
      switch (style) {
        case Style::kBare:
          break;
        case Style::kPid:
          out += absl::StrFormat("719585@%u.%06u:", seconds, micros);
          break;
        case Style::kIso:
        case Style::kContext:
          // 2020-12-16T14:48:50Z is 1608130130; ~0.5 M lines stay within the minute.
          out += absl::StrFormat("2020-12-16T14:48:%02u.%06uZ ", 50 + us / 1000000, micros);
          if (style == Style::kContext) out += "[guest] qemu-system-x86_64: (4242:CPU 0/TCG): ";
          break;
      }
      out.append(line.data(), line.size());
      out += '\n';
      ++us;
      start = end + 1;
    }
  }
  return out;
}

struct Inputs {
  std::string packed;  // the capture's .xz
  std::string bare;    // decompressed, once
  std::string styled[4];
  std::string packed_repeated;
  size_t packed_repeated_text = 0;  // decompressed size of packed_repeated
};

const Inputs& GetInputs() {
  static const Inputs* const inputs = [] {
    auto* in = new Inputs;
    in->packed = ReadCapture();
    in->bare = Decompress(in->packed);
    if (in->bare.empty() || in->bare.back() != '\n') Die("capture does not end in a newline");
    for (Style s : {Style::kBare, Style::kPid, Style::kIso, Style::kContext}) {
      in->styled[static_cast<int>(s)] = Restyle(in->bare, s);
    }
    while (in->packed_repeated_text < kTargetBytes) {
      in->packed_repeated += in->packed;  // concatenated .xz streams are one .xz file
      in->packed_repeated_text += in->bare.size();
    }
    return in;
  }();
  return *inputs;
}

// Imports `log` to the end; returns the number of events.
int64_t ImportAll(absl::string_view log) {
  absl::StatusOr<std::unique_ptr<trace::EventSource>> source =
      trace::OpenQemuTraceLog(trace::MakeStringViewSource(log), trace::QemuTraceOptions());
  if (!source.ok()) Die(std::string(source.status().message()));
  trace::EventBatch batch;
  int64_t events = 0;
  while (true) {
    absl::StatusOr<bool> have = (*source)->Next(&batch);
    if (!have.ok()) Die(std::string(have.status().message()));
    if (!*have) break;
    events += batch.op_size();
    benchmark::DoNotOptimize(batch.op().data());
  }
  return events;
}

void BM_Import(benchmark::State& state, Style style) {
  const std::string& log = GetInputs().styled[static_cast<int>(style)];
  int64_t events = 0;
  for (auto _ : state) {
    events = ImportAll(log);
    benchmark::DoNotOptimize(events);
  }
  state.SetBytesProcessed(state.iterations() * static_cast<int64_t>(log.size()));
  state.SetItemsProcessed(state.iterations() * events);
  state.counters["events"] = static_cast<double>(events);
}
BENCHMARK_CAPTURE(BM_Import, bare, Style::kBare)->Unit(benchmark::kMillisecond);
BENCHMARK_CAPTURE(BM_Import, pid, Style::kPid)->Unit(benchmark::kMillisecond);
BENCHMARK_CAPTURE(BM_Import, iso, Style::kIso)->Unit(benchmark::kMillisecond);
BENCHMARK_CAPTURE(BM_Import, context, Style::kContext)->Unit(benchmark::kMillisecond);

void BM_ImportXz(benchmark::State& state) {
  const Inputs& inputs = GetInputs();
  int64_t events = 0;
  for (auto _ : state) {
    events = ImportAll(inputs.packed_repeated);
    benchmark::DoNotOptimize(events);
  }
  state.SetBytesProcessed(state.iterations() * static_cast<int64_t>(inputs.packed_repeated_text));
  state.SetItemsProcessed(state.iterations() * events);
  state.counters["events"] = static_cast<double>(events);
}
BENCHMARK(BM_ImportXz)->Name("BM_Import/xz")->Unit(benchmark::kMillisecond);

void BM_LineReader(benchmark::State& state) {
  const std::string& log = GetInputs().styled[static_cast<int>(Style::kBare)];
  int64_t lines = 0;
  for (auto _ : state) {
    const std::unique_ptr<trace::ByteSource> source = trace::MakeStringViewSource(log);
    trace::LineReader reader(source.get(), 64 << 10);
    lines = 0;
    while (true) {
      absl::StatusOr<bool> have = reader.Next();
      if (!have.ok()) Die(std::string(have.status().message()));
      if (!*have) break;
      benchmark::DoNotOptimize(reader.line().data());
      ++lines;
    }
  }
  state.SetBytesProcessed(state.iterations() * static_cast<int64_t>(log.size()));
  state.SetItemsProcessed(state.iterations() * lines);
}
BENCHMARK(BM_LineReader)->Unit(benchmark::kMillisecond);

}  // namespace
}  // namespace portrace::bench

int main(int argc, char** argv) {
  benchmark::Initialize(&argc, argv);
  if (benchmark::ReportUnrecognizedArguments(argc, argv)) return 1;
  const auto& inputs = portrace::bench::GetInputs();
  benchmark::AddCustomContext("capture", portrace::bench::kCapture);
  benchmark::AddCustomContext("capture_text_bytes", absl::StrFormat("%u", inputs.bare.size()));
  benchmark::AddCustomContext("log_bytes_bare", absl::StrFormat("%u", inputs.styled[0].size()));
  benchmark::RunSpecifiedBenchmarks();
  benchmark::Shutdown();
  return 0;
}
