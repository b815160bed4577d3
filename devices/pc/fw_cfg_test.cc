#include "devices/pc/fw_cfg.h"

#include <memory>
#include <string>
#include <vector>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "sim/machine.h"

namespace portrace::devices {
namespace {

class Recorder : public sim::DeviceEventSink {
 public:
  void OnDeviceEvent(const sim::DeviceEvent& e) override {
    events.push_back(e.kind + " " + std::to_string(e.value) + (e.text.empty() ? "" : " " + e.text));
  }
  std::vector<std::string> events;
};

class FwCfgTest : public ::testing::Test {
 protected:
  void SetUp() override {
    sim::MachineOptions options;
    options.name = "pc";
    machine_ = *sim::Machine::Create(options);
    machine_->events().set_sink(&recorder_);
    device_ = *FwCfg::Create(machine_.get(), options.ram_bytes);
  }
  std::string ReadItem(uint16_t key, size_t n) {
    machine_->io().Write(0x510, 2, key);
    std::string out;
    for (size_t i = 0; i < n; ++i) out.push_back(static_cast<char>(machine_->io().Read(0x511, 1)));
    return out;
  }
  void PutBe(uint64_t address, uint64_t value, int bytes) {
    std::string b;
    for (int i = bytes - 1; i >= 0; --i) b.push_back(static_cast<char>(value >> (8 * i)));
    machine_->memory().WriteBytes(address, b);
  }
  std::string Memory(uint64_t address, size_t n) {
    std::string out(n, '\0');
    machine_->memory().ReadBytes(address, out.data(), n);
    return out;
  }
  // Writes the DMA address as a guest does: big-endian dwords, high then low.
  void StartDma(uint64_t address) {
    const auto swap = [](uint32_t v) { return __builtin_bswap32(v); };
    machine_->io().Write(0x514, 4, swap(static_cast<uint32_t>(address >> 32)));
    machine_->io().Write(0x518, 4, swap(static_cast<uint32_t>(address)));
  }

  Recorder recorder_;
  std::unique_ptr<sim::Machine> machine_;
  std::unique_ptr<FwCfg> device_;
};

TEST_F(FwCfgTest, SignatureIdAndScalarItems) {
  EXPECT_EQ(ReadItem(0x0000, 6), std::string("QEMU\0\0", 6));
  EXPECT_EQ(ReadItem(0x4000, 4), "QEMU");  // the write flag does not change the item
  EXPECT_EQ(ReadItem(0x0001, 4), std::string("\x03\0\0\0", 4));
  EXPECT_EQ(ReadItem(0x0003, 8), std::string("\0\0\0\x08\0\0\0\0", 8));  // 128 MiB
  EXPECT_EQ(ReadItem(0x0005, 2), std::string("\x01\0", 2));
  EXPECT_EQ(ReadItem(0x8004, 5), std::string("\x01\x01\xa2\x86\x80", 5));
  EXPECT_EQ(ReadItem(0x1234, 2), std::string(2, '\0'));  // absent: zeros
}

TEST_F(FwCfgTest, WideReadsAreInvalidAndConsumeNothing) {
  machine_->io().Write(0x510, 2, 0);
  EXPECT_EQ(machine_->io().Read(0x510, 2), 0u);
  EXPECT_EQ(machine_->io().Read(0x510, 1), 'Q');  // either port reads data
  EXPECT_EQ(machine_->io().Read(0x511, 1), 'E');
}

TEST_F(FwCfgTest, FileDirectoryListsQemusFiles) {
  const std::string dir = ReadItem(0x19, 4 + 12 * 64);
  EXPECT_EQ(dir.substr(0, 4), std::string("\0\0\0\x0c", 4));
  // Entry 3: etc/acpi/tables, 131072 bytes, key 0x23.
  const std::string entry = dir.substr(4 + 3 * 64, 64);
  EXPECT_EQ(entry.substr(0, 8), std::string("\0\x02\0\0\0\x23\0\0", 8));
  EXPECT_EQ(entry.substr(8, 16), std::string("etc/acpi/tables\0", 16));
  ASSERT_NE(device_->Item(0x25), nullptr);
  EXPECT_EQ(device_->Item(0x25)->size(), 40u);  // etc/e820
}

TEST_F(FwCfgTest, DmaSignatureReads) {
  EXPECT_EQ(machine_->io().Read(0x514, 4), 0x554d4551u);  // "QEMU"
  EXPECT_EQ(machine_->io().Read(0x518, 4), 0x47464320u);  // " CFG"
  EXPECT_EQ(machine_->io().Read(0x516, 2), 0x554du);
}

TEST_F(FwCfgTest, DmaSelectAndReadIntoGuestMemory) {
  // control: select key 0x25 (etc/e820) and read 40 bytes to 0x2000.
  PutBe(0x1000, (0x25u << 16) | 0x08 | 0x02, 4);
  PutBe(0x1004, 40, 4);
  PutBe(0x1008, 0x2000, 8);
  StartDma(0x1000);
  EXPECT_EQ(Memory(0x1000, 4), std::string(4, '\0'));  // done, no error
  const std::string e820 = Memory(0x2000, 40);
  EXPECT_EQ(e820.substr(28, 4), std::string("\0\0\0\x08", 4));  // RAM length 128 MiB
  EXPECT_EQ(e820.substr(36, 4), std::string("\x01\0\0\0", 4));  // type RAM
  EXPECT_THAT(recorder_.events, ::testing::Contains("dma 2424842 read 40 bytes of 0x25 at 0x2000"));
}

TEST_F(FwCfgTest, DmaWriteIsRefusedWithTheErrorBit) {
  PutBe(0x1000, 0x10, 4);
  PutBe(0x1004, 4, 4);
  PutBe(0x1008, 0x2000, 8);
  StartDma(0x1000);
  EXPECT_EQ(Memory(0x1000, 4), std::string("\0\0\0\x01", 4));
}

TEST_F(FwCfgTest, HugeDmaLengthIsBounded) {
  PutBe(0x1000, (0x23u << 16) | 0x08 | 0x02, 4);
  PutBe(0x1004, 0xffffffff, 4);
  PutBe(0x1008, 0x10000, 8);
  StartDma(0x1000);
  EXPECT_EQ(Memory(0x1000, 4), std::string(4, '\0'));
  EXPECT_THAT(recorder_.events.back(), ::testing::HasSubstr("(of 4294967295 asked)"));
}

}  // namespace
}  // namespace portrace::devices
