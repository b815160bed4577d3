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

#include "absl/types/span.h"

namespace portrace::devices {

inline constexpr int kIdeMaxMultSectors = 16;
inline constexpr char kIdeFirmware[] = "2.5+";

// The BIOS CHS translation QEMU stores for a hard disk in CMOS 0x39 (2 bits per drive: its
// BIOS_ATA_TRANSLATION_* less one).
enum class BiosTranslation : uint8_t { kNone = 0, kLba = 1, kLarge = 2 };

// A hard disk's physical geometry (what IDENTIFY reports and CHS addressing uses) and the BIOS
// translation QEMU picks with it.
struct IdeGeometry {
  int cylinders = 0;
  int heads = 0;
  int sectors = 0;
  BiosTranslation translation = BiosTranslation::kNone;
};

// QEMU's hd_geometry_guess for a disk of `total_sectors` whose first sector is `sector0` (empty
// when there is none). A logical geometry is guessed from the first MBR partition entry with
// sectors and an end head (heads = end head + 1, sectors = end sector & 63, cylinders =
// total / (heads * sectors) within 1..16383). Without one: 16 heads, 63 sectors, 2..16383
// cylinders, no translation up to 1024 cylinders, else LBA. With one of more than 16 heads (a
// BIOS translated it): that same standard geometry, LARGE translation up to 131072
// cylinders * heads, else LBA. With one of up to 16 heads: the guess itself, no translation.
IdeGeometry GuessGeometry(uint64_t total_sectors, absl::Span<const uint8_t> sector0 = {});

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
