#include "sim/replay.h"

#include <algorithm>
#include <cstring>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/types/span.h"
#include "base/status_macros.h"

namespace portrace::sim {

using trace::EventView;
using trace::OpFlags;
using trace::OpKind;
using trace::OpWidth;

Replayer::Replayer(Machine* machine) : machine_(machine) {
  machine_->io().set_anomaly_sink(this);
  machine_->memory().set_anomaly_sink(this);
  machine_->events().set_sink(this);
}

Replayer::~Replayer() {
  machine_->io().set_anomaly_sink(nullptr);
  machine_->memory().set_anomaly_sink(nullptr);
  machine_->events().set_sink(nullptr);
}

void Replayer::OnIoAnomaly(const IoAnomaly& anomaly) {
  switch (anomaly.kind) {
    case IoAnomaly::Kind::kUnclaimed:
      ++summary_.unclaimed;
      break;
    case IoAnomaly::Kind::kBadWidth:
      ++summary_.bad_width;
      break;
    case IoAnomaly::Kind::kStraddle:
      ++summary_.straddle;
      break;
    case IoAnomaly::Kind::kDenied:
      ++summary_.denied;
      break;
  }
  if (observer_ == nullptr) return;
  anomalies_.push_back(anomaly);
  // Keep the strings alive past the dispatch; fixed up to point here in Notify.
  anomaly_text_.push_back(std::string(anomaly.mapping));
  anomaly_text_.push_back(std::string(anomaly.detail));
}

void Replayer::OnDeviceEvent(const DeviceEvent& event) {
  ++summary_.device_events[{event.device, event.kind}];
  if (event.show_in_summary) {
    if (summary_.output_lines.size() < ReplaySummary::kMaxSummaryLines) {
      summary_.output_lines.push_back(absl::StrCat(event.device, ": ", event.text));
    } else {
      ++summary_.output_lines_dropped;
    }
  }
  if (observer_ != nullptr) device_events_.push_back(event);
}

void Replayer::CountRead(bool recorded, bool diverged) {
  if (!recorded) return;
  ++summary_.recorded_reads;
  if (diverged) ++summary_.divergent_reads;
}

void Replayer::Notify(const EventView& event, uint64_t t_ns, uint64_t model_value, bool diverged,
                      bool untimed_clock_read) {
  for (size_t i = 0; i < anomalies_.size(); ++i) {
    anomalies_[i].mapping = anomaly_text_[2 * i];
    anomalies_[i].detail = anomaly_text_[2 * i + 1];
  }
  ReplayedEvent replayed;
  replayed.index = summary_.events;
  replayed.t_ns = t_ns;
  replayed.event = event;
  replayed.model_value = model_value;
  if (event.kind == trace::MEMORY_READ) replayed.model_bytes = bytes_;
  replayed.diverged = diverged;
  replayed.capture_region = capture_region_;
  switch (event.kind) {
    case trace::PORT_READ:
    case trace::PORT_WRITE:
      replayed.mapping = machine_->io().MappingNameAt(static_cast<uint32_t>(event.address));
      replayed.untimed_clock_read = untimed_clock_read;
      break;
    case trace::MMIO_READ:
    case trace::MMIO_WRITE:
    case trace::MEMORY_WRITE:
    case trace::MEMORY_FILL:
    case trace::MEMORY_READ:
      replayed.mapping = machine_->memory().NameAt(event.address);
      break;
    case trace::NIC_RECEIVE:
      replayed.mapping = delivery_.device;
      break;
    default:
      break;
  }
  replayed.anomalies = anomalies_;
  replayed.device_events = device_events_;
  observer_->OnEvent(replayed);
  anomalies_.clear();
  anomaly_text_.clear();
  device_events_.clear();
}

namespace {

// "it has none", "it has 1: #0 ne2k_pci", "it has 2: #0 rtl8139, #1 ne2k_isa".
std::string DescribeNics(const std::vector<Machine::Nic>& nics) {
  if (nics.empty()) return "it has none";
  std::string out = absl::StrCat("it has ", nics.size(), ":");
  for (size_t i = 0; i < nics.size(); ++i) {
    absl::StrAppend(&out, i == 0 ? " #" : ", #", i, " ", nics[i].device);
  }
  return out;
}

}  // namespace

void Replayer::Deliver(const EventView& event) {
  ++summary_.frames_injected;
  delivery_ = FrameDelivery();
  delivery_.nic = event.aux;
  const std::vector<Machine::Nic>& nics = machine_->nics();
  if (event.aux >= nics.size()) {
    ++summary_.frames_refused;
    delivery_.result = RxResult::Refused("no such NIC");
    return;
  }
  const Machine::Nic& nic = nics[event.aux];
  delivery_.nic_found = true;
  delivery_.device = nic.device;
  delivery_.result = nic.receiver->ReceiveFrame(
      absl::MakeConstSpan(reinterpret_cast<const uint8_t*>(event.blob.data()), event.blob.size()));
  DeviceEvent published;
  published.device = nic.device;
  published.value = event.blob.size();
  switch (delivery_.result.outcome) {
    case RxResult::Outcome::kStored:
      ++summary_.frames_stored;
      published.kind = "rx-injected";
      published.text = "stored";
      break;
    case RxResult::Outcome::kFiltered:
      ++summary_.frames_filtered;
      published.kind = "rx-injected";
      published.text = "filtered";
      break;
    case RxResult::Outcome::kRefused:
      ++summary_.frames_refused;
      published.kind = "rx-refused";
      published.text = std::string(delivery_.result.reason);
      break;
  }
  machine_->events().Publish(published);
}

uint64_t Replayer::Execute(const EventView& event) {
  std::string* bytes = &bytes_;
  Machine& m = *machine_;
  switch (event.kind) {
    case trace::PORT_READ:
      ++summary_.port_reads;
      return m.io().Read(static_cast<uint32_t>(event.address), event.width);
    case trace::PORT_WRITE:
      ++summary_.port_writes;
      m.io().Write(static_cast<uint32_t>(event.address), event.width,
                   static_cast<uint32_t>(event.value));
      return 0;
    case trace::MMIO_READ:
      ++summary_.mmio_reads;
      return m.memory().Read(event.address, event.width);
    case trace::MMIO_WRITE:
      ++summary_.mmio_writes;
      m.memory().Write(event.address, event.width, event.value);
      return 0;
    case trace::MEMORY_WRITE: {
      ++summary_.memory_ops;
      // The command's bytes, zero-filled to its length, in one write as QEMU does.
      const uint64_t length = std::min<uint64_t>(event.value, trace::kMaxMemoryLength);
      bytes->assign(length, '\0');
      std::memcpy(bytes->data(), event.blob.data(), std::min<uint64_t>(event.blob.size(), length));
      m.memory().WriteBytes(event.address, *bytes);
      return 0;
    }
    case trace::MEMORY_FILL:
      ++summary_.memory_ops;
      m.memory().Fill(event.address, static_cast<uint8_t>(event.aux),
                      std::min<uint64_t>(event.value, trace::kMaxMemoryLength));
      return 0;
    case trace::MEMORY_READ: {
      ++summary_.memory_ops;
      const uint64_t length = std::min<uint64_t>(event.value, trace::kMaxMemoryLength);
      bytes->resize(length);
      m.memory().ReadBytes(event.address, bytes->data(), length);
      return 0;
    }
    case trace::TIME_ADVANCE:
      ++summary_.time_events;
      if (event.flags & trace::FLAG_TO_DEADLINE) {
        m.clock().AdvanceToNextDeadline();
      } else {
        m.clock().Advance(event.value);
      }
      return m.clock().now();
    case trace::TIME_SET:
      ++summary_.time_events;
      m.clock().AdvanceTo(event.value);
      return m.clock().now();
    case trace::MARKER:
      ++summary_.markers;
      return 0;
    case trace::NIC_RECEIVE:
      Deliver(event);
      return 0;
    default:
      return 0;
  }
}

void Replayer::RunBatch(const trace::EventBatch& batch) {
  if (!status_.ok()) return;
  const int n = batch.op_size();
  const uint32_t* ops = batch.op().data();
  const uint64_t* addresses = batch.address().data();
  const uint64_t* values = batch.value().data();
  IoSpace& io = machine_->io();
  int blob = 0;
  int note = 0;
  capture_region_ = {};
  for (int i = 0; i < n; ++i) {
    const uint32_t op = ops[i];
    const trace::EventKind kind = OpKind(op);
    // The common case, kept tight: port accesses with no observer to feed.
    if (observer_ == nullptr) {
      if (kind == trace::PORT_WRITE) {
        io.Write(static_cast<uint32_t>(addresses[i]), OpWidth(op),
                 static_cast<uint32_t>(values[i]));
        ++summary_.port_writes;
        ++summary_.events;
        continue;
      }
      if (kind == trace::PORT_READ) {
        const uint32_t value = io.Read(static_cast<uint32_t>(addresses[i]), OpWidth(op));
        ++summary_.port_reads;
        CountRead((OpFlags(op) & trace::FLAG_RECORDED) != 0, value != values[i]);
        ++summary_.events;
        continue;
      }
    }
    for (; note < batch.annotation_size() && batch.annotation(note).event() <= uint32_t(i); ++note) {
      if (batch.annotation(note).key() == trace::kRegionAnnotation) {
        capture_region_ = batch.annotation(note).text();
      }
    }
    EventView event;
    event.kind = kind;
    event.width = OpWidth(op);
    event.flags = OpFlags(op);
    event.aux = trace::OpAux(op);
    event.address = addresses[i];
    event.value = values[i];
    if (trace::OpHasBlob(op)) event.blob = batch.blob(blob++);
    if (kind == trace::NIC_RECEIVE && event.aux >= machine_->nics().size()) {
      status_ = absl::FailedPreconditionError(absl::StrFormat(
          "event %u (nic-receive): the machine has no NIC %u (%s); NIC indices count the "
          "machine's own NIC first, then each --nic in order",
          summary_.events, event.aux, DescribeNics(machine_->nics())));
      break;
    }
    Step(event);
  }
  capture_region_ = {};
  summary_.end_ns = machine_->clock().now();
  summary_.stalled_ns = machine_->clock().stalled_ns();
}

uint64_t Replayer::Step(const EventView& event) {
  const uint64_t t_ns = machine_->clock().now();
  const uint64_t model = Execute(event);
  bool diverged = false;
  if (event.recorded()) {
    if (event.kind == trace::PORT_READ || event.kind == trace::MMIO_READ) {
      diverged = model != event.value;
      CountRead(true, diverged);
    } else if (event.kind == trace::MEMORY_READ) {
      diverged = bytes_ != event.blob;
      CountRead(true, diverged);
    }
  }
  const bool untimed_clock_read =
      diverged && event.kind == trace::PORT_READ && summary_.time_events == 0 &&
      machine_->io().FollowsClockAt(static_cast<uint32_t>(event.address));
  if (untimed_clock_read) ++summary_.untimed_clock_reads;
  if (observer_ != nullptr) Notify(event, t_ns, model, diverged, untimed_clock_read);
  ++summary_.events;
  summary_.end_ns = machine_->clock().now();
  summary_.stalled_ns = machine_->clock().stalled_ns();
  return model;
}

absl::Status Replayer::Run(trace::EventSource& source) {
  trace::EventBatch batch;
  while (true) {
    PT_ASSIGN_OR_RETURN(const bool have, source.Next(&batch));
    if (!have) break;
    RunBatch(batch);
    if (!status_.ok()) break;
  }
  summary_.end_ns = machine_->clock().now();
  summary_.stalled_ns = machine_->clock().stalled_ns();
  return status_;
}

}  // namespace portrace::sim
