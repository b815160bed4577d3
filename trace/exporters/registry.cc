#include "trace/exporters/registry.h"

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "trace/exporters/canonical_exporter.h"
#include "trace/exporters/listing_exporter.h"
#include "trace/exporters/qtest_exporter.h"
#include "trace/exporters/qtest_log_exporter.h"

namespace portrace::trace {
namespace {

std::vector<std::unique_ptr<Exporter>> MakeExporters() {
  std::vector<std::unique_ptr<Exporter>> exporters;
  exporters.push_back(CreateCanonicalExporter());
  exporters.push_back(CreateQtestExporter());
  exporters.push_back(CreateQtestLogExporter());
  exporters.push_back(CreateListingExporter());
  return exporters;
}

std::string Choices() {
  std::vector<std::string> choices;
  for (const auto& exporter : Exporters()) {
    choices.push_back(
        absl::StrCat(exporter->name(), " (", absl::StrJoin(exporter->extensions(), " "), ")"));
  }
  return absl::StrJoin(choices, ", ");
}

}  // namespace

const std::vector<std::unique_ptr<Exporter>>& Exporters() {
  static const auto* const exporters = new std::vector<std::unique_ptr<Exporter>>(MakeExporters());
  return *exporters;
}

absl::StatusOr<const Exporter*> ChooseExporter(absl::string_view path, absl::string_view to) {
  for (const auto& exporter : Exporters()) {
    if (!to.empty()) {
      if (exporter->name() == to) return exporter.get();
      continue;
    }
    for (absl::string_view extension : exporter->extensions()) {
      if (absl::EndsWith(path, extension)) return exporter.get();
    }
  }
  if (!to.empty()) {
    return absl::InvalidArgumentError(
        absl::StrCat("unknown output format '", to, "' (known: ", Choices(), ")"));
  }
  return absl::InvalidArgumentError(absl::StrCat("cannot tell the output format from '", path,
                                                 "'; use --to (known: ", Choices(), ")"));
}

}  // namespace portrace::trace
