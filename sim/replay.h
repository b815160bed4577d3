// Replay: runs a trace's events against a Machine.
//
// The engine pulls batches from an EventSource and executes each event on the machine: port and
// MMIO accesses through its spaces, memory writes and fills into guest memory, time events on the
// virtual clock, injected frames (NIC_RECEIVE) into the machine's NIC of that index through its
// FrameReceiver. Port accesses — nearly all of a real trace — take a tight loop over the batch's
// flat columns; the rest go through Execute.
//
// An injected frame publishes a device event under the NIC's name: "rx-injected" (value = length,
// text "stored" or "filtered") or "rx-refused" (value = length, text = the NIC's reason), beside
// whatever the NIC itself publishes ("rx", "rx-overflow", ...). A NIC_RECEIVE naming a NIC the
// machine does not have stops the replay with FailedPrecondition naming the event index.
//
// For every read the engine knows the model's value and, when the trace recorded one, whether they
// agree. It counts what happened in a ReplaySummary and, if an observer is set, reports each event
// with the model's answer, the I/O anomalies the spaces reported while dispatching it and the
// device events devices published while handling it.
#ifndef PORTRACE_SIM_REPLAY_H_
#define PORTRACE_SIM_REPLAY_H_

#include <cstdint>
#include <map>
#include <string>
#include <utility>
#include <vector>

#include "absl/status/status.h"
#include "absl/strings/string_view.h"
#include "absl/types/span.h"
#include "sim/device_event.h"
#include "sim/frame_receiver.h"
#include "sim/io_space.h"
#include "sim/machine.h"
#include "trace/event.h"
#include "trace/event_source.h"

namespace portrace::sim {

// One executed trace event, as observers see it. Views are valid during the callback only.
struct ReplayedEvent {
  uint64_t index = 0;  // 0-based position in the trace
  uint64_t t_ns = 0;   // virtual time at which it happened
  trace::EventView event;
  // Reads: what the model answered (PORT_READ/MMIO_READ in `model_value`, MEMORY_READ in
  // `model_bytes`). `diverged` is set when the trace recorded a different answer.
  uint64_t model_value = 0;
  absl::string_view model_bytes;
  bool diverged = false;
  // The mapping that claims the port or address ("ram" for RAM, "" when nothing does); for
  // NIC_RECEIVE the NIC's device name.
  absl::string_view mapping;
  // The device the capture's own model names for this access (trace::kRegionAnnotation), "" if
  // the capture names none.
  absl::string_view capture_region;
  // A diverging port read of a register whose value depends on time (IoRegion::FollowsClock)
  // while the trace has carried no time event: the capture's clock ran, the replay's stood at its
  // start, so the values cannot be compared.
  bool untimed_clock_read = false;
  absl::Span<const IoAnomaly> anomalies;
  absl::Span<const DeviceEvent> device_events;
};

class ReplayObserver {
 public:
  virtual ~ReplayObserver() = default;
  virtual void OnEvent(const ReplayedEvent& event) = 0;
};

struct ReplaySummary {
  uint64_t events = 0;
  uint64_t port_reads = 0;
  uint64_t port_writes = 0;
  uint64_t mmio_reads = 0;
  uint64_t mmio_writes = 0;
  uint64_t memory_ops = 0;  // MEMORY_WRITE/FILL/READ
  uint64_t time_events = 0;
  uint64_t markers = 0;
  uint64_t recorded_reads = 0;   // reads with a value recorded in the trace
  uint64_t divergent_reads = 0;  // ... that the model answered differently
  // ... of which depend on time the trace has not carried (ReplayedEvent::untimed_clock_read)
  uint64_t untimed_clock_reads = 0;
  uint64_t unclaimed = 0;        // accesses the spaces reported, by kind
  uint64_t bad_width = 0;
  uint64_t straddle = 0;
  uint64_t denied = 0;
  // NIC_RECEIVE events, and what the NICs did with the frames.
  uint64_t frames_injected = 0;
  uint64_t frames_stored = 0;
  uint64_t frames_filtered = 0;  // taken, dropped by the NIC's address filter
  uint64_t frames_refused = 0;   // refused now (receiver stopped, ring full, no such NIC, ...)
  uint64_t end_ns = 0;      // virtual time after the last event
  uint64_t stalled_ns = 0;  // of which the guest's vCPU was held by a device (log throttle)
  // Device events by (device, kind), in name order.
  std::map<std::pair<std::string, std::string>, uint64_t> device_events;
  // Texts of device events shown in the summary ("platform: <log line>"), the first
  // kMaxSummaryLines of them; the rest are counted.
  static constexpr size_t kMaxSummaryLines = 200;
  std::vector<std::string> output_lines;
  uint64_t output_lines_dropped = 0;
};

class Replayer : private IoAnomalySink, private DeviceEventSink {
 public:
  // The machine must outlive the replayer. Installs itself as the machine's anomaly and event
  // sink for its lifetime.
  explicit Replayer(Machine* machine);
  ~Replayer() override;
  Replayer(const Replayer&) = delete;
  Replayer& operator=(const Replayer&) = delete;

  void set_observer(ReplayObserver* observer) { observer_ = observer; }

  // Replays every remaining event of `source`. Returns the source's error, or the replay's own
  // (status()), if any, after replaying what came before it.
  absl::Status Run(trace::EventSource& source);

  // Replays one batch (must be well formed: trace::ValidateBatch). Stops at an event the machine
  // cannot carry out (a NIC_RECEIVE naming an absent NIC), whose error status() then holds; once
  // failed, further batches are not replayed.
  void RunBatch(const trace::EventBatch& batch);
  const absl::Status& status() const { return status_; }

  // Replays a single event now, exactly as RunBatch would (the qtest peer's path). Returns the
  // model's value for port and MMIO reads and the clock after time events; after a MEMORY_READ
  // the bytes read are in last_bytes(), after a NIC_RECEIVE what happened in last_delivery() (a
  // NIC_RECEIVE naming an absent NIC does nothing here, and counts as refused).
  uint64_t Step(const trace::EventView& event);
  const std::string& last_bytes() const { return bytes_; }

  struct FrameDelivery {
    bool nic_found = false;    // false: the machine has no NIC of that index
    uint32_t nic = 0;          // the index the event named
    absl::string_view device;  // the NIC's device name, when found
    RxResult result;
  };
  const FrameDelivery& last_delivery() const { return delivery_; }

  const ReplaySummary& summary() const { return summary_; }
  uint64_t events_replayed() const { return summary_.events; }

 private:
  // Carries out one event on the machine and counts it by kind.
  uint64_t Execute(const trace::EventView& event);
  // NIC_RECEIVE: hands the frame to the NIC, publishes what it did, counts it.
  void Deliver(const trace::EventView& event);
  void OnIoAnomaly(const IoAnomaly& anomaly) override;
  void OnDeviceEvent(const DeviceEvent& event) override;
  // Reports the event at `index` to the observer and clears the per-event buffers.
  void Notify(const trace::EventView& event, uint64_t t_ns, uint64_t model_value, bool diverged,
              bool untimed_clock_read);
  void CountRead(bool recorded, bool diverged);

  Machine* machine_;
  ReplayObserver* observer_ = nullptr;
  ReplaySummary summary_;
  std::string bytes_;  // MEMORY_READ/MEMORY_WRITE buffer, reused
  FrameDelivery delivery_;
  absl::Status status_;
  // Per-event buffers; the anomaly details are copied so they outlive the dispatch.
  std::vector<IoAnomaly> anomalies_;
  std::vector<std::string> anomaly_text_;
  std::vector<DeviceEvent> device_events_;
  absl::string_view capture_region_;  // of the access being stepped in RunBatch
};

}  // namespace portrace::sim

#endif  // PORTRACE_SIM_REPLAY_H_
