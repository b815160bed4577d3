#include "trace/importers/qemu_trace_importer.h"

#include <lzma.h>

#include <cstdio>
#include <cstdlib>
#include <map>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_join.h"
#include "cli/commands.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "trace/byte_source.h"
#include "trace/event.h"
#include "trace/importers/registry.h"
#include "trace/xz_source.h"

namespace portrace::trace {
namespace {

using ::testing::ElementsAre;
using ::testing::ElementsAreArray;
using ::testing::HasSubstr;
using ::testing::IsEmpty;

// An import, flattened: each event as "kind:address:value/width[:rec]" followed by its
// annotations as " [key=text]"; one string per batch boundary ("|") when asked for.
struct Imported {
  absl::Status status;
  std::vector<std::string> events;
  std::string skipped_lines;
};

std::string Describe(const EventView& e) {
  std::string s = absl::StrFormat("%s:%x:%x", EventKindName(e.kind), e.address, e.value);
  if (e.width != 0) absl::StrAppend(&s, "/", e.width);
  if (e.recorded()) s += ":rec";
  return s;
}

Imported Import(const std::string& log, QemuTraceOptions options = QemuTraceOptions(),
                bool mark_batches = false) {
  Imported result;
  absl::StatusOr<std::unique_ptr<EventSource>> source =
      OpenQemuTraceLog(MakeStringSource(log, "t.log"), options);
  if (!source.ok()) {
    result.status = source.status();
    return result;
  }
  EventBatch batch;
  while (true) {
    absl::StatusOr<bool> have = (*source)->Next(&batch);
    if (!have.ok()) {
      result.status = have.status();
      break;
    }
    if (!*have) break;
    EXPECT_TRUE(ValidateBatch(batch).ok());
    EXPECT_GT(batch.op_size(), 0);
    std::map<int, std::string> notes;
    for (const Annotation& note : batch.annotation()) {
      absl::StrAppend(&notes[note.event()], " [", note.key(), "=", note.text(), "]");
    }
    BatchCursor cursor(batch);
    while (!cursor.Done()) {
      const int index = cursor.index();
      result.events.push_back(Describe(cursor.Next()) + notes[index]);
    }
    if (mark_batches) result.events.push_back("|");
  }
  for (const KeyValue& kv : (*source)->header().metadata()) {
    if (kv.key() == kSkippedLinesKey) result.skipped_lines = kv.value();
  }
  return result;
}

std::string Compress(const std::string& plain) {
  std::string out(lzma_stream_buffer_bound(plain.size()), '\0');
  size_t out_pos = 0;
  EXPECT_EQ(lzma_easy_buffer_encode(6, LZMA_CHECK_CRC64, nullptr,
                                    reinterpret_cast<const uint8_t*>(plain.data()), plain.size(),
                                    reinterpret_cast<uint8_t*>(out.data()), &out_pos, out.size()),
            LZMA_OK);
  out.resize(out_pos);
  return out;
}

std::string RunfilesPath(const std::string& relative) {
  const char* srcdir = std::getenv("TEST_SRCDIR");
  const char* workspace = std::getenv("TEST_WORKSPACE");
  return absl::StrCat(srcdir != nullptr ? srcdir : ".", "/",
                      workspace != nullptr ? workspace : "portrace", "/", relative);
}

constexpr char kCapture[] = "testdata/qemu-trace/seabios-ne2k-mbr.log.xz";

TEST(QemuTraceImporterTest, EachLineFormAndEvent) {
  const struct {
    const char* line;
    std::vector<std::string> events;
  } cases[] = {
      // formats.md §2, the tracing docs' example (PID@SEC.USEC:, no name).
      {"719585@1608130130.441188:memory_region_ops_read cpu 0 mr 0x562fdfbb3820 addr 0x3cc value "
       "0x67 size 1",
       {"port-read:3cc:67/1:rec"}},
      // formats.md §2, the bare form (no prefix, no name): above 0x10000, MMIO.
      {"memory_region_ops_write cpu 0 mr 0x55f210f44830 addr 0x5000a01c value 0x24 size 2",
       {"mmio-write:5000a01c:24/2"}},
      // Lines of the SeaBIOS capture (QEMU 7.2, with names).
      {"memory_region_ops_write cpu 0 mr 0x5559366456d0 addr 0x70 value 0x8f size 1 name "
       "'rtc-index'",
       {"port-write:70:8f/1 [region=rtc-index]"}},
      {"memory_region_ops_read cpu 0 mr 0x5559366455c0 addr 0x71 value 0x0 size 1 name 'rtc'",
       {"port-read:71:0/1:rec [region=rtc]"}},
      {"memory_region_ops_write cpu -1 mr 0x555935d689e0 addr 0xfee00000 value 0x0 size 4 name "
       "'apic-msi'",
       {"mmio-write:fee00000:0/4 [region=apic-msi] [cpu=-1]"}},
      {"memory_region_ops_write cpu 0 mr 0x555935bb5a00 addr 0xb8000 value 0x20 size 1 name "
       "'vga-lowmem'",
       {"mmio-write:b8000:20/1 [region=vga-lowmem]"}},
      // Reads traced before QEMU cut the value to the access size keep the low bytes.
      {"memory_region_ops_read cpu 0 mr 0x555935e082c0 addr 0xcfc value 0xffffffff size 2 name "
       "'pci-conf-data'",
       {"port-read:cfc:ffff/2:rec [region=pci-conf-data]"}},
      {"memory_region_ops_read cpu 0 mr 0x555935bb8400 addr 0x402 value 0xffffffffffffffff size 1 "
       "name 'io'",
       {"port-read:402:ff/1:rec [region=io]"}},
      // ISO 8601 prefixes (util/message.c), alone and with the rest of the message context.
      {"2025-01-02T03:04:05.678901Z memory_region_ops_read cpu 0 mr 0x1 addr 0x1f7 value 0x50 "
       "size 1 name 'ide'",
       {"port-read:1f7:50/1:rec [region=ide]"}},
      {"2025-01-02T03:04:05+01:00 [fish food] qemu-system-x86_64: (1144713:CPU 0/TCG): cpu_out "
       "addr 0x3f8(b) value 65",
       {"port-write:3f8:41/1"}},
      {"qemu-system-x86_64: (1144713:main): cpu_in addr 0x71(b) value 38",
       {"port-read:71:26/1:rec"}},
      // cpu_in/cpu_out: value in decimal, size b/w/l.
      {"cpu_out addr 0xcf8(l) value 2147483648", {"port-write:cf8:80000000/4"}},
      {"cpu_in addr 0x1f0(w) value 65535", {"port-read:1f0:ffff/2:rec"}},
      {"4242@1594579788.625224:cpu_out addr 0x80(b) value 0", {"port-write:80:0/1"}},
      // Layouts without cpu/mr, and the old "%#" spelling of 0.
      {"memory_region_ops_read cpu 0 addr 0x64 value 0x1c size 1 name 'i8042-cmd'",
       {"port-read:64:1c/1:rec [region=i8042-cmd]"}},
      {"memory_region_ops_write mr 0x1 addr 0x80 value 0 size 1", {"port-write:80:0/1"}},
      // Widths; memory regions below 0x10000 are MMIO; the top port.
      {"memory_region_ops_read cpu 0 mr 0x1 addr 0xfed000f0 value 0x123456789abcdef0 size 8 name "
       "'hpet'",
       {"mmio-read:fed000f0:123456789abcdef0/8:rec [region=hpet]"}},
      {"memory_region_ops_write cpu 0 mr 0x1 addr 0x1000 value 0xdeadbeef size 4 name "
       "'e1000-mmio'",
       {"mmio-write:1000:deadbeef/4 [region=e1000-mmio]"}},
      {"memory_region_ops_read cpu 0 mr 0x1 addr 0x0 value 0x12345678 size 8 name 'pc.bios'",
       {"mmio-read:0:12345678/8:rec [region=pc.bios]"}},
      {"memory_region_ops_read cpu 0 mr (nil) addr 0xffff value 0xff size 1 name 'io'",
       {"port-read:ffff:ff/1:rec [region=io]"}},
      // Names may hold spaces and quotes; only the last quote closes them. CRLF and trailing
      // blanks are fine.
      {"memory_region_ops_write cpu 0 mr 0x1 addr 0x1ce value 0x4 size 2 name 'bochs dispi "
       "'x''\r",
       {"port-write:1ce:4/2 [region=bochs dispi 'x']"}},
      {"cpu_out addr 0x80(b) value 1  \t", {"port-write:80:1/1"}},
      // Other lines: skipped, not errors.
      {"ide_ioport_write IDE PIO wr @ 0x176 (Device/Head); val 0x38; bus 0x565534a7c100 IDEState "
       "0x565534a7c188",
       {}},
      {"26995@1594579788.625224:ide_ioport_write IDE PIO wr @ 0x176 (Device/Head); val 0x38", {}},
      {"pci_cfg_write ICH9-LPC 31:0 @0x41 <- 0xebed205d", {}},
      {"memory_region_ops_readx cpu 0", {}},
      {"cpu_inside the machine", {}},
      {"qemu-system-x86_64: terminating on signal 15 from pid 4242", {}},
      {"2025-01-02 is not a timestamp prefix", {}},
      {"", {}},
  };
  for (const auto& c : cases) {
    const Imported got = Import(std::string(c.line) + "\n");
    ASSERT_TRUE(got.status.ok()) << c.line << ": " << got.status;
    EXPECT_THAT(got.events, ElementsAreArray(c.events)) << c.line;
  }
}

TEST(QemuTraceImporterTest, OtherLinesAreCountedInTheHeader) {
  const Imported got = Import(
      "ide_ioport_write IDE PIO wr @ 0x176\n"
      "\n"
      "cpu_out addr 0x80(b) value 1\n"
      "qemu-system-x86_64: warning: something\n"
      "   \n");
  ASSERT_TRUE(got.status.ok());
  EXPECT_THAT(got.events, ElementsAre("port-write:80:1/1"));
  EXPECT_EQ(got.skipped_lines, "2");  // blank lines are not counted
}

TEST(QemuTraceImporterTest, PortOrMemoryByRegionName) {
  // Every port region of the SeaBIOS capture, and names QEMU gives regions of other devices.
  for (const char* port :
       {"acpi-tmr",      "apm-io",       "dma-cont", "elcr",     "fwcfg",    "fwcfg.dma",
        "i8042-cmd",     "i8042-data",   "ide",      "io",       "kvmvapic", "parallel",
        "pci-conf-data", "pci-conf-idx", "pic",      "pit",      "port92",   "rtc",
        "rtc-index",     "serial",       "vbe",      "vga",      "ne2000",   "rtl8139",
        "virtio-pci",    "isa-debugcon", "fdc",      "piix4-pm", ""}) {
    EXPECT_FALSE(IsMemoryRegionName(port)) << port;
  }
  for (const char* memory :
       {"vga-lowmem", "apic-msi", "kvm-apic-msi", "ioapic", "hpet", "pc.ram", "ram-below-4g",
        "vga.vram", "pc.rom", "pc.bios", "isa-bios", "system.flash0", "e1000-mmio",
        "pcie-mmcfg-mmio", "msix-table", "msix-pba"}) {
    EXPECT_TRUE(IsMemoryRegionName(memory)) << memory;
  }
  // The decision as events: the same address through a port region and a memory region.
  const Imported got = Import(
      "memory_region_ops_write cpu 0 mr 0x1 addr 0xa0 value 0x1 size 1 name 'pic'\n"
      "memory_region_ops_write cpu 0 mr 0x2 addr 0xa0 value 0x1 size 1 name 'pc.ram'\n"
      "memory_region_ops_write cpu 0 mr 0x3 addr 0xa0 value 0x1 size 1\n"
      "memory_region_ops_write cpu 0 mr 0x4 addr 0x10000 value 0x1 size 1 name 'vga'\n"
      "cpu_out addr 0xa0(b) value 1\n");
  ASSERT_TRUE(got.status.ok());
  EXPECT_THAT(got.events,
              ElementsAre("port-write:a0:1/1 [region=pic]", "mmio-write:a0:1/1 [region=pc.ram]",
                          "port-write:a0:1/1 [region=]", "mmio-write:10000:1/1 [region=vga]",
                          "port-write:a0:1/1 [region=]"));
}

// fw_cfg's DMA register is big-endian: the log has the device's view, the trace the guest's.
TEST(QemuTraceImporterTest, BigEndianRegionValuesAreSwappedToTheGuestsView) {
  EXPECT_TRUE(IsBigEndianRegionName("fwcfg.dma"));
  EXPECT_FALSE(IsBigEndianRegionName("fwcfg"));
  const Imported got = Import(
      "memory_region_ops_write cpu 0 mr 0x1 addr 0x518 value 0x6f3c size 4 name 'fwcfg.dma'\n"
      "memory_region_ops_read cpu 0 mr 0x1 addr 0x514 value 0x5145 size 2 name 'fwcfg.dma'\n"
      "memory_region_ops_read cpu 0 mr 0x1 addr 0x514 value 0x51 size 1 name 'fwcfg.dma'\n"
      "cpu_out addr 0x518(l) value 1013907456\n");  // 0x3c6f0000: cpu_* is the CPU's view
  ASSERT_TRUE(got.status.ok());
  EXPECT_THAT(got.events, ElementsAre("port-write:518:3c6f0000/4 [region=fwcfg.dma]",
                                      "port-read:514:4551/2:rec", "port-read:514:51/1:rec",
                                      "port-write:518:3c6f0000/4 [region=]"));
}

TEST(QemuTraceImporterTest, RegionAnnotationsAreRunLengthCodedPerBatch) {
  const std::string log =
      "memory_region_ops_write cpu 0 mr 0x1 addr 0x70 value 0x8f size 1 name 'rtc-index'\n"
      "memory_region_ops_read cpu 0 mr 0x2 addr 0x71 value 0x0 size 1 name 'rtc'\n"
      "memory_region_ops_write cpu 0 mr 0x1 addr 0x70 value 0x10 size 1 name 'rtc-index'\n"
      "memory_region_ops_write cpu 0 mr 0x1 addr 0x70 value 0x11 size 1 name 'rtc-index'\n"
      "memory_region_ops_write cpu 0 mr 0x1 addr 0x70 value 0x12 size 1 name 'rtc-index'\n"
      "cpu_out addr 0x80(b) value 1\n"
      "cpu_out addr 0x80(b) value 2\n"
      "memory_region_ops_write cpu 0 mr 0x1 addr 0x70 value 0x13 size 1 name 'rtc-index'\n";
  QemuTraceOptions options;
  options.events_per_batch = 3;
  EXPECT_THAT(
      Import(log, options, /*mark_batches=*/true).events,
      ElementsAre("port-write:70:8f/1 [region=rtc-index]", "port-read:71:0/1:rec [region=rtc]",
                  "port-write:70:10/1 [region=rtc-index]", "|",
                  // A new batch names its first region again.
                  "port-write:70:11/1 [region=rtc-index]", "port-write:70:12/1",
                  "port-write:80:1/1 [region=]", "|",
                  // An unnamed access first in its batch needs no annotation.
                  "port-write:80:2/1", "port-write:70:13/1 [region=rtc-index]", "|"));
}

TEST(QemuTraceImporterTest, TimestampsBecomeTimeAdvances) {
  const Imported got = Import(
      "100@1608130130.000000:cpu_out addr 0x80(b) value 1\n"
      "100@1608130130.000010:ide_ioport_write skipped lines do not move time\n"
      "100@1608130130.000010:cpu_out addr 0x80(b) value 2\n"
      "100@1608130130.000005:cpu_out addr 0x80(b) value 3\n"  // backwards: no event
      "100@1608130130.000020:cpu_out addr 0x80(b) value 4\n"  // from the latest, 1608130130.00001
      "100@1608130130.000020:cpu_out addr 0x80(b) value 5\n"  // the same time: no event
      // 1608130130 is 2020-12-16T14:48:50Z; ISO stamps continue the same clock.
      "2020-12-16T14:48:50.500000Z cpu_out addr 0x80(b) value 6\n"
      "2020-12-16T15:48:51.5+01:00 cpu_out addr 0x80(b) value 7\n"
      "cpu_out addr 0x80(b) value 8\n");  // no stamp: no time
  ASSERT_TRUE(got.status.ok()) << got.status;
  EXPECT_THAT(got.events,
              ElementsAre("port-write:80:1/1", "time-advance:0:2710", "port-write:80:2/1",
                          "port-write:80:3/1", "time-advance:0:2710", "port-write:80:4/1",
                          "port-write:80:5/1", "time-advance:0:1dcd16e0", "port-write:80:6/1",
                          "time-advance:0:3b9aca00", "port-write:80:7/1", "port-write:80:8/1"));
  // Without stamps, no time events at all.
  EXPECT_THAT(Import("cpu_out addr 0x80(b) value 1\ncpu_out addr 0x80(b) value 2\n").events,
              ElementsAre("port-write:80:1/1", "port-write:80:2/1"));
}

TEST(QemuTraceImporterTest, BadLinesNameFileLineAndWhatWasExpected) {
  const std::string good = "cpu_out addr 0x80(b) value 1\n";
  const std::string ops = "memory_region_ops_read cpu 0 mr 0x1 ";
  std::string garbage;
  for (int i = 0; i < 300; ++i) {
    const char c = static_cast<char>((i * 73 + 11) % 256);  // holds a NUL
    garbage.push_back(c == '\n' ? 'x' : c);
  }
  const struct {
    std::string line;  // the third line of the log
    const char* message;
  } cases[] = {
      // Truncated lines.
      {ops + "addr 0x71 val", "memory_region_ops_read: expected \"value 0x<hex>\", found \"val\""},
      {ops + "addr", "memory_region_ops_read: expected \"addr 0x<hex>\""},
      {"memory_region_ops_write", "memory_region_ops_write: expected \"addr 0x<hex>\""},
      {ops + "addr 0x71 value 0x1 size", "expected \"size <bytes>\""},
      {ops + "addr 0x71 value 0x1 size 1 name 'rt", "closed by '"},
      {"memory_region_ops_read cpu x mr 0x1", "expected \"cpu <index>\", found \"cpu x mr"},
      {"memory_region_ops_read cpu 0 mr 0x1", "expected \"mr <pointer>\""},
      {"cpu_out addr 0x3f8(b) value", "cpu_out: expected \"value <decimal>\""},
      {"cpu_out addr 0x3f8", "cpu_out: expected \"(b)\", \"(w)\" or \"(l)\""},
      {"cpu_in", "cpu_in: expected \"addr 0x<port>(b|w|l)\""},
      {"100@1608130130.4411", "expected a \"PID@SECONDS.MICROSECONDS:\" prefix"},
      // Bad numbers.
      {ops + "addr 0xzz value 0x1 size 1", "expected \"addr 0x<hex>\", found \"addr 0xzz value"},
      {ops + "addr 0x71 value 0x1ffffffffffffffff size 1", "expected \"value 0x<hex>\""},
      {"cpu_out addr 71(b) value 1", "expected \"addr 0x<port>(b|w|l)\""},
      {"cpu_out addr 0x71(q) value 1", "expected \"(b)\", \"(w)\" or \"(l)\""},
      {"cpu_out addr 0x71(b) value -1", "expected \"value <decimal>\""},
      {"cpu_out addr 0x71(b) value 0x10", "expected \"value <decimal>\" and the end of the line"},
      {"12x@1608130130.000000:cpu_out addr 0x80(b) value 1", ""},  // not a prefix: skipped
      {"100@1608130130.000000 cpu_out addr 0x80(b) value 1", "PID@SECONDS.MICROSECONDS"},
      {"2025-13-02T03:04:05Z cpu_out addr 0x80(b) value 1", "expected an ISO 8601 timestamp"},
      {"2025-02-29T03:04:05Z cpu_out addr 0x80(b) value 1", "expected an ISO 8601 timestamp"},
      {"2025-01-02T03:04:05 cpu_out addr 0x80(b) value 1", "expected an ISO 8601 timestamp"},
      {"1900-01-02T03:04:05Z cpu_out addr 0x80(b) value 1", "1970 to 2500"},
      // Sizes and widths.
      {ops + "addr 0x71 value 0x1 size 3 name 'rtc'", "expected size 1, 2, 4 or 8, found \"size 3"},
      {ops + "addr 0x71 value 0x1 size 16", "expected size 1, 2, 4 or 8"},
      {"memory_region_ops_write cpu 0 mr 0x1 addr 0x71 value 0x100 size 1 name 'rtc'",
       "expected a value that fits the access size, found \"value 0x100"},
      {ops + "addr 0x71 value 0x1 size 8 name 'rtc'",
       "expected size 1, 2 or 4 for an I/O port access (size 8 given)"},
      {ops + "addr 0x71 value 0x1 size 8", "for an I/O port access"},
      {"cpu_out addr 0x3f8(b) value 256", "expected a value that fits the access size"},
      {"cpu_out addr 0x3f8(w) value 65536", "expected a value that fits the access size"},
      {"cpu_out addr 0x10000(b) value 1", "expected a port up to 0xffff"},
      {"cpu_out addr 0x3f8(l) value 4294967296", "fits the access size"},
      // Trailing text.
      {ops + "addr 0x71 value 0x1 size 1 junk", "expected \"name '<region>'\" or the end"},
      {ops + "addr 0x71 value 0x1 size 1 name 'rtc' junk", "closed by ' at the end of the line"},
      // Not text.
      {std::string("memory_region_ops_read\0 cpu 0", 29), "NUL byte"},
      {garbage, "NUL byte"},
      {std::string(1 << 20, 'x'), "t.log:3: line longer than 65536 bytes"},
  };
  for (const auto& c : cases) {
    const Imported got = Import(good + "\n" + c.line + "\n" + good);
    if (*c.message == '\0') {
      EXPECT_TRUE(got.status.ok()) << c.line;
      continue;
    }
    EXPECT_EQ(got.status.code(), absl::StatusCode::kInvalidArgument) << c.line;
    EXPECT_THAT(std::string(got.status.message()), HasSubstr("t.log:3: ")) << c.line;
    EXPECT_THAT(std::string(got.status.message()), HasSubstr(c.message)) << c.line;
    EXPECT_EQ(std::string(got.status.message()).find('\n'), std::string::npos);
    // The access before the bad line is delivered first.
    EXPECT_THAT(got.events, ElementsAre("port-write:80:1/1")) << c.line;
  }
}

TEST(QemuTraceImporterTest, TheSourceStaysFailed) {
  auto source = *OpenQemuTraceLog(MakeStringSource("cpu_out addr 0x80(b) value 999\n", "t.log"),
                                  QemuTraceOptions());
  EventBatch batch;
  const absl::StatusOr<bool> first = source->Next(&batch);
  ASSERT_FALSE(first.ok());
  EXPECT_EQ(source->Next(&batch).status(), first.status());
  EXPECT_EQ(batch.op_size(), 0);
}

TEST(QemuTraceImporterTest, Sniffing) {
  const std::string capture_head =
      "memory_region_ops_write cpu -1 mr 0x555935d689e0 addr 0xfee00000 value 0x0 size 4 name "
      "'apic-msi'\n";
  const struct {
    std::string head;
    bool claimed;
  } cases[] = {
      {capture_head, true},
      {Compress(capture_head + capture_head), true},
      {"719585@1608130130.441188:memory_region_ops_read cpu 0 mr 0x5 addr 0x3cc value 0x67 size "
       "1\n",
       true},
      {"2025-01-02T03:04:05.678901Z cpu_out addr 0x3f8(b) value 65\n", true},
      {"qemu-system-x86_64: (1:main): cpu_in addr 0x71(b) value 38\n", true},
      // The events may start after other lines, and a head may end inside a line.
      {"qemu-system-x86_64: -accel tcg: warning\nide_ioport_write x\ncpu_out addr 0x80(b) val",
       true},
      // A bad event line is still this format (and fails with a good message).
      {"memory_region_ops_read cpu zero\n", true},
      {"ide_ioport_write IDE PIO wr @ 0x176 (Device/Head); val 0x38\n", false},
      {"outb 0x80 0x1\ninb 0x71\n", false},
      {"[R +0.023386] outw 0x176 0x3538\n", false},
      {"hello world\n", false},
      {"", false},
      {Compress("outb 0x80 0x1\n"), false},
      {std::string("\0\1\2memory_region_ops_read", 25), false},
  };
  auto importer = CreateQemuTraceImporter();
  EXPECT_EQ(importer->name(), "qemu-trace");
  for (const auto& c : cases) {
    EXPECT_EQ(importer->Sniff(c.head), c.claimed) << c.head;
  }
}

TEST(QemuTraceImporterTest, ReadsXzCompressedLogs) {
  const Imported got = Import(
      Compress("cpu_out addr 0x80(b) value 1\n"
               "memory_region_ops_read cpu 0 mr 0x1 addr 0x71 value 0x26 size 1 name 'rtc'\n"));
  ASSERT_TRUE(got.status.ok()) << got.status;
  EXPECT_THAT(got.events, ElementsAre("port-write:80:1/1", "port-read:71:26/1:rec [region=rtc]"));
  const std::string packed = Compress(std::string(100000, '\n'));
  const Imported truncated = Import(packed.substr(0, packed.size() - 10));
  EXPECT_EQ(truncated.status.code(), absl::StatusCode::kDataLoss);
  EXPECT_THAT(std::string(truncated.status.message()), HasSubstr("t.log: xz: truncated"));
}

// The real capture (formats.md Part 2), read straight from its .xz: every line is an access.
TEST(QemuTraceImporterTest, SeabiosCapture) {
  absl::StatusOr<OpenedTrace> opened = OpenTrace(RunfilesPath(kCapture), "");
  ASSERT_TRUE(opened.ok()) << opened.status();
  EXPECT_EQ(opened->format, "qemu-trace");
  std::map<std::string, int> kinds;
  std::map<std::string, int> port_regions;  // region name -> port accesses
  int accesses = 0;
  int annotations = 0;
  int batches = 0;
  std::vector<std::string> first;
  EventBatch batch;
  while (true) {
    absl::StatusOr<bool> have = opened->source->Next(&batch);
    ASSERT_TRUE(have.ok()) << have.status();
    if (!*have) break;
    ++batches;
    annotations += batch.annotation_size();
    std::map<int, std::string> region_at;
    for (const Annotation& note : batch.annotation()) {
      if (note.key() == kRegionAnnotation) region_at[note.event()] = note.text();
    }
    std::string region;
    BatchCursor cursor(batch);
    while (!cursor.Done()) {
      const int index = cursor.index();
      const EventView e = cursor.Next();
      if (region_at.count(index)) region = region_at[index];
      ++kinds[std::string(EventKindName(e.kind))];
      ++accesses;
      if (e.kind == PORT_READ || e.kind == PORT_WRITE) ++port_regions[region];
      if (first.size() < 3) first.push_back(absl::StrCat(Describe(e), " ", region));
    }
  }
  // Checked against the log with: xz -dc ... | awk '{print $1, $7, $13}' (see the report).
  EXPECT_EQ(accesses, 42812);
  EXPECT_THAT(kinds, ElementsAre(std::pair<const std::string, int>("mmio-read", 258),
                                 std::pair<const std::string, int>("mmio-write", 37135),
                                 std::pair<const std::string, int>("port-read", 2148),
                                 std::pair<const std::string, int>("port-write", 3271)));
  EXPECT_EQ(port_regions["vga"], 328 + 1028 + 621);
  EXPECT_EQ(port_regions["ide"], 91 + 795 + 132 + 36);
  EXPECT_EQ(port_regions["pci-conf-data"], 38 + 147 + 116 + 11 + 8 + 111);
  EXPECT_EQ(port_regions["vga-lowmem"], 0);
  EXPECT_EQ(port_regions["apic-msi"], 0);
  EXPECT_THAT(first, ElementsAre("mmio-write:fee00000:0/4 apic-msi", "port-write:70:8f/1 rtc-index",
                                 "port-read:71:0/1:rec rtc"));
  EXPECT_EQ(batches, 3);  // 16384 events each
  EXPECT_LT(annotations, 2100);
  EXPECT_EQ(opened->source->header().metadata(0).value(), "0");
}

// `portrace replay --machine=pc` on the capture as shared (.xz), as a user would run it.
TEST(QemuTraceImporterTest, CaptureReplaysEndToEnd) {
  const std::string path = RunfilesPath(kCapture);
  char* out_buf = nullptr;
  size_t out_size = 0;
  char* err_buf = nullptr;
  size_t err_size = 0;
  cli::Streams streams;
  streams.in = std::fopen("/dev/null", "r");
  streams.out = open_memstream(&out_buf, &out_size);
  streams.err = open_memstream(&err_buf, &err_size);
  const int exit_code = cli::RunPortrace({"replay", "--machine=pc", path.c_str()}, streams);
  std::fclose(streams.in);
  std::fclose(streams.out);
  std::fclose(streams.err);
  const std::string out(out_buf, out_size);
  const std::string err(err_buf, err_size);
  std::free(out_buf);
  std::free(err_buf);
  EXPECT_EQ(exit_code, cli::kExitOk) << err;
  EXPECT_THAT(out, HasSubstr("replayed on pc: 42812 events"));
  EXPECT_THAT(out, HasSubstr("2148 reads, 3271 writes"));
  EXPECT_THAT(out, HasSubstr("258 reads, 37135 writes"));
  EXPECT_THAT(out, HasSubstr("2406 reads with a recorded value"));
}

}  // namespace
}  // namespace portrace::trace
