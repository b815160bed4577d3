// XenPlatform: the Xen platform device as a machine has it — the PlatformDevice with its PCI
// function (5853:0001 at 00:03.0), the host's xenstore it consults, and the machine-side
// answers to its questions: which drivers are blacklisted (XenstoreDriverBlacklist) and what an
// unplug removes (the PCI functions of the right classes; IDE disks once the IDE model exists).
//
// The xenstore inputs (MachineOptions): dump files and PATH=VALUE nodes; the guest's
// /local/domain/<id>/log-throttling ("0" disables the throttle, as qemu-dm's watch does) and,
// for XenServer, /local/domain/<id>/platform/{device_id,revision} (the platform device's
// identity, which product-3 blacklist decoding compares against).
#ifndef PORTRACE_DEVICES_PLATFORM_XEN_PLATFORM_H_
#define PORTRACE_DEVICES_PLATFORM_XEN_PLATFORM_H_

#include <memory>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "devices/pci/pci_bus.h"
#include "devices/pci/pci_function.h"
#include "devices/platform/platform_device.h"
#include "devices/xenstore/driver_blacklist.h"
#include "devices/xenstore/xenstore_tree.h"
#include "sim/device.h"
#include "sim/machine.h"

namespace portrace::devices {

// Removes functions from a PCI bus by class, as the device models' unplug walks do.
class PciUnplugTarget : public UnplugTarget {
 public:
  explicit PciUnplugTarget(PciBus* bus) : bus_(bus) {}
  // IDE disks go from the IDE function (devices/ide/ide_unplug.h); the controller and its
  // CD-ROMs stay.
  std::vector<std::string> UnplugIdeDisks(bool keep_primary_master) override;
  std::vector<std::string> UnplugScsiControllers() override;
  std::vector<std::string> UnplugNvmeControllers() override;
  std::vector<std::string> UnplugNics() override;
  std::vector<std::string> UnplugIdeDisk(int index) override;
  std::vector<std::string> UnplugNic(int index) override;

 private:
  // Removes every function whose class (base << 8 | sub) is `class_code`, or only the
  // `index`-th of them in devfn order; returns "00:04.0 rtl8139" for each.
  std::vector<std::string> RemoveClass(uint16_t class_code, int index = -1);
  PciBus* bus_;
};

class XenPlatform : public sim::Device {
 public:
  // For a machine whose profile has a platform device; attaches the PCI function at `devfn`.
  static absl::StatusOr<std::unique_ptr<XenPlatform>> Create(sim::Machine* machine, PciBus* bus,
                                                             int devfn,
                                                             const sim::MachineOptions& options);

  ~XenPlatform() override;
  absl::string_view name() const override { return "xen-platform"; }
  PlatformDevice& device() { return *device_; }
  const XenstoreTree& xenstore() const { return xenstore_; }

 private:
  class Blacklist;
  class Function;
  XenPlatform();

  XenstoreTree xenstore_;
  std::unique_ptr<XenstoreDriverBlacklist> lookup_;
  std::unique_ptr<Blacklist> blacklist_;
  std::unique_ptr<PciUnplugTarget> unplug_;
  std::unique_ptr<PlatformDevice> device_;
  std::unique_ptr<Function> function_;
};

}  // namespace portrace::devices

#endif  // PORTRACE_DEVICES_PLATFORM_XEN_PLATFORM_H_
