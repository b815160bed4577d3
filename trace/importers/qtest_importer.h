// qtest scripts (QEMU's qtest protocol requests, one per line; formats.md §1) as an importer.
// Sniffed by the first line that is neither blank nor a '#' comment starting with a qtest
// command word.
#ifndef PORTRACE_TRACE_IMPORTERS_QTEST_IMPORTER_H_
#define PORTRACE_TRACE_IMPORTERS_QTEST_IMPORTER_H_

#include <memory>

#include "trace/importers/importer.h"

namespace portrace::trace {

std::unique_ptr<Importer> CreateQtestImporter();

}  // namespace portrace::trace

#endif  // PORTRACE_TRACE_IMPORTERS_QTEST_IMPORTER_H_
