// Replay: runs a trace's events against a Machine.
//
// The engine pulls batches from an EventSource and executes each event on the machine: port and
// MMIO accesses through its spaces, memory writes and fills into guest memory, time events on the
// virtual clock. Port accesses — nearly all of a real trace — take a tight loop over the batch's
// flat columns; the rest go through Execute.
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
  // The mapping that claims the port or address ("ram" for RAM, "" when nothing does).
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
  uint64_t unclaimed = 0;        // accesses the spaces reported, by kind
  uint64_t bad_width = 0;
  uint64_t straddle = 0;
  uint64_t denied = 0;
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

  // Replays every remaining event of `source`. Returns the source's error, if any, after
  // replaying what came before it.
  absl::Status Run(trace::EventSource& source);

  // Replays one batch (must be well formed: trace::ValidateBatch).
  void RunBatch(const trace::EventBatch& batch);

  // Replays a single event now, exactly as RunBatch would (the qtest peer's path). Returns the
  // model's value for port and MMIO reads and the clock after time events; after a MEMORY_READ
  // the bytes read are in last_bytes().
  uint64_t Step(const trace::EventView& event);
  const std::string& last_bytes() const { return bytes_; }

  const ReplaySummary& summary() const { return summary_; }
  uint64_t events_replayed() const { return summary_.events; }

 private:
  // Carries out one event on the machine and counts it by kind.
  uint64_t Execute(const trace::EventView& event);
  void OnIoAnomaly(const IoAnomaly& anomaly) override;
  void OnDeviceEvent(const DeviceEvent& event) override;
  // Reports the event at `index` to the observer and clears the per-event buffers.
  void Notify(const trace::EventView& event, uint64_t t_ns, uint64_t model_value, bool diverged);
  void CountRead(bool recorded, bool diverged);

  Machine* machine_;
  ReplayObserver* observer_ = nullptr;
  ReplaySummary summary_;
  std::string bytes_;  // MEMORY_READ/MEMORY_WRITE buffer, reused
  // Per-event buffers; the anomaly details are copied so they outlive the dispatch.
  std::vector<IoAnomaly> anomalies_;
  std::vector<std::string> anomaly_text_;
  std::vector<DeviceEvent> device_events_;
  absl::string_view capture_region_;  // of the access being stepped in RunBatch
};

}  // namespace portrace::sim

#endif  // PORTRACE_SIM_REPLAY_H_
