#include "fuzz/kvm_pio_fuzz_lib.h"

#include <algorithm>
#include <memory>
#include <string>
#include <vector>

#include "absl/strings/match.h"
#include "trace/byte_source.h"
#include "trace/event.h"
#include "trace/importers/kvm_pio_importer.h"
#include "trace/trace_file.h"

namespace portrace::fuzz {
namespace {

using trace::EventBatch;

constexpr int kMaxBatch = 4096;
// A line may expand to kMaxKvmPioCount events by design, so a few kilobytes can mean millions of
// events; reading stops after this many to keep executions fast (both reads stop at the same
// batch, since batches do not depend on read sizes).
constexpr int kMaxEvents = 1 << 18;

void Check(bool invariant) {
  if (!invariant) __builtin_trap();
}

absl::Status ReadAll(const std::string& bytes, size_t chunk, std::vector<EventBatch>* batches) {
  int events = 0;
  absl::StatusOr<std::unique_ptr<trace::EventSource>> source =
      trace::CreateKvmPioImporter()->Open(trace::MakeStringSource(bytes, "fuzz.txt", chunk));
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
    events += batch.op_size();
    if (events >= kMaxEvents) return absl::OkStatus();
  }
}

void CheckSameBatches(const std::vector<EventBatch>& a, const std::vector<EventBatch>& b) {
  Check(a.size() == b.size());
  for (size_t i = 0; i < a.size(); ++i) {
    Check(a[i].SerializeAsString() == b[i].SerializeAsString());
  }
}

}  // namespace

int FuzzKvmPioImporter(const uint8_t* data, size_t size) {
  const std::string bytes(reinterpret_cast<const char*>(data), size);
  std::vector<EventBatch> batches;
  const absl::Status status = ReadAll(bytes, bytes.size() + 1, &batches);
  if (!status.ok()) {
    Check(absl::IsInvalidArgument(status));
    Check(absl::StartsWith(status.message(), "fuzz.txt:"));
    Check(status.message().find('\n') == absl::string_view::npos);
  }

  // The same input in small pieces: line splitting must not depend on read sizes.
  std::vector<EventBatch> chunked;
  const absl::Status chunked_status = ReadAll(bytes, 1 + size % 13, &chunked);
  Check(chunked_status == status);
  CheckSameBatches(batches, chunked);
  if (batches.empty()) return 0;

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
  return 0;
}

}  // namespace portrace::fuzz
