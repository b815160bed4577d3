// One qtest request line, parsed the way QEMU's qtest server parses it (system/qtest.c):
// words split on single spaces, numbers through strtoul/strtoull with base 0 (0x.. hex,
// leading 0 octal, else decimal; a leading '-' wraps as strtoul does), `write` data decoded two
// hex digits at a time after skipping its first two characters. Where QEMU would abort on a bad
// argument (g_assert), this parser returns InvalidArgument instead; the qtest peer answers those
// with "ERR <message>". Unknown commands are NotFound with the message "Unknown command '<w0>'",
// which the peer answers with "FAIL ...", as QEMU does.
//
// The same parser feeds the qtest script importer (a line becomes trace events) and the qtest
// peer (a line becomes events executed at once), so the two can never disagree.
//
// portrace's dialect adds one command QEMU does not know (QEMU answers it "FAIL Unknown
// command"; the fidelity suite never sends it):
//   nic_rx INDEX 0xHEXBYTES   a frame arrives from the network at the machine's NIC INDEX (the
//                             machine's own NIC first, then each --nic in order, from 0) — a
//                             NIC_RECEIVE event. INDEX is a qtest number (0..255); the frame is
//                             1..65535 bytes as an even number of hex digits, "0x" optional.
//                             The peer answers OK (stored), OK filtered (the NIC's address filter
//                             dropped it) or FAIL <reason> (refused, or no such NIC).
// e.g. "nic_rx 0 0xffffffffffff525400123456080600010800060400015254001234560a000202".
#ifndef PORTRACE_TRACE_QTEST_COMMAND_H_
#define PORTRACE_TRACE_QTEST_COMMAND_H_

#include <cstdint>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "trace/event.h"
#include "trace/trace.pb.h"

namespace portrace::trace {

enum class QtestOp {
  kOut,             // outb/outw/outl ADDR VALUE
  kIn,              // inb/inw/inl ADDR
  kMmioWrite,       // writeb/writew/writel/writeq ADDR VALUE
  kMmioRead,        // readb/readw/readl/readq ADDR
  kMemoryRead,      // read ADDR SIZE          (hex reply)
  kMemoryReadB64,   // b64read ADDR SIZE       (base64 reply)
  kMemoryWrite,     // write ADDR SIZE 0xDATA
  kMemoryWriteB64,  // b64write ADDR SIZE B64DATA
  kMemset,          // memset ADDR SIZE VALUE
  kClockStep,       // clock_step [NS]
  kClockSet,        // clock_set NS
  kNoIo,            // endianness, irq_intercept_in/out, set_irq_in, module_load
  kNicReceive,      // nic_rx INDEX 0xHEXBYTES (portrace's extension)
};

// The command word of portrace's only qtest extension, and whether a command word is one of
// portrace's extensions (which a real QEMU must never be sent).
inline constexpr absl::string_view kNicReceiveCommand = "nic_rx";
bool IsPortraceQtestExtension(absl::string_view command);

struct QtestRequest {
  QtestOp op = QtestOp::kNoIo;
  std::string command;   // words[0], e.g. "outw"
  uint32_t width = 0;    // 1/2/4/8 for in/out/read*/write*, else 0
  uint64_t address = 0;  // port or guest-physical address
  // kOut/kMmioWrite: the value truncated to `width`; read/write/b64*/memset: the length;
  // kClockStep with an argument and kClockSet: nanoseconds (negative values become 0: virtual
  // time never moves backwards, and QEMU's clock warp ignores a target in the past).
  uint64_t value = 0;
  bool has_value = false;  // kClockStep: an explicit NS was given
  uint8_t fill = 0;        // kMemset: the byte
  uint32_t nic = 0;        // kNicReceive: the NIC index (value is the frame length)
  // kMemoryWrite/kMemoryWriteB64: the bytes the command supplies, at most `value` of them
  // (QEMU zero-fills the rest). kNicReceive: the frame, exactly `value` bytes.
  std::string data;
  std::vector<std::string> words;  // all words, for kNoIo commands
};

// Parses one line (without its '\n'; a trailing '\r' is ignored). Lengths above
// kMaxMemoryLength, ports above 0xffff and nic_rx frames that are empty, longer than
// kMaxNicFrameLength, odd or not hex, or name a NIC above kMaxNicIndex are InvalidArgument.
absl::StatusOr<QtestRequest> ParseQtestLine(absl::string_view line);

// Appends the trace events for `request` to `builder` (one event per request).
void AppendQtestEvents(const QtestRequest& request, BatchBuilder& builder);

// How a marker that is not a qtest command is written in a script: a comment QEMU never sees
// (scripts are fed to QEMU without their comments) that the script reader turns back into a
// MARKER event.
inline constexpr absl::string_view kMarkerPrefix = "# marker: ";

// Renders one event as a qtest line in libqtest's spelling ("outl 0xcf8 0x80000920",
// "write 0x2103 0x1 0x4e", "clock_step"), or "" for events qtest cannot express (a read of zero
// bytes, a clock value above INT64_MAX, an invalid width). MARKER events that are not FLAG_QTEST
// become "# marker: <text>" comments (newlines escaped). An empty `write`/`b64write` payload is
// printed as one zero byte ("0x00", "AA=="), since QEMU needs at least three characters of data.
// NIC_RECEIVE is "nic_rx INDEX 0x<hex>" ("" for an empty frame).
std::string FormatQtestLine(const EventView& event);

}  // namespace portrace::trace

#endif  // PORTRACE_TRACE_QTEST_COMMAND_H_
