// `portrace convert --rx-pcap=FILE[,nic=N][,at=PLACEMENT]`: the frames of a pcap capture (the
// traffic a guest received), merged into the converted trace as NIC_RECEIVE events for the
// machine's NIC N (default 0), so that replaying the trace delivers them.
//
// Placement is deterministic and depends only on the trace's events and the capture's
// timestamps; frames always keep their order in the capture:
//   at=time       (default) each frame goes before the first event whose virtual time is at or
//                 after the frame's capture time relative to the capture's first frame (the first
//                 frame at virtual time 0). An event's virtual time is the time reached by the
//                 events before it (TIME_ADVANCE/TIME_SET; "to the next deadline" counts as no
//                 time, as a stream cannot resolve it), so a frame is delivered at the first
//                 event boundary not before its time. For traces with timestamps (qtest logs,
//                 QEMU trace logs, kvm_pio, clock_step scripts).
//   at=time:NS    the same with the first frame at virtual time NS.
//   at=event:K    every frame before event K (0-based, of the input trace): for a trace without
//                 time, after the driver has set up its receiver.
//   at=every:N    frame i (from 0) before input event (i + 1) * N: one frame after each N events.
// Frames left when the trace ends follow its last event. A frame must hold 1..65535 bytes (a
// NIC_RECEIVE's limit; an empty or longer record is an error naming the capture and its offset);
// a record the capture cut short (captured length below its original length) is injected as
// captured. The capture must be Ethernet (link type 1).
//
// RxPcapMerge streams: it holds one input batch and one capture record at a time, and splits its
// output into batches of a bounded size (re-attaching the input's current "region" annotation
// where a batch is split).
#ifndef PORTRACE_CLI_RX_PCAP_H_
#define PORTRACE_CLI_RX_PCAP_H_

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "devices/nic/pcap_reader.h"
#include "trace/event_source.h"
#include "trace/exporters/event_clock.h"
#include "trace/trace.pb.h"

namespace portrace::cli {

struct RxPcapOptions {
  enum class Placement { kTime, kEvent, kEvery };
  std::string text;  // the option as given, kept in the output's header
  std::string path;
  uint32_t nic = 0;
  Placement placement = Placement::kTime;
  // kTime: the virtual time (ns) of the first frame; kEvent: the event index; kEvery: N (>= 1).
  uint64_t at = 0;
};

// Parses "FILE[,nic=N][,at=time|time:NS|event:K|every:N]". InvalidArgument naming the part.
absl::StatusOr<RxPcapOptions> ParseRxPcapOption(absl::string_view text);

class RxPcapMerge : public trace::EventSource {
 public:
  // Opens the capture (errors name it). `max_batch` bounds the events of each output batch.
  static absl::StatusOr<std::unique_ptr<RxPcapMerge>> Open(
      std::unique_ptr<trace::EventSource> trace, const RxPcapOptions& options,
      int max_batch = 4096);

  // The trace's header with metadata "rx-pcap" = the option text added.
  const trace::TraceHeader& header() const override { return header_; }
  // The trace's events with the capture's frames merged in. Events read before an error (of the
  // trace or the capture) are delivered first; the error comes with the following call.
  absl::StatusOr<bool> Next(trace::EventBatch* batch) override;

  uint64_t frames() const { return frames_; }

 private:
  RxPcapMerge(std::unique_ptr<trace::EventSource> trace, std::unique_ptr<devices::PcapReader> pcap,
              const RxPcapOptions& options, int max_batch);
  // Reads the next capture record into head_ unless one is waiting or the capture is done.
  absl::Status LoadHead();
  // Whether head_ goes before the input event about to be copied.
  bool HeadDueBeforeNextEvent() const;
  // Reads the next input batch; false at the end of the trace.
  absl::StatusOr<bool> LoadInput();
  void AppendHead(trace::EventBatch* out);
  void AppendInputEvent(trace::EventBatch* out, bool first_of_input_in_out);

  std::unique_ptr<trace::EventSource> trace_;
  std::unique_ptr<devices::PcapReader> pcap_;
  RxPcapOptions options_;
  int max_batch_;
  trace::TraceHeader header_;

  // The capture: the record waiting to be placed, the first record's time.
  std::optional<devices::PcapRecord> head_;
  bool pcap_done_ = false;
  std::optional<uint64_t> first_t_ns_;
  uint64_t frames_ = 0;

  // The input: the current batch, where its next event, blob and annotation are, the region
  // annotation in force, the input's event index and the virtual time of its next event.
  trace::EventBatch input_;
  int next_event_ = 0;
  int next_blob_ = 0;
  std::vector<int> notes_;  // input_'s annotations, ordered by event
  size_t next_note_ = 0;
  std::string region_;
  bool input_done_ = false;
  uint64_t input_index_ = 0;
  trace::EventClock clock_;

  absl::Status failed_;
};

}  // namespace portrace::cli

#endif  // PORTRACE_CLI_RX_PCAP_H_
