#include "devices/platform/platform_device.h"

#include <memory>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "sim/machine.h"

namespace portrace::devices {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::IsEmpty;

class FakeUnplug : public UnplugTarget {
 public:
  std::vector<std::string> UnplugIdeDisks(bool keep_primary_master) override {
    calls.push_back(keep_primary_master ? "ide-aux" : "ide-all");
    return {"hda"};
  }
  std::vector<std::string> UnplugScsiControllers() override {
    calls.push_back("scsi");
    return {};
  }
  std::vector<std::string> UnplugNvmeControllers() override {
    calls.push_back("nvme");
    return {};
  }
  std::vector<std::string> UnplugNics() override {
    calls.push_back("nics");
    return {"00:04.0 rtl8139"};
  }
  std::vector<std::string> UnplugIdeDisk(int index) override {
    calls.push_back(absl::StrCat("ide-", index));
    return {};
  }
  std::vector<std::string> UnplugNic(int index) override {
    calls.push_back(absl::StrCat("nic-", index));
    return {"00:04.0 rtl8139"};
  }
  std::vector<std::string> calls;
};

// Blacklists exactly the (product, build) pairs listed.
class FakeBlacklist : public DriverBlacklist {
 public:
  Verdict Check(uint16_t product, uint32_t build) override {
    checks.push_back(absl::StrFormat("%u/%d", product, static_cast<int32_t>(build)));
    for (const auto& [p, b] : listed) {
      if (p == product && b == build) return {true, "listed"};
    }
    return {false, "absent"};
  }
  std::vector<std::pair<uint16_t, uint32_t>> listed;
  std::vector<std::string> checks;
};

class Events : public sim::DeviceEventSink {
 public:
  void OnDeviceEvent(const sim::DeviceEvent& e) override {
    if (e.kind == "log-byte" || e.kind == "bar-write") return;  // too chatty for these tests
    seen.push_back(e.text.empty() ? absl::StrFormat("%s %x", e.kind, e.value)
                                  : absl::StrFormat("%s %x %s", e.kind, e.value, e.text));
  }
  std::vector<std::string> seen;
};

struct Rig {
  explicit Rig(sim::PlatformFlavour flavour, bool throttling_disabled = false) {
    sim::MachineOptions options;
    options.name = flavour == sim::PlatformFlavour::kTraditional ? "xen-trad"
                   : flavour == sim::PlatformFlavour::kXenServer ? "xen-xenserver"
                                                                 : "xen-upstream";
    machine = *sim::Machine::Create(options);
    machine->events().set_sink(&events);
    PlatformOptions platform;
    platform.behaviour = FindPlatformBehaviour(flavour);
    platform.machine = machine.get();
    platform.unplug = &unplug;
    platform.blacklist = &blacklist;
    platform.throttling_disabled = throttling_disabled;
    device = *PlatformDevice::Create(platform);
    // Where a guest's BIOS would program BAR0.
    sim::PortMapping bar;
    bar.name = "xen-pci";
    bar.base = 0xc000;
    bar.length = kPlatformBar0Size;
    bar.region = device->bar0_region();
    bar.rules = device->bar0_rules();
    EXPECT_TRUE(machine->io().Map(bar).ok());
  }
  uint32_t In(uint32_t port, unsigned width) { return machine->io().Read(port, width); }
  void Out(uint32_t port, unsigned width, uint32_t value) {
    machine->io().Write(port, width, value);
  }

  FakeUnplug unplug;
  FakeBlacklist blacklist;
  Events events;
  std::unique_ptr<sim::Machine> machine;
  std::unique_ptr<PlatformDevice> device;
};

constexpr sim::PlatformFlavour kTrad = sim::PlatformFlavour::kTraditional;
constexpr sim::PlatformFlavour kXs = sim::PlatformFlavour::kXenServer;
constexpr sim::PlatformFlavour kUp = sim::PlatformFlavour::kUpstream;

TEST(PlatformDeviceTest, FixedPortReadsByWidth) {
  for (sim::PlatformFlavour flavour : {kTrad, kXs, kUp}) {
    Rig rig(flavour);
    const struct {
      uint32_t port;
      unsigned width;
      uint32_t value;
    } cases[] = {
        {0x10, 2, 0x49d2},     {0x10, 1, 0x00},   {0x10, 4, 0xffffffff}, {0x11, 1, 0xff},
        {0x11, 2, 0xffff},     {0x12, 1, 0x01},   {0x12, 2, 0xffff},     {0x13, 1, 0xff},
        {0x14, 4, 0xffffffff}, {0x1e, 2, 0xffff},
    };
    for (const auto& c : cases) {
      EXPECT_EQ(rig.In(c.port, c.width), c.value)
          << FindPlatformBehaviour(flavour)->name << absl::StrFormat(" in%u 0x%x", c.width, c.port);
    }
    // A word at 0x1f runs into unclaimed 0x20: Xen's null handler answers.
    EXPECT_EQ(rig.In(0x1f, 2), 0xffffu);
  }
}

// protocol.md §e.2 (GPLPV) against a host that blacklists gplpv-windows build 1.
TEST(PlatformDeviceTest, BlacklistedDriverSeesTheOtherMagicExceptUpstream) {
  const struct {
    sim::PlatformFlavour flavour;
    uint32_t second_magic;
    bool unplugged;
  } cases[] = {{kTrad, 0xd249, true}, {kXs, 0xd249, false}, {kUp, 0x49d2, true}};
  for (const auto& c : cases) {
    Rig rig(c.flavour);
    rig.blacklist.listed = {{2, 1}};
    EXPECT_EQ(rig.In(0x10, 2), 0x49d2u);
    EXPECT_EQ(rig.In(0x12, 1), 1u);
    rig.Out(0x12, 2, 0x0002);
    rig.Out(0x10, 4, 0x00000001);
    EXPECT_EQ(rig.In(0x10, 2), c.second_magic) << FindPlatformBehaviour(c.flavour)->name;
    rig.Out(0x10, 2, 0x0003);  // a driver that unplugs anyway
    EXPECT_EQ(!rig.unplug.calls.empty(), c.unplugged) << FindPlatformBehaviour(c.flavour)->name;
  }
}

TEST(PlatformDeviceTest, TraditionalBlacklistIsStickyXenServerReevaluates) {
  Rig trad(kTrad);
  trad.blacklist.listed = {{1, 100}};
  trad.Out(0x12, 2, 1);
  trad.Out(0x10, 4, 100);
  trad.Out(0x10, 4, 101);
  EXPECT_EQ(trad.In(0x10, 2), 0xd249u);

  Rig xs(kXs);
  xs.blacklist.listed = {{1, 100}};
  xs.In(0x12, 1);  // sets version 1
  xs.Out(0x12, 2, 1);
  xs.Out(0x10, 4, 100);
  EXPECT_EQ(xs.In(0x10, 2), 0xd249u);
  xs.Out(0x10, 4, 101);
  EXPECT_EQ(xs.In(0x10, 2), 0x49d2u);
}

TEST(PlatformDeviceTest, BuildBeforeProductAndVersionZero) {
  Rig trad(kTrad);
  trad.Out(0x10, 4, 7);
  EXPECT_THAT(trad.events.seen, ElementsAre("build-write 7 ignored: product number not set"));
  EXPECT_THAT(trad.blacklist.checks, IsEmpty());

  // XenServer: nothing identifies until the version is set (reading 0x12 sets it).
  Rig xs(kXs);
  xs.Out(0x12, 2, 2);
  xs.Out(0x10, 4, 7);
  EXPECT_THAT(xs.events.seen, ElementsAre("product-write 2 ignored: unplug protocol version 0",
                                          "build-write 7 ignored: unplug protocol version 0"));

  Rig up(kUp);
  up.Out(0x10, 4, 7);
  EXPECT_THAT(up.events.seen,
              ElementsAre("build-write 7 no effect: upstream QEMU discards the build number"));
}

TEST(PlatformDeviceTest, BuildNumberIsLookedUpSignedAndAtAnyPortOnXenServer) {
  Rig xs(kXs);
  xs.In(0x12, 1);
  xs.Out(0x12, 2, 0xffff);
  xs.Out(0x14, 4, 0x80000000);  // XenServer does not decode the address of 4-byte writes
  EXPECT_THAT(xs.blacklist.checks, ElementsAre("65535/-2147483648"));
  Rig trad(kTrad);
  trad.Out(0x12, 2, 1);
  trad.Out(0x14, 4, 5);
  EXPECT_THAT(trad.blacklist.checks, IsEmpty());
}

// protocol.md §e.4: the old XenBus v2 user.
TEST(PlatformDeviceTest, XenServerVersion2UnplugsByTypeAndIndex) {
  Rig xs(kXs);
  EXPECT_EQ(xs.In(0x10, 2), 0x49d2u);
  xs.Out(0x11, 1, 0x00);
  xs.Out(0x13, 1, 0x02);
  EXPECT_EQ(xs.In(0x12, 1), 2u);
  EXPECT_EQ(xs.In(0x10, 2), 0xd249u);  // blacklisted until identified
  xs.Out(0x12, 2, 0x0003);
  xs.Out(0x10, 4, (0x0001 << 8) | 0x01);
  EXPECT_EQ(xs.In(0x10, 2), 0x49d2u);
  xs.Out(0x10, 2, 0x0003);  // the v0/v1 mask is ignored in version 2
  xs.Out(0x11, 1, 2);
  xs.Out(0x13, 1, 0);
  xs.Out(0x11, 1, 1);
  xs.Out(0x13, 1, 1);
  EXPECT_THAT(xs.unplug.calls, ElementsAre("nic-0", "ide-1"));
  EXPECT_THAT(xs.events.seen,
              testing::Contains("unplug 3 ignored: unplug protocol version 2 is active"));
}

TEST(PlatformDeviceTest, UnplugMaskPerFlavour) {
  const struct {
    sim::PlatformFlavour flavour;
    uint16_t mask;
    std::vector<std::string> calls;
  } cases[] = {
      {kTrad, 0x1, {"ide-all"}},
      {kTrad, 0x2, {"nics"}},
      {kTrad, 0x5, {"ide-all", "ide-aux"}},
      {kTrad, 0x8, {}},
      {kXs, 0x6, {"nics", "ide-aux"}},
      {kUp, 0x1, {"ide-all", "scsi"}},
      {kUp, 0x4, {"ide-aux"}},
      {kUp, 0x5, {"ide-all", "scsi"}},
      {kUp, 0x8, {"ide-all", "scsi", "nvme"}},  // upstream quirk: bit 3 alone takes disks too
      {kUp, 0xfff0, {}},
  };
  for (const auto& c : cases) {
    Rig rig(c.flavour);
    rig.Out(0x10, 2, c.mask);
    EXPECT_EQ(rig.unplug.calls, c.calls)
        << FindPlatformBehaviour(c.flavour)->name << " mask " << c.mask;
  }
}

TEST(PlatformDeviceTest, NicUnplugIsDescribed) {
  Rig rig(kTrad);
  rig.Out(0x10, 2, 0x2);
  EXPECT_THAT(rig.events.seen, ElementsAre("unplug 2 NICs: 00:04.0 rtl8139"));
}

TEST(PlatformDeviceTest, LogLinesFlushOnNewlineOrWhenFull) {
  Rig rig(kUp);
  for (char c : std::string("hello\nworld")) rig.Out(0x12, 1, static_cast<uint8_t>(c));
  EXPECT_EQ(rig.device->pending_log_bytes(), 5u);
  EXPECT_THAT(rig.events.seen, ElementsAre("log-line 5 hello"));
  rig.events.seen.clear();
  for (int i = 0; i < 4095 - 5; ++i) rig.Out(0x12, 1, 'x');
  rig.Out(0x12, 1, 'Z');  // meets a full buffer: flushed, and lost
  ASSERT_EQ(rig.events.seen.size(), 3u);
  EXPECT_EQ(rig.events.seen[0], "log-byte-dropped 5a buffer full");
  EXPECT_EQ(rig.events.seen[1], "log-overflow fff");
  EXPECT_THAT(rig.events.seen[2], HasSubstr("log-line fff worldxxx"));
  EXPECT_EQ(rig.device->pending_log_bytes(), 0u);
}

TEST(PlatformDeviceTest, XenServerSanitisesLogBytes) {
  Rig rig(kXs);
  for (char c : std::string("a\tb\x01"
                            "c\r\n"))
    rig.Out(0x12, 1, static_cast<uint8_t>(c));
  EXPECT_THAT(rig.events.seen, ElementsAre("log-byte-dropped 1 not printable", "log-line 5 a bc "));
}

TEST(PlatformDeviceTest, ThrottleStallsTheGuestInVirtualTime) {
  Rig rig(kTrad);
  const std::string line(99, 'x');
  uint64_t throttled = 0;
  for (int i = 0; i < 1400; ++i) {
    for (char c : line) rig.Out(0x12, 1, static_cast<uint8_t>(c));
    rig.Out(0x12, 1, '\n');
  }
  for (const std::string& e : rig.events.seen) throttled += e.rfind("log-throttled", 0) == 0;
  // 131072 tokens pay for 1323 lines of 99 bytes; the other 77 each wait 99/256 s.
  EXPECT_EQ(throttled, 77u);
  EXPECT_EQ(rig.machine->clock().stalled_ns(), rig.machine->clock().now());
  EXPECT_GE(rig.machine->clock().stalled_ns(), uint64_t{29} * 1000000000);
  EXPECT_LE(rig.machine->clock().stalled_ns(), uint64_t{30} * 1000000000);

  Rig free(kTrad, /*throttling_disabled=*/true);
  for (int i = 0; i < 1400; ++i) {
    for (char c : line) free.Out(0x12, 1, static_cast<uint8_t>(c));
    free.Out(0x12, 1, '\n');
  }
  EXPECT_EQ(free.machine->clock().stalled_ns(), 0u);
  Rig up(kUp);  // upstream QEMU has no throttle
  for (int i = 0; i < 1400; ++i) {
    for (char c : line) up.Out(0x12, 1, static_cast<uint8_t>(c));
    up.Out(0x12, 1, '\n');
  }
  EXPECT_EQ(up.machine->clock().stalled_ns(), 0u);
}

TEST(PlatformDeviceTest, Bar0FlagsLegacyUnplugAndLog) {
  Rig up(kUp);
  EXPECT_EQ(up.In(0xc000, 1), 0u);
  up.Out(0xc000, 1, 0xff);
  EXPECT_EQ(up.In(0xc000, 1), 1u);  // only the ROM-lock bit sticks
  EXPECT_EQ(up.In(0x10, 1), 1u);
  EXPECT_EQ(up.In(0xc001, 1), 0xffu);
  up.Out(0xc008, 1, 'A');
  up.Out(0xc008, 1, '\n');
  up.Out(0xc008, 1, 2);
  up.Out(0xc004, 1, 1);
  EXPECT_THAT(up.unplug.calls, ElementsAre("nics", "ide-all", "scsi", "nics"));
  // outl to BAR0+4 becomes byte writes 1, 0, 0, 0 at +4..+7 (impl 1).
  up.unplug.calls.clear();
  up.Out(0xc004, 4, 1);
  EXPECT_THAT(up.unplug.calls, ElementsAre("ide-all", "scsi", "nics"));

  Rig trad(kTrad);
  trad.Out(0xc004, 1, 1);
  trad.Out(0xc008, 1, 1);  // a log byte in qemu-dm
  trad.Out(0xc008, 1, '\n');
  EXPECT_THAT(trad.unplug.calls, IsEmpty());
  EXPECT_THAT(trad.events.seen, ElementsAre("log-line 1 \x01"));
  EXPECT_EQ(trad.In(0xc000, 4), 0xffffffffu);  // qemu-dm: no 4-byte handler
}

}  // namespace
}  // namespace portrace::devices
