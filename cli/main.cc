// portrace: replay and analyze x86 port I/O traces. See cli/commands.h and `portrace --help`.
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <vector>

#include "cli/commands.h"

int main(int argc, char** argv) {
  // Under `bazel run` the process starts in the runfiles tree; relative paths the user typed are
  // relative to where they typed them.
  if (const char* dir = std::getenv("BUILD_WORKING_DIRECTORY"); dir != nullptr && *dir != '\0') {
    if (chdir(dir) != 0) {
      std::fprintf(stderr, "portrace: cannot enter %s\n", dir);
      return portrace::cli::kExitUsage;
    }
  }
  std::vector<const char*> args(argv + 1, argv + argc);
  return portrace::cli::RunPortrace(args, portrace::cli::Streams{});
}
