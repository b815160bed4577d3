#include "trace/importers/kvm_pio_importer.h"

#include <algorithm>
#include <optional>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/strings/ascii.h"
#include "absl/strings/escaping.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_split.h"
#include "absl/strings/strip.h"
#include "trace/event.h"
#include "trace/line_reader.h"

namespace portrace::trace {
namespace {

constexpr int kEventsPerBatch = 4096;

// Where the event sits on a line of tracer output.
struct EventLine {
  absl::string_view thread;     // "CPU 36/KVM-2063", "qemu-system-x86 10042"; "" when bare
  absl::string_view timestamp;  // "1466862.728737"; "" when bare
  absl::string_view event;      // "kvm_pio", "kvm:kvm_pio", "kvm_exit"
  absl::string_view fields;     // what follows "<event>:"
};

// One kvm_pio line's fields.
struct PioFields {
  bool write = false;
  uint16_t port = 0;
  uint32_t size = 0;
  uint32_t count = 1;
  std::optional<uint32_t> val;
};

bool IsBlank(char c) { return c == ' ' || c == '\t'; }

// The next blank-separated token at or after *pos; "" at the end.
absl::string_view NextToken(absl::string_view line, size_t* pos) {
  size_t begin = *pos;
  while (begin < line.size() && IsBlank(line[begin])) ++begin;
  size_t end = begin;
  while (end < line.size() && !IsBlank(line[end])) ++end;
  *pos = end;
  return line.substr(begin, end - begin);
}

bool AllDigits(absl::string_view s) {
  return !s.empty() && std::all_of(s.begin(), s.end(), absl::ascii_isdigit);
}

// "1466862.728737:"
bool IsTimestampToken(absl::string_view token) {
  if (!absl::ConsumeSuffix(&token, ":")) return false;
  const size_t dot = token.find('.');
  return dot != absl::string_view::npos && AllDigits(token.substr(0, dot)) &&
         AllDigits(token.substr(dot + 1));
}

// "kvm_pio:", "kvm:kvm_pio:", "sched_switch:"
bool IsEventNameToken(absl::string_view token) {
  if (!absl::ConsumeSuffix(&token, ":") || token.empty()) return false;
  return std::all_of(token.begin(), token.end(),
                     [](char c) { return absl::ascii_isalnum(c) || c == '_' || c == ':'; });
}

// "[097]"
bool IsCpuToken(absl::string_view token) {
  return absl::ConsumePrefix(&token, "[") && absl::ConsumeSuffix(&token, "]") && AllDigits(token);
}

bool IsKvmPio(absl::string_view event) { return event == "kvm_pio" || event == "kvm:kvm_pio"; }

std::optional<EventLine> FindEvent(absl::string_view line) {
  size_t pos = 0;
  absl::string_view before1;  // the token before the current one
  absl::string_view before2;  // and the one before that
  while (true) {
    const absl::string_view token = NextToken(line, &pos);
    if (token.empty()) break;
    if (IsTimestampToken(token)) {
      size_t after = pos;
      const absl::string_view name = NextToken(line, &after);
      if (IsEventNameToken(name)) {
        EventLine e;
        e.timestamp = token.substr(0, token.size() - 1);
        e.event = name.substr(0, name.size() - 1);
        e.fields = absl::StripLeadingAsciiWhitespace(line.substr(after));
        // The thread is what comes before the "[cpu]" column, which ftrace follows with a
        // flags column ("....."); perf may have no cpu column.
        absl::string_view cut = token;
        if (IsCpuToken(before1)) {
          cut = before1;
        } else if (IsCpuToken(before2)) {
          cut = before2;
        }
        e.thread = absl::StripAsciiWhitespace(line.substr(0, cut.data() - line.data()));
        return e;
      }
    }
    before2 = before1;
    before1 = token;
  }
  // The event text alone, as quoted in mails: "kvm_pio: pio_read at 0xc13e size 2 count 1".
  absl::string_view bare = absl::StripLeadingAsciiWhitespace(line);
  for (absl::string_view name : {"kvm_pio", "kvm:kvm_pio"}) {
    absl::string_view rest = bare;
    if (absl::ConsumePrefix(&rest, name) && absl::ConsumePrefix(&rest, ":")) {
      EventLine e;
      e.event = name;
      e.fields = absl::StripLeadingAsciiWhitespace(rest);
      return e;
    }
  }
  return std::nullopt;
}

// Non-event lines trace-cmd report prints before the events.
bool IsKnownHeader(absl::string_view line) {
  if (absl::StartsWith(line, "version = ") || absl::StartsWith(line, "cpus=")) return true;
  absl::string_view rest = line;
  if (!absl::ConsumePrefix(&rest, "CPU ")) return false;
  const size_t space = rest.find(' ');
  return AllDigits(rest.substr(0, space)) && space != absl::string_view::npos &&
         rest.substr(space) == " is empty";
}

// ftrace "CPU:3 [LOST 120 EVENTS]", trace-cmd "CPU:3 [120 EVENTS DROPPED]".
bool IsLostEventsLine(absl::string_view line) {
  return absl::StartsWith(line, "CPU:") &&
         (absl::StrContains(line, "LOST") || absl::StrContains(line, "DROPPED"));
}

// A snippet of input for a message: escaped, bounded, on one line.
std::string Quote(absl::string_view text) {
  const bool cut = text.size() > 40;
  return absl::StrCat("\"", absl::CHexEscape(text.substr(0, 40)), cut ? "...\"" : "\"");
}

// "0x3f8": 1 to 8 hex digits (the kernel prints a u32).
std::optional<uint32_t> ParseHex(absl::string_view s) {
  if (!absl::ConsumePrefix(&s, "0x") || s.empty() || s.size() > 8) return std::nullopt;
  uint32_t value = 0;
  for (char c : s) {
    if (!absl::ascii_isxdigit(c)) return std::nullopt;
    value = value * 16 + (absl::ascii_isdigit(c) ? c - '0' : absl::ascii_tolower(c) - 'a' + 10);
  }
  return value;
}

// "4": 1 to 9 decimal digits.
std::optional<uint32_t> ParseDecimal(absl::string_view s) {
  if (!AllDigits(s) || s.size() > 9) return std::nullopt;
  uint32_t value = 0;
  for (char c : s) value = value * 10 + (c - '0');
  return value;
}

// "1466862.728737" -> ns. At most 10 digits of seconds and 9 of fraction.
std::optional<uint64_t> ParseTimestamp(absl::string_view s) {
  const size_t dot = s.find('.');
  const absl::string_view whole = s.substr(0, dot);
  const absl::string_view fraction = s.substr(dot + 1);
  if (whole.size() > 10 || fraction.size() > 9) return std::nullopt;
  uint64_t ns = 0;
  for (char c : whole) ns = ns * 10 + (c - '0');
  for (size_t i = 0; i < 9; ++i) ns = ns * 10 + (i < fraction.size() ? fraction[i] - '0' : 0);
  return ns;
}

// "pio_write at 0x3f8 size 1 count 1 val 0xd" (see the header for the variants).
absl::StatusOr<PioFields> ParseFields(absl::string_view text) {
  const std::vector<absl::string_view> words =
      absl::StrSplit(text, absl::ByAnyChar(" \t"), absl::SkipEmpty());
  const auto bad = [](absl::string_view what) {
    return absl::InvalidArgumentError(absl::StrCat("kvm_pio: ", what));
  };
  PioFields f;
  size_t i = 0;
  const auto next = [&]() -> absl::string_view { return i < words.size() ? words[i++] : ""; };
  const absl::string_view direction = next();
  if (direction == "pio_write") {
    f.write = true;
  } else if (direction != "pio_read") {
    return bad(absl::StrCat("expected pio_read or pio_write, found ", Quote(direction)));
  }
  if (const absl::string_view at = next(); at != "at") {
    return bad(absl::StrCat("expected \"at\" after ", direction, ", found ", Quote(at)));
  }
  const absl::string_view port_text = next();
  const std::optional<uint32_t> port = ParseHex(port_text);
  if (!port.has_value()) return bad(absl::StrCat("port ", Quote(port_text), " is not 0x<hex>"));
  if (*port > 0xffff) return bad(absl::StrFormat("port 0x%x above 0xffff", *port));
  f.port = static_cast<uint16_t>(*port);
  if (const absl::string_view word = next(); word != "size") {
    return bad(absl::StrCat("expected \"size\" after the port, found ", Quote(word)));
  }
  const absl::string_view size_text = next();
  const std::optional<uint32_t> size = ParseDecimal(size_text);
  if (!size.has_value() || (*size != 1 && *size != 2 && *size != 4)) {
    return bad(absl::StrCat("size ", Quote(size_text), " is not 1, 2 or 4"));
  }
  f.size = *size;
  absl::string_view word = next();
  if (word == "count") {
    const absl::string_view count_text = next();
    const std::optional<uint32_t> count = ParseDecimal(count_text);
    if (!count.has_value() || *count == 0 || *count > kMaxKvmPioCount) {
      return bad(
          absl::StrCat("count ", Quote(count_text), " is not between 1 and ", kMaxKvmPioCount));
    }
    f.count = *count;
    word = next();
  }
  if (word == "val") {
    const absl::string_view val_text = next();
    const std::optional<uint32_t> val = ParseHex(val_text);
    if (!val.has_value()) return bad(absl::StrCat("val ", Quote(val_text), " is not 0x<hex>"));
    if (*val > WidthMask(f.size)) {
      return bad(absl::StrFormat("val 0x%x does not fit size %u", *val, f.size));
    }
    f.val = *val;
    word = next();
    // The kernel prints "(...)" exactly when count > 1.
    const bool ellipsis = word == "(...)";
    if (ellipsis) word = next();
    if (ellipsis != (f.count > 1)) {
      return bad(ellipsis ? "\"(...)\" with count 1"
                          : absl::StrCat("count ", f.count, " without \"(...)\""));
    }
  }
  if (!word.empty()) return bad(absl::StrCat("unexpected ", Quote(word)));
  return f;
}

class KvmPioReader : public EventSource {
 public:
  explicit KvmPioReader(std::unique_ptr<ByteSource> source)
      : source_(std::move(source)), lines_(source_.get(), kMaxKvmPioLineLength) {
    header_.set_producer("kvm_pio trace");
  }

  const TraceHeader& header() const override { return header_; }

  absl::StatusOr<bool> Next(EventBatch* batch) override {
    batch->Clear();
    if (!failed_.ok()) return failed_;
    BatchBuilder builder(batch);
    // A line adds at most two events (a time advance and an access); string elements fill
    // whatever room is left.
    while (builder.size() + 2 <= kEventsPerBatch) {
      if (tail_.remaining > 0) {
        AppendTail(builder, kEventsPerBatch - builder.size());
        continue;
      }
      absl::StatusOr<bool> have = lines_.Next();
      if (!have.ok()) return Fail(have.status(), batch);
      if (!*have) {
        if (!saw_event_line_ && first_stray_line_ != 0) {
          return Fail(absl::InvalidArgumentError(absl::StrCat(
                          lines_.name(), ":", first_stray_line_,
                          ": not an ftrace, trace-cmd report or perf script event line, and no "
                          "line of the input is one (expected e.g. \"qemu-system-x86 10042 "
                          "[000] 313831.754508: kvm:kvm_pio: pio_read at 0x3fd size 1 count 1 "
                          "val 0x60\")")),
                      batch);
        }
        break;
      }
      if (absl::Status status = OnLine(builder, batch); !status.ok()) return Fail(status, batch);
    }
    return builder.size() > 0;
  }

 private:
  // The elements of a string instruction after the first, still to be emitted.
  struct Tail {
    bool write = false;
    uint16_t port = 0;
    uint32_t width = 0;
    uint32_t value = 0;
    uint32_t remaining = 0;
  };

  // The events read before an error are delivered first; the error comes with the next call.
  absl::StatusOr<bool> Fail(absl::Status status, EventBatch* batch) {
    failed_ = status;
    if (batch->op_size() > 0) return true;
    return status;
  }

  absl::Status OnLine(BatchBuilder& builder, EventBatch* batch) {
    absl::string_view line = lines_.line();
    absl::ConsumeSuffix(&line, "\r");
    const auto error = [&](absl::string_view what) {
      return absl::InvalidArgumentError(
          absl::StrCat(lines_.name(), ":", lines_.line_number(), ": ", what));
    };
    if (line.find('\0') != absl::string_view::npos) {
      return error("NUL byte; not a text trace?");
    }
    const absl::string_view stripped = absl::StripAsciiWhitespace(line);
    if (stripped.empty() || stripped[0] == '#') return absl::OkStatus();
    const std::optional<EventLine> event = FindEvent(line);
    if (!event.has_value()) {
      if (IsLostEventsLine(stripped)) {
        saw_event_line_ = true;
        builder.Marker(absl::StrCat("kvm_pio trace: ", stripped.substr(0, 200)));
      } else if (!IsKnownHeader(stripped) && first_stray_line_ == 0) {
        first_stray_line_ = lines_.line_number();
      }
      return absl::OkStatus();
    }
    saw_event_line_ = true;
    if (!IsKvmPio(event->event)) return absl::OkStatus();
    absl::StatusOr<PioFields> fields = ParseFields(event->fields);
    if (!fields.ok()) return error(fields.status().message());

    bool first_timestamp = false;
    if (!event->timestamp.empty()) {
      const std::optional<uint64_t> ns = ParseTimestamp(event->timestamp);
      if (!ns.has_value()) {
        return error(
            absl::StrCat("timestamp ", Quote(event->timestamp),
                         " out of range (at most 10 digits of seconds and 9 of fraction)"));
      }
      if (!origin_ns_.has_value()) {
        origin_ns_ = *ns;
        first_timestamp = true;
      } else if (*ns > *origin_ns_ && *ns - *origin_ns_ > now_ns_) {
        builder.TimeAdvance(*ns - *origin_ns_ - now_ns_);
        now_ns_ = *ns - *origin_ns_;
      }
    }

    const PioFields& f = *fields;
    const uint32_t string_flag = f.count > 1 ? uint32_t{FLAG_STRING_IO} : 0;
    if (f.write) {
      builder.PortWrite(f.port, f.size, f.val.value_or(0), string_flag);
      if (!f.val.has_value()) builder.Annotate("value-unknown", "kvm_pio line without val");
    } else if (f.val.has_value()) {
      AppendRecordedRead(builder, batch, f.port, f.size, *f.val, string_flag);
    } else {
      builder.PortRead(f.port, f.size, string_flag);
    }
    if (first_timestamp) builder.Annotate("host-time", event->timestamp);
    if (!event->thread.empty() && event->thread != thread_) {
      thread_ = std::string(event->thread);
      builder.Annotate("thread", thread_);
    }
    if (f.count > 1) {
      builder.Annotate("string-io", absl::StrCat("count ", f.count));
      tail_ = Tail{f.write, f.port, f.size, f.val.value_or(0), f.count - 1};
    }
    return absl::OkStatus();
  }

  // BatchBuilder::PortReadRecorded takes no flags; the first element of a string read is both
  // recorded and FLAG_STRING_IO.
  static void AppendRecordedRead(BatchBuilder& builder, EventBatch* batch, uint16_t port,
                                 uint32_t width, uint32_t value, uint32_t flags) {
    if (flags == 0) {
      builder.PortReadRecorded(port, width, value);
      return;
    }
    batch->add_op(PackOp(PORT_READ, width, FLAG_RECORDED | flags));
    batch->add_address(port);
    batch->add_value(value & WidthMask(width));
  }

  void AppendTail(BatchBuilder& builder, int room) {
    const uint32_t n = std::min<uint32_t>(tail_.remaining, static_cast<uint32_t>(room));
    for (uint32_t i = 0; i < n; ++i) {
      if (tail_.write) {
        builder.PortWrite(tail_.port, tail_.width, tail_.value, FLAG_STRING_IO);
        builder.Annotate("value-unknown", "string element; the trace records the first only");
      } else {
        builder.PortRead(tail_.port, tail_.width, FLAG_STRING_IO);
      }
    }
    tail_.remaining -= n;
  }

  std::unique_ptr<ByteSource> source_;
  LineReader lines_;
  TraceHeader header_;
  std::optional<uint64_t> origin_ns_;  // host time of the first timestamped kvm_pio line
  uint64_t now_ns_ = 0;                // trace time reached, relative to origin_ns_
  std::string thread_;                 // thread of the last kvm_pio line
  Tail tail_;
  bool saw_event_line_ = false;
  uint64_t first_stray_line_ = 0;  // first line that is no event, comment or known header
  absl::Status failed_;
};

class KvmPioImporter : public Importer {
 public:
  absl::string_view name() const override { return "kvm-pio"; }
  absl::string_view description() const override {
    return "Linux kvm_pio events from ftrace, trace-cmd report or perf script";
  }
  // A kvm event line (kvm_pio, or kvm_exit and friends before the first kvm_pio) in the head.
  bool Sniff(absl::string_view head) const override {
    for (absl::string_view line : absl::StrSplit(head, '\n')) {
      const std::optional<EventLine> event = FindEvent(line);
      if (event.has_value() &&
          (absl::StartsWith(event->event, "kvm_") || absl::StartsWith(event->event, "kvm:"))) {
        return true;
      }
    }
    return false;
  }
  absl::StatusOr<std::unique_ptr<EventSource>> Open(
      std::unique_ptr<ByteSource> source) const override {
    return std::unique_ptr<EventSource>(new KvmPioReader(std::move(source)));
  }
};

}  // namespace

std::unique_ptr<Importer> CreateKvmPioImporter() { return std::make_unique<KvmPioImporter>(); }

}  // namespace portrace::trace
