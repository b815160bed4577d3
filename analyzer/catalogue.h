// The one catalogue of finding ids: every finding portrace can report, with its default severity
// and a one-line description. Ids are stable (users put them in suppression lists and CI
// scripts): `family.kebab-case-what`. Rules emit only ids listed here.
#ifndef PORTRACE_ANALYZER_CATALOGUE_H_
#define PORTRACE_ANALYZER_CATALOGUE_H_

#include "absl/strings/string_view.h"
#include "absl/types/span.h"

namespace portrace::analyzer {

enum class Severity { kInfo = 0, kWarning = 1, kError = 2 };

absl::string_view SeverityName(Severity severity);  // "info", "warning", "error"

struct FindingType {
  absl::string_view id;
  Severity severity;
  absl::string_view description;
};

// All finding types, sorted by id.
absl::Span<const FindingType> Catalogue();
// Null if `id` is not in the catalogue.
const FindingType* FindFindingType(absl::string_view id);

}  // namespace portrace::analyzer

#endif  // PORTRACE_ANALYZER_CATALOGUE_H_
