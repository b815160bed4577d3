#include "devices/pc/fw_cfg.h"

#include <algorithm>
#include <utility>

#include "absl/strings/escaping.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"

namespace portrace::devices {
namespace {

constexpr uint16_t kEntryMask = 0x3fff;
constexpr uint16_t kArchBit = 0x8000;
constexpr uint16_t kFileDirKey = 0x19;
constexpr uint16_t kFirstFileKey = 0x20;

constexpr uint32_t kDmaError = 0x01;
constexpr uint32_t kDmaRead = 0x02;
constexpr uint32_t kDmaSkip = 0x04;
constexpr uint32_t kDmaSelect = 0x08;
constexpr uint32_t kDmaWrite = 0x10;

constexpr char kDmaSignature[] = "QEMU CFG";

std::string Le(uint64_t value, int bytes) {
  std::string out;
  for (int i = 0; i < bytes; ++i) out.push_back(static_cast<char>(value >> (8 * i)));
  return out;
}

std::string Be(uint64_t value, int bytes) {
  std::string out;
  for (int i = bytes - 1; i >= 0; --i) out.push_back(static_cast<char>(value >> (8 * i)));
  return out;
}

uint64_t BeValue(absl::string_view bytes) {
  uint64_t value = 0;
  for (char c : bytes) value = (value << 8) | static_cast<uint8_t>(c);
  return value;
}

std::string Hex(absl::string_view hex) { return absl::HexStringToBytes(hex); }

// etc/e820 as QEMU's pc builds it: the HyperTransport hole reserved above 1 TiB, then RAM below
// 4 GiB (every RAM size this model allows fits below QEMU's 0xe0000000 split).
std::string E820(uint64_t ram_bytes) {
  const auto entry = [](uint64_t address, uint64_t length, uint32_t type) {
    return absl::StrCat(Le(address, 8), Le(length, 8), Le(type, 4));
  };
  return absl::StrCat(entry(0xfd00000000, 0x300000000, 2), entry(0, ram_bytes, 1));
}

struct File {
  const char* name;
  std::string contents;
};

// QEMU 7.2 `pc -nodefaults -m 128`, file by file in its directory order (sorted by name).
std::vector<File> Files(uint64_t ram_bytes) {
  return {
      {"bios-geometry", ""},
      {"bootorder", ""},
      {"etc/acpi/rsdp", Hex("525344205054522000424f4348532000491a0000")},
      {"etc/acpi/tables", std::string(131072, '\0')},
      {"etc/boot-fail-wait", Hex("ffffffff")},
      {"etc/e820", E820(ram_bytes)},
      {"etc/smbios/smbios-anchor", Hex("5f534d5f001f020851000000000000005f444d495f0041010000"
                                       "0000080028")},
      {"etc/smbios/smbios-tables",
       Hex("011b0001010203000000000000000000000000000000000006000051454d55005374616e64617264"
           "2050432028693434304658202b20504949582c2031393936290070632d6934343066782d372e3200"
           "000316000301010200000303030200000000000000000051454d550070632d6934343066782d372e"
           "320000042a000401030102b10f0600fdfb8b0703000000d007d0074101ffffffffffff0000000101"
           "010200010043505520300051454d550070632d6934343066782d372e3200001017001001030600"
           "000200feff010000000000000000000000112800110010feffffffffff800009000100070200000002"
           "0000000000000000000000000000000044494d4d20300051454d550000131f001300000000ffff01"
           "00001001000000000000000000000000000000000000200b00200000000000000000007f04007f00"
           "00")},
      {"etc/system-states", Hex("800000818280")},
      {"etc/table-loader", std::string(4096, '\0')},
      {"etc/tpm/log", ""},
      {"genroms/kvmvapic.bin", std::string(9216, '\0')},
  };
}

}  // namespace

absl::StatusOr<std::unique_ptr<FwCfg>> FwCfg::Create(sim::Machine* machine, uint64_t ram_bytes) {
  std::unique_ptr<FwCfg> device(new FwCfg(machine, ram_bytes));
  // The selector/data pair: byte reads and writes, word writes (QEMU's valid.accepts refuses a
  // word read: the region answers 0 and consumes nothing). Both regions take aligned pieces as
  // QEMU hands them (impl.unaligned false), so a dword at 0x511 is a data byte and unassigned
  // ports, while one at 0x510 reaches the region whole and is refused.
  sim::PortMapping selector;
  selector.name = "fwcfg";
  selector.base = kFwCfgPort;
  selector.length = 2;
  selector.region = &device->selector_;
  selector.rules = sim::AccessRules::Ops(1, 4, false, 1, 4, false);
  auto mapped = machine->io().Map(selector);
  if (!mapped.ok()) return mapped.status();
  sim::PortMapping dma;
  dma.name = "fwcfg.dma";
  dma.base = kFwCfgDmaPort;
  dma.length = 8;
  dma.region = &device->dma_;
  dma.rules = sim::AccessRules::Ops(1, 4, false, 1, 4, false);
  mapped = machine->io().Map(dma);
  if (!mapped.ok()) return mapped.status();
  return device;
}

FwCfg::FwCfg(sim::Machine* machine, uint64_t ram_bytes) : machine_(machine) {
  items_[0x00] = "QEMU";
  items_[0x01] = Le(3, 4);  // traditional interface + DMA
  items_[0x02] = std::string(16, '\0');
  items_[0x03] = Le(ram_bytes, 8);
  items_[0x04] = Le(0, 2);  // nographic
  items_[0x05] = Le(1, 2);  // CPUs
  items_[0x0e] = Le(0, 2);  // boot menu
  items_[0x0f] = Le(1, 2);  // max CPUs
  items_[kArchBit | 0x02] = Le(1, 4);  // IRQ0 override
  // HPET: one block, id 0x8086a201 at 0xfed00000, then 7 empty entries of 15 bytes.
  items_[kArchBit | 0x04] = absl::StrCat("\x01", Le(0x8086a201, 4), Le(0xfed00000, 8),
                                         std::string(2 + 1 + 7 * 15, '\0'));
  const std::vector<File> files = Files(ram_bytes);
  std::string dir = Be(files.size(), 4);
  uint16_t key = kFirstFileKey;
  for (const File& file : files) {
    std::string name(file.name);
    name.resize(56, '\0');
    absl::StrAppend(&dir, Be(file.contents.size(), 4), Be(key, 2), Be(0, 2), name);
    items_[key++] = file.contents;
  }
  items_[kFileDirKey] = std::move(dir);
}

const std::string* FwCfg::Item(uint16_t key) const {
  auto it = items_.find(key & (kArchBit | kEntryMask));
  return it == items_.end() ? nullptr : &it->second;
}

void FwCfg::Select(uint16_t key) {
  current_key_ = key;
  current_ = Item(key);
  offset_ = 0;
  machine_->events().Publish(sim::DeviceEvent{"fw-cfg", "select", key, ""});
}

uint8_t FwCfg::NextByte() {
  if (current_ == nullptr || offset_ >= current_->size()) return 0;
  return static_cast<uint8_t>((*current_)[offset_++]);
}

uint64_t FwCfg::Selector::Read(uint64_t offset, unsigned width) {
  if (width != 1) return 0;  // invalid: nothing consumed
  return device_->NextByte();
}

void FwCfg::Selector::Write(uint64_t offset, unsigned width, uint64_t value) {
  if (width == 2) device_->Select(static_cast<uint16_t>(value));
  // Byte writes go to the data port, where no item is writable; wider ones are invalid.
}

uint64_t FwCfg::Dma::Read(uint64_t offset, unsigned width) {
  uint64_t value = 0;
  for (unsigned i = 0; i < width && offset + i < 8; ++i) {
    value |= uint64_t{static_cast<uint8_t>(kDmaSignature[offset + i])} << (8 * i);
  }
  return value;
}

void FwCfg::Dma::Write(uint64_t offset, unsigned width, uint64_t value) {
  if (width != 4) return;  // QEMU accepts only dword writes at 0 and 4 (and qword at 0)
  // The register is big-endian: the guest's little-endian dword holds its bytes swapped.
  const uint32_t be = static_cast<uint32_t>(BeValue(Le(value, 4)));
  if (offset == 0) {
    device_->dma_high_ = be;
  } else if (offset == 4) {
    const uint64_t address = (uint64_t{device_->dma_high_} << 32) | be;
    device_->dma_high_ = 0;
    device_->RunDma(address);
  }
}

void FwCfg::RunDma(uint64_t address) {
  sim::MemorySpace& memory = machine_->memory();
  char header[16];
  memory.ReadBytes(address, header, sizeof header);
  const absl::string_view h(header, sizeof header);
  uint32_t control = static_cast<uint32_t>(BeValue(h.substr(0, 4)));
  const uint64_t length = BeValue(h.substr(4, 4));
  const uint64_t target = BeValue(h.substr(8, 8));
  const uint32_t given = control;
  if (control & kDmaSelect) Select(static_cast<uint16_t>(control >> 16));
  std::string what;
  bool error = false;
  if (control & kDmaWrite) {
    error = true;
    what = "write refused: no item is writable";
  } else if (control & (kDmaRead | kDmaSkip)) {
    const bool read = (control & kDmaRead) != 0;
    const uint64_t n = std::min(length, kFwCfgMaxTransfer);
    if (read) {
      std::string bytes(n, '\0');
      if (current_ != nullptr && offset_ < current_->size()) {
        const uint64_t have = std::min<uint64_t>(n, current_->size() - offset_);
        std::copy_n(current_->data() + offset_, have, bytes.data());
      }
      memory.WriteBytes(target, bytes);
    }
    offset_ += n;
    what = absl::StrFormat("%s %u bytes of 0x%x at 0x%x%s", read ? "read" : "skipped", n,
                           current_key_, target,
                           n < length ? absl::StrCat(" (of ", length, " asked)") : "");
  }
  machine_->events().Publish(sim::DeviceEvent{"fw-cfg", "dma", given, what});
  // The control word goes back: 0 when done, the error bit otherwise.
  control = error ? kDmaError : 0;
  memory.WriteBytes(address, Be(control, 4));
}

}  // namespace portrace::devices
