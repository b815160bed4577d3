// Exporter: canonical events written out in some format. Each format is a class in its own .cc
// exporting one factory; registry.cc lists them and picks one by name or by file extension.
#ifndef PORTRACE_TRACE_EXPORTERS_EXPORTER_H_
#define PORTRACE_TRACE_EXPORTERS_EXPORTER_H_

#include <memory>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "trace/byte_source.h"
#include "trace/trace.pb.h"

namespace portrace::trace {

// Writes batches to a sink in one format. Call WriteBatch in order, then Finish.
class BatchWriter {
 public:
  virtual ~BatchWriter() = default;
  virtual absl::Status WriteBatch(const EventBatch& batch) = 0;
  // Completes the output and closes the sink.
  virtual absl::Status Finish() = 0;
};

class Exporter {
 public:
  virtual ~Exporter() = default;
  virtual absl::string_view name() const = 0;  // the --to name, e.g. "qtest"
  virtual absl::string_view description() const = 0;
  virtual std::vector<absl::string_view> extensions() const = 0;  // e.g. {".qtest"}
  // `sink` must outlive the writer.
  virtual absl::StatusOr<std::unique_ptr<BatchWriter>> Create(ByteSink* sink,
                                                              const TraceHeader& header) const = 0;
};

}  // namespace portrace::trace

#endif  // PORTRACE_TRACE_EXPORTERS_EXPORTER_H_
