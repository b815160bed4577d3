// Builds the analyzer's Report (report.proto) from a replay and an analysis, and prints it as
// text for people or JSON for machines. Output is deterministic: findings are ordered by
// severity, rule id and event index, never by hash or address.
#ifndef PORTRACE_ANALYZER_REPORT_H_
#define PORTRACE_ANALYZER_REPORT_H_

#include <string>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "analyzer/analyzer.h"
#include "analyzer/report.pb.h"
#include "sim/replay.h"

namespace portrace::analyzer {

using report::ReplayStats;
using report::Report;

ReplayStats ToReplayStats(const sim::ReplaySummary& summary);

Report BuildReport(absl::string_view trace, absl::string_view format, absl::string_view machine,
                   const sim::ReplaySummary& summary, const Analyzer& analyzer);

// Grouped by rule, most severe first, each finding with its context.
std::string FormatTextReport(const Report& report);

// One JSON object, pretty-printed, field names as in report.proto.
absl::StatusOr<std::string> FormatJsonReport(const Report& report);

// The replay summary `portrace replay` prints, with at most `max_output_lines` of the guest's
// output (log lines).
std::string FormatReplaySummary(absl::string_view trace, absl::string_view machine,
                                const ReplayStats& stats, int max_output_lines = 200);

}  // namespace portrace::analyzer

#endif  // PORTRACE_ANALYZER_REPORT_H_
