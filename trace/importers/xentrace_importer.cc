#include "trace/importers/xentrace_importer.h"

#include <algorithm>
#include <optional>
#include <string>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "trace/event.h"

namespace portrace::trace {
namespace {

constexpr uint32_t kCpuChangeHeader = 0x2001f003;  // TRC_TRACE_CPU_CHANGE, 2 extra words
constexpr uint32_t kTraceCpuChange = 0x0001f003;
constexpr uint32_t kLostRecords = 0x0001f001;
constexpr uint32_t k64Flag = 0x100;
constexpr uint32_t kIoportRead = 0x00082016;  // also Xen 3.x TRC_HVM_IO_ASSIST
constexpr uint32_t kIoportWrite = 0x00082216;
constexpr uint32_t kOldIoRead = 0x00082006;
constexpr uint32_t kOldIoWrite = 0x00082007;

// A window is at most one per-pCPU trace buffer: tbuf_size (u16) pages of 4 KiB.
constexpr uint32_t kMaxWindowBytes = 256u << 20;
constexpr int32_t kMaxPcpu = 0xffff;
constexpr size_t kBlockSize = 64 << 10;
constexpr int kEventsPerBatch = 4096;

struct Record {
  uint64_t offset = 0;
  uint32_t header = 0;
  uint32_t event = 0;  // header bits 0-27
  uint32_t size = 0;   // bytes, header included
  std::optional<uint64_t> tsc;
  int extra = 0;
  uint32_t words[7] = {};
};

uint32_t Le32(const char* p) {
  const auto* b = reinterpret_cast<const unsigned char*>(p);
  return uint32_t{b[0]} | uint32_t{b[1]} << 8 | uint32_t{b[2]} << 16 | uint32_t{b[3]} << 24;
}

// Registers with exactly one architectural width, which a small value would otherwise shrink.
struct PortWidthFloor {
  uint16_t port;
  uint32_t width;
  absl::string_view rule;
};
constexpr PortWidthFloor kPortWidthFloors[] = {
    {0xcf8, 4, "0xcf8 is CONFIG_ADDRESS only as a dword"},
    {0x1f0, 2, "ATA data register, 16-bit"},
    {0x170, 2, "ATA data register, 16-bit"},
};

struct WidthGuess {
  uint32_t width;
  absl::string_view rule;
};

WidthGuess GuessWidth(uint16_t port, std::optional<uint64_t> data) {
  const uint32_t width = !data.has_value() || *data <= 0xff ? 1 : *data <= 0xffff ? 2 : 4;
  for (const PortWidthFloor& floor : kPortWidthFloors) {
    if (floor.port == port && width < floor.width) return {floor.width, floor.rule};
  }
  if (!data.has_value()) return {width, "no data traced: narrowest width"};
  return {width, "smallest width that holds the data"};
}

// TSC cycles to ns at the assumed frequency, without overflow for any 64-bit cycle count.
uint64_t CyclesToNs(uint64_t cycles) {
  constexpr uint64_t kHz = kXentraceAssumedTscHz;
  return cycles / kHz * 1000000000 + cycles % kHz * 1000000000 / kHz;
}

class XentraceReader : public EventSource {
 public:
  explicit XentraceReader(std::unique_ptr<ByteSource> source) : source_(std::move(source)) {
    header_.set_producer("xentrace");
    KeyValue* hz = header_.add_metadata();
    hz->set_key("tsc-hz");
    hz->set_value(absl::StrCat(kXentraceAssumedTscHz,
                               " (assumed, xenalyze's default: xentrace files do not record it)"));
    KeyValue* widths = header_.add_metadata();
    widths->set_key("access-widths");
    widths->set_value("guessed from the data: xentrace IOPORT records have no size");
  }

  const TraceHeader& header() const override { return header_; }

  absl::StatusOr<bool> Next(EventBatch* batch) override {
    batch->Clear();
    if (!failed_.ok()) return failed_;
    BatchBuilder builder(batch);
    // A record adds at most four events: a pending read and its time, an access and its time.
    while (builder.size() + 4 <= kEventsPerBatch) {
      Record record;
      absl::StatusOr<bool> have = ReadRecord(&record);
      absl::Status status = have.status();
      if (status.ok() && !*have) {
        FlushPendingRead(builder);
        break;
      }
      if (status.ok() && record.event == kTraceCpuChange) FlushPendingRead(builder);
      if (status.ok()) status = EnterRecord(record);
      if (status.ok()) status = OnRecord(record, builder);
      if (!status.ok()) {
        // The events read before an error are delivered first; the error comes with the next
        // call.
        FlushPendingRead(builder);
        failed_ = status;
        if (builder.size() > 0) return true;
        return status;
      }
    }
    return builder.size() > 0;
  }

 private:
  // A Xen 3.x IO_READ waiting for its IO_ASSIST (the value) or for the next I/O record.
  struct PendingRead {
    uint16_t port;
    uint32_t width;
  };

  std::string At(uint64_t offset) const {
    return absl::StrFormat("%s: offset %u: ", source_->name(), offset);
  }

  // Makes `n` bytes available at buffer_[pos_] unless the input ends first; returns how many are.
  absl::StatusOr<size_t> Fill(size_t n) {
    while (buffer_.size() - pos_ < n && !eof_) {
      buffer_.erase(0, pos_);
      pos_ = 0;
      const size_t old = buffer_.size();
      buffer_.resize(old + kBlockSize);
      absl::StatusOr<size_t> got = source_->Read(buffer_.data() + old, kBlockSize);
      if (!got.ok()) {
        buffer_.resize(old);
        return got.status();
      }
      buffer_.resize(old + *got);
      if (*got == 0) eof_ = true;
    }
    return std::min(n, buffer_.size() - pos_);
  }

  // Reads one whole record. False at the end of the input when it ends between windows.
  absl::StatusOr<bool> ReadRecord(Record* r) {
    absl::StatusOr<size_t> have = Fill(4);
    if (!have.ok()) return have.status();
    if (*have == 0) {
      if (in_window_ && offset_ < window_end_) {
        return absl::DataLossError(absl::StrFormat(
            "%sinput ends %u bytes into pCPU %d's %u-byte window (truncated capture?)", At(offset_),
            offset_ - window_start_, cpu_, window_end_ - window_start_));
      }
      return false;
    }
    if (*have < 4) {
      return absl::DataLossError(
          absl::StrFormat("%struncated record: %u of 4 header bytes", At(offset_), *have));
    }
    r->offset = offset_;
    r->header = Le32(&buffer_[pos_]);
    r->event = r->header & 0x0fffffff;
    r->extra = static_cast<int>((r->header >> 28) & 7);
    const bool cycles = (r->header >> 31) != 0;
    r->size = 4 + (cycles ? 8 : 0) + 4 * r->extra;
    // Placement is checked on the header alone, so garbage is named as such, not as truncation.
    if (absl::Status placed = CheckPlacement(*r); !placed.ok()) return placed;
    have = Fill(r->size);
    if (!have.ok()) return have.status();
    if (*have < r->size) {
      return absl::DataLossError(
          absl::StrFormat("%struncated record (header 0x%08x): %u of %u bytes", At(offset_),
                          r->header, *have, r->size));
    }
    const char* p = &buffer_[pos_ + 4];
    if (cycles) {
      r->tsc = uint64_t{Le32(p)} | uint64_t{Le32(p + 4)} << 32;
      p += 8;
    }
    for (int i = 0; i < r->extra; ++i) r->words[i] = Le32(p + 4 * i);
    pos_ += r->size;
    offset_ += r->size;
    return true;
  }

  // Holds the stream to its windows (see the header): a record's header must fit where it is.
  absl::Status CheckPlacement(const Record& r) const {
    const bool cpu_change = r.event == kTraceCpuChange;
    if (!in_window_) {
      if (r.header != kCpuChangeHeader) {
        return absl::InvalidArgumentError(absl::StrFormat(
            "%snot a xentrace file: the first record's header is 0x%08x, not a cpu_change "
            "record's (0x%08x)",
            At(r.offset), r.header, kCpuChangeHeader));
      }
    } else if (r.offset == window_end_) {
      if (!cpu_change) {
        return absl::InvalidArgumentError(absl::StrFormat(
            "%sexpected a cpu_change record where pCPU %d's window ends, found header 0x%08x",
            At(r.offset), cpu_, r.header));
      }
    } else if (cpu_change) {
      return absl::InvalidArgumentError(
          absl::StrFormat("%scpu_change record inside pCPU %d's window (which ends at offset %u)",
                          At(r.offset), cpu_, window_end_));
    } else if (r.offset + r.size > window_end_) {
      return absl::InvalidArgumentError(absl::StrFormat(
          "%srecord (header 0x%08x, %u bytes) crosses the end of pCPU %d's window at offset %u",
          At(r.offset), r.header, r.size, cpu_, window_end_));
    }
    return absl::OkStatus();
  }

  // Opens a new window at a cpu_change record.
  absl::Status EnterRecord(const Record& r) {
    if (r.event != kTraceCpuChange) return absl::OkStatus();
    if (r.header != kCpuChangeHeader) {
      return absl::InvalidArgumentError(
          absl::StrFormat("%scpu_change record with header 0x%08x (expected 0x%08x)", At(r.offset),
                          r.header, kCpuChangeHeader));
    }
    const int32_t cpu = static_cast<int32_t>(r.words[0]);
    const uint32_t window = r.words[1];
    if (cpu < 0 || cpu > kMaxPcpu) {
      return absl::InvalidArgumentError(
          absl::StrFormat("%scpu_change record names pCPU %d", At(r.offset), cpu));
    }
    if (window % 4 != 0 || window > kMaxWindowBytes) {
      return absl::InvalidArgumentError(absl::StrFormat(
          "%scpu_change record announces a window of %u bytes (records are whole u32s; a "
          "per-pCPU buffer holds at most %u)",
          At(r.offset), window, kMaxWindowBytes));
    }
    in_window_ = true;
    cpu_ = cpu;
    window_start_ = r.offset + r.size;
    window_end_ = window_start_ + window;
    return absl::OkStatus();
  }

  absl::Status OnRecord(const Record& r, BatchBuilder& builder) {
    if (r.tsc.has_value()) {
      if (!tsc_origin_.has_value()) {
        tsc_origin_ = *r.tsc;
        tsc_max_ = *r.tsc;
      }
      tsc_max_ = std::max(tsc_max_, *r.tsc);
    }
    switch (r.event) {
      case kLostRecords:
        FlushPendingRead(builder);
        EmitTime(builder);
        builder.Marker(absl::StrFormat("xentrace: %u records lost on pCPU %d",
                                       r.extra > 0 ? r.words[0] : 0, cpu_));
        return absl::OkStatus();
      case kOldIoRead:
      case kOldIoWrite:
        return OnOldIo(r, builder);
      case kIoportRead:
        if (xen3_ && r.extra == 1) {
          OnIoAssist(r, builder);
          return absl::OkStatus();
        }
        return OnIoport(r, builder);
      case kIoportRead | k64Flag:
      case kIoportWrite:
      case kIoportWrite | k64Flag:
        return OnIoport(r, builder);
      default:
        return absl::OkStatus();
    }
  }

  absl::Status OnIoport(const Record& r, BatchBuilder& builder) {
    const bool write = (r.event & ~k64Flag) == kIoportWrite;
    const bool wide = (r.event & k64Flag) != 0;
    const char* name = write ? "IOPORT_WRITE" : "IOPORT_READ";
    uint64_t port = r.words[0];
    std::optional<uint64_t> data;
    if (!wide && r.extra == 2) {
      data = r.words[1];
    } else if (wide && r.extra >= 2 && r.extra <= 4) {
      port |= uint64_t{r.words[1]} << 32;
      if (r.extra == 3) data = r.words[2];
      if (r.extra == 4) data = r.words[2] | uint64_t{r.words[3]} << 32;
    } else if (wide || r.extra != 1) {
      return absl::InvalidArgumentError(absl::StrFormat(
          "%s%s%s record with %d extra words (expected %s)", At(r.offset), name,
          wide ? " (64-bit)" : "", r.extra,
          wide ? "[port lo, port hi] with 0-2 data words" : "[port] or [port, data]"));
    }
    if (port > 0xffff) {
      return absl::InvalidArgumentError(
          absl::StrFormat("%s%s record: port 0x%x above 0xffff", At(r.offset), name, port));
    }
    if (data.has_value() && *data > 0xffffffff) {
      return absl::InvalidArgumentError(absl::StrFormat(
          "%s%s record: data 0x%x wider than a port access", At(r.offset), name, *data));
    }
    FlushPendingRead(builder);
    EmitTime(builder);
    const WidthGuess guess = GuessWidth(static_cast<uint16_t>(port), data);
    if (!data.has_value()) {
      constexpr absl::string_view kRep =
          "rep string I/O: the data is in guest memory and the count is not traced";
      if (write) {
        builder.PortWrite(static_cast<uint16_t>(port), guess.width, 0, FLAG_STRING_IO);
        builder.Annotate("value-unknown", kRep);
      } else {
        builder.PortRead(static_cast<uint16_t>(port), guess.width, FLAG_STRING_IO);
        builder.Annotate("string-io", kRep);
      }
    } else if (write) {
      builder.PortWrite(static_cast<uint16_t>(port), guess.width, *data);
    } else {
      builder.PortReadRecorded(static_cast<uint16_t>(port), guess.width, *data);
    }
    builder.Annotate("width-guessed", guess.rule);
    AnnotatePcpu(builder);
    return absl::OkStatus();
  }

  // Xen 3.x: [port, size] at the exit, and for a write from SVM also the value.
  absl::Status OnOldIo(const Record& r, BatchBuilder& builder) {
    const bool write = r.event == kOldIoWrite;
    const char* name = write ? "IO_WRITE" : "IO_READ";
    if (r.extra < 2) {
      return absl::InvalidArgumentError(absl::StrFormat(
          "%s%s record with %d extra words (expected [port, size])", At(r.offset), name, r.extra));
    }
    const uint32_t port = r.words[0];
    const uint32_t size = r.words[1];
    if (port > 0xffff) {
      return absl::InvalidArgumentError(
          absl::StrFormat("%s%s record: port 0x%x above 0xffff", At(r.offset), name, port));
    }
    if (size != 1 && size != 2 && size != 4) {
      return absl::InvalidArgumentError(
          absl::StrFormat("%s%s record: size %u is not 1, 2 or 4", At(r.offset), name, size));
    }
    xen3_ = true;
    FlushPendingRead(builder);
    if (!write) {
      pending_read_ = PendingRead{static_cast<uint16_t>(port), size};
      return absl::OkStatus();
    }
    EmitTime(builder);
    builder.PortWrite(static_cast<uint16_t>(port), size, r.extra >= 3 ? r.words[2] : 0);
    if (r.extra < 3) builder.Annotate("value-unknown", "Xen 3.x IO_WRITE record without the value");
    AnnotatePcpu(builder);
    return absl::OkStatus();
  }

  // Xen 3.x IO_ASSIST [data]: the value of the read in flight. Without one (an MMIO read's
  // completion, or a read from before the capture) there is nothing to attach it to.
  void OnIoAssist(const Record& r, BatchBuilder& builder) {
    if (!pending_read_.has_value()) return;
    EmitTime(builder);
    builder.PortReadRecorded(pending_read_->port, pending_read_->width, r.words[0]);
    AnnotatePcpu(builder);
    pending_read_.reset();
  }

  void FlushPendingRead(BatchBuilder& builder) {
    if (!pending_read_.has_value()) return;
    EmitTime(builder);
    builder.PortRead(pending_read_->port, pending_read_->width);
    AnnotatePcpu(builder);
    pending_read_.reset();
  }

  void EmitTime(BatchBuilder& builder) {
    if (!tsc_origin_.has_value()) return;
    const uint64_t ns = CyclesToNs(tsc_max_ - *tsc_origin_);
    if (ns > now_ns_) {
      builder.TimeAdvance(ns - now_ns_);
      now_ns_ = ns;
    }
  }

  void AnnotatePcpu(BatchBuilder& builder) {
    if (cpu_ == annotated_cpu_) return;
    builder.Annotate("pcpu", absl::StrCat(cpu_));
    annotated_cpu_ = cpu_;
  }

  std::unique_ptr<ByteSource> source_;
  TraceHeader header_;
  std::string buffer_;
  size_t pos_ = 0;
  bool eof_ = false;
  uint64_t offset_ = 0;  // of buffer_[pos_] in the input

  bool in_window_ = false;
  int32_t cpu_ = -1;
  int32_t annotated_cpu_ = -1;
  uint64_t window_start_ = 0;
  uint64_t window_end_ = 0;

  std::optional<uint64_t> tsc_origin_;
  uint64_t tsc_max_ = 0;
  uint64_t now_ns_ = 0;
  bool xen3_ = false;  // a Xen 3.x IO_READ/IO_WRITE record has been seen
  std::optional<PendingRead> pending_read_;
  absl::Status failed_;
};

class XentraceImporter : public Importer {
 public:
  absl::string_view name() const override { return "xentrace"; }
  absl::string_view description() const override {
    return "xentrace binary file: HVM port I/O records of a Xen host trace";
  }
  // xentrace starts every file with a cpu_change record.
  bool Sniff(absl::string_view head) const override {
    return head.size() >= 12 && Le32(head.data()) == kCpuChangeHeader;
  }
  absl::StatusOr<std::unique_ptr<EventSource>> Open(
      std::unique_ptr<ByteSource> source) const override {
    return std::unique_ptr<EventSource>(new XentraceReader(std::move(source)));
  }
};

}  // namespace

std::unique_ptr<Importer> CreateXentraceImporter() { return std::make_unique<XentraceImporter>(); }

}  // namespace portrace::trace
