#include "devices/xenstore/xenstore_dump.h"

#include <memory>
#include <utility>

#include "absl/strings/ascii.h"
#include "absl/strings/escaping.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "base/status_macros.h"

namespace portrace::devices {
namespace {

constexpr absl::string_view kTruncationMark = "\\...";
constexpr size_t kMaxNotes = 10;
constexpr size_t kReadChunk = 64 * 1024;

bool IsOctal(char c) { return c >= '0' && c <= '7'; }

int HexDigit(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

// Whether `s` is a proper prefix of one of the escapes EscapeXenstoreValue produces: what is
// left of an escape that xenstore-ls's "%.*s" cut in half.
bool IsCutEscape(absl::string_view s) {
  if (s.size() < 2 || s.size() > 3 || s[0] != '\\') return false;
  if (s[1] == 'x') return s.size() == 2 || HexDigit(s[2]) >= 0;
  if (!IsOctal(s[1])) return false;
  return s.size() == 2 || IsOctal(s[2]);
}

std::string Excerpt(absl::string_view text, size_t max = 60) {
  if (text.size() <= max) return absl::CHexEscape(text);
  return absl::StrCat(absl::CHexEscape(text.substr(0, max)), "...");
}

}  // namespace

std::string EscapeXenstoreValue(absl::string_view raw) {
  std::string out;
  out.reserve(raw.size());
  for (char ch : raw) {
    const unsigned char c = static_cast<unsigned char>(ch);
    if (c >= ' ' && c <= '~' && c != '\\') {
      out.push_back(ch);
      continue;
    }
    switch (c) {
      case '\t':
        out += "\\t";
        break;
      case '\n':
        out += "\\n";
        break;
      case '\r':
        out += "\\r";
        break;
      case '\\':
        out += "\\\\";
        break;
      default:
        if (c < 010) {
          absl::StrAppendFormat(&out, "\\%03o", c);
        } else {
          absl::StrAppendFormat(&out, "\\x%02x", c);
        }
    }
  }
  return out;
}

absl::StatusOr<UnescapedXenstoreValue> UnescapeXenstoreValue(absl::string_view text) {
  UnescapedXenstoreValue result;
  const bool marked = absl::EndsWith(text, kTruncationMark);
  const size_t n = text.size();
  size_t i = 0;
  while (i < n) {
    const unsigned char c = static_cast<unsigned char>(text[i]);
    if (c != '\\') {
      if (c < 0x20 || c == 0x7f) {
        return absl::InvalidArgumentError(absl::StrFormat(
            "raw control byte 0x%02x at offset %u of the value (xenstore-ls escapes those)", c, i));
      }
      result.value.push_back(static_cast<char>(c));
      ++i;
      continue;
    }
    if (marked && i == n - kTruncationMark.size()) {
      result.truncated = true;
      break;
    }
    const char e = i + 1 < n ? text[i + 1] : '\0';
    size_t length = 0;
    switch (e) {
      case 't':
        result.value.push_back('\t');
        length = 2;
        break;
      case 'n':
        result.value.push_back('\n');
        length = 2;
        break;
      case 'r':
        result.value.push_back('\r');
        length = 2;
        break;
      case '\\':
        result.value.push_back('\\');
        length = 2;
        break;
      case 'x':
        if (i + 4 <= n && HexDigit(text[i + 2]) >= 0 && HexDigit(text[i + 3]) >= 0) {
          result.value.push_back(
              static_cast<char>(HexDigit(text[i + 2]) * 16 + HexDigit(text[i + 3])));
          length = 4;
        }
        break;
      default:
        if (IsOctal(e) && i + 4 <= n && IsOctal(text[i + 2]) && IsOctal(text[i + 3])) {
          const int value = (e - '0') * 64 + (text[i + 2] - '0') * 8 + (text[i + 3] - '0');
          if (value > 0377) {
            return absl::InvalidArgumentError(
                absl::StrFormat("octal escape \"%s\" at offset %u of the value is above \\377",
                                absl::CHexEscape(text.substr(i, 4)), i));
          }
          result.value.push_back(static_cast<char>(value));
          length = 4;
        }
        break;
    }
    if (length == 0) {
      if (marked && IsCutEscape(text.substr(i, n - kTruncationMark.size() - i))) {
        result.truncated = true;
        break;
      }
      return absl::InvalidArgumentError(absl::StrFormat(
          "invalid escape \"%s\" at offset %u of the value (expected \\\\, \\t, \\n, \\r, "
          "\\xHH or \\ooo)",
          absl::CHexEscape(text.substr(i, 4)), i));
    }
    i += length;
  }
  return result;
}

XenstoreDumpReader::XenstoreDumpReader(std::string file_name, XenstoreTree* tree,
                                       XenstoreDumpLimits limits)
    : file_name_(std::move(file_name)),
      tree_(tree),
      limits_(limits),
      tree_size_at_start_(tree->size()) {}

absl::Status XenstoreDumpReader::Error(absl::string_view what) const {
  return ErrorAt(line_number_, what);
}

absl::Status XenstoreDumpReader::ErrorAt(int64_t line, absl::string_view what) const {
  return absl::InvalidArgumentError(absl::StrFormat("%s:%d: %s", file_name_, line, what));
}

absl::Status XenstoreDumpReader::Fail(absl::Status status) {
  status_ = status;
  return status;
}

void XenstoreDumpReader::Note(int64_t line, absl::string_view what) {
  if (stats_.notes.size() < kMaxNotes) {
    stats_.notes.push_back(absl::StrFormat("%s:%d: %s", file_name_, line, what));
  }
}

absl::Status XenstoreDumpReader::Feed(absl::string_view chunk) {
  if (!status_.ok()) return status_;
  while (!chunk.empty()) {
    const size_t newline = chunk.find('\n');
    const absl::string_view piece = chunk.substr(0, newline);
    if (partial_.size() + piece.size() > limits_.max_line_bytes) {
      ++line_number_;
      partial_.clear();
      return Fail(Error(absl::StrFormat(
          "line longer than %u bytes (no xenstore-ls line is: values are at most 4096 bytes)",
          limits_.max_line_bytes)));
    }
    if (newline == absl::string_view::npos) {
      partial_.append(piece.data(), piece.size());
      break;
    }
    ++line_number_;
    absl::Status status;
    if (partial_.empty()) {
      status = ConsumeLine(piece);
    } else {
      partial_.append(piece.data(), piece.size());
      status = ConsumeLine(partial_);
      partial_.clear();
    }
    if (!status.ok()) return Fail(status);
    chunk.remove_prefix(newline + 1);
  }
  return absl::OkStatus();
}

absl::Status XenstoreDumpReader::Finish() {
  if (!status_.ok()) return status_;
  if (!partial_.empty()) {
    ++line_number_;
    const absl::Status status = ConsumeLine(partial_);
    partial_.clear();
    if (!status.ok()) return Fail(status);
  }
  if (has_pending_) {
    const absl::Status status = CompletePending(nullptr);
    if (!status.ok()) return Fail(status);
  }
  return absl::OkStatus();
}

absl::Status XenstoreDumpReader::ConsumeLine(absl::string_view line) {
  ++stats_.lines;
  if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
  while (!line.empty() && (line.back() == ' ' || line.back() == '\t')) line.remove_suffix(1);

  if (line.empty() || line[0] == '#') {
    // xenstore-ls prints an empty line after "path:" when the permissions are unreadable too.
    return has_pending_ ? CompletePending(nullptr) : absl::OkStatus();
  }
  if (line[0] == ' ' || line[0] == '\t') {
    const absl::string_view rest = absl::StripLeadingAsciiWhitespace(line);
    if (has_pending_ && rest.size() >= 2 && rest.front() == '(' && rest.back() == ')') {
      absl::StatusOr<XenstorePermissions> permissions =
          XenstorePermissions::Parse(rest.substr(1, rest.size() - 2));
      if (!permissions.ok()) return Error(permissions.status().message());
      return CompletePending(&*permissions);
    }
    return Error(
        "expected a node line starting with '/' (indented xenstore-ls output without -f is not "
        "supported: dump with `xenstore-ls -f -p`)");
  }
  if (has_pending_) PT_RETURN_IF_ERROR(CompletePending(nullptr));
  if (line[0] != '/') {
    return Error(absl::StrFormat(
        "expected a node line starting with '/' (`xenstore-ls -f -p` output), got \"%s\"",
        Excerpt(line, 30)));
  }

  const size_t path_end = line.find_first_of(" :");
  if (path_end == absl::string_view::npos) {
    return Error("expected ' = \"value\"' after the path");
  }
  const absl::string_view path = line.substr(0, path_end);
  if (absl::Status valid = XenstoreTree::ValidatePath(path); !valid.ok()) {
    return Error(valid.message());
  }
  const absl::string_view rest = line.substr(path_end);
  if (rest == ":") {
    // The node exists but xenstore-ls could not read its value; with -p its permissions, if
    // readable, follow on the next line.
    pending_path_ = std::string(path);
    pending_line_ = line_number_;
    has_pending_ = true;
    return absl::OkStatus();
  }
  if (!absl::StartsWith(rest, " = \"")) {
    return Error(absl::StrFormat("expected ' = \"' after the path, got \"%s\"", Excerpt(rest, 20)));
  }
  const absl::string_view body = rest.substr(4);

  absl::string_view escaped;
  std::optional<XenstorePermissions> permissions;
  if (!body.empty() && body.back() == '"') {
    escaped = body.substr(0, body.size() - 1);
  } else if (!body.empty() && body.back() == ')') {
    const size_t open = body.rfind('(');
    size_t quote = open;
    while (quote != absl::string_view::npos && quote > 0 &&
           (body[quote - 1] == ' ' || body[quote - 1] == '.')) {
      --quote;
    }
    if (open == absl::string_view::npos || quote == open || quote == 0 || body[quote - 1] != '"') {
      return Error(
          "expected the value's closing '\"', spaces and a permission list \"(n0,r1)\" at the "
          "end of the line");
    }
    absl::StatusOr<XenstorePermissions> parsed =
        XenstorePermissions::Parse(body.substr(open + 1, body.size() - open - 2));
    if (!parsed.ok()) return Error(parsed.status().message());
    permissions = *std::move(parsed);
    escaped = body.substr(0, quote - 1);
  } else {
    return Error(
        "unterminated value: expected a closing '\"' (or '\"   (permissions)') at the end of "
        "the line");
  }

  absl::StatusOr<UnescapedXenstoreValue> value = UnescapeXenstoreValue(escaped);
  if (!value.ok()) return Error(value.status().message());
  if (value->truncated) {
    ++stats_.truncated;
    Note(
        line_number_,
        absl::StrFormat(
            "the value of %s was cut by xenstore-ls at the terminal width; kept the %u bytes shown "
            "(dump to a file or pipe to get whole values)",
            path, value->value.size()));
  }
  return AddNode(line_number_, path, &value->value,
                 permissions.has_value() ? &*permissions : nullptr);
}

absl::Status XenstoreDumpReader::CompletePending(const XenstorePermissions* permissions) {
  has_pending_ = false;
  ++stats_.unreadable;
  Note(pending_line_,
       absl::StrFormat("%s was listed without a value (unreadable to the dumping domain)",
                       pending_path_));
  return AddNode(pending_line_, pending_path_, nullptr, permissions);
}

absl::Status XenstoreDumpReader::AddNode(int64_t line, absl::string_view path,
                                         const std::string* value,
                                         const XenstorePermissions* permissions) {
  auto [it, inserted] = seen_.emplace(std::string(path), line);
  if (!inserted) {
    return ErrorAt(
        line, absl::StrFormat("duplicate node %s (first listed at line %d)", path, it->second));
  }
  absl::Status status;
  if (value != nullptr) {
    status = tree_->Write(path, *value);
  } else if (!tree_->Exists(path)) {
    status = tree_->Write(path, "");
  }
  if (!status.ok()) return ErrorAt(line, status.message());
  if (tree_->size() - tree_size_at_start_ > limits_.max_nodes) {
    return absl::ResourceExhaustedError(
        absl::StrFormat("%s:%d: the dump creates more than %u nodes, the limit", file_name_, line,
                        limits_.max_nodes));
  }
  if (permissions != nullptr) {
    PT_RETURN_IF_ERROR(tree_->SetPermissions(path, *permissions));
  } else {
    ++stats_.without_permissions;
  }
  ++stats_.nodes;
  return absl::OkStatus();
}

absl::Status LoadXenstoreDump(absl::string_view text, absl::string_view file_name,
                              XenstoreTree* tree, const XenstoreDumpLimits& limits,
                              XenstoreDumpStats* stats) {
  XenstoreDumpReader reader(std::string(file_name), tree, limits);
  absl::Status status = reader.Feed(text);
  if (status.ok()) status = reader.Finish();
  if (stats != nullptr) *stats = reader.stats();
  return status;
}

absl::Status LoadXenstoreDump(trace::ByteSource* source, XenstoreTree* tree,
                              const XenstoreDumpLimits& limits, XenstoreDumpStats* stats) {
  XenstoreDumpReader reader(source->name(), tree, limits);
  std::string buffer(kReadChunk, '\0');
  absl::Status status;
  while (status.ok()) {
    absl::StatusOr<size_t> got = source->Read(buffer.data(), buffer.size());
    if (!got.ok()) {
      status = got.status();
      break;
    }
    if (*got == 0) {
      status = reader.Finish();
      break;
    }
    status = reader.Feed(absl::string_view(buffer.data(), *got));
  }
  if (stats != nullptr) *stats = reader.stats();
  return status;
}

absl::Status LoadXenstoreDumpFile(const std::string& path, XenstoreTree* tree,
                                  const XenstoreDumpLimits& limits, XenstoreDumpStats* stats) {
  PT_ASSIGN_OR_RETURN(std::unique_ptr<trace::ByteSource> source, trace::OpenFileSource(path));
  return LoadXenstoreDump(source.get(), tree, limits, stats);
}

std::string FormatXenstoreDump(const XenstoreTree& tree, bool with_permissions) {
  std::string out;
  tree.ForEach([&out, with_permissions](absl::string_view path, absl::string_view value,
                                        const XenstorePermissions& permissions) {
    // xenstore-ls lists what is below its argument; the root gets a line only if it differs
    // from a fresh store's, so that nothing is lost.
    if (path == "/" && value.empty() && permissions == XenstorePermissions()) return;
    absl::StrAppend(&out, path, " = \"", EscapeXenstoreValue(value), "\"");
    if (with_permissions) absl::StrAppend(&out, "   (", permissions.ToString(), ")");
    out.push_back('\n');
  });
  return out;
}

absl::StatusOr<XenstoreFlag> ParseXenstoreFlag(absl::string_view flag_value) {
  const size_t equals = flag_value.find('=');
  if (equals == absl::string_view::npos) {
    return absl::InvalidArgumentError(absl::StrFormat(
        "--xenstore=%s: expected PATH=VALUE (VALUE may be empty)", Excerpt(flag_value)));
  }
  XenstoreFlag flag{std::string(flag_value.substr(0, equals)),
                    std::string(flag_value.substr(equals + 1))};
  if (absl::Status valid = XenstoreTree::ValidatePath(flag.path); !valid.ok()) {
    return absl::InvalidArgumentError(
        absl::StrFormat("--xenstore=%s: %s", Excerpt(flag_value), valid.message()));
  }
  return flag;
}

absl::Status ApplyXenstoreFlag(const XenstoreFlag& flag, XenstoreTree* tree) {
  absl::Status status = tree->Write(flag.path, flag.value);
  if (status.ok()) status = tree->SetPermissions(flag.path, XenstorePermissions());
  if (!status.ok()) {
    return absl::Status(status.code(), absl::StrFormat("--xenstore=%s=%s: %s", flag.path,
                                                       Excerpt(flag.value), status.message()));
  }
  return absl::OkStatus();
}

}  // namespace portrace::devices
