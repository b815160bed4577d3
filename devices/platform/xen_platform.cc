#include "devices/platform/xen_platform.h"

#include <cstdlib>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "base/status_macros.h"
#include "devices/ide/ide_unplug.h"
#include "devices/xenstore/xenstore_dump.h"

namespace portrace::devices {
namespace {

constexpr uint16_t kClassScsi = 0x0100;
constexpr uint16_t kClassNvme = 0x0108;
constexpr uint16_t kClassEthernet = 0x0200;

// A xenstore number as qemu-dm parses one (strtol, base 0); nullopt if absent or not a number.
std::optional<uint64_t> ReadNumber(const XenstoreTree& tree, const std::string& path) {
  absl::StatusOr<std::string> text = tree.Read(path);
  if (!text.ok()) return std::nullopt;
  char* end = nullptr;
  const unsigned long long value = std::strtoull(text->c_str(), &end, 0);
  if (end == text->c_str() || *end != '\0') return std::nullopt;
  return value;
}

}  // namespace

std::vector<std::string> PciUnplugTarget::RemoveClass(uint16_t class_code, int index) {
  std::vector<std::string> removed;
  int seen = 0;
  for (int devfn = 0; devfn < kPciDevfnCount; ++devfn) {
    PciFunction* function = bus_->function(devfn);
    if (function == nullptr || (function->identity().class_code >> 8) != class_code) continue;
    if (index >= 0 && seen++ != index) continue;
    const std::string description = absl::StrCat(PciLocation(0, devfn), " ", function->name());
    if (bus_->Remove(devfn).ok()) removed.push_back(description);
  }
  return removed;
}

std::vector<std::string> PciUnplugTarget::UnplugIdeDisks(bool keep_primary_master) {
  std::vector<std::string> removed;
  for (int devfn = 0; devfn < kPciDevfnCount; ++devfn) {
    auto* ide = dynamic_cast<IdeDiskUnplug*>(bus_->function(devfn));
    if (ide == nullptr) continue;
    for (std::string& r : ide->UnplugDisks(keep_primary_master)) removed.push_back(std::move(r));
  }
  return removed;
}

std::vector<std::string> PciUnplugTarget::UnplugIdeDisk(int index) {
  for (int devfn = 0; devfn < kPciDevfnCount; ++devfn) {
    if (auto* ide = dynamic_cast<IdeDiskUnplug*>(bus_->function(devfn))) {
      return ide->UnplugDisk(index);
    }
  }
  return {};
}

std::vector<std::string> PciUnplugTarget::UnplugScsiControllers() {
  return RemoveClass(kClassScsi);
}
std::vector<std::string> PciUnplugTarget::UnplugNvmeControllers() {
  return RemoveClass(kClassNvme);
}
std::vector<std::string> PciUnplugTarget::UnplugNics() { return RemoveClass(kClassEthernet); }
std::vector<std::string> PciUnplugTarget::UnplugNic(int index) {
  return RemoveClass(kClassEthernet, index);
}

// The platform device's question, answered from xenstore.
class XenPlatform::Blacklist : public DriverBlacklist {
 public:
  explicit Blacklist(const XenstoreDriverBlacklist* lookup) : lookup_(lookup) {}
  Verdict Check(uint16_t product, uint32_t build) override {
    const BlacklistVerdict verdict = lookup_->Check(product, build);
    return {verdict.blacklisted, verdict.Describe()};
  }

 private:
  const XenstoreDriverBlacklist* lookup_;
};

// The PCI function: 5853:0001, class 0xff80, BAR0 I/O 0x100, BAR1 16 MiB prefetchable memory,
// I/O and memory decoding on from reset (QEMU's xen_platform_realize, qemu-dm's init).
class XenPlatform::Function : public PciFunction {
 public:
  static absl::StatusOr<std::unique_ptr<Function>> Create(PlatformDevice* device,
                                                          uint16_t device_id, uint8_t revision) {
    PciIdentity id;
    id.vendor_id = 0x5853;
    id.device_id = device_id;
    id.revision = revision;
    id.class_code = 0xff8000;
    id.subsystem_vendor_id = 0x5853;
    id.subsystem_id = 0x0001;
    id.interrupt_pin = 1;
    std::unique_ptr<Function> function(new Function(id));
    function->SetConfigByte(kPciCommand, kPciCommandIo | kPciCommandMemory);
    PciBar io;
    io.kind = PciBarKind::kIo;
    io.size = kPlatformBar0Size;
    io.region = device->bar0_region();
    io.rules = device->bar0_rules();
    io.name = "xen-pci";
    PT_RETURN_IF_ERROR(function->SetBar(0, std::move(io)));
    PciBar mmio;
    mmio.kind = PciBarKind::kMem32;
    mmio.size = kPlatformBar1Size;
    mmio.prefetchable = true;
    mmio.region = device->bar1_region();
    mmio.rules = sim::AccessRules::Ops(1, 8, true, 1, 8, true);
    mmio.name = "xen-mmio";
    PT_RETURN_IF_ERROR(function->SetBar(1, std::move(mmio)));
    return function;
  }

 private:
  explicit Function(const PciIdentity& id) : PciFunction("xen-platform", id) {}
};

XenPlatform::XenPlatform() = default;
XenPlatform::~XenPlatform() = default;

absl::StatusOr<std::unique_ptr<XenPlatform>> XenPlatform::Create(
    sim::Machine* machine, PciBus* bus, int devfn, const sim::MachineOptions& options) {
  const PlatformBehaviour* behaviour = FindPlatformBehaviour(machine->profile().platform);
  if (behaviour == nullptr) {
    return absl::InvalidArgumentError(
        absl::StrCat("machine ", machine->profile().name, " has no platform device"));
  }
  std::unique_ptr<XenPlatform> platform(new XenPlatform());
  for (const std::string& file : options.xenstore_files) {
    PT_RETURN_IF_ERROR(LoadXenstoreDumpFile(file, &platform->xenstore_));
  }
  for (const std::string& node : options.xenstore_nodes) {
    PT_ASSIGN_OR_RETURN(const XenstoreFlag flag, ParseXenstoreFlag(node));
    PT_RETURN_IF_ERROR(ApplyXenstoreFlag(flag, &platform->xenstore_));
  }
  const std::string domain = absl::StrCat("/local/domain/", options.guest_domid);

  // XenServer lets the toolstack override the platform device's identity.
  uint16_t device_id = 0x0001;
  uint8_t revision = 1;
  if (behaviour->version2) {
    if (std::optional<uint64_t> id =
            ReadNumber(platform->xenstore_, domain + "/platform/device_id")) {
      device_id = static_cast<uint16_t>(*id);
      revision = 2;
    }
    if (std::optional<uint64_t> rev =
            ReadNumber(platform->xenstore_, domain + "/platform/revision")) {
      revision = static_cast<uint8_t>(*rev);
    }
  }

  DriverBlacklistOptions lookup_options;
  lookup_options.device_model = XenstoreCaller::Domain(options.device_model_domid);
  lookup_options.platform.device_id = device_id;
  lookup_options.platform.revision = revision;
  platform->lookup_ = std::make_unique<XenstoreDriverBlacklist>(
      behaviour->version2 ? &XenServerBlacklistScheme() : &TraditionalBlacklistScheme(),
      &platform->xenstore_, lookup_options);
  platform->blacklist_ = std::make_unique<Blacklist>(platform->lookup_.get());
  platform->unplug_ = std::make_unique<PciUnplugTarget>(bus);

  PlatformOptions device_options;
  device_options.behaviour = behaviour;
  device_options.machine = machine;
  device_options.unplug = platform->unplug_.get();
  device_options.blacklist = platform->blacklist_.get();
  absl::StatusOr<std::string> throttling =
      platform->xenstore_.Read(domain + "/log-throttling", options.device_model_domid);
  device_options.throttling_disabled =
      throttling.ok() && !throttling->empty() && (*throttling)[0] == '0';
  PT_ASSIGN_OR_RETURN(platform->device_, PlatformDevice::Create(device_options));
  PT_ASSIGN_OR_RETURN(platform->function_,
                      Function::Create(platform->device_.get(), device_id, revision));
  PT_RETURN_IF_ERROR(bus->Attach(devfn, platform->function_.get()));
  return platform;
}

}  // namespace portrace::devices
