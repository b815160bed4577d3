// Events of the canonical trace as the rest of portrace sees them.
//
// An EventBatch (trace.proto) stores events column-wise; `op` packs kind, width, flags and aux.
// This file owns that packing: BatchBuilder appends events to a batch, EventView reads one back,
// and the kind/flag helpers name them. Nothing here allocates per event beyond the batch columns.
#ifndef PORTRACE_TRACE_EVENT_H_
#define PORTRACE_TRACE_EVENT_H_

#include <cstdint>
#include <string>

#include "absl/status/status.h"
#include "absl/strings/string_view.h"
#include "trace/trace.pb.h"

namespace portrace::trace {

constexpr uint32_t PackOp(EventKind kind, uint32_t width, uint32_t flags, uint32_t aux = 0) {
  return (static_cast<uint32_t>(kind) & 0xff) | ((width & 0xff) << 8) | ((flags & 0xff) << 16) |
         ((aux & 0xff) << 24);
}
constexpr EventKind OpKind(uint32_t op) { return static_cast<EventKind>(op & 0xff); }
constexpr uint32_t OpWidth(uint32_t op) { return (op >> 8) & 0xff; }
constexpr uint32_t OpFlags(uint32_t op) { return (op >> 16) & 0xff; }
constexpr uint32_t OpAux(uint32_t op) { return op >> 24; }

// True for kinds that take the next entry of EventBatch.blob. MEMORY_READ takes one only when it
// carries recorded bytes (FLAG_RECORDED).
constexpr bool OpHasBlob(uint32_t op) {
  return OpKind(op) == MEMORY_WRITE || OpKind(op) == MARKER || OpKind(op) == NIC_RECEIVE ||
         (OpKind(op) == MEMORY_READ && (OpFlags(op) & FLAG_RECORDED));
}

// "port-read", "mmio-write", ...; "unknown" for values outside EventKind.
absl::string_view EventKindName(EventKind kind);

// Largest value a width can hold (all ones): 0xff, 0xffff, 0xffffffff, ~0.
constexpr uint64_t WidthMask(uint32_t width) {
  return width >= 8 ? ~uint64_t{0} : ((uint64_t{1} << (width * 8)) - 1);
}

// Largest MEMORY_WRITE/MEMORY_FILL/MEMORY_READ length a trace may carry. Bounds what replaying a
// hostile trace can make portrace allocate or touch per event.
inline constexpr uint64_t kMaxMemoryLength = uint64_t{16} << 20;

// Longest frame a NIC_RECEIVE event may carry: the largest snap length of a pcap file and the
// largest length an NE2000 or RTL8139 receive header can state. Frames are at least one byte.
inline constexpr uint64_t kMaxNicFrameLength = 65535;
// NIC_RECEIVE names its NIC in the op's aux byte: indices 0..255.
inline constexpr uint32_t kMaxNicIndex = 255;

// Checks that a batch is well formed: columns of equal length, known kinds, widths valid for the
// kind (1/2/4 for ports, 1/2/4/8 for MMIO, 0 otherwise), ports below 0x10000, memory lengths within
// kMaxMemoryLength, NIC_RECEIVE frames of 1..kMaxNicFrameLength bytes exactly as long as their
// length (address 0), blobs matching the events that take one, annotations naming existing events.
// Errors are InvalidArgument naming the event index within the batch.
absl::Status ValidateBatch(const EventBatch& batch);

// One event of a batch, decoded. `blob` points into the batch and is valid while it is.
// Annotation key naming the device the capture's own model said an access went to (a QEMU trace
// log's MemoryRegion name, e.g. "rtc"): run-length coded, an access's region is the text of the
// last such annotation at or before it in its batch.
inline constexpr absl::string_view kRegionAnnotation = "region";

struct EventView {
  EventKind kind = EVENT_KIND_UNSPECIFIED;
  uint32_t width = 0;
  uint32_t flags = 0;
  uint32_t aux = 0;
  uint64_t address = 0;
  uint64_t value = 0;
  absl::string_view blob;

  bool recorded() const { return (flags & FLAG_RECORDED) != 0; }
};

// Appends events to an EventBatch, keeping the columns in step.
class BatchBuilder {
 public:
  explicit BatchBuilder(EventBatch* batch) : batch_(batch) {}

  int size() const { return batch_->op_size(); }

  // `flags`: FLAG_STRING_IO for an element of a string instruction.
  void PortRead(uint16_t port, uint32_t width, uint32_t flags = 0) {
    Add(PackOp(PORT_READ, width, flags), port, 0);
  }
  void PortReadRecorded(uint16_t port, uint32_t width, uint64_t value) {
    Add(PackOp(PORT_READ, width, FLAG_RECORDED), port, value & WidthMask(width));
  }
  void PortWrite(uint16_t port, uint32_t width, uint64_t value, uint32_t flags = 0) {
    Add(PackOp(PORT_WRITE, width, flags), port, value & WidthMask(width));
  }
  void MmioRead(uint64_t address, uint32_t width) { Add(PackOp(MMIO_READ, width, 0), address, 0); }
  void MmioReadRecorded(uint64_t address, uint32_t width, uint64_t value) {
    Add(PackOp(MMIO_READ, width, FLAG_RECORDED), address, value & WidthMask(width));
  }
  void MmioWrite(uint64_t address, uint32_t width, uint64_t value) {
    Add(PackOp(MMIO_WRITE, width, 0), address, value & WidthMask(width));
  }
  // `length` bytes at `address`; `data` may be shorter (the rest is zero) but not longer.
  void MemoryWrite(uint64_t address, uint64_t length, absl::string_view data, uint32_t flags = 0) {
    Add(PackOp(MEMORY_WRITE, 0, flags), address, length);
    batch_->add_blob(data.data(), data.size());
  }
  void MemoryFill(uint64_t address, uint64_t length, uint8_t byte) {
    Add(PackOp(MEMORY_FILL, 0, 0, byte), address, length);
  }
  void MemoryRead(uint64_t address, uint64_t length, uint32_t flags = 0) {
    Add(PackOp(MEMORY_READ, 0, flags & ~uint32_t{FLAG_RECORDED}), address, length);
  }
  void MemoryReadRecorded(uint64_t address, absl::string_view data, uint32_t flags = 0) {
    Add(PackOp(MEMORY_READ, 0, flags | FLAG_RECORDED), address, data.size());
    batch_->add_blob(data.data(), data.size());
  }
  void TimeAdvance(uint64_t ns) { Add(PackOp(TIME_ADVANCE, 0, 0), 0, ns); }
  void TimeAdvanceToDeadline() { Add(PackOp(TIME_ADVANCE, 0, FLAG_TO_DEADLINE), 0, 0); }
  void TimeSet(uint64_t ns) { Add(PackOp(TIME_SET, 0, 0), 0, ns); }
  // `flags` is 0 or FLAG_QTEST (the text is a qtest command with no I/O).
  void Marker(absl::string_view text, uint32_t flags = 0) {
    Add(PackOp(MARKER, 0, flags), 0, 0);
    batch_->add_blob(text.data(), text.size());
  }
  // A frame the network delivers to the machine's NIC `nic` (NIC_RECEIVE); `frame` should hold
  // 1..kMaxNicFrameLength bytes (ValidateBatch refuses others).
  void NicReceive(uint8_t nic, absl::string_view frame) {
    Add(PackOp(NIC_RECEIVE, 0, 0, nic), 0, frame.size());
    batch_->add_blob(frame.data(), frame.size());
  }
  // Attaches a note to the event most recently added.
  void Annotate(absl::string_view key, absl::string_view text);

 private:
  void Add(uint32_t op, uint64_t address, uint64_t value) {
    batch_->add_op(op);
    batch_->add_address(address);
    batch_->add_value(value);
  }

  EventBatch* batch_;
};

// Walks a batch's events in order, pairing blob-carrying events with their blob.
// The batch must be well formed (see ValidateBatch); the cursor does not re-check.
class BatchCursor {
 public:
  explicit BatchCursor(const EventBatch& batch) : batch_(batch) {}
  bool Done() const { return index_ >= batch_.op_size(); }
  int index() const { return index_; }
  EventView Next();

 private:
  const EventBatch& batch_;
  int index_ = 0;
  int blob_ = 0;
};

}  // namespace portrace::trace

#endif  // PORTRACE_TRACE_EVENT_H_
