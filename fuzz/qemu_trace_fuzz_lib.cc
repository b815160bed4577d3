#include "fuzz/qemu_trace_fuzz_lib.h"

#include <memory>
#include <string>
#include <vector>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "trace/byte_source.h"
#include "trace/event.h"
#include "trace/importers/qemu_trace_importer.h"

namespace portrace::fuzz {
namespace {

using trace::EventBatch;

constexpr char kName[] = "fuzz.log";
constexpr size_t kMaxLine = 1024;  // small, so the overlong-line path is reachable

void Check(bool invariant) {
  if (!invariant) __builtin_trap();
}

struct Reading {
  absl::Status status;
  // One entry per event: op, address, value, and the region/cpu notes it carries.
  std::vector<std::string> events;
};

Reading Read(const std::string& input, int events_per_batch) {
  Reading reading;
  trace::QemuTraceOptions options;
  options.events_per_batch = events_per_batch;
  options.max_line = kMaxLine;
  absl::StatusOr<std::unique_ptr<trace::EventSource>> source =
      trace::OpenQemuTraceLog(trace::MakeStringSource(input, kName), options);
  if (!source.ok()) {
    reading.status = source.status();
    return reading;
  }
  EventBatch batch;
  while (true) {
    absl::StatusOr<bool> more = (*source)->Next(&batch);
    if (!more.ok()) {
      Check(batch.op_size() == 0);
      Check((*source)->Next(&batch).status() == more.status());
      reading.status = more.status();
      return reading;
    }
    if (!*more) {
      Check(batch.op_size() == 0);
      return reading;
    }
    Check(batch.op_size() > 0 && batch.op_size() <= events_per_batch + 1);
    Check(trace::ValidateBatch(batch).ok());
    // Regions are run-length coded within the batch: an access's region is the last "region"
    // annotation at or before it.
    std::vector<std::string> region_at(batch.op_size());
    std::vector<bool> has_region(batch.op_size(), false);
    std::vector<std::string> notes(batch.op_size());
    for (const trace::Annotation& note : batch.annotation()) {
      if (note.key() == trace::kRegionAnnotation) {
        Check(!has_region[note.event()]);
        has_region[note.event()] = true;
        region_at[note.event()] = note.text();
      } else {
        Check(note.key() == "cpu" && note.text() == "-1");
        notes[note.event()] += "[cpu -1]";
      }
    }
    std::string region;
    for (int i = 0; i < batch.op_size(); ++i) {
      if (has_region[i]) region = region_at[i];
      const trace::EventKind kind = trace::OpKind(batch.op(i));
      const bool access = kind != trace::TIME_ADVANCE;
      Check(access || !has_region[i]);
      reading.events.push_back(absl::StrCat(batch.op(i), ":", batch.address(i), ":", batch.value(i),
                                            access ? ":" + region : "", notes[i]));
    }
  }
}

}  // namespace

int FuzzQemuTrace(const uint8_t* data, size_t size) {
  const std::string input(reinterpret_cast<const char*>(data), size);
  std::unique_ptr<trace::Importer> importer = trace::CreateQemuTraceImporter();
  importer->Sniff(absl::string_view(input).substr(0, 4096));

  const Reading small = Read(input, 5);
  const Reading large = Read(input, trace::QemuTraceOptions().events_per_batch);
  if (!small.status.ok()) {
    Check(absl::IsInvalidArgument(small.status) || absl::IsDataLoss(small.status) ||
          absl::IsResourceExhausted(small.status));
    Check(absl::StartsWith(small.status.message(), kName));
    Check(small.status.message().find('\n') == absl::string_view::npos);
  }
  Check(small.status == large.status);
  Check(small.events == large.events);
  return 0;
}

}  // namespace portrace::fuzz
