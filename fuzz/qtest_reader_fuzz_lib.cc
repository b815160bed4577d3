#include "fuzz/qtest_reader_fuzz_lib.h"

#include <memory>
#include <string>
#include <vector>

#include "trace/byte_source.h"
#include "trace/event.h"
#include "trace/qtest_script.h"
#include "trace/trace_file.h"

namespace portrace::fuzz {
namespace {

using trace::EventBatch;

constexpr int kEventsPerBatch = 5;

void Check(bool invariant) {
  if (!invariant) __builtin_trap();
}

// Reads batches of a qtest script until the end or the first error, which it returns.
absl::Status ReadScript(const std::string& script, std::vector<EventBatch>* batches) {
  std::unique_ptr<trace::QtestScriptReader> reader = trace::QtestScriptReader::Create(
      trace::MakeStringSource(script, "fuzz.qtest"), kEventsPerBatch);
  EventBatch batch;
  while (true) {
    absl::StatusOr<bool> more = reader->Next(&batch);
    if (!more.ok()) {
      Check(batch.op_size() == 0);
      Check(reader->Next(&batch).status() == more.status());
      return more.status();
    }
    if (!*more) return absl::OkStatus();
    Check(batch.op_size() > 0 && batch.op_size() <= kEventsPerBatch);
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

}  // namespace

int FuzzQtestReader(const uint8_t* data, size_t size) {
  const std::string script(reinterpret_cast<const char*>(data), size);
  std::vector<EventBatch> batches;
  const absl::Status status = ReadScript(script, &batches);
  // Every complaint about the input is InvalidArgument naming the line.
  if (!status.ok()) Check(absl::IsInvalidArgument(status));
  if (batches.empty()) return 0;

  // Through the qtest writer and back.
  std::string rewritten;
  trace::StringSink script_sink(&rewritten);
  trace::QtestScriptWriter script_writer(&script_sink);
  for (const EventBatch& batch : batches) Check(script_writer.WriteBatch(batch).ok());
  std::vector<EventBatch> again;
  Check(ReadScript(rewritten, &again).ok());
  CheckSameBatches(batches, again);

  // Through the canonical trace file and back.
  std::string canonical;
  trace::StringSink trace_sink(&canonical);
  trace::TraceWriterOptions options;
  options.codec = trace::Codec::kNone;
  absl::StatusOr<std::unique_ptr<trace::TraceWriter>> writer =
      trace::TraceWriter::Create(&trace_sink, trace::TraceHeader(), options);
  Check(writer.ok());
  for (const EventBatch& batch : batches) Check((*writer)->WriteBatch(batch).ok());
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
