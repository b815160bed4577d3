// Importer: one capture format read into canonical events. Each format is a class in its own .cc
// exporting one factory; registry.cc lists them. An importer can tell its format from the first
// bytes of an input (Sniff) and opens a streaming EventSource over it.
#ifndef PORTRACE_TRACE_IMPORTERS_IMPORTER_H_
#define PORTRACE_TRACE_IMPORTERS_IMPORTER_H_

#include <memory>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "trace/byte_source.h"
#include "trace/event_source.h"

namespace portrace::trace {

class Importer {
 public:
  virtual ~Importer() = default;
  // The --from name, e.g. "trace", "qtest".
  virtual absl::string_view name() const = 0;
  virtual absl::string_view description() const = 0;
  // Whether `head` (up to the first 4 KiB of an input) looks like this format.
  virtual bool Sniff(absl::string_view head) const = 0;
  virtual absl::StatusOr<std::unique_ptr<EventSource>> Open(
      std::unique_ptr<ByteSource> source) const = 0;
};

}  // namespace portrace::trace

#endif  // PORTRACE_TRACE_IMPORTERS_IMPORTER_H_
