// Analyzer: the rule engine. It observes a replay (sim::ReplayObserver), keeps a short window of
// recent events, runs every rule on every event, and turns what rules emit into Findings with
// their context: `context_before` events before and `context_after` events after the subject.
//
// Output stays bounded whatever the trace: repeats of a finding (same id and key) fold into the
// first, and past `max_findings_per_rule` distinct findings of one id further ones are only
// counted. Tallies count every occurrence, so the exit code and the summary never lose one.
#ifndef PORTRACE_ANALYZER_ANALYZER_H_
#define PORTRACE_ANALYZER_ANALYZER_H_

#include <algorithm>
#include <cstdint>
#include <map>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "analyzer/catalogue.h"
#include "analyzer/finding.h"
#include "analyzer/rule.h"
#include "sim/replay.h"

namespace portrace::analyzer {

struct AnalyzerOptions {
  int context_before = 3;
  int context_after = 3;
  uint64_t max_findings_per_rule = 100;  // 0: no limit
};

// Every occurrence of one finding id.
struct Tally {
  const FindingType* type = nullptr;
  uint64_t occurrences = 0;
  uint64_t findings = 0;    // distinct findings kept
  uint64_t suppressed = 0;  // distinct findings past the limit, counted only
};

class Analyzer : public sim::ReplayObserver, private FindingEmitter {
 public:
  Analyzer(std::vector<std::unique_ptr<Rule>> rules, AnalyzerOptions options = {});

  void OnEvent(const sim::ReplayedEvent& event) override;
  // Runs the rules' OnEnd. Call once, after the replay.
  void Finish();

  // Findings in the order they were first emitted.
  const std::vector<Finding>& findings() const { return findings_; }
  // Tallies by id, in id order.
  const std::map<std::string, Tally>& tallies() const { return tallies_; }
  // Whether any occurrence had severity error.
  bool HasErrors() const;

 private:
  void Emit(absl::string_view id, std::string message, std::string key) override;
  void EmitAt(absl::string_view id, uint64_t event, uint64_t t_ns, std::string message,
              std::string key) override;

  // An observed event, kept undescribed (formatting every event would cost more than replaying
  // it): only the events a finding takes as context are described.
  struct RecentEvent {
    uint64_t index = 0;
    uint64_t t_ns = 0;
    trace::EventView event;  // its blob is `blob`
    std::string blob;
    std::string mapping;
    uint64_t model_value = 0;
    bool diverged = false;

    void Set(const sim::ReplayedEvent& replayed);
    ContextLine Describe() const;
  };
  // The `i`th of the recent events, oldest first.
  const RecentEvent& Recent(size_t i) const { return ring_[(ring_start_ + i) % ring_.size()]; }

  std::vector<std::unique_ptr<Rule>> rules_;
  AnalyzerOptions options_;
  // The event being observed, and the last context_before events before it: a ring of
  // context_before + 1 entries, reused so that steady-state observing does not allocate.
  std::vector<RecentEvent> ring_;
  size_t ring_start_ = 0;
  size_t ring_size_ = 0;
  uint64_t current_event_ = 0;
  uint64_t current_t_ns_ = 0;
  std::vector<Finding> findings_;
  // Findings still collecting context after their event: (finding index, lines still wanted).
  std::vector<std::pair<size_t, int>> pending_;
  absl::flat_hash_map<std::string, size_t> by_key_;  // id + '\0' + key -> finding index
  std::map<std::string, Tally> tallies_;
};

}  // namespace portrace::analyzer

#endif  // PORTRACE_ANALYZER_ANALYZER_H_
