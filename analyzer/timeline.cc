#include "analyzer/timeline.h"

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "analyzer/describe.h"
#include "google/protobuf/util/json_util.h"

namespace portrace::analyzer {
namespace {

constexpr uint32_t kPid = 1;
constexpr uint32_t kFindingsTrack = 1;

double Microseconds(uint64_t t_ns, uint64_t index) {
  return static_cast<double>(t_ns + index) / 1000.0;
}

}  // namespace

TimelineWriter::TimelineWriter(trace::ByteSink* sink, std::string title) : sink_(sink) {
  out_ = "{\"displayTimeUnit\":\"ns\",\"traceEvents\":[\n";
  timeline::TimelineEvent process;
  process.set_name("process_name");
  process.set_ph("M");
  process.set_pid(kPid);
  process.mutable_args()->set_name(std::move(title));
  Append(process);
  tracks_["findings"] = kFindingsTrack;
  timeline::TimelineEvent findings;
  findings.set_name("thread_name");
  findings.set_ph("M");
  findings.set_pid(kPid);
  findings.set_tid(kFindingsTrack);
  findings.mutable_args()->set_name("findings");
  Append(findings);
}

uint32_t TimelineWriter::Track(const std::string& name) {
  auto [it, inserted] = tracks_.emplace(name, static_cast<uint32_t>(tracks_.size() + 1));
  if (inserted) {
    timeline::TimelineEvent meta;
    meta.set_name("thread_name");
    meta.set_ph("M");
    meta.set_pid(kPid);
    meta.set_tid(it->second);
    meta.mutable_args()->set_name(name);
    Append(meta);
  }
  return it->second;
}

void TimelineWriter::Append(const timeline::TimelineEvent& event) {
  std::string json;
  google::protobuf::util::JsonPrintOptions options;
  options.preserve_proto_field_names = true;
  if (!google::protobuf::util::MessageToJsonString(event, &json, options).ok()) return;
  absl::StrAppend(&out_, first_ ? "" : ",\n", json);
  first_ = false;
  if (out_.size() > (1 << 20)) Flush();
}

void TimelineWriter::Flush() {
  if (status_.ok()) status_ = sink_->Write(out_);
  out_.clear();
}

void TimelineWriter::OnEvent(const sim::ReplayedEvent& event) {
  const trace::EventView& e = event.event;
  if (e.kind == trace::TIME_ADVANCE || e.kind == trace::TIME_SET) return;
  timeline::TimelineEvent out;
  const std::string access = DescribeAccess(e);
  out.set_name(access);
  out.set_cat(std::string(trace::EventKindName(e.kind)));
  out.set_ph("i");
  out.set_s("t");
  out.set_ts(Microseconds(event.t_ns, event.index));
  out.set_pid(kPid);
  const std::string device = e.kind == trace::MARKER ? "markers"
                             : event.mapping.empty() ? "unclaimed"
                                                     : std::string(event.mapping);
  out.set_tid(Track(device));
  timeline::TimelineArgs* args = out.mutable_args();
  args->set_access(access);
  args->set_event(event.index);
  args->set_t_ns(event.t_ns);
  if (e.kind == trace::PORT_READ || e.kind == trace::MMIO_READ) {
    args->set_value(absl::StrFormat("0x%x", event.model_value));
    if (e.recorded()) args->set_recorded(absl::StrFormat("0x%x", e.value));
  }
  Append(out);
}

absl::Status TimelineWriter::Finish(const Analyzer& analyzer) {
  for (const Finding& f : analyzer.findings()) {
    timeline::TimelineEvent out;
    out.set_name(std::string(f.type->id));
    out.set_cat("finding");
    out.set_ph("i");
    out.set_s("g");
    out.set_ts(Microseconds(f.t_ns, f.event));
    out.set_pid(kPid);
    out.set_tid(kFindingsTrack);
    timeline::TimelineArgs* args = out.mutable_args();
    args->set_severity(std::string(SeverityName(f.severity)));
    args->set_message(f.message);
    args->set_event(f.event);
    args->set_t_ns(f.t_ns);
    Append(out);
  }
  out_ += "\n]}\n";
  Flush();
  if (absl::Status closed = sink_->Close(); status_.ok()) status_ = closed;
  return status_;
}

}  // namespace portrace::analyzer
