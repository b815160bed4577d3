#include "analyzer/divergence_rule.h"

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "analyzer/describe.h"

namespace portrace::analyzer {
namespace {

class DivergenceRule : public Rule {
 public:
  explicit DivergenceRule(DivergenceOptions options) : options_(std::move(options)) {}
  absl::string_view name() const override { return "replay.divergence"; }  // and clock-divergence

  void OnEvent(const sim::ReplayedEvent& event, FindingEmitter& out) override {
    if (!event.diverged) return;
    const trace::EventView& e = event.event;
    // The model's device; where the model has none, the capture's (what portrace lacks).
    std::string device = std::string(event.mapping);
    if (device.empty()) {
      device = event.capture_region.empty()
                   ? "no device"
                   : absl::StrCat("no device; the capture's '", event.capture_region, "'");
    }
    if (Ignored(e, event)) return;
    if (event.untimed_clock_read) {
      out.Emit("replay.clock-divergence",
               absl::StrFormat("%s (%s): the trace recorded 0x%x, the model answered 0x%x; the "
                               "value depends on time and the trace carries none",
                               DescribeAccess(e), device, e.value, event.model_value),
               device);
      return;
    }
    if (e.kind == trace::MEMORY_READ) {
      out.Emit("replay.divergence",
               absl::StrFormat("%s (%s): the trace recorded other bytes than the model's",
                               DescribeAccess(e), device),
               device);
      return;
    }
    out.Emit("replay.divergence",
             absl::StrFormat("%s (%s): the trace recorded 0x%x, the model answered 0x%x",
                             DescribeAccess(e), device, e.value, event.model_value),
             device);
  }

 private:
  bool Ignored(const trace::EventView& e, const sim::ReplayedEvent& event) const {
    for (const std::string& name : options_.ignore_devices) {
      if (name == event.mapping || name == event.capture_region) return true;
    }
    if (e.kind != trace::PORT_READ) return false;
    for (const auto& [first, last] : options_.ignore_ports) {
      if (e.address >= first && e.address <= last) return true;
    }
    return false;
  }

  DivergenceOptions options_;
};

}  // namespace

std::unique_ptr<Rule> CreateDivergenceRule(DivergenceOptions options) {
  return std::make_unique<DivergenceRule>(std::move(options));
}

}  // namespace portrace::analyzer
