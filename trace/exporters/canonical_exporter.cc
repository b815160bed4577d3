#include "trace/exporters/canonical_exporter.h"

#include "trace/trace_file.h"

namespace portrace::trace {
namespace {

class CanonicalWriter : public BatchWriter {
 public:
  explicit CanonicalWriter(std::unique_ptr<TraceWriter> writer) : writer_(std::move(writer)) {}
  absl::Status WriteBatch(const EventBatch& batch) override { return writer_->WriteBatch(batch); }
  absl::Status Finish() override { return writer_->Finish(); }

 private:
  std::unique_ptr<TraceWriter> writer_;
};

class CanonicalExporter : public Exporter {
 public:
  absl::string_view name() const override { return "trace"; }
  absl::string_view description() const override {
    return "portrace canonical trace, zstd-compressed chunks";
  }
  std::vector<absl::string_view> extensions() const override { return {".trace"}; }
  absl::StatusOr<std::unique_ptr<BatchWriter>> Create(ByteSink* sink,
                                                      const TraceHeader& header) const override {
    absl::StatusOr<std::unique_ptr<TraceWriter>> writer = TraceWriter::Create(sink, header);
    if (!writer.ok()) return writer.status();
    return std::unique_ptr<BatchWriter>(new CanonicalWriter(std::move(*writer)));
  }
};

}  // namespace

std::unique_ptr<Exporter> CreateCanonicalExporter() {
  return std::make_unique<CanonicalExporter>();
}

}  // namespace portrace::trace
