// QEMU trace logs (the "log" trace backend, `-trace ... -D FILE`; formats.md §2) as an importer.
// Four events carry guest accesses:
//
//   memory_region_ops_read  cpu 0 mr 0x55d1 addr 0x71 value 0x26 size 1 name 'rtc'
//   memory_region_ops_write cpu 0 mr 0x55d1 addr 0xb8000 value 0x41 size 1 name 'vga-lowmem'
//   cpu_in  addr 0x71(b) value 38        (port in hex, value in decimal, size b/w/l)
//   cpu_out addr 0x3f8(b) value 65
//
// memory_region_ops_* fields are taken in QEMU's order; `cpu` and `mr` may be missing (proposed
// and very old layouts), `name` is missing before QEMU 8.0, hex may lack "0x" (old "%#" formats
// print 0 as "0"). Each line may carry one of the prefixes QEMU has printed:
//
//   719585@1608130130.441188:memory_region_ops_read ...     PID@SEC.USEC: (up to ~2022, and
//                                                           later with -msg timestamp=on)
//   memory_region_ops_read ...                              bare
//   2025-01-02T03:04:05.678901Z memory_region_ops_read ...  ISO 8601, util/message.c with
//                                                           -msg timestamp=on (UTC "Z" or ±HH:MM)
//
// and after the ISO timestamp (or on a bare line) the rest of QEMU's newest message context:
// "[workload] ", "program: ", "(tid:thread): ".
//
// Events:
//  * Reads carry the value the device returned: PORT_READ/MMIO_READ with FLAG_RECORDED, so a
//    replay compares portrace's devices with QEMU's. memory_region_ops_read traces that value
//    before QEMU cuts it to the access size (unassigned I/O returns all ones in 64 bits, PCI
//    config data 0xffffffff to a 2-byte read), so a read keeps the low `size` bytes, which is
//    what the guest got.
//  * Port or MMIO: cpu_in/cpu_out are ports. A memory_region_ops access at or above 0x10000 is
//    MMIO; below, it is a port unless its region name is a memory region's (IsMemoryRegionName):
//    the log does not say which address space a region is in, and on a PC nothing but port I/O
//    regions sits below 0x10000 in practice (RAM there is not traced).
//  * Region names become annotations ("region"), run-length coded per batch: an access is
//    annotated when its name differs from the previous access's in the same batch, and the first
//    named access of every batch is annotated. So an access's region is the text of the last
//    "region" annotation at or before it in its batch ("" or none: no name). Each batch stands
//    alone and the SeaBIOS capture needs one annotation per ~20 accesses.
//  * An access with `cpu -1` (no vCPU: a device's DMA or MSI write) is also annotated "cpu" "-1".
//  * Time: with timestamped prefixes, TIME_ADVANCE by each increase over the latest timestamp
//    seen (ns; the first access line starts the clock at 0). Without timestamps, no time events.
//
// Other lines (other trace events such as ide_ioport_write, QEMU's own messages, blank lines)
// are skipped; the non-blank ones are counted in the header metadata "skipped-lines", which is
// final once the stream has ended. A line that starts like one of the four events but does not
// parse, a malformed PID@/ISO prefix, or a NUL byte is InvalidArgument "<file>:<line>: ...".
// Sizes other than 1/2/4/8, port accesses of size 8 or above 0xffff, and written (or cpu_in)
// values wider than the size are errors too. Lines are streamed (LineReader, 64 KiB per line at
// most); xz-compressed logs are decompressed on the fly.
//
// Sniffing: the importer claims an input when a line in its first 4 KiB (decompressed, for .xz)
// is one of the four events. A log with both cpu_* and memory_region_ops_* enabled lists qtest's
// port accesses twice (once per event); nothing merges them.
#ifndef PORTRACE_TRACE_IMPORTERS_QEMU_TRACE_IMPORTER_H_
#define PORTRACE_TRACE_IMPORTERS_QEMU_TRACE_IMPORTER_H_

#include <cstddef>
#include <memory>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "trace/byte_source.h"
#include "trace/event_source.h"
#include "trace/importers/importer.h"

namespace portrace::trace {

std::unique_ptr<Importer> CreateQemuTraceImporter();

struct QemuTraceOptions {
  // Batches end at the first access that reaches this many events (a batch may be one larger:
  // an access and its TIME_ADVANCE go together).
  int events_per_batch = 16384;
  size_t max_line = 64 << 10;
};

// What CreateQemuTraceImporter()->Open does, with chosen options (tests and fuzzing).
absl::StatusOr<std::unique_ptr<EventSource>> OpenQemuTraceLog(std::unique_ptr<ByteSource> source,
                                                              const QemuTraceOptions& options);

// Whether a MemoryRegion name names guest memory (RAM, ROM, flash, MMIO such as the LAPIC's
// "apic-msi"), so that an access below 0x10000 through it is MMIO, not a port. The table is in
// the .cc; it holds no name of an I/O port region QEMU's pc machine registers.
bool IsMemoryRegionName(absl::string_view name);

// Whether a region's MemoryRegionOps are big-endian (fw_cfg's DMA register): memory_region_ops_*
// trace its values byte-swapped from what the guest wrote or read, so the importer swaps them
// back and the trace holds the CPU's view, as every other source does.
bool IsBigEndianRegionName(absl::string_view name);

inline constexpr absl::string_view kSkippedLinesKey = "skipped-lines";

}  // namespace portrace::trace

#endif  // PORTRACE_TRACE_IMPORTERS_QEMU_TRACE_IMPORTER_H_
