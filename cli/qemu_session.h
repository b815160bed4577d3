// QemuSession: a real QEMU driven over its qtest protocol (-qtest stdio), one request at a
// time — the reference device model portrace records captures from and compares itself with.
#ifndef PORTRACE_CLI_QEMU_SESSION_H_
#define PORTRACE_CLI_QEMU_SESSION_H_

#include <sys/types.h>

#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"

namespace portrace::cli {

class QemuSession {
 public:
  QemuSession() = default;
  QemuSession(const QemuSession&) = delete;
  QemuSession& operator=(const QemuSession&) = delete;
  ~QemuSession();

  // Starts `binary` with `args` plus "-qtest stdio" and "-qtest-log none" (unless args name
  // them). Its standard error stays the caller's.
  absl::Status Start(const std::string& binary, const std::vector<std::string>& args);

  struct Reply {
    std::string text;               // "OK 0x0026", "FAIL ...", "ERR ..."
    std::vector<std::string> irqs;  // "IRQ raise 14" lines that came before it
  };
  // Sends one request line and waits (at most `timeout_ms`) for its reply. Unavailable when QEMU
  // exits (it aborts on requests it cannot parse) or does not answer in time.
  absl::StatusOr<Reply> Exchange(absl::string_view request, int timeout_ms = 30000);

  // Ends QEMU (it does not exit when its qtest input ends): SIGTERM, then SIGKILL.
  void Stop();

 private:
  absl::StatusOr<std::string> ReadLine(int timeout_ms);

  pid_t pid_ = -1;
  int to_qemu_ = -1;
  int from_qemu_ = -1;
  std::string buffer_;
};

}  // namespace portrace::cli

#endif  // PORTRACE_CLI_QEMU_SESSION_H_
