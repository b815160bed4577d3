#include "analyzer/analyzer.h"

#include "absl/base/internal/raw_logging.h"
#include "absl/strings/str_cat.h"
#include "analyzer/describe.h"

namespace portrace::analyzer {

Analyzer::Analyzer(std::vector<std::unique_ptr<Rule>> rules, AnalyzerOptions options)
    : rules_(std::move(rules)), options_(options) {}

void Analyzer::OnEvent(const sim::ReplayedEvent& event) {
  ContextLine line{event.index, event.t_ns, DescribeEvent(event)};
  // Feed the findings waiting for their after-context.
  size_t kept = 0;
  for (auto& [index, wanted] : pending_) {
    findings_[index].context.push_back(line);
    if (--wanted > 0) pending_[kept++] = {index, wanted};
  }
  pending_.resize(kept);
  recent_.push_back(std::move(line));
  while (recent_.size() > static_cast<size_t>(options_.context_before) + 1) recent_.pop_front();
  current_event_ = event.index;
  current_t_ns_ = event.t_ns;
  for (const std::unique_ptr<Rule>& rule : rules_) rule->OnEvent(event, *this);
}

void Analyzer::Finish() {
  for (const std::unique_ptr<Rule>& rule : rules_) rule->OnEnd(*this);
  pending_.clear();
}

void Analyzer::Emit(absl::string_view id, std::string message, std::string key) {
  EmitAt(id, current_event_, current_t_ns_, std::move(message), std::move(key));
}

void Analyzer::EmitAt(absl::string_view id, uint64_t event, uint64_t t_ns, std::string message,
                      std::string key) {
  const FindingType* type = FindFindingType(id);
  // A programmer error, never a guest- or trace-triggered one: rules emit catalogue ids only.
  ABSL_RAW_CHECK(type != nullptr, "rule emitted an id missing from the catalogue");
  Tally& tally = tallies_[std::string(type->id)];
  tally.type = type;
  ++tally.occurrences;
  std::string full_key;
  if (!key.empty()) {
    full_key = absl::StrCat(type->id, std::string(1, '\0'), key);
    auto it = by_key_.find(full_key);
    if (it != by_key_.end()) {
      Finding& first = findings_[it->second];
      ++first.occurrences;
      first.last_event = event;
      return;
    }
  }
  if (options_.max_findings_per_rule != 0 && tally.findings >= options_.max_findings_per_rule) {
    ++tally.suppressed;
    return;
  }
  ++tally.findings;
  Finding finding;
  finding.type = type;
  finding.severity = type->severity;
  finding.event = event;
  finding.t_ns = t_ns;
  finding.message = std::move(message);
  finding.last_event = event;
  // Context: the recent events up to and including the subject (when it is still in the window).
  int after_wanted = options_.context_after;
  if (event == current_event_) {
    finding.context.assign(recent_.begin(), recent_.end());
  } else {
    for (const ContextLine& line : recent_) {
      if (line.event + options_.context_before >= event && line.event <= event) {
        finding.context.push_back(line);
      }
    }
    // Events after an earlier subject that are already in the window.
    for (const ContextLine& line : recent_) {
      if (line.event > event && line.event <= event + after_wanted) {
        finding.context.push_back(line);
      }
    }
    after_wanted = 0;  // later events are not adjacent to an earlier subject
  }
  findings_.push_back(std::move(finding));
  if (!full_key.empty()) by_key_[full_key] = findings_.size() - 1;
  if (after_wanted > 0) pending_.push_back({findings_.size() - 1, after_wanted});
}

bool Analyzer::HasErrors() const {
  for (const auto& [id, tally] : tallies_) {
    if (tally.type->severity == Severity::kError && tally.occurrences > 0) return true;
  }
  return false;
}

}  // namespace portrace::analyzer
