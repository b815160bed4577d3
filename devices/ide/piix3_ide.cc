#include "devices/ide/piix3_ide.h"

#include <utility>

#include "absl/strings/str_cat.h"
#include "base/status_macros.h"
#include "devices/ide/disk_image.h"

namespace portrace::devices {

class Piix3Ide::CommandBlock : public sim::IoRegion {
 public:
  CommandBlock(IdeChannel* channel, int first_reg) : channel_(channel), first_(first_reg) {}
  uint64_t Read(uint64_t offset, unsigned width) override {
    return channel_->ReadRegister(static_cast<int>(first_ + offset) & 7, width);
  }
  void Write(uint64_t offset, unsigned width, uint64_t value) override {
    channel_->WriteRegister(static_cast<int>(first_ + offset) & 7, width,
                            static_cast<uint32_t>(value));
  }
  bool FollowsClock(uint64_t offset) const override {
    return ((first_ + offset) & 7) == 7 && channel_->awaiting_host_io();
  }

 private:
  IdeChannel* channel_;
  int first_;
};

class Piix3Ide::ControlBlock : public sim::IoRegion {
 public:
  explicit ControlBlock(IdeChannel* channel) : channel_(channel) {}
  uint64_t Read(uint64_t offset, unsigned width) override { return channel_->ReadAltStatus(); }
  void Write(uint64_t offset, unsigned width, uint64_t value) override {
    channel_->WriteDeviceControl(static_cast<uint8_t>(value));
  }
  bool FollowsClock(uint64_t offset) const override { return channel_->awaiting_host_io(); }

 private:
  IdeChannel* channel_;
};

class Piix3Ide::BusMasterBlock : public sim::IoRegion {
 public:
  explicit BusMasterBlock(Piix3Ide* ide) : ide_(ide) {}
  uint64_t Read(uint64_t offset, unsigned width) override {
    if (offset >= 16) return (uint64_t{1} << (8 * width)) - 1;
    return ide_->channel(static_cast<int>(offset / 8)).ReadBusMaster(offset % 8, width);
  }
  void Write(uint64_t offset, unsigned width, uint64_t value) override {
    if (offset >= 16) return;
    ide_->channel(static_cast<int>(offset / 8))
        .WriteBusMaster(offset % 8, width, static_cast<uint32_t>(value));
  }
  bool FollowsClock(uint64_t offset) const override {
    return offset < 16 && offset % 8 == 2 &&
           ide_->channel(static_cast<int>(offset / 8)).awaiting_host_io();
  }

 private:
  Piix3Ide* ide_;
};

namespace {

PciIdentity IdeIdentity() {
  PciIdentity id;
  id.vendor_id = 0x8086;
  id.device_id = 0x7010;
  id.revision = 0;
  id.class_code = 0x010180;
  id.status = 0x0280;
  id.interrupt_pin = 0;
  return id;
}

}  // namespace

Piix3Ide::Piix3Ide(sim::Machine* machine)
    : PciFunction("piix3-ide", IdeIdentity()), machine_(machine) {
  for (int i = 0; i < 2; ++i) {
    channels_[i] = std::make_unique<IdeChannel>(
        machine, i, [this] { return (ConfigRead(kPciCommand, 2) & kPciCommandMaster) != 0; });
  }
}

absl::StatusOr<std::unique_ptr<Piix3Ide>> Piix3Ide::Create(
    sim::Machine* machine, const std::vector<std::string>& drive_options, bool default_cdrom) {
  std::unique_ptr<Piix3Ide> ide(new Piix3Ide(machine));
  std::array<bool, 4> taken = {false, false, false, false};
  for (const std::string& option : drive_options) {
    PT_ASSIGN_OR_RETURN(DriveOptions drive, ParseDriveOptions(option));
    int index = drive.index;
    if (index < 0) {
      for (int i = 0; i < 4 && index < 0; ++i) {
        if (!taken[i]) index = i;
      }
      if (index < 0) {
        return absl::InvalidArgumentError(
            absl::StrCat("--drive=", option, ": all 4 IDE slots are taken"));
      }
    }
    if (taken[index]) {
      return absl::InvalidArgumentError(
          absl::StrCat("--drive=", option, ": index ", index, " is already in use"));
    }
    taken[index] = true;
    std::unique_ptr<DiskImage> image;
    if (drive.file.empty()) {
      image = DiskImage::Empty();
    } else {
      absl::StatusOr<std::unique_ptr<DiskImage>> opened =
          DiskImage::Open(drive.file, drive.snapshot);
      if (!opened.ok()) {
        return absl::Status(opened.status().code(),
                            absl::StrCat("--drive=", option, ": ", opened.status().message()));
      }
      image = std::move(*opened);
    }
    ide->channels_[index / 2]->AttachDrive(
        index % 2, drive.media == DriveMedia::kCdrom ? IdeDriveKind::kCdrom : IdeDriveKind::kDisk,
        std::move(image));
  }
  if (default_cdrom && !taken[2]) {
    ide->channels_[1]->AttachDrive(0, IdeDriveKind::kCdrom, DiskImage::Empty());
  }
  ide->bmdma_ = std::make_unique<BusMasterBlock>(ide.get());
  PciBar bar;
  bar.kind = PciBarKind::kIo;
  bar.size = 16;
  bar.region = ide->bmdma_.get();
  bar.rules = sim::AccessRules::Ops(1, 4, false, 1, 4, false);
  bar.name = "piix3-ide-bmdma";
  PT_RETURN_IF_ERROR(ide->SetBar(4, std::move(bar)));
  PT_RETURN_IF_ERROR(ide->MapLegacyPorts());
  return ide;
}

absl::Status Piix3Ide::MapLegacyPorts() {
  struct Ports {
    uint32_t base, ctl;
  };
  const Ports ports[2] = {{0x1f0, 0x3f6}, {0x170, 0x376}};
  for (int i = 0; i < 2; ++i) {
    IdeChannel* channel = channels_[i].get();
    auto data = std::make_unique<CommandBlock>(channel, 0);
    auto cmd = std::make_unique<CommandBlock>(channel, 1);
    auto ctl = std::make_unique<ControlBlock>(channel);
    const struct {
      const char* suffix;
      uint32_t base, length;
      sim::IoRegion* region;
      sim::WidthSet widths;
    } maps[] = {
        {"data", ports[i].base, 1, data.get(), sim::kWidths1 | sim::kWidths2 | sim::kWidths4},
        {"cmd", ports[i].base + 1, 7, cmd.get(), sim::kWidths1},
        {"ctl", ports[i].ctl, 1, ctl.get(), sim::kWidths1},
    };
    for (const auto& m : maps) {
      sim::PortMapping mapping;
      mapping.name = absl::StrCat("ide", i, "-", m.suffix);
      mapping.base = m.base;
      mapping.length = m.length;
      mapping.region = m.region;
      mapping.rules = sim::AccessRules::Portio(m.widths);
      absl::StatusOr<sim::IoSpace::MappingId> id = machine_->io().Map(std::move(mapping));
      if (!id.ok()) return id.status();
    }
    regions_.push_back(std::move(data));
    regions_.push_back(std::move(cmd));
    regions_.push_back(std::move(ctl));
  }
  return absl::OkStatus();
}

std::vector<std::string> Piix3Ide::UnplugDisks(bool keep_primary_master) {
  std::vector<std::string> removed = channels_[0]->UnplugDisks(keep_primary_master);
  for (std::string& r : channels_[1]->UnplugDisks(false)) removed.push_back(std::move(r));
  return removed;
}

std::vector<std::string> Piix3Ide::UnplugDisk(int index) {
  if (index < 0 || index > 3) return {};
  return channels_[index / 2]->UnplugUnit(index % 2);
}

}  // namespace portrace::devices
