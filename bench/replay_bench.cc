// Replay throughput in events per second: the SeaBIOS port mix (testdata/bench), repeated to
// 2 Mi events in batches of 16384, read back from an in-memory canonical trace and replayed by
// sim::Replayer on a "pc" machine whose mapped ranges (seabios-regions.txt) are TrivialRegions.
//
//   bazel run -c opt //bench:replay_bench --
//       --benchmark_repetitions=3 --benchmark_report_aggregates_only=true
//
//  * BM_Replay/{none,zstd}: TraceReader + Replayer::Run, decode and dispatch, per codec.
//  * BM_Decode/{none,zstd}: TraceReader alone; every batch is read and dropped.
//  * BM_ReplayDecoded: Replayer::RunBatch over batches already in memory: dispatch alone.
//  * BM_DecodeStep_*: the steps of decoding one stored frame, so that decode's cost can be
//    split: copy out of the source, CRC-32 (libdeflate, as TraceReader), zstd decompression,
//    EventBatch parsing, ValidateBatch.
// items_per_second counts trace events; bytes_per_second counts stored trace bytes.
#include <libdeflate.h>
#include <zstd.h>

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <memory>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/str_format.h"
#include "absl/strings/string_view.h"
#include "bench/bench_mix.h"
#include "benchmark/benchmark.h"
#include "sim/io_space.h"
#include "sim/machine.h"
#include "sim/replay.h"
#include "trace/byte_source.h"
#include "trace/event.h"
#include "trace/trace.pb.h"
#include "trace/trace_file.h"

namespace portrace::bench {
namespace {

constexpr int kEventsPerBatch = 16384;
constexpr int kBatches = 128;  // 2,097,152 events
constexpr int64_t kEvents = int64_t{kEventsPerBatch} * kBatches;

struct Inputs {
  std::vector<PortRange> ranges;
  std::vector<trace::EventBatch> batches;  // the repeated mix, decoded
  std::string plain;                       // as a canonical trace, Codec::kNone
  std::string zstd;                        // Codec::kZstd (level 3, the writer's default)
};

absl::StatusOr<std::string> WriteTrace(const std::vector<trace::EventBatch>& batches,
                                       trace::Codec codec) {
  std::string bytes;
  trace::StringSink sink(&bytes);
  trace::TraceHeader header;
  header.set_producer("bench/replay_bench");
  header.set_machine("pc");
  trace::TraceWriterOptions options;
  options.codec = codec;
  absl::StatusOr<std::unique_ptr<trace::TraceWriter>> writer =
      trace::TraceWriter::Create(&sink, header, options);
  if (!writer.ok()) return writer.status();
  for (const trace::EventBatch& batch : batches) {
    if (absl::Status status = (*writer)->WriteBatch(batch); !status.ok()) return status;
  }
  if (absl::Status status = (*writer)->Finish(); !status.ok()) return status;
  return bytes;
}

void Die(const absl::Status& status) {
  std::fprintf(stderr, "replay_bench: %s\n", std::string(status.message()).c_str());
  std::exit(1);
}

// Built on first use; a missing or broken data file ends the program.
const Inputs& GetInputs() {
  static const Inputs* const inputs = [] {
    auto* in = new Inputs;
    absl::StatusOr<std::vector<PortRange>> ranges =
        LoadPortRanges(BenchDataPath("seabios-regions.txt"));
    if (!ranges.ok()) Die(ranges.status());
    absl::StatusOr<std::vector<PortAccess>> accesses =
        LoadPortAccesses(BenchDataPath("seabios-ports.trace"));
    if (!accesses.ok()) Die(accesses.status());
    if (accesses->empty()) {
      Die(absl::InvalidArgumentError("seabios-ports.trace has no port events"));
    }
    in->ranges = *std::move(ranges);
    size_t next = 0;
    for (int b = 0; b < kBatches; ++b) {
      trace::EventBatch& batch = in->batches.emplace_back();
      trace::BatchBuilder builder(&batch);
      for (int i = 0; i < kEventsPerBatch; ++i) {
        const PortAccess& access = (*accesses)[next];
        next = (next + 1) % accesses->size();
        if (access.is_write) {
          builder.PortWrite(access.port, access.width, access.value);
        } else {
          builder.PortRead(access.port, access.width);
        }
      }
    }
    absl::StatusOr<std::string> plain = WriteTrace(in->batches, trace::Codec::kNone);
    if (!plain.ok()) Die(plain.status());
    absl::StatusOr<std::string> zstd = WriteTrace(in->batches, trace::Codec::kZstd);
    if (!zstd.ok()) Die(zstd.status());
    in->plain = *std::move(plain);
    in->zstd = *std::move(zstd);
    return in;
  }();
  return *inputs;
}

// A "pc" machine with every range of the mix mapped to a TrivialRegion.
struct MixMachine {
  std::unique_ptr<sim::Machine> machine;
  std::vector<std::unique_ptr<TrivialRegion>> regions;
};

absl::StatusOr<MixMachine> CreateMixMachine() {
  MixMachine m;
  sim::MachineOptions options;
  options.name = "pc";
  absl::StatusOr<std::unique_ptr<sim::Machine>> machine = sim::Machine::Create(options);
  if (!machine.ok()) return machine.status();
  m.machine = *std::move(machine);
  const std::vector<PortRange>& ranges = GetInputs().ranges;
  for (size_t i = 0; i < ranges.size(); ++i) {
    m.regions.push_back(std::make_unique<TrivialRegion>(static_cast<uint32_t>(i) * 0x1000));
    sim::PortMapping mapping;
    mapping.name = ranges[i].name;
    mapping.base = ranges[i].base;
    mapping.length = ranges[i].length;
    mapping.region = m.regions.back().get();
    if (absl::Status status = m.machine->io().Map(mapping).status(); !status.ok()) return status;
  }
  return m;
}

const std::string& TraceBytes(trace::Codec codec) {
  return codec == trace::Codec::kZstd ? GetInputs().zstd : GetInputs().plain;
}

void ReportThroughput(benchmark::State& state, int64_t events, int64_t bytes) {
  state.SetItemsProcessed(state.iterations() * events);
  if (bytes > 0) state.SetBytesProcessed(state.iterations() * bytes);
}

void BM_Replay(benchmark::State& state, trace::Codec codec) {
  const std::string& bytes = TraceBytes(codec);
  absl::StatusOr<MixMachine> m = CreateMixMachine();
  if (!m.ok()) return state.SkipWithError(std::string(m.status().message()).c_str());
  for (auto _ : state) {
    absl::StatusOr<std::unique_ptr<trace::TraceReader>> reader =
        trace::TraceReader::Open(trace::MakeStringViewSource(bytes));
    if (!reader.ok()) return state.SkipWithError(std::string(reader.status().message()).c_str());
    sim::Replayer replayer(m->machine.get());
    if (absl::Status status = replayer.Run(**reader); !status.ok()) {
      return state.SkipWithError(std::string(status.message()).c_str());
    }
    if (replayer.summary().events != static_cast<uint64_t>(kEvents) ||
        replayer.summary().unclaimed != 0) {
      return state.SkipWithError("replay did not run every event on a mapped port");
    }
  }
  ReportThroughput(state, kEvents, static_cast<int64_t>(bytes.size()));
}
BENCHMARK_CAPTURE(BM_Replay, none, trace::Codec::kNone)->Unit(benchmark::kMillisecond);
BENCHMARK_CAPTURE(BM_Replay, zstd, trace::Codec::kZstd)->Unit(benchmark::kMillisecond);

void BM_Decode(benchmark::State& state, trace::Codec codec) {
  const std::string& bytes = TraceBytes(codec);
  trace::EventBatch batch;
  for (auto _ : state) {
    absl::StatusOr<std::unique_ptr<trace::TraceReader>> reader =
        trace::TraceReader::Open(trace::MakeStringViewSource(bytes));
    if (!reader.ok()) return state.SkipWithError(std::string(reader.status().message()).c_str());
    int64_t events = 0;
    while (true) {
      absl::StatusOr<bool> have = (*reader)->Next(&batch);
      if (!have.ok()) return state.SkipWithError(std::string(have.status().message()).c_str());
      if (!*have) break;
      events += batch.op_size();
      benchmark::DoNotOptimize(batch.op().data());
    }
    if (events != kEvents) return state.SkipWithError("decoded the wrong number of events");
  }
  ReportThroughput(state, kEvents, static_cast<int64_t>(bytes.size()));
}
BENCHMARK_CAPTURE(BM_Decode, none, trace::Codec::kNone)->Unit(benchmark::kMillisecond);
BENCHMARK_CAPTURE(BM_Decode, zstd, trace::Codec::kZstd)->Unit(benchmark::kMillisecond);

void BM_ReplayDecoded(benchmark::State& state) {
  const std::vector<trace::EventBatch>& batches = GetInputs().batches;
  absl::StatusOr<MixMachine> m = CreateMixMachine();
  if (!m.ok()) return state.SkipWithError(std::string(m.status().message()).c_str());
  for (auto _ : state) {
    sim::Replayer replayer(m->machine.get());
    for (const trace::EventBatch& batch : batches) replayer.RunBatch(batch);
    if (replayer.summary().events != static_cast<uint64_t>(kEvents)) {
      return state.SkipWithError("replay did not run every event");
    }
  }
  ReportThroughput(state, kEvents, 0);
}
BENCHMARK(BM_ReplayDecoded)->Unit(benchmark::kMillisecond);

// The steps of TraceReader::Next on one frame, on the first batch of the mix (16384 events).
// Each iteration handles one batch; items are its events.
struct Frame {
  std::string raw;         // the serialised EventBatch
  std::string compressed;  // zstd level 3
};

const Frame& GetFrame() {
  static const Frame* const frame = [] {
    auto* f = new Frame;
    if (!GetInputs().batches[0].SerializeToString(&f->raw)) {
      Die(absl::InternalError("cannot serialise a batch"));
    }
    f->compressed.resize(ZSTD_compressBound(f->raw.size()));
    const size_t n =
        ZSTD_compress(f->compressed.data(), f->compressed.size(), f->raw.data(), f->raw.size(), 3);
    if (ZSTD_isError(n)) Die(absl::InternalError(ZSTD_getErrorName(n)));
    f->compressed.resize(n);
    return f;
  }();
  return *frame;
}

void BM_DecodeStep_Copy(benchmark::State& state) {
  const std::string& raw = GetFrame().raw;
  std::string stored;
  for (auto _ : state) {
    // What ReadFrame does: clear, grow (zero-filling) and read into the buffer.
    stored.clear();
    stored.resize(raw.size());
    std::memcpy(stored.data(), raw.data(), raw.size());
    benchmark::DoNotOptimize(stored.data());
    benchmark::ClobberMemory();
  }
  ReportThroughput(state, kEventsPerBatch, static_cast<int64_t>(raw.size()));
}
BENCHMARK(BM_DecodeStep_Copy);

void BM_DecodeStep_Crc32(benchmark::State& state) {
  const std::string& raw = GetFrame().raw;
  for (auto _ : state) {
    uint32_t crc = libdeflate_crc32(0, raw.data(), raw.size());
    benchmark::DoNotOptimize(crc);
  }
  ReportThroughput(state, kEventsPerBatch, static_cast<int64_t>(raw.size()));
}
BENCHMARK(BM_DecodeStep_Crc32);

void BM_DecodeStep_ZstdDecompress(benchmark::State& state) {
  const Frame& frame = GetFrame();
  std::string out(frame.raw.size(), '\0');
  for (auto _ : state) {
    const size_t n =
        ZSTD_decompress(out.data(), out.size(), frame.compressed.data(), frame.compressed.size());
    if (ZSTD_isError(n)) return state.SkipWithError(ZSTD_getErrorName(n));
    benchmark::DoNotOptimize(out.data());
    benchmark::ClobberMemory();
  }
  ReportThroughput(state, kEventsPerBatch, static_cast<int64_t>(frame.raw.size()));
}
BENCHMARK(BM_DecodeStep_ZstdDecompress);

void BM_DecodeStep_Parse(benchmark::State& state) {
  const std::string& raw = GetFrame().raw;
  trace::EventBatch batch;
  for (auto _ : state) {
    if (!batch.ParseFromString(raw)) return state.SkipWithError("batch does not parse");
    benchmark::DoNotOptimize(batch.op().data());
  }
  ReportThroughput(state, kEventsPerBatch, static_cast<int64_t>(raw.size()));
}
BENCHMARK(BM_DecodeStep_Parse);

void BM_DecodeStep_Validate(benchmark::State& state) {
  const trace::EventBatch& batch = GetInputs().batches[0];
  for (auto _ : state) {
    absl::Status status = trace::ValidateBatch(batch);
    if (!status.ok()) return state.SkipWithError(std::string(status.message()).c_str());
    benchmark::DoNotOptimize(status);
  }
  ReportThroughput(state, kEventsPerBatch, 0);
}
BENCHMARK(BM_DecodeStep_Validate);

}  // namespace
}  // namespace portrace::bench

int main(int argc, char** argv) {
  using portrace::bench::GetInputs;
  benchmark::Initialize(&argc, argv);
  if (benchmark::ReportUnrecognizedArguments(argc, argv)) return 1;
  const auto& inputs = GetInputs();
  benchmark::AddCustomContext("events", absl::StrFormat("%d", portrace::bench::kEvents));
  benchmark::AddCustomContext("events_per_batch",
                              absl::StrFormat("%d", portrace::bench::kEventsPerBatch));
  benchmark::AddCustomContext("trace_bytes_none", absl::StrFormat("%u", inputs.plain.size()));
  benchmark::AddCustomContext("trace_bytes_zstd", absl::StrFormat("%u", inputs.zstd.size()));
  benchmark::RunSpecifiedBenchmarks();
  benchmark::Shutdown();
  return 0;
}
