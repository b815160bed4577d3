#include "analyzer/io_rules.h"

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "analyzer/describe.h"

namespace portrace::analyzer {
namespace {

class IoRules : public Rule {
 public:
  absl::string_view name() const override { return "io"; }

  void OnEvent(const sim::ReplayedEvent& event, FindingEmitter& out) override {
    for (const sim::IoAnomaly& a : event.anomalies) {
      const char* dir = a.write ? "write" : "read";
      const std::string where = a.mmio ? absl::StrFormat("address 0x%x", a.address)
                                       : absl::StrFormat("port 0x%x", a.address);
      const std::string access = DescribeAccess(event.event);
      const std::string key = absl::StrFormat("%s/%u/%s", where, a.width, dir);
      switch (a.kind) {
        case sim::IoAnomaly::Kind::kUnclaimed:
          out.Emit("io.unclaimed",
                   absl::StrCat(access, ": no device claims ", where, "; ", a.detail), key);
          break;
        case sim::IoAnomaly::Kind::kBadWidth:
          out.Emit("io.bad-width",
                   absl::StrFormat("%s: %u-byte %s of %s (%s) is %s", access, a.width, dir, where,
                                   a.mapping, a.detail),
                   key);
          break;
        case sim::IoAnomaly::Kind::kStraddle:
          out.Emit("io.straddle",
                   absl::StrFormat("%s: %u-byte %s at %s (%s) %s", access, a.width, dir, where,
                                   a.mapping, a.detail),
                   key);
          break;
        case sim::IoAnomaly::Kind::kDenied:
          out.Emit("io.denied", absl::StrCat(access, ": ", where, " ", a.detail), key);
          break;
      }
    }
  }
};

}  // namespace

std::unique_ptr<Rule> CreateIoRules() { return std::make_unique<IoRules>(); }

}  // namespace portrace::analyzer
