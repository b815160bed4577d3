#include "trace/exporters/listing_exporter.h"

#include <string>

#include "absl/strings/escaping.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "base/status_macros.h"
#include "trace/exporters/event_clock.h"
#include "trace/qtest_command.h"

namespace portrace::trace {
namespace {

class ListingWriter : public BatchWriter {
 public:
  ListingWriter(ByteSink* sink, const TraceHeader& header) : sink_(sink) {
    out_ = absl::StrFormat("# %s; machine %s\n", header.producer().empty() ? "trace" : header.producer(),
                           header.machine().empty() ? "not named" : header.machine());
  }

  absl::Status WriteBatch(const EventBatch& batch) override {
    PT_RETURN_IF_ERROR(ValidateBatch(batch));
    std::vector<std::vector<const Annotation*>> notes(batch.op_size());
    for (const Annotation& note : batch.annotation()) notes[note.event()].push_back(&note);
    BatchCursor cursor(batch);
    while (!cursor.Done()) {
      const int in_batch = cursor.index();
      const EventView e = cursor.Next();
      const uint64_t t = clock_.Observe(e);
      std::string text;
      if (e.kind == MARKER && !(e.flags & FLAG_QTEST)) {
        text = absl::StrCat("marker: ", absl::CHexEscape(e.blob));
      } else if (e.kind == MEMORY_WRITE) {
        text = absl::StrFormat("write 0x%x 0x%x (%u bytes given)", e.address, e.value, e.blob.size());
      } else if (e.kind == NIC_RECEIVE) {
        text = absl::StrFormat("nic_rx %u (%u bytes) 0x%s%s", e.aux, e.value,
                               absl::BytesToHexString(e.blob.substr(0, 32)),
                               e.blob.size() > 32 ? "..." : "");
      } else {
        text = FormatQtestLine(e);
        if (text.empty()) text = std::string(EventKindName(e.kind));
      }
      if (e.recorded() && (e.kind == PORT_READ || e.kind == MMIO_READ)) {
        absl::StrAppendFormat(&text, " = 0x%x", e.value);
      } else if (e.recorded() && e.kind == MEMORY_READ) {
        absl::StrAppend(&text, " = 0x", absl::BytesToHexString(e.blob.substr(0, 32)),
                        e.blob.size() > 32 ? "..." : "");
      }
      if (e.flags & FLAG_STRING_IO) text += " (string)";
      for (const Annotation* note : notes[in_batch]) {
        if (note->key() == "qtest") continue;  // the same request in its original spelling
        absl::StrAppend(&text, " [", note->key(), ": ", absl::CHexEscape(note->text()), "]");
      }
      absl::StrAppendFormat(&out_, "#%-8u t=%-14s %s\n", index_++, absl::StrCat(t, "ns"), text);
      if (out_.size() > (1 << 20)) {
        PT_RETURN_IF_ERROR(sink_->Write(out_));
        out_.clear();
      }
    }
    return absl::OkStatus();
  }

  absl::Status Finish() override {
    PT_RETURN_IF_ERROR(sink_->Write(out_));
    return sink_->Close();
  }

 private:
  ByteSink* sink_;
  EventClock clock_;
  uint64_t index_ = 0;
  std::string out_;
};

class ListingExporter : public Exporter {
 public:
  absl::string_view name() const override { return "txt"; }
  absl::string_view description() const override { return "text listing, one event a line"; }
  std::vector<absl::string_view> extensions() const override { return {".txt"}; }
  absl::StatusOr<std::unique_ptr<BatchWriter>> Create(ByteSink* sink,
                                                      const TraceHeader& header) const override {
    return std::unique_ptr<BatchWriter>(new ListingWriter(sink, header));
  }
};

}  // namespace

std::unique_ptr<Exporter> CreateListingExporter() { return std::make_unique<ListingExporter>(); }

}  // namespace portrace::trace
