#include "trace/exporters/qtest_exporter.h"

#include "trace/qtest_script.h"

namespace portrace::trace {
namespace {

class QtestWriter : public BatchWriter {
 public:
  explicit QtestWriter(ByteSink* sink) : writer_(sink) {}
  absl::Status WriteBatch(const EventBatch& batch) override { return writer_.WriteBatch(batch); }
  absl::Status Finish() override { return writer_.Finish(); }

 private:
  QtestScriptWriter writer_;
};

class QtestExporter : public Exporter {
 public:
  absl::string_view name() const override { return "qtest"; }
  absl::string_view description() const override {
    return "qtest script, one request per line (recorded read values are not kept)";
  }
  std::vector<absl::string_view> extensions() const override { return {".qtest"}; }
  absl::StatusOr<std::unique_ptr<BatchWriter>> Create(ByteSink* sink,
                                                      const TraceHeader&) const override {
    return std::unique_ptr<BatchWriter>(new QtestWriter(sink));
  }
};

}  // namespace

std::unique_ptr<Exporter> CreateQtestExporter() { return std::make_unique<QtestExporter>(); }

}  // namespace portrace::trace
