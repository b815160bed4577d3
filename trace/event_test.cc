#include "trace/event.h"

#include <functional>
#include <string>

#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace portrace::trace {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;

TEST(PackOpTest, FieldsRoundTrip) {
  const struct {
    EventKind kind;
    uint32_t width;
    uint32_t flags;
    uint32_t aux;
  } cases[] = {
      {PORT_READ, 1, 0, 0},
      {PORT_WRITE, 4, FLAG_RECORDED, 0},
      {MMIO_WRITE, 8, 0, 0},
      {MEMORY_FILL, 0, 0, 0xff},
      {TIME_ADVANCE, 0, FLAG_TO_DEADLINE, 0},
      {MARKER, 0, FLAG_QTEST, 0},
      {MEMORY_READ, 0, FLAG_RECORDED | FLAG_BASE64, 0x12},
      {NIC_RECEIVE, 0, 0, 0xff},
  };
  for (const auto& c : cases) {
    const uint32_t op = PackOp(c.kind, c.width, c.flags, c.aux);
    EXPECT_EQ(OpKind(op), c.kind) << EventKindName(c.kind);
    EXPECT_EQ(OpWidth(op), c.width) << EventKindName(c.kind);
    EXPECT_EQ(OpFlags(op), c.flags) << EventKindName(c.kind);
    EXPECT_EQ(OpAux(op), c.aux) << EventKindName(c.kind);
  }
}

TEST(PackOpTest, FieldsAreMaskedToOneByte) {
  const uint32_t op = PackOp(PORT_READ, 0x102, 0x104, 0x1ff);
  EXPECT_EQ(OpKind(op), PORT_READ);
  EXPECT_EQ(OpWidth(op), 0x02u);
  EXPECT_EQ(OpFlags(op), 0x04u);
  EXPECT_EQ(OpAux(op), 0xffu);
}

TEST(PackOpTest, OpHasBlob) {
  EXPECT_TRUE(OpHasBlob(PackOp(MEMORY_WRITE, 0, 0)));
  EXPECT_TRUE(OpHasBlob(PackOp(MARKER, 0, 0)));
  EXPECT_TRUE(OpHasBlob(PackOp(MEMORY_READ, 0, FLAG_RECORDED)));
  EXPECT_TRUE(OpHasBlob(PackOp(NIC_RECEIVE, 0, 0, 3)));
  EXPECT_FALSE(OpHasBlob(PackOp(MEMORY_READ, 0, FLAG_BASE64)));
  EXPECT_FALSE(OpHasBlob(PackOp(MEMORY_FILL, 0, 0)));
  EXPECT_FALSE(OpHasBlob(PackOp(PORT_WRITE, 1, 0)));
}

TEST(WidthMaskTest, AllWidths) {
  EXPECT_EQ(WidthMask(1), 0xffu);
  EXPECT_EQ(WidthMask(2), 0xffffu);
  EXPECT_EQ(WidthMask(4), 0xffffffffu);
  EXPECT_EQ(WidthMask(8), ~uint64_t{0});
}

TEST(EventKindNameTest, NamesKnownKindsAndUnknown) {
  EXPECT_EQ(EventKindName(PORT_READ), "port-read");
  EXPECT_EQ(EventKindName(MMIO_WRITE), "mmio-write");
  EXPECT_EQ(EventKindName(MEMORY_READ), "memory-read");
  EXPECT_EQ(EventKindName(NIC_RECEIVE), "nic-receive");
  EXPECT_EQ(EventKindName(static_cast<EventKind>(200)), "unknown");
}

// One event of every kind, as a replayer would meet them.
EventBatch EveryKind() {
  EventBatch batch;
  BatchBuilder b(&batch);
  b.PortRead(0x60, 1);
  b.PortReadRecorded(0x64, 1, 0x1d);
  b.PortWrite(0xcf8, 4, 0x80000920);
  b.MmioRead(0xfee00000, 4);
  b.MmioReadRecorded(0xfee00030, 8, 0x50014);
  b.MmioWrite(0xe0001020, 8, 0xefefff5ecafe0000);
  b.MemoryWrite(0x2103, 4, "\x4e");
  b.MemoryFill(0x1000, 16, 0xaa);
  b.MemoryRead(0x2000, 8, FLAG_BASE64);
  b.MemoryReadRecorded(0x3000, "abc");
  b.TimeAdvance(100);
  b.TimeAdvanceToDeadline();
  b.TimeSet(5000);
  b.Marker("resume");
  b.Marker("endianness", FLAG_QTEST);
  b.Annotate("qtest", "endianness");
  b.NicReceive(1, std::string("\xff\xff\xff\xff\xff\xff\x00", 7));
  return batch;
}

TEST(BatchBuilderTest, KeepsColumnsInStepAndMasksValues) {
  EventBatch batch;
  BatchBuilder b(&batch);
  b.PortWrite(0x80, 1, 0x1234);
  b.MmioWrite(0x1000, 2, 0xabcdef);
  b.PortReadRecorded(0x71, 2, 0x12345);
  EXPECT_EQ(b.size(), 3);
  EXPECT_THAT(batch.address(), ElementsAre(0x80u, 0x1000u, 0x71u));
  EXPECT_THAT(batch.value(), ElementsAre(0x34u, 0xcdefu, 0x2345u));
  EXPECT_EQ(batch.blob_size(), 0);
}

TEST(BatchBuilderTest, AnnotateNamesTheLastEvent) {
  EventBatch batch;
  BatchBuilder b(&batch);
  b.PortWrite(0x80, 1, 1);
  b.PortWrite(0x80, 1, 2);
  b.Annotate("region", "post");
  ASSERT_EQ(batch.annotation_size(), 1);
  EXPECT_EQ(batch.annotation(0).event(), 1u);
  EXPECT_EQ(batch.annotation(0).key(), "region");
  EXPECT_EQ(batch.annotation(0).text(), "post");
}

TEST(BatchCursorTest, PairsBlobsWithTheirEvents) {
  const EventBatch batch = EveryKind();
  BatchCursor cursor(batch);
  std::vector<EventView> views;
  while (!cursor.Done()) views.push_back(cursor.Next());
  ASSERT_EQ(views.size(), 16u);
  EXPECT_EQ(views[1].kind, PORT_READ);
  EXPECT_TRUE(views[1].recorded());
  EXPECT_EQ(views[1].value, 0x1du);
  EXPECT_EQ(views[6].kind, MEMORY_WRITE);
  EXPECT_EQ(views[6].value, 4u);
  EXPECT_EQ(views[6].blob, "\x4e");
  EXPECT_EQ(views[7].kind, MEMORY_FILL);
  EXPECT_EQ(views[7].aux, 0xaau);
  EXPECT_EQ(views[8].kind, MEMORY_READ);
  EXPECT_FALSE(views[8].recorded());
  EXPECT_EQ(views[8].flags, uint32_t{FLAG_BASE64});
  EXPECT_EQ(views[8].blob, "");
  EXPECT_EQ(views[9].blob, "abc");
  EXPECT_EQ(views[9].value, 3u);
  EXPECT_EQ(views[11].flags, uint32_t{FLAG_TO_DEADLINE});
  EXPECT_EQ(views[13].blob, "resume");
  EXPECT_EQ(views[13].flags, 0u);
  EXPECT_EQ(views[14].blob, "endianness");
  EXPECT_EQ(views[14].flags, uint32_t{FLAG_QTEST});
  EXPECT_EQ(views[15].kind, NIC_RECEIVE);
  EXPECT_EQ(views[15].aux, 1u);
  EXPECT_EQ(views[15].address, 0u);
  EXPECT_EQ(views[15].value, 7u);
  EXPECT_EQ(views[15].blob, std::string("\xff\xff\xff\xff\xff\xff\x00", 7));
}

TEST(ValidateBatchTest, AcceptsWellFormedBatches) {
  EXPECT_TRUE(ValidateBatch(EventBatch()).ok());
  EXPECT_TRUE(ValidateBatch(EveryKind()).ok()) << ValidateBatch(EveryKind());

  EventBatch limits;
  BatchBuilder b(&limits);
  b.PortWrite(0xffff, 4, 0xffffffff);
  b.MemoryWrite(0, kMaxMemoryLength, "");
  b.MemoryFill(0, kMaxMemoryLength, 0);
  b.MemoryRead(0, kMaxMemoryLength);
  b.MemoryWrite(0, 2, "ab");  // data exactly as long as the length
  b.NicReceive(0, "x");       // the shortest frame
  b.NicReceive(255, std::string(kMaxNicFrameLength, '\x5a'));  // the longest, the last NIC
  EXPECT_TRUE(ValidateBatch(limits).ok()) << ValidateBatch(limits);
}

// Builds a one-event batch from raw columns, bypassing BatchBuilder's masking.
EventBatch RawEvent(uint32_t op, uint64_t address, uint64_t value) {
  EventBatch batch;
  batch.add_op(op);
  batch.add_address(address);
  batch.add_value(value);
  return batch;
}

TEST(ValidateBatchTest, RejectsMalformedBatches) {
  const struct {
    const char* name;
    std::function<EventBatch()> make;
    const char* message;
  } cases[] = {
      {"column length mismatch",
       [] {
         EventBatch batch = RawEvent(PackOp(PORT_READ, 1, 0), 0x60, 0);
         batch.add_address(0x61);
         return batch;
       },
       "columns differ in length (op 1, address 2, value 1)"},
      {"port width 3", [] { return RawEvent(PackOp(PORT_WRITE, 3, 0), 0x80, 0); },
       "event 0 (port-write): width 3"},
      {"port width 8", [] { return RawEvent(PackOp(PORT_READ, 8, 0), 0x80, 0); },
       "event 0 (port-read): width 8"},
      {"mmio width 0", [] { return RawEvent(PackOp(MMIO_READ, 0, 0), 0x1000, 0); },
       "event 0 (mmio-read): width 0"},
      {"time with a width", [] { return RawEvent(PackOp(TIME_SET, 4, 0), 0, 10); },
       "event 0 (time-set): width 4"},
      {"memory fill with a width", [] { return RawEvent(PackOp(MEMORY_FILL, 1, 0), 0, 10); },
       "event 0 (memory-fill): width 1"},
      {"port above 0xffff", [] { return RawEvent(PackOp(PORT_WRITE, 1, 0), 0x10000, 0); },
       "event 0 (port-write): port 0x10000 above 0xffff"},
      {"port value wider than width",
       [] { return RawEvent(PackOp(PORT_WRITE, 1, 0), 0x80, 0x100); },
       "event 0 (port-write): value wider than the access"},
      {"mmio value wider than width",
       [] { return RawEvent(PackOp(MMIO_WRITE, 4, 0), 0x1000, uint64_t{1} << 32); },
       "event 0 (mmio-write): value wider than the access"},
      {"fill length over the limit",
       [] { return RawEvent(PackOp(MEMORY_FILL, 0, 0), 0, kMaxMemoryLength + 1); },
       "event 0 (memory-fill): length 16777217 above the limit of 16777216 bytes"},
      {"read length over the limit",
       [] { return RawEvent(PackOp(MEMORY_READ, 0, 0), 0, ~uint64_t{0}); },
       "above the limit of 16777216 bytes"},
      {"missing blob", [] { return RawEvent(PackOp(MEMORY_WRITE, 0, 0), 0, 4); },
       "event 0 (memory-write): its data is missing"},
      {"missing marker blob",
       [] {
         EventBatch batch = RawEvent(PackOp(MARKER, 0, 0), 0, 0);
         return batch;
       },
       "event 0 (marker): its data is missing"},
      {"extra blob",
       [] {
         EventBatch batch = RawEvent(PackOp(PORT_READ, 1, 0), 0x60, 0);
         batch.add_blob("stray");
         return batch;
       },
       "batch has 1 data entries for 0 events that take one"},
      {"memory write blob longer than its length",
       [] {
         EventBatch batch = RawEvent(PackOp(MEMORY_WRITE, 0, 0), 0, 2);
         batch.add_blob("abc");
         return batch;
       },
       "event 0 (memory-write): more data than its length"},
      {"recorded read blob differs from its length",
       [] {
         EventBatch batch = RawEvent(PackOp(MEMORY_READ, 0, FLAG_RECORDED), 0, 4);
         batch.add_blob("ab");
         return batch;
       },
       "event 0 (memory-read): recorded data differs in length"},
      {"nic frame of zero bytes",
       [] {
         EventBatch batch = RawEvent(PackOp(NIC_RECEIVE, 0, 0, 0), 0, 0);
         batch.add_blob("");
         return batch;
       },
       "event 0 (nic-receive): frame length 0 not in 1..65535"},
      {"nic frame over the limit",
       [] {
         EventBatch batch = RawEvent(PackOp(NIC_RECEIVE, 0, 0, 0), 0, kMaxNicFrameLength + 1);
         batch.add_blob(std::string(kMaxNicFrameLength + 1, 'a'));
         return batch;
       },
       "event 0 (nic-receive): frame length 65536 not in 1..65535"},
      {"nic frame shorter than its length",
       [] {
         EventBatch batch = RawEvent(PackOp(NIC_RECEIVE, 0, 0, 0), 0, 60);
         batch.add_blob("abc");
         return batch;
       },
       "event 0 (nic-receive): frame differs from its length"},
      {"nic frame missing", [] { return RawEvent(PackOp(NIC_RECEIVE, 0, 0, 0), 0, 60); },
       "event 0 (nic-receive): its data is missing"},
      {"nic frame with an address",
       [] {
         EventBatch batch = RawEvent(PackOp(NIC_RECEIVE, 0, 0, 0), 0x300, 1);
         batch.add_blob("a");
         return batch;
       },
       "event 0 (nic-receive): address 0x300 (must be 0)"},
      {"nic frame with a width",
       [] {
         EventBatch batch = RawEvent(PackOp(NIC_RECEIVE, 1, 0, 0), 0, 1);
         batch.add_blob("a");
         return batch;
       },
       "event 0 (nic-receive): width 1"},
      {"annotation out of range",
       [] {
         EventBatch batch = RawEvent(PackOp(PORT_READ, 1, 0), 0x60, 0);
         Annotation* note = batch.add_annotation();
         note->set_event(1);
         note->set_key("qtest");
         return batch;
       },
       "annotation names event 1 of a batch of 1"},
      {"unknown kind", [] { return RawEvent(PackOp(static_cast<EventKind>(77), 0, 0), 0, 0); },
       "event 0: unknown kind 77"},
      {"unspecified kind", [] { return RawEvent(PackOp(EVENT_KIND_UNSPECIFIED, 0, 0), 0, 0); },
       "event 0: unknown kind 0"},
      {"error names the event index",
       [] {
         EventBatch batch;
         BatchBuilder b(&batch);
         b.PortWrite(0x80, 1, 1);
         b.PortWrite(0x80, 1, 2);
         batch.add_op(PackOp(PORT_READ, 5, 0));
         batch.add_address(0x80);
         batch.add_value(0);
         return batch;
       },
       "event 2 (port-read): width 5"},
  };
  for (const auto& c : cases) {
    const absl::Status status = ValidateBatch(c.make());
    EXPECT_EQ(status.code(), absl::StatusCode::kInvalidArgument) << c.name;
    EXPECT_THAT(status.message(), HasSubstr(c.message)) << c.name;
  }
}

// A qtest line keeps words QEMU ignores, whatever their bytes; the annotation must survive the
// wire even when it is not UTF-8.
TEST(EventBatchTest, AnnotationTextNeedNotBeUtf8) {
  EventBatch batch;
  BatchBuilder b(&batch);
  b.PortRead(0x60, 1);
  b.Annotate("qtest", "inb 0x60 \xff\xfe");
  std::string wire;
  ASSERT_TRUE(batch.SerializeToString(&wire));
  EventBatch back;
  ASSERT_TRUE(back.ParseFromString(wire));
  EXPECT_EQ(back.annotation(0).text(), "inb 0x60 \xff\xfe");
}

}  // namespace
}  // namespace portrace::trace
