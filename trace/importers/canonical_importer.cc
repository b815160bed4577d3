#include "trace/importers/canonical_importer.h"

#include "trace/trace_file.h"

namespace portrace::trace {
namespace {

class CanonicalImporter : public Importer {
 public:
  absl::string_view name() const override { return "trace"; }
  absl::string_view description() const override { return "portrace canonical trace (.trace)"; }
  bool Sniff(absl::string_view head) const override { return LooksLikeCanonicalTrace(head); }
  absl::StatusOr<std::unique_ptr<EventSource>> Open(
      std::unique_ptr<ByteSource> source) const override {
    absl::StatusOr<std::unique_ptr<TraceReader>> reader = TraceReader::Open(std::move(source));
    if (!reader.ok()) return reader.status();
    return std::unique_ptr<EventSource>(std::move(*reader));
  }
};

}  // namespace

std::unique_ptr<Importer> CreateCanonicalImporter() {
  return std::make_unique<CanonicalImporter>();
}

}  // namespace portrace::trace
