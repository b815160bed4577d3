// Fidelity suite: every script in testdata/fidelity is answered by portrace's qtest peer and
// compared, reply by reply, with what QEMU answered (NAME.replies, recorded by
// tools/record_fidelity.sh). When qemu-system-x86_64 is installed the same requests also go to a
// live QEMU, so a stale recording cannot hide a difference.
//
// A comment line "# wall-time" (or "# wall-time: why") marks the next request as one whose reply
// follows the host's clock in QEMU (RTC time registers, register A's UIP bit, register C's
// update-ended flag): QEMU runs with -S and Debian's build has no qtest accelerator, so
// clock_step cannot pin time. Such replies are counted, not compared.
//
// The script's qemu-args configure portrace as they configure QEMU (sim/qemu_command_line.h):
// -drive, -nic, -serial, -parallel, -vga, -boot order= and the absence of -nodefaults.
//
// portrace's own qtest extensions (nic_rx) have no QEMU reply to compare with: no fidelity script
// may use them, and the live-QEMU driver refuses to send one.
#include <fcntl.h>
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <memory>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include "absl/strings/match.h"
#include "absl/strings/str_split.h"
#include "absl/strings/strip.h"
#include "gtest/gtest.h"
#include "sim/machine.h"
#include "sim/machine_builder.h"
#include "sim/qemu_command_line.h"
#include "sim/qtest_server.h"
#include "trace/qtest_command.h"

extern char** environ;

namespace portrace::sim {
namespace {

struct Script {
  std::string name;
  std::string qemu_args;
  std::vector<std::string> requests;
  std::vector<bool> wall_time;       // per request: reply follows the host's clock
  std::vector<std::string> replies;  // recorded
};

std::vector<std::string> ReadLines(const std::string& path) {
  std::ifstream in(path);
  std::vector<std::string> lines;
  for (std::string line; std::getline(in, line);) lines.push_back(line);
  return lines;
}

std::vector<Script> LoadScripts() {
  std::vector<Script> scripts;
  const std::string dir = "testdata/fidelity/";
  // The filegroup's files, in the runfiles tree (the test's working directory).
  std::vector<std::string> names;
  for (const auto& entry : std::filesystem::directory_iterator(dir)) {
    const std::string file = entry.path().filename().string();
    if (absl::EndsWith(file, ".qtest")) names.push_back(file);
  }
  std::sort(names.begin(), names.end());
  for (const std::string& file : names) {
    Script script;
    script.name = file;
    bool wall_time = false;
    for (const std::string& line : ReadLines(dir + file)) {
      absl::string_view rest = line;
      if (absl::StartsWith(line, "# wall-time")) wall_time = true;
      if (absl::ConsumePrefix(&rest, "# qemu-args: ")) script.qemu_args = std::string(rest);
      if (line.empty() || line[0] == '#') continue;
      script.requests.push_back(line);
      script.wall_time.push_back(wall_time);
      wall_time = false;
    }
    script.replies = ReadLines(dir + file.substr(0, file.size() - 6) + ".replies");
    scripts.push_back(std::move(script));
  }
  return scripts;
}

std::vector<std::string> PortraceReplies(const Script& script) {
  // The machine QEMU's command line builds is portrace's too.
  MachineOptions options;
  const absl::Status applied = ApplyQemuCommandLine(script.qemu_args, &options);
  EXPECT_TRUE(applied.ok()) << script.name << ": " << applied;
  if (!applied.ok()) return {};
  absl::StatusOr<std::unique_ptr<Machine>> machine = BuildMachine(options);
  EXPECT_TRUE(machine.ok()) << machine.status();
  if (!machine.ok()) return {};
  QtestServer server(machine->get());
  std::vector<std::string> replies;
  for (const std::string& request : script.requests) {
    std::optional<std::string> reply = server.Handle(request);
    replies.push_back(reply.value_or("<no reply>"));
  }
  return replies;
}

// Runs QEMU on the requests, returns its replies (empty if QEMU is not installed). The requests
// go one at a time: each is sent after the previous reply, and QEMU's main loop gets a moment to
// finish what the request started (block I/O, DMA, SRST run from QEMU's bottom halves and
// thread pool). portrace completes such work at once, so this is the state both should show.
// The request's command word is one of portrace's extensions, which QEMU does not know.
bool IsExtension(const std::string& request) {
  return trace::IsPortraceQtestExtension(request.substr(0, request.find(' ')));
}

// `pause_ms` follows each write request (reads get a fifth of it).
std::vector<std::string> QemuReplies(const Script& script, int pause_ms = 10) {
  const char* qemu = "/usr/bin/qemu-system-x86_64";
  if (access(qemu, X_OK) != 0) return {};
  for (const std::string& request : script.requests) {
    if (IsExtension(request)) return {};  // never sent to QEMU (see NoScriptUsesExtensions)
  }
  std::vector<std::string> argv_s = {qemu, "-S"};
  for (absl::string_view a : absl::StrSplit(script.qemu_args, ' ', absl::SkipEmpty())) {
    argv_s.emplace_back(a);
  }
  for (const char* a : {"-display", "none", "-qtest", "stdio", "-qtest-log", "/dev/null"}) {
    argv_s.emplace_back(a);
  }
  std::vector<char*> argv;
  for (std::string& a : argv_s) argv.push_back(a.data());
  argv.push_back(nullptr);
  int to_qemu[2], from_qemu[2];
  if (pipe(to_qemu) != 0) return {};
  if (pipe(from_qemu) != 0) return {};
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_adddup2(&actions, to_qemu[0], 0);
  posix_spawn_file_actions_adddup2(&actions, from_qemu[1], 1);
  posix_spawn_file_actions_addopen(&actions, 2, "/dev/null", O_WRONLY, 0);
  posix_spawn_file_actions_addclose(&actions, to_qemu[1]);
  posix_spawn_file_actions_addclose(&actions, from_qemu[0]);
  pid_t pid;
  const int spawned = posix_spawn(&pid, qemu, &actions, nullptr, argv.data(), environ);
  posix_spawn_file_actions_destroy(&actions);
  close(to_qemu[0]);
  close(from_qemu[1]);
  std::vector<std::string> replies;
  if (spawned != 0) {
    close(to_qemu[1]);
    close(from_qemu[0]);
    return {};
  }
  signal(SIGPIPE, SIG_IGN);
  FILE* in = fdopen(from_qemu[0], "r");
  char line[8192];
  for (const std::string& request : script.requests) {
    const std::string out = request + "\n";
    if (write(to_qemu[1], out.data(), out.size()) != static_cast<ssize_t>(out.size())) break;
    if (std::fgets(line, sizeof(line), in) == nullptr) break;
    std::string reply(line);
    while (!reply.empty() && reply.back() == '\n') reply.pop_back();
    replies.push_back(reply);
    const bool write = request.rfind("out", 0) == 0 || request.rfind("write", 0) == 0;
    std::this_thread::sleep_for(std::chrono::milliseconds(write ? pause_ms : pause_ms / 5));
  }
  close(to_qemu[1]);
  kill(pid, SIGKILL);
  waitpid(pid, nullptr, 0);
  std::fclose(in);
  return replies;
}

void ExpectSame(const Script& script, const std::vector<std::string>& expected,
                const std::vector<std::string>& actual, const char* who) {
  ASSERT_EQ(expected.size(), script.requests.size()) << script.name << ": " << who;
  int differing = 0, wall_time = 0;
  for (size_t i = 0; i < expected.size(); ++i) {
    if (script.wall_time[i]) {
      ++wall_time;
      continue;
    }
    if (i < actual.size() && actual[i] == expected[i]) continue;
    ++differing;
    ADD_FAILURE() << script.name << " request " << i + 1 << " '" << script.requests[i]
                  << "': " << who << " answered '" << expected[i] << "', portrace '"
                  << (i < actual.size() ? actual[i] : "<none>") << "'";
  }
  std::printf("%s: %zu of %zu replies identical to %s, %d wall-time replies not compared\n",
              script.name.c_str(), expected.size() - differing - wall_time,
              expected.size() - wall_time, who, wall_time);
}

// The suite compares portrace with QEMU: a request only portrace understands (nic_rx) has no
// QEMU reply and must not be in it.
TEST(QtestFidelityTest, NoScriptUsesExtensions) {
  for (const Script& script : LoadScripts()) {
    for (const std::string& request : script.requests) {
      EXPECT_FALSE(IsExtension(request)) << script.name << ": '" << request.substr(0, 40)
                                         << "' is a portrace extension QEMU does not know";
    }
  }
}

TEST(QtestFidelityTest, RepliesMatchRecordedQemu) {
  const std::vector<Script> scripts = LoadScripts();
  ASSERT_FALSE(scripts.empty());
  for (const Script& script : scripts) {
    ExpectSame(script, script.replies, PortraceReplies(script), "recorded QEMU");
  }
}

TEST(QtestFidelityTest, RepliesMatchLiveQemu) {
  if (access("/usr/bin/qemu-system-x86_64", X_OK) != 0) {
    GTEST_SKIP() << "qemu-system-x86_64 not installed; recorded replies still checked";
  }
  for (const Script& script : LoadScripts()) {
    std::vector<std::string> live = QemuReplies(script);
    ASSERT_FALSE(live.empty()) << script.name << ": QEMU gave no replies";
    // On a loaded host QEMU may not finish a request's background work (block I/O, DMA, SRST)
    // within the pause; when it then disagrees with its own recorded replies, run the script
    // again with more time before comparing portrace with it.
    auto agrees_with_recording = [&script](const std::vector<std::string>& replies) {
      if (replies.size() != script.replies.size()) return false;
      for (size_t i = 0; i < replies.size(); ++i) {
        if (!script.wall_time[i] && replies[i] != script.replies[i]) return false;
      }
      return true;
    };
    for (int pause_ms = 40; !agrees_with_recording(live) && pause_ms <= 160; pause_ms *= 4) {
      std::printf("%s: live QEMU differs from its recorded replies; again with %d ms pauses\n",
                  script.name.c_str(), pause_ms);
      live = QemuReplies(script, pause_ms);
    }
    ExpectSame(script, live, PortraceReplies(script), "live QEMU");
  }
}

}  // namespace
}  // namespace portrace::sim
