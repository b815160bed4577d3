// qtest scripts (QtestScriptWriter) as an exporter (.qtest): replayable in QEMU with
// `qemu-system-x86_64 ... -qtest stdio < script`.
#ifndef PORTRACE_TRACE_EXPORTERS_QTEST_EXPORTER_H_
#define PORTRACE_TRACE_EXPORTERS_QTEST_EXPORTER_H_

#include <memory>

#include "trace/exporters/exporter.h"

namespace portrace::trace {

std::unique_ptr<Exporter> CreateQtestExporter();

}  // namespace portrace::trace

#endif  // PORTRACE_TRACE_EXPORTERS_QTEST_EXPORTER_H_
