#include "analyzer/describe.h"

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"

namespace portrace::analyzer {
namespace {

char WidthLetter(uint32_t width, bool port) {
  switch (width) {
    case 1:
      return 'b';
    case 2:
      return 'w';
    case 4:
      return 'l';
    case 8:
      return port ? '?' : 'q';
    default:
      return '?';
  }
}

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
    case trace::PORT_READ:
      return absl::StrFormat("in%c 0x%x", WidthLetter(e.width, true), e.address);
    case trace::PORT_WRITE:
      return absl::StrFormat("out%c 0x%x 0x%x", WidthLetter(e.width, true), e.address, e.value);
    case trace::MMIO_READ:
      return absl::StrFormat("read%c 0x%x", WidthLetter(e.width, false), e.address);
    case trace::MMIO_WRITE:
      return absl::StrFormat("write%c 0x%x 0x%x", WidthLetter(e.width, false), e.address, e.value);
    case trace::MEMORY_WRITE:
      return absl::StrFormat("write 0x%x 0x%x", e.address, e.value);
    case trace::MEMORY_FILL:
      return absl::StrFormat("memset 0x%x 0x%x 0x%x", e.address, e.value, e.aux);
    case trace::MEMORY_READ:
      return absl::StrFormat("read 0x%x 0x%x", e.address, e.value);
    case trace::TIME_ADVANCE:
      if (e.flags & trace::FLAG_TO_DEADLINE) return "clock_step";
      return absl::StrFormat("clock_step %u", e.value);
    case trace::TIME_SET:
      return absl::StrFormat("clock_set %u", e.value);
    case trace::MARKER:
      if (e.flags & trace::FLAG_QTEST) return Printable(e.blob, 120);
      return absl::StrCat("marker: ", Printable(e.blob, 120));
    default:
      return "unknown event";
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
