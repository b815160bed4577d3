#include "trace/exporters/qtest_log_exporter.h"

#include <string>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "base/status_macros.h"
#include "trace/exporters/event_clock.h"
#include "trace/qtest_command.h"
#include "trace/qtest_exchange.h"

namespace portrace::trace {
namespace {

std::string Seconds(uint64_t ns) {
  return absl::StrFormat("%u.%06u", ns / 1000000000, ns % 1000000000 / 1000);
}

class QtestLogWriter : public BatchWriter {
 public:
  explicit QtestLogWriter(ByteSink* sink) : sink_(sink) {}

  absl::Status WriteBatch(const EventBatch& batch) override {
    PT_RETURN_IF_ERROR(ValidateBatch(batch));
    if (!opened_) {
      out_ = "[I 0.000000] OPENED\n";
      opened_ = true;
    }
    // Original spellings and refused-request replies kept by the importers.
    std::vector<const std::string*> original(batch.op_size(), nullptr);
    std::vector<const std::string*> reply(batch.op_size(), nullptr);
    for (const Annotation& note : batch.annotation()) {
      if (note.key() == "qtest") original[note.event()] = &note.text();
      if (note.key() == "qtest-reply") reply[note.event()] = &note.text();
    }
    BatchCursor cursor(batch);
    while (!cursor.Done()) {
      const int index = cursor.index();
      const EventView e = cursor.Next();
      const std::string t = Seconds(clock_.Observe(e));
      // Time is in the timestamps, as in a log QEMU writes.
      if (e.kind == TIME_ADVANCE || e.kind == TIME_SET) continue;
      if (e.kind == MARKER && !(e.flags & FLAG_QTEST)) {
        if (absl::StartsWith(e.blob, "irq raise ") || absl::StartsWith(e.blob, "irq lower ")) {
          absl::StrAppend(&out_, "[S +", t, "] IRQ ", e.blob.substr(4), "\n");
        }
        continue;
      }
      std::string line = original[index] != nullptr ? *original[index] : FormatQtestLine(e);
      if (line.empty() || line.find('\n') != std::string::npos) continue;
      std::string answer = reply[index] != nullptr ? *reply[index] : FormatQtestReply(e);
      if (answer.empty()) answer = "OK";
      absl::StrAppend(&out_, "[R +", t, "] ", line, "\n[S +", t, "] ", answer, "\n");
      if (out_.size() > (1 << 20)) {
        PT_RETURN_IF_ERROR(sink_->Write(out_));
        out_.clear();
      }
    }
    return absl::OkStatus();
  }

  absl::Status Finish() override {
    absl::StrAppend(&out_, opened_ ? "" : "[I 0.000000] OPENED\n", "[I +", Seconds(clock_.now()),
                    "] CLOSED\n");
    PT_RETURN_IF_ERROR(sink_->Write(out_));
    return sink_->Close();
  }

 private:
  ByteSink* sink_;
  EventClock clock_;
  bool opened_ = false;
  std::string out_;
};

class QtestLogExporter : public Exporter {
 public:
  absl::string_view name() const override { return "qlog"; }
  absl::string_view description() const override {
    return "qtest log (-qtest-log form): requests with the recorded replies";
  }
  std::vector<absl::string_view> extensions() const override { return {".qlog"}; }
  absl::StatusOr<std::unique_ptr<BatchWriter>> Create(ByteSink* sink,
                                                      const TraceHeader&) const override {
    return std::unique_ptr<BatchWriter>(new QtestLogWriter(sink));
  }
};

}  // namespace

std::unique_ptr<Exporter> CreateQtestLogExporter() { return std::make_unique<QtestLogExporter>(); }

}  // namespace portrace::trace
