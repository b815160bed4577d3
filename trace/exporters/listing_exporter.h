// A text listing (.txt): one line per event — index, virtual time, the request in qtest's
// spelling and, for reads the trace recorded, the value — for people reading a capture.
//   #12      t=1500ns      inb 0x71 = 0x26
#ifndef PORTRACE_TRACE_EXPORTERS_LISTING_EXPORTER_H_
#define PORTRACE_TRACE_EXPORTERS_LISTING_EXPORTER_H_

#include <memory>

#include "trace/exporters/exporter.h"

namespace portrace::trace {

std::unique_ptr<Exporter> CreateListingExporter();

}  // namespace portrace::trace

#endif  // PORTRACE_TRACE_EXPORTERS_LISTING_EXPORTER_H_
