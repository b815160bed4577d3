#include "analyzer/describe.h"

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "trace/qtest_command.h"

namespace portrace::analyzer {
namespace {

std::string Printable(absl::string_view text, size_t limit) {
  std::string out;
  for (char c : text.substr(0, limit)) {
    if (c >= 0x20 && c < 0x7f) {
      out.push_back(c);
    } else {
      absl::StrAppendFormat(&out, "\\x%02x", static_cast<unsigned char>(c));
    }
  }
  if (text.size() > limit) out += "...";
  return out;
}

}  // namespace

std::string DescribeAccess(const trace::EventView& e) {
  switch (e.kind) {
    case trace::MEMORY_WRITE:  // the request without its data bytes
      return absl::StrFormat("write 0x%x 0x%x", e.address, e.value);
    case trace::MARKER:
      if (e.flags & trace::FLAG_QTEST) return Printable(e.blob, 120);
      return absl::StrCat("marker: ", Printable(e.blob, 120));
    case trace::NIC_RECEIVE:  // the request without its frame
      return absl::StrFormat("nic_rx %u (%u-byte frame)", e.aux, e.value);
    default: {
      // Accesses, fills, reads and time in qtest's spelling.
      std::string line = trace::FormatQtestLine(e);
      return line.empty() ? std::string("unknown event") : line;
    }
  }
}

std::string DescribeEvent(const sim::ReplayedEvent& r) {
  const trace::EventView& e = r.event;
  std::string text = DescribeAccess(e);
  if (!r.mapping.empty()) absl::StrAppend(&text, " [", r.mapping, "]");
  switch (e.kind) {
    case trace::PORT_READ:
    case trace::MMIO_READ:
      absl::StrAppendFormat(&text, " -> 0x%x", r.model_value);
      if (e.recorded()) {
        absl::StrAppendFormat(&text, r.diverged ? " (trace: 0x%x)" : " (as traced)", e.value);
      }
      break;
    case trace::MEMORY_READ:
      if (e.recorded())
        absl::StrAppend(&text, r.diverged ? " (differs from trace)" : " (as traced)");
      break;
    case trace::TIME_ADVANCE:
    case trace::TIME_SET:
      absl::StrAppendFormat(&text, " -> t=%uns", r.model_value);
      break;
    default:
      break;
  }
  return text;
}

}  // namespace portrace::analyzer
