#include "analyzer/analyzer.h"

#include "absl/base/internal/raw_logging.h"
#include "absl/strings/str_cat.h"
#include "analyzer/describe.h"

namespace portrace::analyzer {

Analyzer::Analyzer(std::vector<std::unique_ptr<Rule>> rules, AnalyzerOptions options)
    : rules_(std::move(rules)), options_(options) {}

void Analyzer::RecentEvent::Set(const sim::ReplayedEvent& replayed) {
  index = replayed.index;
  t_ns = replayed.t_ns;
  event = replayed.event;
  blob.assign(replayed.event.blob.data(), replayed.event.blob.size());
  event.blob = blob;
  mapping.assign(replayed.mapping.data(), replayed.mapping.size());
  model_value = replayed.model_value;
  diverged = replayed.diverged;
}

ContextLine Analyzer::RecentEvent::Describe() const {
  sim::ReplayedEvent replayed;
  replayed.index = index;
  replayed.t_ns = t_ns;
  replayed.event = event;
  replayed.mapping = mapping;
  replayed.model_value = model_value;
  replayed.diverged = diverged;
  return ContextLine{index, t_ns, DescribeEvent(replayed)};
}

void Analyzer::OnEvent(const sim::ReplayedEvent& event) {
  // Feed the findings waiting for their after-context.
  if (!pending_.empty()) {
    const ContextLine line{event.index, event.t_ns, DescribeEvent(event)};
    size_t kept = 0;
    for (auto& [index, wanted] : pending_) {
      findings_[index].context.push_back(line);
      if (--wanted > 0) pending_[kept++] = {index, wanted};
    }
    pending_.resize(kept);
  }
  if (ring_.empty()) ring_.resize(static_cast<size_t>(std::max(options_.context_before, 0)) + 1);
  size_t slot;
  if (ring_size_ < ring_.size()) {
    slot = (ring_start_ + ring_size_++) % ring_.size();
  } else {
    slot = ring_start_;
    ring_start_ = (ring_start_ + 1) % ring_.size();
  }
  ring_[slot].Set(event);
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
    for (size_t i = 0; i < ring_size_; ++i) finding.context.push_back(Recent(i).Describe());
  } else {
    for (size_t i = 0; i < ring_size_; ++i) {
      const RecentEvent& line = Recent(i);
      if (line.index + options_.context_before >= event && line.index <= event) {
        finding.context.push_back(line.Describe());
      }
    }
    // Events after an earlier subject that are already in the window.
    for (size_t i = 0; i < ring_size_; ++i) {
      const RecentEvent& line = Recent(i);
      if (line.index > event && line.index <= event + after_wanted) {
        finding.context.push_back(line.Describe());
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
