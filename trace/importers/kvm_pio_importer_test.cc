#include "trace/importers/kvm_pio_importer.h"

#include <cstdlib>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "trace/byte_source.h"
#include "trace/event.h"
#include "trace/importers/registry.h"

namespace portrace::trace {
namespace {

using ::testing::ElementsAre;
using ::testing::ElementsAreArray;
using ::testing::HasSubstr;

// One event as text: "write 3f8/1 d", "read 71/1 26 rec", "time +10000", "marker text", with
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
  int batches = 0;
  int largest_batch = 0;
};

ReadResult Read(const std::string& text, bool describe = true) {
  ReadResult result;
  auto source = *CreateKvmPioImporter()->Open(MakeStringSource(text, "t.txt"));
  EventBatch batch;
  while (true) {
    absl::StatusOr<bool> have = source->Next(&batch);
    if (!have.ok()) {
      result.status = have.status();
      // The error is sticky.
      EXPECT_EQ(source->Next(&batch).status(), have.status());
      return result;
    }
    if (!*have) return result;
    EXPECT_TRUE(ValidateBatch(batch).ok());
    ++result.batches;
    result.largest_batch = std::max(result.largest_batch, batch.op_size());
    if (!describe) {
      for (int i = 0; i < batch.op_size(); ++i) result.events.push_back("");
      continue;
    }
    std::vector<std::vector<const Annotation*>> notes(batch.op_size());
    for (const Annotation& note : batch.annotation()) notes[note.event()].push_back(&note);
    BatchCursor cursor(batch);
    while (!cursor.Done()) {
      const int index = cursor.index();
      result.events.push_back(Describe(cursor.Next(), notes[index]));
    }
  }
}

TEST(KvmPioImporterTest, ReadsTheRealLinesOfEachRendering) {
  // formats.md §3: Gleixner (ftrace), Kiszka (trace-cmd), the perf-usage book (perf script), and
  // the old form without val.
  const struct {
    const char* line;
    const char* event;
  } cases[] = {
      {"CPU 36/KVM-2063    [097] ..... 1466862.728737: kvm_pio: pio_write at 0x3f8 size 1 count 1 "
       "val 0xd ",
       "write 3f8/1 d {host-time: 1466862.728737} {thread: CPU 36/KVM-2063}"},
      {" qemu-system-x86-6660  [007]   398.691441: kvm_pio:              pio_read at 0x5658 size 4 "
       "count 1 val 0x4 ",
       "read 5658/4 4 rec {host-time: 398.691441} {thread: qemu-system-x86-6660}"},
      {"qemu-system-x86 10042 [000] 313831.754508: kvm:kvm_pio: pio_read at 0x3fd size 1 count 1 "
       "val 0x60",
       "read 3fd/1 60 rec {host-time: 313831.754508} {thread: qemu-system-x86 10042}"},
      {"kvm_pio: pio_read at 0xc13e size 2 count 1", "read c13e/2 0"},
      {"kvm:kvm_pio: pio_write at 0x80 size 1 count 1 val 0x12", "write 80/1 12"},
      {"  kvm_pio: pio_write at 0x70 size 1 count 1",
       "write 70/1 0 {value-unknown: kvm_pio line without val}"},
      {"kvm_pio: pio_read at 0x71 size 1", "read 71/1 0"},  // no count: 1
      {"perf-1 [000] 1.5: kvm_pio: pio_read at 0x71 size 1 count 1 val 0x26\r",
       "read 71/1 26 rec {host-time: 1.5} {thread: perf-1}"},
      {"qemu 7 1.000000001: kvm:kvm_pio: pio_write at 0x64 size 1 count 1 val 0xfe",
       "write 64/1 fe {host-time: 1.000000001} {thread: qemu 7}"},  // perf without a cpu column
  };
  for (const auto& c : cases) {
    const ReadResult r = Read(absl::StrCat(c.line, "\n"));
    ASSERT_TRUE(r.status.ok()) << c.line << ": " << r.status;
    EXPECT_THAT(r.events, ElementsAre(c.event)) << c.line;
  }
}

TEST(KvmPioImporterTest, SkipsOtherEventsAndHeadersAndKeepsTime) {
  const std::string trace =
      "# tracer: nop\n"
      "#\n"
      "#           TASK-PID     CPU#  |||||  TIMESTAMP  FUNCTION\n"
      "version = 6\n"
      "cpus=4\n"
      "CPU 3 is empty\n"
      "\n"
      " CPU 0/KVM-9 [001] d.... 100.000000: kvm_exit: vcpu 0 reason IO_INSTRUCTION rip 0xfd14f\n"
      " CPU 0/KVM-9 [001] ..... 100.000001: kvm_pio: pio_write at 0x70 size 1 count 1 val 0x8f \n"
      " CPU 0/KVM-9 [001] ..... 100.000002: kvm_userspace_exit: reason KVM_EXIT_IO (2)\n"
      " CPU 0/KVM-9 [001] ..... 100.000005: kvm_pio: pio_read at 0x71 size 1 count 1 val 0x26 \n"
      " CPU 0/KVM-9 [001] d.... 100.000006: kvm_set_irq: gsi 8 level 1 source 0\n"
      " CPU 1/KVM-10 [002] ..... 100.000004: kvm_pio: pio_write at 0x80 size 1 count 1 val 0x1 \n"
      " CPU 1/KVM-10 [002] ..... 100.001005: kvm_pio: pio_write at 0x80 size 1 count 1 val 0x2 \n";
  const ReadResult r = Read(trace);
  ASSERT_TRUE(r.status.ok()) << r.status;
  EXPECT_THAT(r.events,
              ElementsAre("write 70/1 8f {host-time: 100.000001} {thread: CPU 0/KVM-9}",
                          "time +4000", "read 71/1 26 rec",
                          // 100.000004 is before the time reached: time does not move back.
                          "write 80/1 1 {thread: CPU 1/KVM-10}", "time +1000000", "write 80/1 2"));
}

TEST(KvmPioImporterTest, StringInstructionsBecomeCountAccesses) {
  const std::string trace =
      "t-1 [000] 5.000000: kvm_pio: pio_read at 0x1f0 size 2 count 3 val 0x4d2 (...)\n"
      "t-1 [000] 5.000000: kvm_pio: pio_write at 0x3f8 size 1 count 3 val 0x6f (...)\n"
      "t-1 [000] 5.000000: kvm_pio: pio_read at 0x60 size 1 count 1 val 0x1 \n";
  const ReadResult r = Read(trace);
  ASSERT_TRUE(r.status.ok()) << r.status;
  EXPECT_THAT(
      r.events,
      ElementsAre(
          "read 1f0/2 4d2 rec str {host-time: 5.000000} {thread: t-1} {string-io: count 3}",
          "read 1f0/2 0 str", "read 1f0/2 0 str", "write 3f8/1 6f str {string-io: count 3}",
          "write 3f8/1 6f str {value-unknown: string element; the trace records the first only}",
          "write 3f8/1 6f str {value-unknown: string element; the trace records the first only}",
          "read 60/1 1 rec"));
}

TEST(KvmPioImporterTest, HugeCountsStreamInBoundedBatches) {
  const std::string trace = absl::StrCat(
      "kvm_pio: pio_read at 0x1f0 size 2 count ", kMaxKvmPioCount, " val 0x1 (...)\n",
      "kvm_pio: pio_write at 0x1f0 size 2 count ", kMaxKvmPioCount, " val 0x2 (...)\n");
  const ReadResult r = Read(trace, /*describe=*/false);
  ASSERT_TRUE(r.status.ok()) << r.status;
  EXPECT_EQ(r.events.size(), 2 * size_t{kMaxKvmPioCount});
  EXPECT_LE(r.largest_batch, 4096);

  const ReadResult over = Read(absl::StrCat("kvm_pio: pio_read at 0x1f0 size 2 count ",
                                            kMaxKvmPioCount + 1, " val 0x1 (...)\n"));
  EXPECT_EQ(over.status.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(std::string(over.status.message()), HasSubstr("t.txt:1: kvm_pio: count"));
}

TEST(KvmPioImporterTest, LostEventsBecomeMarkers) {
  const ReadResult r = Read(
      "CPU:3 [LOST 120 EVENTS]\n"
      "x-1 [003] 1.0: kvm_pio: pio_write at 0x80 size 1 count 1 val 0x1\n");
  ASSERT_TRUE(r.status.ok()) << r.status;
  EXPECT_THAT(r.events, ElementsAre("marker kvm_pio trace: CPU:3 [LOST 120 EVENTS]",
                                    "write 80/1 1 {host-time: 1.0} {thread: x-1}"));
}

TEST(KvmPioImporterTest, MalformedKvmPioLinesNameFileAndLine) {
  const std::string ok = "x-1 [000] 1.000000: kvm_pio: pio_write at 0x80 size 1 count 1 val 0x1\n";
  const struct {
    std::string text;
    const char* message;
  } cases[] = {
      {ok + "x-1 [000] 1.1: kvm_pio: pio_frob at 0x80 size 1 count 1 val 0x1\n",
       "t.txt:2: kvm_pio: expected pio_read or pio_write, found \"pio_frob\""},
      {"x-1 [000] 1.1: kvm_pio:\n", "t.txt:1: kvm_pio: expected pio_read or pio_write, found \"\""},
      {"kvm_pio: pio_read on 0x80 size 1\n", "t.txt:1: kvm_pio: expected \"at\""},
      {"kvm_pio: pio_read at 80 size 1\n", "t.txt:1: kvm_pio: port \"80\" is not 0x<hex>"},
      {"kvm_pio: pio_read at 0x10000 size 1\n", "port 0x10000 above 0xffff"},
      {"kvm_pio: pio_read at 0x123456789 size 1\n", "is not 0x<hex>"},
      {"kvm_pio: pio_read at 0x80 width 1\n", "expected \"size\""},
      {"kvm_pio: pio_read at 0x80 size 8 count 1\n", "size \"8\" is not 1, 2 or 4"},
      {"kvm_pio: pio_read at 0x80 size -1 count 1\n", "size \"-1\" is not 1, 2 or 4"},
      {"kvm_pio: pio_read at 0x80 size 1 count 0\n", "count \"0\" is not between 1 and"},
      {"kvm_pio: pio_read at 0x80 size 1 count 99999999999999999999\n", "count \"9999999999"},
      {"kvm_pio: pio_read at 0x80 size 1 count 1 val 12\n", "val \"12\" is not 0x<hex>"},
      {"kvm_pio: pio_read at 0x80 size 1 count 1 val 0x1ff\n", "val 0x1ff does not fit size 1"},
      {"kvm_pio: pio_read at 0x80 size 1 count 2 val 0x1\n", "count 2 without \"(...)\""},
      {"kvm_pio: pio_read at 0x80 size 1 count 1 val 0x1 (...)\n", "\"(...)\" with count 1"},
      {"kvm_pio: pio_read at 0x80 size 1 count 1 val 0x1 extra\n", "unexpected \"extra\""},
      {"kvm_pio: pio_read at 0x80 size 1 count 1 (...)\n", "unexpected \"(...)\""},
      {"x-1 [000] 12345678901.0: kvm_pio: pio_read at 0x80 size 1\n",
       "t.txt:1: timestamp \"12345678901.0\" out of range"},
      {"x-1 [000] 1.0123456789: kvm_pio: pio_read at 0x80 size 1\n", "out of range"},
      // Truncated in the middle of a line (the last line of a capture cut short).
      {ok + "x-1 [000] 1.1: kvm_pio: pio_write at 0x80 si", "t.txt:2: kvm_pio: expected \"size\""},
      {ok + "x-1 [000] 1.1: kvm_pio: pio_write at 0x80 size 1 count 1 val 0x",
       "t.txt:2: kvm_pio: val \"0x\" is not 0x<hex>"},
      // Garbled: bytes of another line spliced in.
      {"x-1 [000] 1.1: kvm_pio: pio_write at 0x8x-1 [000] 1.2: kvm_exit: reason IO\n",
       "t.txt:1: kvm_pio: port \"0x8x-1\" is not 0x<hex>"},
      {std::string("x-1 [000] 1.1: kvm_pio: pio_write at 0x80\0 size 1\n", 49),
       "t.txt:1: NUL byte"},
      {ok + std::string(1 << 20, 'a') + "\n", "t.txt:2: line longer than 65536 bytes"},
  };
  for (const auto& c : cases) {
    const ReadResult r = Read(c.text);
    EXPECT_EQ(r.status.code(), absl::StatusCode::kInvalidArgument) << c.text.substr(0, 100);
    EXPECT_THAT(std::string(r.status.message()), HasSubstr(c.message)) << c.text.substr(0, 100);
    EXPECT_EQ(std::string(r.status.message()).find('\n'), std::string::npos);
  }
}

TEST(KvmPioImporterTest, EventsBeforeAnErrorAreDelivered) {
  const ReadResult r = Read(
      "kvm_pio: pio_write at 0x80 size 1 count 1 val 0x1\n"
      "kvm_pio: pio_write at 0x80 size 1 count 1 val 0x2\n"
      "kvm_pio: garbage\n");
  EXPECT_THAT(r.events, ElementsAre("write 80/1 1", "write 80/1 2"));
  EXPECT_THAT(std::string(r.status.message()), HasSubstr("t.txt:3:"));
}

TEST(KvmPioImporterTest, InputsWithNoEventLineAtAllAreRefused) {
  std::string garbage;
  for (int i = 0; i < 5000; ++i) garbage.push_back(static_cast<char>(1 + (i * 73 + 11) % 255));
  const struct {
    std::string text;
    const char* message;  // nullptr: accepted, no events
  } cases[] = {
      {"# tracer: nop\n#\n", nullptr},
      {"version = 6\ncpus=2\nCPU 0 is empty\nCPU 1 is empty\n", nullptr},
      {"", nullptr},
      {"hello world\nthis is prose\n", "t.txt:1: not an ftrace, trace-cmd report or perf script"},
      {"# header\noutb 0x80 0x1\n", "t.txt:2: not an ftrace"},
      {garbage, "t.txt:1: not an ftrace"},
      {std::string("\x7f"
                   "ELF\x02\x01\x01\0\0\0",
                   10),
       "t.txt:1: NUL byte"},
  };
  for (const auto& c : cases) {
    const ReadResult r = Read(c.text);
    if (c.message == nullptr) {
      EXPECT_TRUE(r.status.ok()) << c.text << r.status;
      EXPECT_TRUE(r.events.empty());
      continue;
    }
    EXPECT_EQ(r.status.code(), absl::StatusCode::kInvalidArgument) << c.text.substr(0, 40);
    EXPECT_THAT(std::string(r.status.message()), HasSubstr(c.message)) << c.text.substr(0, 40);
    EXPECT_EQ(std::string(r.status.message()).find('\n'), std::string::npos);
  }
}

TEST(KvmPioImporterTest, SniffsKvmEventLines) {
  auto importer = CreateKvmPioImporter();
  EXPECT_EQ(importer->name(), "kvm-pio");
  const struct {
    std::string head;
    bool sniffed;
  } cases[] = {
      {"# tracer: nop\n#\n CPU 0/KVM-1 [000] ..... 1.000000: kvm_pio: pio_read at 0x71 size 1\n",
       true},
      {" qemu-1 [000] 1.0: kvm_exit: reason IO_INSTRUCTION\n", true},
      {"version = 6\ncpus=1\n qemu-1 [000] 1.0: kvm_entry: vcpu 0\n", true},
      {"qemu 1 [000] 1.0: kvm:kvm_pio: pio_read at 0x71 size 1 count 1 val 0x0\n", true},
      {"kvm_pio: pio_read at 0xc13e size 2 count 1\n", true},
      {"bash-1 [000] 1.0: sched_switch: prev_comm=bash\n", false},
      {"outb 0x80 0x1\n", false},
      {"[R +0.1] inb 0x71\n", false},
      {"26995@1594579788.625224:ide_ioport_write IDE PIO wr @ 0x176\n", false},
      {"", false},
  };
  for (const auto& c : cases) EXPECT_EQ(importer->Sniff(c.head), c.sniffed) << c.head;
}

std::string TestdataPath(const std::string& name) {
  const char* srcdir = std::getenv("TEST_SRCDIR");
  const char* workspace = std::getenv("TEST_WORKSPACE");
  return absl::StrCat(srcdir != nullptr ? srcdir : ".", "/",
                      workspace != nullptr ? workspace : "portrace", "/testdata/kvm-pio/", name);
}

std::string ReadTestdata(const std::string& name) {
  const std::string path = TestdataPath(name);
  std::ifstream in(path, std::ios::binary);
  EXPECT_TRUE(in.good()) << path;
  std::ostringstream out;
  out << in.rdbuf();
  return out.str();
}

TEST(KvmPioImporterTest, ReadsTheSampleCaptures) {
  const struct {
    const char* file;
    size_t accesses;
    std::vector<std::string> first;
  } cases[] = {
      {"ftrace-boot.txt",
       22,
       {"write 80/1 0 {host-time: 1466862.728701} {thread: CPU 0/KVM-2063}", "time +20000",
        "write 43/1 34"}},
      {"trace-cmd-report.txt",
       6,
       {"read 5658/4 4 rec {host-time: 398.691441} {thread: qemu-system-x86-6660}", "time +29000",
        "write 70/1 f"}},
      {"perf-script.txt",
       6,
       {"read 3fd/1 60 rec {host-time: 313831.754508} {thread: qemu-system-x86 10042}",
        "time +12000", "write 3f8/1 68"}},
      {"old-kernel.txt",
       3,
       {"write 70/1 0 {value-unknown: kvm_pio line without val} {host-time: 1043.162210} "
        "{thread: qemu-kvm-3101}",
        "time +5000", "read 71/1 0"}},
  };
  for (const auto& c : cases) {
    const std::string text = ReadTestdata(c.file);
    EXPECT_TRUE(CreateKvmPioImporter()->Sniff(text.substr(0, 4096))) << c.file;
    const ReadResult r = Read(text);
    ASSERT_TRUE(r.status.ok()) << c.file << ": " << r.status;
    size_t accesses = 0;
    for (const std::string& e : r.events) {
      if (e.rfind("read", 0) == 0 || e.rfind("write", 0) == 0) ++accesses;
    }
    EXPECT_EQ(accesses, c.accesses) << c.file;
    ASSERT_GE(r.events.size(), c.first.size());
    EXPECT_THAT(std::vector<std::string>(r.events.begin(), r.events.begin() + c.first.size()),
                ElementsAreArray(c.first))
        << c.file;
  }
}

TEST(KvmPioImporterTest, TheRegistryRecognisesEverySample) {
  for (const char* file :
       {"ftrace-boot.txt", "trace-cmd-report.txt", "perf-script.txt", "old-kernel.txt"}) {
    absl::StatusOr<OpenedTrace> opened = OpenTrace(TestdataPath(file), "");
    ASSERT_TRUE(opened.ok()) << file << ": " << opened.status();
    EXPECT_EQ(opened->format, "kvm-pio") << file;
  }
  EXPECT_NE(FindImporter("kvm-pio"), nullptr);
}

}  // namespace
}  // namespace portrace::trace
