#include "analyzer/platform_log_rules.h"

#include <string>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "analyzer/describe.h"
#include "analyzer/platform_access.h"

namespace portrace::analyzer {
namespace {

bool NonPrintable(uint64_t byte) {
  return (byte < 0x20 && byte != '\n' && byte != '\t') || byte >= 0x7f;
}

class PlatformLogRules : public Rule {
 public:
  absl::string_view name() const override { return "platform.log"; }

  void OnEvent(const sim::ReplayedEvent& event, FindingEmitter& out) override {
    if (IsRestartMarker(event)) {
      ReportUnterminated("before the restart marker", out);
      magic_read_ = false;
      return;
    }
    if (const std::optional<PlatformAccess> a = ClassifyPlatformAccess(event)) {
      OnAccess(event, *a, out);
    }
    for (const sim::DeviceEvent& d : event.device_events) {
      if (d.device == "platform") OnPlatformEvent(event, d, out);
    }
  }

  void OnEnd(FindingEmitter& out) override { ReportUnterminated("at the end of the trace", out); }

 private:
  void OnAccess(const sim::ReplayedEvent& event, const PlatformAccess& a, FindingEmitter& out) {
    const std::string access = DescribeAccess(event.event);
    if (a.op == PlatformOp::kMagicRead) {
      // A handshake replay with half a line in the buffer merges it into the next line.
      if (magic_read_) ReportUnterminated("before the handshake started again", out);
      magic_read_ = true;
      return;
    }
    if (!a.write || a.port != 0x12) return;
    if (a.width == 4) {
      out.Emit("platform.log-width",
               absl::StrCat(access,
                            ": a 4-byte write to 0x12 is no log byte (upstream QEMU "
                            "ignores it, XenServer's qemu-dm takes it as a build number)"),
               "w4");
    } else if (a.width == 2 && pending_ > 0) {
      out.Emit("platform.log-width",
               absl::StrCat(access,
                            ": a 2-byte write to 0x12 in the middle of a log line sets "
                            "the product number instead"),
               "w2");
    }
  }

  void OnPlatformEvent(const sim::ReplayedEvent& event, const sim::DeviceEvent& d,
                       FindingEmitter& out) {
    if (d.kind == "log-byte") {
      if (!magic_read_) {
        out.Emit("platform.log-before-magic",
                 absl::StrFormat("log byte 0x%02x (%s) before the magic check at 0x10", d.value,
                                 d.text == "bar" ? "BAR0+8" : "port 0x12"),
                 "before-magic");
      }
      if (d.value == '\n') return;  // the log-line event follows
      if (pending_ == 0) {
        line_event_ = event.index;
        line_t_ns_ = event.t_ns;
        sources_ = 0;
        nonprintable_reported_ = false;
        interleaving_reported_ = false;
      }
      ++pending_;
      sources_ |= d.text == "bar" ? 2 : 1;
      if (sources_ == 3 && !interleaving_reported_) {
        interleaving_reported_ = true;
        out.Emit("platform.log-interleaved",
                 absl::StrFormat("one log line gets bytes from both port 0x12 and BAR0+8 (line "
                                 "started at #%u); the shared buffer garbles them",
                                 line_event_),
                 "sources");
      }
      if (NonPrintable(d.value) && !nonprintable_reported_) {
        nonprintable_reported_ = true;
        out.Emit("platform.log-nonprintable",
                 absl::StrFormat("log byte 0x%02x is not printable (%s)", d.value,
                                 d.value == 0 ? "a NUL ends the line at the log sink"
                                              : "XenServer drops or rewrites it, upstream QEMU "
                                                "logs it raw"),
                 "nonprintable");
      }
    } else if (d.kind == "log-line") {
      pending_ = 0;
    } else if (d.kind == "log-overflow") {
      out.Emit("platform.log-overlong",
               absl::StrFormat("log line of %u bytes without a newline: flushed because the "
                               "buffer was full, the byte that arrived was lost",
                               d.value),
               "overlong");
    } else if (d.kind == "log-throttled") {
      out.Emit("platform.log-throttled",
               absl::StrFormat("log flush of %u bytes finds the token bucket empty: qemu-dm "
                               "stalls the vCPU for %.3f ms",
                               d.text.size(), static_cast<double>(d.value) / 1e6),
               "throttled");
    }
  }

  void ReportUnterminated(absl::string_view when, FindingEmitter& out) {
    if (pending_ == 0) return;
    out.EmitAt("platform.log-unterminated", line_event_, line_t_ns_,
               absl::StrFormat("log line of %u bytes started here has no newline %s; its text "
                               "stays in the buffer and merges into the next line",
                               pending_, when),
               "");
    pending_ = 0;
  }

  bool magic_read_ = false;
  uint64_t pending_ = 0;  // bytes of the current line
  uint64_t line_event_ = 0;
  uint64_t line_t_ns_ = 0;
  int sources_ = 0;  // 1: port 0x12, 2: BAR0+8
  bool nonprintable_reported_ = false;
  bool interleaving_reported_ = false;
};

}  // namespace

std::unique_ptr<Rule> CreatePlatformLogRules(const sim::MachineProfile& profile) {
  return std::make_unique<PlatformLogRules>();
}

}  // namespace portrace::analyzer
