// The exporter registry: every output format `portrace convert` writes, listed in one place.
#ifndef PORTRACE_TRACE_EXPORTERS_REGISTRY_H_
#define PORTRACE_TRACE_EXPORTERS_REGISTRY_H_

#include <memory>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "trace/exporters/exporter.h"

namespace portrace::trace {

const std::vector<std::unique_ptr<Exporter>>& Exporters();

// The exporter named `to`, or, when `to` is empty, the one owning `path`'s extension.
// InvalidArgument listing the choices otherwise.
absl::StatusOr<const Exporter*> ChooseExporter(absl::string_view path, absl::string_view to);

}  // namespace portrace::trace

#endif  // PORTRACE_TRACE_EXPORTERS_REGISTRY_H_
