#include "cli/commands.h"

#include <cerrno>
#include <cstring>
#include <fstream>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_join.h"
#include "absl/strings/strip.h"
#include "analyzer/analyzer.h"
#include "analyzer/report.h"
#include "analyzer/rules.h"
#include "analyzer/timeline.h"
#include "analyzer/trace_stats.h"
#include "cli/args.h"
#include "cli/progress.h"
#include "cli/qemu_session.h"
#include "cli/rx_pcap.h"
#include "devices/nic/pcap_writer.h"
#include "sim/machine.h"
#include "sim/machine_builder.h"
#include "sim/qemu_command_line.h"
#include "sim/qtest_server.h"
#include "sim/replay.h"
#include "trace/byte_source.h"
#include "trace/exporters/registry.h"
#include "trace/importers/registry.h"
#include "trace/qtest_command.h"
#include "trace/qtest_exchange.h"
#include "trace/qtest_script.h"
#include "trace/trace_file.h"

namespace portrace::cli {
namespace {

const FlagSpec kMachineFlag = {"machine", "NAME",
                               "machine profile: xen-trad (default), xen-xenserver, "
                               "xen-upstream, pc; a canonical trace's own machine is the default "
                               "for it"};
// The machine options every replaying command takes.
const FlagSpec kXenstoreFlag = {"xenstore", "PATH=VALUE",
                                "a node of the host's xenstore (e.g. "
                                "/mh/driver-blacklist/gplpv-windows/1=), readable by dom0 only",
                                /*repeatable=*/true};
const FlagSpec kXenstoreFileFlag = {"xenstore-file", "FILE",
                                    "the host's xenstore as `xenstore-ls -f -p` prints it",
                                    /*repeatable=*/true};
const FlagSpec kDomidFlag = {"domid", "N", "the guest's domain id (default 1)"};
const FlagSpec kDmDomidFlag = {"dm-domid", "N",
                               "the domain the device model reads xenstore as (default 0, "
                               "privileged; a stub domain or deprivileged qemu-dm is not)"};

const FlagSpec kDriveFlag = {"drive", "OPTIONS",
                             "an IDE drive in QEMU's -drive syntax (file=, format=raw, if=ide, "
                             "index=0..3, media=disk|cdrom, snapshot=on|off)",
                             /*repeatable=*/true};
const FlagSpec kNicFlag = {"nic", "OPTIONS",
                           "a NIC in QEMU's -nic syntax (model=ne2k_pci|ne2k_isa|rtl8139, mac=)",
                           /*repeatable=*/true};

const FlagSpec kQemuArgsFlag = {
    "qemu-args", "ARGS",
    "the machine as a QEMU command line builds it (e.g. \"-machine pc -nodefaults -drive "
    "file=d.img,if=ide,index=0 -nic user,model=ne2k_pci -boot order=c\"): -machine pc, "
    "-nodefaults, -drive, -hda..-hdd, -cdrom, -snapshot, -nic, -net nic, -device "
    "ne2k_pci|ne2k_isa|rtl8139, -boot, -m, -serial, -parallel, -vga, -rtc base=; options that "
    "change no device (-display, -monitor, -accel, -trace, -D, -S, ...) are ignored, others "
    "refused; the other machine flags add to it"};
const FlagSpec kDefaultsFlag = {
    "defaults", "",
    "QEMU's defaults (as without -nodefaults): serial port 0x3f8, parallel port 0x378, an "
    "empty floppy drive in the CMOS, an empty IDE CD-ROM at index 2, std VGA at 00:02.0"};
const FlagSpec kSerialFlag = {"serial", "", "a 16550 UART at 0x3f8, IRQ 4 (QEMU -serial)"};
const FlagSpec kParallelFlag = {"parallel", "", "a parallel port at 0x378, IRQ 7 (QEMU -parallel)"};
const FlagSpec kVgaFlag = {"vga", "std|none",
                           "QEMU's std VGA at 00:02.0 (VGA and VBE ports, the window at 0xa0000, "
                           "video memory and MMIO BARs)"};
const FlagSpec kBootFlag = {"boot", "order=DEVICES",
                            "boot order as QEMU's -boot reports it in the CMOS (default cad)"};
const FlagSpec kRtcBaseFlag = {"rtc-base", "YYYY-MM-DDTHH:MM:SS",
                               "the RTC's time (UTC) at virtual time 0 (default "
                               "2026-01-01T00:00:00)"};

const FlagSpec kRxPcapFlag = {
    "rx-pcap", "FILE[,nic=N][,at=PLACEMENT]",
    "merge the Ethernet frames of a pcap capture as frames the machine's NIC N (default 0: "
    "the machine's own NIC, then each --nic) receives; PLACEMENT is time (default), time:NS, "
    "event:K or every:N (see portrace convert --help)"};
const FlagSpec kPcapFlag = {"pcap", "FILE",
                            "write the frames the NICs transmit to FILE (libpcap, timestamps "
                            "from virtual time)"};

const FlagSpec kFromFlag = {"from", "FORMAT",
                            "input format (trace, qtest, qlog, qemu-trace, kvm-pio, xentrace); "
                            "sniffed if not given"};

const CommandSpec kReplaySpec = {
    "replay",
    "TRACE",
    "Replay TRACE (a file, or - for standard input) against a machine model and print a summary "
    "of what happened.",
    "",
    {kMachineFlag, kXenstoreFlag, kXenstoreFileFlag, kDomidFlag, kDmDomidFlag, kDriveFlag, kNicFlag,
     kQemuArgsFlag, kDefaultsFlag, kSerialFlag, kParallelFlag, kVgaFlag, kBootFlag, kRtcBaseFlag,
     kFromFlag, kPcapFlag, kRxPcapFlag},
    1,
    1,
};

const CommandSpec kAnalyzeSpec = {
    "analyze",
    "TRACE",
    "Replay TRACE against a machine model and report protocol violations and divergences.",
    "Exit status: 0 no finding of severity error, 1 errors found, 2 bad usage or unreadable "
    "input.\nThe JSON report is one object; each entry of its \"findings\" array has rule, "
    "severity, event (0-based index), t_ns, message, occurrences and context.",
    {kMachineFlag,
     kXenstoreFlag,
     kXenstoreFileFlag,
     kDomidFlag,
     kDmDomidFlag,
     kDriveFlag,
     kNicFlag,
     kQemuArgsFlag,
     kDefaultsFlag,
     kSerialFlag,
     kParallelFlag,
     kVgaFlag,
     kBootFlag,
     kRtcBaseFlag,
     kFromFlag,
     kPcapFlag,
     kRxPcapFlag,
     {"format", "text|json", "report format (default text)"},
     {"max-findings", "N", "distinct findings listed per rule, 0 for all (default 100)"},
     {"ignore-port", "PORT[-PORT]",
      "leave reads of these ports out of replay.divergence (values that follow wall time)",
      /*repeatable=*/true},
     {"ignore-device", "NAME",
      "leave reads of this device (a model mapping such as pci-config-data, or a capture's region "
      "name such as rtc) out of replay.divergence",
      /*repeatable=*/true},
     {"context", "N", "events of context shown before and after a finding (default 3)"}},
    1,
    1,
};

const CommandSpec kQtestSpec = {
    "qtest",
    "[SCRIPT|-]",
    "Behave as a qtest peer: read QEMU qtest requests from SCRIPT or standard input, one per "
    "line, and answer each on standard output as qemu-system-x86_64 -qtest stdio does.",
    "Replies: OK, OK 0x%04x (in*), OK 0x%016x (read*), OK <ns> (clock_step/clock_set, as with "
    "-accel qtest), FAIL Unknown command '<word>', ERR <reason> for bad arguments (where QEMU\n"
    "would abort). Blank lines and lines starting with # are not requests and get no reply.",
    {kMachineFlag, kXenstoreFlag, kXenstoreFileFlag, kDomidFlag, kDmDomidFlag, kDriveFlag, kNicFlag,
     kQemuArgsFlag, kDefaultsFlag, kSerialFlag, kParallelFlag, kVgaFlag, kBootFlag, kRtcBaseFlag},
    0,
    1,
};

const CommandSpec kConvertSpec = {
    "convert",
    "IN OUT",
    "Convert a trace between formats. OUT's extension picks the output format unless --to names "
    "one: .trace canonical, .qtest script, .qlog qtest log, .txt listing, .json Chrome/Perfetto "
    "timeline; - writes to standard output.",
    "The timeline replays the trace on the machine (machine options apply) and analyzes it: one "
    "track per device with every access, and a track of findings; open it in ui.perfetto.dev.\n"
    "--rx-pcap merges a capture's frames into the trace as frames NIC N receives (nic_rx in "
    "qtest form), in capture order, each placed\n"
    "  at=time      (default) before the first event at or after its capture time relative to "
    "the first frame, which goes at virtual time 0\n"
    "  at=time:NS   the same, the first frame at virtual time NS\n"
    "  at=event:K   all before event K of IN (for traces without time: after the driver's set-up)\n"
    "  at=every:N   frame i before event (i+1)*N of IN\n"
    "Frames left at the end of IN follow its last event.",
    {kFromFlag,
     {"to", "FORMAT", "output format (trace, qtest, qlog, txt, json)"},
     kRxPcapFlag,
     kMachineFlag,
     kXenstoreFlag,
     kXenstoreFileFlag,
     kDomidFlag,
     kDmDomidFlag,
     kDriveFlag,
     kNicFlag},
    2,
    2,
};

const CommandSpec kStatsSpec = {
    "stats",
    "TRACE",
    "Count what TRACE does, streaming: accesses per device (as the machine model maps them), per "
    "port and width, reads and writes, the time span.",
    "",
    {kMachineFlag, kXenstoreFlag, kXenstoreFileFlag, kDomidFlag, kDmDomidFlag, kDriveFlag, kNicFlag,
     kQemuArgsFlag, kDefaultsFlag, kSerialFlag, kParallelFlag, kVgaFlag, kBootFlag, kRtcBaseFlag,
     kFromFlag},
    1,
    1,
};

const CommandSpec kRecordSpec = {
    "record",
    "[--] QEMU-ARGS",
    "Drive a real QEMU over qtest with the requests of a script on standard input (or --script) "
    "and write a canonical trace of every request with QEMU's reply: reference captures.",
    "Example: portrace record --qemu=qemu-system-x86_64 --out=ref.trace -- -S -machine pc "
    "-nodefaults -display none < script.qtest\n"
    "\"-qtest stdio\" is added unless the arguments name -qtest. Comment lines are not sent; "
    "\"# marker: TEXT\" lines become markers.",
    {{"qemu", "BINARY", "the QEMU to drive (required)"},
     {"out", "FILE", "where to write the trace (.trace; - for standard output; required)"},
     {"script", "FILE", "read the requests from FILE instead of standard input"},
     {"machine", "NAME",
      "the portrace machine the capture corresponds to, kept in the trace's "
      "header (e.g. pc)"}},
    0,
    1000,
};

const CommandSpec* const kCommands[] = {&kReplaySpec,  &kAnalyzeSpec, &kQtestSpec,
                                        &kConvertSpec, &kStatsSpec,   &kRecordSpec};

void PrintTo(FILE* stream, absl::string_view text) {
  std::fwrite(text.data(), 1, text.size(), stream);
}

// A progress line on the error stream when it is a terminal.
trace::SourceWrapper Progress(const Streams& streams) {
  FILE* terminal = streams.err;
  return [terminal](std::unique_ptr<trace::ByteSource> source, const std::string& path) {
    return ProgressSource::MaybeWrap(std::move(source), path, terminal);
  };
}

int Fail(const Streams& streams, const absl::Status& status) {
  std::string message(status.message());
  if (!absl::StartsWith(message, "portrace")) message = absl::StrCat("portrace: ", message);
  PrintTo(streams.err, absl::StrCat(message, "\n"));
  return kExitUsage;
}

std::string TopLevelUsage() {
  std::string out =
      "usage: portrace COMMAND [flags] ...\n\n"
      "portrace replays captured x86 port I/O traces against a model of a PC's I/O space and\n"
      "reports protocol violations (Xen platform device, PCI, IDE, NICs, legacy devices).\n\n"
      "commands:\n";
  for (const CommandSpec* spec : kCommands) {
    absl::StrAppendFormat(&out, "  %-9s %s\n", spec->name, spec->operands);
  }
  out += "\nportrace COMMAND --help describes each command.\n";
  return out;
}

// The machine options from the flags; `trace_machine` (from a canonical trace's header) is the
// default when --machine is absent and it names a known profile.
absl::StatusOr<sim::MachineOptions> MachineOptionsFrom(const ParsedArgs& args,
                                                       absl::string_view trace_machine,
                                                       const Streams& streams) {
  sim::MachineOptions options;
  if (args.Has("qemu-args")) {
    std::vector<std::string> notes;
    const absl::Status applied = sim::ApplyQemuCommandLine(args.Get("qemu-args"), &options, &notes);
    if (!applied.ok()) return applied;
    for (const std::string& note : notes) {
      PrintTo(streams.err, absl::StrCat("portrace: note: ", note, "\n"));
    }
  }
  if (args.Has("machine")) {
    options.name = args.Get("machine");
  } else if (!args.Has("qemu-args") && !trace_machine.empty() &&
             sim::FindMachineProfile(trace_machine) != nullptr) {
    options.name = std::string(trace_machine);
  }
  options.xenstore_files = args.GetAll("xenstore-file");
  options.xenstore_nodes = args.GetAll("xenstore");
  for (const std::string& drive : args.GetAll("drive")) options.drives.push_back(drive);
  for (const std::string& nic : args.GetAll("nic")) options.nics.push_back(nic);
  options.qemu_defaults = options.qemu_defaults || args.Has("defaults");
  if (args.Has("serial")) {
    options.serial = true;
    options.no_serial = false;
  }
  if (args.Has("parallel")) {
    options.parallel = true;
    options.no_parallel = false;
  }
  if (args.Has("vga")) options.vga = args.Get("vga");
  if (args.Has("rtc-base")) options.rtc_base = args.Get("rtc-base");
  if (args.Has("boot")) {
    const std::string boot_value = args.Get("boot");
    absl::string_view boot = boot_value;
    if (!absl::ConsumePrefix(&boot, "order=")) {
      return absl::InvalidArgumentError(
          absl::StrCat("--boot=", boot, ": expected order=DEVICES (e.g. order=c)"));
    }
    options.boot_order = std::string(boot);
  }
  for (const auto& [flag, field] :
       {std::pair<const char*, uint16_t*>{"domid", &options.guest_domid},
        {"dm-domid", &options.device_model_domid}}) {
    if (!args.Has(flag)) continue;
    uint32_t value = 0;
    if (!absl::SimpleAtoi(args.Get(flag), &value) || value > 0x7fef) {
      return absl::InvalidArgumentError(
          absl::StrCat("--", flag, ": '", args.Get(flag), "' is not a domain id (0-32751)"));
    }
    *field = static_cast<uint16_t>(value);
  }
  if (sim::FindMachineProfile(options.name) == nullptr) {
    std::vector<absl::string_view> names;
    for (const sim::MachineProfile& p : sim::MachineProfiles()) names.push_back(p.name);
    return absl::InvalidArgumentError(absl::StrCat("unknown machine '", options.name,
                                                   "' (known: ", absl::StrJoin(names, ", "), ")"));
  }
  return options;
}

absl::StatusOr<uint64_t> UnsignedFlag(const ParsedArgs& args, absl::string_view name,
                                      uint64_t fallback) {
  if (!args.Has(name)) return fallback;
  uint64_t value = 0;
  if (!absl::SimpleAtoi(args.Get(name), &value)) {
    return absl::InvalidArgumentError(
        absl::StrCat("--", name, ": '", args.Get(name), "' is not a non-negative integer"));
  }
  return value;
}

// "0x70" or "0x70-0x71" (numbers in C syntax: 0x.. hex, 0.. octal, else decimal).
absl::StatusOr<std::pair<uint32_t, uint32_t>> ParsePortRange(absl::string_view text) {
  const auto number = [](absl::string_view word, uint32_t* out) {
    const std::string s(word);
    char* end = nullptr;
    errno = 0;
    const unsigned long value = std::strtoul(s.c_str(), &end, 0);
    if (s.empty() || errno != 0 || *end != '\0' || value > 0xffff) return false;
    *out = static_cast<uint32_t>(value);
    return true;
  };
  const size_t dash = text.find('-');
  uint32_t first = 0, last = 0;
  const bool ok = dash == absl::string_view::npos ? number(text, &first) && number(text, &last)
                                                  : number(text.substr(0, dash), &first) &&
                                                        number(text.substr(dash + 1), &last);
  if (!ok || last < first) {
    return absl::InvalidArgumentError(absl::StrCat(
        "--ignore-port: '", text, "' is not a port or a range of ports (0x70 or 0x70-0x71)"));
  }
  return std::make_pair(first, last);
}

// --pcap=FILE: forwards every replayed event to `inner` (if any) and writes the frames the NICs
// transmit ("tx" device events) to a libpcap file.
class PcapTap : public sim::ReplayObserver {
 public:
  static absl::StatusOr<std::unique_ptr<PcapTap>> Open(const std::string& path,
                                                       sim::ReplayObserver* inner) {
    auto tap = std::unique_ptr<PcapTap>(new PcapTap(path, inner));
    if (!tap->out_) {
      return absl::PermissionDeniedError(
          absl::StrCat("--pcap: cannot write ", path, ": ", std::strerror(errno)));
    }
    return tap;
  }
  void OnEvent(const sim::ReplayedEvent& event) override {
    if (inner_ != nullptr) inner_->OnEvent(event);
    for (const sim::DeviceEvent& e : event.device_events) {
      if (!status_.ok()) return;
      absl::StatusOr<bool> added = writer_.AddDeviceEvent(event.t_ns, e);
      if (!added.ok()) status_ = added.status();
    }
  }
  // The first write error, also one at closing the file.
  absl::Status Finish() {
    out_.close();
    if (status_.ok() && out_.fail()) {
      status_ = absl::DataLossError(absl::StrCat("--pcap: writing ", path_, " failed"));
    }
    return status_;
  }
  uint64_t frames() const { return writer_.frames(); }

 private:
  PcapTap(const std::string& path, sim::ReplayObserver* inner)
      : path_(path),
        out_(path, std::ios::binary | std::ios::trunc),
        inner_(inner),
        writer_(&out_) {}
  std::string path_;
  std::ofstream out_;
  sim::ReplayObserver* inner_;
  devices::PcapWriter writer_;
  absl::Status status_;
};

// Sets `replayer`'s observer to `inner`, behind a pcap tap when --pcap is given.
absl::StatusOr<std::unique_ptr<PcapTap>> Observe(const ParsedArgs& args, sim::Replayer& replayer,
                                                 sim::ReplayObserver* inner) {
  replayer.set_observer(inner);
  if (!args.Has("pcap")) return std::unique_ptr<PcapTap>();
  absl::StatusOr<std::unique_ptr<PcapTap>> tap = PcapTap::Open(args.Get("pcap"), inner);
  if (tap.ok()) replayer.set_observer(tap->get());
  return tap;
}

// --rx-pcap=...: the capture's frames merged into the opened trace.
absl::Status MergeRxPcap(const ParsedArgs& args, trace::OpenedTrace& opened) {
  if (!args.Has("rx-pcap")) return absl::OkStatus();
  absl::StatusOr<RxPcapOptions> options = ParseRxPcapOption(args.Get("rx-pcap"));
  if (!options.ok()) return options.status();
  absl::StatusOr<std::unique_ptr<RxPcapMerge>> merged =
      RxPcapMerge::Open(std::move(opened.source), *options);
  if (!merged.ok()) return merged.status();
  opened.source = *std::move(merged);
  return absl::OkStatus();
}

int RunReplay(const ParsedArgs& args, const Streams& streams) {
  absl::StatusOr<trace::OpenedTrace> opened =
      trace::OpenTrace(args.operands[0], args.Get("from"), Progress(streams));
  if (!opened.ok()) return Fail(streams, opened.status());
  if (absl::Status merged = MergeRxPcap(args, *opened); !merged.ok()) {
    return Fail(streams, merged);
  }
  absl::StatusOr<sim::MachineOptions> options =
      MachineOptionsFrom(args, opened->source->header().machine(), streams);
  if (!options.ok()) return Fail(streams, options.status());
  absl::StatusOr<std::unique_ptr<sim::Machine>> machine = sim::BuildMachine(*options);
  if (!machine.ok()) return Fail(streams, machine.status());
  sim::Replayer replayer(machine->get());
  absl::StatusOr<std::unique_ptr<PcapTap>> tap = Observe(args, replayer, nullptr);
  if (!tap.ok()) return Fail(streams, tap.status());
  absl::Status status = replayer.Run(*opened->source);
  PrintTo(streams.out, analyzer::FormatReplaySummary(args.operands[0], options->name,
                                                     analyzer::ToReplayStats(replayer.summary())));
  if (*tap != nullptr) {
    status.Update((*tap)->Finish());
    if (status.ok()) {
      PrintTo(streams.out, absl::StrCat("  pcap         ", (*tap)->frames(), " frames written to ",
                                        args.Get("pcap"), "\n"));
    }
  }
  if (!status.ok()) return Fail(streams, status);
  return kExitOk;
}

int RunStats(const ParsedArgs& args, const Streams& streams) {
  absl::StatusOr<trace::OpenedTrace> opened =
      trace::OpenTrace(args.operands[0], args.Get("from"), Progress(streams));
  if (!opened.ok()) return Fail(streams, opened.status());
  absl::StatusOr<sim::MachineOptions> options =
      MachineOptionsFrom(args, opened->source->header().machine(), streams);
  if (!options.ok()) return Fail(streams, options.status());
  absl::StatusOr<std::unique_ptr<sim::Machine>> machine = sim::BuildMachine(*options);
  if (!machine.ok()) return Fail(streams, machine.status());
  analyzer::TraceStats stats;
  sim::Replayer replayer(machine->get());
  replayer.set_observer(&stats);
  const absl::Status status = replayer.Run(*opened->source);
  PrintTo(streams.out, stats.Format(args.operands[0], options->name));
  if (!status.ok()) return Fail(streams, status);
  return kExitOk;
}

// Reads one line (without '\n') of at most `limit` bytes. Returns false at the end of input.
// A longer line is consumed whole and reported through `too_long`.
bool ReadLine(FILE* in, size_t limit, std::string* line, bool* too_long) {
  line->clear();
  *too_long = false;
  int c;
  bool any = false;
  while ((c = std::fgetc(in)) != EOF) {
    any = true;
    if (c == '\n') return true;
    if (line->size() < limit) {
      line->push_back(static_cast<char>(c));
    } else {
      *too_long = true;
    }
  }
  return any;
}

int RunRecord(const ParsedArgs& args, const Streams& streams) {
  if (!args.Has("qemu") || !args.Has("out")) {
    return Fail(streams, absl::InvalidArgumentError(
                             "portrace record: --qemu=BINARY and --out=FILE are required (see "
                             "portrace record --help)"));
  }
  FILE* in = streams.in;
  std::unique_ptr<FILE, int (*)(FILE*)> file(nullptr, &std::fclose);
  const std::string script_name = args.Get("script", "<stdin>");
  if (args.Has("script")) {
    file.reset(std::fopen(args.Get("script").c_str(), "rb"));
    if (file == nullptr) {
      return Fail(streams, absl::NotFoundError(absl::StrCat(
                               args.Get("script"), ": cannot open: ", std::strerror(errno))));
    }
    in = file.get();
  }
  absl::StatusOr<std::unique_ptr<trace::ByteSink>> sink = trace::OpenFileSink(args.Get("out"));
  if (!sink.ok()) return Fail(streams, sink.status());
  trace::TraceHeader header;
  header.set_producer("portrace record");
  header.set_machine(args.Get("machine"));
  trace::KeyValue* qemu = header.add_metadata();
  qemu->set_key("qemu");
  qemu->set_value(absl::StrCat(args.Get("qemu"), " ", absl::StrJoin(args.operands, " ")));
  absl::StatusOr<std::unique_ptr<trace::TraceWriter>> writer =
      trace::TraceWriter::Create(sink->get(), header);
  if (!writer.ok()) return Fail(streams, writer.status());

  QemuSession qemu_session;
  if (absl::Status started = qemu_session.Start(args.Get("qemu"), args.operands); !started.ok()) {
    return Fail(streams, started);
  }
  trace::EventBatch batch;
  trace::BatchBuilder builder(&batch);
  std::string line;
  bool too_long = false;
  uint64_t line_number = 0;
  absl::Status status;
  while (ReadLine(in, trace::kMaxQtestLineLength, &line, &too_long)) {
    ++line_number;
    if (!line.empty() && line.back() == '\r') line.pop_back();
    absl::string_view text = line;
    if (too_long) {
      status = absl::InvalidArgumentError(
          absl::StrCat(script_name, ":", line_number, ": line too long"));
      break;
    }
    if (absl::ConsumePrefix(&text, trace::kMarkerPrefix)) {
      builder.Marker(text);
      continue;
    }
    const absl::string_view stripped = absl::StripLeadingAsciiWhitespace(line);
    if (stripped.empty() || stripped[0] == '#') continue;
    if (const absl::string_view command = stripped.substr(0, stripped.find(' '));
        trace::IsPortraceQtestExtension(command)) {
      status = absl::InvalidArgumentError(
          absl::StrCat(script_name, ":", line_number, ": ", command,
                       " is portrace's own qtest extension; QEMU does not know it"));
      break;
    }
    absl::StatusOr<QemuSession::Reply> reply = qemu_session.Exchange(line);
    if (!reply.ok()) {
      status = absl::UnavailableError(absl::StrCat(script_name, ":", line_number, ": '", line,
                                                   "': ", reply.status().message()));
      break;
    }
    if (!absl::StartsWith(reply->text, "OK") && !absl::StartsWith(reply->text, "FAIL") &&
        !absl::StartsWith(reply->text, "ERR")) {
      status = absl::UnavailableError(absl::StrCat(script_name, ":", line_number, ": '", line,
                                                   "': QEMU answered '", reply->text, "'"));
      break;
    }
    trace::AppendQtestExchange(line, reply->text, builder);
    for (const std::string& irq : reply->irqs) builder.Marker(absl::AsciiStrToLower(irq));
    if (batch.op_size() >= 16384) {
      if (absl::Status w = (*writer)->WriteBatch(batch); !w.ok()) return Fail(streams, w);
      batch.Clear();
    }
  }
  qemu_session.Stop();
  // What was recorded before a failure is kept.
  if (absl::Status w = (*writer)->WriteBatch(batch); !w.ok()) return Fail(streams, w);
  if (absl::Status w = (*writer)->Finish(); !w.ok()) return Fail(streams, w);
  if (!status.ok()) return Fail(streams, status);
  return kExitOk;
}

int RunAnalyze(const ParsedArgs& args, const Streams& streams) {
  const std::string format = args.Get("format", "text");
  if (format != "text" && format != "json") {
    return Fail(streams, absl::InvalidArgumentError(
                             absl::StrCat("--format: '", format, "' is neither text nor json")));
  }
  analyzer::AnalyzerOptions analyzer_options;
  absl::StatusOr<uint64_t> max = UnsignedFlag(args, "max-findings", 100);
  if (!max.ok()) return Fail(streams, max.status());
  absl::StatusOr<uint64_t> context = UnsignedFlag(args, "context", 3);
  if (!context.ok()) return Fail(streams, context.status());
  if (*context > 1000) {
    return Fail(streams, absl::InvalidArgumentError("--context: at most 1000 events"));
  }
  analyzer_options.max_findings_per_rule = *max;
  analyzer_options.context_before = static_cast<int>(*context);
  analyzer_options.context_after = static_cast<int>(*context);

  absl::StatusOr<trace::OpenedTrace> opened =
      trace::OpenTrace(args.operands[0], args.Get("from"), Progress(streams));
  if (!opened.ok()) return Fail(streams, opened.status());
  if (absl::Status merged = MergeRxPcap(args, *opened); !merged.ok()) {
    return Fail(streams, merged);
  }
  absl::StatusOr<sim::MachineOptions> options =
      MachineOptionsFrom(args, opened->source->header().machine(), streams);
  if (!options.ok()) return Fail(streams, options.status());
  absl::StatusOr<std::unique_ptr<sim::Machine>> machine = sim::BuildMachine(*options);
  if (!machine.ok()) return Fail(streams, machine.status());

  analyzer::RuleOptions rule_options;
  rule_options.divergence.ignore_devices = args.GetAll("ignore-device");
  for (const std::string& range : args.GetAll("ignore-port")) {
    absl::StatusOr<std::pair<uint32_t, uint32_t>> ports = ParsePortRange(range);
    if (!ports.ok()) return Fail(streams, ports.status());
    rule_options.divergence.ignore_ports.push_back(*ports);
  }
  analyzer::Analyzer analyzer(analyzer::CreateRules((*machine)->profile(), rule_options),
                              analyzer_options);
  sim::Replayer replayer(machine->get());
  absl::StatusOr<std::unique_ptr<PcapTap>> tap = Observe(args, replayer, &analyzer);
  if (!tap.ok()) return Fail(streams, tap.status());
  // On a bad input the report still covers everything before the error, then the error is
  // reported and the exit status is 2.
  absl::Status status = replayer.Run(*opened->source);
  if (*tap != nullptr) status.Update((*tap)->Finish());
  analyzer.Finish();
  const analyzer::Report report = analyzer::BuildReport(
      args.operands[0], opened->format, options->name, replayer.summary(), analyzer);
  if (format == "json") {
    absl::StatusOr<std::string> json = analyzer::FormatJsonReport(report);
    if (!json.ok()) return Fail(streams, json.status());
    PrintTo(streams.out, *json);
  } else {
    PrintTo(streams.out, analyzer::FormatTextReport(report));
  }
  if (!status.ok()) return Fail(streams, status);
  return analyzer.HasErrors() ? kExitFindings : kExitOk;
}

int RunQtest(const ParsedArgs& args, const Streams& streams) {
  absl::StatusOr<sim::MachineOptions> options = MachineOptionsFrom(args, "", streams);
  if (!options.ok()) return Fail(streams, options.status());
  absl::StatusOr<std::unique_ptr<sim::Machine>> machine = sim::BuildMachine(*options);
  if (!machine.ok()) return Fail(streams, machine.status());
  FILE* in = streams.in;
  std::unique_ptr<FILE, int (*)(FILE*)> file(nullptr, &std::fclose);
  if (!args.operands.empty() && args.operands[0] != "-") {
    file.reset(std::fopen(args.operands[0].c_str(), "rb"));
    if (file == nullptr) {
      return Fail(streams, absl::NotFoundError(absl::StrCat(
                               args.operands[0], ": cannot open: ", std::strerror(errno))));
    }
    in = file.get();
  }
  sim::QtestServer server(machine->get());
  std::string line;
  bool too_long = false;
  while (ReadLine(in, trace::kMaxQtestLineLength, &line, &too_long)) {
    std::optional<std::string> reply;
    if (too_long) {
      reply = absl::StrFormat("ERR request longer than %u bytes", trace::kMaxQtestLineLength);
    } else {
      reply = server.Handle(line);
    }
    if (!reply.has_value()) continue;
    reply->push_back('\n');
    PrintTo(streams.out, *reply);
    std::fflush(streams.out);
  }
  return kExitOk;
}

// convert to a Perfetto timeline: replay and analyze, writing as it goes.
int RunTimeline(const ParsedArgs& args, const Streams& streams) {
  const std::string& in_path = args.operands[0];
  absl::StatusOr<trace::OpenedTrace> opened =
      trace::OpenTrace(in_path, args.Get("from"), Progress(streams));
  if (!opened.ok()) return Fail(streams, opened.status());
  if (absl::Status merged = MergeRxPcap(args, *opened); !merged.ok()) {
    return Fail(streams, merged);
  }
  absl::StatusOr<sim::MachineOptions> options =
      MachineOptionsFrom(args, opened->source->header().machine(), streams);
  if (!options.ok()) return Fail(streams, options.status());
  absl::StatusOr<std::unique_ptr<sim::Machine>> machine = sim::BuildMachine(*options);
  if (!machine.ok()) return Fail(streams, machine.status());
  absl::StatusOr<std::unique_ptr<trace::ByteSink>> sink = trace::OpenFileSink(args.operands[1]);
  if (!sink.ok()) return Fail(streams, sink.status());

  // One observer feeding both the analyzer and the timeline.
  class Both : public sim::ReplayObserver {
   public:
    Both(sim::ReplayObserver* a, sim::ReplayObserver* b) : a_(a), b_(b) {}
    void OnEvent(const sim::ReplayedEvent& event) override {
      a_->OnEvent(event);
      b_->OnEvent(event);
    }

   private:
    sim::ReplayObserver* a_;
    sim::ReplayObserver* b_;
  };
  analyzer::Analyzer analyzer(analyzer::CreateRules((*machine)->profile()));
  analyzer::TimelineWriter timeline(sink->get(),
                                    absl::StrCat("portrace: ", in_path, " on ", options->name));
  Both both(&analyzer, &timeline);
  sim::Replayer replayer(machine->get());
  replayer.set_observer(&both);
  const absl::Status status = replayer.Run(*opened->source);
  analyzer.Finish();
  if (absl::Status written = timeline.Finish(analyzer); !written.ok()) {
    return Fail(streams, written);
  }
  if (!status.ok()) return Fail(streams, status);
  return kExitOk;
}

int RunConvert(const ParsedArgs& args, const Streams& streams) {
  const std::string& in_path = args.operands[0];
  const std::string& out_path = args.operands[1];
  if (args.Get("to") == "json" || (!args.Has("to") && absl::EndsWith(out_path, ".json"))) {
    return RunTimeline(args, streams);
  }
  absl::StatusOr<const trace::Exporter*> exporter = trace::ChooseExporter(out_path, args.Get("to"));
  if (!exporter.ok()) return Fail(streams, exporter.status());
  absl::StatusOr<trace::OpenedTrace> opened =
      trace::OpenTrace(in_path, args.Get("from"), Progress(streams));
  if (!opened.ok()) return Fail(streams, opened.status());
  if (absl::Status merged = MergeRxPcap(args, *opened); !merged.ok()) {
    return Fail(streams, merged);
  }
  absl::StatusOr<std::unique_ptr<trace::ByteSink>> sink = trace::OpenFileSink(out_path);
  if (!sink.ok()) return Fail(streams, sink.status());
  trace::TraceHeader header = opened->source->header();
  header.set_producer(absl::StrCat("portrace convert (from ", opened->format, ")"));
  absl::StatusOr<std::unique_ptr<trace::BatchWriter>> writer =
      (*exporter)->Create(sink->get(), header);
  if (!writer.ok()) return Fail(streams, writer.status());
  trace::EventBatch batch;
  absl::Status status;
  while (true) {
    absl::StatusOr<bool> have = opened->source->Next(&batch);
    if (!have.ok()) {
      status = have.status();
      break;
    }
    if (!*have) break;
    if (absl::Status written = (*writer)->WriteBatch(batch); !written.ok())
      return Fail(streams, written);
  }
  // Whatever was read before an input error is still written out.
  if (absl::Status finished = (*writer)->Finish(); !finished.ok()) return Fail(streams, finished);
  if (!status.ok()) return Fail(streams, status);
  return kExitOk;
}

}  // namespace

int RunPortrace(absl::Span<const char* const> args, const Streams& streams) {
  if (args.empty()) {
    PrintTo(streams.err, TopLevelUsage());
    return kExitUsage;
  }
  const absl::string_view command = args[0];
  if (command == "--help" || command == "-h" || command == "help") {
    PrintTo(streams.out, TopLevelUsage());
    return kExitOk;
  }
  for (const CommandSpec* spec : kCommands) {
    if (spec->name != command) continue;
    absl::StatusOr<ParsedArgs> parsed = ParseArgs(*spec, args.subspan(1));
    if (!parsed.ok()) return Fail(streams, parsed.status());
    if (parsed->help) {
      PrintTo(streams.out, Usage(*spec));
      return kExitOk;
    }
    if (spec == &kReplaySpec) return RunReplay(*parsed, streams);
    if (spec == &kAnalyzeSpec) return RunAnalyze(*parsed, streams);
    if (spec == &kQtestSpec) return RunQtest(*parsed, streams);
    if (spec == &kStatsSpec) return RunStats(*parsed, streams);
    if (spec == &kRecordSpec) return RunRecord(*parsed, streams);
    return RunConvert(*parsed, streams);
  }
  return Fail(streams, absl::InvalidArgumentError(
                           absl::StrCat("unknown command '", command, "' (try portrace --help)")));
}

}  // namespace portrace::cli
