// TimelineWriter: a replay written as a Chrome/Perfetto JSON trace while it runs — one track per
// device (the mapping that answered; "unclaimed" for none) with every access as an instant event,
// and, after the analysis, one track of findings. Events are placed at their virtual time plus
// their index in nanoseconds, so that events of the same instant stay apart and in order.
// Streaming: memory does not grow with the trace.
#ifndef PORTRACE_ANALYZER_TIMELINE_H_
#define PORTRACE_ANALYZER_TIMELINE_H_

#include <map>
#include <string>

#include "absl/status/status.h"
#include "analyzer/analyzer.h"
#include "analyzer/timeline.pb.h"
#include "sim/replay.h"
#include "trace/byte_source.h"

namespace portrace::analyzer {

class TimelineWriter : public sim::ReplayObserver {
 public:
  // `sink` must outlive the writer; `title` names the process track.
  TimelineWriter(trace::ByteSink* sink, std::string title);

  void OnEvent(const sim::ReplayedEvent& event) override;
  // Adds the findings, closes the JSON and the sink. Returns the first write error, if any.
  absl::Status Finish(const Analyzer& analyzer);

 private:
  uint32_t Track(const std::string& name);
  void Append(const timeline::TimelineEvent& event);
  void Flush();

  trace::ByteSink* sink_;
  std::string out_;
  bool first_ = true;
  absl::Status status_;
  std::map<std::string, uint32_t> tracks_;
};

}  // namespace portrace::analyzer

#endif  // PORTRACE_ANALYZER_TIMELINE_H_
