#include "trace/importers/xentrace_importer.h"

#include <algorithm>
#include <cstdlib>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "testdata/xentrace/samples.h"
#include "testdata/xentrace/xentrace_writer.h"
#include "trace/byte_source.h"
#include "trace/event.h"
#include "trace/importers/registry.h"

namespace portrace::trace {
namespace {

using ::portrace::testdata::kTrc64Flag;
using ::portrace::testdata::kTrcHvmIoAssist;
using ::portrace::testdata::kTrcHvmIoportRead;
using ::portrace::testdata::kTrcHvmIoportWrite;
using ::portrace::testdata::kTrcHvmIoRead;
using ::portrace::testdata::kTrcHvmIoWrite;
using ::portrace::testdata::kTrcHvmVmexit;
using ::portrace::testdata::kTrcLostRecords;
using ::portrace::testdata::XentraceWriter;
using ::testing::ElementsAre;
using ::testing::ElementsAreArray;
using ::testing::HasSubstr;

constexpr char kBySize[] = "{width-guessed: smallest width that holds the data}";

// One event as text: "write 3f8/1 d", "read 71/1 26 rec", "time +1000", "marker text", with
// " str" for FLAG_STRING_IO and " {key: text}" per annotation.
std::string Describe(const EventView& e, const std::vector<const Annotation*>& notes) {
  std::string s;
  switch (e.kind) {
    case PORT_READ:
    case PORT_WRITE:
      s = absl::StrFormat("%s %x/%u %x", e.kind == PORT_READ ? "read" : "write", e.address, e.width,
                          e.value);
      if (e.recorded()) s += " rec";
      if (e.flags & FLAG_STRING_IO) s += " str";
      break;
    case TIME_ADVANCE:
      s = absl::StrCat("time +", e.value);
      break;
    case MARKER:
      s = absl::StrCat("marker ", e.blob);
      break;
    default:
      s = std::string(EventKindName(e.kind));
  }
  for (const Annotation* note : notes)
    absl::StrAppend(&s, " {", note->key(), ": ", note->text(), "}");
  return s;
}

struct ReadResult {
  std::vector<std::string> events;
  absl::Status status;
  int largest_batch = 0;
};

ReadResult Read(const std::string& bytes, size_t chunk = 1 << 20) {
  ReadResult result;
  auto source = *CreateXentraceImporter()->Open(MakeStringSource(bytes, "x.bin", chunk));
  EventBatch batch;
  while (true) {
    absl::StatusOr<bool> have = source->Next(&batch);
    if (!have.ok()) {
      result.status = have.status();
      EXPECT_EQ(source->Next(&batch).status(), have.status());  // the error is sticky
      return result;
    }
    if (!*have) return result;
    EXPECT_TRUE(ValidateBatch(batch).ok());
    result.largest_batch = std::max(result.largest_batch, batch.op_size());
    std::vector<std::vector<const Annotation*>> notes(batch.op_size());
    for (const Annotation& note : batch.annotation()) notes[note.event()].push_back(&note);
    BatchCursor cursor(batch);
    while (!cursor.Done()) {
      const int index = cursor.index();
      result.events.push_back(Describe(cursor.Next(), notes[index]));
    }
  }
}

// A file of one window on pCPU 0 holding `records` ({event, extra words}).
std::string OneWindow(const std::vector<std::pair<uint32_t, std::vector<uint32_t>>>& records) {
  XentraceWriter w;
  w.Window(0);
  for (const auto& [event, extra] : records) w.Record(event, extra);
  return w.bytes();
}

TEST(XentraceImporterTest, IoRecordsBecomeAccesses) {
  const struct {
    uint32_t event;
    std::vector<uint32_t> extra;
    std::vector<std::string> events;
  } cases[] = {
      {kTrcHvmIoportWrite, {0x70, 0x8f}, {absl::StrCat("write 70/1 8f ", kBySize, " {pcpu: 0}")}},
      {kTrcHvmIoportRead, {0x71, 0x26}, {absl::StrCat("read 71/1 26 rec ", kBySize, " {pcpu: 0}")}},
      {kTrcHvmIoportRead,
       {0x10, 0x49d2},
       {absl::StrCat("read 10/2 49d2 rec ", kBySize, " {pcpu: 0}")}},
      {kTrcHvmIoportRead,
       {0x5658, 0xffffffff},
       {absl::StrCat("read 5658/4 ffffffff rec ", kBySize, " {pcpu: 0}")}},
      {kTrcHvmIoportWrite,
       {0xcf8, 0x8},
       {"write cf8/4 8 {width-guessed: 0xcf8 is CONFIG_ADDRESS only as a dword} {pcpu: 0}"}},
      {kTrcHvmIoportRead,
       {0x1f0, 0x12},
       {"read 1f0/2 12 rec {width-guessed: ATA data register, 16-bit} {pcpu: 0}"}},
      {kTrcHvmIoportRead,
       {0x1f0, 0x12345678},
       {absl::StrCat("read 1f0/4 12345678 rec ", kBySize, " {pcpu: 0}")}},
      // rep string I/O: only the port.
      {kTrcHvmIoportRead,
       {0x3f8},
       {"read 3f8/1 0 str {string-io: rep string I/O: the data is in guest memory and the count is "
        "not traced} {width-guessed: no data traced: narrowest width} {pcpu: 0}"}},
      {kTrcHvmIoportWrite,
       {0x170},
       {"write 170/2 0 str {value-unknown: rep string I/O: the data is in guest memory and the "
        "count is not traced} {width-guessed: ATA data register, 16-bit} {pcpu: 0}"}},
      // TRC_64_FLAG: [port lo, port hi, data lo(, data hi)].
      {kTrcHvmIoportWrite | kTrc64Flag,
       {0x3f8, 0, 0x41},
       {absl::StrCat("write 3f8/1 41 ", kBySize, " {pcpu: 0}")}},
      {kTrcHvmIoportRead | kTrc64Flag,
       {0x3fd, 0, 0x60, 0},
       {absl::StrCat("read 3fd/1 60 rec ", kBySize, " {pcpu: 0}")}},
      // Xen 3.x: [port, size(, value)].
      {kTrcHvmIoWrite, {0x80, 1, 0x42}, {"write 80/1 42 {pcpu: 0}"}},
      {kTrcHvmIoWrite,
       {0x70, 1},
       {"write 70/1 0 {value-unknown: Xen 3.x IO_WRITE record without the value} {pcpu: 0}"}},
      {kTrcHvmIoRead, {0xcfc, 4}, {"read cfc/4 0 {pcpu: 0}"}},
      // Skipped: IOMEM, VMENTRY, an unknown class.
      {0x00082017, {0xfee00000, 0}, {}},
      {0x00081001, {}, {}},
      {0x0ffffff0, {1, 2, 3, 4, 5, 6, 7}, {}},
      {kTrcLostRecords, {17, 0, 0, 0}, {"marker xentrace: 17 records lost on pCPU 0"}},
  };
  for (const auto& c : cases) {
    const ReadResult r = Read(OneWindow({{c.event, c.extra}}));
    ASSERT_TRUE(r.status.ok()) << std::hex << c.event << ": " << r.status;
    EXPECT_THAT(r.events, ElementsAreArray(c.events)) << std::hex << c.event;
  }
}

TEST(XentraceImporterTest, Xen3ReadsTakeTheValueOfTheirIoAssist) {
  const ReadResult r = Read(OneWindow({{kTrcHvmIoRead, {0x71, 1}},
                                       {kTrcHvmIoAssist, {0x26}},
                                       {kTrcHvmIoAssist, {0x27}},  // nothing in flight: dropped
                                       {kTrcHvmIoRead, {0x64, 1}},
                                       {kTrcHvmIoWrite, {0x60, 1, 0xf4}}}));
  ASSERT_TRUE(r.status.ok()) << r.status;
  EXPECT_THAT(r.events, ElementsAre("read 71/1 26 rec {pcpu: 0}", "read 64/1 0", "write 60/1 f4"));
}

TEST(XentraceImporterTest, TscGivesTimeAtTheAssumedFrequency) {
  XentraceWriter w;
  w.Window(0);
  const uint64_t start = 0xfffffff000000000;  // near the top: no overflow
  w.Record(kTrcHvmVmexit, {30, 0}, start);
  w.Record(kTrcHvmIoportWrite, {0x80, 1});
  w.Record(kTrcHvmVmexit, {30, 0}, start + kXentraceAssumedTscHz);  // one second
  w.Record(kTrcHvmIoportWrite, {0x80, 2});
  w.Window(1);
  w.Record(kTrcHvmVmexit, {30, 0}, start + 2400);  // another pCPU, earlier: time stays
  w.Record(kTrcHvmIoportWrite, {0x80, 3});
  w.Record(kTrcHvmVmexit, {30, 0}, start + kXentraceAssumedTscHz + 2400);  // +1 us
  w.Record(kTrcHvmIoportWrite, {0x80, 4});
  const ReadResult r = Read(w.bytes());
  ASSERT_TRUE(r.status.ok()) << r.status;
  EXPECT_THAT(r.events, ElementsAre(absl::StrCat("write 80/1 1 ", kBySize, " {pcpu: 0}"),
                                    "time +1000000000", absl::StrCat("write 80/1 2 ", kBySize),
                                    absl::StrCat("write 80/1 3 ", kBySize, " {pcpu: 1}"),
                                    "time +1000", absl::StrCat("write 80/1 4 ", kBySize)));
}

// Replaces the u32 at `offset` of `bytes`.
std::string Patch32(std::string bytes, size_t offset, uint32_t value) {
  for (int i = 0; i < 4; ++i) bytes[offset + i] = static_cast<char>(value >> (8 * i));
  return bytes;
}

TEST(XentraceImporterTest, MalformedFilesNameTheOffset) {
  const std::string one = OneWindow({{kTrcHvmIoportWrite, {0x80, 1}}});  // 12 + 12 bytes
  const std::string two = one + OneWindow({{kTrcHvmIoportWrite, {0x80, 2}}});
  const struct {
    std::string bytes;
    absl::StatusCode code;
    const char* message;
  } cases[] = {
      {std::string(16, 'x'), absl::StatusCode::kInvalidArgument,
       "x.bin: offset 0: not a xentrace file: the first record's header is 0x78787878"},
      {OneWindow({{kTrcHvmIoportWrite, {0x80, 1}}}).substr(12), absl::StatusCode::kInvalidArgument,
       "offset 0: not a xentrace file"},
      // The window says 12 bytes; a 16-byte record does not fit.
      {Patch32(Patch32(one, 12, kTrcHvmIoportWrite | 3u << 28), 8, 12) + std::string(4, '\0'),
       absl::StatusCode::kInvalidArgument,
       "x.bin: offset 12: record (header 0x30082216, 16 bytes) crosses the end of pCPU 0's window "
       "at offset 24"},
      {Patch32(one, 8, 8), absl::StatusCode::kInvalidArgument,
       "x.bin: offset 12: record (header 0x20082216, 12 bytes) crosses the end"},
      {Patch32(one, 8, 0), absl::StatusCode::kInvalidArgument,
       "x.bin: offset 12: expected a cpu_change record where pCPU 0's window ends, found header "
       "0x20082216"},
      {Patch32(two, 8, 24), absl::StatusCode::kInvalidArgument,
       "x.bin: offset 24: cpu_change record inside pCPU 0's window (which ends at offset 36)"},
      {Patch32(two, 24, 0x3001f003), absl::StatusCode::kInvalidArgument,
       "x.bin: offset 24: cpu_change record with header 0x3001f003"},
      {Patch32(one, 4, 0xffffffff), absl::StatusCode::kInvalidArgument,
       "offset 0: cpu_change record names pCPU -1"},
      {Patch32(one, 8, 13), absl::StatusCode::kInvalidArgument,
       "offset 0: cpu_change record announces a window of 13 bytes"},
      {Patch32(one, 8, 0xfffffff0), absl::StatusCode::kInvalidArgument,
       "announces a window of 4294967280 bytes"},
      {OneWindow({{kTrcHvmIoportWrite, {}}}), absl::StatusCode::kInvalidArgument,
       "x.bin: offset 12: IOPORT_WRITE record with 0 extra words (expected [port] or [port, "
       "data])"},
      {OneWindow({{kTrcHvmIoportRead, {1, 2, 3}}}), absl::StatusCode::kInvalidArgument,
       "IOPORT_READ record with 3 extra words"},
      {OneWindow({{kTrcHvmIoportRead | kTrc64Flag, {1}}}), absl::StatusCode::kInvalidArgument,
       "IOPORT_READ (64-bit) record with 1 extra words"},
      {OneWindow({{kTrcHvmIoportRead, {0x10000, 1}}}), absl::StatusCode::kInvalidArgument,
       "x.bin: offset 12: IOPORT_READ record: port 0x10000 above 0xffff"},
      {OneWindow({{kTrcHvmIoportWrite | kTrc64Flag, {0x80, 1, 1, 0}}}),
       absl::StatusCode::kInvalidArgument, "port 0x100000080 above 0xffff"},
      {OneWindow({{kTrcHvmIoportWrite | kTrc64Flag, {0x80, 0, 1, 1}}}),
       absl::StatusCode::kInvalidArgument, "data 0x100000001 wider than a port access"},
      {OneWindow({{kTrcHvmIoRead, {0x80, 3}}}), absl::StatusCode::kInvalidArgument,
       "IO_READ record: size 3 is not 1, 2 or 4"},
      {OneWindow({{kTrcHvmIoWrite, {0x80}}}), absl::StatusCode::kInvalidArgument,
       "IO_WRITE record with 1 extra words (expected [port, size])"},
      {OneWindow({{kTrcHvmIoWrite, {0x12345, 1}}}), absl::StatusCode::kInvalidArgument,
       "IO_WRITE record: port 0x12345 above 0xffff"},
      // Truncated.
      {one.substr(0, 2), absl::StatusCode::kDataLoss,
       "x.bin: offset 0: truncated record: 2 of 4 header bytes"},
      {one.substr(0, 7), absl::StatusCode::kDataLoss,
       "x.bin: offset 0: truncated record (header 0x2001f003): 7 of 12 bytes"},
      {one.substr(0, 20), absl::StatusCode::kDataLoss,
       "x.bin: offset 12: truncated record (header 0x20082216): 8 of 12 bytes"},
      {one.substr(0, 12), absl::StatusCode::kDataLoss,
       "x.bin: offset 12: input ends 0 bytes into pCPU 0's 12-byte window (truncated capture?)"},
      {two.substr(0, 36), absl::StatusCode::kDataLoss,
       "offset 36: input ends 0 bytes into pCPU 0's 12-byte window"},
  };
  for (const auto& c : cases) {
    const ReadResult r = Read(c.bytes);
    EXPECT_EQ(r.status.code(), c.code) << c.message << ": " << r.status;
    EXPECT_THAT(std::string(r.status.message()), HasSubstr(c.message));
    EXPECT_EQ(std::string(r.status.message()).find('\n'), std::string::npos);
  }
}

TEST(XentraceImporterTest, EventsBeforeAnErrorAreDelivered) {
  std::string bytes = OneWindow({{kTrcHvmIoportWrite, {0x80, 1}}, {kTrcHvmIoRead, {0x71, 1}}});
  bytes.resize(bytes.size() + 4);  // a header's worth of zeros past the window's end
  const ReadResult r = Read(bytes);
  EXPECT_THAT(r.events,
              ElementsAre(absl::StrCat("write 80/1 1 ", kBySize, " {pcpu: 0}"), "read 71/1 0"));
  EXPECT_EQ(r.status.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(std::string(r.status.message()), HasSubstr("offset 36: expected a cpu_change"));
}

TEST(XentraceImporterTest, BinaryGarbageFailsCleanly) {
  // Deterministic garbage, behind a valid cpu_change record so that the reader goes past the
  // first check: whatever the bytes, the result is events then one clean error, or the end.
  uint32_t state = 12345;
  for (int round = 0; round < 200; ++round) {
    std::string bytes;
    const int length = 12 + static_cast<int>(state % 400);
    for (int i = 0; i < length; ++i) {
      state = state * 1103515245 + 12345;
      bytes.push_back(static_cast<char>(state >> 16));
    }
    bytes = Patch32(Patch32(Patch32(bytes, 0, 0x2001f003), 4, round % 3), 8, (length - 12) & ~3u);
    const ReadResult r = Read(bytes, 1 + round % 7);
    if (!r.status.ok()) {
      EXPECT_TRUE(absl::IsInvalidArgument(r.status) || absl::IsDataLoss(r.status)) << r.status;
      EXPECT_THAT(std::string(r.status.message()), HasSubstr("x.bin: offset "));
    }
  }
}

TEST(XentraceImporterTest, LargeFilesStreamInBoundedBatchesWhateverTheReadSize) {
  XentraceWriter w;
  for (int window = 0; window < 40; ++window) {
    w.Window(window % 4);
    for (int i = 0; i < 1000; ++i) {
      w.Record(kTrcHvmVmexit, {30, 0}, uint64_t{1000000} + (window * 1000 + i) * 2400);
      w.Record(kTrcHvmIoportWrite, {0x80, static_cast<uint32_t>(i & 0xff)});
    }
  }
  const std::string bytes = w.bytes();
  const ReadResult whole = Read(bytes);
  ASSERT_TRUE(whole.status.ok()) << whole.status;
  EXPECT_EQ(whole.events.size(), 40000u + 39999u);  // each access after the first advances time
  EXPECT_LE(whole.largest_batch, 4096);
  const ReadResult trickled = Read(bytes, 7);
  ASSERT_TRUE(trickled.status.ok()) << trickled.status;
  EXPECT_EQ(trickled.events, whole.events);
}

TEST(XentraceImporterTest, SniffsTheLeadingCpuChangeRecord) {
  auto importer = CreateXentraceImporter();
  EXPECT_EQ(importer->name(), "xentrace");
  EXPECT_TRUE(importer->Sniff(OneWindow({})));
  EXPECT_TRUE(importer->Sniff(testdata::HvmBootSample()));
  EXPECT_FALSE(importer->Sniff(OneWindow({}).substr(0, 11)));
  EXPECT_FALSE(importer->Sniff(Patch32(OneWindow({}), 0, 0x3001f003)));
  EXPECT_FALSE(importer->Sniff("outb 0x80 0x1\n"));
  EXPECT_FALSE(importer->Sniff(""));
}

std::string TestdataPath(const std::string& name) {
  const char* srcdir = std::getenv("TEST_SRCDIR");
  const char* workspace = std::getenv("TEST_WORKSPACE");
  return absl::StrCat(srcdir != nullptr ? srcdir : ".", "/",
                      workspace != nullptr ? workspace : "portrace", "/testdata/xentrace/", name);
}

std::string ReadTestdata(const std::string& name) {
  const std::string path = TestdataPath(name);
  std::ifstream in(path, std::ios::binary);
  EXPECT_TRUE(in.good()) << path;
  std::ostringstream out;
  out << in.rdbuf();
  return out.str();
}

TEST(XentraceImporterTest, CheckedInSamplesMatchTheirGeneratorAndDecode) {
  const std::string boot = ReadTestdata("hvm-boot.xentrace");
  EXPECT_EQ(boot, testdata::HvmBootSample())
      << "regenerate: bazel run //testdata/xentrace:make_samples -- \"$PWD/testdata/xentrace\" "
         "\"$PWD/testdata/fuzz/xentrace\"";
  const std::string by_size(kBySize);
  const ReadResult r = Read(boot);
  ASSERT_TRUE(r.status.ok()) << r.status;
  EXPECT_THAT(
      r.events,
      ElementsAre(
          "write 80/1 0 " + by_size + " {pcpu: 0}", "time +2000", "write cf8/4 80000000 " + by_size,
          "time +1000", "read cfc/4 12378086 rec " + by_size, "time +1000",
          "write cf8/4 80000008 " + by_size, "time +1000", "read cfc/4 6000002 rec " + by_size,
          "time +3000", "write 70/1 8f " + by_size, "time +1000", "read 71/1 0 rec " + by_size,
          "time +5000", "read 3fd/1 60 rec " + by_size, "time +1000", "write 3f8/1 4f " + by_size,
          "time +5000", "read 3fd/1 60 rec " + by_size, "time +1000", "write 3f8/1 4b " + by_size,
          "time +5000", "read 3fd/1 60 rec " + by_size, "time +1000", "write 3f8/1 a " + by_size,
          "time +40000", "marker xentrace: 17 records lost on pCPU 1", "time +2000",
          "read 5658/4 ffffffff rec " + by_size + " {pcpu: 1}", "time +1000",
          "write 80/1 55 " + by_size, "time +1000",
          "read 1f0/2 0 str {string-io: rep string I/O: the data is in guest memory and the count "
          "is not traced} {width-guessed: ATA data register, 16-bit}"));

  const std::string xen3 = ReadTestdata("xen3-io.xentrace");
  EXPECT_EQ(xen3, testdata::Xen3IoSample());
  const ReadResult old = Read(xen3);
  ASSERT_TRUE(old.status.ok()) << old.status;
  EXPECT_THAT(old.events,
              ElementsAre("write 70/1 0 {value-unknown: Xen 3.x IO_WRITE record without the value} "
                          "{pcpu: 0}",
                          "time +10000", "write 80/1 42", "time +10000", "read 71/1 26 rec",
                          "time +10000", "read cfc/4 0",
                          "write cf8/4 0 {value-unknown: Xen 3.x "
                          "IO_WRITE record without the value}"));
}

TEST(XentraceImporterTest, TheRegistryRecognisesEverySample) {
  for (const char* file : {"hvm-boot.xentrace", "xen3-io.xentrace"}) {
    absl::StatusOr<OpenedTrace> opened = OpenTrace(TestdataPath(file), "");
    ASSERT_TRUE(opened.ok()) << file << ": " << opened.status();
    EXPECT_EQ(opened->format, "xentrace") << file;
    EXPECT_EQ(opened->source->header().metadata(0).key(), "tsc-hz");
  }
}

}  // namespace
}  // namespace portrace::trace
