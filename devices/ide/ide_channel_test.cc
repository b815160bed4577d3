// One IDE channel through its registers (no ports, no PCI): status sequences as QEMU 7.2 shows
// them, interrupts on line 14, unplug, and the bus-master engine.
#include "devices/ide/ide_channel.h"

#include <memory>
#include <vector>

#include "gtest/gtest.h"
#include "sim/machine.h"

namespace portrace::devices {
namespace {

class IdeChannelTest : public ::testing::Test {
 protected:
  void SetUp() override {
    sim::MachineOptions options;
    options.name = "pc";
    machine_ = std::move(*sim::Machine::Create(options));
    channel_ = std::make_unique<IdeChannel>(machine_.get(), 0, [this] { return bus_master_; });
    auto image = DiskImage::Open("testdata/fidelity/ide-disk.img", true);
    ASSERT_TRUE(image.ok()) << image.status();
    channel_->AttachDrive(0, IdeDriveKind::kDisk, std::move(*image));
  }
  void Task(int count, uint32_t lba) {
    channel_->WriteRegister(2, 1, count);
    channel_->WriteRegister(3, 1, lba & 0xff);
    channel_->WriteRegister(4, 1, (lba >> 8) & 0xff);
    channel_->WriteRegister(5, 1, (lba >> 16) & 0xff);
    channel_->WriteRegister(6, 1, 0xe0 | ((lba >> 24) & 0xf));
  }
  uint8_t AltStatus() { return channel_->ReadAltStatus(); }

  std::unique_ptr<sim::Machine> machine_;
  std::unique_ptr<IdeChannel> channel_;
  bool bus_master_ = true;
};

TEST_F(IdeChannelTest, CommandStatusTable) {
  const struct {
    uint8_t command;
    uint8_t feature;
    uint8_t count;
    uint8_t status;  // alternate status right after the command
    uint8_t error;
  } cases[] = {
      {0xec, 0, 1, 0x58, 0x00},     // IDENTIFY: DRQ
      {0x40, 0, 1, 0x50, 0x00},     // READ VERIFY: DSC
      {0x10, 0, 1, 0x50, 0x00},     // RECALIBRATE
      {0x91, 0, 1, 0x50, 0x00},     // INITIALIZE DEVICE PARAMETERS
      {0xe7, 0, 1, 0x50, 0x00},     // FLUSH CACHE
      {0xc6, 0, 8, 0x50, 0x00},     // SET MULTIPLE MODE 8
      {0xc6, 0, 3, 0x41, 0x04},     // SET MULTIPLE MODE 3: ABRT
      {0xef, 0x03, 0x42, 0x50, 0x00},  // SET FEATURES UDMA 2
      {0xef, 0x77, 0, 0x41, 0x04},  // unknown feature
      {0xa0, 0, 0, 0x41, 0x04},     // PACKET on a disk
      {0x55, 0, 0, 0x41, 0x04},     // unknown command
      {0x90, 0, 0, 0x50, 0x01},     // EXECUTE DEVICE DIAGNOSTIC
  };
  for (const auto& c : cases) {
    channel_->WriteRegister(1, 1, c.feature);
    channel_->WriteRegister(2, 1, c.count);
    channel_->WriteRegister(7, 1, c.command);
    EXPECT_EQ(AltStatus(), c.status) << std::hex << int{c.command};
    EXPECT_EQ(channel_->ReadRegister(1, 1), c.error) << std::hex << int{c.command};
    while (AltStatus() & 0x08) channel_->ReadRegister(0, 2);
    channel_->ReadRegister(7, 1);
  }
}

// The window in which QEMU's status would still say BSY while its host does the I/O.
TEST_F(IdeChannelTest, HostIoWindowOpensOnBlockIoAndClosesOnData) {
  EXPECT_FALSE(channel_->awaiting_host_io());
  channel_->WriteRegister(7, 1, 0xec);  // IDENTIFY: answered from memory
  EXPECT_FALSE(channel_->awaiting_host_io());
  while (AltStatus() & 0x08) channel_->ReadRegister(0, 2);
  Task(2, 0);
  channel_->WriteRegister(7, 1, 0x20);  // READ SECTORS: a host read
  EXPECT_TRUE(channel_->awaiting_host_io());
  channel_->ReadRegister(7, 1);  // polling status keeps it open
  EXPECT_TRUE(channel_->awaiting_host_io());
  channel_->ReadRegister(0, 2);  // the guest moves data: QEMU had finished
  EXPECT_FALSE(channel_->awaiting_host_io());
  for (int i = 1; i < 256; ++i) channel_->ReadRegister(0, 2);
  EXPECT_TRUE(channel_->awaiting_host_io());  // the second sector's read started
  for (int i = 0; i < 256; ++i) channel_->ReadRegister(0, 2);
  channel_->WriteRegister(7, 1, 0xe7);  // FLUSH CACHE
  EXPECT_TRUE(channel_->awaiting_host_io());
  channel_->WriteRegister(7, 1, 0x10);  // a new command closes it
  EXPECT_FALSE(channel_->awaiting_host_io());
  channel_->WriteDeviceControl(0x04);  // SRST: reset from a bottom half in QEMU
  EXPECT_TRUE(channel_->awaiting_host_io());
}

TEST_F(IdeChannelTest, InterruptFollowsNienAndStatusRead) {
  channel_->WriteRegister(7, 1, 0xe7);
  EXPECT_TRUE(machine_->irq().level(14));
  channel_->ReadAltStatus();
  EXPECT_TRUE(machine_->irq().level(14));
  channel_->ReadRegister(7, 1);
  EXPECT_FALSE(machine_->irq().level(14));
  channel_->WriteDeviceControl(0x02);
  channel_->WriteRegister(7, 1, 0xe7);
  EXPECT_FALSE(machine_->irq().level(14));
}

TEST_F(IdeChannelTest, UnplugRemovesTheDiskAndResets) {
  Task(1, 0);
  channel_->WriteRegister(7, 1, 0x20);
  EXPECT_EQ(AltStatus(), 0x58);
  EXPECT_EQ(channel_->UnplugDisks(/*keep_master=*/true).size(), 0u);
  const std::vector<std::string> removed = channel_->UnplugDisks(false);
  ASSERT_EQ(removed.size(), 1u);
  EXPECT_EQ(removed[0], "ide0 master disk");
  EXPECT_EQ(channel_->kind(0), IdeDriveKind::kNone);
  EXPECT_EQ(AltStatus(), 0x00);  // no drive on the channel
}

TEST_F(IdeChannelTest, BusMasterRegisters) {
  channel_->WriteBusMaster(4, 4, 0x12345677);
  EXPECT_EQ(channel_->ReadBusMaster(4, 4), 0x12345674u);
  channel_->WriteBusMaster(5, 1, 0xab);
  EXPECT_EQ(channel_->ReadBusMaster(4, 4), 0x1234ab74u);
  EXPECT_EQ(channel_->ReadBusMaster(1, 1), 0xffu);
  EXPECT_EQ(channel_->ReadBusMaster(0, 2), 0xffffu);
  channel_->WriteBusMaster(2, 1, 0x66);
  EXPECT_EQ(channel_->ReadBusMaster(2, 1), 0x60u);
}

TEST_F(IdeChannelTest, DmaWithBusMasteringOffMovesNothing) {
  bus_master_ = false;
  const uint8_t prd[8] = {0x00, 0x20, 0, 0, 0x00, 0x02, 0, 0x80};
  machine_->ram().Write(0x1000, reinterpret_cast<const char*>(prd), 8);
  channel_->WriteBusMaster(4, 4, 0x1000);
  Task(1, 1);
  channel_->WriteRegister(7, 1, 0xc8);
  channel_->WriteBusMaster(0, 1, 0x09);
  EXPECT_EQ(channel_->ReadBusMaster(2, 1) & 0x01, 0u);
  char buf[8] = {};
  machine_->ram().Read(0x2000, buf, 8);
  EXPECT_EQ(buf[0], 0);
}

}  // namespace
}  // namespace portrace::devices
