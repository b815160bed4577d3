// The canonical trace (trace_file.h), zstd-compressed, as an exporter (.trace).
#ifndef PORTRACE_TRACE_EXPORTERS_CANONICAL_EXPORTER_H_
#define PORTRACE_TRACE_EXPORTERS_CANONICAL_EXPORTER_H_

#include <memory>

#include "trace/exporters/exporter.h"

namespace portrace::trace {

std::unique_ptr<Exporter> CreateCanonicalExporter();

}  // namespace portrace::trace

#endif  // PORTRACE_TRACE_EXPORTERS_CANONICAL_EXPORTER_H_
