#include "sim/qtest_server.h"

#include <memory>
#include <optional>
#include <string>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "sim/machine.h"
#include "sim/machine_builder.h"

namespace portrace::sim {
namespace {

using ::testing::StartsWith;

std::unique_ptr<Machine> Pc() {
  MachineOptions options;
  options.name = "pc";
  return *Machine::Create(options);
}

// Replies QEMU cannot give (it aborts, or lacks -accel qtest in Debian's build) and lines that
// are not requests. The QEMU-comparable replies are in testdata/fidelity.
TEST(QtestServerTest, RepliesBeyondTheFidelitySuite) {
  std::unique_ptr<Machine> machine = Pc();
  QtestServer server(machine.get());
  const struct {
    const char* request;
    std::optional<std::string> reply;
  } cases[] = {
      {"", std::nullopt},
      {"   ", std::nullopt},
      {"# a comment", std::nullopt},
      {"clock_step 10", "OK 10"},
      {"clock_step", "OK 10"},   // no timers pending: time stays
      {"clock_set 5", "OK 10"},  // never backwards
      {"clock_set 1000000", "OK 1000000"},
      {"clock_step -5", "OK 1000000"},
      {"module_load block iscsi", "FAIL"},
      {"irq_intercept_in ioapic", "OK"},
      {"set_irq_in ioapic unnamed-gpio-in 0 1", "OK"},
      {"outb 0x80 0x1\r", "OK"},
  };
  for (const auto& c : cases) {
    EXPECT_EQ(server.Handle(c.request), c.reply) << "'" << c.request << "'";
  }
}

TEST(QtestServerTest, BadArgumentsAreErrNotCrashes) {
  std::unique_ptr<Machine> machine = Pc();
  QtestServer server(machine.get());
  const char* const requests[] = {
      "inb 0x10000",
      "outb",
      "inb",
      "outb 0xzz 1",
      "read 0x0 0",
      "readl",
      "write 0x0 4 0xzz",
      "memset 0x0 0x2000000 0x1",
      "clock_set",
      "inw 0x1 0x2 junk",
  };
  for (const char* request : requests) {
    const std::optional<std::string> reply = server.Handle(request);
    ASSERT_TRUE(reply.has_value()) << request;
    if (std::string(request) == "inw 0x1 0x2 junk") {
      EXPECT_EQ(*reply, "OK 0xffff");  // extra words are ignored, as in QEMU
    } else {
      EXPECT_THAT(*reply, StartsWith("ERR ")) << request;
      EXPECT_EQ(reply->find('\n'), std::string::npos);
    }
  }
}

TEST(QtestServerTest, SummaryCountsWhatRequestsDid) {
  std::unique_ptr<Machine> machine = Pc();
  QtestServer server(machine.get());
  server.Handle("inb 0x1234");
  server.Handle("outw 0x1234 0x1");
  server.Handle("writel 0x0 0x1");
  server.Handle("endianness");
  EXPECT_EQ(server.summary().events, 4u);
  EXPECT_EQ(server.summary().port_reads, 1u);
  EXPECT_EQ(server.summary().port_writes, 1u);
  EXPECT_EQ(server.summary().mmio_writes, 1u);
  EXPECT_EQ(server.summary().markers, 1u);
  EXPECT_EQ(server.summary().unclaimed, 2u);
}

// portrace's nic_rx extension (QEMU does not know it): OK when the NIC stored the frame, OK
// filtered when its address filter dropped it, FAIL with the NIC's reason when it refused it or
// there is no such NIC, ERR for a malformed request.
TEST(QtestServerTest, NicReceiveReplies) {
  MachineOptions options;
  options.name = "pc";
  options.nics = {"model=ne2k_isa"};
  absl::StatusOr<std::unique_ptr<Machine>> machine = BuildMachine(options);
  ASSERT_TRUE(machine.ok()) << machine.status();
  QtestServer server(machine->get());
  const std::string broadcast = "nic_rx 0 0xffffffffffff525400aabbcc0800" + std::string(92, '0');
  const struct {
    std::string request;
    std::string reply;
  } cases[] = {
      {broadcast, "FAIL ne2k_isa refused the frame: no receive ring (PSTOP not above PSTART)"},
      {"nic_rx 1 0x00", "FAIL no NIC 1 (the machine has 1)"},
      {"nic_rx 0 0xabc", "ERR nic_rx: odd number of hex digits (3) in the frame '0xabc'"},
      {"nic_rx 256 0x00", "ERR nic_rx: NIC index 256 above 255"},
      {"nic_rx 0 0x", "ERR nic_rx: empty frame"},
      {"nic_rx 0 0xzz", "ERR nic_rx: bad hex digit at offset 2 of the frame '0xzz'"},
      // The driver sets up a ring taking broadcasts and starts the NIC.
      {"outb 0x300 0x21", "OK"},
      {"outb 0x301 0x46", "OK"},
      {"outb 0x302 0x80", "OK"},
      {"outb 0x303 0x46", "OK"},
      {"outb 0x30c 0x04", "OK"},
      {"outb 0x300 0x61", "OK"},
      {"outb 0x307 0x47", "OK"},
      {"outb 0x300 0x22", "OK"},
      {broadcast, "OK"},
      {"inb 0x307", "OK 0x0001"},  // ISR PRX
      {"outb 0x30c 0x00", "OK"},
      {broadcast, "OK filtered"},
      {"outb 0x300 0x21", "OK"},
      {broadcast, "FAIL ne2k_isa refused the frame: stopped (CR STP set)"},
  };
  for (const auto& c : cases) {
    EXPECT_EQ(server.Handle(c.request), c.reply) << c.request.substr(0, 40);
  }
  EXPECT_EQ(server.summary().frames_injected, 5u);
  EXPECT_EQ(server.summary().frames_stored, 1u);
  EXPECT_EQ(server.summary().frames_filtered, 1u);
  EXPECT_EQ(server.summary().frames_refused, 3u);
}

}  // namespace
}  // namespace portrace::sim
