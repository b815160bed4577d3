// PciBus: PCI bus 0 and the host bridge's configuration mechanism #1, with QEMU's semantics
// (hw/pci/pci_host.c, hw/pci-host/i440fx.c, the pc machine's flatview over 0xcf8-0xcff).
//
// CONFIG_ADDRESS (0xcf8-0xcfb) latches only a 4-byte write at 0xcf8; a read at any width and any
// of its ports answers the latch's low bytes (QEMU does not shift by the port offset: `inb
// 0xcfb` reads bits 0-7). CONFIG_DATA (0xcfc-0xcff) reaches the function at bus
// (latch >> 16) & 0xff, devfn (latch >> 8) & 0xff, register (latch | port offset) & 0xff — the
// latch's low bits are OR-ed in, not cleared — while latch bit 31 is set; bits 24-30 are
// ignored. An access running past register 0xff is cut short there (a dword at 0xfd reads 3
// bytes, the top byte 0). With bit 31 clear, on a bus other than 0, or at a devfn with no
// function (absent or removed) reads answer all ones and writes are dropped. Data accesses are
// split at alignment like any QEMU region with default ops (`inw 0xcfd` is two byte accesses).
//
// PIIX3's reset control register (0xcf9) lies over CONFIG_ADDRESS in QEMU with higher priority,
// so an access starting at 0xcf9 goes to it whole (even a dword, which then never reaches
// 0xcfc); set_reset_control installs it. An access starting at 0xcfa or 0xcfb is cut at
// alignment, as QEMU cuts it, and continues into CONFIG_DATA.
//
// The bus maps "pci-config-address" (0xcf8, 4 ports; it resolves those pieces itself) and
// "pci-config-data" (0xcfc, 4 ports) in the machine's IoSpace. It does not own the functions:
// whoever created them (the Machine) does, and must keep them alive as long as the bus.
//
// Events on the machine's DeviceEventBus (value layout: PackPciConfigAccess in pci_function.h):
//   device = function's name:  config-read, config-write   a guest config access it received
//                              removed                      value = devfn; text "00:04.0"
//   device "pci":              config-read-absent,          an access to a devfn with no
//                              config-write-absent          function; text "removed <name>"
//                                                           if one was removed from there
// Not thread-safe.
#ifndef PORTRACE_DEVICES_PCI_PCI_BUS_H_
#define PORTRACE_DEVICES_PCI_PCI_BUS_H_

#include <array>
#include <cstdint>
#include <memory>
#include <string>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "devices/pci/pci_function.h"
#include "sim/access_rules.h"
#include "sim/device.h"
#include "sim/io_region.h"
#include "sim/machine.h"

namespace portrace::devices {

inline constexpr uint32_t kPciConfigAddressPort = 0xcf8;
inline constexpr uint32_t kPciConfigDataPort = 0xcfc;
inline constexpr uint32_t kPciResetControlPort = 0xcf9;
inline constexpr int kPciDevfnCount = 256;

// devfn of device `device` (0-31), function `function` (0-7).
constexpr int PciDevfn(int device, int function) { return device << 3 | function; }

class PciBus : public sim::Device {
 public:
  // Maps the configuration ports into `machine`'s IoSpace. The machine must outlive the bus.
  static absl::StatusOr<std::unique_ptr<PciBus>> Create(sim::Machine* machine);
  ~PciBus() override = default;
  PciBus(const PciBus&) = delete;
  PciBus& operator=(const PciBus&) = delete;

  absl::string_view name() const override { return "pci"; }

  // Places `function` at `devfn` and maps its BARs as its registers say. InvalidArgument for a
  // devfn outside 0-255 or a null function, AlreadyExists for an occupied devfn,
  // FailedPrecondition for a function attached elsewhere.
  absl::Status Attach(int devfn, PciFunction* function);
  // Takes the function at `devfn` off the bus (Xen's emulated-device unplug): its BARs are
  // unmapped and its config space reads all ones from now on. The object stays with its owner.
  // NotFound when no function is at `devfn`.
  absl::Status Remove(int devfn);
  // The function at `devfn`, or null (absent, removed, out of range).
  PciFunction* function(int devfn) const;

  // Installs the region answering accesses that start at 0xcf9 (PIIX3's reset control register)
  // with its access rules. Null removes it.
  void set_reset_control(sim::IoRegion* region, const sim::AccessRules& rules);

  uint32_t config_address() const { return config_address_; }

 private:
  // 0xcf8-0xcfb.
  class AddressPorts : public sim::IoRegion {
   public:
    explicit AddressPorts(PciBus* bus) : bus_(bus) {}
    uint64_t Read(uint64_t offset, unsigned width) override;
    void Write(uint64_t offset, unsigned width, uint64_t value) override;

   private:
    PciBus* bus_;
  };
  // 0xcfc-0xcff.
  class DataPorts : public sim::IoRegion {
   public:
    explicit DataPorts(PciBus* bus) : bus_(bus) {}
    uint64_t Read(uint64_t offset, unsigned width) override;
    void Write(uint64_t offset, unsigned width, uint64_t value) override;

   private:
    PciBus* bus_;
  };

  explicit PciBus(sim::Machine* machine);

  // One piece of an access at 0xcf8 + `at` (0-7), `remaining` bytes long: how many bytes the
  // region there takes (QEMU's memory_access_size), and their value or effect.
  unsigned ReadAt(unsigned at, unsigned remaining, uint64_t* value);
  unsigned WriteAt(unsigned at, unsigned remaining, uint64_t value);
  uint32_t DataRead(unsigned offset, unsigned width);
  void DataWrite(unsigned offset, unsigned width, uint32_t value);
  // The function CONFIG_ADDRESS selects, or null; fills in the access's location.
  PciFunction* Select(unsigned port_offset, unsigned width, PciConfigAccess* access) const;
  void PublishAbsent(absl::string_view kind, const PciConfigAccess& access);

  sim::Machine* machine_;
  AddressPorts address_ports_;
  DataPorts data_ports_;
  sim::IoRegion* reset_control_ = nullptr;
  sim::AccessRules reset_control_rules_;
  uint32_t config_address_ = 0;
  std::array<PciFunction*, kPciDevfnCount> functions_{};
  std::array<std::string, kPciDevfnCount> removed_names_;
};

}  // namespace portrace::devices

#endif  // PORTRACE_DEVICES_PCI_PCI_BUS_H_
