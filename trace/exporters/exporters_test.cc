#include <string>
#include <vector>

#include "absl/strings/str_format.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "trace/byte_source.h"
#include "trace/event.h"
#include "trace/exporters/registry.h"
#include "trace/importers/registry.h"

namespace portrace::trace {
namespace {

using ::testing::HasSubstr;

std::string Export(absl::string_view to, const EventBatch& batch) {
  std::string out;
  StringSink sink(&out);
  const Exporter* exporter = *ChooseExporter("", to);
  auto writer = *exporter->Create(&sink, TraceHeader());
  EXPECT_TRUE(writer->WriteBatch(batch).ok());
  EXPECT_TRUE(writer->Finish().ok());
  return out;
}

std::vector<std::string> Events(const EventBatch& batch) {
  std::vector<std::string> events;
  BatchCursor cursor(batch);
  while (!cursor.Done()) {
    const EventView e = cursor.Next();
    events.push_back(absl::StrFormat("%s %x %x %d %s", EventKindName(e.kind), e.address, e.value,
                                     e.recorded(), std::string(e.blob)));
  }
  return events;
}

EventBatch Sample() {
  EventBatch batch;
  BatchBuilder b(&batch);
  b.PortWrite(0x70, 1, 0x8f);
  b.TimeAdvance(2000);
  b.PortReadRecorded(0x71, 1, 0x26);
  b.MmioReadRecorded(0xfee00000, 4, 0x14);
  b.Marker("irq raise 14");
  b.MemoryReadRecorded(0x2000, "\xab\xcd");
  b.MemoryWrite(0x3000, 4, "\x01\x02");
  b.TimeAdvance(1000000);
  b.NicReceive(1, "\xff\xff\xff\xff\xff\xff\x52\x54");
  b.PortWrite(0x80, 1, 0x1);
  return batch;
}

TEST(QtestLogExporterTest, RoundTripsThroughTheImporterWithRecordedValues) {
  const std::string log = Export("qlog", Sample());
  EXPECT_THAT(log, HasSubstr("[I 0.000000] OPENED\n[R +0.000000] outb 0x70 0x8f\n[S +0.000000] OK\n"));
  EXPECT_THAT(log, HasSubstr("[R +0.000002] inb 0x71\n[S +0.000002] OK 0x0026\n"));
  EXPECT_THAT(log, HasSubstr("[S +0.000002] IRQ raise 14\n"));
  EXPECT_THAT(log, HasSubstr("[R +0.001002] nic_rx 1 0xffffffffffff5254\n[S +0.001002] OK\n"));
  EXPECT_THAT(log, HasSubstr("[I +0.001002] CLOSED\n"));
  auto source = *FindImporter("qlog")->Open(MakeStringSource(log));
  EventBatch back;
  ASSERT_TRUE(*source->Next(&back));
  EXPECT_EQ(Events(back), Events(Sample()));
}

TEST(ListingExporterTest, OneLinePerEventWithTimeAndRecordedValues) {
  const std::string text = Export("txt", Sample());
  EXPECT_THAT(text, HasSubstr("#0        t=0ns            outb 0x70 0x8f\n"));
  EXPECT_THAT(text, HasSubstr("#2        t=2000ns         inb 0x71 = 0x26\n"));
  EXPECT_THAT(text, HasSubstr("marker: irq raise 14"));
  EXPECT_THAT(text, HasSubstr("read 0x2000 0x2 = 0xabcd"));
  EXPECT_THAT(text, HasSubstr("write 0x3000 0x4 (2 bytes given)"));
  EXPECT_THAT(text,
              HasSubstr("#8        t=1002000ns      nic_rx 1 (8 bytes) 0xffffffffffff5254\n"));
  EXPECT_THAT(text, HasSubstr("#9        t=1002000ns      outb 0x80 0x1\n"));
}

// Every event kind, NIC_RECEIVE included, survives the canonical file and the qtest script.
TEST(CanonicalExporterTest, RoundTripsThroughTheImporter) {
  for (const char* format : {"trace", "qtest"}) {
    const std::string bytes = Export(format, Sample());
    auto source = *FindImporter(format)->Open(MakeStringSource(bytes));
    EventBatch back;
    ASSERT_TRUE(*source->Next(&back)) << format;
    std::vector<std::string> expected = Events(Sample());
    if (std::string(format) == "qtest") {
      // A script keeps no recorded values and no time advance a qtest clock_step cannot carry.
      EventBatch unrecorded;
      BatchBuilder b(&unrecorded);
      b.PortWrite(0x70, 1, 0x8f);
      b.TimeAdvance(2000);
      b.PortRead(0x71, 1);
      b.MmioRead(0xfee00000, 4);
      b.Marker("irq raise 14");
      b.MemoryRead(0x2000, 2);
      b.MemoryWrite(0x3000, 4, "\x01\x02");
      b.TimeAdvance(1000000);
      b.NicReceive(1, "\xff\xff\xff\xff\xff\xff\x52\x54");
      b.PortWrite(0x80, 1, 0x1);
      expected = Events(unrecorded);
    }
    EXPECT_EQ(Events(back), expected) << format;
  }
}

TEST(ExporterRegistryTest, ExtensionsPickTheNewExporters) {
  EXPECT_EQ((*ChooseExporter("x.qlog", ""))->name(), "qlog");
  EXPECT_EQ((*ChooseExporter("x.txt", ""))->name(), "txt");
}

}  // namespace
}  // namespace portrace::trace
