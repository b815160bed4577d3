// The canonical portrace trace (trace_file.h) as an importer: sniffed by its magic.
#ifndef PORTRACE_TRACE_IMPORTERS_CANONICAL_IMPORTER_H_
#define PORTRACE_TRACE_IMPORTERS_CANONICAL_IMPORTER_H_

#include <memory>

#include "trace/importers/importer.h"

namespace portrace::trace {

std::unique_ptr<Importer> CreateCanonicalImporter();

}  // namespace portrace::trace

#endif  // PORTRACE_TRACE_IMPORTERS_CANONICAL_IMPORTER_H_
