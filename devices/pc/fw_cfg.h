// FwCfg: QEMU's firmware configuration device as the `pc` machine maps it in I/O space, through
// which SeaBIOS learns the machine (signature, RAM size, CPUs, the file directory) and loads its
// tables:
//   0x510-0x511 "fwcfg"      16-bit write: select an item (key & 0x3fff, plus the 0x8000 arch
//                            bit; 0x4000 is the write flag and is ignored); 8-bit read at either
//                            port: the next byte of the selected item, 0 past its end; 8-bit
//                            write: ignored (no item is writable through the data port). Reads
//                            wider than a byte are invalid and read 0 without consuming.
//   0x514-0x51b "fwcfg.dma"  reads give the DMA signature "QEMU CFG" (byte i at port 0x514+i);
//                            32-bit big-endian writes at 0x514 (address high) and 0x518 (address
//                            low, starts the transfer) run a FWCfgDmaAccess {be32 control, be32
//                            length, be64 address} in guest memory: select (control bit 3, key
//                            in bits 16-31), read (bit 1) into guest memory, skip (bit 2), write
//                            (bit 4, refused: no item is writable); the control word is written
//                            back 0, or 1 (error). Other writes are ignored.
// The items are those QEMU 7.2 gives `pc -nodefaults` (recorded through its qtest; see
// testdata/fidelity/fw-cfg.qtest): signature, id 3 (traditional + DMA), UUID 0, RAM size, 1 CPU,
// IRQ0 override, the HPET block, and the file directory with QEMU's 12 files and sizes. Of the
// files, etc/e820 follows the RAM size; etc/boot-fail-wait, etc/system-states, etc/acpi/rsdp and
// the SMBIOS anchor and tables hold QEMU's bytes for 128 MiB (the default -m); the large ones
// (etc/acpi/tables, etc/table-loader, genroms/kvmvapic.bin) read as zeros: their contents (ACPI
// AML, an option ROM) are not modelled. Transfers are bounded (16 MiB each).
//
// Device events ("fw-cfg"): "select" (value = key), "dma" (value = control word as given; text
// "read N bytes of KEY at 0xADDR" or the error).
#ifndef PORTRACE_DEVICES_PC_FW_CFG_H_
#define PORTRACE_DEVICES_PC_FW_CFG_H_

#include <cstdint>
#include <map>
#include <memory>
#include <string>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "sim/device.h"
#include "sim/io_region.h"
#include "sim/machine.h"

namespace portrace::devices {

inline constexpr uint32_t kFwCfgPort = 0x510;
inline constexpr uint32_t kFwCfgDmaPort = 0x514;
inline constexpr uint64_t kFwCfgMaxTransfer = 16u << 20;

class FwCfg : public sim::Device {
 public:
  // Maps the two regions into `machine`'s I/O space; the items follow `ram_bytes`.
  static absl::StatusOr<std::unique_ptr<FwCfg>> Create(sim::Machine* machine, uint64_t ram_bytes);

  absl::string_view name() const override { return "fw-cfg"; }

  // The item behind `key` (after masking), or nullptr. For tests.
  const std::string* Item(uint16_t key) const;

 private:
  class Selector : public sim::IoRegion {
   public:
    explicit Selector(FwCfg* device) : device_(device) {}
    uint64_t Read(uint64_t offset, unsigned width) override;
    void Write(uint64_t offset, unsigned width, uint64_t value) override;

   private:
    FwCfg* device_;
  };
  class Dma : public sim::IoRegion {
   public:
    explicit Dma(FwCfg* device) : device_(device) {}
    uint64_t Read(uint64_t offset, unsigned width) override;
    void Write(uint64_t offset, unsigned width, uint64_t value) override;

   private:
    FwCfg* device_;
  };

  FwCfg(sim::Machine* machine, uint64_t ram_bytes);
  void Select(uint16_t key);
  uint8_t NextByte();
  void RunDma(uint64_t address);

  sim::Machine* machine_;
  std::map<uint16_t, std::string> items_;
  const std::string* current_ = nullptr;
  uint16_t current_key_ = 0;
  uint64_t offset_ = 0;
  uint32_t dma_high_ = 0;
  Selector selector_{this};
  Dma dma_{this};
};

}  // namespace portrace::devices

#endif  // PORTRACE_DEVICES_PC_FW_CFG_H_
