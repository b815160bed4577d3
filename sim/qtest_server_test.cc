#include "sim/qtest_server.h"

#include <memory>
#include <optional>
#include <string>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "sim/machine.h"

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

}  // namespace
}  // namespace portrace::sim
