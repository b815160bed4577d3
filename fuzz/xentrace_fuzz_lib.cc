#include "fuzz/xentrace_fuzz_lib.h"

#include <algorithm>
#include <memory>
#include <string>
#include <vector>

#include "absl/strings/match.h"
#include "trace/byte_source.h"
#include "trace/event.h"
#include "trace/importers/xentrace_importer.h"
#include "trace/trace_file.h"

namespace portrace::fuzz {
namespace {

using trace::EventBatch;

constexpr int kMaxBatch = 4096;

void Check(bool invariant) {
  if (!invariant) __builtin_trap();
}

absl::Status ReadAll(const std::string& bytes, size_t chunk, std::vector<EventBatch>* batches) {
  absl::StatusOr<std::unique_ptr<trace::EventSource>> source =
      trace::CreateXentraceImporter()->Open(trace::MakeStringSource(bytes, "fuzz.bin", chunk));
  Check(source.ok());
  EventBatch batch;
  while (true) {
    absl::StatusOr<bool> more = (*source)->Next(&batch);
    if (!more.ok()) {
      Check(batch.op_size() == 0);
      Check((*source)->Next(&batch).status() == more.status());
      return more.status();
    }
    if (!*more) return absl::OkStatus();
    Check(batch.op_size() > 0 && batch.op_size() <= kMaxBatch);
    Check(trace::ValidateBatch(batch).ok());
    batches->push_back(batch);
  }
}

void CheckSameBatches(const std::vector<EventBatch>& a, const std::vector<EventBatch>& b) {
  Check(a.size() == b.size());
  for (size_t i = 0; i < a.size(); ++i) {
    Check(a[i].SerializeAsString() == b[i].SerializeAsString());
  }
}

void CheckInput(const std::string& bytes) {
  const size_t size = bytes.size();
  std::vector<EventBatch> batches;
  const absl::Status status = ReadAll(bytes, bytes.size() + 1, &batches);
  if (!status.ok()) {
    Check(absl::IsInvalidArgument(status) || absl::IsDataLoss(status));
    Check(absl::StartsWith(status.message(), "fuzz.bin: offset "));
    Check(status.message().find('\n') == absl::string_view::npos);
  }

  // The same input in small pieces: record framing must not depend on read sizes.
  std::vector<EventBatch> chunked;
  const absl::Status chunked_status = ReadAll(bytes, 1 + size % 13, &chunked);
  Check(chunked_status == status);
  CheckSameBatches(batches, chunked);
  if (batches.empty()) return;

  // Through the canonical trace file and back.
  std::string canonical;
  trace::StringSink sink(&canonical);
  trace::TraceWriterOptions options;
  options.codec = trace::Codec::kNone;
  absl::StatusOr<std::unique_ptr<trace::TraceWriter>> writer =
      trace::TraceWriter::Create(&sink, trace::TraceHeader(), options);
  Check(writer.ok());
  for (const EventBatch& batch : batches) Check((*writer)->WriteBatch(batch).ok());
  Check((*writer)->Finish().ok());
  absl::StatusOr<std::unique_ptr<trace::TraceReader>> reader =
      trace::TraceReader::Open(trace::MakeStringSource(canonical));
  Check(reader.ok());
  std::vector<EventBatch> from_file;
  EventBatch batch;
  while (true) {
    absl::StatusOr<bool> more = (*reader)->Next(&batch);
    Check(more.ok());
    if (!*more) break;
    from_file.push_back(batch);
  }
  CheckSameBatches(batches, from_file);
}

// A cpu_change record announcing the rest of the input (rounded down to whole u32s) as one
// window of pCPU `cpu`.
std::string CpuChange(uint32_t cpu, size_t window) {
  std::string record;
  for (uint32_t word : {uint32_t{0x2001f003}, cpu, static_cast<uint32_t>(window & ~size_t{3})}) {
    for (int i = 0; i < 4; ++i) record.push_back(static_cast<char>(word >> (8 * i)));
  }
  return record;
}

}  // namespace

int FuzzXentraceImporter(const uint8_t* data, size_t size) {
  const std::string bytes(reinterpret_cast<const char*>(data), size);
  CheckInput(bytes);
  CheckInput(CpuChange(size % 3, size) + bytes);
  return 0;
}

}  // namespace portrace::fuzz
