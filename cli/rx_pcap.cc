#include "cli/rx_pcap.h"

#include <algorithm>
#include <utility>

#include "absl/strings/ascii.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_split.h"
#include "absl/strings/strip.h"
#include "base/status_macros.h"
#include "trace/event.h"

namespace portrace::cli {
namespace {

constexpr absl::string_view kFlag = "--rx-pcap";

absl::Status Bad(absl::string_view text, absl::string_view why) {
  return absl::InvalidArgumentError(absl::StrCat(kFlag, "=", text, ": ", why));
}

// A non-negative decimal number.
bool Number(absl::string_view word, uint64_t* out) {
  return !word.empty() && absl::ascii_isdigit(static_cast<unsigned char>(word[0])) &&
         absl::SimpleAtoi(word, out);
}

}  // namespace

absl::StatusOr<RxPcapOptions> ParseRxPcapOption(absl::string_view text) {
  RxPcapOptions options;
  options.text = std::string(text);
  const std::vector<absl::string_view> parts = absl::StrSplit(text, ',');
  if (parts[0].empty()) return Bad(text, "expected FILE[,nic=N][,at=PLACEMENT]");
  options.path = std::string(parts[0]);
  for (size_t i = 1; i < parts.size(); ++i) {
    absl::string_view part = parts[i];
    uint64_t number = 0;
    if (absl::ConsumePrefix(&part, "nic=")) {
      if (!Number(part, &number) || number > trace::kMaxNicIndex) {
        return Bad(text, absl::StrCat("nic '", part, "' is not a NIC index (0-255)"));
      }
      options.nic = static_cast<uint32_t>(number);
    } else if (absl::ConsumePrefix(&part, "at=")) {
      absl::string_view value = part;
      if (value == "time") {
        options.placement = RxPcapOptions::Placement::kTime;
        options.at = 0;
      } else if (absl::ConsumePrefix(&value, "time:") && Number(value, &number)) {
        options.placement = RxPcapOptions::Placement::kTime;
        options.at = number;
      } else if (absl::ConsumePrefix(&value, "event:") && Number(value, &number)) {
        options.placement = RxPcapOptions::Placement::kEvent;
        options.at = number;
      } else if (absl::ConsumePrefix(&value, "every:") && Number(value, &number) && number > 0) {
        options.placement = RxPcapOptions::Placement::kEvery;
        options.at = number;
      } else {
        return Bad(text, absl::StrCat("at '", part,
                                      "' is not time, time:NS, event:K or every:N (N >= 1)"));
      }
    } else {
      return Bad(text, absl::StrCat("unknown option '", part, "' (nic=, at=)"));
    }
  }
  return options;
}

absl::StatusOr<std::unique_ptr<RxPcapMerge>> RxPcapMerge::Open(
    std::unique_ptr<trace::EventSource> trace, const RxPcapOptions& options, int max_batch) {
  PT_ASSIGN_OR_RETURN(std::unique_ptr<trace::ByteSource> file, trace::OpenFileSource(options.path));
  PT_ASSIGN_OR_RETURN(std::unique_ptr<devices::PcapReader> pcap,
                      devices::PcapReader::Open(std::move(file)));
  if (pcap->link_type() != devices::PcapReader::kLinkTypeEthernet) {
    return absl::InvalidArgumentError(absl::StrFormat(
        "%s: offset 20: link type %u is not Ethernet (1)", options.path, pcap->link_type()));
  }
  return std::unique_ptr<RxPcapMerge>(
      new RxPcapMerge(std::move(trace), std::move(pcap), options, max_batch));
}

RxPcapMerge::RxPcapMerge(std::unique_ptr<trace::EventSource> trace,
                         std::unique_ptr<devices::PcapReader> pcap, const RxPcapOptions& options,
                         int max_batch)
    : trace_(std::move(trace)),
      pcap_(std::move(pcap)),
      options_(options),
      max_batch_(std::max(max_batch, 1)),
      header_(trace_->header()) {
  trace::KeyValue* note = header_.add_metadata();
  note->set_key("rx-pcap");
  note->set_value(options.text);
}

absl::Status RxPcapMerge::LoadHead() {
  if (head_.has_value() || pcap_done_) return absl::OkStatus();
  devices::PcapRecord record;
  PT_ASSIGN_OR_RETURN(const bool more, pcap_->Next(&record));
  if (!more) {
    pcap_done_ = true;
    return absl::OkStatus();
  }
  if (record.frame.empty()) {
    return absl::InvalidArgumentError(
        absl::StrFormat("%s: offset %u: empty pcap record (a received frame holds 1..%u bytes)",
                        pcap_->name(), record.offset, trace::kMaxNicFrameLength));
  }
  if (record.frame.size() > trace::kMaxNicFrameLength) {
    return absl::InvalidArgumentError(absl::StrFormat(
        "%s: offset %u: frame of %u bytes, above the %u bytes a received frame may hold",
        pcap_->name(), record.offset, record.frame.size(), trace::kMaxNicFrameLength));
  }
  if (!first_t_ns_.has_value()) first_t_ns_ = record.t_ns;
  head_ = std::move(record);
  return absl::OkStatus();
}

bool RxPcapMerge::HeadDueBeforeNextEvent() const {
  switch (options_.placement) {
    case RxPcapOptions::Placement::kTime: {
      // Relative to the first frame; a frame stamped before it counts as at the first frame.
      const uint64_t relative = head_->t_ns > *first_t_ns_ ? head_->t_ns - *first_t_ns_ : 0;
      const uint64_t target =
          relative > ~uint64_t{0} - options_.at ? ~uint64_t{0} : options_.at + relative;
      return target <= clock_.now();
    }
    case RxPcapOptions::Placement::kEvent:
      return input_index_ >= options_.at;
    case RxPcapOptions::Placement::kEvery:
      // Frame i (i = frames_ placed so far) before input event (i + 1) * N.
      return input_index_ / options_.at > frames_;
  }
  return false;
}

absl::StatusOr<bool> RxPcapMerge::LoadInput() {
  PT_ASSIGN_OR_RETURN(const bool more, trace_->Next(&input_));
  next_event_ = 0;
  next_blob_ = 0;
  next_note_ = 0;
  region_.clear();
  notes_.resize(input_.annotation_size());
  for (int i = 0; i < input_.annotation_size(); ++i) notes_[i] = i;
  std::stable_sort(notes_.begin(), notes_.end(), [this](int a, int b) {
    return input_.annotation(a).event() < input_.annotation(b).event();
  });
  return more;
}

void RxPcapMerge::AppendHead(trace::EventBatch* out) {
  trace::BatchBuilder builder(out);
  builder.NicReceive(static_cast<uint8_t>(options_.nic), head_->frame);
  ++frames_;
  head_.reset();
}

void RxPcapMerge::AppendInputEvent(trace::EventBatch* out, bool first_of_input_in_out) {
  const uint32_t op = input_.op(next_event_);
  const uint32_t out_index = static_cast<uint32_t>(out->op_size());
  out->add_op(op);
  out->add_address(input_.address(next_event_));
  out->add_value(input_.value(next_event_));
  trace::EventView view;
  view.kind = trace::OpKind(op);
  view.flags = trace::OpFlags(op);
  view.value = input_.value(next_event_);
  if (trace::OpHasBlob(op)) out->add_blob(input_.blob(next_blob_++));
  // A batch split mid-input keeps the capture's region in force for the accesses after it.
  if (first_of_input_in_out && !region_.empty()) {
    trace::Annotation* note = out->add_annotation();
    note->set_event(out_index);
    note->set_key(std::string(trace::kRegionAnnotation));
    note->set_text(region_);
  }
  for (; next_note_ < notes_.size() &&
         input_.annotation(notes_[next_note_]).event() == static_cast<uint32_t>(next_event_);
       ++next_note_) {
    trace::Annotation* note = out->add_annotation();
    *note = input_.annotation(notes_[next_note_]);
    note->set_event(out_index);
    if (note->key() == trace::kRegionAnnotation) region_ = note->text();
  }
  clock_.Observe(view);
  ++input_index_;
  ++next_event_;
}

absl::StatusOr<bool> RxPcapMerge::Next(trace::EventBatch* batch) {
  batch->Clear();
  if (!failed_.ok()) return failed_;
  const auto fail = [&](absl::Status status) -> absl::StatusOr<bool> {
    failed_ = status;
    if (batch->op_size() > 0) return true;
    return status;
  };
  bool copied_input = false;  // an event of the current input batch is in this output batch
  while (batch->op_size() < max_batch_) {
    if (absl::Status loaded = LoadHead(); !loaded.ok()) return fail(loaded);
    if (!input_done_ && next_event_ >= input_.op_size()) {
      absl::StatusOr<bool> more = LoadInput();
      if (!more.ok()) return fail(more.status());
      if (!*more) input_done_ = true;
      copied_input = false;
      continue;
    }
    if (input_done_) {
      if (!head_.has_value()) break;
      AppendHead(batch);
    } else if (head_.has_value() && HeadDueBeforeNextEvent()) {
      AppendHead(batch);
    } else {
      AppendInputEvent(batch, !copied_input);
      copied_input = true;
    }
  }
  return batch->op_size() > 0;
}

}  // namespace portrace::cli
