// xentrace binary files (formats.md §4) as an importer: the HVM port I/O records of a Xen host
// trace (`xentrace -e 0x0008f000 out.bin`) become port accesses.
//
// File. A stream of little-endian t_rec records, each a u32 header
// (event:28 | extra_u32:3 | cycles_included:1), an optional u64 TSC and 0-7 extra u32 words.
// xentrace writes it in windows: a cpu_change record (header 0x2001f003: TRC_TRACE_CPU_CHANGE with
// two words, pCPU and window size in bytes) followed by exactly that many bytes of that pCPU's
// records. The reader holds the windows to that: a file must start with a cpu_change record, each
// window must end on a record boundary with the next cpu_change record, and a file that ends
// inside a window or a record is truncated (DataLoss, with the byte offset). Malformed records
// are InvalidArgument with the offset. Memory is one 64 KiB read block; nothing is buffered per
// window.
//
// Records read:
//   TRC_HVM_IOPORT_READ 0x00082016 / WRITE 0x00082216 (Xen 4, emulate.c)  [port, data]
//     with TRC_64_FLAG (0x100)            [port lo, port hi, data lo(, data hi)]
//     rep string I/O (data in guest RAM)  [port] or [port lo, port hi]: one access, flagged
//                                         FLAG_STRING_IO, value unknown (the count is not traced)
//   TRC_HVM_IO_READ 0x00082006 / WRITE 0x00082007 (Xen 3.x, at the exit)  [port, size(, value)]
//     Xen 3.x's TRC_HVM_IO_ASSIST shares 0x00082016 and carries [data] of the read in flight; once
//     a 3.x IO record has been seen, a one-word 0x00082016 record is taken as that and the pending
//     read becomes a recorded one. A read whose IO_ASSIST does not follow before the next I/O
//     record or the end of its window (handled inside Xen, or completed on another pCPU) stays
//     unrecorded.
//   TRC_LOST_RECORDS 0x0001f001 becomes a marker: replay after a gap cannot be faithful.
// Every other record is skipped by its length.
//
// Order: file order. Xen traces a write before dispatch and a read at completion (reads carry the
// value the guest received and become recorded reads), so within a window records are in the
// order the guest saw them. Windows of different pCPUs interleave as xentrace drained the
// buffers; a vCPU that moved between pCPUs within one drain period may appear out of order.
// Sorting by TSC would need the whole file (or an unbounded reorder buffer); the pCPU is kept as
// a "pcpu" annotation on the first access after it changes, so such spots are visible. The
// records do not name the domain: a host trace mixes every HVM guest's I/O, so capture with one
// HVM guest running.
//
// Widths: the IOPORT records have no size field (the ioreq's size is not traced). The width is
// the smallest of 1, 2, 4 bytes that holds the data, raised to the register's architectural width
// for the few ports that have exactly one (0xcf8 is only CONFIG_ADDRESS as a dword; the ATA data
// registers 0x1f0/0x170 are 16-bit). For writes this is exact or too narrow (Xen copies exactly
// `size` bytes into a zeroed word), for reads of unclaimed ports Xen returns all ones in 32 bits
// and the guess is 4. Every such access is annotated "width-guessed" with the rule that chose it.
// Registers whose meaning depends on the width (the Xen platform ports 0x10/0x12: word unplug
// mask versus dword build number, byte log versus word product number) cannot be told apart by
// data alone, so protocol findings on those ports from a xentrace import need that caveat.
// Xen 3.x IO records carry the size and are exact.
//
// Time: TSC values of records that carry one (VMEXIT and friends; the I/O records themselves do
// not) give the time: the first TSC is time 0 and each access is preceded by TIME_ADVANCE to the
// largest TSC seen so far, converted at kXentraceAssumedTscHz. The file does not record the TSC
// frequency; the default is xenalyze's (--cpu-hz, 2.4 GHz), so replay stays deterministic, and
// the header's metadata says it was assumed.
#ifndef PORTRACE_TRACE_IMPORTERS_XENTRACE_IMPORTER_H_
#define PORTRACE_TRACE_IMPORTERS_XENTRACE_IMPORTER_H_

#include <cstdint>
#include <memory>

#include "trace/importers/importer.h"

namespace portrace::trace {

inline constexpr uint64_t kXentraceAssumedTscHz = 2400000000;

std::unique_ptr<Importer> CreateXentraceImporter();

}  // namespace portrace::trace

#endif  // PORTRACE_TRACE_IMPORTERS_XENTRACE_IMPORTER_H_
