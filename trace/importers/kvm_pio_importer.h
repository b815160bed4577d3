// Linux KVM `kvm_pio` tracepoint output (formats.md §3) as an importer. Three text renderings of
// the same event are read, in any mix (the real lines quoted in formats.md, cut at 100 columns):
//   ftrace       CPU 36/KVM-2063    [097] ..... 1466862.728737: kvm_pio: pio_write at 0x3f8 ...
//   trace-cmd     qemu-system-x86-6660  [007]   398.691441: kvm_pio:              pio_read at ...
//   perf script  qemu-system-x86 10042 [000] 313831.754508: kvm:kvm_pio: pio_read at 0x3fd ...
// and a bare "kvm_pio: pio_read at 0xc13e size 2 count 1" (the event text alone). A line's event is
// the first "<sec.usec>: <name>:" pair on it, so thread names may hold spaces. Lines of other
// events (kvm_exit, kvm_userspace_exit, ...), '#' headers and trace-cmd's "cpus=4"-style headers
// are skipped; a kvm_pio line that does not parse is an error "<file>:<line>: ...". Ftrace's
// "CPU:3 [LOST 120 EVENTS]" lines become markers: replay after a gap cannot be faithful.
//
// Fields: "pio_read|pio_write at 0x<port> size <1|2|4> count <n> val 0x<first element>" plus
// "(...)" when count > 1. Kernels before about 2019 print no val (and no "(...)"); the count may
// be missing in hand-cut lines and then is 1.
//
// Order. Events are emitted in line order, which is completion order: KVM traces an OUT at the
// exit, before anyone handles it, and an IN when it completes (complete_emulator_pio_in(), after
// userspace filled in the data, or at once for in-kernel devices). So on each vCPU the line order
// is the order in which the guest observed its accesses, and val of an IN is the value the guest
// received: it becomes a recorded read (PortReadRecorded). Lines of several vCPUs are merged by
// the tracer in timestamp order; replay is sequential, so that merge is the order replayed. The
// vCPU thread ("CPU 36/KVM-2063", perf's "qemu-system-x86 10042") is kept as a "thread"
// annotation on the first access after it changes; a reader who sees two threads knows the
// interleaving is the tracer's.
//
// String I/O (count > 1, rep ins/outs). The line carries the first element's value only. It
// becomes `count` accesses flagged FLAG_STRING_IO, the first annotated "string-io" ("count N").
//   reads:  the first is recorded with val; the others are unrecorded reads (replay supplies
//           their values and compares nothing);
//   writes: every element is emitted, since a device's state machine (an ATA sector buffer, a
//           FIFO) depends on how many writes it saw; elements 2..N repeat the first value and are
//           annotated "value-unknown". Repeating is a guess and says so; dropping them would
//           silently desynchronise the device, and zero is no better a guess.
// A count above kMaxKvmPioCount is an error (KVM itself never traces more than a page of data per
// exit); the elements are produced lazily across batches, so a large count never costs more than
// one batch of memory. Without val (old kernels) reads are unrecorded and writes are emitted with
// value 0, annotated "value-unknown".
//
// Time: the first timestamped kvm_pio line is time 0 (its host timestamp is kept as a
// "host-time" annotation); each later timestamp that moves forward becomes TIME_ADVANCE by the
// difference in ns. Timestamps never move time backwards.
#ifndef PORTRACE_TRACE_IMPORTERS_KVM_PIO_IMPORTER_H_
#define PORTRACE_TRACE_IMPORTERS_KVM_PIO_IMPORTER_H_

#include <cstddef>
#include <cstdint>
#include <memory>

#include "trace/importers/importer.h"

namespace portrace::trace {

// Largest `count` a kvm_pio line may carry.
inline constexpr uint32_t kMaxKvmPioCount = 1u << 20;
// Longest line accepted (any event's line): ftrace lines are bounded by a page.
inline constexpr size_t kMaxKvmPioLineLength = 64u << 10;

std::unique_ptr<Importer> CreateKvmPioImporter();

}  // namespace portrace::trace

#endif  // PORTRACE_TRACE_IMPORTERS_KVM_PIO_IMPORTER_H_
