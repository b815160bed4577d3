#include "analyzer/report.h"

#include <algorithm>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "google/protobuf/util/json_util.h"

namespace portrace::analyzer {
namespace {

using report::ContextEvent;
using report::DeviceEventCount;
using report::RuleSummary;

uint64_t U(double value) { return static_cast<uint64_t>(value); }

std::string Plural(uint64_t n, absl::string_view one, absl::string_view many) {
  return absl::StrCat(n, " ", n == 1 ? one : many);
}

}  // namespace

ReplayStats ToReplayStats(const sim::ReplaySummary& s) {
  ReplayStats stats;
  stats.set_events(s.events);
  stats.set_port_reads(s.port_reads);
  stats.set_port_writes(s.port_writes);
  stats.set_mmio_reads(s.mmio_reads);
  stats.set_mmio_writes(s.mmio_writes);
  stats.set_memory_ops(s.memory_ops);
  stats.set_time_events(s.time_events);
  stats.set_markers(s.markers);
  stats.set_recorded_reads(s.recorded_reads);
  stats.set_divergent_reads(s.divergent_reads);
  stats.set_untimed_clock_reads(s.untimed_clock_reads);
  stats.set_unclaimed(s.unclaimed);
  stats.set_bad_width(s.bad_width);
  stats.set_straddle(s.straddle);
  stats.set_denied(s.denied);
  stats.set_end_ns(s.end_ns);
  stats.set_stalled_ns(s.stalled_ns);
  for (const std::string& line : s.output_lines) stats.add_output_lines(line);
  stats.set_output_lines_dropped(s.output_lines_dropped);
  stats.set_frames_injected(s.frames_injected);
  stats.set_frames_stored(s.frames_stored);
  stats.set_frames_filtered(s.frames_filtered);
  stats.set_frames_refused(s.frames_refused);
  for (const auto& [key, count] : s.device_events) {
    DeviceEventCount* c = stats.add_device_events();
    c->set_device(key.first);
    c->set_kind(key.second);
    c->set_count(count);
  }
  return stats;
}

Report BuildReport(absl::string_view trace, absl::string_view format, absl::string_view machine,
                   const sim::ReplaySummary& summary, const Analyzer& analyzer) {
  Report report;
  report.set_trace(std::string(trace));
  report.set_format(std::string(format));
  report.set_machine(std::string(machine));
  *report.mutable_replay() = ToReplayStats(summary);

  std::vector<const Tally*> tallies;
  for (const auto& [id, tally] : analyzer.tallies()) tallies.push_back(&tally);
  std::stable_sort(tallies.begin(), tallies.end(), [](const Tally* a, const Tally* b) {
    return a->type->severity > b->type->severity;
  });
  uint64_t by_severity[3] = {0, 0, 0};
  for (const Tally* tally : tallies) {
    RuleSummary* rule = report.add_rules();
    rule->set_rule(std::string(tally->type->id));
    rule->set_severity(std::string(SeverityName(tally->type->severity)));
    rule->set_description(std::string(tally->type->description));
    rule->set_occurrences(tally->occurrences);
    rule->set_findings(tally->findings);
    rule->set_suppressed(tally->suppressed);
    by_severity[static_cast<int>(tally->type->severity)] += tally->occurrences;
  }
  report.set_errors(by_severity[static_cast<int>(Severity::kError)]);
  report.set_warnings(by_severity[static_cast<int>(Severity::kWarning)]);
  report.set_infos(by_severity[static_cast<int>(Severity::kInfo)]);

  std::vector<const Finding*> findings;
  for (const Finding& f : analyzer.findings()) findings.push_back(&f);
  std::stable_sort(findings.begin(), findings.end(), [](const Finding* a, const Finding* b) {
    if (a->severity != b->severity) return a->severity > b->severity;
    if (a->type->id != b->type->id) return a->type->id < b->type->id;
    return a->event < b->event;
  });
  for (const Finding* f : findings) {
    report::Finding* out = report.add_findings();
    out->set_rule(std::string(f->type->id));
    out->set_severity(std::string(SeverityName(f->severity)));
    out->set_event(f->event);
    out->set_t_ns(f->t_ns);
    out->set_message(f->message);
    out->set_occurrences(f->occurrences);
    out->set_last_event(f->last_event);
    for (const ContextLine& line : f->context) {
      ContextEvent* c = out->add_context();
      c->set_event(line.event);
      c->set_t_ns(line.t_ns);
      c->set_text(line.text);
    }
  }
  return report;
}

std::string FormatReplaySummary(absl::string_view trace, absl::string_view machine,
                                const ReplayStats& s, int max_output_lines) {
  std::string out =
      absl::StrFormat("%s replayed on %s: %s in %u ns of virtual time\n", trace, machine,
                      Plural(U(s.events()), "event", "events"), U(s.end_ns()));
  absl::StrAppendFormat(&out, "  port I/O     %u reads, %u writes\n", U(s.port_reads()),
                        U(s.port_writes()));
  absl::StrAppendFormat(&out, "  MMIO         %u reads, %u writes\n", U(s.mmio_reads()),
                        U(s.mmio_writes()));
  absl::StrAppendFormat(&out, "  memory       %u operations\n", U(s.memory_ops()));
  absl::StrAppendFormat(&out, "  time/markers %u time events, %u markers\n", U(s.time_events()),
                        U(s.markers()));
  absl::StrAppendFormat(&out, "  recorded     %u reads with a recorded value, %u diverge",
                        U(s.recorded_reads()), U(s.divergent_reads()));
  if (s.untimed_clock_reads() > 0) {
    absl::StrAppendFormat(&out, " (%u of them depend on time the trace does not carry)",
                          U(s.untimed_clock_reads()));
  }
  out += "\n";
  absl::StrAppendFormat(&out,
                        "  anomalies    %u unclaimed, %u bad width, %u straddling, %u denied\n",
                        U(s.unclaimed()), U(s.bad_width()), U(s.straddle()), U(s.denied()));
  if (s.frames_injected() > 0) {
    absl::StrAppendFormat(&out, "  nic rx       %s injected: %u stored, %u filtered, %u refused\n",
                          Plural(U(s.frames_injected()), "frame", "frames"), U(s.frames_stored()),
                          U(s.frames_filtered()), U(s.frames_refused()));
  }
  for (const DeviceEventCount& c : s.device_events()) {
    absl::StrAppendFormat(&out, "  device       %s %s x%u\n", c.device(), c.kind(), U(c.count()));
  }
  if (s.stalled_ns() > 0) {
    absl::StrAppendFormat(&out,
                          "  stalled      the guest's vCPU was held for %u ns (%.3f s) of it\n",
                          U(s.stalled_ns()), s.stalled_ns() / 1e9);
  }
  const uint64_t lines = s.output_lines_size() + U(s.output_lines_dropped());
  if (lines > 0) {
    absl::StrAppendFormat(&out, "  output       %s from the guest:\n",
                          Plural(lines, "line", "lines"));
    int shown = 0;
    for (const std::string& line : s.output_lines()) {
      if (shown++ == max_output_lines) break;
      absl::StrAppendFormat(&out, "    %s\n", line);
    }
    if (lines > static_cast<uint64_t>(std::min(max_output_lines, s.output_lines_size()))) {
      absl::StrAppendFormat(&out, "    ... %u more\n",
                            lines - std::min(max_output_lines, s.output_lines_size()));
    }
  }
  return out;
}

std::string FormatTextReport(const Report& report) {
  std::string out = FormatReplaySummary(report.trace(), report.machine(), report.replay(),
                                        /*max_output_lines=*/10);
  absl::StrAppendFormat(&out, "\nfindings: %s, %s, %s\n",
                        Plural(U(report.errors()), "error", "errors"),
                        Plural(U(report.warnings()), "warning", "warnings"),
                        Plural(U(report.infos()), "info", "infos"));
  int finding_index = 0;
  for (const RuleSummary& rule : report.rules()) {
    absl::StrAppendFormat(&out, "\n%-7s %s — %s\n", rule.severity(), rule.rule(),
                          rule.description());
    absl::StrAppendFormat(&out, "        %s",
                          Plural(U(rule.occurrences()), "occurrence", "occurrences"));
    absl::StrAppendFormat(&out, " in %s", Plural(U(rule.findings()), "finding", "findings"));
    if (rule.suppressed() > 0) {
      absl::StrAppendFormat(&out, " (+%u not listed)", U(rule.suppressed()));
    }
    out += "\n";
    for (; finding_index < report.findings_size() &&
           report.findings(finding_index).rule() == rule.rule();
         ++finding_index) {
      const report::Finding& f = report.findings(finding_index);
      absl::StrAppendFormat(&out, "  #%u t=%uns: %s", U(f.event()), U(f.t_ns()), f.message());
      if (f.occurrences() > 1) {
        absl::StrAppendFormat(&out, " [x%u, last #%u]", U(f.occurrences()), U(f.last_event()));
      }
      out += "\n";
      for (const ContextEvent& c : f.context()) {
        absl::StrAppendFormat(&out, "    %s #%-6u %s\n", c.event() == f.event() ? ">" : " ",
                              U(c.event()), c.text());
      }
    }
  }
  if (report.rules_size() == 0) out += "no findings\n";
  return out;
}

absl::StatusOr<std::string> FormatJsonReport(const Report& report) {
  google::protobuf::util::JsonPrintOptions options;
  options.add_whitespace = true;
  options.always_print_primitive_fields = true;
  options.preserve_proto_field_names = true;
  std::string json;
  const auto status = google::protobuf::util::MessageToJsonString(report, &json, options);
  if (!status.ok()) {
    return absl::InternalError(absl::StrCat("JSON printing failed: ", status.ToString()));
  }
  return json;
}

}  // namespace portrace::analyzer
