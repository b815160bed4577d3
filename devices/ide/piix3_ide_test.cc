// The PIIX3 IDE function through the guest's ports, on a `pc` machine built from -drive strings
// with the fidelity images (testdata/fidelity/ide-disk.img: sector N starts "PORTRACE DISK N").
#include "devices/ide/piix3_ide.h"

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "absl/strings/str_format.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "sim/machine.h"
#include "sim/machine_builder.h"

namespace portrace::devices {
namespace {

using ::testing::HasSubstr;

constexpr char kDisk[] = "file=testdata/fidelity/ide-disk.img,format=raw,if=ide,index=0";
constexpr char kCd[] = "file=testdata/fidelity/ide-cd.iso,if=ide,index=2,media=cdrom";

class Events : public sim::DeviceEventSink {
 public:
  void OnDeviceEvent(const sim::DeviceEvent& e) override {
    if (e.device == "piix3-ide") kinds.push_back(e.kind);
  }
  bool Has(const std::string& kind) const {
    for (const auto& k : kinds) {
      if (k == kind) return true;
    }
    return false;
  }
  std::vector<std::string> kinds;
};

std::unique_ptr<sim::Machine> Build(std::vector<std::string> drives) {
  sim::MachineOptions options;
  options.name = "pc";
  options.drives = std::move(drives);
  absl::StatusOr<std::unique_ptr<sim::Machine>> m = sim::BuildMachine(options);
  EXPECT_TRUE(m.ok()) << m.status();
  return m.ok() ? std::move(*m) : nullptr;
}

std::string ReadString(sim::Machine& m, int bytes) {
  std::string s;
  for (int i = 0; i < bytes / 2; ++i) {
    const uint32_t w = m.io().Read(0x1f0, 2);
    s.push_back(static_cast<char>(w & 0xff));
    s.push_back(static_cast<char>(w >> 8));
  }
  return s;
}

TEST(Piix3IdeTest, StatusAndSignatureAfterReset) {
  auto m = Build({kDisk});
  const struct {
    uint32_t port;
    uint32_t value;
  } cases[] = {{0x1f7, 0x50}, {0x3f6, 0x50}, {0x1f1, 0x00}, {0x1f2, 0x01}, {0x1f3, 0x01},
               {0x1f4, 0x00}, {0x1f5, 0x00}, {0x1f6, 0xa0}, {0x177, 0x00}, {0x1f0, 0x00}};
  for (const auto& c : cases) EXPECT_EQ(m->io().Read(c.port, 1), c.value) << std::hex << c.port;
  m->io().Write(0x1f6, 1, 0xb0);  // absent slave: status reads 0
  EXPECT_EQ(m->io().Read(0x1f7, 1), 0u);
}

TEST(Piix3IdeTest, IdentifyAndReadSectors) {
  auto m = Build({kDisk});
  m->io().Write(0x1f7, 1, 0xec);
  EXPECT_EQ(m->io().Read(0x1f7, 1), 0x58u);
  const std::string id = ReadString(*m, 512);
  EXPECT_EQ(id.substr(54, 14), "EQUMH RADDSI K");  // byte-swapped "QEMU HARDDISK"
  EXPECT_EQ(m->io().Read(0x1f7, 1), 0x50u);
  // READ SECTORS, LBA 5, 2 sectors.
  m->io().Write(0x1f2, 1, 2);
  m->io().Write(0x1f3, 1, 5);
  m->io().Write(0x1f4, 1, 0);
  m->io().Write(0x1f5, 1, 0);
  m->io().Write(0x1f6, 1, 0xe0);
  m->io().Write(0x1f7, 1, 0x20);
  EXPECT_EQ(ReadString(*m, 512).substr(0, 22), "PORTRACE DISK 00000005");
  EXPECT_EQ(ReadString(*m, 512).substr(0, 22), "PORTRACE DISK 00000006");
  EXPECT_EQ(m->io().Read(0x1f7, 1), 0x50u);
  EXPECT_EQ(m->io().Read(0x1f3, 1), 7u);
}

TEST(Piix3IdeTest, WriteGoesToTheOverlay) {
  auto m = Build({kDisk});
  m->io().Write(0x1f2, 1, 1);
  m->io().Write(0x1f3, 1, 9);
  m->io().Write(0x1f6, 1, 0xe0);
  m->io().Write(0x1f7, 1, 0x30);
  for (int i = 0; i < 256; ++i) m->io().Write(0x1f0, 2, 0x4141);
  EXPECT_EQ(m->io().Read(0x1f7, 1), 0x50u);
  m->io().Write(0x1f2, 1, 1);
  m->io().Write(0x1f3, 1, 9);
  m->io().Write(0x1f7, 1, 0x20);
  EXPECT_EQ(ReadString(*m, 512).substr(0, 4), "AAAA");
  // A fresh machine still sees the image unchanged.
  auto fresh = Build({kDisk});
  fresh->io().Write(0x1f2, 1, 1);
  fresh->io().Write(0x1f3, 1, 9);
  fresh->io().Write(0x1f6, 1, 0xe0);
  fresh->io().Write(0x1f7, 1, 0x20);
  EXPECT_EQ(ReadString(*fresh, 512).substr(0, 8), "PORTRACE");
}

TEST(Piix3IdeTest, DmaReadThroughPrdTable) {
  auto m = Build({kDisk});
  // BAR4 = 0xc000, I/O + bus master.
  m->io().Write(0xcf8, 4, 0x80000920);
  m->io().Write(0xcfc, 4, 0xc001);
  m->io().Write(0xcf8, 4, 0x80000904);
  m->io().Write(0xcfc, 2, 0x0005);
  // PRD at 0x1000: 1024 bytes to 0x2000, end of table.
  const uint8_t prd[8] = {0x00, 0x20, 0, 0, 0x00, 0x04, 0, 0x80};
  m->ram().Write(0x1000, reinterpret_cast<const char*>(prd), 8);
  m->io().Write(0xc004, 4, 0x1000);
  m->io().Write(0x1f2, 1, 2);
  m->io().Write(0x1f3, 1, 3);
  m->io().Write(0x1f6, 1, 0xe0);
  m->io().Write(0x1f7, 1, 0xc8);
  EXPECT_EQ(m->io().Read(0x1f7, 1), 0x58u);
  m->io().Write(0xc000, 1, 0x09);  // start, read into memory
  EXPECT_EQ(m->io().Read(0xc002, 1), 0x04u);  // interrupt, not active
  EXPECT_EQ(m->io().Read(0x1f7, 1), 0x50u);
  char buf[23] = {};
  m->ram().Read(0x2200, buf, 22);
  EXPECT_EQ(std::string(buf), "PORTRACE DISK 00000004");
}

TEST(Piix3IdeTest, AtapiInquiryAndCapacity) {
  auto m = Build({kDisk, kCd});
  EXPECT_EQ(m->io().Read(0x174, 1), 0x14u);
  EXPECT_EQ(m->io().Read(0x175, 1), 0xebu);
  m->io().Write(0x174, 1, 0x00);
  m->io().Write(0x175, 1, 0x08);
  m->io().Write(0x177, 1, 0xa0);
  const uint8_t cdb[12] = {0x25};
  for (int i = 0; i < 12; i += 2) m->io().Write(0x170, 2, cdb[i] | cdb[i + 1] << 8);
  EXPECT_EQ(m->io().Read(0x177, 1), 0x58u);
  EXPECT_EQ(m->io().Read(0x170, 2), 0x0000u);
  EXPECT_EQ(m->io().Read(0x170, 2), 0x7f00u);  // 128 sectors: last LBA 127, big-endian
  EXPECT_EQ(m->io().Read(0x170, 2), 0x0000u);
  EXPECT_EQ(m->io().Read(0x170, 2), 0x0008u);
  EXPECT_EQ(m->io().Read(0x177, 1), 0x50u);
  EXPECT_EQ(m->io().Read(0x172, 1), 0x03u);
}

TEST(Piix3IdeTest, EventsForMisuse) {
  auto m = Build({kDisk});
  Events events;
  m->events().set_sink(&events);
  m->io().Read(0x1f0, 2);          // no DRQ
  m->io().Write(0x1f7, 1, 0xec);   // IDENTIFY
  m->io().Write(0x1f7, 1, 0xec);   // while DRQ
  m->io().Write(0x1f3, 1, 0x01);   // task file while DRQ
  m->io().Read(0x1f0, 1);          // byte read of the data port
  for (int i = 0; i < 256; ++i) m->io().Read(0x1f0, 2);
  m->io().Write(0x1f6, 1, 0xb0);
  m->io().Write(0x1f7, 1, 0xec);   // absent slave
  m->io().Write(0x1f6, 1, 0xa0);
  m->io().Write(0x1f7, 1, 0x55);   // unknown
  m->io().Write(0x1f2, 1, 1);
  m->io().Write(0x1f3, 1, 0);
  m->io().Write(0x1f4, 1, 0);
  m->io().Write(0x1f5, 1, 0x10);
  m->io().Write(0x1f6, 1, 0xe0);
  m->io().Write(0x1f7, 1, 0x20);   // LBA 0x100000: out of range
  for (const char* kind : {"data-without-drq", "command-while-busy", "register-write-while-busy",
                           "data-width", "command-to-absent-drive", "unknown-command",
                           "lba-out-of-range"}) {
    EXPECT_TRUE(events.Has(kind)) << kind;
  }
  EXPECT_EQ(m->io().Read(0x1f7, 1), 0x41u);
  EXPECT_EQ(m->io().Read(0x1f1, 1), 0x04u);
  m->events().set_sink(nullptr);
}

TEST(Piix3IdeTest, BadDrivesAreRefused) {
  const struct {
    std::vector<std::string> drives;
    absl::StatusCode code;
    const char* message;
  } cases[] = {
      {{"file=nope.img,index=0"}, absl::StatusCode::kNotFound, "nope.img"},
      {{"file=x.img,format=vmdk"}, absl::StatusCode::kInvalidArgument, "--drive=file=x.img"},
      {{kDisk, kDisk}, absl::StatusCode::kInvalidArgument, "index 0 is already in use"},
  };
  for (const auto& c : cases) {
    sim::MachineOptions options;
    options.name = "pc";
    options.drives = c.drives;
    absl::StatusOr<std::unique_ptr<sim::Machine>> m = sim::BuildMachine(options);
    ASSERT_FALSE(m.ok());
    EXPECT_EQ(m.status().code(), c.code);
    EXPECT_THAT(m.status().message(), HasSubstr(c.message));
  }
}

// The platform device's unplug mask (protocol.md §c, upstream QEMU): bit 2 removes every IDE
// disk but the primary master, bit 0 every disk; CD-ROMs stay.
TEST(Piix3IdeTest, PlatformUnplugRemovesDisksKeepsCdroms) {
  sim::MachineOptions options;
  options.name = "xen-upstream";
  options.drives = {kDisk, "file=testdata/fidelity/ide-disk.img,index=1", kCd};
  absl::StatusOr<std::unique_ptr<sim::Machine>> built = sim::BuildMachine(options);
  ASSERT_TRUE(built.ok()) << built.status();
  sim::Machine& m = **built;
  auto status_of = [&m](uint32_t base, uint8_t select) {
    m.io().Write(base + 6, 1, select);
    return m.io().Read(base + 7, 1);
  };
  EXPECT_EQ(status_of(0x1f0, 0xa0), 0x50u);
  EXPECT_EQ(status_of(0x1f0, 0xb0), 0x50u);
  m.io().Write(0x10, 2, 0x4);  // aux disks
  EXPECT_EQ(status_of(0x1f0, 0xa0), 0x50u);
  EXPECT_EQ(status_of(0x1f0, 0xb0), 0x00u);  // the slave disk is gone
  m.io().Write(0x10, 2, 0x1);  // all disks
  EXPECT_EQ(status_of(0x1f0, 0xa0), 0x00u);
  EXPECT_EQ(status_of(0x170, 0xa0), 0x50u);  // the CD-ROM stays
  EXPECT_EQ(m.io().Read(0x174, 1), 0x14u);
}

// Garbage port sequences (a fixed-seed LCG, no wall time): nothing crashes, hangs or grows.
TEST(Piix3IdeTest, HostileSequencesSurvive) {
  auto m = Build({kDisk, kCd});
  m->io().Write(0xcf8, 4, 0x80000920);
  m->io().Write(0xcfc, 4, 0xc001);
  m->io().Write(0xcf8, 4, 0x80000904);
  m->io().Write(0xcfc, 2, 0x0005);
  const uint32_t ports[] = {0x1f0, 0x1f1, 0x1f2, 0x1f3, 0x1f4, 0x1f5, 0x1f6, 0x1f7, 0x3f6,
                            0x170, 0x171, 0x172, 0x173, 0x174, 0x175, 0x176, 0x177, 0x376,
                            0xc000, 0xc002, 0xc004, 0xc008, 0xc00a, 0xc00c};
  uint64_t x = 0x5eed;
  for (int i = 0; i < 200000; ++i) {
    x = x * 6364136223846793005ull + 1442695040888963407ull;
    const uint32_t port = ports[(x >> 33) % (sizeof(ports) / sizeof(ports[0]))];
    const unsigned width = 1u << ((x >> 20) % 3);
    const uint32_t value = static_cast<uint32_t>(x >> 8);
    if ((x >> 40) & 1) {
      m->io().Write(port, width, value);
    } else {
      m->io().Read(port, width);
    }
  }
  EXPECT_LE(m->ram().pages_allocated(), m->ram().size() / 4096);
}

}  // namespace
}  // namespace portrace::devices
