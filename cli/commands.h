// The portrace subcommands (product.md "The command line"): replay, analyze, qtest, convert.
// Each takes its arguments and the streams to use, and returns the process exit code:
// 0 success (analyze: no error finding), 1 analyze found errors, 2 bad usage or unreadable input,
// with a one-line reason on the error stream.
#ifndef PORTRACE_CLI_COMMANDS_H_
#define PORTRACE_CLI_COMMANDS_H_

#include <cstdio>

#include "absl/types/span.h"

namespace portrace::cli {

struct Streams {
  FILE* in = stdin;
  FILE* out = stdout;
  FILE* err = stderr;
};

inline constexpr int kExitOk = 0;
inline constexpr int kExitFindings = 1;
inline constexpr int kExitUsage = 2;

// `args` are the words after the program name: the subcommand and its arguments.
int RunPortrace(absl::Span<const char* const> args, const Streams& streams);

}  // namespace portrace::cli

#endif  // PORTRACE_CLI_COMMANDS_H_
