// Ne2kPci: the PCI function of QEMU's ne2k_pci (RTL8029, 10ec:8029 rev 0, class 0200, status 0,
// INTA, subsystem 1af4:1100), with its 256-byte I/O BAR0 and the 256 KiB expansion ROM register
// QEMU gives it (efi-ne2k_pci.rom), so that firmware enumerates, sizes and programs it as in
// QEMU and the Xen platform device's NIC unplug (Ethernet class) removes it.
//
// Scope of this stage: the identity only. The DP8390 register core behind BAR0 (page-selected
// registers, remote DMA, the 16 KiB ring, send and receive) is not modelled yet: BAR0 reads all
// ones and drops writes, and the ROM is not mapped. Not thread-safe.
#ifndef PORTRACE_DEVICES_NIC_NE2K_PCI_H_
#define PORTRACE_DEVICES_NIC_NE2K_PCI_H_

#include <cstdint>
#include <memory>

#include "absl/status/statusor.h"
#include "devices/nic/nic_options.h"
#include "devices/pci/pci_function.h"
#include "sim/io_region.h"

namespace portrace::devices {

class Ne2kPci : public PciFunction {
 public:
  static absl::StatusOr<std::unique_ptr<Ne2kPci>> Create(const NicOptions& options);
  const NicOptions& options() const { return options_; }

 private:
  class AllOnes : public sim::IoRegion {
   public:
    uint64_t Read(uint64_t offset, unsigned width) override {
      return width >= 8 ? ~uint64_t{0} : (uint64_t{1} << (8 * width)) - 1;
    }
    void Write(uint64_t offset, unsigned width, uint64_t value) override {}
  };

  explicit Ne2kPci(const NicOptions& options);
  NicOptions options_;
  AllOnes all_ones_;
};

}  // namespace portrace::devices

#endif  // PORTRACE_DEVICES_NIC_NE2K_PCI_H_
