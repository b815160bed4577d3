#include "devices/ide/ide_channel.h"

#include <algorithm>
#include <cstring>
#include <utility>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"

namespace portrace::devices {
namespace {

constexpr uint8_t kErrStat = 0x01, kDrqStat = 0x08, kSeekStat = 0x10, kReadyStat = 0x40,
                  kBusyStat = 0x80;
constexpr uint8_t kAbrtErr = 0x04;
constexpr uint8_t kCtrlNien = 0x02, kCtrlReset = 0x04, kCtrlHob = 0x80;
constexpr uint8_t kDevLba = 0x40, kDevLbaMsb = 0x0f, kDevHs = 0x0f, kDevAlwaysOn = 0xa0;
constexpr uint8_t kBmCmdStart = 0x01;
constexpr uint8_t kBmStatusDmaing = 0x01, kBmStatusError = 0x02, kBmStatusInt = 0x04;
constexpr size_t kBufferSize = 0x10000 + 4;
constexpr uint32_t kBmdmaPage = 4096;

// ATAPI sense keys and additional sense codes.
constexpr uint8_t kNotReady = 2, kIllegalRequest = 5, kUnitAttention = 6;
constexpr uint8_t kAscIllegalOpcode = 0x20, kAscLbaOutOfRange = 0x21, kAscInvalidField = 0x24,
                  kAscSavingNotSupported = 0x39, kAscMediumNotPresent = 0x3a,
                  kAscDataPhaseError = 0x4b;

// Which drive kinds accept each ATA command (QEMU's ide_cmd_table), and whether it sets DSC.
enum : uint8_t { kHd = 1, kCd = 2, kDsc = 4 };
struct CommandInfo {
  uint8_t flags = 0;
  const char* name = nullptr;
};
constexpr std::array<CommandInfo, 256> MakeCommandTable() {
  std::array<CommandInfo, 256> t{};
  t[0x06] = {kHd, "DATA SET MANAGEMENT"};
  t[0x08] = {kCd, "DEVICE RESET"};
  t[0x10] = {kHd | kDsc, "RECALIBRATE"};
  t[0x20] = {kHd | kCd, "READ SECTORS"};
  t[0x21] = {kHd, "READ SECTORS (no retry)"};
  t[0x24] = {kHd, "READ SECTORS EXT"};
  t[0x25] = {kHd, "READ DMA EXT"};
  t[0x27] = {kHd | kDsc, "READ NATIVE MAX ADDRESS EXT"};
  t[0x29] = {kHd, "READ MULTIPLE EXT"};
  t[0x30] = {kHd, "WRITE SECTORS"};
  t[0x31] = {kHd, "WRITE SECTORS (no retry)"};
  t[0x34] = {kHd, "WRITE SECTORS EXT"};
  t[0x35] = {kHd, "WRITE DMA EXT"};
  t[0x39] = {kHd, "WRITE MULTIPLE EXT"};
  t[0x3c] = {kHd, "WRITE VERIFY"};
  t[0x40] = {kHd | kDsc, "READ VERIFY SECTORS"};
  t[0x41] = {kHd | kDsc, "READ VERIFY SECTORS (no retry)"};
  t[0x42] = {kHd | kDsc, "READ VERIFY SECTORS EXT"};
  t[0x70] = {kHd | kDsc, "SEEK"};
  t[0x90] = {kHd | kCd, "EXECUTE DEVICE DIAGNOSTIC"};
  t[0x91] = {kHd | kDsc, "INITIALIZE DEVICE PARAMETERS"};
  t[0x94] = {kHd, "STANDBY IMMEDIATE"};
  t[0x95] = {kHd, "IDLE IMMEDIATE"};
  t[0x96] = {kHd, "STANDBY"};
  t[0x97] = {kHd, "IDLE"};
  t[0x98] = {kHd | kDsc, "CHECK POWER MODE"};
  t[0x99] = {kHd, "SLEEP"};
  t[0xa0] = {kCd, "PACKET"};
  t[0xa1] = {kCd, "IDENTIFY PACKET DEVICE"};
  t[0xc4] = {kHd, "READ MULTIPLE"};
  t[0xc5] = {kHd, "WRITE MULTIPLE"};
  t[0xc6] = {kHd | kDsc, "SET MULTIPLE MODE"};
  t[0xc8] = {kHd, "READ DMA"};
  t[0xc9] = {kHd, "READ DMA (no retry)"};
  t[0xca] = {kHd, "WRITE DMA"};
  t[0xcb] = {kHd, "WRITE DMA (no retry)"};
  t[0xe0] = {kHd, "STANDBY IMMEDIATE"};
  t[0xe1] = {kHd, "IDLE IMMEDIATE"};
  t[0xe2] = {kHd, "STANDBY"};
  t[0xe3] = {kHd, "IDLE"};
  t[0xe5] = {kHd | kDsc, "CHECK POWER MODE"};
  t[0xe6] = {kHd, "SLEEP"};
  t[0xe7] = {kHd | kCd, "FLUSH CACHE"};
  t[0xea] = {kHd, "FLUSH CACHE EXT"};
  t[0xec] = {kHd | kCd, "IDENTIFY DEVICE"};
  t[0xef] = {kHd | kCd | kDsc, "SET FEATURES"};
  t[0xf5] = {kHd | kDsc, "SECURITY FREEZE LOCK"};
  t[0xf8] = {kHd | kDsc, "READ NATIVE MAX ADDRESS"};
  return t;
}
constexpr std::array<CommandInfo, 256> kCommands = MakeCommandTable();

// ATAPI commands (QEMU's atapi_cmd_table flags).
enum : uint8_t { kCheckReady = 1, kNonData = 2, kAllowUa = 4, kKnown = 8 };
constexpr std::array<uint8_t, 256> MakeAtapiTable() {
  std::array<uint8_t, 256> t{};
  t[0x00] = kKnown | kCheckReady | kNonData;  // TEST UNIT READY
  t[0x03] = kKnown | kAllowUa;                // REQUEST SENSE
  t[0x12] = kKnown | kAllowUa;                // INQUIRY
  t[0x1b] = kKnown | kNonData;                // START STOP UNIT
  t[0x1e] = kKnown | kNonData;                // PREVENT ALLOW MEDIUM REMOVAL
  t[0x25] = kKnown | kCheckReady;             // READ CAPACITY
  t[0x28] = kKnown | kCheckReady;             // READ(10)
  t[0x2b] = kKnown | kCheckReady | kNonData;  // SEEK
  t[0x43] = kKnown | kCheckReady;             // READ TOC
  t[0x46] = kKnown | kAllowUa;                // GET CONFIGURATION
  t[0x4a] = kKnown | kAllowUa;                // GET EVENT STATUS NOTIFICATION
  t[0x51] = kKnown | kCheckReady;             // READ DISC INFORMATION
  t[0x5a] = kKnown;                           // MODE SENSE(10)
  t[0xa8] = kKnown | kCheckReady;             // READ(12)
  t[0xbb] = kKnown | kNonData;                // SET SPEED
  t[0xbd] = kKnown;                           // MECHANISM STATUS
  return t;
}
constexpr std::array<uint8_t, 256> kAtapi = MakeAtapiTable();

uint16_t Be16(const uint8_t* p) { return static_cast<uint16_t>(p[0] << 8 | p[1]); }
uint32_t Be32(const uint8_t* p) {
  return static_cast<uint32_t>(p[0]) << 24 | p[1] << 16 | p[2] << 8 | p[3];
}

}  // namespace

struct IdeChannel::Drive {
  int unit = 0;
  int index = 0;           // drive index 0-3
  bool unplugged = false;  // removed by the platform device
  IdeDriveKind kind = IdeDriveKind::kNone;
  std::unique_ptr<DiskImage> image;
  IdeGeometry geometry;
  uint64_t nb_sectors = 0;

  uint8_t feature = 0, error = 0, sector = 0, lcyl = 0, hcyl = 0, select = kDevAlwaysOn;
  int nsector = 0;
  uint8_t hob_feature = 0, hob_nsector = 0, hob_sector = 0, hob_lcyl = 0, hob_hcyl = 0;
  uint8_t status = kReadyStat | kSeekStat;
  bool lba48 = false;
  int mult_sectors = kIdeMaxMultSectors;
  int req_nb_sectors = 0;

  IdentifyData identify{};
  bool identify_set = false;

  // PIO transfer: [data_ptr, data_end) of buffer; `end` runs when it is consumed.
  std::vector<uint8_t> buffer = std::vector<uint8_t>(kBufferSize);
  size_t data_ptr = 0, data_end = 0;
  End end = End::kDummy;
  bool transfer_done = false;  // a transfer ended and no command has started since

  // ATAPI.
  uint8_t sense_key = 0, asc = 0;
  bool tray_locked = false;
  bool atapi_dma = false;
  int64_t lba = -1;
  int packet_transfer_size = 0, elementary_transfer_size = 0;
  int io_buffer_index = 0, cd_sector_size = 0;

  // DMA.
  DmaCmd dma_cmd = DmaCmd::kNone;
  int64_t io_buffer_size = 0;
};

IdeChannel::IdeChannel(sim::Machine* machine, int channel, std::function<bool()> bus_master)
    : machine_(machine),
      channel_(channel),
      irq_line_(channel == 0 ? 14 : 15),
      bus_master_enabled_(std::move(bus_master)) {
  for (int unit = 0; unit < 2; ++unit) {
    drives_[unit] = std::make_unique<Drive>();
    drives_[unit]->unit = unit;
    drives_[unit]->index = channel * 2 + unit;
    Reset(*drives_[unit]);
  }
}

IdeChannel::~IdeChannel() = default;

void IdeChannel::AttachDrive(int unit, IdeDriveKind kind, std::unique_ptr<DiskImage> image) {
  Drive& d = *drives_[unit & 1];
  d.kind = kind;
  d.image = std::move(image);
  d.nb_sectors = d.image ? d.image->sectors() : 0;
  std::vector<uint8_t> sector0;
  if (kind == IdeDriveKind::kDisk && d.image && d.nb_sectors > 0) {
    sector0.resize(512);
    if (!d.image->Read(0, 1, sector0.data())) sector0.clear();
  }
  d.geometry = GuessGeometry(d.nb_sectors, sector0);
  d.identify_set = false;
  Reset(d);
}

IdeDriveKind IdeChannel::kind(int unit) const { return drives_[unit & 1]->kind; }

const IdeGeometry* IdeChannel::disk_geometry(int unit) const {
  const Drive& d = *drives_[unit & 1];
  return d.kind == IdeDriveKind::kDisk && d.image ? &d.geometry : nullptr;
}

std::vector<std::string> IdeChannel::UnplugDisks(bool keep_master) {
  std::vector<std::string> removed;
  for (int unit = keep_master ? 1 : 0; unit < 2; ++unit) {
    for (std::string& r : UnplugUnit(unit)) removed.push_back(std::move(r));
  }
  return removed;
}

std::vector<std::string> IdeChannel::UnplugUnit(int unit) {
  Drive& d = *drives_[unit & 1];
  if (d.kind != IdeDriveKind::kDisk) return {};
  std::vector<std::string> removed = {
      absl::StrFormat("ide%d %s disk", channel_, unit ? "slave" : "master")};
  d.kind = IdeDriveKind::kNone;
  d.image.reset();
  d.nb_sectors = 0;
  d.unplugged = true;
  // QEMU resets the controller once a disk is gone.
  for (auto& drive : drives_) Reset(*drive);
  bm_.pending_unit = -1;
  Publish("unplug", 1, absl::StrCat(removed[0], " removed"));
  return removed;
}

bool IdeChannel::Present(const Drive& d) const { return d.kind != IdeDriveKind::kNone; }

// QEMU answers 0 for the status and most task-file registers when no drive is on the channel,
// or when the absent slave is selected.
bool IdeChannel::NothingSelectable(const Drive& s) const {
  return (!Present(*drives_[0]) && !Present(*drives_[1])) || (s.unit == 1 && !Present(s));
}

void IdeChannel::Publish(const char* kind, uint64_t value, std::string text) {
  sim::DeviceEvent event;
  event.device = "piix3-ide";
  event.kind = kind;
  event.value = value;
  event.text = std::move(text);
  machine_->events().Publish(event);
}

std::string IdeChannel::Who(const Drive& d) const {
  return absl::StrFormat("ide%d %s", channel_, d.unit ? "slave" : "master");
}

void IdeChannel::SetIrq() {
  if (control_ & kCtrlNien) return;
  bm_.status |= kBmStatusInt;
  machine_->irq().Set("piix3-ide", irq_line_, true);
}

void IdeChannel::LowerIrq() { machine_->irq().Set("piix3-ide", irq_line_, false); }

void IdeChannel::SetSignature(Drive& s) {
  s.select &= ~kDevHs;
  s.nsector = 1;
  s.sector = 1;
  if (s.kind == IdeDriveKind::kCdrom) {
    s.lcyl = 0x14;
    s.hcyl = 0xeb;
  } else if (s.kind == IdeDriveKind::kDisk) {
    s.lcyl = 0;
    s.hcyl = 0;
  } else {
    s.lcyl = 0xff;
    s.hcyl = 0xff;
  }
}

void IdeChannel::Reset(Drive& s) {
  s.mult_sectors = kIdeMaxMultSectors;
  s.feature = s.error = s.sector = s.lcyl = s.hcyl = 0;
  s.nsector = 0;
  s.hob_feature = s.hob_sector = s.hob_nsector = s.hob_lcyl = s.hob_hcyl = 0;
  s.select = kDevAlwaysOn;
  s.status = kReadyStat | kSeekStat;
  s.lba48 = false;
  s.sense_key = s.asc = 0;
  s.packet_transfer_size = s.elementary_transfer_size = 0;
  s.io_buffer_index = s.cd_sector_size = 0;
  s.atapi_dma = false;
  s.tray_locked = false;
  s.io_buffer_size = 0;
  s.req_nb_sectors = 0;
  s.dma_cmd = DmaCmd::kNone;
  s.lba = -1;
  SetSignature(s);
  s.end = End::kDummy;
  s.data_ptr = s.data_end = 0;
  std::memset(s.buffer.data(), 0xff, 4);
  s.transfer_done = false;
}

void IdeChannel::AbortCommand(Drive& s) {
  TransferStop(s);
  s.status = kReadyStat | kErrStat;
  s.error = kAbrtErr;
}

void IdeChannel::TransferStart(Drive& s, size_t offset, size_t size, End end) {
  s.data_ptr = offset;
  s.data_end = std::min(offset + size, s.buffer.size());
  s.end = end;
  if (!(s.status & kErrStat)) s.status |= kDrqStat;
}

void IdeChannel::TransferStop(Drive& s) {
  s.end = End::kStop;
  s.data_ptr = s.data_end = 0;
  s.status &= ~kDrqStat;
}

bool IdeChannel::IsPioOut(const Drive& s) const {
  return s.end != End::kSectorWrite && s.end != End::kAtapiCmd;
}

void IdeChannel::RunEnd(Drive& s) {
  switch (s.end) {
    case End::kDummy:
      s.data_ptr = s.data_end = 0;
      break;
    case End::kStop:
      TransferStop(s);
      s.transfer_done = true;
      break;
    case End::kSectorRead:
      SectorRead(s);
      break;
    case End::kSectorWrite:
      SectorWrite(s);
      break;
    case End::kAtapiCmd:
      AtapiCommand(s);
      break;
    case End::kAtapiReply:
      AtapiReplyEnd(s);
      break;
  }
}

uint32_t IdeChannel::ReadRegister(int reg, unsigned width) {
  Drive& s = active();
  if (reg == 0) host_io_ = false;
  if (reg == 0 && width >= 2) {
    if (!(s.status & kDrqStat) || !IsPioOut(s)) {
      Publish(s.transfer_done ? "read-past-end" : "data-without-drq", width,
              absl::StrCat(Who(s), ": data read without DRQ"));
      return 0;
    }
    if (s.data_ptr + width > s.data_end) {
      Publish("read-past-end", width, absl::StrCat(Who(s), ": data read wider than what is left"));
      return 0;
    }
    uint32_t value = 0;
    for (unsigned i = 0; i < width; ++i) value |= uint32_t{s.buffer[s.data_ptr + i]} << (8 * i);
    s.data_ptr += width;
    if (s.data_ptr >= s.data_end) {
      s.status &= ~kDrqStat;
      RunEnd(s);
    }
    return value;
  }
  if (reg == 0) {
    // QEMU 7.2 serves a byte read of the data port as a 16-bit data read cut to its low byte.
    Publish("data-width", 1, absl::StrCat(Who(s), ": byte read of the data port"));
    return ReadRegister(0, 2) & 0xff;
  }
  const bool hob = control_ & kCtrlHob;
  const bool none = NothingSelectable(s);
  const bool no_drives = !Present(*drives_[0]) && !Present(*drives_[1]);
  switch (reg) {
    case 1:
      return none ? 0 : hob ? s.hob_feature : s.error;
    case 2:
      return no_drives ? 0 : hob ? s.hob_nsector : (s.nsector & 0xff);
    case 3:
      return no_drives ? 0 : hob ? s.hob_sector : s.sector;
    case 4:
      return no_drives ? 0 : hob ? s.hob_lcyl : s.lcyl;
    case 5:
      return no_drives ? 0 : hob ? s.hob_hcyl : s.hcyl;
    case 6:
      return (!Present(*drives_[0]) && !Present(*drives_[1])) ? 0 : s.select;
    default: {
      const uint8_t status = none ? 0 : s.status;
      LowerIrq();
      return status;
    }
  }
}

void IdeChannel::WriteRegister(int reg, unsigned width, uint32_t value) {
  Drive& s = active();
  if (reg == 0 || reg == 7) host_io_ = false;
  if (reg == 0 && width >= 2) {
    if (!(s.status & kDrqStat) || IsPioOut(s)) {
      Publish("data-without-drq", width, absl::StrCat(Who(s), ": data write without DRQ"));
      return;
    }
    if (s.data_ptr + width > s.data_end) {
      Publish("data-without-drq", width, absl::StrCat(Who(s), ": data write past the transfer"));
      return;
    }
    for (unsigned i = 0; i < width; ++i)
      s.buffer[s.data_ptr + i] = static_cast<uint8_t>(value >> (8 * i));
    s.data_ptr += width;
    if (s.data_ptr >= s.data_end) {
      s.status &= ~kDrqStat;
      RunEnd(s);
    }
    return;
  }
  if (reg == 0) {
    // Likewise a byte write is a 16-bit data write of the byte.
    Publish("data-width", 1, absl::StrCat(Who(s), ": byte write of the data port"));
    WriteRegister(0, 2, value & 0xff);
    return;
  }
  const uint8_t val = static_cast<uint8_t>(value);
  if (reg != 7 && (s.status & (kBusyStat | kDrqStat))) {
    Publish("register-write-while-busy", reg,
            absl::StrFormat("%s: write of 0x%02x to register %d while %s", Who(s), val, reg,
                            (s.status & kBusyStat) ? "BSY" : "DRQ"));
    return;
  }
  auto both = [this](auto&& f) {
    f(*drives_[0]);
    f(*drives_[1]);
  };
  switch (reg) {
    case 1:
      control_ &= ~kCtrlHob;
      both([val](Drive& d) {
        d.hob_feature = d.feature;
        d.feature = val;
      });
      break;
    case 2:
      control_ &= ~kCtrlHob;
      both([val](Drive& d) {
        d.hob_nsector = static_cast<uint8_t>(d.nsector);
        d.nsector = val;
      });
      break;
    case 3:
      control_ &= ~kCtrlHob;
      both([val](Drive& d) {
        d.hob_sector = d.sector;
        d.sector = val;
      });
      break;
    case 4:
      control_ &= ~kCtrlHob;
      both([val](Drive& d) {
        d.hob_lcyl = d.lcyl;
        d.lcyl = val;
      });
      break;
    case 5:
      control_ &= ~kCtrlHob;
      both([val](Drive& d) {
        d.hob_hcyl = d.hcyl;
        d.hcyl = val;
      });
      break;
    case 6:
      control_ &= ~kCtrlHob;
      both([val](Drive& d) { d.select = val | kDevAlwaysOn; });
      unit_ = (val >> 4) & 1;
      break;
    default:
      ExecCommand(val);
      break;
  }
}

uint8_t IdeChannel::ReadAltStatus() {
  Drive& s = active();
  return NothingSelectable(s) ? 0 : s.status;
}

void IdeChannel::WriteDeviceControl(uint8_t value) {
  if (!(control_ & kCtrlReset) && (value & kCtrlReset)) {
    // SRST: QEMU sets BSY and resets the drives from a bottom half; portrace does it at once.
    host_io_ = true;
    for (auto& dp : drives_) {
      Drive& s = *dp;
      const bool busy = (s.status & kDrqStat) || bm_.pending_unit == s.unit;
      if (busy && Present(s)) {
        Publish("srst-during-transfer", value, absl::StrCat(Who(s), ": SRST during a transfer"));
      }
    }
    bm_.pending_unit = -1;
    for (auto& dp : drives_) {
      Drive& s = *dp;
      Reset(s);
      // EXECUTE DEVICE DIAGNOSTIC, as QEMU's ide_perform_srst does.
      SetSignature(s);
      if (s.kind == IdeDriveKind::kCdrom) {
        s.status = 0;
        s.error = 0x01;
      } else {
        s.status = kReadyStat | kSeekStat;
        s.error = 0x01;
        control_ = value;  // the IRQ follows nIEN as written
        SetIrq();
      }
    }
    control_ = value & ~kCtrlReset;
    return;
  }
  control_ = value;
}

void IdeChannel::ExecCommand(uint8_t cmd) {
  Drive& s = active();
  if (s.unplugged) {
    Publish(
        "use-after-unplug", cmd,
        absl::StrFormat("%s: command 0x%02x to a disk the platform device unplugged", Who(s), cmd));
  }
  if (s.unit == 1 && !Present(s)) {
    if (!s.unplugged) {
      Publish("command-to-absent-drive", cmd,
              absl::StrFormat("%s: command 0x%02x to an absent drive (ignored)", Who(s), cmd));
    }
    return;
  }
  if (s.status & (kBusyStat | kDrqStat)) {
    if (cmd != 0x08 || s.kind != IdeDriveKind::kCdrom) {
      Publish("command-while-busy", cmd,
              absl::StrFormat("%s: command 0x%02x while %s (ignored)", Who(s), cmd,
                              (s.status & kBusyStat) ? "BSY" : "DRQ"));
      return;
    }
  }
  if (!Present(s) && !s.unplugged) {
    Publish("command-to-absent-drive", cmd,
            absl::StrFormat("%s: command 0x%02x to an absent drive", Who(s), cmd));
  }
  const CommandInfo& info = kCommands[cmd];
  const uint8_t kind_bit = s.kind == IdeDriveKind::kCdrom ? kCd : kHd;
  if (!(info.flags & kind_bit)) {
    Publish(
        "unknown-command", cmd,
        absl::StrFormat("%s: command 0x%02x not implemented by this drive (aborted)", Who(s), cmd));
    AbortCommand(s);
    SetIrq();
    return;
  }
  Publish("command", cmd,
          absl::StrFormat("%s: %s (count %d, lba/chs %02x:%02x:%02x:%02x, features 0x%02x)", Who(s),
                          info.name, s.nsector, s.select, s.hcyl, s.lcyl, s.sector, s.feature));
  s.status = kReadyStat | kBusyStat;
  s.error = 0;
  s.transfer_done = false;
  bool known = true;
  if (Dispatch(s, cmd, &known)) {
    s.status &= ~kBusyStat;
    if ((info.flags & kDsc) && !s.error) s.status |= kSeekStat;
    SetIrq();
  }
}

void IdeChannel::Lba48Transform(Drive& s, bool lba48) {
  s.lba48 = lba48;
  if (!lba48) {
    if (!s.nsector) s.nsector = 256;
  } else if (!s.nsector && !s.hob_nsector) {
    s.nsector = 65536;
  } else {
    s.nsector = (s.hob_nsector << 8) | (s.nsector & 0xff);
  }
}

int64_t IdeChannel::GetSector(const Drive& s) const {
  if (s.select & kDevLba) {
    if (s.lba48) {
      return int64_t{s.hob_hcyl} << 40 | int64_t{s.hob_lcyl} << 32 | int64_t{s.hob_sector} << 24 |
             int64_t{s.hcyl} << 16 | int64_t{s.lcyl} << 8 | s.sector;
    }
    return int64_t{s.select & kDevLbaMsb} << 24 | int64_t{s.hcyl} << 16 | int64_t{s.lcyl} << 8 |
           s.sector;
  }
  return (int64_t{s.hcyl} << 8 | s.lcyl) * s.geometry.heads * s.geometry.sectors +
         int64_t{s.select & kDevHs} * s.geometry.sectors + (int64_t{s.sector} - 1);
}

void IdeChannel::SetSector(Drive& s, int64_t n) {
  if (s.select & kDevLba) {
    if (s.lba48) {
      s.sector = static_cast<uint8_t>(n);
      s.lcyl = static_cast<uint8_t>(n >> 8);
      s.hcyl = static_cast<uint8_t>(n >> 16);
      s.hob_sector = static_cast<uint8_t>(n >> 24);
      s.hob_lcyl = static_cast<uint8_t>(n >> 32);
      s.hob_hcyl = static_cast<uint8_t>(n >> 40);
    } else {
      s.select = static_cast<uint8_t>((s.select & ~kDevLbaMsb) | ((n >> 24) & kDevLbaMsb));
      s.hcyl = static_cast<uint8_t>(n >> 16);
      s.lcyl = static_cast<uint8_t>(n >> 8);
      s.sector = static_cast<uint8_t>(n);
    }
  } else {
    const int64_t per_cyl = int64_t{s.geometry.heads} * s.geometry.sectors;
    if (per_cyl <= 0) return;
    const int64_t cyl = n / per_cyl, r = n % per_cyl;
    s.hcyl = static_cast<uint8_t>(cyl >> 8);
    s.lcyl = static_cast<uint8_t>(cyl);
    s.select = static_cast<uint8_t>((s.select & ~kDevHs) | ((r / s.geometry.sectors) & kDevHs));
    s.sector = static_cast<uint8_t>(r % s.geometry.sectors + 1);
  }
}

bool IdeChannel::SectorRangeOk(const Drive& s, int64_t sector, int64_t count) const {
  const int64_t total = static_cast<int64_t>(s.nb_sectors);
  return sector >= 0 && count >= 0 && sector <= total && count <= total - sector;
}

void IdeChannel::RwError(Drive& s, int64_t sector) {
  Publish("lba-out-of-range", static_cast<uint64_t>(sector),
          absl::StrFormat("%s: sector %d (count %d) outside the %d-sector disk", Who(s), sector,
                          s.nsector, s.nb_sectors));
  AbortCommand(s);
  SetIrq();
}

void IdeChannel::SectorRead(Drive& s) {
  host_io_ = true;
  s.status = kReadyStat | kSeekStat;
  s.error = 0;
  const int64_t sector = GetSector(s);
  int n = s.nsector;
  if (n == 0) {
    TransferStop(s);
    s.transfer_done = true;
    return;
  }
  n = std::min(n, s.req_nb_sectors);
  if (!SectorRangeOk(s, sector, n)) {
    RwError(s, sector);
    return;
  }
  if (!s.image->Read(sector, n, s.buffer.data())) {
    AbortCommand(s);
    SetIrq();
    return;
  }
  SetSector(s, sector + n);
  s.nsector -= n;
  TransferStart(s, 0, size_t(n) * 512, End::kSectorRead);
  SetIrq();
}

void IdeChannel::SectorWrite(Drive& s) {
  host_io_ = true;
  s.status = kReadyStat | kSeekStat | kBusyStat;
  const int64_t sector = GetSector(s);
  const int n = std::min(s.nsector, s.req_nb_sectors);
  if (!SectorRangeOk(s, sector, n)) {
    RwError(s, sector);
    return;
  }
  if (!s.image->Write(sector, n, s.buffer.data())) {
    AbortCommand(s);
    SetIrq();
    return;
  }
  s.status &= ~kBusyStat;
  s.nsector -= n;
  SetSector(s, sector + n);
  if (s.nsector == 0) {
    TransferStop(s);
    s.transfer_done = true;
  } else {
    TransferStart(s, 0, size_t(std::min(s.nsector, s.req_nb_sectors)) * 512, End::kSectorWrite);
  }
  SetIrq();
}

void IdeChannel::EnsureIdentify(Drive& s) {
  if (s.identify_set) return;
  s.identify = HardDiskIdentify(s.index, s.nb_sectors, s.geometry, s.mult_sectors);
  s.identify_set = true;
}

bool IdeChannel::SetFeatures(Drive& s) {
  if (!Present(s)) {
    AbortCommand(s);
    return true;
  }
  IdentifyData& id = s.identify;
  switch (s.feature) {
    case 0x02:
      id[85] = (1 << 14) | (1 << 5) | 1;
      return true;
    case 0x82:
      id[85] = (1 << 14) | 1;
      s.status = kReadyStat | kSeekStat;  // QEMU flushes: completes with the IRQ
      SetIrq();
      return false;
    case 0xcc:
    case 0x66:
    case 0xaa:
    case 0x55:
    case 0x05:
    case 0x85:
    case 0x69:
    case 0x67:
    case 0x96:
    case 0x9a:
    case 0x42:
    case 0xc2:
      return true;
    case 0x03: {
      const int val = s.nsector & 7;
      switch ((s.nsector & 0xff) >> 3) {
        case 0x00:
        case 0x01:
          id[62] = 0x07;
          id[63] = 0x07;
          id[88] = 0x3f;
          return true;
        case 0x02:
          id[62] = static_cast<uint16_t>(0x07 | (1 << (val + 8)));
          id[63] = 0x07;
          id[88] = 0x3f;
          return true;
        case 0x04:
          id[62] = 0x07;
          id[63] = static_cast<uint16_t>(0x07 | (1 << (val + 8)));
          id[88] = 0x3f;
          return true;
        case 0x08:
          id[62] = 0x07;
          id[63] = 0x07;
          id[88] = static_cast<uint16_t>(0x3f | (1 << (val + 8)));
          return true;
        default:
          break;
      }
      break;
    }
    default:
      break;
  }
  AbortCommand(s);
  return true;
}

bool IdeChannel::Dispatch(Drive& s, uint8_t cmd, bool* known) {
  const bool disk = s.kind == IdeDriveKind::kDisk;
  switch (cmd) {
    case 0x08:  // DEVICE RESET (ATAPI)
      TransferStop(s);
      if (bm_.pending_unit == s.unit) bm_.pending_unit = -1;
      Reset(s);
      s.status = 0;
      return false;
    case 0x20:
    case 0x21:
    case 0x24:  // READ SECTORS (EXT)
      if (s.kind == IdeDriveKind::kCdrom) {
        SetSignature(s);
        AbortCommand(s);
        return true;
      }
      if (!disk) {
        AbortCommand(s);
        return true;
      }
      Lba48Transform(s, cmd == 0x24);
      s.req_nb_sectors = 1;
      SectorRead(s);
      return false;
    case 0xc4:
    case 0x29:  // READ MULTIPLE (EXT)
      if (!disk || !s.mult_sectors) {
        AbortCommand(s);
        return true;
      }
      Lba48Transform(s, cmd == 0x29);
      s.req_nb_sectors = s.mult_sectors;
      SectorRead(s);
      return false;
    case 0x30:
    case 0x31:
    case 0x34:
    case 0x3c:  // WRITE SECTORS (EXT)
      if (!disk) {
        AbortCommand(s);
        return true;
      }
      Lba48Transform(s, cmd == 0x34);
      s.req_nb_sectors = 1;
      s.status = kSeekStat | kReadyStat;
      TransferStart(s, 0, 512, End::kSectorWrite);
      return false;
    case 0xc5:
    case 0x39: {  // WRITE MULTIPLE (EXT)
      if (!disk || !s.mult_sectors) {
        AbortCommand(s);
        return true;
      }
      Lba48Transform(s, cmd == 0x39);
      s.req_nb_sectors = s.mult_sectors;
      const int n = std::min(s.nsector, s.req_nb_sectors);
      s.status = kSeekStat | kReadyStat;
      TransferStart(s, 0, size_t(512) * n, End::kSectorWrite);
      return false;
    }
    case 0xc8:
    case 0xc9:
    case 0x25:  // READ DMA (EXT)
    case 0xca:
    case 0xcb:
    case 0x35:  // WRITE DMA (EXT)
      if (!disk) {
        AbortCommand(s);
        return true;
      }
      Lba48Transform(s, cmd == 0x25 || cmd == 0x35);
      StartDma(s, (cmd == 0xc8 || cmd == 0xc9 || cmd == 0x25) ? DmaCmd::kRead : DmaCmd::kWrite);
      return false;
    case 0x40:
    case 0x41:
    case 0x42:  // READ VERIFY
      Lba48Transform(s, cmd == 0x42);
      return true;
    case 0x27:
    case 0xf8:  // READ NATIVE MAX ADDRESS
      if (s.nb_sectors == 0) {
        AbortCommand(s);
        return true;
      }
      Lba48Transform(s, cmd == 0x27);
      SetSector(s, static_cast<int64_t>(s.nb_sectors) - 1);
      return true;
    case 0xc6: {  // SET MULTIPLE MODE
      const int n = s.nsector & 0xff;
      if (n != 0 && (n > kIdeMaxMultSectors || (s.nsector & (s.nsector - 1)) != 0)) {
        AbortCommand(s);
      } else {
        s.mult_sectors = n;
      }
      return true;
    }
    case 0xe7:
    case 0xea:  // FLUSH CACHE (EXT)
      host_io_ = true;
      s.status = kReadyStat | kSeekStat;
      SetIrq();
      return false;
    case 0xec:  // IDENTIFY DEVICE
      if (disk) {
        EnsureIdentify(s);
        for (int i = 0; i < 256; ++i) {
          s.buffer[2 * i] = static_cast<uint8_t>(s.identify[i]);
          s.buffer[2 * i + 1] = static_cast<uint8_t>(s.identify[i] >> 8);
        }
        s.status = kReadyStat | kSeekStat;
        TransferStart(s, 0, 512, End::kStop);
        SetIrq();
        return false;
      }
      if (s.kind == IdeDriveKind::kCdrom) SetSignature(s);
      AbortCommand(s);
      return true;
    case 0xa1: {  // IDENTIFY PACKET DEVICE
      const IdentifyData id = CdromIdentify(s.index);
      for (int i = 0; i < 256; ++i) {
        s.buffer[2 * i] = static_cast<uint8_t>(id[i]);
        s.buffer[2 * i + 1] = static_cast<uint8_t>(id[i] >> 8);
      }
      s.status = kReadyStat | kSeekStat;
      TransferStart(s, 0, 512, End::kStop);
      SetIrq();
      return false;
    }
    case 0xa0:  // PACKET
      if (s.feature & 0x02) {
        AbortCommand(s);
        return true;
      }
      s.status = kReadyStat | kSeekStat;
      s.nsector = 1;
      s.atapi_dma = s.feature & 1;
      TransferStart(s, 0, 12, End::kAtapiCmd);
      return false;
    case 0xef:  // SET FEATURES
      if (disk) EnsureIdentify(s);
      return SetFeatures(s);
    case 0x90:  // EXECUTE DEVICE DIAGNOSTIC
      SetSignature(s);
      if (s.kind == IdeDriveKind::kCdrom) {
        s.status = 0;
        s.error = 0x01;
      } else {
        s.status = kReadyStat | kSeekStat;
        s.error = 0x01;
        SetIrq();
      }
      return false;
    case 0x98:
    case 0xe5:  // CHECK POWER MODE
      s.nsector = 0xff;
      return true;
    case 0x06:
    case 0xf5:  // not modelled: abort
      AbortCommand(s);
      return true;
    default:  // RECALIBRATE, SEEK, INITIALIZE DEVICE PARAMETERS, power management: no-ops
      return true;
  }
  *known = false;
  return true;
}

// --- ATAPI -------------------------------------------------------------------------------------

int IdeChannel::ByteCountLimit(const Drive& s) const {
  const int bcl = s.lcyl | (s.hcyl << 8);
  return bcl == 0xffff ? 0xfffe : bcl;
}

void IdeChannel::AtapiOk(Drive& s) {
  s.error = 0;
  s.status = kReadyStat | kSeekStat;
  s.nsector = (s.nsector & ~7) | 0x02 | 0x01;
  SetIrq();
}

void IdeChannel::AtapiError(Drive& s, uint8_t sense, uint8_t asc) {
  s.error = static_cast<uint8_t>(sense << 4);
  s.status = kReadyStat | kErrStat;
  s.nsector = (s.nsector & ~7) | 0x02 | 0x01;
  s.sense_key = sense;
  s.asc = asc;
  SetIrq();
}

void IdeChannel::AtapiReply(Drive& s, const std::vector<uint8_t>& reply, int max_len) {
  int size = std::min<int>(static_cast<int>(reply.size()), max_len);
  std::copy(reply.begin(), reply.begin() + size, s.buffer.begin());
  s.lba = -1;
  s.packet_transfer_size = size;
  s.io_buffer_size = size;
  s.elementary_transfer_size = 0;
  s.io_buffer_index = 0;
  if (s.atapi_dma) {
    s.status = kReadyStat | kSeekStat | kDrqStat;
    StartDma(s, DmaCmd::kAtapi);
    return;
  }
  s.status = kReadyStat | kSeekStat;
  s.io_buffer_index = 0;
  AtapiReplyEnd(s);
}

void IdeChannel::AtapiReplyEnd(Drive& s) {
  while (s.packet_transfer_size > 0) {
    if (s.lba != -1 && s.io_buffer_index >= s.cd_sector_size) {
      const uint64_t first = static_cast<uint64_t>(s.lba) * 4;
      if (!s.image || !s.image->Read(first, 4, s.buffer.data())) {
        AtapiError(s, kIllegalRequest, kAscLbaOutOfRange);
        return;
      }
      s.lba++;
      s.io_buffer_index = 0;
    }
    if (s.elementary_transfer_size > 0) {
      int size = s.cd_sector_size - s.io_buffer_index;
      size = std::min(size, s.elementary_transfer_size);
      TransferStart(s, s.io_buffer_index, size, End::kAtapiReply);
      s.packet_transfer_size -= size;
      s.elementary_transfer_size -= size;
      s.io_buffer_index += size;
      return;
    }
    s.nsector = (s.nsector & ~7) | 0x02;
    SetIrq();
    int limit = ByteCountLimit(s);
    int size = s.packet_transfer_size;
    if (size > limit) {
      if (limit & 1) limit--;
      size = limit;
    }
    s.lcyl = static_cast<uint8_t>(size);
    s.hcyl = static_cast<uint8_t>(size >> 8);
    s.elementary_transfer_size = size;
    if (s.lba != -1) size = std::min(size, s.cd_sector_size - s.io_buffer_index);
    if (size <= 0) {  // a byte count limit of 0: nothing can move
      AtapiError(s, kIllegalRequest, kAscInvalidField);
      return;
    }
    TransferStart(s, s.io_buffer_index, size, End::kAtapiReply);
    s.packet_transfer_size -= size;
    s.elementary_transfer_size -= size;
    s.io_buffer_index += size;
    return;
  }
  s.transfer_done = true;
  s.end = End::kStop;
  AtapiOk(s);
}

void IdeChannel::AtapiCommand(Drive& s) {
  uint8_t cdb[12];
  std::memcpy(cdb, s.buffer.data(), 12);
  const uint8_t op = cdb[0];
  const uint8_t flags = kAtapi[op];
  Publish("packet", op, absl::StrFormat("%s: ATAPI command 0x%02x", Who(s), op));
  if (s.sense_key == kUnitAttention && !(flags & kAllowUa)) {
    AtapiError(s, s.sense_key, s.asc);
    return;
  }
  const uint64_t cd_sectors = s.nb_sectors >> 2;
  if ((flags & kCheckReady) && cd_sectors == 0) {
    AtapiError(s, kNotReady, kAscMediumNotPresent);
    return;
  }
  if ((flags & kKnown) && !(flags & kNonData) && !s.atapi_dma && ByteCountLimit(s) == 0) {
    AbortCommand(s);
    SetIrq();
    return;
  }
  switch (op) {
    case 0x00:  // TEST UNIT READY
    case 0x1b:  // START STOP UNIT
    case 0xbb:  // SET SPEED
      AtapiOk(s);
      return;
    case 0x1e:  // PREVENT ALLOW MEDIUM REMOVAL
      s.tray_locked = cdb[4] & 1;
      AtapiOk(s);
      return;
    case 0x03: {  // REQUEST SENSE
      std::vector<uint8_t> b(18, 0);
      b[0] = 0x70 | 0x80;
      b[2] = s.sense_key;
      b[7] = 10;
      b[12] = s.asc;
      if (s.sense_key == kUnitAttention) s.sense_key = 0;
      AtapiReply(s, b, cdb[4]);
      return;
    }
    case 0x12: {  // INQUIRY
      bool phase_error = false;
      std::vector<uint8_t> b = AtapiInquiry(cdb, s.index, &phase_error);
      if (b.empty()) {
        AtapiError(s, kIllegalRequest, phase_error ? kAscDataPhaseError : kAscInvalidField);
        return;
      }
      AtapiReply(s, b, cdb[4]);
      return;
    }
    case 0x25:  // READ CAPACITY
      AtapiReply(s, AtapiReadCapacity(cd_sectors), 8);
      return;
    case 0x28:
    case 0xa8: {  // READ(10), READ(12)
      host_io_ = true;
      const uint32_t count = op == 0x28 ? Be16(cdb + 7) : Be32(cdb + 6);
      if (count == 0) {
        AtapiOk(s);
        return;
      }
      const uint32_t lba = Be32(cdb + 2);
      if (lba >= cd_sectors || uint64_t{lba} + count - 1 >= cd_sectors) {
        Publish("lba-out-of-range", lba,
                absl::StrFormat("%s: CD sector %d (count %d) outside the %d-sector medium", Who(s),
                                lba, count, cd_sectors));
        AtapiError(s, kIllegalRequest, kAscLbaOutOfRange);
        return;
      }
      s.lba = lba;
      s.packet_transfer_size =
          static_cast<int>(std::min<uint64_t>(count * uint64_t{2048}, 0x7fffffff));
      if (s.atapi_dma) {
        s.io_buffer_size = 0;
        s.cd_sector_size = 2048;
        s.status = kReadyStat | kSeekStat | kDrqStat | kBusyStat;
        StartDma(s, DmaCmd::kAtapi);
        return;
      }
      s.elementary_transfer_size = 0;
      s.io_buffer_index = 2048;
      s.cd_sector_size = 2048;
      s.status = kReadyStat | kSeekStat;
      AtapiReplyEnd(s);
      return;
    }
    case 0x2b: {  // SEEK
      if (Be32(cdb + 2) >= cd_sectors) {
        AtapiError(s, kIllegalRequest, kAscLbaOutOfRange);
        return;
      }
      AtapiOk(s);
      return;
    }
    case 0x43: {  // READ TOC
      const int format = cdb[9] >> 6;
      std::vector<uint8_t> b = AtapiReadToc(cd_sectors, format, (cdb[1] >> 1) & 1, cdb[6]);
      if (b.empty()) {
        AtapiError(s, kIllegalRequest, kAscInvalidField);
        return;
      }
      AtapiReply(s, b, Be16(cdb + 7));
      return;
    }
    case 0x46: {  // GET CONFIGURATION
      if (cdb[2] != 0 || cdb[3] != 0) {
        AtapiError(s, kIllegalRequest, kAscInvalidField);
        return;
      }
      const int max_len = std::min<int>(Be16(cdb + 7), 512);
      AtapiReply(s, AtapiGetConfiguration(s.nb_sectors, max_len), max_len);
      return;
    }
    case 0x4a: {  // GET EVENT STATUS NOTIFICATION: polled, media class only
      if (!(cdb[1] & 0x01)) {
        AtapiError(s, kIllegalRequest, kAscInvalidField);
        return;
      }
      std::vector<uint8_t> b(8, 0);
      b[3] = 1 << 4;  // supported: media events
      size_t used = 4;
      if (cdb[4] & (1 << 4)) {
        b[2] = 4;
        b[4] = 0;                          // no change
        b[5] = cd_sectors > 0 ? 0x02 : 0;  // media present
        used = 8;
      } else {
        b[2] = 0x80;  // no event available
      }
      b[1] = static_cast<uint8_t>(used - 4);
      b.resize(used);
      AtapiReply(s, b, Be16(cdb + 7));
      return;
    }
    case 0x51: {  // READ DISC INFORMATION
      if (cdb[1] & 7) {
        AtapiError(s, kIllegalRequest, kAscInvalidField);
        return;
      }
      std::vector<uint8_t> b(34, 0);
      b[1] = 32;
      b[2] = 0x0e;
      b[3] = b[4] = b[5] = b[6] = 1;
      b[7] = 0x20;
      AtapiReply(s, b, Be16(cdb + 7));
      return;
    }
    case 0x5a: {  // MODE SENSE(10)
      const int action = cdb[2] >> 6;
      if (action == 3) {
        AtapiError(s, kIllegalRequest, kAscSavingNotSupported);
        return;
      }
      std::vector<uint8_t> b =
          action == 0 ? AtapiModeSense(cdb[2] & 0x3f, s.tray_locked) : std::vector<uint8_t>();
      if ((cdb[2] & 0x3f) == 0x0e && b.size() == 24) {
        // QEMU fills only the header and the odd volume bytes; the rest is what the buffer held.
        for (int i : {10, 11, 12, 13, 14, 15, 16, 18, 20, 22}) b[i] = s.buffer[i];
      }
      if (b.empty()) {
        AtapiError(s, kIllegalRequest, kAscInvalidField);
        return;
      }
      AtapiReply(s, b, Be16(cdb + 7));
      return;
    }
    case 0xbd: {  // MECHANISM STATUS
      std::vector<uint8_t> b(8, 0);
      b[5] = 1;
      AtapiReply(s, b, Be16(cdb + 8));
      return;
    }
    default:
      Publish("unknown-command", op,
              absl::StrFormat("%s: ATAPI command 0x%02x not implemented", Who(s), op));
      AtapiError(s, kIllegalRequest, kAscIllegalOpcode);
      return;
  }
}

// --- Bus-master DMA ----------------------------------------------------------------------------

void IdeChannel::GuestRead(uint64_t address, uint8_t* out, uint64_t length) {
  sim::GuestMemory& ram = machine_->ram();
  std::memset(out, 0, length);
  if (address >= ram.size()) return;
  const uint64_t n = std::min(length, ram.size() - address);
  ram.Read(address, reinterpret_cast<char*>(out), n);
}

void IdeChannel::GuestWrite(uint64_t address, const uint8_t* data, uint64_t length) {
  sim::GuestMemory& ram = machine_->ram();
  if (address >= ram.size()) return;
  const uint64_t n = std::min(length, ram.size() - address);
  ram.Write(address, reinterpret_cast<const char*>(data), n);
}

void IdeChannel::StartDma(Drive& s, DmaCmd cmd) {
  host_io_ = true;
  if (cmd != DmaCmd::kAtapi) {
    s.status = kReadyStat | kSeekStat | kDrqStat;
    s.io_buffer_size = 0;
  }
  s.dma_cmd = cmd;
  bm_.pending_unit = s.unit;
  bm_.cur_prd_last = false;
  bm_.cur_prd_addr = 0;
  bm_.cur_prd_len = 0;
  if (bm_.status & kBmStatusDmaing) DmaCallback(s);
}

int64_t IdeChannel::PrepareBuffer(Drive& s, int64_t limit) {
  bm_.sg.clear();
  bm_.sg_size = 0;
  s.io_buffer_size = 0;
  for (;;) {
    if (bm_.cur_prd_len == 0) {
      if (bm_.cur_prd_last) return static_cast<int64_t>(bm_.sg_size);
      if (bm_.cur_addr - bm_.addr >= kBmdmaPage) {
        Publish("dma-prd-unterminated", bm_.addr,
                absl::StrFormat("%s: PRD table at 0x%x has no end-of-table bit in 4 KiB", Who(s),
                                bm_.addr));
        return static_cast<int64_t>(bm_.sg_size);
      }
      uint8_t prd[8];
      GuestRead(bm_.cur_addr, prd, 8);
      bm_.cur_addr += 8;
      const uint32_t addr = prd[0] | prd[1] << 8 | prd[2] << 16 | uint32_t{prd[3]} << 24;
      const uint32_t size = prd[4] | prd[5] << 8 | prd[6] << 16 | uint32_t{prd[7]} << 24;
      uint32_t len = size & 0xfffe;
      if (len == 0) len = 0x10000;
      bm_.cur_prd_len = len;
      bm_.cur_prd_addr = addr;
      bm_.cur_prd_last = size & 0x80000000u;
    }
    const uint32_t l = bm_.cur_prd_len;
    const uint64_t sg_len = std::min<uint64_t>(static_cast<uint64_t>(limit) - bm_.sg_size, l);
    if (sg_len) {
      bm_.sg.emplace_back(bm_.cur_prd_addr, sg_len);
      bm_.sg_size += sg_len;
    }
    bm_.cur_prd_addr += l;
    bm_.cur_prd_len = 0;
    s.io_buffer_size += l;
  }
}

void IdeChannel::SetInactive(bool more) {
  bm_.pending_unit = -1;
  if (more) {
    bm_.status |= kBmStatusDmaing;
  } else {
    bm_.status &= ~kBmStatusDmaing;
  }
}

bool IdeChannel::DmaWriteBuffer(Drive& s) {
  for (;;) {
    int64_t l = s.io_buffer_size - s.io_buffer_index;
    if (l <= 0) break;
    if (bm_.cur_prd_len == 0) {
      if (bm_.cur_prd_last || bm_.cur_addr - bm_.addr >= kBmdmaPage) return false;
      uint8_t prd[8];
      GuestRead(bm_.cur_addr, prd, 8);
      bm_.cur_addr += 8;
      const uint32_t addr = prd[0] | prd[1] << 8 | prd[2] << 16 | uint32_t{prd[3]} << 24;
      const uint32_t size = prd[4] | prd[5] << 8 | prd[6] << 16 | uint32_t{prd[7]} << 24;
      uint32_t len = size & 0xfffe;
      if (len == 0) len = 0x10000;
      bm_.cur_prd_len = len;
      bm_.cur_prd_addr = addr;
      bm_.cur_prd_last = size & 0x80000000u;
    }
    l = std::min<int64_t>(l, bm_.cur_prd_len);
    if (s.io_buffer_index < 0 || s.io_buffer_index + l > static_cast<int64_t>(s.buffer.size())) {
      return false;
    }
    GuestWrite(bm_.cur_prd_addr, s.buffer.data() + s.io_buffer_index, static_cast<uint64_t>(l));
    bm_.cur_prd_addr += static_cast<uint32_t>(l);
    bm_.cur_prd_len -= static_cast<uint32_t>(l);
    s.io_buffer_index += static_cast<int>(l);
  }
  return true;
}

void IdeChannel::AtapiDmaCallback(Drive& s) {
  for (int round = 0; round < 1 << 16; ++round) {
    if (s.io_buffer_size > 0) {
      if (s.lba != -1) s.lba += s.io_buffer_size >> 11;
      s.packet_transfer_size -= static_cast<int>(s.io_buffer_size);
      if (!DmaWriteBuffer(s)) {
        Publish("dma-without-prd", bm_.addr,
                absl::StrFormat("%s: PRD table at 0x%x ran out during an ATAPI transfer", Who(s),
                                bm_.addr));
        SetInactive(false);
        return;
      }
    }
    if (s.packet_transfer_size <= 0) {
      s.status = kReadyStat | kSeekStat;
      s.nsector = (s.nsector & ~7) | 0x02 | 0x01;
      s.transfer_done = true;
      SetIrq();
      SetInactive(false);
      return;
    }
    s.io_buffer_index = 0;
    int n = s.packet_transfer_size >> 11;
    n = std::min(n, 32);  // what the 64 KiB buffer holds
    s.io_buffer_size = int64_t{n} * 2048;
    if (n == 0 || !s.image ||
        !s.image->Read(static_cast<uint64_t>(s.lba) * 4, uint64_t(n) * 4, s.buffer.data())) {
      AtapiError(s, kIllegalRequest, kAscLbaOutOfRange);
      SetInactive(false);
      return;
    }
  }
  SetInactive(false);
}

void IdeChannel::DmaCallback(Drive& s) {
  if (s.dma_cmd == DmaCmd::kAtapi && bus_master_enabled_()) {
    AtapiDmaCallback(s);
    return;
  }
  if (!bus_master_enabled_()) {
    Publish("dma-bus-master-off", s.unit,
            absl::StrCat(Who(s), ": DMA started with PCI bus mastering off"));
    s.status = kReadyStat | kSeekStat;
    SetInactive(false);
    return;
  }
  // Each round: take what the PRD table offers (up to what is left), move it, repeat; QEMU does
  // the same through ide_dma_cb. Rounds are bounded: each consumes PRD entries or ends.
  for (int round = 0; round < 1024; ++round) {
    bool stay_active = false;
    int64_t n;
    if (s.io_buffer_size > int64_t{s.nsector} * 512) {
      n = s.nsector;
      stay_active = true;
    } else {
      n = s.io_buffer_size >> 9;
    }
    int64_t sector = GetSector(s);
    if (n > 0) {
      sector += n;
      SetSector(s, sector);
      s.nsector -= static_cast<int>(n);
    }
    if (s.nsector == 0) {
      s.status = kReadyStat | kSeekStat;
      SetIrq();
      SetInactive(stay_active);
      return;
    }
    n = s.nsector;
    const int64_t prep = PrepareBuffer(s, n * 512);
    if (prep < n * 512) {  // QEMU 7.2: PRDs too short for the request move nothing
      Publish("dma-without-prd", bm_.addr,
              absl::StrFormat("%s: PRD table at 0x%x describes %d bytes, %d needed", Who(s),
                              bm_.addr, prep, n * 512));
      s.status = kReadyStat | kSeekStat;
      SetInactive(false);
      return;
    }
    const int64_t sectors = prep / 512;
    if (!SectorRangeOk(s, sector, n)) {
      Publish("lba-out-of-range", static_cast<uint64_t>(sector),
              absl::StrFormat("%s: DMA sector %d (count %d) outside the %d-sector disk", Who(s),
                              sector, n, s.nb_sectors));
      AbortCommand(s);
      SetInactive(false);
      SetIrq();
      return;
    }
    // Move `sectors` sectors between the image and the scatter list.
    size_t sg_index = 0;
    uint64_t sg_offset = 0;
    uint8_t block[512];
    bool ok = true;
    for (int64_t i = 0; i < sectors && ok; ++i) {
      if (s.dma_cmd == DmaCmd::kRead) ok = s.image->Read(sector + i, 1, block);
      uint64_t done = 0;
      while (done < 512 && sg_index < bm_.sg.size()) {
        const auto& [addr, len] = bm_.sg[sg_index];
        const uint64_t piece = std::min<uint64_t>(512 - done, len - sg_offset);
        if (s.dma_cmd == DmaCmd::kRead) {
          GuestWrite(addr + sg_offset, block + done, piece);
        } else {
          GuestRead(addr + sg_offset, block + done, piece);
        }
        done += piece;
        sg_offset += piece;
        if (sg_offset == len) {
          ++sg_index;
          sg_offset = 0;
        }
      }
      if (s.dma_cmd == DmaCmd::kWrite && ok) ok = s.image->Write(sector + i, 1, block);
    }
    if (!ok) {
      AbortCommand(s);
      SetInactive(false);
      SetIrq();
      return;
    }
    // What QEMU's next callback sees: the bytes the PRDs described, capped to whole sectors.
    if (s.io_buffer_size <= n * 512) s.io_buffer_size = sectors * 512;
  }
  s.status = kReadyStat | kSeekStat;
  SetInactive(false);
}

uint32_t IdeChannel::ReadBusMaster(unsigned offset, unsigned width) {
  if (offset >= 4) {
    const unsigned shift = (offset & 3) * 8;
    const uint64_t mask = (uint64_t{1} << (width * 8)) - 1;
    return static_cast<uint32_t>((bm_.addr >> shift) & mask);
  }
  if (width != 1) return static_cast<uint32_t>((uint64_t{1} << (width * 8)) - 1);
  switch (offset) {
    case 0:
      return bm_.cmd;
    case 2:
      return bm_.status;
    default:
      return 0xff;
  }
}

void IdeChannel::WriteBusMaster(unsigned offset, unsigned width, uint32_t value) {
  if (offset >= 4) {
    const unsigned shift = (offset & 3) * 8;
    const uint64_t mask = (uint64_t{1} << (width * 8)) - 1;
    uint64_t addr = bm_.addr;
    addr &= ~(mask << shift);
    addr |= ((value & mask) << shift) & ~uint64_t{3};
    bm_.addr = static_cast<uint32_t>(addr);
    return;
  }
  if (width != 1) return;
  const uint8_t val = static_cast<uint8_t>(value);
  if (offset == 0) {
    if ((val & kBmCmdStart) != (bm_.cmd & kBmCmdStart)) {
      if (!(val & kBmCmdStart)) {
        bm_.status &= ~kBmStatusDmaing;
      } else {
        bm_.cur_addr = bm_.addr;
        if (!(bm_.status & kBmStatusDmaing)) {
          bm_.status |= kBmStatusDmaing;
          if (bm_.pending_unit >= 0) DmaCallback(*drives_[bm_.pending_unit]);
        }
      }
    }
    bm_.cmd = val & 0x09;
  } else if (offset == 2) {
    bm_.status = static_cast<uint8_t>((val & 0x60) | (bm_.status & kBmStatusDmaing) |
                                      (bm_.status & ~val & (kBmStatusError | kBmStatusInt)));
  }
}

}  // namespace portrace::devices
