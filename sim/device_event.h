// Device events: what devices publish about what they did ("magic read", "unplug mask written",
// "log line flushed", "throttled"), so that rules can observe behaviour without reaching into
// device internals. Devices publish through the machine's DeviceEventBus; the replay engine
// attaches each event to the trace event that caused it.
#ifndef PORTRACE_SIM_DEVICE_EVENT_H_
#define PORTRACE_SIM_DEVICE_EVENT_H_

#include <cstdint>
#include <string>

namespace portrace::sim {

struct DeviceEvent {
  std::string device;  // publishing device, e.g. "platform"
  std::string kind;    // stable kebab-case id, e.g. "unplug", "log-line"
  uint64_t value = 0;  // kind-specific number (the mask, a byte count, ...)
  std::string text;    // kind-specific text (the log line, ...)
  // Output the guest produced that a person replaying the trace wants to read (a flushed log
  // line, console text): the replay summary lists these texts.
  bool show_in_summary = false;
};

class DeviceEventSink {
 public:
  virtual ~DeviceEventSink() = default;
  virtual void OnDeviceEvent(const DeviceEvent& event) = 0;
};

// Fan-in point for device events; forwards to at most one sink (the replay engine).
class DeviceEventBus {
 public:
  void set_sink(DeviceEventSink* sink) { sink_ = sink; }
  void Publish(const DeviceEvent& event) {
    if (sink_ != nullptr) sink_->OnDeviceEvent(event);
  }

 private:
  DeviceEventSink* sink_ = nullptr;
};

}  // namespace portrace::sim

#endif  // PORTRACE_SIM_DEVICE_EVENT_H_
