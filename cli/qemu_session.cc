#include "cli/qemu_session.h"

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"

extern char** environ;

namespace portrace::cli {

QemuSession::~QemuSession() { Stop(); }

absl::Status QemuSession::Start(const std::string& binary, const std::vector<std::string>& args) {
  int in[2], out[2];
  if (pipe(in) != 0 || pipe(out) != 0) {
    return absl::InternalError(absl::StrCat("pipe: ", std::strerror(errno)));
  }
  std::vector<std::string> argv_s = {binary};
  bool has_qtest = false;
  bool has_log = false;
  for (const std::string& a : args) {
    has_qtest |= a == "-qtest";
    has_log |= a == "-qtest-log";
    argv_s.push_back(a);
  }
  if (!has_qtest) {
    for (const char* a : {"-qtest", "stdio"}) argv_s.emplace_back(a);
  }
  if (!has_log) {  // QEMU would log every exchange on standard error
    for (const char* a : {"-qtest-log", "none"}) argv_s.emplace_back(a);
  }
  std::vector<char*> argv;
  for (std::string& a : argv_s) argv.push_back(a.data());
  argv.push_back(nullptr);
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_adddup2(&actions, in[0], 0);
  posix_spawn_file_actions_adddup2(&actions, out[1], 1);
  posix_spawn_file_actions_addclose(&actions, in[1]);
  posix_spawn_file_actions_addclose(&actions, out[0]);
  const int rc = posix_spawnp(&pid_, binary.c_str(), &actions, nullptr, argv.data(), environ);
  posix_spawn_file_actions_destroy(&actions);
  close(in[0]);
  close(out[1]);
  if (rc != 0) {
    close(in[1]);
    close(out[0]);
    pid_ = -1;
    return absl::NotFoundError(absl::StrCat("cannot start ", binary, ": ", std::strerror(rc)));
  }
  to_qemu_ = in[1];
  from_qemu_ = out[0];
  signal(SIGPIPE, SIG_IGN);  // a QEMU that aborts must not take portrace with it
  return absl::OkStatus();
}

absl::StatusOr<std::string> QemuSession::ReadLine(int timeout_ms) {
  while (true) {
    const size_t newline = buffer_.find('\n');
    if (newline != std::string::npos) {
      std::string line = buffer_.substr(0, newline);
      buffer_.erase(0, newline + 1);
      return line;
    }
    pollfd fd{from_qemu_, POLLIN, 0};
    const int ready = poll(&fd, 1, timeout_ms);
    if (ready == 0) return absl::UnavailableError("QEMU did not answer in time");
    if (ready < 0 && errno == EINTR) continue;
    char chunk[4096];
    const ssize_t n = read(from_qemu_, chunk, sizeof chunk);
    if (n <= 0) return absl::UnavailableError("QEMU exited (it aborts on requests it cannot run)");
    buffer_.append(chunk, n);
  }
}

absl::StatusOr<QemuSession::Reply> QemuSession::Exchange(absl::string_view request,
                                                         int timeout_ms) {
  if (pid_ < 0) return absl::FailedPreconditionError("QEMU is not running");
  const std::string line = absl::StrCat(request, "\n");
  size_t written = 0;
  while (written < line.size()) {
    const ssize_t n = write(to_qemu_, line.data() + written, line.size() - written);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return absl::UnavailableError("QEMU exited before the request could be sent");
    written += n;
  }
  Reply reply;
  while (true) {
    absl::StatusOr<std::string> text = ReadLine(timeout_ms);
    if (!text.ok()) return text.status();
    if (absl::StartsWith(*text, "IRQ ")) {
      reply.irqs.push_back(*text);
      continue;
    }
    reply.text = *text;
    return reply;
  }
}

void QemuSession::Stop() {
  if (to_qemu_ >= 0) close(to_qemu_);
  if (from_qemu_ >= 0) close(from_qemu_);
  to_qemu_ = from_qemu_ = -1;
  if (pid_ <= 0) return;
  kill(pid_, SIGTERM);
  for (int i = 0; i < 50; ++i) {
    if (waitpid(pid_, nullptr, WNOHANG) == pid_) {
      pid_ = -1;
      return;
    }
    usleep(20000);
  }
  kill(pid_, SIGKILL);
  waitpid(pid_, nullptr, 0);
  pid_ = -1;
}

}  // namespace portrace::cli
