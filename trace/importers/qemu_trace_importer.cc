#include "trace/importers/qemu_trace_importer.h"

#include <cstdint>
#include <cstring>
#include <string>
#include <utility>

#include "absl/strings/escaping.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "trace/event.h"
#include "trace/line_reader.h"
#include "trace/xz_source.h"

namespace portrace::trace {
namespace {

uint64_t SwapBytes(uint64_t value, uint32_t size) {
  uint64_t out = 0;
  for (uint32_t i = 0; i < size; ++i) out = (out << 8) | ((value >> (8 * i)) & 0xff);
  return out;
}


// ---------------------------------------------------------------------------------------------
// Region names that mean memory. Matched against the whole name (kExact) or any part of it
// (kContains); lower-case, as QEMU spells them.

enum class Match { kExact, kContains };

struct MemoryRegionPattern {
  Match match;
  absl::string_view text;
  // What it catches (kept as data so the table documents itself).
  absl::string_view examples;
};

constexpr MemoryRegionPattern kMemoryRegionPatterns[] = {
    {Match::kContains, "ram", "pc.ram, ram-below-4g, vga.vram, any RAM or framebuffer"},
    {Match::kContains, "rom", "pc.rom, option ROMs (kvmvapic.rom, virtio-net-pci.rom)"},
    {Match::kContains, "bios", "pc.bios, isa-bios"},
    {Match::kContains, "flash", "system.flash0, pflash"},
    {Match::kContains, "mmio", "e1000-mmio, vga.mmio, ahci mmio BARs"},
    {Match::kContains, "mmcfg", "pcie-mmcfg-mmio (ECAM)"},
    {Match::kContains, "msix", "msix-table, msix-pba"},
    {Match::kContains, "lowmem", "vga-lowmem (0xa0000)"},
    {Match::kExact, "apic-msi", "the local APIC page (0xfee00000)"},
    {Match::kExact, "kvm-apic-msi", "the local APIC page with KVM's irqchip"},
    {Match::kExact, "ioapic", "the I/O APIC (0xfec00000)"},
    {Match::kExact, "hpet", "the HPET (0xfed00000)"},
};

// ---------------------------------------------------------------------------------------------
// Character classes and numbers, by hand: this is the hot path.

constexpr bool IsDigit(char c) { return c >= '0' && c <= '9'; }

struct HexTable {
  int8_t value[256];
  constexpr HexTable() : value() {
    for (int i = 0; i < 256; ++i) value[i] = -1;
    for (int i = 0; i < 10; ++i) value['0' + i] = static_cast<int8_t>(i);
    for (int i = 0; i < 6; ++i) {
      value['a' + i] = static_cast<int8_t>(10 + i);
      value['A' + i] = static_cast<int8_t>(10 + i);
    }
  }
};
constexpr HexTable kHex;

// A cursor over one line.
struct Cursor {
  const char* p;
  const char* end;

  bool AtEnd() const { return p == end; }
  size_t Left() const { return static_cast<size_t>(end - p); }
  bool Peek(char c) const { return p != end && *p == c; }
  bool Literal(absl::string_view w) {
    if (Left() < w.size() || std::memcmp(p, w.data(), w.size()) != 0) return false;
    p += w.size();
    return true;
  }
  bool Char(char c) {
    if (!Peek(c)) return false;
    ++p;
    return true;
  }
  // Up to 64 bits of hex, "0x" optional unless `need_0x`; leading zeros are free.
  bool Hex(uint64_t* out, bool need_0x) {
    if (Left() >= 2 && p[0] == '0' && (p[1] == 'x' || p[1] == 'X')) {
      p += 2;
    } else if (need_0x) {
      return false;
    }
    const char* start = p;
    while (p != end && *p == '0') ++p;
    const char* significant = p;
    uint64_t v = 0;
    int8_t d;
    while (p != end && (d = kHex.value[static_cast<uint8_t>(*p)]) >= 0) {
      v = (v << 4) | static_cast<uint64_t>(d);
      ++p;
    }
    if (p == start || p - significant > 16) return false;
    *out = v;
    return true;
  }
  // 1 to `max_digits` (at most 19) decimal digits.
  bool Decimal(uint64_t* out, int max_digits) {
    const char* start = p;
    uint64_t v = 0;
    while (p != end && IsDigit(*p)) {
      if (p - start == max_digits) return false;
      v = v * 10 + static_cast<uint64_t>(*p - '0');
      ++p;
    }
    if (p == start) return false;
    *out = v;
    return true;
  }
  // Exactly `n` decimal digits.
  bool Fixed(int n, int* out) {
    if (Left() < static_cast<size_t>(n)) return false;
    int v = 0;
    for (int i = 0; i < n; ++i) {
      if (!IsDigit(p[i])) return false;
      v = v * 10 + (p[i] - '0');
    }
    p += n;
    *out = v;
    return true;
  }
  // A decimal fraction of 1 to 9 digits after the point, in nanoseconds.
  bool FractionNs(uint64_t* ns) {
    const char* start = p;
    uint64_t v = 0;
    while (p != end && IsDigit(*p)) {
      if (p - start == 9) return false;
      v = v * 10 + static_cast<uint64_t>(*p - '0');
      ++p;
    }
    if (p == start) return false;
    for (ptrdiff_t i = p - start; i < 9; ++i) v *= 10;
    *ns = v;
    return true;
  }
};

// ---------------------------------------------------------------------------------------------
// Lines.

enum class Event { kNone, kOpsRead, kOpsWrite, kCpuIn, kCpuOut };

absl::string_view EventName(Event e) {
  switch (e) {
    case Event::kOpsRead:
      return "memory_region_ops_read";
    case Event::kOpsWrite:
      return "memory_region_ops_write";
    case Event::kCpuIn:
      return "cpu_in";
    case Event::kCpuOut:
      return "cpu_out";
    default:
      return "";
  }
}

struct Access {
  Event event = Event::kNone;
  uint64_t address = 0;
  uint64_t value = 0;
  uint32_t size = 0;
  bool no_cpu = false;  // "cpu -1"
  bool has_name = false;
  absl::string_view name;
  bool has_time = false;
  uint64_t ns = 0;
};

enum class LineKind { kBlank, kOther, kAccess, kBad };

// Why a line is bad: what was expected, and where in the line.
struct Failure {
  const char* expected = nullptr;
  const char* at = nullptr;
};

// The event a line names at `c`, consuming its name; kNone (nothing consumed) when none. The
// name must be followed by a space or the end of the line.
Event MatchEvent(Cursor& c) {
  Cursor t = c;
  Event e = Event::kNone;
  if (t.Peek('m')) {
    if (!t.Literal("memory_region_ops_")) return Event::kNone;
    if (t.Literal("read")) {
      e = Event::kOpsRead;
    } else if (t.Literal("write")) {
      e = Event::kOpsWrite;
    }
  } else if (t.Peek('c')) {
    if (t.Literal("cpu_in")) {
      e = Event::kCpuIn;
    } else if (t.Literal("cpu_out")) {
      e = Event::kCpuOut;
    }
  }
  if (e == Event::kNone || !(t.AtEnd() || t.Peek(' '))) return Event::kNone;
  c = t;
  return e;
}

// Drops QEMU's message context before an event: "[workload] ", "program: ", "(tid:thread): ",
// each optional. False when what is there does not have that shape.
bool SkipMessageContext(Cursor& c) {
  const absl::string_view rest(c.p, c.Left());
  size_t pos = 0;
  if (rest.substr(pos, 1) == "[") {
    const size_t close = rest.find("] ", pos);
    if (close == absl::string_view::npos) return false;
    pos = close + 2;
  }
  const size_t space = rest.find(' ', pos);
  if (space != absl::string_view::npos && space > pos && rest[space - 1] == ':' &&
      rest[pos] != '(') {
    pos = space + 1;
  }
  if (rest.substr(pos, 1) == "(") {
    const size_t close = rest.find("): ", pos);
    if (close == absl::string_view::npos) return false;
    pos = close + 3;
  }
  if (pos == 0) return false;
  c.p += pos;
  return true;
}

// Days from 1970-01-01 to a civil date (proleptic Gregorian; H. Hinnant's algorithm).
int64_t DaysFromCivil(int64_t y, int m, int d) {
  y -= m <= 2;
  const int64_t era = (y >= 0 ? y : y - 399) / 400;
  const int64_t yoe = y - era * 400;
  const int64_t doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
  const int64_t doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  return era * 146097 + doe - 719468;
}

bool IsLeap(int y) { return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0; }

// "PID@SEC.USEC:" -> ns since the epoch.
bool ParsePidPrefix(Cursor& c, uint64_t* ns) {
  uint64_t pid = 0;
  uint64_t seconds = 0;
  uint64_t fraction = 0;
  if (!c.Decimal(&pid, 10) || !c.Char('@') || !c.Decimal(&seconds, 10) || !c.Char('.') ||
      !c.FractionNs(&fraction) || !c.Char(':')) {
    return false;
  }
  *ns = seconds * 1000000000 + fraction;
  return true;
}

// Years whose nanoseconds since the epoch fit 64 bits comfortably.
constexpr int kMinYear = 1970;
constexpr int kMaxYear = 2500;

// "YYYY-MM-DDTHH:MM:SS[.fraction](Z|+HH:MM|-HH:MM) " -> ns since the epoch.
bool ParseIsoPrefix(Cursor& c, uint64_t* ns) {
  int year, month, day, hour, minute, second;
  if (!c.Fixed(4, &year) || !c.Char('-') || !c.Fixed(2, &month) || !c.Char('-') ||
      !c.Fixed(2, &day) || !c.Char('T') || !c.Fixed(2, &hour) || !c.Char(':') ||
      !c.Fixed(2, &minute) || !c.Char(':') || !c.Fixed(2, &second)) {
    return false;
  }
  uint64_t fraction = 0;
  if (c.Char('.') && !c.FractionNs(&fraction)) return false;
  int offset_minutes = 0;
  if (!c.Char('Z')) {
    const bool minus = c.Peek('-');
    if (!c.Char('+') && !c.Char('-')) return false;
    int oh, om;
    if (!c.Fixed(2, &oh) || !c.Char(':') || !c.Fixed(2, &om) || oh > 23 || om > 59) return false;
    offset_minutes = (minus ? -1 : 1) * (oh * 60 + om);
  }
  if (!c.Char(' ')) return false;
  static constexpr int kDays[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  if (year < kMinYear || year > kMaxYear || month < 1 || month > 12 || day < 1 ||
      day > kDays[month - 1] + (month == 2 && IsLeap(year)) || hour > 23 || minute > 59 ||
      second > 60) {
    return false;
  }
  const int64_t seconds = DaysFromCivil(year, month, day) * 86400 + hour * 3600 + minute * 60 +
                          second - int64_t{offset_minutes} * 60;
  if (seconds < 0) return false;
  *ns = static_cast<uint64_t>(seconds) * 1000000000 + fraction;
  return true;
}

// Fields of memory_region_ops_read/write after the event name:
// " [cpu N] [mr PTR] addr HEX value HEX size N [name 'NAME']".
bool ParseOpsFields(Cursor& c, Access* a, Failure* f) {
  const char* field = c.p;
  // Reports the field that starts at `field`.
  const auto fail = [&](const char* expected) {
    f->expected = expected;
    f->at = field;
    return false;
  };
  if (!c.Char(' ')) return fail("\"addr 0x<hex>\"");
  field = c.p;
  if (c.Literal("cpu ")) {
    const bool negative = c.Char('-');
    uint64_t cpu = 0;
    if (!c.Decimal(&cpu, 10) || !c.Char(' ')) return fail("\"cpu <index>\"");
    a->no_cpu = negative;
    field = c.p;
  }
  if (c.Literal("mr ")) {
    const char* start = c.p;
    while (!c.AtEnd() && *c.p != ' ' && c.p - start < 40) ++c.p;
    if (c.p == start || !c.Char(' ')) return fail("\"mr <pointer>\"");
    field = c.p;
  }
  if (!c.Literal("addr ") || !c.Hex(&a->address, false) || !c.Char(' ')) {
    return fail("\"addr 0x<hex>\"");
  }
  field = c.p;
  const char* value_at = c.p;
  if (!c.Literal("value ") || !c.Hex(&a->value, false) || !c.Char(' ')) {
    return fail("\"value 0x<hex>\"");
  }
  field = c.p;
  uint64_t size = 0;
  if (!c.Literal("size ") || !c.Decimal(&size, 10)) return fail("\"size <bytes>\"");
  if (size != 1 && size != 2 && size != 4 && size != 8) return fail("size 1, 2, 4 or 8");
  a->size = static_cast<uint32_t>(size);
  if (a->value > WidthMask(a->size)) {
    // QEMU traces a read's value as the device returned it, before cutting it to the access
    // size: unassigned I/O answers all ones in 64 bits, PCI config data of an absent function
    // 0xffffffff to a 2-byte read. The guest sees the low bytes, so a read keeps those. A write's
    // value is traced after the cut, so a wider one is malformed.
    if (a->event == Event::kOpsWrite) {
      field = value_at;
      return fail("a value that fits the access size");
    }
    a->value &= WidthMask(a->size);
  }
  field = c.p;
  if (c.AtEnd()) return true;
  if (!c.Literal(" name '")) return fail("\"name '<region>'\" or the end of the line");
  if (c.AtEnd() || c.end[-1] != '\'')
    return fail("a region name closed by ' at the end of the line");
  a->has_name = true;
  a->name = absl::string_view(c.p, c.Left() - 1);
  c.p = c.end;
  return true;
}

// Fields of cpu_in/cpu_out: " addr 0xPORT(b|w|l) value DECIMAL".
bool ParseCpuIoFields(Cursor& c, Access* a, Failure* f) {
  const char* field = c.p;
  const auto fail = [&](const char* expected) {
    f->expected = expected;
    f->at = field;
    return false;
  };
  if (!c.Literal(" addr ") || !c.Hex(&a->address, true)) return fail("\"addr 0x<port>(b|w|l)\"");
  if (a->address > 0xffff) return fail("a port up to 0xffff");
  field = c.p;
  if (!c.Char('(') || c.AtEnd()) return fail("\"(b)\", \"(w)\" or \"(l)\" after the port");
  switch (*c.p) {
    case 'b':
      a->size = 1;
      break;
    case 'w':
      a->size = 2;
      break;
    case 'l':
      a->size = 4;
      break;
    default:
      return fail("\"(b)\", \"(w)\" or \"(l)\" after the port");
  }
  ++c.p;
  if (!c.Char(')')) return fail("\"(b)\", \"(w)\" or \"(l)\" after the port");
  field = c.p;
  if (!c.Literal(" value ") || !c.Decimal(&a->value, 10) || !c.AtEnd()) {
    return fail("\"value <decimal>\" and the end of the line");
  }
  // cpu_inb/w/l and cpu_outb/w/l trace values already cut to the width.
  if (a->value > WidthMask(a->size)) return fail("a value that fits the access size");
  return true;
}

// Classifies one line (without its '\n') and parses it when it is an access. `event_named`
// tells whether the line named one of the four events (sniffing counts those).
LineKind ParseLine(absl::string_view line, Access* a, Failure* f, bool* event_named = nullptr) {
  while (!line.empty() && (line.back() == '\r' || line.back() == ' ' || line.back() == '\t')) {
    line.remove_suffix(1);
  }
  if (line.empty()) return LineKind::kBlank;
  Cursor c{line.data(), line.data() + line.size()};
  if (const void* nul = std::memchr(line.data(), '\0', line.size()); nul != nullptr) {
    f->expected = "text (a NUL byte: not a QEMU trace log?)";
    f->at = static_cast<const char*>(nul);
    return LineKind::kBad;
  }
  bool pid_prefix = false;
  if (IsDigit(*c.p)) {
    // "PID@SEC.USEC:" or an ISO 8601 date; each is checked in full once its shape is clear.
    const char* d = c.p;
    while (d != c.end && IsDigit(*d)) ++d;
    if (d != c.end && *d == '@') {
      if (!ParsePidPrefix(c, &a->ns)) {
        f->expected = "a \"PID@SECONDS.MICROSECONDS:\" prefix";
        f->at = line.data();
        return LineKind::kBad;
      }
      a->has_time = true;
      pid_prefix = true;
    } else if (d - c.p == 4 && line.size() > 10 && line[4] == '-' && line[7] == '-' &&
               line[10] == 'T') {
      if (!ParseIsoPrefix(c, &a->ns)) {
        f->expected =
            "an ISO 8601 timestamp (2025-01-02T03:04:05.678901Z, 1970 to 2500) and a space";
        f->at = line.data();
        return LineKind::kBad;
      }
      a->has_time = true;
    }
  }
  Event e = MatchEvent(c);
  if (e == Event::kNone && !pid_prefix && SkipMessageContext(c)) e = MatchEvent(c);
  if (event_named != nullptr) *event_named = e != Event::kNone;
  if (e == Event::kNone) return LineKind::kOther;
  a->event = e;
  const bool ok = (e == Event::kOpsRead || e == Event::kOpsWrite) ? ParseOpsFields(c, a, f)
                                                                  : ParseCpuIoFields(c, a, f);
  return ok ? LineKind::kAccess : LineKind::kBad;
}

// ---------------------------------------------------------------------------------------------

class QemuTraceReader : public EventSource {
 public:
  QemuTraceReader(std::unique_ptr<ByteSource> source, const QemuTraceOptions& options)
      : source_(std::move(source)),
        lines_(source_.get(), options.max_line),
        events_per_batch_(options.events_per_batch > 0 ? options.events_per_batch : 1) {
    header_.set_producer("qemu trace log");
    KeyValue* skipped = header_.add_metadata();
    skipped->set_key(std::string(kSkippedLinesKey));
    skipped->set_value("0");
  }

  const TraceHeader& header() const override { return header_; }

  absl::StatusOr<bool> Next(EventBatch* batch) override {
    batch->Clear();
    if (!failed_.ok()) return failed_;
    BatchBuilder builder(batch);
    region_started_ = false;
    const uint64_t skipped_before = skipped_;
    while (builder.size() < events_per_batch_) {
      absl::StatusOr<bool> have = lines_.Next();
      if (!have.ok()) return Fail(have.status(), batch);
      if (!*have) break;
      Access access;
      Failure failure;
      const std::string& line = lines_.line();
      switch (ParseLine(line, &access, &failure)) {
        case LineKind::kBlank:
          break;
        case LineKind::kOther:
          ++skipped_;
          break;
        case LineKind::kBad:
          return Fail(BadLine(line, access, failure), batch);
        case LineKind::kAccess:
          if (const char* expected = Append(access, builder); expected != nullptr) {
            return Fail(BadLine(line, access, Failure{expected, nullptr}), batch);
          }
          break;
      }
    }
    if (skipped_ != skipped_before) header_.mutable_metadata(0)->set_value(absl::StrCat(skipped_));
    return builder.size() > 0;
  }

 private:
  // The events read before an error are delivered first; the error comes with the next call.
  absl::StatusOr<bool> Fail(absl::Status status, EventBatch* batch) {
    failed_ = status;
    if (skipped_ > 0) header_.mutable_metadata(0)->set_value(absl::StrCat(skipped_));
    if (batch->op_size() > 0) return true;
    return status;
  }

  absl::Status BadLine(absl::string_view line, const Access& access, const Failure& failure) {
    std::string message = absl::StrCat(lines_.name(), ":", lines_.line_number(), ": ");
    if (access.event != Event::kNone) absl::StrAppend(&message, EventName(access.event), ": ");
    absl::StrAppend(&message, "expected ", failure.expected);
    if (failure.at != nullptr) {
      const size_t offset = static_cast<size_t>(failure.at - line.data());
      const absl::string_view found = line.substr(std::min(offset, line.size()), 40);
      absl::StrAppend(&message, ", found \"", absl::CHexEscape(found),
                      found.size() < line.size() - std::min(offset, line.size()) ? "..." : "",
                      "\"");
    }
    return absl::InvalidArgumentError(message);
  }

  // Appends an access (and the time before it); what was expected instead when it cannot be.
  const char* Append(const Access& a, BatchBuilder& builder) {
    bool port = a.event == Event::kCpuIn || a.event == Event::kCpuOut;
    if (!port && a.address < 0x10000) port = !(a.has_name && IsMemory(a.name));
    if (port && a.size == 8) return "size 1, 2 or 4 for an I/O port access (size 8 given)";
    if (a.has_time) {
      if (!clock_started_) {
        clock_started_ = true;
        now_ns_ = a.ns;
      } else if (a.ns > now_ns_) {
        builder.TimeAdvance(a.ns - now_ns_);
        now_ns_ = a.ns;
      }
    }
    const bool read = a.event == Event::kOpsRead || a.event == Event::kCpuIn;
    // memory_region_ops_* trace the value in the device's byte order; the guest saw it in its own.
    const bool swapped = a.has_name && (a.event == Event::kOpsRead || a.event == Event::kOpsWrite) &&
                         a.size > 1 && IsBigEndianRegionName(a.name);
    const uint64_t value = swapped ? SwapBytes(a.value, a.size) : a.value;
    if (port) {
      const uint16_t p = static_cast<uint16_t>(a.address);
      read ? builder.PortReadRecorded(p, a.size, value) : builder.PortWrite(p, a.size, value);
    } else {
      read ? builder.MmioReadRecorded(a.address, a.size, value)
           : builder.MmioWrite(a.address, a.size, value);
    }
    const absl::string_view name = a.has_name ? a.name : absl::string_view();
    if (!region_started_) {
      region_started_ = true;
      if (!name.empty()) builder.Annotate(kRegionAnnotation, name);
      region_.assign(name.data(), name.size());
    } else if (name != region_) {
      builder.Annotate(kRegionAnnotation, name);
      region_.assign(name.data(), name.size());
    }
    if (a.no_cpu) builder.Annotate("cpu", "-1");
    return nullptr;
  }

  // IsMemoryRegionName, remembering the last name asked about (runs of one region are common).
  bool IsMemory(absl::string_view name) {
    if (!memory_name_valid_ || name != memory_name_) {
      memory_name_.assign(name.data(), name.size());
      memory_name_is_memory_ = IsMemoryRegionName(name);
      memory_name_valid_ = true;
    }
    return memory_name_is_memory_;
  }

  std::unique_ptr<ByteSource> source_;
  LineReader lines_;
  const int events_per_batch_;
  TraceHeader header_;
  uint64_t skipped_ = 0;
  bool clock_started_ = false;
  uint64_t now_ns_ = 0;
  bool region_started_ = false;  // in the current batch
  std::string region_;
  bool memory_name_valid_ = false;
  std::string memory_name_;
  bool memory_name_is_memory_ = false;
  absl::Status failed_;
};

class QemuTraceImporter : public Importer {
 public:
  absl::string_view name() const override { return "qemu-trace"; }
  absl::string_view description() const override {
    return "QEMU trace log (-trace memory_region_ops_*, cpu_in, cpu_out; log backend), plain or "
           ".xz";
  }
  bool Sniff(absl::string_view head) const override {
    std::string decompressed;
    if (LooksLikeXz(head)) {
      decompressed = DecompressXzPrefix(head, 4096);
      head = decompressed;
    }
    for (absl::string_view line : absl::StrSplit(head, '\n')) {
      Access access;
      Failure failure;
      bool event_named = false;
      ParseLine(line, &access, &failure, &event_named);
      if (event_named) return true;
    }
    return false;
  }
  absl::StatusOr<std::unique_ptr<EventSource>> Open(
      std::unique_ptr<ByteSource> source) const override {
    return OpenQemuTraceLog(std::move(source), QemuTraceOptions());
  }
};

}  // namespace

bool IsBigEndianRegionName(absl::string_view name) {
  // DEVICE_BIG_ENDIAN MemoryRegionOps on QEMU's x86 machines.
  return name == "fwcfg.dma";
}

bool IsMemoryRegionName(absl::string_view name) {
  for (const MemoryRegionPattern& pattern : kMemoryRegionPatterns) {
    if (pattern.match == Match::kExact ? name == pattern.text
                                       : absl::StrContains(name, pattern.text)) {
      return true;
    }
  }
  return false;
}

absl::StatusOr<std::unique_ptr<EventSource>> OpenQemuTraceLog(std::unique_ptr<ByteSource> source,
                                                              const QemuTraceOptions& options) {
  absl::StatusOr<std::unique_ptr<ByteSource>> plain = DecompressIfXz(std::move(source));
  if (!plain.ok()) return plain.status();
  return std::unique_ptr<EventSource>(new QemuTraceReader(*std::move(plain), options));
}

std::unique_ptr<Importer> CreateQemuTraceImporter() {
  return std::make_unique<QemuTraceImporter>();
}

}  // namespace portrace::trace
