#include "sim/qemu_command_line.h"

#include <string>
#include <vector>

#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace portrace::sim {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::IsEmpty;

// The command line the shared SeaBIOS capture was recorded with (formats.md).
TEST(QemuCommandLineTest, TheSharedCaptureCommandLine) {
  MachineOptions o;
  std::vector<std::string> notes;
  ASSERT_TRUE(
      ApplyQemuCommandLine("-machine pc -display none -serial null -monitor none -accel tcg "
                           "-drive file=mbr.img,format=raw,if=ide,index=0 "
                           "-drive if=ide,index=2,media=cdrom -nic user,model=ne2k_pci "
                           "-trace memory_region_ops_* -D capture.log -boot order=c",
                           &o, &notes)
          .ok());
  EXPECT_EQ(o.name, "pc");
  EXPECT_TRUE(o.qemu_defaults);
  EXPECT_TRUE(o.serial);
  EXPECT_FALSE(o.no_serial);
  EXPECT_EQ(o.boot_order, "c");
  EXPECT_THAT(o.drives,
              ElementsAre("file=mbr.img,format=raw,if=ide,index=0", "if=ide,index=2,media=cdrom"));
  EXPECT_THAT(o.nics, ElementsAre("user,model=ne2k_pci"));
  EXPECT_THAT(notes, IsEmpty());
}

TEST(QemuCommandLineTest, OptionsTable) {
  const struct {
    const char* args;
    std::vector<std::string> drives, nics;
    uint64_t ram_bytes;
    bool defaults, serial, no_serial, parallel, no_parallel;
    std::string vga, boot, rtc_base;
  } cases[] = {
      {"-M pc-i440fx-7.2 -nodefaults",
       {},
       {},
       128 << 20,
       false,
       false,
       false,
       false,
       false,
       "",
       "cad",
       ""},
      {"-hda a.img -hdb b.img -cdrom cd.iso -snapshot -nodefaults",
       {"file=a.img,index=0,snapshot=on", "file=b.img,index=1,snapshot=on",
        "file=cd.iso,index=2,media=cdrom,snapshot=on"},
       {},
       128 << 20,
       false,
       false,
       false,
       false,
       false,
       "",
       "cad",
       ""},
      {"-nodefaults -drive file=x,snapshot=off -snapshot",
       {"file=x,snapshot=off"},
       {},
       128 << 20,
       false,
       false,
       false,
       false,
       false,
       "",
       "cad",
       ""},
      {"-nodefaults -device rtl8139,netdev=n,mac=52:54:00:00:00:01 -netdev user,id=n "
       "-net nic,model=ne2k_isa -net user -nic none",
       {},
       {"model=rtl8139,netdev=n,mac=52:54:00:00:00:01", "model=ne2k_isa"},
       128 << 20,
       false,
       false,
       false,
       false,
       false,
       "",
       "cad",
       ""},
      {"-m 512 -serial none -parallel none -vga none -nic user,model=rtl8139",
       {},
       {"user,model=rtl8139"},
       512 << 20,
       true,
       false,
       true,
       false,
       true,
       "none",
       "cad",
       ""},
      {"-m size=2G -serial stdio -parallel null -vga std -boot d -nodefaults",
       {},
       {},
       uint64_t{2} << 30,
       false,
       true,
       false,
       true,
       false,
       "std",
       "d",
       ""},
      {"-m 64M -boot order=cd,once=n,menu=on -nodefaults -rtc base=2026-11-22T01:43:54,clock=vm",
       {},
       {},
       64 << 20,
       false,
       false,
       false,
       false,
       false,
       "",
       "n",
       "2026-11-22T01:43:54"},
      {"--nodefaults -S -enable-kvm -no-reboot -nographic -smp 1 -cpu max -name g "
       "-machine pc,accel=kvm,usb=off",
       {},
       {},
       128 << 20,
       false,
       false,
       false,
       false,
       false,
       "",
       "cad",
       ""},
  };
  for (const auto& c : cases) {
    MachineOptions o;
    const absl::Status status = ApplyQemuCommandLine(c.args, &o);
    ASSERT_TRUE(status.ok()) << c.args << ": " << status;
    EXPECT_EQ(o.drives, c.drives) << c.args;
    EXPECT_EQ(o.nics, c.nics) << c.args;
    EXPECT_EQ(o.ram_bytes, c.ram_bytes) << c.args;
    EXPECT_EQ(o.qemu_defaults, c.defaults) << c.args;
    EXPECT_EQ(o.serial, c.serial) << c.args;
    EXPECT_EQ(o.no_serial, c.no_serial) << c.args;
    EXPECT_EQ(o.parallel, c.parallel) << c.args;
    EXPECT_EQ(o.no_parallel, c.no_parallel) << c.args;
    EXPECT_EQ(o.vga, c.vga) << c.args;
    EXPECT_EQ(o.boot_order, c.boot) << c.args;
    EXPECT_EQ(o.rtc_base, c.rtc_base) << c.args;
  }
}

TEST(QemuCommandLineTest, NotesWhatQemuAddsAndPortraceDoesNotModel) {
  MachineOptions o;
  std::vector<std::string> notes;
  ASSERT_TRUE(ApplyQemuCommandLine("-machine pc -rtc base=localtime", &o, &notes).ok());
  ASSERT_EQ(notes.size(), 2u);
  EXPECT_THAT(notes[0], HasSubstr("-rtc base=localtime: the host's clock is not modelled"));
  EXPECT_THAT(notes[1], HasSubstr("an e1000"));
}

TEST(QemuCommandLineTest, BadCommandLinesNameTheWord) {
  const struct {
    const char* args;
    const char* error;
  } cases[] = {
      {"-machine q35", "machine type 'q35': portrace models QEMU's pc"},
      {"-machine pc,hpet=off", "machine property 'hpet' is not modelled"},
      {"-drive", "-drive: needs a value"},
      {"-device e1000", "device 'e1000' is not modelled"},
      {"-device isa-serial,chardev=c", "device 'isa-serial'"},
      {"-m 0", "-m 0: expected a size"},
      {"-m 12Q", "-m 12Q: expected a size"},
      {"-m 2000T", "-m 2000T: expected a size"},
      {"-smp 4", "-smp 4: portrace models one CPU"},
      {"-serial null -serial null", "a second serial port"},
      {"-parallel null -parallel file:x", "a second parallel port"},
      {"-vga cirrus", "-vga cirrus: only std and none"},
      {"-no-acpi", "-no-acpi: this QEMU option is not understood"},
      {"disk.img", "disk.img: not an option"},
  };
  for (const auto& c : cases) {
    MachineOptions o;
    const absl::Status status = ApplyQemuCommandLine(c.args, &o);
    EXPECT_FALSE(status.ok()) << c.args;
    EXPECT_THAT(std::string(status.message()), HasSubstr(c.error)) << c.args;
    EXPECT_THAT(std::string(status.message()), HasSubstr("--qemu-args: ")) << c.args;
  }
}

}  // namespace
}  // namespace portrace::sim
