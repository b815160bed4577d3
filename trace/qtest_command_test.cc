#include "trace/qtest_command.h"

#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "trace/event.h"

namespace portrace::trace {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::IsEmpty;

TEST(ParseQtestLineTest, GoodLines) {
  const struct {
    const char* line;
    QtestOp op;
    const char* command;
    uint32_t width;
    uint64_t address;
    uint64_t value;
    bool has_value = false;
    uint8_t fill = 0;
    std::string data = "";
  } cases[] = {
      {"outl 0xcf8 0x80000920", QtestOp::kOut, "outl", 4, 0xcf8, 0x80000920},
      {"outw 0x3f4 0x0500", QtestOp::kOut, "outw", 2, 0x3f4, 0x500},
      {"outb 0x1f7 0xc8", QtestOp::kOut, "outb", 1, 0x1f7, 0xc8},
      {"outb 010 010", QtestOp::kOut, "outb", 1, 8, 8},                 // leading 0 is octal
      {"outb 0x80 -1", QtestOp::kOut, "outb", 1, 0x80, 0xff},           // '-' wraps, then truncates
      {"outw 0x3f6 0x1e784", QtestOp::kOut, "outw", 2, 0x3f6, 0xe784},  // truncated to width
      {"outb 128 255", QtestOp::kOut, "outb", 1, 128, 255},
      {"outb 0xffff 0", QtestOp::kOut, "outb", 1, 0xffff, 0},
      {"outl 0xcf8 0x80000920\r", QtestOp::kOut, "outl", 4, 0xcf8, 0x80000920},  // CRLF
      {"outb 0x80 0x1 extra words", QtestOp::kOut, "outb", 1, 0x80, 1},          // ignored, as QEMU
      {"outb 0x80 0x1 ", QtestOp::kOut, "outb", 1, 0x80, 1},  // trailing empty word ignored
      {"outb +0x80 0x1", QtestOp::kOut, "outb", 1, 0x80, 1},
      {"inb 0x4", QtestOp::kIn, "inb", 1, 4, 0},
      {"inw 0x1f0", QtestOp::kIn, "inw", 2, 0x1f0, 0},
      {"inl 0xcfc", QtestOp::kIn, "inl", 4, 0xcfc, 0},
      {"writeq 0xe0001020 0xefefff5ecafe0000", QtestOp::kMmioWrite, "writeq", 8, 0xe0001020,
       0xefefff5ecafe0000},
      {"writel 0xff000030 0xff000000", QtestOp::kMmioWrite, "writel", 4, 0xff000030, 0xff000000},
      {"writew 0x1000 0x12345", QtestOp::kMmioWrite, "writew", 2, 0x1000, 0x2345},
      {"writeb 0x1000 -2", QtestOp::kMmioWrite, "writeb", 1, 0x1000, 0xfe},
      {"writeq 0 -1", QtestOp::kMmioWrite, "writeq", 8, 0, ~uint64_t{0}},
      {"writeq 0 18446744073709551615", QtestOp::kMmioWrite, "writeq", 8, 0, ~uint64_t{0}},
      {"readq 0xe2000000", QtestOp::kMmioRead, "readq", 8, 0xe2000000, 0},
      {"readb 0x10000", QtestOp::kMmioRead, "readb", 1, 0x10000, 0},  // not a port: no limit
      {"readw 0", QtestOp::kMmioRead, "readw", 2, 0, 0},
      {"readl 0x1", QtestOp::kMmioRead, "readl", 4, 1, 0},
      {"read 0x1000 0x10", QtestOp::kMemoryRead, "read", 0, 0x1000, 16},
      {"b64read 0x1000 4", QtestOp::kMemoryReadB64, "b64read", 0, 0x1000, 4},
      {"write 0x2103 0x1 0x4e", QtestOp::kMemoryWrite, "write", 0, 0x2103, 1, false, 0, "\x4e"},
      {"write 0xe0000014 0x1 0x0d", QtestOp::kMemoryWrite, "write", 0, 0xe0000014, 1, false, 0,
       "\x0d"},
      // Odd-length data: the trailing nibble is ignored.
      {"write 0xff000010 0x4 0x01020", QtestOp::kMemoryWrite, "write", 0, 0xff000010, 4, false, 0,
       "\x01\x02"},
      // Three characters: nothing decodes; QEMU zero-fills the whole length.
      {"write 0x0 0x4 0x1", QtestOp::kMemoryWrite, "write", 0, 0, 4, false, 0, ""},
      // More data than the length: only `length` bytes are taken.
      {"write 0x0 0x2 0x01020304", QtestOp::kMemoryWrite, "write", 0, 0, 2, false, 0, "\x01\x02"},
      {"write 0x0 0x2 0xABcd", QtestOp::kMemoryWrite, "write", 0, 0, 2, false, 0, "\xab\xcd"},
      // The first two characters are skipped whatever they are.
      {"write 0x0 0x1 xxff", QtestOp::kMemoryWrite, "write", 0, 0, 1, false, 0, "\xff"},
      // Bytes past the length are not looked at.
      {"write 0x0 0x1 0x41zz", QtestOp::kMemoryWrite, "write", 0, 0, 1, false, 0, "A"},
      {"write 0x0 0 0x00", QtestOp::kMemoryWrite, "write", 0, 0, 0, false, 0, ""},
      {"b64write 0x300 0x5 aGVsbG8=", QtestOp::kMemoryWriteB64, "b64write", 0, 0x300, 5, false, 0,
       "hello"},
      {"b64write 0x300 2 aGVsbG8=", QtestOp::kMemoryWriteB64, "b64write", 0, 0x300, 2, false, 0,
       "he"},
      {"b64write 0x300 8 aGVsbG8", QtestOp::kMemoryWriteB64, "b64write", 0, 0x300, 8, false, 0,
       "hello"},
      {"memset 0x1000 0x10 0xaa", QtestOp::kMemset, "memset", 0, 0x1000, 16, false, 0xaa},
      {"memset 0x1000 0x10 0x1ab", QtestOp::kMemset, "memset", 0, 0x1000, 16, false, 0xab},
      {"memset 0 0 0", QtestOp::kMemset, "memset", 0, 0, 0, false, 0},
      {"clock_step", QtestOp::kClockStep, "clock_step", 0, 0, 0, false},
      {"clock_step 100", QtestOp::kClockStep, "clock_step", 0, 0, 100, true},
      {"clock_step 0x10", QtestOp::kClockStep, "clock_step", 0, 0, 16, true},
      {"clock_step -5", QtestOp::kClockStep, "clock_step", 0, 0, 0, true},
      {"clock_step 9223372036854775807", QtestOp::kClockStep, "clock_step", 0, 0,
       9223372036854775807u, true},
      {"clock_set 1000000", QtestOp::kClockSet, "clock_set", 0, 0, 1000000, true},
      {"clock_set -1", QtestOp::kClockSet, "clock_set", 0, 0, 0, true},
  };
  for (const auto& c : cases) {
    absl::StatusOr<QtestRequest> request = ParseQtestLine(c.line);
    ASSERT_TRUE(request.ok()) << c.line << ": " << request.status();
    EXPECT_EQ(request->op, c.op) << c.line;
    EXPECT_EQ(request->command, c.command) << c.line;
    EXPECT_EQ(request->width, c.width) << c.line;
    EXPECT_EQ(request->address, c.address) << c.line;
    EXPECT_EQ(request->value, c.value) << c.line;
    EXPECT_EQ(request->has_value, c.has_value) << c.line;
    EXPECT_EQ(request->fill, c.fill) << c.line;
    EXPECT_EQ(request->data, c.data) << c.line;
    EXPECT_THAT(request->words, IsEmpty()) << c.line;
  }
}

TEST(ParseQtestLineTest, NoIoCommandsKeepTheirWords) {
  const struct {
    const char* line;
    std::vector<std::string> words;
  } cases[] = {
      {"endianness", {"endianness"}},
      {"irq_intercept_in ioapic", {"irq_intercept_in", "ioapic"}},
      {"irq_intercept_out /machine/i440fx", {"irq_intercept_out", "/machine/i440fx"}},
      {"set_irq_in /machine/ioapic  0 1", {"set_irq_in", "/machine/ioapic", "", "0", "1"}},
      {"module_load accel tcg-i386", {"module_load", "accel", "tcg-i386"}},
  };
  for (const auto& c : cases) {
    absl::StatusOr<QtestRequest> request = ParseQtestLine(c.line);
    ASSERT_TRUE(request.ok()) << c.line << ": " << request.status();
    EXPECT_EQ(request->op, QtestOp::kNoIo) << c.line;
    EXPECT_EQ(request->words, c.words) << c.line;
  }
}

TEST(ParseQtestLineTest, BadLines) {
  const struct {
    std::string line;
    absl::StatusCode code;
    std::string message;
  } cases[] = {
      {"", absl::StatusCode::kInvalidArgument, "empty request"},
      {"\r", absl::StatusCode::kInvalidArgument, "empty request"},
      {"foo 1 2", absl::StatusCode::kNotFound, "Unknown command 'foo'"},
      {"OUTB 0x80 1", absl::StatusCode::kNotFound, "Unknown command 'OUTB'"},
      {"outq 0x80 1", absl::StatusCode::kNotFound, "Unknown command 'outq'"},
      {" outb 0x80 1", absl::StatusCode::kNotFound, "Unknown command ''"},
      {"outb\t0x80 1", absl::StatusCode::kNotFound, "Unknown command 'outb\\t0x80'"},
      {"outb", absl::StatusCode::kInvalidArgument, "outb: missing argument"},
      {"outb 0x80", absl::StatusCode::kInvalidArgument, "outb: missing argument"},
      {"inw", absl::StatusCode::kInvalidArgument, "inw: missing argument"},
      {"writeq 0x1000", absl::StatusCode::kInvalidArgument, "writeq: missing argument"},
      {"read 0x1000", absl::StatusCode::kInvalidArgument, "read: missing argument"},
      {"write 0x1000 0x1", absl::StatusCode::kInvalidArgument, "write: missing argument"},
      {"b64write 0x1000 0x1", absl::StatusCode::kInvalidArgument, "b64write: missing argument"},
      {"memset 0x1000 0x1", absl::StatusCode::kInvalidArgument, "memset: missing argument"},
      {"clock_set", absl::StatusCode::kInvalidArgument, "clock_set: missing argument"},
      {"set_irq_in a b c", absl::StatusCode::kInvalidArgument, "set_irq_in: missing argument"},
      {"module_load accel", absl::StatusCode::kInvalidArgument, "module_load: missing argument"},
      {"irq_intercept_in", absl::StatusCode::kInvalidArgument,
       "irq_intercept_in: missing argument"},
      {"outb 0x80 0xzz", absl::StatusCode::kInvalidArgument, "outb: bad number '0xzz'"},
      {"outb 0x 1", absl::StatusCode::kInvalidArgument, "outb: bad number '0x'"},
      {"outb 0x80 1k", absl::StatusCode::kInvalidArgument, "outb: bad number '1k'"},
      {"outb 08 1", absl::StatusCode::kInvalidArgument, "outb: bad number '08'"},  // not octal
      {"outb - 1", absl::StatusCode::kInvalidArgument, "outb: bad number '-'"},
      {"outb  0x80 1", absl::StatusCode::kInvalidArgument, "outb: bad number ''"},  // two spaces
      {"outb 0x80  1", absl::StatusCode::kInvalidArgument, "outb: bad number ''"},
      {std::string("outb 0x80 1\0", 12), absl::StatusCode::kInvalidArgument,
       "outb: bad number '1\\x00'"},
      {"writeq 0 18446744073709551616", absl::StatusCode::kInvalidArgument,
       "writeq: bad number '18446744073709551616'"},  // ERANGE
      {"inb 0x10000", absl::StatusCode::kInvalidArgument, "inb: port 0x10000 above 0xffff"},
      {"outl 0x12345 0", absl::StatusCode::kInvalidArgument, "outl: port 0x12345 above 0xffff"},
      {"outb -1 0", absl::StatusCode::kInvalidArgument,
       "outb: port 0xffffffffffffffff above 0xffff"},
      {"read 0x0 0", absl::StatusCode::kInvalidArgument, "read: zero length"},
      {"b64read 0x0 0x0", absl::StatusCode::kInvalidArgument, "b64read: zero length"},
      {"read 0x0 0x1000001", absl::StatusCode::kInvalidArgument,
       "read: length 0x1000001 above the limit of 16777216 bytes"},
      {"write 0x0 0x1000001 0x00", absl::StatusCode::kInvalidArgument,
       "write: length 0x1000001 above the limit of 16777216 bytes"},
      {"b64write 0x0 -1 AAAA", absl::StatusCode::kInvalidArgument,
       "above the limit of 16777216 bytes"},
      {"memset 0x0 0x80000000 0", absl::StatusCode::kInvalidArgument,
       "memset: length 0x80000000 above the limit of 16777216 bytes"},
      {"write 0x0 0x1 0x", absl::StatusCode::kInvalidArgument, "invalid argument size"},
      {"write 0x0 0x1 ", absl::StatusCode::kInvalidArgument, "invalid argument size"},
      {"b64write 0x0 0x1 QQ", absl::StatusCode::kInvalidArgument, "invalid argument size"},
      {"write 0x0 0x2 0x4g00", absl::StatusCode::kInvalidArgument,
       "write: bad hex digit at offset 3 of the data '0x4g00'"},
      {"write 0x0 0x2 0x00g0", absl::StatusCode::kInvalidArgument,
       "write: bad hex digit at offset 4"},
      {"b64write 0x0 0x4 A!AA", absl::StatusCode::kInvalidArgument,
       "b64write: bad base64 data 'A!AA'"},
      {"b64write 0x0 0x4 AAAAA", absl::StatusCode::kInvalidArgument, "b64write: bad base64"},
      {"clock_step x", absl::StatusCode::kInvalidArgument, "clock_step: bad number 'x'"},
      {"clock_step ", absl::StatusCode::kInvalidArgument, "clock_step: bad number ''"},
      {"clock_step 9223372036854775808", absl::StatusCode::kInvalidArgument,
       "clock_step: bad number"},  // above INT64_MAX: ERANGE for strtoll
      {"clock_set 1.5", absl::StatusCode::kInvalidArgument, "clock_set: bad number '1.5'"},
  };
  for (const auto& c : cases) {
    absl::StatusOr<QtestRequest> request = ParseQtestLine(c.line);
    EXPECT_EQ(request.status().code(), c.code) << c.line << ": " << request.status();
    EXPECT_THAT(request.status().message(), HasSubstr(c.message)) << c.line;
  }
}

// portrace's extension: nic_rx INDEX 0xHEXBYTES (a frame the network delivers to NIC INDEX).
TEST(ParseQtestLineTest, NicReceiveGoodLines) {
  const struct {
    std::string line;
    uint32_t nic;
    std::string frame;
  } cases[] = {
      {"nic_rx 0 0xffffffffffff", 0, std::string(6, '\xff')},
      {"nic_rx 1 ffffffffffff", 1, std::string(6, '\xff')},  // "0x" is optional
      {"nic_rx 0x2 0XaBcD", 2, "\xab\xcd"},
      {"nic_rx 010 0x00", 8, std::string(1, '\0')},  // qtest numbers: leading 0 is octal
      {"nic_rx 255 0x01", 255, "\x01"},
      {"nic_rx 0 0x0102 extra words", 0, "\x01\x02"},  // ignored, as QEMU ignores them
      {"nic_rx 0 0x0102\r", 0, "\x01\x02"},
      {absl::StrCat("nic_rx 3 0x", std::string(2 * kMaxNicFrameLength, 'e')), 3,
       std::string(kMaxNicFrameLength, '\xee')},
  };
  for (const auto& c : cases) {
    absl::StatusOr<QtestRequest> request = ParseQtestLine(c.line);
    ASSERT_TRUE(request.ok()) << c.line.substr(0, 40) << ": " << request.status();
    EXPECT_EQ(request->op, QtestOp::kNicReceive);
    EXPECT_EQ(request->command, "nic_rx");
    EXPECT_EQ(request->nic, c.nic) << c.line.substr(0, 40);
    EXPECT_EQ(request->value, c.frame.size()) << c.line.substr(0, 40);
    EXPECT_EQ(request->data, c.frame) << c.line.substr(0, 40);
  }
}

TEST(ParseQtestLineTest, NicReceiveBadLines) {
  const struct {
    std::string line;
    std::string message;
  } cases[] = {
      {"nic_rx", "nic_rx: missing argument"},
      {"nic_rx 0", "nic_rx: missing argument"},
      {"nic_rx 0 0x", "nic_rx: empty frame"},
      {"nic_rx 0 ", "nic_rx: empty frame"},
      {"nic_rx 0 0xabc", "nic_rx: odd number of hex digits (3) in the frame '0xabc'"},
      {"nic_rx 0 f", "nic_rx: odd number of hex digits (1)"},
      {"nic_rx 0 0x4g00", "nic_rx: bad hex digit at offset 3 of the frame '0x4g00'"},
      {"nic_rx 0 zz", "nic_rx: bad hex digit at offset 0"},
      {"nic_rx 0 0x00 0x11", ""},  // fine: the extra word is ignored (checked below)
      {absl::StrCat("nic_rx 0 0x", std::string(2 * kMaxNicFrameLength + 2, 'a')),
       "nic_rx: frame of 65536 bytes above the limit of 65535 bytes"},
      {"nic_rx 256 0x00", "nic_rx: NIC index 256 above 255"},
      {"nic_rx -1 0x00", "nic_rx: NIC index 18446744073709551615 above 255"},
      {"nic_rx x 0x00", "nic_rx: bad number 'x'"},
      {"nic_rx 0x 0x00", "nic_rx: bad number '0x'"},
  };
  for (const auto& c : cases) {
    absl::StatusOr<QtestRequest> request = ParseQtestLine(c.line);
    if (c.message.empty()) {
      EXPECT_TRUE(request.ok()) << c.line << ": " << request.status();
      continue;
    }
    EXPECT_EQ(request.status().code(), absl::StatusCode::kInvalidArgument)
        << c.line.substr(0, 40) << ": " << request.status();
    EXPECT_THAT(request.status().message(), HasSubstr(c.message)) << c.line.substr(0, 40);
    EXPECT_LT(request.status().message().size(), 200u);
  }
}

TEST(ParseQtestLineTest, OnlyNicReceiveIsAPortraceExtension) {
  EXPECT_TRUE(IsPortraceQtestExtension("nic_rx"));
  for (const char* command : {"outb", "write", "b64write", "clock_step", "endianness", "nic"}) {
    EXPECT_FALSE(IsPortraceQtestExtension(command)) << command;
  }
}

TEST(ParseQtestLineTest, LongGarbageWordIsCutShortInTheMessage) {
  const std::string garbage(1 << 20, 'z');
  absl::StatusOr<QtestRequest> request = ParseQtestLine(garbage);
  EXPECT_EQ(request.status().code(), absl::StatusCode::kNotFound);
  EXPECT_THAT(request.status().message(), HasSubstr("(1048576 bytes)"));
  EXPECT_LT(request.status().message().size(), 200u);
}

TEST(ParseQtestLineTest, LargestWriteDecodes) {
  const std::string line =
      absl::StrCat("write 0x0 0x1000000 0x", std::string(2 * kMaxMemoryLength, 'a'));
  absl::StatusOr<QtestRequest> request = ParseQtestLine(line);
  ASSERT_TRUE(request.ok()) << request.status();
  EXPECT_EQ(request->data.size(), kMaxMemoryLength);
  EXPECT_EQ(request->data[12345], '\xaa');
}

// The one event a line becomes.
EventView OneEvent(const std::string& line, EventBatch* batch) {
  absl::StatusOr<QtestRequest> request = ParseQtestLine(line);
  EXPECT_TRUE(request.ok()) << line << ": " << request.status();
  if (!request.ok()) return EventView();
  BatchBuilder builder(batch);
  AppendQtestEvents(*request, builder);
  EXPECT_EQ(batch->op_size(), 1) << line;
  EXPECT_TRUE(ValidateBatch(*batch).ok()) << line;
  return BatchCursor(*batch).Next();
}

TEST(AppendQtestEventsTest, OneEventPerRequest) {
  const struct {
    const char* line;
    EventKind kind;
    uint32_t width;
    uint32_t flags;
    uint64_t address;
    uint64_t value;
    uint32_t aux = 0;
    std::string blob = "";
  } cases[] = {
      {"outw 0x3f4 0x2500", PORT_WRITE, 2, 0, 0x3f4, 0x2500},
      {"inb 0x4", PORT_READ, 1, 0, 4, 0},
      {"writel 0x1000 0xdeadbeef", MMIO_WRITE, 4, 0, 0x1000, 0xdeadbeef},
      {"readq 0xe2000000", MMIO_READ, 8, 0, 0xe2000000, 0},
      {"read 0x1000 0x8", MEMORY_READ, 0, 0, 0x1000, 8},
      {"b64read 0x1000 0x8", MEMORY_READ, 0, FLAG_BASE64, 0x1000, 8},
      {"write 0x2103 0x4 0x4e", MEMORY_WRITE, 0, 0, 0x2103, 4, 0, "\x4e"},
      {"b64write 0x300 0x5 aGVsbG8=", MEMORY_WRITE, 0, FLAG_BASE64, 0x300, 5, 0, "hello"},
      {"memset 0x1000 0x10 0xaa", MEMORY_FILL, 0, 0, 0x1000, 16, 0xaa},
      {"clock_step", TIME_ADVANCE, 0, FLAG_TO_DEADLINE, 0, 0},
      {"clock_step 250", TIME_ADVANCE, 0, 0, 0, 250},
      {"clock_set 1000", TIME_SET, 0, 0, 0, 1000},
      {"endianness", MARKER, 0, FLAG_QTEST, 0, 0, 0, "endianness"},
      {"set_irq_in /machine/ioapic  0 1", MARKER, 0, FLAG_QTEST, 0, 0, 0,
       "set_irq_in /machine/ioapic  0 1"},
      {"nic_rx 2 0x0102ff", NIC_RECEIVE, 0, 0, 0, 3, 2, "\x01\x02\xff"},
  };
  for (const auto& c : cases) {
    EventBatch batch;
    const EventView event = OneEvent(c.line, &batch);
    EXPECT_EQ(event.kind, c.kind) << c.line;
    EXPECT_EQ(event.width, c.width) << c.line;
    EXPECT_EQ(event.flags, c.flags) << c.line;
    EXPECT_EQ(event.address, c.address) << c.line;
    EXPECT_EQ(event.value, c.value) << c.line;
    EXPECT_EQ(event.aux, c.aux) << c.line;
    EXPECT_EQ(event.blob, c.blob) << c.line;
  }
}

TEST(FormatQtestLineTest, LibqtestSpelling) {
  const struct {
    const char* line;      // parsed, then formatted
    const char* expected;  // libqtest's spelling of the same request
  } cases[] = {
      {"outl 0xcf8 0x80000920", "outl 0xcf8 0x80000920"},
      {"outw 0x3f4 0x0500", "outw 0x3f4 0x500"},
      {"outb 010 0", "outb 0x8 0x0"},
      {"outb 0x80 -1", "outb 0x80 0xff"},
      {"inb 0x4", "inb 0x4"},
      {"inw 0x01f0", "inw 0x1f0"},
      {"inl 3324", "inl 0xcfc"},
      {"writeq 0xe0001020 0xefefff5ecafe0000", "writeq 0xe0001020 0xefefff5ecafe0000"},
      {"writeb 0x10 0x0", "writeb 0x10 0x0"},
      {"readq 0xe2000000", "readq 0xe2000000"},
      {"readw 0x10", "readw 0x10"},
      {"read 0x1000 16", "read 0x1000 0x10"},
      {"b64read 0x1000 0x10", "b64read 0x1000 0x10"},
      {"write 0x2103 0x1 0x4e", "write 0x2103 0x1 0x4e"},
      {"write 0x0 0x2 0xABCD", "write 0x0 0x2 0xabcd"},
      {"write 0xff000010 0x4 0x01020", "write 0xff000010 0x4 0x0102"},
      {"write 0x0 0x4 0x1", "write 0x0 0x4 0x00"},
      {"b64write 0x300 0x5 aGVsbG8", "b64write 0x300 0x5 aGVsbG8="},
      {"b64write 0x300 0x0 aGVsbG8=", "b64write 0x300 0x0 AA=="},
      {"memset 0x1000 16 0x1aa", "memset 0x1000 0x10 0xaa"},
      {"clock_step", "clock_step"},
      {"clock_step 0x100", "clock_step 256"},
      {"clock_step -3", "clock_step 0"},
      {"clock_set 1000", "clock_set 1000"},
      {"endianness", "endianness"},
      {"module_load accel tcg-i386", "module_load accel tcg-i386"},
      {"nic_rx 0 0x0102ff", "nic_rx 0 0x0102ff"},
      {"nic_rx 0x1 0102FF", "nic_rx 1 0x0102ff"},
  };
  for (const auto& c : cases) {
    EventBatch batch;
    EXPECT_EQ(FormatQtestLine(OneEvent(c.line, &batch)), c.expected) << c.line;
  }
}

TEST(FormatQtestLineTest, EventsQtestCannotExpress) {
  EventView marker;
  marker.kind = MARKER;
  marker.blob = "resume\nline two";
  EXPECT_EQ(FormatQtestLine(marker), "# marker: resume\\nline two");

  EventView qtest_with_newline = marker;
  qtest_with_newline.flags = FLAG_QTEST;
  EXPECT_EQ(FormatQtestLine(qtest_with_newline), "# marker: resume\\nline two");

  EventView recorded_read;
  recorded_read.kind = PORT_READ;
  recorded_read.width = 2;
  recorded_read.flags = FLAG_RECORDED;
  recorded_read.address = 0x71;
  recorded_read.value = 0x26;
  EXPECT_EQ(FormatQtestLine(recorded_read), "inw 0x71");

  EventView unknown;
  unknown.kind = static_cast<EventKind>(99);
  EXPECT_EQ(FormatQtestLine(unknown), "");
  EventView unspecified;
  EXPECT_EQ(FormatQtestLine(unspecified), "");
  EventView bad_width;
  bad_width.kind = PORT_WRITE;
  bad_width.width = 8;
  EXPECT_EQ(FormatQtestLine(bad_width), "");

  // QEMU asserts on a read of zero bytes.
  EventView empty_read;
  empty_read.kind = MEMORY_READ;
  empty_read.address = 0x1000;
  EXPECT_EQ(FormatQtestLine(empty_read), "");

  // qtest's clock arguments are signed 64-bit.
  EventView far_step;
  far_step.kind = TIME_ADVANCE;
  far_step.value = uint64_t{1} << 63;
  EXPECT_EQ(FormatQtestLine(far_step), "");
  EventView far_set = far_step;
  far_set.kind = TIME_SET;
  EXPECT_EQ(FormatQtestLine(far_set), "");
  far_set.value = (uint64_t{1} << 63) - 1;
  EXPECT_EQ(FormatQtestLine(far_set), "clock_set 9223372036854775807");
}

// Whatever FormatQtestLine prints parses back to the same event.
TEST(FormatQtestLineTest, ReparsesToTheSameEvent) {
  EventBatch batch;
  BatchBuilder b(&batch);
  b.PortWrite(0xffff, 4, 0xffffffff);
  b.PortRead(0, 1);
  b.MmioWrite(~uint64_t{0}, 8, ~uint64_t{0});
  b.MmioRead(0x1000, 2);
  b.MemoryWrite(0x10, 3, std::string("\x00\xff\x10", 3));
  b.MemoryWrite(0x10, 3, std::string("\0\0\0", 3), FLAG_BASE64);
  b.MemoryWrite(0x10, 0, "");
  b.MemoryFill(0x10, kMaxMemoryLength, 0x5a);
  b.MemoryRead(0x10, 1, FLAG_BASE64);
  b.TimeAdvance(0);
  b.TimeSet(uint64_t{1} << 62);
  b.Marker("irq_intercept_in ioapic", FLAG_QTEST);
  b.NicReceive(0, std::string("\x00", 1));
  b.NicReceive(255, std::string(kMaxNicFrameLength, '\x81'));
  BatchCursor cursor(batch);
  while (!cursor.Done()) {
    const int index = cursor.index();
    const EventView event = cursor.Next();
    const std::string line = FormatQtestLine(event);
    EventBatch again;
    const EventView reparsed = OneEvent(line, &again);
    EXPECT_EQ(again.op(0), batch.op(index)) << line.substr(0, 40);
    EXPECT_EQ(reparsed.address, event.address) << line.substr(0, 40);
    EXPECT_EQ(reparsed.value, event.value) << line.substr(0, 40);
    EXPECT_EQ(reparsed.blob, event.blob) << line.substr(0, 40);
  }
}

}  // namespace
}  // namespace portrace::trace
