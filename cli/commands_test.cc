// End-to-end runs of the portrace command line (RunPortrace, as main() calls it) against golden
// output in testdata/golden. To refresh the goldens after an intended change:
//   bazel test //cli:commands_test --test_env=PORTRACE_GOLDEN_DIR=$PWD/testdata/golden
// then review the diff.
#include "cli/commands.h"

#include <unistd.h>

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <map>
#include <set>
#include <sstream>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "absl/strings/strip.h"
#include "analyzer/report.pb.h"
#include "gmock/gmock.h"
#include "google/protobuf/util/json_util.h"
#include "gtest/gtest.h"

namespace portrace::cli {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;

constexpr char kRepro01[] =
    "testdata/qemu-repro/qemu-repro-01-ide-null-ptr-address-space-to-flatview.txt";
constexpr char kRepro11[] =
    "testdata/qemu-repro/qemu-repro-11-rtl8139-oss-fuzz-29224-stack-overflow-mixed.txt";

struct Result {
  int exit_code = -1;
  std::string out;
  std::string err;
};

Result Portrace(std::vector<const char*> args, const std::string& input = "") {
  Result result;
  char* out_buf = nullptr;
  size_t out_size = 0;
  char* err_buf = nullptr;
  size_t err_size = 0;
  std::string in_copy = input;
  Streams streams;
  streams.in =
      input.empty() ? std::fopen("/dev/null", "r") : fmemopen(in_copy.data(), in_copy.size(), "r");
  streams.out = open_memstream(&out_buf, &out_size);
  streams.err = open_memstream(&err_buf, &err_size);
  result.exit_code = RunPortrace(args, streams);
  std::fclose(streams.in);
  std::fclose(streams.out);
  std::fclose(streams.err);
  result.out.assign(out_buf, out_size);
  result.err.assign(err_buf, err_size);
  std::free(out_buf);
  std::free(err_buf);
  return result;
}

std::string ReadFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream buffer;
  buffer << in.rdbuf();
  return buffer.str();
}

void WriteFile(const std::string& path, const std::string& bytes) {
  std::ofstream out(path, std::ios::binary);
  out << bytes;
}

void ExpectGolden(const std::string& name, const std::string& actual) {
  if (const char* dir = std::getenv("PORTRACE_GOLDEN_DIR")) {
    WriteFile(std::string(dir) + "/" + name, actual);
    return;
  }
  const std::string expected = ReadFile("testdata/golden/" + name);
  EXPECT_EQ(actual, expected) << "golden testdata/golden/" << name << " differs";
}

std::string Temp(const std::string& name) {
  return std::string(std::getenv("TEST_TMPDIR")) + "/" + name;
}

// product.md's first contract example: QEMU's replies for unclaimed ports and unknown commands.
TEST(CommandsTest, QtestPeerAnswersLikeQemu) {
  Result r = Portrace({"qtest", "--machine=pc"}, "inw 0x1234\ninl 0x5678\noutb 0x1234 0x1\nfoo\n");
  EXPECT_EQ(r.exit_code, 0);
  EXPECT_EQ(r.out, "OK 0xffff\nOK 0xffffffff\nOK\nFAIL Unknown command 'foo'\n");
  EXPECT_EQ(r.err, "");
  // The same script twice gives the same bytes.
  EXPECT_EQ(
      Portrace({"qtest", "--machine=pc"}, "inw 0x1234\ninl 0x5678\noutb 0x1234 0x1\nfoo\n").out,
      r.out);
  // From a file operand, default machine.
  Result f = Portrace({"qtest", kRepro01});
  EXPECT_EQ(f.exit_code, 0);
  EXPECT_EQ(std::count(f.out.begin(), f.out.end(), '\n'), 12);
}

TEST(CommandsTest, AnalyzeGoldenText) {
  Result r = Portrace({"analyze", "--machine=pc", kRepro01});
  EXPECT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(r.err, "");
  ExpectGolden("analyze-repro01-pc.txt", r.out);
  EXPECT_EQ(Portrace({"analyze", "--machine=pc", kRepro01}).out, r.out);
}

TEST(CommandsTest, AnalyzeGoldenJson) {
  Result r = Portrace({"analyze", "--format=json", "--context=1", kRepro11});
  EXPECT_EQ(r.exit_code, 0) << r.err;
  ExpectGolden("analyze-repro11-xen-trad.json", r.out);
}

TEST(CommandsTest, ReplayGoldenSummary) {
  Result r = Portrace({"replay", "--machine=xen-upstream", kRepro11});
  EXPECT_EQ(r.exit_code, 0) << r.err;
  ExpectGolden("replay-repro11-xen-upstream.txt", r.out);
}

// protocol.md §e: each real driver's sequence on every Xen machine, the report checked in; plus
// GPLPV against a host that blacklists it (0xd249 on qemu-dm, ignored upstream).
TEST(CommandsTest, DriverSequencesGoldenOnEveryXenMachine) {
  for (const char* sequence : {"linux", "gplpv", "win-xenbus", "xenserver-v2"}) {
    for (const char* machine : {"xen-trad", "xen-xenserver", "xen-upstream"}) {
      const std::string path = absl::StrCat("testdata/platform/sequences/", sequence, ".qtest");
      const std::string flag = absl::StrCat("--machine=", machine);
      Result r = Portrace({"analyze", "--context=1", flag.c_str(), path.c_str()});
      EXPECT_LE(r.exit_code, 1) << r.err;
      ExpectGolden(absl::StrCat("platform/", sequence, ".", machine, ".txt"), r.out);
    }
  }
  for (const char* machine : {"xen-trad", "xen-xenserver", "xen-upstream"}) {
    const std::string flag = absl::StrCat("--machine=", machine);
    Result r = Portrace({"qtest", flag.c_str(), "--xenstore=/mh/driver-blacklist/gplpv-windows/1=",
                         "testdata/platform/sequences/gplpv.qtest"});
    EXPECT_EQ(r.exit_code, 0) << r.err;
    ExpectGolden(absl::StrCat("platform/gplpv-blacklisted.", machine, ".replies"), r.out);
  }
}

// Runs `analyze --format=json` on every rule trace in `dir` (with the machine, xenstore nodes and
// serial port its .expect file gives) and checks that the report names each `expect:` rule at its
// event. Returns how many expectations were checked.
int CheckJsonNamesEachRuleAtItsEvent(const std::string& dir) {
  int checked = 0;
  for (const auto& entry : std::filesystem::directory_iterator(dir)) {
    if (entry.path().extension() != ".expect") continue;
    std::string trace;
    for (const char* ext : {".qtest", ".qlog", ".trace"}) {
      std::filesystem::path candidate = entry.path();
      candidate.replace_extension(ext);
      if (std::filesystem::exists(candidate)) trace = candidate.string();
    }
    std::vector<std::string> args_storage = {"analyze", "--format=json", "--max-findings=0"};
    for (absl::string_view line : absl::StrSplit(ReadFile(entry.path().string()), '\n')) {
      if (absl::ConsumePrefix(&line, "machine: "))
        args_storage.push_back(absl::StrCat("--machine=", line));
      if (absl::ConsumePrefix(&line, "xenstore: "))
        args_storage.push_back(absl::StrCat("--xenstore=", line));
      if (line == "serial: yes") args_storage.push_back("--serial");
    }
    args_storage.push_back(trace);
    std::vector<const char*> args;
    for (const std::string& a : args_storage) args.push_back(a.c_str());
    Result r = Portrace(args);
    EXPECT_LE(r.exit_code, 1) << trace << ": " << r.err;
    report::Report report;
    if (!google::protobuf::util::JsonStringToMessage(r.out, &report).ok()) {
      ADD_FAILURE() << trace << ": the JSON report does not parse";
      continue;
    }
    for (absl::string_view line : absl::StrSplit(ReadFile(entry.path().string()), '\n')) {
      if (!absl::ConsumePrefix(&line, "expect: ")) continue;
      const size_t at = line.find('@');
      const std::string rule(line.substr(0, at));
      const double event = std::stod(std::string(line.substr(at + 1)));
      bool found = false;
      for (const report::Finding& f : report.findings())
        found |= f.rule() == rule && f.event() == event;
      EXPECT_TRUE(found) << trace << ": no " << line << " in the JSON report";
      ++checked;
    }
  }
  return checked;
}

// Issue 3's must-show: `analyze --format=json` on each platform rule trace names the rule at the
// event its .expect file gives.
TEST(CommandsTest, JsonNamesEachPlatformRuleAtItsEvent) {
  EXPECT_GE(CheckJsonNamesEachRuleAtItsEvent("testdata/platform/rules"), 32);
}

// The same for the legacy PC rules (pc.*), on all four machines their traces use.
TEST(CommandsTest, JsonNamesEachPcRuleAtItsEvent) {
  EXPECT_GE(CheckJsonNamesEachRuleAtItsEvent("testdata/pc/rules"), 13);
}

// The device a replay.divergence or replay.clock-divergence message names: "inb 0x71 (no device;
// the capture's 'rtc'): the trace recorded ..." gives "no device; the capture's 'rtc'"; "" when
// the message has no such part.
std::string DivergenceDevice(const std::string& message) {
  const size_t open = message.find(" ("), close = message.find("): ");
  if (open == std::string::npos || close == std::string::npos || close < open) return "";
  return message.substr(open + 2, close - open - 2);
}

bool IsDivergence(const report::Finding& f) {
  return f.rule() == "replay.divergence" || f.rule() == "replay.clock-divergence";
}

// The must-show of issue 4: QEMU's trace log of SeaBIOS booting imports (xz, sniffed), replays on
// the pc machine and the divergence report has one finding per device — the model's mapping, or
// the device the capture names where the model has none — whose occurrences add up to every
// divergent read of the replay.
TEST(CommandsTest, SeabiosCaptureDivergenceIsGroupedByDevice) {
  const char* capture = "testdata/qemu-trace/seabios-ne2k-mbr.log.xz";
  Result r = Portrace({"analyze", "--machine=pc", "--format=json", "--max-findings=0", capture});
  ASSERT_EQ(r.exit_code, 1) << r.err;
  report::Report report;
  ASSERT_TRUE(google::protobuf::util::JsonStringToMessage(r.out, &report).ok());
  EXPECT_EQ(report.format(), "qemu-trace");
  EXPECT_EQ(report.replay().events(), 42812);
  EXPECT_EQ(report.replay().recorded_reads(), 2406);
  std::set<std::string> devices;
  double occurrences = 0;
  for (const report::Finding& f : report.findings()) {
    // replay.clock-divergence: the RTC's clock and the PM timer, which the untimed capture
    // cannot match.
    if (!IsDivergence(f)) continue;
    const std::string device = DivergenceDevice(f.message());
    ASSERT_NE(device, "") << f.message();
    EXPECT_TRUE(devices.insert(f.rule() + " " + device).second)
        << "two findings for one device: " << f.message();
    occurrences += f.occurrences();
  }
  EXPECT_GE(devices.size(), 2u);
  EXPECT_EQ(occurrences, report.replay().divergent_reads());
  EXPECT_GT(occurrences, 0);
  // The text report says the same, by device.
  Result text = Portrace({"analyze", "--machine=pc", capture});
  EXPECT_EQ(text.exit_code, 1) << text.err;
  EXPECT_THAT(text.out, HasSubstr("replay.divergence"));
  EXPECT_THAT(text.out, HasSubstr("findings:"));
}

// The same capture on the machine it was recorded on, built from the very command line QEMU was
// given (formats.md), with the disk rebuilt from what the capture read
// (tools/make_seabios_ne2k_disk.sh): every modelled device answers as QEMU did. What differs
// depends on time, which the capture does not carry (the RTC's clock, the PM timer, one IDE
// status read while QEMU's host was still reading the sector), and the LAPIC is not modelled.
TEST(CommandsTest, SeabiosCaptureOnItsMachineDivergesOnlyOnTimeAndTheLapic) {
  Result r = Portrace(
      {"analyze",
       "--qemu-args=-machine pc -display none -serial null -monitor none -accel tcg "
       "-drive file=testdata/qemu-trace/seabios-ne2k-mbr.img,format=raw,if=ide,index=0 "
       "-drive if=ide,index=2,media=cdrom -nic user,model=ne2k_pci "
       "-trace memory_region_ops_* -D capture.log -boot order=c",
       "--format=json", "--max-findings=0", "testdata/qemu-trace/seabios-ne2k-mbr.log.xz"});
  ASSERT_EQ(r.exit_code, 1) << r.err;
  EXPECT_EQ(r.err, "");
  report::Report report;
  ASSERT_TRUE(google::protobuf::util::JsonStringToMessage(r.out, &report).ok());
  std::map<std::string, double> divergent, timed;
  for (const report::Finding& f : report.findings()) {
    if (!IsDivergence(f)) continue;
    const std::string device = DivergenceDevice(f.message());
    ASSERT_NE(device, "") << f.message();
    (f.rule() == "replay.divergence" ? divergent : timed)[device] += f.occurrences();
  }
  EXPECT_THAT(divergent,
              ::testing::ElementsAre(::testing::Pair("no device; the capture's 'apic-msi'", 2)));
  EXPECT_THAT(timed,
              ::testing::ElementsAre(::testing::Pair("acpi-tmr", 154),
                                     ::testing::Pair("ide0-cmd", 1), ::testing::Pair("rtc", 10)));
  EXPECT_EQ(report.replay().recorded_reads(), 2406);
  EXPECT_EQ(report.replay().divergent_reads(), 167);
  EXPECT_EQ(report.replay().untimed_clock_reads(), 165);
}

// A real boot recorded here with its disk image (tools/record_seabios_capture.sh): with the same
// drives, NIC and serial port, every modelled device answers as QEMU did, except the two that
// follow the host's clock (the RTC's time, the ACPI PM timer: replay.clock-divergence, as the
// capture carries no time); the LAPIC is not modelled.
TEST(CommandsTest, SeabiosBootWithItsDiskDivergesOnlyOnWallTimeAndUnmodelledDevices) {
  Result r = Portrace(
      {"analyze", "--machine=pc", "--serial", "--boot=order=c", "--format=json", "--max-findings=0",
       "--drive=file=testdata/qemu-trace/seabios-disk.img,format=raw,if=ide,index=0",
       "--drive=if=ide,index=2,media=cdrom", "--nic=model=ne2k_pci",
       "testdata/qemu-trace/seabios-nodefaults-ide.log.xz"});
  ASSERT_EQ(r.exit_code, 1) << r.err;
  report::Report report;
  ASSERT_TRUE(google::protobuf::util::JsonStringToMessage(r.out, &report).ok());
  EXPECT_EQ(report.replay().events(), 2545);
  std::set<std::string> devices, clock_devices;
  for (const report::Finding& f : report.findings()) {
    if (!IsDivergence(f)) continue;
    const std::string device = DivergenceDevice(f.message());
    ASSERT_NE(device, "") << f.message();
    (f.rule() == "replay.divergence" ? devices : clock_devices).insert(device);
  }
  EXPECT_THAT(devices, ::testing::UnorderedElementsAre("no device; the capture's 'apic-msi'"));
  EXPECT_THAT(clock_devices, ::testing::UnorderedElementsAre("rtc", "acpi-tmr"));
  // IDE, PCI, PIC, PIT, UART, i8042, fw_cfg, port 0x92: hundreds of recorded reads, none diverge.
  EXPECT_GT(report.replay().recorded_reads(), 1500);
}

// --pcap: the frames the NICs transmit, as a libpcap file, byte-identical on every run.
TEST(CommandsTest, PcapHoldsTransmittedFramesDeterministically) {
  const std::string first = Temp("first.pcap"), second = Temp("second.pcap");
  for (const std::string& path : {first, second}) {
    const std::string flag = "--pcap=" + path;
    Result r = Portrace({"replay", "--machine=pc", "--nic=model=ne2k_isa", flag.c_str(),
                         "testdata/fidelity/nic-ne2k-isa.qtest"});
    ASSERT_EQ(r.exit_code, 0) << r.err;
    EXPECT_THAT(r.out, HasSubstr("1 frames written to"));
  }
  const std::string bytes = ReadFile(first);
  ASSERT_GT(bytes.size(), 24u + 16u);
  EXPECT_EQ(bytes.substr(0, 4), std::string("\xd4\xc3\xb2\xa1", 4));  // little-endian magic
  EXPECT_EQ(bytes, ReadFile(second));
  const std::string analyzed = Temp("analyzed.pcap");
  const std::string flag = "--pcap=" + analyzed;
  Result r = Portrace({"analyze", "--machine=pc", "--nic=model=ne2k_isa", flag.c_str(),
                       "testdata/fidelity/nic-ne2k-isa.qtest"});
  EXPECT_NE(r.exit_code, 2) << r.err;
  EXPECT_EQ(ReadFile(analyzed), bytes);
  Result bad = Portrace({"replay", "--pcap=/nonexistent/dir/x.pcap", kRepro01});
  EXPECT_EQ(bad.exit_code, 2);
  EXPECT_THAT(bad.err, HasSubstr("--pcap: cannot write /nonexistent/dir/x.pcap"));
}

// nic_rx (portrace's qtest extension) injects a frame into the NE2000 the script sets up; the
// guest's driver reads it back from the ring, and the summary counts it. Without the NIC the
// replay stops at that event with a one-line error naming it.
TEST(CommandsTest, InjectedFrameReplaysIntoTheNe2000) {
  const char* script = "testdata/nic/rx-ne2k.qtest";
  Result r = Portrace({"replay", "--machine=pc", "--nic=model=ne2k_pci", script});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_THAT(r.out, HasSubstr("nic rx       1 frame injected: 1 stored, 0 filtered, 0 refused"));
  ExpectGolden("nic/rx-ne2k.replay.txt", r.out);
  // The peer's replies: the header and the frame's bytes, read through the data port.
  Result q = Portrace({"qtest", "--machine=pc", "--nic=model=ne2k_pci", script});
  ASSERT_EQ(q.exit_code, 0) << q.err;
  EXPECT_THAT(q.out, HasSubstr("OK 0x404821\nOK 0xffffffff\nOK 0x5452ffff\nOK 0xccbbaa00\n"));
  ExpectGolden("nic/rx-ne2k.replies", q.out);
  Result none = Portrace({"replay", "--machine=pc", script});
  EXPECT_EQ(none.exit_code, 2);
  EXPECT_THAT(none.err,
              HasSubstr("event 13 (nic-receive): the machine has no NIC 0 (it has none)"));
  EXPECT_EQ(std::count(none.err.begin(), none.err.end(), '\n'), 1) << none.err;
  EXPECT_THAT(none.out, HasSubstr("13 events"));
}

// convert --rx-pcap: a capture's frames merged into a driver's set-up; the result replays with
// every frame delivered, and its qtest form carries them as nic_rx lines.
TEST(CommandsTest, ConvertRxPcapMergesACapturesFrames) {
  const std::string trace = Temp("rx.trace");
  Result c = Portrace({"convert", "testdata/nic/rx-ne2k-setup.qtest", trace.c_str(),
                       "--rx-pcap=testdata/nic/rx-frames.pcap,at=event:13"});
  ASSERT_EQ(c.exit_code, 0) << c.err;
  Result r = Portrace({"replay", "--machine=pc", "--nic=model=ne2k_pci", trace.c_str()});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_THAT(r.out, HasSubstr("16 events"));
  EXPECT_THAT(r.out, HasSubstr("nic rx       3 frames injected: 3 stored, 0 filtered, 0 refused"));
  EXPECT_THAT(r.out, HasSubstr("device       ne2k_pci rx x3"));
  const std::string script = Temp("rx.qtest");
  Result q = Portrace({"convert", trace.c_str(), script.c_str()});
  ASSERT_EQ(q.exit_code, 0) << q.err;
  ExpectGolden("nic/rx-pcap.qtest", ReadFile(script));
  // The script replays as the trace does.
  Result again = Portrace({"replay", "--machine=pc", "--nic=model=ne2k_pci", script.c_str()});
  EXPECT_EQ(again.out.substr(again.out.find(':')), r.out.substr(r.out.find(':')));
  // By time (the default): the set-up has no time; the first frame (the capture's time 0) goes
  // before event 0, when the NIC has no ring yet, and is refused; the others, 1 and 2 us later
  // than any event of the set-up, follow its last event.
  const std::string timed = Temp("rx-timed.trace");
  ASSERT_EQ(Portrace({"convert", "testdata/nic/rx-ne2k-setup.qtest", timed.c_str(),
                      "--rx-pcap=testdata/nic/rx-frames.pcap"})
                .exit_code,
            0);
  EXPECT_THAT(Portrace({"replay", "--machine=pc", "--nic=model=ne2k_pci", timed.c_str()}).out,
              HasSubstr("3 frames injected: 2 stored, 0 filtered, 1 refused"));
  // replay and analyze merge the same way, without a converted file.
  for (const char* command : {"replay", "analyze"}) {
    Result direct = Portrace({command, "--machine=pc", "--nic=model=ne2k_pci",
                              "--rx-pcap=testdata/nic/rx-frames.pcap,at=event:13",
                              "testdata/nic/rx-ne2k-setup.qtest"});
    EXPECT_EQ(direct.exit_code, 0) << command << ": " << direct.err;
    EXPECT_THAT(direct.out, HasSubstr("3 frames injected: 3 stored, 0 filtered, 0 refused"))
        << command;
  }
  const struct {
    const char* flag;
    const char* message;
  } bad[] = {
      {"--rx-pcap=/nonexistent.pcap", "/nonexistent.pcap: cannot open"},
      {"--rx-pcap=testdata/nic/rx-frames.pcap,at=soon", "at 'soon' is not time"},
      {"--rx-pcap=testdata/nic/rx-ne2k.qtest", "rx-ne2k.qtest: offset 0: not a pcap file"},
  };
  for (const auto& b : bad) {
    Result e = Portrace({"convert", "testdata/nic/rx-ne2k-setup.qtest", trace.c_str(), b.flag});
    EXPECT_EQ(e.exit_code, 2) << b.flag;
    EXPECT_THAT(e.err, HasSubstr(b.message)) << b.flag;
    EXPECT_EQ(std::count(e.err.begin(), e.err.end(), '\n'), 1) << e.err;
    Result a = Portrace({"analyze", "--machine=pc", b.flag, "testdata/nic/rx-ne2k-setup.qtest"});
    EXPECT_EQ(a.exit_code, 2) << b.flag;
    EXPECT_THAT(a.err, HasSubstr(b.message)) << b.flag;
  }
}

// `record` drives a real QEMU, which does not know portrace's nic_rx: refused before sending.
// (Skipped when QEMU is not installed.) What came before is kept.
TEST(CommandsTest, RecordRefusesPortraceExtensions) {
  if (access("/usr/bin/qemu-system-x86_64", X_OK) != 0) {
    GTEST_SKIP() << "qemu-system-x86_64 not installed";
  }
  const std::string out = Temp("refused.trace");
  const std::string out_flag = absl::StrCat("--out=", out);
  Result r = Portrace({"record", "--qemu=qemu-system-x86_64", out_flag.c_str(), "--", "-S",
                       "-machine", "pc", "-nodefaults", "-display", "none"},
                      "outb 0x80 0x1\nnic_rx 0 0x00\ninb 0x80\n");
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_THAT(r.err, HasSubstr("<stdin>:2: nic_rx is portrace's own qtest extension; QEMU does "
                               "not know it"));
  EXPECT_THAT(Portrace({"replay", out.c_str()}).out, HasSubstr("1 event"));
}

// A capture's answers that the model does not give: grouped by device, one finding each with
// every divergence of that device counted; wall-time ports can be left out.
TEST(CommandsTest, DivergenceIsGroupedByDeviceAndCanBeIgnored) {
  Result r = Portrace({"analyze", "--machine=pc", "testdata/golden/divergence.qlog"});
  EXPECT_EQ(r.exit_code, 1) << r.err;
  ExpectGolden("analyze-divergence-pc.txt", r.out);
  EXPECT_THAT(r.out, HasSubstr("inb 0x71 (rtc): the trace recorded 0x26, the model answered 0x0"));
  EXPECT_THAT(r.out, HasSubstr("[x2, last #7]"));
  EXPECT_THAT(r.out, HasSubstr("inl 0xcfc (pci-config-data): the trace recorded 0x70008086"));
  Result ignored = Portrace({"analyze", "--machine=pc", "--ignore-port=0x70-0x71",
                             "--ignore-device=pci-config-data", "testdata/golden/divergence.qlog"});
  EXPECT_EQ(ignored.exit_code, 0) << ignored.err;
  EXPECT_THAT(ignored.out, Not(HasSubstr("replay.divergence")));
  Result bad = Portrace({"analyze", "--ignore-port=0x80-0x70", "testdata/golden/divergence.qlog"});
  EXPECT_EQ(bad.exit_code, 2);
  EXPECT_THAT(bad.err, HasSubstr("is not a port or a range of ports"));
}

TEST(CommandsTest, StatsGolden) {
  Result r = Portrace({"stats", "--machine=pc", kRepro01});
  EXPECT_EQ(r.exit_code, 0) << r.err;
  ExpectGolden("stats-repro01-pc.txt", r.out);
  Result bad = Portrace({"stats", "/nonexistent.trace"});
  EXPECT_EQ(bad.exit_code, 2);
}

// `portrace record` against the real QEMU (skipped when it is not installed): the recording
// replays on pc with every recorded value agreeing; a request QEMU aborts on ends the recording
// with the script line named, keeping what came before.
TEST(CommandsTest, RecordDrivesQemuAndTheRecordingReplaysCleanly) {
  if (access("/usr/bin/qemu-system-x86_64", X_OK) != 0) {
    GTEST_SKIP() << "qemu-system-x86_64 not installed";
  }
  const std::string out = Temp("recorded.trace");
  std::string script;
  for (absl::string_view line : absl::StrSplit(ReadFile("testdata/fidelity/basics.qtest"), '\n')) {
    if (!line.empty() && line[0] != '#') absl::StrAppend(&script, line, "\n");
  }
  const std::string out_flag = absl::StrCat("--out=", out);
  Result r = Portrace({"record", "--qemu=qemu-system-x86_64", out_flag.c_str(), "--machine=pc",
                       "--", "-S", "-machine", "pc", "-nodefaults", "-display", "none"},
                      script);
  ASSERT_EQ(r.exit_code, 0) << r.err;
  Result replayed = Portrace({"replay", out.c_str()});
  EXPECT_EQ(replayed.exit_code, 0) << replayed.err;
  EXPECT_THAT(replayed.out, HasSubstr("replayed on pc"));
  EXPECT_THAT(replayed.out, HasSubstr("21 reads with a recorded value, 0 diverge"));

  Result aborted = Portrace({"record", "--qemu=qemu-system-x86_64", out_flag.c_str(), "--", "-S",
                             "-machine", "pc", "-nodefaults", "-display", "none"},
                            "inb 0x80\ninb 0x10000\ninb 0x80\n");
  EXPECT_EQ(aborted.exit_code, 2);
  EXPECT_THAT(aborted.err, HasSubstr("<stdin>:2: 'inb 0x10000'"));
  Result kept = Portrace({"replay", out.c_str()});
  EXPECT_THAT(kept.out, HasSubstr("1 event"));
}

// --qemu-args builds the machine from QEMU's own command line; what QEMU would add that
// portrace does not model is a note on stderr, and the flags add to the command line.
TEST(CommandsTest, QemuArgsBuildTheMachine) {
  const std::string script = Temp("qemu-args.qtest");
  // The parallel port (a default device), the CD-ROM QEMU adds at index 2, the serial port.
  WriteFile(script, "inb 0x37a\ninb 0x177\ninb 0x3fd\n");
  Result r = Portrace({"analyze", "--qemu-args=-machine pc,accel=tcg -display none -boot order=c",
                       "--format=json", script.c_str()});
  EXPECT_EQ(r.exit_code, 0) << r.err;
  EXPECT_THAT(r.err, HasSubstr("portrace: note: QEMU adds its default NIC here (an e1000"));
  EXPECT_THAT(r.out, Not(HasSubstr("io.unclaimed")));
  // -nodefaults: the same ports are unclaimed, and no note.
  r = Portrace({"analyze", "--qemu-args=-nodefaults", "--format=json", script.c_str()});
  EXPECT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(r.err, "");
  EXPECT_THAT(r.out, HasSubstr("io.unclaimed"));
  // --serial adds to the command line.
  r = Portrace({"analyze", "--qemu-args=-nodefaults -serial none", "--serial", "--format=json",
                script.c_str()});
  EXPECT_THAT(r.out, HasSubstr("no device claims port 0x37a"));
  EXPECT_THAT(r.out, Not(HasSubstr("no device claims port 0x3fd")));
}

TEST(CommandsTest, HelpForEveryCommand) {
  for (const char* command : {"replay", "analyze", "qtest", "convert", "stats", "record"}) {
    Result r = Portrace({command, "--help"});
    EXPECT_EQ(r.exit_code, 0) << command;
    EXPECT_THAT(r.out, HasSubstr(std::string("usage: portrace ") + command)) << command;
  }
  Result top = Portrace({"--help"});
  EXPECT_EQ(top.exit_code, 0);
  EXPECT_THAT(top.out, HasSubstr("commands:"));
  EXPECT_EQ(Portrace({}).exit_code, 2);
}

TEST(CommandsTest, BadInputsExitTwoWithOneLine) {
  std::string random;
  for (int i = 0; i < 4096; ++i) random.push_back(static_cast<char>((i * 2654435761u) >> 13));
  WriteFile(Temp("random.bin"), random);
  WriteFile(Temp("bad-line.qtest"), "outb 0x80 0x1\nfrobnicate 1 2\n");
  const struct {
    std::vector<const char*> args;
    const char* message;
  } cases[] = {
      {{"analyze", "/nonexistent.trace"}, "/nonexistent.trace: cannot open"},
      {{"replay", "/nonexistent.trace"}, "/nonexistent.trace: cannot open"},
      {{"analyze", "--machine=q35", kRepro01}, "unknown machine 'q35'"},
      {{"analyze", "--format=xml", kRepro01}, "--format: 'xml' is neither text nor json"},
      {{"analyze", "--max-findings=-1", kRepro01}, "not a non-negative integer"},
      {{"analyze", "--fromat=qtest", kRepro01}, "unknown flag '--fromat'"},
      {{"analyze", "--from=pcap", kRepro01}, "unknown input format 'pcap'"},
      {{"frobnicate"}, "unknown command 'frobnicate'"},
      {{"convert", kRepro01, "/tmp/x.unknown"}, "cannot tell the output format"},
      {{"qtest", "/nonexistent.qtest"}, "/nonexistent.qtest: cannot open"},
      {{"analyze", "--qemu-args=-machine q35", kRepro01},
       "--qemu-args: -machine q35: machine type 'q35': portrace models QEMU's pc"},
      {{"replay", "--qemu-args=-nodefaults -smp 2", kRepro01},
       "--qemu-args: -smp 2: portrace models one CPU"},
      {{"replay", "--qemu-args=-nodefaults -drive file=/nonexistent.img,if=ide", kRepro01},
       "/nonexistent.img"},
  };
  for (const auto& c : cases) {
    Result r = Portrace(c.args);
    EXPECT_EQ(r.exit_code, 2) << c.message;
    EXPECT_THAT(r.err, HasSubstr(c.message));
    EXPECT_EQ(std::count(r.err.begin(), r.err.end(), '\n'), 1) << r.err;
  }
  const std::string random_path = Temp("random.bin");
  Result r = Portrace({"analyze", random_path.c_str()});
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_THAT(r.err, HasSubstr("offset 0: not a trace format portrace knows"));
  EXPECT_EQ(std::count(r.err.begin(), r.err.end(), '\n'), 1);
  // A bad line midway: the report covers what came before, then the error, exit 2.
  const std::string bad_line = Temp("bad-line.qtest");
  r = Portrace({"analyze", "--machine=pc", bad_line.c_str()});
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_THAT(r.err, HasSubstr("bad-line.qtest:2: unknown qtest command 'frobnicate'"));
  EXPECT_THAT(r.out, HasSubstr("1 event"));
}

// Each importer's hostile inputs through the command line: one line naming the file and the line
// or byte offset, exit 2, and what came before the bad spot is still reported.
TEST(CommandsTest, HostileCapturesExitTwoWithOneLine) {
  std::string xentrace_truncated;
  // A cpu_change record (pCPU 0, a 16-byte window) and then only 4 of the window's bytes.
  for (uint32_t word : {0x2001f003u, 0u, 16u, 0x00082216u}) {
    for (int i = 0; i < 4; ++i) xentrace_truncated.push_back(static_cast<char>(word >> (8 * i)));
  }
  const struct {
    const char* name;
    std::string bytes;
    const char* from;
    const char* message;
  } cases[] = {
      {"huge-count.txt", "kvm_pio: pio_read at 0x3f8 size 1 count 99999999999 val 0x1\n",
       "--from=kvm-pio", "huge-count.txt:1: kvm_pio: count \"99999999999\""},
      {"bad-size.txt", "kvm_pio: pio_write at 0x3f8 size 3 count 1 val 0x1\n", "--from=kvm-pio",
       "bad-size.txt:1:"},
      {"megaline.log",
       "memory_region_ops_read cpu 0 addr 0x71 value 0x0 size 1 name '" +
           std::string(2 << 20, 'a') + "'\n",
       "--from=qemu-trace", "megaline.log:1: line longer than"},
      {"bad-width.log",
       "memory_region_ops_write cpu 0 mr 0x1 addr 0x70 value 0x8f size 1 name 'rtc-index'\n"
       "memory_region_ops_write cpu 0 mr 0x1 addr 0x70 value 0x1ff size 1 name 'rtc-index'\n",
       "--from=qemu-trace", "bad-width.log:2:"},
      {"truncated.xentrace", xentrace_truncated, "--from=xentrace", "truncated.xentrace: offset"},
      {"garbage.xentrace", std::string(64, '\xff'), "--from=xentrace",
       "garbage.xentrace: offset 0"},
  };
  for (const auto& c : cases) {
    const std::string path = Temp(c.name);
    WriteFile(path, c.bytes);
    for (const char* command : {"stats", "analyze"}) {
      Result r = Portrace({command, "--machine=pc", c.from, path.c_str()});
      EXPECT_EQ(r.exit_code, 2) << c.name << " " << command << ": " << r.err;
      EXPECT_THAT(r.err, HasSubstr(c.message)) << command;
      EXPECT_EQ(std::count(r.err.begin(), r.err.end(), '\n'), 1) << r.err;
    }
  }
  // The QEMU trace log's first line still replays before the bad second one.
  const std::string path = Temp("bad-width.log");
  Result r = Portrace({"replay", "--machine=pc", path.c_str()});
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_THAT(r.out, HasSubstr("1 event"));
}

TEST(CommandsTest, ConvertRoundTripsQtestThroughTheCanonicalTrace) {
  const std::string trace = Temp("repro11.trace");
  const std::string back = Temp("repro11.qtest");
  Result r = Portrace({"convert", kRepro11, trace.c_str()});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  r = Portrace({"convert", trace.c_str(), back.c_str()});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  std::string original;
  for (absl::string_view line : absl::StrSplit(ReadFile(kRepro11), '\n')) {
    if (line.empty() || line[0] == '#') continue;
    absl::StrAppend(&original, line, "\n");
  }
  EXPECT_EQ(ReadFile(back), original);
  // The canonical trace names its producer and replays like the script.
  EXPECT_EQ(Portrace({"replay", "--machine=xen-upstream", trace.c_str()}).out,
            Portrace({"replay", "--machine=xen-upstream", kRepro11})
                .out.replace(0, std::string(kRepro11).size(), trace));
}

TEST(CommandsTest, TruncatedCanonicalTraceStillReportsWhatCameBefore) {
  const std::string trace = Temp("cut.trace");
  ASSERT_EQ(Portrace({"convert", kRepro01, trace.c_str()}).exit_code, 0);
  std::string bytes = ReadFile(trace);
  bytes.resize(bytes.size() - 3);
  WriteFile(trace, bytes);
  Result r = Portrace({"analyze", trace.c_str()});
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_THAT(r.err, HasSubstr("truncated frame"));
  EXPECT_THAT(r.out, HasSubstr("0 events"));
}

}  // namespace
}  // namespace portrace::cli
