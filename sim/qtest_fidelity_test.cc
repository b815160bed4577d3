// Fidelity suite: every script in testdata/fidelity is answered by portrace's qtest peer and
// compared, reply by reply, with what QEMU answered (NAME.replies, recorded by
// tools/record_fidelity.sh). When qemu-system-x86_64 is installed the same requests also go to a
// live QEMU, so a stale recording cannot hide a difference.
//
// A comment line "# wall-time" marks the next request as one whose reply follows the host's
// clock in QEMU (RTC time registers, register A's UIP bit): QEMU runs with -S and Debian's build
// has no qtest accelerator, so clock_step cannot pin time. Such replies are counted, not compared.
//
// The script's qemu-args configure portrace as they configure QEMU: -drive and -nic, -serial,
// -boot order=, and the absence of -nodefaults (MachineOptions::qemu_defaults).
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
#include "sim/qtest_server.h"
#include "trace/qtest_command.h"

extern char** environ;

namespace portrace::sim {
namespace {

struct Script {
  std::string name;
  std::string machine = "pc";
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
      if (line == "# wall-time") wall_time = true;
      if (absl::ConsumePrefix(&rest, "# machine: ")) script.machine = std::string(rest);
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
  MachineOptions options;
  options.name = script.machine;
  // The drives and NICs QEMU is given are portrace's too.
  const std::vector<std::string> args = absl::StrSplit(script.qemu_args, ' ', absl::SkipEmpty());
  for (size_t i = 0; i + 1 < args.size(); ++i) {
    if (args[i] == "-drive") options.drives.push_back(args[i + 1]);
    if (args[i] == "-nic") options.nics.push_back(args[i + 1]);
    if (args[i] == "-boot" && absl::StartsWith(args[i + 1], "order=")) {
      options.boot_order = args[i + 1].substr(6);
    }
  }
  options.qemu_defaults = std::find(args.begin(), args.end(), "-nodefaults") == args.end();
  options.serial = std::find(args.begin(), args.end(), "-serial") != args.end();
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

std::vector<std::string> QemuReplies(const Script& script) {
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
    std::this_thread::sleep_for(std::chrono::milliseconds(request.rfind("out", 0) == 0 ? 6 : 2));
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
    const std::vector<std::string> live = QemuReplies(script);
    ASSERT_FALSE(live.empty()) << script.name << ": QEMU gave no replies";
    ExpectSame(script, live, PortraceReplies(script), "live QEMU");
  }
}

}  // namespace
}  // namespace portrace::sim
