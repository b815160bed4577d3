#include "devices/ide/ide_drive.h"

#include <algorithm>
#include <cstring>
#include <optional>

#include "absl/strings/str_format.h"

namespace portrace::devices {
namespace {

// ATA strings: space padded, the two bytes of each word swapped.
void PutString(IdentifyData& d, int word, int bytes, const std::string& s) {
  for (int i = 0; i < bytes; ++i) {
    const uint8_t c = i < static_cast<int>(s.size()) ? s[i] : ' ';
    uint16_t& w = d[word + i / 2];
    if (i % 2 == 0) {
      w = static_cast<uint16_t>((w & 0x00ff) | c << 8);
    } else {
      w = static_cast<uint16_t>((w & 0xff00) | c);
    }
  }
}

void PutPadded(std::vector<uint8_t>& b, size_t at, size_t len, const std::string& s) {
  for (size_t i = 0; i < len; ++i) b[at + i] = i < s.size() ? s[i] : ' ';
}

void PutBe16(std::vector<uint8_t>& b, size_t at, uint32_t v) {
  b[at] = static_cast<uint8_t>(v >> 8);
  b[at + 1] = static_cast<uint8_t>(v);
}
void PutBe32(std::vector<uint8_t>& b, size_t at, uint32_t v) {
  PutBe16(b, at, v >> 16);
  PutBe16(b, at + 2, v & 0xffff);
}

void LbaToMsf(uint8_t* out, uint64_t lba) {
  lba += 150;
  out[0] = static_cast<uint8_t>((lba / 75) / 60);
  out[1] = static_cast<uint8_t>((lba / 75) % 60);
  out[2] = static_cast<uint8_t>(lba % 75);
}

}  // namespace

IdeGeometry GuessGeometry(uint64_t total_sectors, absl::Span<const uint8_t> sector0) {
  IdeGeometry standard;
  standard.cylinders = static_cast<int>(std::clamp<uint64_t>(total_sectors / (16 * 63), 2, 16383));
  standard.heads = 16;
  standard.sectors = 63;
  // The logical geometry the MBR's partition table implies, if any.
  std::optional<IdeGeometry> logical;
  if (sector0.size() >= 512 && sector0[510] == 0x55 && sector0[511] == 0xaa) {
    for (int i = 0; i < 4 && !logical; ++i) {
      const uint8_t* entry = sector0.data() + 0x1be + 16 * i;
      const uint32_t nr_sects = static_cast<uint32_t>(entry[12]) | entry[13] << 8 |
                                entry[14] << 16 | static_cast<uint32_t>(entry[15]) << 24;
      const uint8_t end_head = entry[5];
      if (nr_sects == 0 || end_head == 0) continue;
      const int heads = end_head + 1;
      const int sectors = entry[6] & 63;
      if (sectors == 0) continue;
      const uint64_t cylinders = total_sectors / (static_cast<uint64_t>(heads) * sectors);
      if (cylinders < 1 || cylinders > 16383) continue;
      logical = IdeGeometry{static_cast<int>(cylinders), heads, sectors, BiosTranslation::kNone};
    }
  }
  if (!logical) {
    standard.translation =
        standard.cylinders <= 1024 ? BiosTranslation::kNone : BiosTranslation::kLba;
    return standard;
  }
  if (logical->heads > 16) {
    standard.translation = standard.cylinders * standard.heads <= 131072 ? BiosTranslation::kLarge
                                                                         : BiosTranslation::kLba;
    return standard;
  }
  return *logical;
}

std::string IdeSerial(int index) { return absl::StrFormat("QM%05d", index + 1); }

IdentifyData HardDiskIdentify(int index, uint64_t total_sectors, const IdeGeometry& g,
                              int mult_sectors) {
  IdentifyData d{};
  d[0] = 0x0040;
  d[1] = static_cast<uint16_t>(g.cylinders);
  d[3] = static_cast<uint16_t>(g.heads);
  d[4] = static_cast<uint16_t>(512 * g.sectors);
  d[5] = 512;
  d[6] = static_cast<uint16_t>(g.sectors);
  PutString(d, 10, 20, IdeSerial(index));
  d[20] = 3;
  d[21] = 512;
  d[22] = 4;
  PutString(d, 23, 8, kIdeFirmware);
  PutString(d, 27, 40, "QEMU HARDDISK");
  d[47] = 0x8000 | kIdeMaxMultSectors;
  d[48] = 1;
  d[49] = (1 << 11) | (1 << 9) | (1 << 8);
  d[51] = 0x200;
  d[52] = 0x200;
  d[53] = 7;
  d[54] = static_cast<uint16_t>(g.cylinders);
  d[55] = static_cast<uint16_t>(g.heads);
  d[56] = static_cast<uint16_t>(g.sectors);
  const uint32_t old = static_cast<uint32_t>(g.cylinders) * g.heads * g.sectors;
  d[57] = static_cast<uint16_t>(old);
  d[58] = static_cast<uint16_t>(old >> 16);
  if (mult_sectors) d[59] = static_cast<uint16_t>(0x100 | mult_sectors);
  const uint64_t lba28 = std::min<uint64_t>(total_sectors, (1u << 28) - 1);
  d[60] = static_cast<uint16_t>(lba28);
  d[61] = static_cast<uint16_t>(lba28 >> 16);
  d[62] = 0x07;
  d[63] = 0x07;
  d[64] = 0x03;
  d[65] = d[66] = d[67] = d[68] = 120;
  d[69] = 1 << 14;  // deterministic TRIM (QEMU's default discard granularity)
  d[80] = 0xf0;
  d[81] = 0x16;
  d[82] = (1 << 14) | (1 << 5) | 1;
  d[83] = (1 << 14) | (1 << 13) | (1 << 12) | (1 << 10);
  d[84] = 1 << 14;
  d[85] = (1 << 14) | (1 << 5) | 1;  // write cache enabled
  d[86] = (1 << 13) | (1 << 12) | (1 << 10);
  d[87] = 1 << 14;
  d[88] = 0x3f | (1 << 13);
  d[93] = 1 | (1 << 14) | 0x2000;
  for (int i = 0; i < 4; ++i) d[100 + i] = static_cast<uint16_t>(total_sectors >> (16 * i));
  d[106] = 0x6000;
  d[169] = 1;
  return d;
}

IdentifyData CdromIdentify(int index) {
  IdentifyData d{};
  d[0] = (2 << 14) | (5 << 8) | (1 << 7) | (2 << 5);
  PutString(d, 10, 20, IdeSerial(index));
  d[20] = 3;
  d[21] = 512;
  d[22] = 4;
  PutString(d, 23, 8, kIdeFirmware);
  PutString(d, 27, 40, "QEMU DVD-ROM");
  d[48] = 1;
  d[49] = (1 << 9) | (1 << 8);
  d[53] = 7;
  d[62] = 7;
  d[63] = 7;
  d[64] = 3;
  d[65] = 0xb4;
  d[66] = 0xb4;
  d[67] = 0x12c;
  d[68] = 0xb4;
  d[71] = 30;
  d[72] = 30;
  d[80] = 0x1e;
  d[88] = 0x3f | (1 << 13);
  return d;
}

std::vector<uint8_t> AtapiInquiry(const uint8_t* cdb, int index, bool* data_phase_error) {
  *data_phase_error = false;
  const int max_len = cdb[4];
  std::vector<uint8_t> b(128, 0);
  size_t idx = 0, size_idx, preamble;
  if (cdb[1] & 1) {
    preamble = 4;
    size_idx = 3;
    b[idx++] = 0x05;
    b[idx++] = cdb[2];
    b[idx++] = 0;
    idx++;
    if (cdb[2] == 0x00) {
      b[idx++] = 0x00;
      b[idx++] = 0x83;
    } else if (cdb[2] == 0x83) {
      if (static_cast<int>(idx + 24) > max_len) {
        *data_phase_error = true;
        return {};
      }
      b[idx++] = 0x02;
      b[idx++] = 0x00;
      b[idx++] = 0x00;
      b[idx++] = 20;
      PutPadded(b, idx, 20, IdeSerial(index));
      idx += 20;
      if (static_cast<int>(idx + 72) <= max_len) {
        b[idx++] = 0x01;
        b[idx++] = 0x01;
        b[idx++] = 0x00;
        b[idx++] = 68;
        PutPadded(b, idx, 8, "ATA");
        idx += 8;
        PutPadded(b, idx, 40, "QEMU DVD-ROM");
        idx += 40;
        PutPadded(b, idx, 20, IdeSerial(index));
        idx += 20;
      }
    } else {
      return {};
    }
  } else {
    preamble = 5;
    size_idx = 4;
    b[0] = 0x05;
    b[1] = 0x80;
    b[2] = 0x00;
    b[3] = 0x21;
    PutPadded(b, 8, 8, "QEMU");
    PutPadded(b, 16, 16, "QEMU DVD-ROM");
    PutPadded(b, 32, 4, kIdeFirmware);
    idx = 36;
  }
  b[size_idx] = static_cast<uint8_t>(idx - preamble);
  b.resize(idx);
  return b;
}

std::vector<uint8_t> AtapiReadCapacity(uint64_t cd_sectors) {
  std::vector<uint8_t> b(8, 0);
  PutBe32(b, 0, static_cast<uint32_t>(cd_sectors - 1));
  PutBe32(b, 4, 2048);
  return b;
}

std::vector<uint8_t> AtapiModeSense(uint8_t page, bool tray_locked) {
  std::vector<uint8_t> b;
  auto header = [&b](size_t len, uint8_t code) {
    b.assign(len, 0);
    PutBe16(b, 0, static_cast<uint32_t>(len - 2));
    b[2] = 0x70;
    b[8] = code;
    b[9] = static_cast<uint8_t>(len - 10);
  };
  switch (page) {
    case 0x01:
      header(16, 0x01);
      b[11] = 0x05;
      break;
    case 0x0e:
      header(24, 0x0e);
      break;
    case 0x2a:
      header(30, 0x2a);
      b[10] = 0x3b;
      b[12] = 0x71;
      b[13] = 3 << 5;
      b[14] = (1 << 0) | (1 << 3) | (1 << 5) | (tray_locked ? 1 << 1 : 0);
      PutBe16(b, 16, 704);
      b[19] = 2;
      PutBe16(b, 20, 512);
      PutBe16(b, 22, 704);
      break;
    default:
      break;
  }
  return b;
}

std::vector<uint8_t> AtapiReadToc(uint64_t cd_sectors, int format, bool msf, int start_track) {
  std::vector<uint8_t> b(64, 0);
  if (format == 0) {
    if (start_track > 1 && start_track != 0xaa) return {};
    size_t q = 2;
    b[q++] = 1;
    b[q++] = 1;
    if (start_track <= 1) {
      b[q++] = 0;
      b[q++] = 0x14;
      b[q++] = 1;
      b[q++] = 0;
      if (msf) {
        b[q++] = 0;
        LbaToMsf(&b[q], 0);
        q += 3;
      } else {
        PutBe32(b, q, 0);
        q += 4;
      }
    }
    b[q++] = 0;
    b[q++] = 0x16;
    b[q++] = 0xaa;
    b[q++] = 0;
    if (msf) {
      b[q++] = 0;
      LbaToMsf(&b[q], cd_sectors);
      q += 3;
    } else {
      PutBe32(b, q, static_cast<uint32_t>(cd_sectors));
      q += 4;
    }
    PutBe16(b, 0, static_cast<uint32_t>(q - 2));
    b.resize(q);
    return b;
  }
  if (format == 1) {
    b.assign(12, 0);
    b[1] = 0x0a;
    b[2] = 0x01;
    b[3] = 0x01;
    return b;
  }
  return {};
}

std::vector<uint8_t> AtapiGetConfiguration(uint64_t sectors512, int max_len) {
  std::vector<uint8_t> b(20, 0);
  constexpr uint64_t kCdMaxSectors = 80ull * 60 * 75 * 2048 / 512;
  if (sectors512 > kCdMaxSectors) {
    PutBe16(b, 6, 0x0010);
  } else if (sectors512 > 0) {
    PutBe16(b, 6, 0x0008);
  }
  b[10] = 0x03;
  const uint16_t profiles[] = {0x0010, 0x0008};
  for (int i = 0; i < 2; ++i) {
    PutBe16(b, 12 + 4 * i, profiles[i]);
    b[14 + 4 * i] = (b[12 + 4 * i] == b[6] && b[13 + 4 * i] == b[7]) ? 1 : 0;
    b[11] += 4;
  }
  PutBe32(b, 0, 20 - 4);
  (void)max_len;
  return b;
}

}  // namespace portrace::devices
