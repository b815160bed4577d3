#include "analyzer/trace_stats.h"

#include <array>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"

namespace portrace::analyzer {
namespace {

int WidthIndex(uint32_t width) { return width == 1 ? 0 : width == 2 ? 1 : 2; }

std::string Percent(uint64_t part, uint64_t whole) {
  if (whole == 0) return "0%";
  return absl::StrFormat("%.1f%%", 100.0 * static_cast<double>(part) / static_cast<double>(whole));
}

}  // namespace

void TraceStats::OnEvent(const sim::ReplayedEvent& event) {
  if (events_ == 0) first_ns_ = event.t_ns;
  ++events_;
  last_ns_ = event.t_ns;
  const trace::EventView& e = event.event;
  const std::string device = event.mapping.empty() ? "unclaimed" : std::string(event.mapping);
  switch (e.kind) {
    case trace::PORT_READ:
    case trace::PORT_WRITE: {
      const bool write = e.kind == trace::PORT_WRITE;
      DeviceCounts& d = devices_[device];
      ++(write ? d.ports.writes : d.ports.reads);
      d.ports.bytes += e.width;
      ++d.by_port[static_cast<uint32_t>(e.address)][write][WidthIndex(e.width)];
      break;
    }
    case trace::MMIO_READ:
    case trace::MMIO_WRITE: {
      DeviceCounts& d = devices_[device];
      ++(e.kind == trace::MMIO_WRITE ? d.mmio.writes : d.mmio.reads);
      d.mmio.bytes += e.width;
      break;
    }
    case trace::MEMORY_READ:
    case trace::MEMORY_WRITE:
    case trace::MEMORY_FILL: {
      DeviceCounts& d = devices_[device];
      ++(e.kind == trace::MEMORY_READ ? d.memory.reads : d.memory.writes);
      d.memory.bytes += e.value;
      break;
    }
    case trace::TIME_ADVANCE:
    case trace::TIME_SET:
      ++time_events_;
      last_ns_ = event.model_value;  // the clock after the event
      break;
    case trace::MARKER:
      ++markers_;
      break;
    case trace::NIC_RECEIVE: {
      DeviceCounts& d = devices_[device];
      ++d.frames;
      d.frame_bytes += e.value;
      break;
    }
    default:
      break;
  }
}

std::string TraceStats::Format(absl::string_view trace, absl::string_view machine) const {
  uint64_t reads = 0, writes = 0;
  for (const auto& [name, d] : devices_) {
    reads += d.ports.reads + d.mmio.reads + d.memory.reads;
    writes += d.ports.writes + d.mmio.writes + d.memory.writes;
  }
  std::string out = absl::StrFormat(
      "%s on %s: %u events, %u time events, %u markers\n"
      "time span   %u ns .. %u ns (%u ns)\n"
      "accesses    %u reads (%s), %u writes (%s)\n\n",
      trace, machine, events_, time_events_, markers_, first_ns_, last_ns_, last_ns_ - first_ns_,
      reads, Percent(reads, reads + writes), writes, Percent(writes, reads + writes));
  absl::StrAppendFormat(&out, "%-22s %10s %10s %10s %10s %10s %10s\n", "device", "port rd",
                        "port wr", "mmio rd", "mmio wr", "mem rd", "mem wr");
  for (const auto& [name, d] : devices_) {
    absl::StrAppendFormat(&out, "%-22s %10u %10u %10u %10u %10u %10u\n", name, d.ports.reads,
                          d.ports.writes, d.mmio.reads, d.mmio.writes, d.memory.reads,
                          d.memory.writes);
  }
  bool any_frames = false;
  for (const auto& [name, d] : devices_) any_frames |= d.frames > 0;
  if (any_frames) {
    out += "\nframes injected (nic_rx):\n";
    for (const auto& [name, d] : devices_) {
      if (d.frames == 0) continue;
      absl::StrAppendFormat(&out, "  %-20s %u frames, %u bytes\n", name, d.frames, d.frame_bytes);
    }
  }
  out += "\nports (reads/writes by width b/w/l):\n";
  for (const auto& [name, d] : devices_) {
    for (const auto& [port, counts] : d.by_port) {
      std::string widths;
      const char letters[] = {'b', 'w', 'l'};
      for (int dir = 0; dir < 2; ++dir) {
        for (int w = 0; w < 3; ++w) {
          if (counts[dir][w] == 0) continue;
          absl::StrAppendFormat(&widths, " %s%c x%u", dir == 0 ? "in" : "out", letters[w],
                                counts[dir][w]);
        }
      }
      absl::StrAppendFormat(&out, "  0x%04x %-20s%s\n", port, name, widths);
    }
  }
  return out;
}

}  // namespace portrace::analyzer
