// EventSource: a stream of event batches, the one interface replay and conversion consume.
// The canonical reader and every importer implement it; nothing needs the whole trace in memory.
#ifndef PORTRACE_TRACE_EVENT_SOURCE_H_
#define PORTRACE_TRACE_EVENT_SOURCE_H_

#include "absl/status/statusor.h"
#include "trace/trace.pb.h"

namespace portrace::trace {

class EventSource {
 public:
  virtual ~EventSource() = default;

  // The trace's header (format version, producer, machine, metadata). Valid after creation.
  virtual const TraceHeader& header() const = 0;

  // Replaces `batch` with the next batch of events. Returns false, leaving `batch` empty, at the
  // end of the stream. Batches are well formed (ValidateBatch) and never empty. Errors name the
  // input and the byte offset or line: InvalidArgument for malformed input, DataLoss for
  // truncated input. After an error the source stays failed.
  virtual absl::StatusOr<bool> Next(EventBatch* batch) = 0;
};

}  // namespace portrace::trace

#endif  // PORTRACE_TRACE_EVENT_SOURCE_H_
