#include "analyzer/divergence_rule.h"

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "analyzer/describe.h"

namespace portrace::analyzer {
namespace {

class DivergenceRule : public Rule {
 public:
  absl::string_view name() const override { return "replay.divergence"; }

  void OnEvent(const sim::ReplayedEvent& event, FindingEmitter& out) override {
    if (!event.diverged) return;
    const trace::EventView& e = event.event;
    const std::string device = event.mapping.empty() ? "no device" : std::string(event.mapping);
    if (e.kind == trace::MEMORY_READ) {
      out.Emit("replay.divergence",
               absl::StrFormat("%s (%s): the trace recorded other bytes than the model's",
                               DescribeAccess(e), device),
               absl::StrFormat("mem/0x%x", e.address));
      return;
    }
    out.Emit("replay.divergence",
             absl::StrFormat("%s (%s): the trace recorded 0x%x, the model answered 0x%x",
                             DescribeAccess(e), device, e.value, event.model_value),
             absl::StrFormat("%s/0x%x/%u", e.kind == trace::PORT_READ ? "port" : "mmio", e.address,
                             e.width));
  }
};

}  // namespace

std::unique_ptr<Rule> CreateDivergenceRule() { return std::make_unique<DivergenceRule>(); }

}  // namespace portrace::analyzer
