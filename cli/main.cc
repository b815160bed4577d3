// portrace: replay and analyze x86 port I/O traces. See cli/commands.h and `portrace --help`.
#include <vector>

#include "cli/commands.h"

int main(int argc, char** argv) {
  std::vector<const char*> args(argv + 1, argv + argc);
  return portrace::cli::RunPortrace(args, portrace::cli::Streams{});
}
