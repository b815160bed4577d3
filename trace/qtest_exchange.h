// A qtest exchange — a request line and the reply QEMU gave to it — as trace events, and back.
// The qtest log importer and `portrace record` turn exchanges into events (a read's "OK <value>"
// becomes its recorded value); the qtest log exporter writes events as exchanges.
#ifndef PORTRACE_TRACE_QTEST_EXCHANGE_H_
#define PORTRACE_TRACE_QTEST_EXCHANGE_H_

#include <string>

#include "absl/strings/string_view.h"
#include "trace/event.h"

namespace portrace::trace {

// Appends the events of `line` answered by `reply` ("" if the reply is unknown). Reads whose
// reply carries a value get it recorded. Requests QEMU refused (FAIL/ERR), requests that do not
// parse, and clock_step/clock_set (whose effect a log's timestamps already carry) become qtest
// markers with the reply as annotation "qtest-reply". portrace's nic_rx is a NIC_RECEIVE whatever
// portrace's peer answered (a NIC refusing the frame still received it), keeping a reply other
// than "OK" as "qtest-reply"; answered "FAIL Unknown command" (by QEMU) it is a marker too. When libqtest would spell the request
// differently, the original line is kept as annotation "qtest".
void AppendQtestExchange(absl::string_view line, absl::string_view reply, BatchBuilder& builder);

// The reply QEMU gives to `event`'s request, as far as the trace knows it: "OK" for writes,
// "OK 0x%04x"/"OK 0x%016x"/"OK 0x<hex>"/"OK <base64>" for reads with a recorded value, "" for a
// read whose value is unknown and for events qtest cannot express.
std::string FormatQtestReply(const EventView& event);

}  // namespace portrace::trace

#endif  // PORTRACE_TRACE_QTEST_EXCHANGE_H_
