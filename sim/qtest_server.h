// QtestServer: portrace as a qtest peer. It answers QEMU's qtest protocol requests, one line at a
// time, against a Machine — exactly as `qemu-system-x86_64 -qtest stdio` answers for the devices
// portrace models:
//   OK                          out*, write*, write, b64write, memset, set_irq_in,
//                               irq_intercept_in/out
//   OK 0x%04x                   inb/inw/inl
//   OK 0x%016x                  readb..readq
//   OK 0x<hex> / OK <base64>    read / b64read
//   OK <ns>                     clock_step / clock_set (as QEMU with -accel qtest)
//   OK little                   endianness
//   FAIL                        module_load (portrace loads no modules)
//   FAIL Unknown command '<w>'  anything else
//   ERR <reason>                bad arguments (where QEMU would abort on an assertion)
// and for portrace's own extension (QEMU answers it FAIL Unknown command; see qtest_command.h):
//   OK / OK filtered            nic_rx, the NIC stored the frame / its address filter dropped it
//   FAIL <nic> refused the frame: <reason>   nic_rx while the NIC cannot take it (stopped,
//                               ring full, ...)
//   FAIL no NIC <i> (the machine has <n>)   nic_rx naming an absent NIC
// Blank lines and lines starting with '#' are not requests and get no reply (QEMU would answer
// "FAIL Unknown command"), so annotated scripts can be piped in. Requests are executed through
// the replay engine, so a qtest session and a replayed trace behave identically.
#ifndef PORTRACE_SIM_QTEST_SERVER_H_
#define PORTRACE_SIM_QTEST_SERVER_H_

#include <optional>
#include <string>

#include "absl/strings/string_view.h"
#include "sim/machine.h"
#include "sim/replay.h"

namespace portrace::sim {

class QtestServer {
 public:
  // The machine must outlive the server.
  explicit QtestServer(Machine* machine) : machine_(machine), replayer_(machine) {}

  // Handles one request line (without '\n'). Returns the reply line without '\n', or nullopt for
  // lines that are not requests.
  std::optional<std::string> Handle(absl::string_view line);

  // Lets a caller watch what the requests did (e.g. to analyze a session).
  void set_observer(ReplayObserver* observer) { replayer_.set_observer(observer); }
  const ReplaySummary& summary() const { return replayer_.summary(); }

 private:
  Machine* machine_;
  Replayer replayer_;
};

}  // namespace portrace::sim

#endif  // PORTRACE_SIM_QTEST_SERVER_H_
