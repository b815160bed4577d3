// The importer registry: every capture format portrace reads, listed in one place, and opening a
// trace file with its format given or sniffed from its first bytes.
#ifndef PORTRACE_TRACE_IMPORTERS_REGISTRY_H_
#define PORTRACE_TRACE_IMPORTERS_REGISTRY_H_

#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "trace/byte_source.h"
#include "trace/event_source.h"
#include "trace/importers/importer.h"

namespace portrace::trace {

// Every importer, in sniffing order (most specific first).
const std::vector<std::unique_ptr<Importer>>& Importers();
// Null if no importer has that name.
const Importer* FindImporter(absl::string_view name);

struct OpenedTrace {
  std::unique_ptr<EventSource> source;
  std::string format;  // importer name
};

// Opens `path` ("-" for standard input) with the importer named `from`, or the one whose Sniff
// accepts the first bytes when `from` is empty. Errors are one line naming the path:
// NotFound/PermissionDenied for unreadable files, InvalidArgument for an unknown --from or an
// input no importer recognises.
//
// `wrap`, if given, wraps the file's byte source before any importer reads it (a progress
// display, say).
using SourceWrapper =
    std::function<std::unique_ptr<ByteSource>(std::unique_ptr<ByteSource>, const std::string&)>;
absl::StatusOr<OpenedTrace> OpenTrace(const std::string& path, absl::string_view from,
                                      const SourceWrapper& wrap = nullptr);

}  // namespace portrace::trace

#endif  // PORTRACE_TRACE_IMPORTERS_REGISTRY_H_
