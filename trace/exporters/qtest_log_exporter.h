// qtest logs (QEMU's -qtest-log form, formats.md §1) as an exporter (.qlog): each request as
// "[R +seconds] line" and its reply as "[S +seconds] reply", time being the trace's virtual time
// (time events are not written as requests: the timestamps carry them, at microsecond
// resolution).
// A read the trace recorded gets its value in the reply ("OK 0x0026"), so a qtest log exported
// from a capture and imported again keeps the capture's answers; a read whose value is unknown
// gets a bare "OK", which the importer reads back as unrecorded. IRQ markers ("irq raise 14")
// become "[S ...] IRQ raise 14" lines; other non-qtest markers have no qtest form and are left out.
#ifndef PORTRACE_TRACE_EXPORTERS_QTEST_LOG_EXPORTER_H_
#define PORTRACE_TRACE_EXPORTERS_QTEST_LOG_EXPORTER_H_

#include <memory>

#include "trace/exporters/exporter.h"

namespace portrace::trace {

std::unique_ptr<Exporter> CreateQtestLogExporter();

}  // namespace portrace::trace

#endif  // PORTRACE_TRACE_EXPORTERS_QTEST_LOG_EXPORTER_H_
