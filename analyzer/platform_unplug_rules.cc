#include "analyzer/platform_unplug_rules.h"

#include <array>
#include <map>
#include <string>
#include <vector>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "analyzer/describe.h"
#include "analyzer/platform_access.h"

namespace portrace::analyzer {
namespace {

constexpr uint32_t kClassIde = 0x0101;
constexpr uint32_t kClassSata = 0x0106;
constexpr uint32_t kClassScsi = 0x0100;
constexpr uint32_t kClassNvme = 0x0108;
constexpr uint32_t kClassEthernet = 0x0200;

enum Kind { kDisk = 0, kNic = 1 };

bool IsLegacyIdePort(uint64_t port) {
  return (port >= 0x1f0 && port <= 0x1f7) || (port >= 0x170 && port <= 0x177) || port == 0x3f6 ||
         port == 0x376;
}

// The devfns named in an unplug description ("NICs: 00:04.0 rtl8139").
std::vector<int> DevfnsIn(absl::string_view text) {
  std::vector<int> devfns;
  for (size_t i = 0; i + 7 <= text.size(); ++i) {
    const auto hex = [&](size_t at) {
      const char c = text[at];
      if (c >= '0' && c <= '9') return c - '0';
      if (c >= 'a' && c <= 'f') return c - 'a' + 10;
      return -1;
    };
    if (text[i + 2] != ':' || text[i + 5] != '.') continue;
    const int b0 = hex(i), b1 = hex(i + 1), d0 = hex(i + 3), d1 = hex(i + 4), f = hex(i + 6);
    if (b0 < 0 || b1 < 0 || d0 < 0 || d1 < 0 || f < 0 || f > 7) continue;
    if (b0 != 0 || b1 != 0) continue;  // bus 0 only
    const int device = d0 * 16 + d1;
    if (device > 31) continue;
    devfns.push_back(device << 3 | f);
  }
  return devfns;
}

class PlatformUnplugRules : public Rule {
 public:
  explicit PlatformUnplugRules(const sim::MachineProfile& profile)
      : PlatformUnplugRules(profile.platform == sim::PlatformFlavour::kUpstream) {}
  explicit PlatformUnplugRules(bool upstream) : upstream_(upstream) {}

  absl::string_view name() const override { return "platform.unplug"; }

  void OnEvent(const sim::ReplayedEvent& event, FindingEmitter& out) override {
    if (IsRestartMarker(event)) {
      // A new device model after resume or restore: the emulated devices are back.
      *this = PlatformUnplugRules(upstream_);
      return;
    }
    TrackConfigCycle(event, out);
    TrackDeviceUse(event, out);
    for (const sim::DeviceEvent& d : event.device_events) {
      if (d.device != "platform") continue;
      if (d.kind == "bar-write") OnBarWrite(d, out);
      if (d.kind == "unplug") OnUnplug(event, d, out);
      if (d.kind == "unplug" || d.kind == "unplug-v2" || d.kind == "legacy-unplug") {
        for (int devfn : DevfnsIn(d.text)) removed_devfns_[devfn] = event.index;
        unplug_seen_ = true;
      }
    }
  }

 private:
  // The first use of an emulated device of one kind before any unplug.
  struct Usage {
    bool touched = false;
    uint64_t event = 0;
    std::string what;
  };

  void OnBarWrite(const sim::DeviceEvent& d, FindingEmitter& out) {
    const uint64_t offset = d.value >> 8;
    const uint64_t byte = d.value & 0xff;
    if (offset == 8 && (byte == 1 || byte == 2)) {
      out.Emit("platform.bar-log-unplug",
               absl::StrFormat("BAR0+8 written 0x%02x: upstream QEMU unplugs %s (old VMDP); "
                               "qemu-dm logs the byte%s",
                               byte, byte == 1 ? "the disks" : "the NICs",
                               upstream_ ? " — this machine unplugged" : ""),
               absl::StrCat(byte));
    } else if (offset == 4 && byte == 1) {
      out.Emit("platform.legacy-unplug",
               absl::StrFormat(
                   "BAR0+4 written 1: the legacy SUSE/VMDP unplug-all, with no magic, "
                   "version or blacklist check%s",
                   upstream_ ? " (upstream QEMU acts on it)" : " (this device model ignores it)"),
               "4");
    }
  }

  void OnUnplug(const sim::ReplayedEvent& event, const sim::DeviceEvent& d, FindingEmitter& out) {
    const uint64_t mask = d.value;
    const std::string access = DescribeAccess(event.event);
    if (mask & 0xfff0) {
      out.Emit("platform.unplug-unknown-bits",
               absl::StrFormat("%s: bits 0x%x of the mask mean nothing to any device model (the "
                               "Linux-internal 0x8/0x10 flags must not reach the wire)",
                               access, mask & 0xfff0),
               "high");
    }
    if (mask & 0x8) {
      out.Emit("platform.unplug-unknown-bits",
               upstream_ ? absl::StrFormat("%s: bit 3 (NVMe) also makes upstream QEMU unplug every "
                                           "IDE disk and SCSI controller unless bit 2 is set",
                                           access)
                         : absl::StrFormat("%s: bit 3 (NVMe) is ignored by this device model; an "
                                           "emulated NVMe disk would stay beside the PV disk",
                                           access),
               "nvme");
    }
    if (mask == 0) {
      out.Emit("platform.unplug-mask-odd",
               absl::StrCat(access,
                            ": a mask of 0 unplugs nothing (Linux writes it when "
                            "neither frontend is built)"),
               "zero");
    } else if ((mask & 0x5) == 0x5) {
      out.Emit("platform.unplug-mask-odd",
               absl::StrCat(access,
                            ": bits 0 and 2 together: bit 0 wins in upstream QEMU, "
                            "XenServer calls the result undefined"),
               "both");
    }
    const struct {
      Kind kind;
      bool requested;
      const char* name;
    } kinds[] = {{kDisk, (mask & 0xd) != 0, "disk controller"}, {kNic, (mask & 0x2) != 0, "NIC"}};
    for (const auto& k : kinds) {
      const Usage& touch = touched_[k.kind];
      if (!k.requested || !touch.touched || late_reported_[k.kind]) continue;
      late_reported_[k.kind] = true;
      out.Emit("platform.unplug-after-enumeration",
               absl::StrFormat("%s: unplugs the emulated %ss, but the guest already used one at "
                               "#%u (%s); unplug before enumerating the buses (expected only "
                               "from Windows xenfilt, by design)",
                               access, k.name, touch.event, touch.what),
               k.name);
    }
  }

  // Follows the 0xcf8 latch; learns devfn classes from the guest's own reads of the class code.
  void TrackConfigCycle(const sim::ReplayedEvent& event, FindingEmitter& out) {
    const trace::EventView& e = event.event;
    if (e.kind != trace::PORT_READ && e.kind != trace::PORT_WRITE) return;
    if (e.address == 0xcf8 && e.width == 4 && e.kind == trace::PORT_WRITE) {
      latch_ = static_cast<uint32_t>(e.value);
      return;
    }
    if (e.address < 0xcfc || e.address > 0xcff || !(latch_ & 0x80000000u)) return;
    if (((latch_ >> 16) & 0xff) != 0) return;  // bus 0 only
    const int devfn = (latch_ >> 8) & 0xff;
    const uint32_t reg = (latch_ & 0xfc) | (e.address & 3);
    if (e.kind == trace::PORT_READ) {
      const uint64_t seen = GuestSeenValue(event);
      if (reg == 0x08 && e.width == 4 && seen != 0xffffffff) class_[devfn] = seen >> 16;
      if (reg == 0x0a && e.width == 2 && seen != 0xffff) class_[devfn] = seen;
    }
    const std::string what = absl::StrFormat("config cycle to 00:%02x.%x", devfn >> 3, devfn & 7);
    if (auto it = removed_devfns_.find(devfn); it != removed_devfns_.end()) {
      out.Emit("platform.use-after-unplug",
               absl::StrFormat("%s: %s, unplugged at #%u; only Xen's null handler answers now",
                               DescribeAccess(e), what, it->second),
               absl::StrCat("cfg", devfn));
      return;
    }
    if (auto it = class_.find(devfn); it != class_.end() && !unplug_seen_) {
      const uint32_t cls = it->second;
      if (cls == kClassIde || cls == kClassSata || cls == kClassScsi || cls == kClassNvme) {
        NoteUse(kDisk, event, what);
      } else if (cls == kClassEthernet) {
        NoteUse(kNic, event, what);
      }
    }
  }

  // Accesses to the devices themselves: before an unplug they count as use; after it, an access
  // that once reached an unplugged device's range is use after unplug.
  void TrackDeviceUse(const sim::ReplayedEvent& event, FindingEmitter& out) {
    const trace::EventView& e = event.event;
    const bool port = e.kind == trace::PORT_READ || e.kind == trace::PORT_WRITE;
    const bool mmio = e.kind == trace::MMIO_READ || e.kind == trace::MMIO_WRITE;
    if (!port && !mmio) return;
    const uint64_t key = e.address | (mmio ? uint64_t{1} << 63 : 0);
    if (!unplug_seen_) {
      if (port && IsLegacyIdePort(e.address)) {
        NoteUse(kDisk, event, absl::StrFormat("port 0x%x", e.address));
      } else if (IsNicMapping(event.mapping)) {
        NoteUse(kNic, event, std::string(event.mapping));
      } else if (IsDiskMapping(event.mapping)) {
        NoteUse(kDisk, event, std::string(event.mapping));
      }
      if (!event.mapping.empty() && seen_mappings_.size() < kMaxRemembered &&
          (IsNicMapping(event.mapping) || IsDiskMapping(event.mapping))) {
        seen_mappings_.emplace(key, std::string(event.mapping));
      }
      return;
    }
    auto it = seen_mappings_.find(key);
    if (it == seen_mappings_.end() || it->second == event.mapping) return;
    out.Emit("platform.use-after-unplug",
             absl::StrFormat("%s: reached %s before the unplug; now %s", DescribeAccess(e),
                             it->second, event.mapping.empty() ? "nothing answers" : "it does not"),
             it->second);
  }

  static bool IsNicMapping(absl::string_view mapping) {
    return absl::StrContains(mapping, "rtl8139") || absl::StrContains(mapping, "ne2k") ||
           absl::StrContains(mapping, "e1000");
  }
  static bool IsDiskMapping(absl::string_view mapping) {
    return absl::StartsWith(mapping, "ide") || absl::StrContains(mapping, "-ide") ||
           absl::StrContains(mapping, "bmdma");
  }

  void NoteUse(Kind kind, const sim::ReplayedEvent& event, std::string what) {
    Usage& usage = touched_[kind];
    if (usage.touched) return;
    usage.touched = true;
    usage.event = event.index;
    usage.what = std::move(what);
  }

  static constexpr size_t kMaxRemembered = 4096;

  bool upstream_;
  uint32_t latch_ = 0;
  std::map<int, uint32_t> class_;                  // devfn -> class << 8 | subclass
  std::map<int, uint64_t> removed_devfns_;         // devfn -> event of the unplug
  std::map<uint64_t, std::string> seen_mappings_;  // port or address -> device mapping
  std::array<Usage, 2> touched_;
  std::array<bool, 2> late_reported_ = {false, false};
  bool unplug_seen_ = false;
};

}  // namespace

std::unique_ptr<Rule> CreatePlatformUnplugRules(const sim::MachineProfile& profile) {
  return std::make_unique<PlatformUnplugRules>(profile);
}

}  // namespace portrace::analyzer
