// Text forms of a xenstore: what `xenstore-ls -f -p` prints on a real host (so a user can paste
// their host's dump), and the --xenstore=PATH=VALUE command-line flag.
//
// The dump format, from xen-project/xen tools/xenstore/xenstore_client.c (do_ls,
// sanitise_value; tools/xs-clients/ in newer trees). One node per line, parents before
// children, the root itself not printed:
//
//   /full/path = "value"                   plain `xenstore-ls -f`
//   /full/path = "value"   (n0,r5)         `-f -p`: one space, then "  (", the list, ")"
//   /full/path = "valu\..."  (n0)          value cut at the terminal width (stdout was a tty)
//   /full/path:                            the node's value could not be read; with -p the
//     (n0)                                 list, if readable, follows on the next line
//
// Values are escaped: bytes 0x20-0x7e stand for themselves except '\', which is "\\"; tab, LF
// and CR are "\t", "\n", "\r"; bytes 0-7 are "\000".."\007"; every other byte is "\xHH". A '"'
// inside a value is not escaped, so a value ends at the last '"' of the line (or the last one
// before the permission list). `-f` sets the width to "unlimited", but xenstore-ls then asks
// the terminal for its width, so a dump printed to a terminal can still have values cut short:
// they end in "\..." and are kept as the visible prefix, counted in XenstoreDumpStats.
//
// Reading also accepts: '#' comment lines and blank lines (not produced by xenstore-ls), CRLF
// line ends, the '.' padding xenstore-ls puts before the list when -f is absent, nodes listed
// before their parents (the parents are created and may be listed later), and a line for the
// root "/" (xenstore-ls never prints one). The indented tree form (xenstore-ls without -f) is
// refused: it needs -f for full paths. A node listed twice is an error.
//
// Writing produces the canonical form: `-f -p` layout, siblings sorted by name, every node
// listed (the root only when its value or list differs from a fresh store's "" and n0). Reading
// a canonical dump into an empty tree and writing it back gives the same text.
#ifndef PORTRACE_DEVICES_XENSTORE_XENSTORE_DUMP_H_
#define PORTRACE_DEVICES_XENSTORE_XENSTORE_DUMP_H_

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "devices/xenstore/xenstore_tree.h"
#include "trace/byte_source.h"

namespace portrace::devices {

// xenstore-ls's escaping of a value (sanitise_value).
std::string EscapeXenstoreValue(absl::string_view raw);

struct UnescapedXenstoreValue {
  std::string value;
  // The text ended in xenstore-ls's "\..." truncation mark; `value` is the visible prefix (an
  // escape cut in half by the truncation is dropped).
  bool truncated = false;
};
// Undoes EscapeXenstoreValue: accepts "\\", "\t", "\n", "\r", "\xHH" (either case), three octal
// digits "\ooo" up to \377, printable ASCII, and bytes >= 0x80 as themselves (older tools printed
// values raw); a final "\..." marks truncation. InvalidArgument naming the offset otherwise
// (control bytes, NUL, an unknown or short escape).
absl::StatusOr<UnescapedXenstoreValue> UnescapeXenstoreValue(absl::string_view text);

// Bounds on what one dump may do.
struct XenstoreDumpLimits {
  size_t max_line_bytes = 64 * 1024;
  size_t max_nodes = 1000000;  // nodes the dump creates, implicit parents included
};

struct XenstoreDumpStats {
  size_t lines = 0;
  size_t nodes = 0;                // node lines read
  size_t without_permissions = 0;  // plain -f lines: the node keeps inherited permissions
  size_t unreadable = 0;           // "path:" lines: created with an empty value if absent
  size_t truncated = 0;            // values cut by xenstore-ls; the prefix was stored
  std::vector<std::string> notes;  // "<file>:<line>: ..." for the first few of the above
};

// Reads dump text fed in chunks of any size into a tree (nodes are written as dom0, then given
// the listed permissions; a node without a list keeps the one it has or inherits). Holds at
// most one line in memory. On the first error every later call returns that error; the tree
// keeps the nodes of the lines before the bad one (and, for the node limit, of the bad line).
// Errors are "<file>:<line>: <what was expected>": InvalidArgument for malformed text
// (including a line longer than the limit), ResourceExhausted when the node limit is passed.
// Not thread-safe.
class XenstoreDumpReader {
 public:
  XenstoreDumpReader(std::string file_name, XenstoreTree* tree, XenstoreDumpLimits limits = {});

  absl::Status Feed(absl::string_view chunk);
  // Ends the input: the last line may lack its newline.
  absl::Status Finish();

  const XenstoreDumpStats& stats() const { return stats_; }

 private:
  absl::Status ConsumeLine(absl::string_view line);
  // Writes a node line's node (`value` null: a "path:" line, value unknown).
  absl::Status AddNode(int64_t line, absl::string_view path, const std::string* value,
                       const XenstorePermissions* permissions);
  absl::Status CompletePending(const XenstorePermissions* permissions);
  absl::Status Error(absl::string_view what) const;  // at the current line
  absl::Status ErrorAt(int64_t line, absl::string_view what) const;
  absl::Status Fail(absl::Status status);
  void Note(int64_t line, absl::string_view what);

  std::string file_name_;
  XenstoreTree* tree_;
  XenstoreDumpLimits limits_;
  size_t tree_size_at_start_;
  std::string partial_;
  int64_t line_number_ = 0;
  absl::Status status_;
  // A "path:" line waiting for its permission line.
  std::string pending_path_;
  int64_t pending_line_ = 0;
  bool has_pending_ = false;
  // Node lines seen, for duplicate detection (never iterated).
  absl::flat_hash_map<std::string, int64_t> seen_;
  XenstoreDumpStats stats_;
};

// Convenience wrappers over XenstoreDumpReader. `stats` may be null.
absl::Status LoadXenstoreDump(absl::string_view text, absl::string_view file_name,
                              XenstoreTree* tree, const XenstoreDumpLimits& limits = {},
                              XenstoreDumpStats* stats = nullptr);
absl::Status LoadXenstoreDump(trace::ByteSource* source, XenstoreTree* tree,
                              const XenstoreDumpLimits& limits = {},
                              XenstoreDumpStats* stats = nullptr);
// "-" is standard input. NotFound/PermissionDenied name the path.
absl::Status LoadXenstoreDumpFile(const std::string& path, XenstoreTree* tree,
                                  const XenstoreDumpLimits& limits = {},
                                  XenstoreDumpStats* stats = nullptr);

// The canonical dump of `tree` (see the header comment); without permissions it is plain
// `xenstore-ls -f` output.
std::string FormatXenstoreDump(const XenstoreTree& tree, bool with_permissions = true);

// --xenstore=PATH=VALUE: PATH is everything up to the first '=', VALUE the rest (may be empty,
// taken literally, no escapes).
struct XenstoreFlag {
  std::string path;
  std::string value;
};
// InvalidArgument "--xenstore=<arg>: ..." for a missing '=' or an invalid path.
absl::StatusOr<XenstoreFlag> ParseXenstoreFlag(absl::string_view flag_value);
// Writes the flag's node as dom0 and gives it the permissions "n0" (owner dom0, no access for
// anyone else); missing ancestors inherit as usual.
absl::Status ApplyXenstoreFlag(const XenstoreFlag& flag, XenstoreTree* tree);

}  // namespace portrace::devices

#endif  // PORTRACE_DEVICES_XENSTORE_XENSTORE_DUMP_H_
