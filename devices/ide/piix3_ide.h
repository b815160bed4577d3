// Piix3Ide: the PIIX3 IDE function (8086:7010, 00:01.1) with QEMU 7.2's PCI header (class 0101
// prog-if 0x80, status 0x0280, BAR4 = 16-byte I/O bus-master block), two IdeChannels and their
// legacy ports, and the drives given as QEMU -drive strings.
//
// Port regions (placement belongs to the I/O space; each region sees offsets):
//   ideN-data  0x1f0 / 0x170, 1 port, portio widths 1,2,4 (the 16/32-bit data port)
//   ideN-cmd   0x1f1 / 0x171, 7 ports, portio width 1 (task file, command/status)
//   ideN-ctl   0x3f6 / 0x376, 1 port, portio width 1 (device control / alternate status)
//   piix3-ide-bmdma (BAR4): per channel at 8*N: command (+0), status (+2), PRD address (+4..7)
// as QEMU's portio lists lay them out (a word at 0x1f1 splits into bytes; a dword reads all ones).
// The legacy ports stay mapped for the machine's life, as in QEMU. Not thread-safe.
#ifndef PORTRACE_DEVICES_IDE_PIIX3_IDE_H_
#define PORTRACE_DEVICES_IDE_PIIX3_IDE_H_

#include <array>
#include <memory>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "devices/ide/drive_options.h"
#include "devices/ide/ide_channel.h"
#include "devices/ide/ide_unplug.h"
#include "devices/pci/pci_function.h"
#include "sim/io_region.h"
#include "sim/machine.h"

namespace portrace::devices {

class Piix3Ide : public PciFunction, public IdeDiskUnplug {
 public:
  // Parses `drive_options` (QEMU -drive strings), opens the images and maps the legacy ports.
  // `default_cdrom` adds QEMU's default drive (without -nodefaults): an empty CD-ROM at index 2
  // (secondary master) unless a drive takes that index. InvalidArgument naming the option for
  // bad strings or two drives on one index; NotFound for a missing image.
  static absl::StatusOr<std::unique_ptr<Piix3Ide>> Create(
      sim::Machine* machine, const std::vector<std::string>& drive_options,
      bool default_cdrom = false);

  IdeChannel& channel(int index) { return *channels_[index]; }

  std::vector<std::string> UnplugDisks(bool keep_primary_master) override;
  std::vector<std::string> UnplugDisk(int index) override;

 private:
  class CommandBlock;
  class ControlBlock;
  class BusMasterBlock;

  explicit Piix3Ide(sim::Machine* machine);
  absl::Status MapLegacyPorts();

  sim::Machine* machine_;
  std::array<std::unique_ptr<IdeChannel>, 2> channels_;
  std::vector<std::unique_ptr<sim::IoRegion>> regions_;
  std::unique_ptr<sim::IoRegion> bmdma_;
};

}  // namespace portrace::devices

#endif  // PORTRACE_DEVICES_IDE_PIIX3_IDE_H_
