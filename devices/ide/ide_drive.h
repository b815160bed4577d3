// What an IDE drive reports about itself, independent of any port or bus: the IDENTIFY DEVICE
// and IDENTIFY PACKET DEVICE data, the CHS geometry QEMU guesses for an image, and the ATAPI
// reply pages (INQUIRY, READ CAPACITY, MODE SENSE, READ TOC, GET CONFIGURATION), all as QEMU
// 7.2's `pc` machine gives them (model "QEMU HARDDISK"/"QEMU DVD-ROM", serial "QM0000<n>",
// firmware "2.5+", QEMU's hardware version string for current machine types).
#ifndef PORTRACE_DEVICES_IDE_IDE_DRIVE_H_
#define PORTRACE_DEVICES_IDE_IDE_DRIVE_H_

#include <array>
#include <cstdint>
#include <string>
#include <vector>

namespace portrace::devices {

inline constexpr int kIdeMaxMultSectors = 16;
inline constexpr char kIdeFirmware[] = "2.5+";

struct IdeGeometry {
  int cylinders = 0;
  int heads = 0;
  int sectors = 0;
};

// QEMU's guess for an image without a partition table: 16 heads, 63 sectors, 2-16383 cylinders.
IdeGeometry GuessGeometry(uint64_t total_sectors);

// "QM00001" for drive index 0.
std::string IdeSerial(int index);

using IdentifyData = std::array<uint16_t, 256>;

// IDENTIFY DEVICE of a hard disk with `mult_sectors` the current READ/WRITE MULTIPLE setting.
IdentifyData HardDiskIdentify(int index, uint64_t total_sectors, const IdeGeometry& geometry,
                              int mult_sectors);
// IDENTIFY PACKET DEVICE of a CD-ROM.
IdentifyData CdromIdentify(int index);

// ATAPI reply pages. `cd_sectors` counts 2048-byte sectors. Each returns the full reply; the
// caller truncates it to the allocation length. An empty vector means "invalid field in CDB".
std::vector<uint8_t> AtapiInquiry(const uint8_t* cdb, int index, bool* data_phase_error);
std::vector<uint8_t> AtapiReadCapacity(uint64_t cd_sectors);
std::vector<uint8_t> AtapiModeSense(uint8_t page, bool tray_locked);
std::vector<uint8_t> AtapiReadToc(uint64_t cd_sectors, int format, bool msf, int start_track);
std::vector<uint8_t> AtapiGetConfiguration(uint64_t sectors512, int max_len);

}  // namespace portrace::devices

#endif  // PORTRACE_DEVICES_IDE_IDE_DRIVE_H_
