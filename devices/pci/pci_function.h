// PCI functions: the 256-byte configuration space of one function on a PCI bus, and the BARs
// through which the function's regions appear in the machine's I/O and memory spaces.
//
// Configuration space follows QEMU's hw/pci/pci.c: every byte has a value (`config`), a mask of
// bits the guest may write (`wmask`) and a mask of write-1-to-clear bits (`w1cmask`); a read
// copies bytes, a write updates each byte under its masks (pci_default_read_config /
// pci_default_write_config). The defaults are QEMU's: the command register's I/O, memory,
// bus-master, SERR and INTx-disable bits, the cache line size, the interrupt line and every byte
// from 0x40 up are writable; the status register's error bits are write-1-to-clear; the
// expansion ROM register reads 0 (no function here has a ROM). The subsystem ids default to
// QEMU's (1af4:1100).
//
// A BAR is data (PciBar): kind, size, the region that serves it, its access rules and a mapping
// name; a memory BAR may also have parts, subregions with regions and rules of their own, as
// QEMU's container BARs do (PciBarPart). Its register reads back base | type bits with the bits below the size masked, so writing
// all ones reads back the size mask. After a write that touches a BAR or the command register
// the function places each BAR as QEMU's pci_update_mappings does: an I/O BAR only while command
// bit 0 is set, a memory BAR only while bit 1 is set; never at address 0, never when the range
// wraps or (32-bit BARs) reaches 0xffffffff — so a BAR holding all ones during sizing is not
// mapped. An I/O BAR programmed above 0xffff is "mapped" as in QEMU but lies outside the 64 KiB
// port space, so no port reaches it. A placement that collides with another mapping of the same
// space is refused by the space; the BAR then stays unplaced (event "bar-conflict") until a later
// update finds the range free.
//
// Events (device = the function's name, on the machine's DeviceEventBus):
//   bar-mapped    value = address; text "BAR4 io 0xc000+0x10" (", outside the port space" for
//                 an I/O BAR above 0xffff)
//   bar-unmapped  value = the old address; text as bar-mapped
//   bar-conflict  value = address; text = the BAR and why the space refused it
// The bus publishes the guest's config accesses (pci_bus.h); subclasses publish their own.
//
// Subclasses model device-specific registers by setting reset values and masks in their
// constructor and overriding OnConfigWrite, which runs after the default handling. Not
// thread-safe.
#ifndef PORTRACE_DEVICES_PCI_PCI_FUNCTION_H_
#define PORTRACE_DEVICES_PCI_PCI_FUNCTION_H_

#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/strings/string_view.h"
#include "sim/access_rules.h"
#include "sim/device.h"
#include "sim/io_region.h"
#include "sim/machine.h"

namespace portrace::devices {

inline constexpr int kPciConfigSize = 256;
inline constexpr int kPciBarCount = 6;

// Standard configuration header offsets (type 0).
inline constexpr uint8_t kPciVendorId = 0x00;
inline constexpr uint8_t kPciDeviceId = 0x02;
inline constexpr uint8_t kPciCommand = 0x04;
inline constexpr uint8_t kPciStatus = 0x06;
inline constexpr uint8_t kPciRevision = 0x08;
inline constexpr uint8_t kPciClassProg = 0x09;
inline constexpr uint8_t kPciCacheLineSize = 0x0c;
inline constexpr uint8_t kPciHeaderType = 0x0e;
inline constexpr uint8_t kPciBar0 = 0x10;
inline constexpr uint8_t kPciSubsystemVendorId = 0x2c;
inline constexpr uint8_t kPciSubsystemId = 0x2e;
inline constexpr uint8_t kPciRomAddress = 0x30;
inline constexpr uint8_t kPciCapabilityList = 0x34;
inline constexpr uint8_t kPciInterruptLine = 0x3c;
inline constexpr uint8_t kPciInterruptPin = 0x3d;
inline constexpr uint8_t kPciHeaderSize = 0x40;

inline constexpr uint16_t kPciCommandIo = 0x0001;
inline constexpr uint16_t kPciCommandMemory = 0x0002;
inline constexpr uint16_t kPciCommandMaster = 0x0004;

// QEMU's defaults for every function (PCI_SUBVENDOR_ID_REDHAT_QUMRANET, PCI_SUBDEVICE_ID_QEMU).
inline constexpr uint16_t kQemuSubsystemVendorId = 0x1af4;
inline constexpr uint16_t kQemuSubsystemId = 0x1100;

// What lspci shows about a function: the identity registers after reset.
struct PciIdentity {
  uint16_t vendor_id = 0xffff;
  uint16_t device_id = 0xffff;
  uint8_t revision = 0;
  uint32_t class_code = 0;  // base class << 16 | subclass << 8 | programming interface
  uint8_t header_type = 0;  // bit 7: multi-function device
  uint16_t subsystem_vendor_id = kQemuSubsystemVendorId;
  uint16_t subsystem_id = kQemuSubsystemId;
  uint16_t status = 0;        // status register after reset (DEVSEL timing, fast back-to-back)
  uint8_t interrupt_pin = 0;  // 0 none, 1 INTA# .. 4 INTD#
};

enum class PciBarKind : uint8_t {
  kNone,
  kIo,     // I/O space; size 4 .. 0x10000
  kMem32,  // 32-bit memory space
  kMem64,  // 64-bit memory space; takes its slot and the next
};

// A part of a memory BAR served by a region of its own (QEMU's subregions of a container BAR:
// std VGA's BAR2 holds the EDID, the VGA ports, the VBE registers and QEMU's extended registers).
// The BAR's own region answers the rest, seeing offsets from the BAR's start.
struct PciBarPart {
  uint64_t offset = 0;  // from the BAR's start
  uint64_t length = 0;
  sim::IoRegion* region = nullptr;  // sees offsets from the part's start; not owned
  sim::AccessRules rules = sim::AccessRules::Any();
  std::string name;  // the part's mapping name in reports
};

struct PciBar {
  PciBarKind kind = PciBarKind::kNone;
  uint64_t size = 0;                // a power of two
  bool prefetchable = false;        // memory BARs
  sim::IoRegion* region = nullptr;  // serves the BAR wherever it is mapped; not owned
  sim::AccessRules rules = sim::AccessRules::Any();
  std::string name;  // the mapping's name in reports, e.g. "piix3-ide-bmdma"
  // Memory BARs: parts in ascending order, not overlapping, inside the BAR. Each part and each
  // stretch between parts becomes a mapping of its own where the BAR is placed.
  std::vector<PciBarPart> parts;
};

// The `value` of the bus's config-access events (pci_bus.h), packed and unpacked here so that
// publishers and rules agree: offset | width << 8 | devfn << 16 | bus << 24 | data << 32.
struct PciConfigAccess {
  uint8_t offset = 0;  // register offset, after the CONFIG_ADDRESS/port-offset arithmetic
  uint8_t width = 0;   // bytes actually accessed (a dword at 0xfd accesses 3)
  uint8_t devfn = 0;
  uint8_t bus = 0;
  uint32_t data = 0;  // value read or written
};
inline uint64_t PackPciConfigAccess(const PciConfigAccess& a) {
  return uint64_t{a.offset} | uint64_t{a.width} << 8 | uint64_t{a.devfn} << 16 |
         uint64_t{a.bus} << 24 | uint64_t{a.data} << 32;
}
inline PciConfigAccess UnpackPciConfigAccess(uint64_t value) {
  return {static_cast<uint8_t>(value), static_cast<uint8_t>(value >> 8),
          static_cast<uint8_t>(value >> 16), static_cast<uint8_t>(value >> 24),
          static_cast<uint32_t>(value >> 32)};
}

// "00:01.1" for bus 0, device 1, function 1.
std::string PciLocation(int bus, int devfn);

class PciFunction : public sim::Device {
 public:
  PciFunction(std::string name, const PciIdentity& identity);
  ~PciFunction() override = default;
  PciFunction(const PciFunction&) = delete;
  PciFunction& operator=(const PciFunction&) = delete;

  absl::string_view name() const override { return name_; }
  const PciIdentity& identity() const { return identity_; }

  // Declares BAR `index` (0-5; a 64-bit BAR also takes index + 1). Only before the function is
  // attached to a bus. InvalidArgument for a bad index, a size that is not a power of two in the
  // kind's range, a missing region or a slot already taken.
  absl::Status SetBar(int index, PciBar bar);
  const PciBar& bar(int index) const { return bars_[index].bar; }

  // Configuration access. `offset + width` must not pass 256 and `width` is 1-4 (the bus
  // guarantees both; anything else reads all ones and is dropped).
  uint32_t ConfigRead(unsigned offset, unsigned width) const;
  void ConfigWrite(unsigned offset, unsigned width, uint32_t value);

  // Where the guest's programming places BAR `index` (QEMU's r->addr); nullopt when unmapped.
  std::optional<uint64_t> BarAddress(int index) const { return bars_[index].address; }
  // Whether BAR `index` is actually mapped in its space (false when unmapped, outside the port
  // space or refused as a conflict).
  bool BarInSpace(int index) const { return !bars_[index].mappings.empty(); }

  // Bus location; -1 before the function is attached.
  int devfn() const { return devfn_; }
  bool removed() const { return removed_; }

 protected:
  // Device-specific registers, after the default handling of a write of `width` bytes of
  // `value` at `offset`.
  virtual void OnConfigWrite(unsigned offset, unsigned width, uint32_t value) {}

  // For constructors: reset values and masks of device-specific registers.
  void SetConfigByte(unsigned offset, uint8_t value) { config_[offset] = value; }
  void SetWritableMask(unsigned offset, uint8_t mask) { wmask_[offset] = mask; }
  uint8_t config_byte(unsigned offset) const { return config_[offset]; }

  // Publishes an event under the function's name (no-op before Attach).
  void Publish(absl::string_view kind, uint64_t value, std::string text = "");

 private:
  friend class PciBus;

  struct BarSlot {
    PciBar bar;
    bool upper_half = false;          // the high dword of the 64-bit BAR in the slot before
    std::optional<uint64_t> address;  // where the guest's programming places it
    std::vector<int> mappings;        // IoSpace/MemorySpace mapping ids; empty if unmapped
  };

  // Called by PciBus.
  void Attach(sim::Machine* machine, int devfn);
  void Remove();
  // Brings every BAR's placement in line with its register and the command register.
  void UpdateMappings();
  // Retries BARs whose placement was refused (after another mapping on the bus moved).
  void RetryConflicts();

  // QEMU's pci_bar_address: where BAR `index` belongs now, nullopt for "unmapped".
  std::optional<uint64_t> ComputeBarAddress(int index) const;
  void PlaceBar(int index, std::optional<uint64_t> address);
  // Maps the BAR at its address; false (and no mappings) when the space refuses.
  bool MapBar(int index, std::string* error);
  void UnmapBar(int index);
  bool InPortSpace(const BarSlot& slot) const;
  std::string DescribeBar(int index, uint64_t address) const;

  std::string name_;
  PciIdentity identity_;
  std::array<uint8_t, kPciConfigSize> config_{};
  std::array<uint8_t, kPciConfigSize> wmask_{};
  std::array<uint8_t, kPciConfigSize> w1cmask_{};
  std::array<BarSlot, kPciBarCount> bars_;
  sim::Machine* machine_ = nullptr;
  int devfn_ = -1;
  bool removed_ = false;
};

}  // namespace portrace::devices

#endif  // PORTRACE_DEVICES_PCI_PCI_FUNCTION_H_
