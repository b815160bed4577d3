// Command-line arguments of one portrace subcommand: its flags as a table (name, value, help,
// repeatable), parsed into positional arguments and flag values, with one-line errors and the
// subcommand's --help text generated from the same table.
//
// Why not absl flags: they are process-global, so every subcommand would accept every flag and
// share one --help, and a repeated flag overwrites instead of accumulating (--xenstore=... may be
// given many times). This parser is the small piece absl leaves out; values are still parsed with
// absl (absl::SimpleAtoi and friends) by the commands.
#ifndef PORTRACE_CLI_ARGS_H_
#define PORTRACE_CLI_ARGS_H_

#include <map>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/types/span.h"

namespace portrace::cli {

struct FlagSpec {
  absl::string_view name;        // without dashes: "machine"
  absl::string_view value_name;  // "NAME"; empty for a switch (--flag with no value)
  absl::string_view help;
  bool repeatable = false;
};

struct CommandSpec {
  absl::string_view name;      // "analyze"
  absl::string_view operands;  // "TRACE"
  absl::string_view summary;   // one line
  absl::string_view details;   // further paragraphs for --help (may be empty)
  std::vector<FlagSpec> flags;
  int min_operands = 0;
  int max_operands = 0;
};

class ParsedArgs {
 public:
  bool help = false;
  std::vector<std::string> operands;

  bool Has(absl::string_view flag) const { return values_.count(std::string(flag)) > 0; }
  // The last value given, or `fallback`.
  std::string Get(absl::string_view flag, absl::string_view fallback = "") const;
  // Every value given, in order.
  std::vector<std::string> GetAll(absl::string_view flag) const;

 private:
  friend absl::StatusOr<ParsedArgs> ParseArgs(const CommandSpec&, absl::Span<const char* const>);
  std::map<std::string, std::vector<std::string>> values_;
};

// Parses `args` (after the subcommand word). Accepts --flag=value, --flag value, a lone "-" as an
// operand (standard input/output) and "--" to end flags. InvalidArgument, one line, for unknown
// flags, missing values, repeats of a flag that is not repeatable, and operand counts.
absl::StatusOr<ParsedArgs> ParseArgs(const CommandSpec& spec, absl::Span<const char* const> args);

// The subcommand's --help text.
std::string Usage(const CommandSpec& spec);

}  // namespace portrace::cli

#endif  // PORTRACE_CLI_ARGS_H_
