// Finding: one thing the analyzer reports — a catalogue id with its severity, the event where it
// happened (0-based index and virtual time), a message, and a window of surrounding events.
// Repeats of the same finding (same id and key, e.g. every read of one unclaimed port) are
// folded into the first, which counts them.
#ifndef PORTRACE_ANALYZER_FINDING_H_
#define PORTRACE_ANALYZER_FINDING_H_

#include <cstdint>
#include <string>
#include <vector>

#include "analyzer/catalogue.h"

namespace portrace::analyzer {

struct ContextLine {
  uint64_t event = 0;
  uint64_t t_ns = 0;
  std::string text;
};

struct Finding {
  const FindingType* type = nullptr;
  Severity severity = Severity::kInfo;
  uint64_t event = 0;
  uint64_t t_ns = 0;
  std::string message;
  uint64_t occurrences = 1;          // this finding and its folded repeats
  uint64_t last_event = 0;           // index of the last repeat
  std::vector<ContextLine> context;  // events around `event` in trace order, `event` included
};

}  // namespace portrace::analyzer

#endif  // PORTRACE_ANALYZER_FINDING_H_
