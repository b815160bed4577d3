// PciPlaceholder: the PCI function of a device whose model arrives later, with the identity,
// header and BARs QEMU shows for it, so that guests enumerate it, program its BARs and see it
// disappear when it is unplugged:
//   kPiix3Ide  00:01.1  8086:7010  class 0101 prog-if 0x80, status 0x0280; BAR4 I/O 16 bytes
//                       (bus-master DMA)
//   kPiix4Pm   00:01.3  8086:7113  class 0680 rev 3, status 0x0280, INTA; ACPI/SMBus registers
//                       0x40 (PM base, bit 0), 0x5f, 0x63, 0x90-0x91 (SMBus base 0xb100), 0xd2
//                       (SMBus enabled) as QEMU's piix4_pm sets them
// (QEMU 7.2 `-M pc -nodefaults`; subsystem 1af4:1100 for all.) The RTL8139 placeholder is gone:
// devices/nic/rtl8139.h models the device.
//
// A placeholder's BARs are served by a region that reads all ones and drops writes: the device
// behind them is not modelled yet (IDE bus-master registers arrive with issue 5). Nor are the PIIX4 PM's I/O ranges (ACPI PM at the 0x40 base when 0x80 bit 0 is set,
// SMBus at 0xb100, the ACPI hotplug ports QEMU maps at 0xae00, 0xaf00 and 0xafe0); its config
// registers are only stored. Not thread-safe.
#ifndef PORTRACE_DEVICES_PCI_PCI_PLACEHOLDER_H_
#define PORTRACE_DEVICES_PCI_PCI_PLACEHOLDER_H_

#include <cstdint>
#include <memory>

#include "absl/status/statusor.h"
#include "devices/pci/pci_function.h"
#include "sim/io_region.h"

namespace portrace::devices {

enum class PlaceholderModel { kPiix3Ide, kPiix4Pm };

class PciPlaceholder : public PciFunction {
 public:
  static absl::StatusOr<std::unique_ptr<PciPlaceholder>> Create(PlaceholderModel model);

  PlaceholderModel model() const { return model_; }

 private:
  // What an unmodelled device answers: all ones; writes vanish.
  class AllOnes : public sim::IoRegion {
   public:
    uint64_t Read(uint64_t offset, unsigned width) override {
      return width >= 8 ? ~uint64_t{0} : (uint64_t{1} << (8 * width)) - 1;
    }
    void Write(uint64_t offset, unsigned width, uint64_t value) override {}
  };

  PciPlaceholder(PlaceholderModel model, const char* name, const PciIdentity& identity);

  PlaceholderModel model_;
  AllOnes all_ones_;
};

}  // namespace portrace::devices

#endif  // PORTRACE_DEVICES_PCI_PCI_PLACEHOLDER_H_
