// qtest logs (QEMU's -qtest-log, formats.md §1) as an importer:
//   [I 0.000000] OPENED
//   [R +0.023386] inb 0x71          a request, as QEMU received it
//   [S +0.023416] OK 0x0026          its reply
//   [S +0.023420] IRQ raise 14       an asynchronous line (not a reply)
//   [I +1.234567] CLOSED
// Fuzzer logs may prefix tags such as "[DMA]" or "[DOUBLE-FETCH]"; they are dropped.
//
// Each request becomes its trace event; a read's "OK <value>" reply becomes its recorded value
// (port, MMIO, and `read`/`b64read` bytes), so replaying the log compares portrace with the QEMU
// that wrote it. The request timestamps become time (TIME_ADVANCE by the difference, in ns).
// clock_step/clock_set, whose effect the timestamps already carry, and requests QEMU refused
// (FAIL/ERR replies) are kept as qtest markers; IRQ lines become markers ("irq raise 14").
#ifndef PORTRACE_TRACE_IMPORTERS_QTEST_LOG_IMPORTER_H_
#define PORTRACE_TRACE_IMPORTERS_QTEST_LOG_IMPORTER_H_

#include <memory>

#include "trace/importers/importer.h"

namespace portrace::trace {

std::unique_ptr<Importer> CreateQtestLogImporter();

}  // namespace portrace::trace

#endif  // PORTRACE_TRACE_IMPORTERS_QTEST_LOG_IMPORTER_H_
