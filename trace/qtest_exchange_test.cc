#include "trace/qtest_exchange.h"

#include <string>

#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace portrace::trace {
namespace {

TEST(QtestExchangeTest, RepliesRoundTripThroughEvents) {
  const struct {
    const char* line;
    const char* reply;
    EventKind kind;
    bool recorded;
  } cases[] = {
      {"inb 0x71", "OK 0x0026", PORT_READ, true},
      {"inw 0x1234", "OK 0xffff", PORT_READ, true},
      {"readq 0x1000", "OK 0x00000000deadbeef", MMIO_READ, true},
      {"read 0x2000 0x2", "OK 0xabcd", MEMORY_READ, true},
      {"b64read 0x2000 0x3", "OK QUJD", MEMORY_READ, true},
      {"outb 0x80 0x1", "OK", PORT_WRITE, false},
      {"inb 0x71", "", PORT_READ, false},
      {"inb 0x71", "OK 0x1ff", PORT_READ, false},  // wider than the access: not recorded
  };
  for (const auto& c : cases) {
    EventBatch batch;
    BatchBuilder builder(&batch);
    AppendQtestExchange(c.line, c.reply, builder);
    ASSERT_EQ(batch.op_size(), 1) << c.line;
    BatchCursor cursor(batch);
    const EventView e = cursor.Next();
    EXPECT_EQ(e.kind, c.kind) << c.line;
    EXPECT_EQ(e.recorded(), c.recorded) << c.line << " " << c.reply;
    if (c.recorded || c.kind == PORT_WRITE) {
      EXPECT_EQ(FormatQtestReply(e), c.reply) << c.line;
    }
  }
}

TEST(QtestExchangeTest, RefusedAndClockRequestsBecomeMarkers) {
  for (const auto& [line, reply] : {std::pair<const char*, const char*>{"frob 1", "FAIL Unknown command 'frob'"},
                                    {"write 0x0 4 0x", "ERR invalid argument size"},
                                    {"clock_step 100", "OK 100"}}) {
    EventBatch batch;
    BatchBuilder builder(&batch);
    AppendQtestExchange(line, reply, builder);
    ASSERT_EQ(batch.op_size(), 1);
    EXPECT_EQ(OpKind(batch.op(0)), MARKER) << line;
    EXPECT_EQ(batch.blob(0), line);
    ASSERT_EQ(batch.annotation_size(), 1);
    EXPECT_EQ(batch.annotation(0).text(), reply);
  }
}

// An injected frame is one whatever the NIC did with it; the peer's words are kept for the log.
// Only QEMU, which does not know nic_rx, leaves it a marker.
TEST(QtestExchangeTest, NicReceiveWhateverTheNicDid) {
  const struct {
    const char* reply;
    EventKind kind;
    const char* kept;  // the qtest-reply annotation, "" for none
  } cases[] = {
      {"OK", NIC_RECEIVE, ""},
      {"", NIC_RECEIVE, ""},
      {"OK filtered", NIC_RECEIVE, "OK filtered"},
      {"FAIL ne2k_pci refused the frame: stopped (CR STP set)", NIC_RECEIVE,
       "FAIL ne2k_pci refused the frame: stopped (CR STP set)"},
      {"FAIL no NIC 0 (the machine has 0)", NIC_RECEIVE, "FAIL no NIC 0 (the machine has 0)"},
      {"FAIL Unknown command 'nic_rx'", MARKER, "FAIL Unknown command 'nic_rx'"},
  };
  for (const auto& c : cases) {
    EventBatch batch;
    BatchBuilder builder(&batch);
    AppendQtestExchange("nic_rx 0 0xffffffffffff", c.reply, builder);
    ASSERT_EQ(batch.op_size(), 1) << c.reply;
    EXPECT_EQ(OpKind(batch.op(0)), c.kind) << c.reply;
    std::string kept;
    for (const Annotation& note : batch.annotation()) {
      if (note.key() == "qtest-reply") kept = note.text();
    }
    EXPECT_EQ(kept, c.kept) << c.reply;
  }
}

}  // namespace
}  // namespace portrace::trace
