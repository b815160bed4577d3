#include "trace/qtest_exchange.h"

#include <algorithm>

#include "absl/strings/ascii.h"
#include "absl/strings/escaping.h"
#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/strip.h"
#include "trace/qtest_command.h"

namespace portrace::trace {

void AppendQtestExchange(absl::string_view line, absl::string_view reply, BatchBuilder& builder) {
  absl::StatusOr<QtestRequest> parsed = ParseQtestLine(line);
  const bool nic_rx = parsed.ok() && parsed->op == QtestOp::kNicReceive;
  // A frame portrace's peer delivered arrived whatever the NIC did with it ("FAIL <nic> refused
  // the frame: ..."); only a peer that does not know nic_rx (QEMU) leaves it undelivered.
  const bool refused =
      nic_rx ? absl::StartsWith(reply, "FAIL Unknown command") || absl::StartsWith(reply, "ERR")
             : absl::StartsWith(reply, "FAIL") || absl::StartsWith(reply, "ERR");
  if (!parsed.ok() || refused || parsed->op == QtestOp::kClockStep ||
      parsed->op == QtestOp::kClockSet) {
    builder.Marker(line, FLAG_QTEST);
    if (!reply.empty()) builder.Annotate("qtest-reply", reply);
    return;
  }
  const QtestRequest& r = *parsed;
  absl::string_view value = reply;
  const bool ok = absl::ConsumePrefix(&value, "OK ");
  uint64_t number = 0;
  std::string bytes;
  if (r.op == QtestOp::kIn && ok && absl::SimpleHexAtoi(value, &number) &&
      number <= WidthMask(r.width)) {
    builder.PortReadRecorded(static_cast<uint16_t>(r.address), r.width, number);
  } else if (r.op == QtestOp::kMmioRead && ok && absl::SimpleHexAtoi(value, &number) &&
             number <= WidthMask(r.width)) {
    builder.MmioReadRecorded(r.address, r.width, number);
  } else if (r.op == QtestOp::kMemoryRead && ok && absl::ConsumePrefix(&value, "0x") &&
             value.size() == 2 * r.value &&
             std::all_of(value.begin(), value.end(), absl::ascii_isxdigit)) {
    builder.MemoryReadRecorded(r.address, absl::HexStringToBytes(value));
  } else if (r.op == QtestOp::kMemoryReadB64 && ok && absl::Base64Unescape(value, &bytes) &&
             bytes.size() == r.value) {
    builder.MemoryReadRecorded(r.address, bytes, FLAG_BASE64);
  } else {
    AppendQtestEvents(r, builder);
    // The peer's own words on an injected frame ("OK filtered", "FAIL ... refused ...").
    if (nic_rx && !reply.empty() && reply != "OK") builder.Annotate("qtest-reply", reply);
  }
  // Keep the request's own spelling when libqtest's differs, as scripts do.
  EventBatch alone;
  BatchBuilder alone_builder(&alone);
  AppendQtestEvents(r, alone_builder);
  BatchCursor cursor(alone);
  if (FormatQtestLine(cursor.Next()) != line) builder.Annotate("qtest", line);
}

std::string FormatQtestReply(const EventView& e) {
  switch (e.kind) {
    case PORT_WRITE:
    case MMIO_WRITE:
    case MEMORY_WRITE:
    case MEMORY_FILL:
    case NIC_RECEIVE:  // portrace's peer adds " filtered" when the NIC's filter dropped it
      return "OK";
    case PORT_READ:
      return e.recorded() ? absl::StrFormat("OK 0x%04x", e.value) : "";
    case MMIO_READ:
      return e.recorded() ? absl::StrFormat("OK 0x%016x", e.value) : "";
    case MEMORY_READ:
      if (!e.recorded()) return "";
      if (e.flags & FLAG_BASE64) return absl::StrCat("OK ", absl::Base64Escape(e.blob));
      return absl::StrCat("OK 0x", absl::BytesToHexString(e.blob));
    default:
      return "";
  }
}

}  // namespace portrace::trace
