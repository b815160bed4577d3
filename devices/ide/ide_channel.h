// IdeChannel: one IDE channel (QEMU's IDEBus) of the PIIX3 — two drive slots sharing one task
// file, the device control register, an interrupt line and a bus-master DMA engine. It models
// QEMU 7.2's hw/ide core as the guest sees it, with one deliberate simplification: block I/O,
// DMA and SRST complete at once, i.e. what QEMU shows once its main loop has run (the fidelity
// harness waits for that between requests).
//
// The channel sees register numbers, never ports: the PIIX3 function maps its regions
//   command block  reg 0 (data, 1/2/4 bytes) and regs 1-7 (bytes)
//   control block  device control (write) / alternate status (read)
//   bus master     command, status, PRD table address (BusMaster*)
// at whatever base the machine gives it.
//
// Events (device "piix3-ide"; text names the channel and drive, e.g. "ide0 master"):
//   command                      value = command byte, text = its name and parameters
//   command-while-busy           command written while BSY/DRQ (ignored, as QEMU does)
//   register-write-while-busy    task-file write while BSY/DRQ (ignored)
//   command-to-absent-drive      command to an absent drive
//   unknown-command              command the drive does not implement (aborted)
//   data-without-drq             data-port access without DRQ (reads 0 / write dropped)
//   data-width                   data-port access as a byte
//   read-past-end                data read after the transfer ended, or wider than what is left
//   lba-out-of-range             value = LBA; the command fails with ABRT
//   dma-without-prd              DMA ran out of PRD entries before the transfer was complete
//   dma-prd-unterminated         4 KiB of PRD table without an end-of-table bit (QEMU's limit)
//   dma-bus-master-off           DMA started while PCI bus mastering is off (nothing moves)
//   srst-during-transfer         SRST while a PIO or DMA transfer was in progress
//   unplug                       value = drives removed, text = which
//   use-after-unplug             command to a disk the platform device unplugged
//   packet                       value = ATAPI opcode
// Interrupts go to the machine's IrqLines (line 14 or 15, driver "piix3-ide"). Not thread-safe.
#ifndef PORTRACE_DEVICES_IDE_IDE_CHANNEL_H_
#define PORTRACE_DEVICES_IDE_IDE_CHANNEL_H_

#include <array>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "devices/ide/disk_image.h"
#include "devices/ide/ide_drive.h"
#include "sim/machine.h"

namespace portrace::devices {

enum class IdeDriveKind { kNone, kDisk, kCdrom };

class IdeChannel {
 public:
  // `channel` 0 (primary, IRQ 14) or 1 (secondary, IRQ 15). `bus_master_enabled` reports the
  // PCI command register's bus-master bit.
  IdeChannel(sim::Machine* machine, int channel, std::function<bool()> bus_master_enabled);
  ~IdeChannel();

  // Before the guest runs: puts a drive in slot `unit` (0 master, 1 slave).
  void AttachDrive(int unit, IdeDriveKind kind, std::unique_ptr<DiskImage> image);
  IdeDriveKind kind(int unit) const;
  // True from the start of work QEMU completes asynchronously on its host (sector reads and
  // writes, DMA, FLUSH CACHE, ATAPI reads, SRST) until the guest next moves data or issues a
  // command: meanwhile QEMU's status and bus-master status say BSY or active for as long as the
  // host takes, where portrace has already finished. Status reads in that window depend on time.
  bool awaiting_host_io() const { return host_io_; }
  // A hard disk's geometry and BIOS translation (GuessGeometry), null for a CD-ROM or no drive.
  const IdeGeometry* disk_geometry(int unit) const;
  // Removes the hard disks (CD-ROMs stay), keeping unit 0 if `keep_master`; returns a
  // description of each removed one. The channel is reset if any was removed.
  std::vector<std::string> UnplugDisks(bool keep_master);
  // Removes unit `unit` if it is a hard disk.
  std::vector<std::string> UnplugUnit(int unit);

  // Task file: register 0-7 of the command block. Register 0 with width 2/4 is the data port.
  uint32_t ReadRegister(int reg, unsigned width);
  void WriteRegister(int reg, unsigned width, uint32_t value);
  uint8_t ReadAltStatus();
  void WriteDeviceControl(uint8_t value);
  // Bus-master block of this channel: offset 0-7 (0 command, 2 status, 4-7 PRD address).
  uint32_t ReadBusMaster(unsigned offset, unsigned width);
  void WriteBusMaster(unsigned offset, unsigned width, uint32_t value);

  struct Drive;

 private:
  enum class End : uint8_t { kDummy, kStop, kSectorRead, kSectorWrite, kAtapiCmd, kAtapiReply };
  enum class DmaCmd : uint8_t { kNone, kRead, kWrite, kAtapi };

  Drive& active() { return *drives_[unit_]; }
  bool Present(const Drive& d) const;
  bool NothingSelectable(const Drive& s) const;
  void Publish(const char* kind, uint64_t value, std::string text);
  std::string Who(const Drive& d) const;

  void SetIrq();
  void LowerIrq();
  void Reset(Drive& s);
  void SetSignature(Drive& s);
  void AbortCommand(Drive& s);
  void TransferStart(Drive& s, size_t offset, size_t size, End end);
  void TransferStop(Drive& s);
  void RunEnd(Drive& s);
  bool IsPioOut(const Drive& s) const;

  void ExecCommand(uint8_t cmd);
  // QEMU's command handlers; true = complete (the core sets the final status and the IRQ).
  bool Dispatch(Drive& s, uint8_t cmd, bool* known);
  void Lba48Transform(Drive& s, bool lba48);
  int64_t GetSector(const Drive& s) const;
  void SetSector(Drive& s, int64_t sector);
  bool SectorRangeOk(const Drive& s, int64_t sector, int64_t count) const;
  void SectorRead(Drive& s);
  void SectorWrite(Drive& s);
  void RwError(Drive& s, int64_t sector);
  bool SetFeatures(Drive& s);
  void EnsureIdentify(Drive& s);

  // ATAPI.
  void AtapiCommand(Drive& s);
  void AtapiReply(Drive& s, const std::vector<uint8_t>& reply, int max_len);
  void AtapiReplyEnd(Drive& s);
  void AtapiOk(Drive& s);
  void AtapiError(Drive& s, uint8_t sense, uint8_t asc);
  int ByteCountLimit(const Drive& s) const;

  // Bus-master DMA.
  void StartDma(Drive& s, DmaCmd cmd);
  void DmaCallback(Drive& s);
  // QEMU's ide_atapi_cmd_read_dma_cb: an ATAPI reply or CD sectors through the PRD table.
  void AtapiDmaCallback(Drive& s);
  // QEMU's bmdma_rw_buf towards guest memory; false when the PRD table ran out.
  bool DmaWriteBuffer(Drive& s);
  int64_t PrepareBuffer(Drive& s, int64_t limit);
  void SetInactive(bool more);
  void GuestRead(uint64_t address, uint8_t* out, uint64_t length);
  void GuestWrite(uint64_t address, const uint8_t* data, uint64_t length);

  sim::Machine* machine_;
  int channel_;
  int irq_line_;
  std::function<bool()> bus_master_enabled_;
  std::array<std::unique_ptr<Drive>, 2> drives_;
  int unit_ = 0;
  uint8_t control_ = 0;
  bool host_io_ = false;  // see awaiting_host_io()

  struct BusMaster {
    uint8_t cmd = 0;
    uint8_t status = 0;
    uint32_t addr = 0;
    uint32_t cur_addr = 0;
    bool cur_prd_last = false;
    uint32_t cur_prd_addr = 0;
    uint32_t cur_prd_len = 0;
    int pending_unit = -1;  // the drive whose DMA command waits for the engine (QEMU dma_cb)
    std::vector<std::pair<uint64_t, uint64_t>> sg;  // guest address, length
    uint64_t sg_size = 0;
  } bm_;
};

}  // namespace portrace::devices

#endif  // PORTRACE_DEVICES_IDE_IDE_CHANNEL_H_
