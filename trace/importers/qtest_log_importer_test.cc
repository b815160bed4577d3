#include "trace/importers/qtest_log_importer.h"

#include <string>
#include <vector>

#include "absl/strings/str_format.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "trace/byte_source.h"
#include "trace/event.h"

namespace portrace::trace {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;

// Events as "kind:addr:value[:recorded]" strings, and the first error if any.
absl::Status Read(const std::string& log, std::vector<std::string>* events) {
  auto source = *CreateQtestLogImporter()->Open(MakeStringSource(log, "t.qlog"));
  EventBatch batch;
  while (true) {
    absl::StatusOr<bool> have = source->Next(&batch);
    if (!have.ok()) return have.status();
    if (!*have) return absl::OkStatus();
    BatchCursor cursor(batch);
    while (!cursor.Done()) {
      const EventView e = cursor.Next();
      std::string s = absl::StrFormat("%s:%x:%x", EventKindName(e.kind), e.address, e.value);
      if (e.recorded()) s += ":rec";
      if (e.kind == MARKER) s = absl::StrCat("marker:", e.blob);
      events->push_back(s);
    }
  }
}

TEST(QtestLogImporterTest, RepliesBecomeRecordedValuesAndTimestampsTime) {
  const std::string log =
      "[I 0.000000] OPENED\n"
      "[R +0.000010] outb 0x70 0x8f\n"
      "[S +0.000011] OK\n"
      "[R +0.000020] inb 0x71\n"
      "[S +0.000021] OK 0x0026\n"
      "[R +0.000020] readl 0x1000\n"
      "[S +0.000021] IRQ raise 14\n"
      "[S +0.000022] OK 0x00000000deadbeef\n"
      "[DMA][R +0.000030] read 0x2000 0x2\n"
      "[S +0.000031] OK 0xabcd\n"
      "[R +0.000040] clock_step 100\n"
      "[S +0.000041] OK 100\n"
      "[R +0.000050] frob\n"
      "[S +0.000051] FAIL Unknown command 'frob'\n"
      "[I +0.000060] CLOSED\n";
  std::vector<std::string> events;
  ASSERT_TRUE(Read(log, &events).ok());
  EXPECT_THAT(events, ElementsAre("time-advance:0:2710", "port-write:70:8f", "time-advance:0:2710",
                                  "port-read:71:26:rec", "mmio-read:1000:deadbeef:rec",
                                  "marker:irq raise 14", "time-advance:0:2710",
                                  "memory-read:2000:2:rec", "time-advance:0:2710",
                                  "marker:clock_step 100", "time-advance:0:2710", "marker:frob"));
}

TEST(QtestLogImporterTest, BadLinesNameTheLine) {
  const struct {
    std::string log;
    const char* message;
  } cases[] = {
      {"[R +0.1] inb 0x1\nhello\n", "t.qlog:2: expected"},
      {"[S +0.1] OK\n", "t.qlog:1: a reply (\"OK\") with no request"},
      {"[R +abc] inb 0x1\n", "t.qlog:1: expected"},
      {"[R +0.1234567890] inb 0x1\n", "t.qlog:1: expected"},
      {std::string("[R +0.1] inb 0x1\0\n", 18), "NUL byte"},
  };
  for (const auto& c : cases) {
    std::vector<std::string> events;
    const absl::Status status = Read(c.log, &events);
    EXPECT_EQ(status.code(), absl::StatusCode::kInvalidArgument) << c.log;
    EXPECT_THAT(std::string(status.message()), HasSubstr(c.message)) << c.log;
  }
}

TEST(QtestLogImporterTest, SniffsTheTaggedLines) {
  auto importer = CreateQtestLogImporter();
  EXPECT_TRUE(importer->Sniff("[I 0.000000] OPENED\n[R +0.1] inb 0x1\n"));
  EXPECT_TRUE(importer->Sniff("[R +0.023386] outw 0x176 0x3538\n"));
  EXPECT_FALSE(importer->Sniff("outw 0x176 0x3538\n"));
  EXPECT_FALSE(importer->Sniff("[xyz"));
}

}  // namespace
}  // namespace portrace::trace
