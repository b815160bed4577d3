// Rule: a state machine over the replayed event stream — the raw accesses, the model's answers,
// the I/O anomalies the spaces reported and the events devices published. Rules never reach into
// device internals. A rule emits findings through a FindingEmitter and carries on; the CLI turns
// error findings into the exit code.
#ifndef PORTRACE_ANALYZER_RULE_H_
#define PORTRACE_ANALYZER_RULE_H_

#include <cstdint>
#include <string>

#include "absl/strings/string_view.h"
#include "sim/replay.h"

namespace portrace::analyzer {

class FindingEmitter {
 public:
  virtual ~FindingEmitter() = default;
  // Reports `id` (a catalogue id) at the event being observed. A non-empty `key` folds every
  // later finding with the same id and key into this one (counted, not repeated).
  virtual void Emit(absl::string_view id, std::string message, std::string key = "") = 0;
  // Reports `id` at an earlier event (rules that decide late, e.g. at the end of the trace).
  virtual void EmitAt(absl::string_view id, uint64_t event, uint64_t t_ns, std::string message,
                      std::string key = "") = 0;
};

class Rule {
 public:
  virtual ~Rule() = default;
  // Stable name of the rule (its family and what it watches), for listings.
  virtual absl::string_view name() const = 0;
  virtual void OnEvent(const sim::ReplayedEvent& event, FindingEmitter& out) = 0;
  // Called once after the last event.
  virtual void OnEnd(FindingEmitter& out) {}
};

}  // namespace portrace::analyzer

#endif  // PORTRACE_ANALYZER_RULE_H_
