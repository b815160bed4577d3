#include "analyzer/ide_rules.h"

#include <string>

#include "absl/strings/string_view.h"

namespace portrace::analyzer {
namespace {

// Device event kind (device "piix3-ide") -> finding id.
struct Mapping {
  absl::string_view kind;
  absl::string_view id;
};
constexpr Mapping kMappings[] = {
    {"command-while-busy", "ide.command-while-busy"},
    {"register-write-while-busy", "ide.register-write-while-busy"},
    {"command-to-absent-drive", "ide.absent-drive"},
    {"unknown-command", "ide.unknown-command"},
    {"data-without-drq", "ide.data-without-drq"},
    {"data-width", "ide.data-width"},
    {"read-past-end", "ide.read-past-end"},
    {"lba-out-of-range", "ide.lba-out-of-range"},
    {"dma-without-prd", "ide.dma-without-prd"},
    {"dma-prd-unterminated", "ide.dma-prd-unterminated"},
    {"dma-bus-master-off", "ide.dma-bus-master-off"},
    {"srst-during-transfer", "ide.srst-during-transfer"},
    {"use-after-unplug", "platform.use-after-unplug"},
};

// IDENTIFY DEVICE (0xec) and IDENTIFY PACKET DEVICE (0xa1) are how drivers and firmware find
// out what sits on a channel: sent to an absent drive, or the wrong one of the two to a disk or
// a CD-ROM (which aborts it with its signature in the task file), they are probes, not mistakes.
bool IsProbe(const sim::DeviceEvent& d) {
  return (d.kind == "command-to-absent-drive" || d.kind == "unknown-command") &&
         (d.value == 0xec || d.value == 0xa1);
}

class IdeRules : public Rule {
 public:
  absl::string_view name() const override { return "ide"; }
  void OnEvent(const sim::ReplayedEvent& event, FindingEmitter& out) override {
    for (const sim::DeviceEvent& d : event.device_events) {
      if (d.device != "piix3-ide" || IsProbe(d)) continue;
      for (const Mapping& m : kMappings) {
        if (d.kind == m.kind) out.Emit(m.id, d.text);
      }
    }
  }
};

}  // namespace

std::unique_ptr<Rule> CreateIdeRules() { return std::make_unique<IdeRules>(); }

}  // namespace portrace::analyzer
