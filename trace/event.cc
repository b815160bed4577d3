#include "trace/event.h"

#include "absl/strings/str_format.h"

namespace portrace::trace {

absl::string_view EventKindName(EventKind kind) {
  switch (kind) {
    case PORT_READ:
      return "port-read";
    case PORT_WRITE:
      return "port-write";
    case MMIO_READ:
      return "mmio-read";
    case MMIO_WRITE:
      return "mmio-write";
    case MEMORY_WRITE:
      return "memory-write";
    case MEMORY_FILL:
      return "memory-fill";
    case MEMORY_READ:
      return "memory-read";
    case TIME_ADVANCE:
      return "time-advance";
    case TIME_SET:
      return "time-set";
    case MARKER:
      return "marker";
    case NIC_RECEIVE:
      return "nic-receive";
    default:
      return "unknown";
  }
}

namespace {

// The common batch holds port accesses only; checks it without a branch per event. False means
// "not that simple": the full check then runs and names the problem.
bool IsValidPortOnlyBatch(const EventBatch& batch) {
  const int n = batch.op_size();
  if (batch.address_size() != n || batch.value_size() != n || batch.blob_size() != 0) return false;
  const uint32_t* ops = batch.op().data();
  const uint64_t* addresses = batch.address().data();
  const uint64_t* values = batch.value().data();
  uint64_t bad = 0;
  for (int i = 0; i < n; ++i) {
    const uint32_t op = ops[i];
    const uint32_t kind = op & 0xff;
    const uint32_t width = (op >> 8) & 0xff;
    // Pure bit arithmetic, no branches: kind is PORT_READ (1) or PORT_WRITE (2); width is 1, 2
    // or 4 (bits 1, 2, 4 of 0x16); the port fits 16 bits; the value fits the width.
    bad |= (kind - 1u) >> 1;
    bad |= (width >> 3) | (~(0x16u >> (width & 7)) & 1u);
    bad |= addresses[i] >> 16;
    bad |= values[i] >> ((width & 7) * 8);
  }
  if (bad != 0) return false;
  for (const Annotation& note : batch.annotation()) {
    if (note.event() >= static_cast<uint32_t>(n)) return false;
  }
  return true;
}

}  // namespace

absl::Status ValidateBatch(const EventBatch& batch) {
  if (IsValidPortOnlyBatch(batch)) return absl::OkStatus();
  const int n = batch.op_size();
  if (batch.address_size() != n || batch.value_size() != n) {
    return absl::InvalidArgumentError(
        absl::StrFormat("batch columns differ in length (op %d, address %d, value %d)", n,
                        batch.address_size(), batch.value_size()));
  }
  int blobs = 0;
  for (int i = 0; i < n; ++i) {
    const uint32_t op = batch.op(i);
    const uint32_t width = OpWidth(op);
    const uint64_t address = batch.address(i);
    const uint64_t value = batch.value(i);
    const auto bad = [&](absl::string_view what) {
      return absl::InvalidArgumentError(
          absl::StrFormat("event %d (%s): %s", i, EventKindName(OpKind(op)), what));
    };
    switch (OpKind(op)) {
      case PORT_READ:
      case PORT_WRITE:
        if (width != 1 && width != 2 && width != 4) return bad(absl::StrFormat("width %u", width));
        if (address > 0xffff) return bad(absl::StrFormat("port 0x%x above 0xffff", address));
        if (value > WidthMask(width)) return bad("value wider than the access");
        break;
      case MMIO_READ:
      case MMIO_WRITE:
        if (width != 1 && width != 2 && width != 4 && width != 8) {
          return bad(absl::StrFormat("width %u", width));
        }
        if (value > WidthMask(width)) return bad("value wider than the access");
        break;
      case MEMORY_WRITE:
      case MEMORY_FILL:
      case MEMORY_READ:
        if (width != 0) return bad(absl::StrFormat("width %u", width));
        if (value > kMaxMemoryLength) {
          return bad(
              absl::StrFormat("length %u above the limit of %u bytes", value, kMaxMemoryLength));
        }
        break;
      case TIME_ADVANCE:
      case TIME_SET:
      case MARKER:
        if (width != 0) return bad(absl::StrFormat("width %u", width));
        break;
      case NIC_RECEIVE:
        if (width != 0) return bad(absl::StrFormat("width %u", width));
        if (address != 0) return bad(absl::StrFormat("address 0x%x (must be 0)", address));
        if (value == 0 || value > kMaxNicFrameLength) {
          return bad(absl::StrFormat("frame length %u not in 1..%u", value, kMaxNicFrameLength));
        }
        break;
      default:
        return absl::InvalidArgumentError(
            absl::StrFormat("event %d: unknown kind %u", i, op & 0xff));
    }
    if (OpHasBlob(op)) {
      if (blobs >= batch.blob_size()) return bad("its data is missing");
      const size_t size = batch.blob(blobs).size();
      if (OpKind(op) == MEMORY_WRITE && size > value) return bad("more data than its length");
      if (OpKind(op) == MEMORY_READ && size != value) return bad("recorded data differs in length");
      if (OpKind(op) == NIC_RECEIVE && size != value) return bad("frame differs from its length");
      ++blobs;
    }
  }
  if (blobs != batch.blob_size()) {
    return absl::InvalidArgumentError(absl::StrFormat(
        "batch has %d data entries for %d events that take one", batch.blob_size(), blobs));
  }
  for (const Annotation& note : batch.annotation()) {
    if (note.event() >= static_cast<uint32_t>(n)) {
      return absl::InvalidArgumentError(
          absl::StrFormat("annotation names event %u of a batch of %d", note.event(), n));
    }
  }
  return absl::OkStatus();
}

void BatchBuilder::Annotate(absl::string_view key, absl::string_view text) {
  Annotation* note = batch_->add_annotation();
  note->set_event(static_cast<uint32_t>(batch_->op_size() - 1));
  note->set_key(std::string(key));
  note->set_text(std::string(text));
}

EventView BatchCursor::Next() {
  EventView view;
  const uint32_t op = batch_.op(index_);
  view.kind = OpKind(op);
  view.width = OpWidth(op);
  view.flags = OpFlags(op);
  view.aux = OpAux(op);
  view.address = batch_.address(index_);
  view.value = batch_.value(index_);
  if (OpHasBlob(op)) view.blob = batch_.blob(blob_++);
  ++index_;
  return view;
}

}  // namespace portrace::trace
