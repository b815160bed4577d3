#include "cli/args.h"

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"

namespace portrace::cli {
namespace {

const FlagSpec* FindFlag(const CommandSpec& spec, absl::string_view name) {
  for (const FlagSpec& flag : spec.flags) {
    if (flag.name == name) return &flag;
  }
  return nullptr;
}

absl::Status Error(const CommandSpec& spec, absl::string_view what) {
  return absl::InvalidArgumentError(
      absl::StrCat("portrace ", spec.name, ": ", what, " (see portrace ", spec.name, " --help)"));
}

}  // namespace

std::string ParsedArgs::Get(absl::string_view flag, absl::string_view fallback) const {
  auto it = values_.find(std::string(flag));
  if (it == values_.end() || it->second.empty()) return std::string(fallback);
  return it->second.back();
}

std::vector<std::string> ParsedArgs::GetAll(absl::string_view flag) const {
  auto it = values_.find(std::string(flag));
  if (it == values_.end()) return {};
  return it->second;
}

absl::StatusOr<ParsedArgs> ParseArgs(const CommandSpec& spec, absl::Span<const char* const> args) {
  ParsedArgs parsed;
  bool flags_done = false;
  for (size_t i = 0; i < args.size(); ++i) {
    const absl::string_view arg = args[i];
    if (flags_done || arg == "-" || !absl::StartsWith(arg, "-")) {
      parsed.operands.emplace_back(arg);
      continue;
    }
    if (arg == "--") {
      flags_done = true;
      continue;
    }
    if (arg == "--help" || arg == "-h") {
      parsed.help = true;
      continue;
    }
    if (!absl::StartsWith(arg, "--")) {
      return Error(spec, absl::StrCat("unknown option '", arg, "'"));
    }
    absl::string_view body = arg.substr(2);
    absl::string_view name = body;
    absl::string_view value;
    bool has_value = false;
    if (const size_t eq = body.find('='); eq != absl::string_view::npos) {
      name = body.substr(0, eq);
      value = body.substr(eq + 1);
      has_value = true;
    }
    const FlagSpec* flag = FindFlag(spec, name);
    if (flag == nullptr) return Error(spec, absl::StrCat("unknown flag '--", name, "'"));
    if (flag->value_name.empty()) {
      if (has_value) return Error(spec, absl::StrCat("--", name, " takes no value"));
    } else if (!has_value) {
      if (i + 1 >= args.size()) {
        return Error(
            spec, absl::StrCat("--", name, " needs a value (--", name, "=", flag->value_name, ")"));
      }
      value = args[++i];
    }
    std::vector<std::string>& values = parsed.values_[std::string(name)];
    if (!values.empty() && !flag->repeatable) {
      return Error(spec, absl::StrCat("--", name, " given more than once"));
    }
    values.emplace_back(value);
  }
  if (parsed.help) return parsed;
  const int n = static_cast<int>(parsed.operands.size());
  if (n < spec.min_operands) {
    return Error(spec, absl::StrCat("missing ", spec.operands.empty() ? "operand" : spec.operands));
  }
  if (n > spec.max_operands) {
    return Error(spec,
                 absl::StrCat("unexpected operand '", parsed.operands[spec.max_operands], "'"));
  }
  return parsed;
}

std::string Usage(const CommandSpec& spec) {
  std::string out = absl::StrFormat("usage: portrace %s [flags] %s\n\n%s\n", spec.name,
                                    spec.operands, spec.summary);
  if (!spec.details.empty()) absl::StrAppend(&out, "\n", spec.details, "\n");
  out += "\nflags:\n";
  for (const FlagSpec& flag : spec.flags) {
    std::string left = absl::StrCat("  --", flag.name);
    if (!flag.value_name.empty()) absl::StrAppend(&left, "=", flag.value_name);
    absl::StrAppendFormat(&out, "%-28s %s%s\n", left, flag.help,
                          flag.repeatable ? " (repeatable)" : "");
  }
  absl::StrAppendFormat(&out, "%-28s %s\n", "  --help", "this text");
  return out;
}

}  // namespace portrace::cli
