// XenstoreTree: the xenstore database as xenstored keeps it — a tree of nodes, each with a value
// (an octet string, possibly empty) and a permission list — with xenstored's access rules.
//
// Concepts (sources: xen-project/xen docs/misc/xenstore.txt; tools/xenstore/xenstored_core.c,
// later tools/xenstored/core.c: perm_for_conn, construct_node, errno_from_parents,
// is_valid_nodename, do_rm; tools/xenstore/xs_lib.c: xs_perm_to_string, xs_strings_to_perms):
//
// - Path: absolute, '/'-separated, characters a-z A-Z 0-9 - / _ @ only, no empty component
//   ("//"), no trailing '/' except the root "/" itself, at most XENSTORE_ABS_PATH_MAX (3072)
//   bytes. Every existing node's parents exist.
// - Permission list: entries "<letter><domid>", letter n (none), r (read), w (write), b (both).
//   The first entry names the owner and gives the default access of every domain not listed
//   later; later entries give per-domain access, the first match winning. The text form is the
//   entries joined by ',' ("n0,r5") as `xenstore-ls -p` prints them between parentheses.
// - Access: a privileged caller (dom0 and the tools) may do anything; the owner may do anything;
//   otherwise the first later entry naming the caller's domain (or the domain it targets,
//   SET_TARGET) applies, else the owner entry's letter.
// - Creation: a write to a missing node creates every missing ancestor with an empty value. Each
//   new node copies its parent's permission list, so all of them get the closest existing
//   ancestor's list; an unprivileged writer becomes the owner of the nodes it creates (and must
//   be allowed to write the closest existing ancestor).
// - Directory order: this model lists children sorted by name (byte order). xenstored itself
//   keeps children in creation order (add_child appends), so `xenstore-ls` on a real host lists
//   them in creation order, not sorted.
// - Errors: InvalidArgument for a malformed path or value, NotFound for an absent node,
//   PermissionDenied where xenstored answers EACCES (including "absent, and the caller may not
//   read the closest existing ancestor", which xenstored reports as EACCES to hide existence).
#ifndef PORTRACE_DEVICES_XENSTORE_XENSTORE_TREE_H_
#define PORTRACE_DEVICES_XENSTORE_XENSTORE_TREE_H_

#include <cstddef>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "absl/functional/function_ref.h"
#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"

namespace portrace::devices {

// XENSTORE_ABS_PATH_MAX (xen/include/public/io/xs_wire.h).
inline constexpr size_t kXenstoreAbsPathMax = 3072;
// XENSTORE_PAYLOAD_MAX: no request, so no value, can be longer.
inline constexpr size_t kXenstorePayloadMax = 4096;

// One permission letter. The numeric values are xenstored's XS_PERM_READ/XS_PERM_WRITE bits.
enum class XenstoreAccess : uint8_t { kNone = 0, kRead = 1, kWrite = 2, kBoth = 3 };

// 'n', 'r', 'w' or 'b'.
char XenstoreAccessLetter(XenstoreAccess access);
inline bool AllowsRead(XenstoreAccess access) { return (static_cast<int>(access) & 1) != 0; }
inline bool AllowsWrite(XenstoreAccess access) { return (static_cast<int>(access) & 2) != 0; }

// Who asks: a domain, possibly a stub domain that targets another one (SET_TARGET).
struct XenstoreCaller {
  uint16_t domid = 0;
  std::optional<uint16_t> target;

  static XenstoreCaller Domain(uint16_t domid, std::optional<uint16_t> target = std::nullopt) {
    return XenstoreCaller{domid, target};
  }
  // dom0 bypasses every check. (xenstored also exempts socket connections and, in recent
  // versions, domains given the privileged flag; a model of those passes domid 0.)
  bool privileged() const { return domid == 0; }
};

struct XenstorePermission {
  uint16_t domid = 0;
  XenstoreAccess access = XenstoreAccess::kNone;
};
bool operator==(const XenstorePermission& a, const XenstorePermission& b);
inline bool operator!=(const XenstorePermission& a, const XenstorePermission& b) {
  return !(a == b);
}

// A node's permission list. Invariant: never empty; entries()[0] is the owner and the default.
// A value type; not thread-safe to mutate concurrently.
class XenstorePermissions {
 public:
  // "n0": owned by dom0, no access for anyone else (the root's list in a fresh xenstored).
  XenstorePermissions() : entries_{XenstorePermission{0, XenstoreAccess::kNone}} {}
  XenstorePermissions(uint16_t owner, XenstoreAccess default_access)
      : entries_{XenstorePermission{owner, default_access}} {}

  // Parses the text form "n0" / "n0,r1,b5". Domain ids are decimal 0..65535 without leading
  // zeros (xenstored's own parser reads "010" as octal, so such text is refused as ambiguous).
  // InvalidArgument quoting the text on any other input.
  static absl::StatusOr<XenstorePermissions> Parse(absl::string_view text);
  // The text form, e.g. "n0,r1".
  std::string ToString() const;

  // Appends a per-domain entry.
  XenstorePermissions& Add(uint16_t domid, XenstoreAccess access);
  // Replaces the owner, keeping the default letter (what construct_node does for an
  // unprivileged writer).
  void set_owner(uint16_t owner) { entries_[0].domid = owner; }

  uint16_t owner() const { return entries_[0].domid; }
  XenstoreAccess default_access() const { return entries_[0].access; }
  const std::vector<XenstorePermission>& entries() const { return entries_; }

  // What `caller` may do with a node carrying this list (xenstored's perm_for_conn).
  XenstoreAccess AccessFor(const XenstoreCaller& caller) const;

  friend bool operator==(const XenstorePermissions& a, const XenstorePermissions& b) {
    return a.entries_ == b.entries_;
  }
  friend bool operator!=(const XenstorePermissions& a, const XenstorePermissions& b) {
    return !(a == b);
  }

 private:
  std::vector<XenstorePermission> entries_;
};

// The tree. Starts with the root "/" only (empty value, "n0"). Iteration (Directory, ForEach) is
// in sorted order, so everything derived from a tree is deterministic. Movable, not copyable;
// not thread-safe.
class XenstoreTree {
 public:
  XenstoreTree();
  ~XenstoreTree();
  XenstoreTree(XenstoreTree&&) noexcept;
  XenstoreTree& operator=(XenstoreTree&&) noexcept;
  XenstoreTree(const XenstoreTree&) = delete;
  XenstoreTree& operator=(const XenstoreTree&) = delete;

  // OK if `path` is a valid absolute node path (see the header comment); else InvalidArgument
  // naming the path and the rule broken.
  static absl::Status ValidatePath(absl::string_view path);

  // Sets the value of `path`, creating it and its missing ancestors (inheriting permissions).
  // The first form writes as dom0. The second checks `writer`'s write access (to the node, or to
  // the closest existing ancestor when creating) and makes it the owner of the nodes it creates.
  // InvalidArgument for a bad path or a value longer than XENSTORE_PAYLOAD_MAX.
  absl::Status Write(absl::string_view path, absl::string_view value);
  absl::Status Write(absl::string_view path, absl::string_view value, const XenstoreCaller& writer);

  // The value of `path`, read as dom0, as domain `reader_domid`, or as `reader`.
  absl::StatusOr<std::string> Read(absl::string_view path) const;
  absl::StatusOr<std::string> Read(absl::string_view path, uint16_t reader_domid) const;
  absl::StatusOr<std::string> Read(absl::string_view path, const XenstoreCaller& reader) const;

  // Names of the children of `path`, sorted by name. Needs read access like Read.
  absl::StatusOr<std::vector<std::string>> Directory(absl::string_view path) const;
  absl::StatusOr<std::vector<std::string>> Directory(absl::string_view path,
                                                     const XenstoreCaller& reader) const;

  // Whether `path` exists (false for an invalid path). No permission check.
  bool Exists(absl::string_view path) const;

  absl::StatusOr<XenstorePermissions> GetPermissions(absl::string_view path) const;
  // Replaces the list of an existing node (as dom0). NotFound if absent.
  absl::Status SetPermissions(absl::string_view path, XenstorePermissions permissions);

  // Removes `path` and everything below it. Like xenstored: OK if `path` is absent but its
  // parent exists, NotFound if the parent is absent too, InvalidArgument for the root.
  absl::Status Remove(absl::string_view path);

  // Number of nodes, the root included.
  size_t size() const { return size_; }

  // Visits every node in pre-order (a parent before its children, siblings sorted by name),
  // starting with the root "/".
  void ForEach(absl::FunctionRef<void(absl::string_view path, absl::string_view value,
                                      const XenstorePermissions& permissions)>
                   visit) const;

  // Same nodes with the same values and permission lists.
  friend bool operator==(const XenstoreTree& a, const XenstoreTree& b);
  friend bool operator!=(const XenstoreTree& a, const XenstoreTree& b) { return !(a == b); }

 private:
  struct Node;
  struct Lookup;
  // Walks as far down `path` (already validated) as nodes exist.
  Lookup Walk(absl::string_view path) const;
  absl::StatusOr<const Node*> ReadableNode(absl::string_view path,
                                           const XenstoreCaller& reader) const;

  std::unique_ptr<Node> root_;
  size_t size_ = 1;
};

}  // namespace portrace::devices

#endif  // PORTRACE_DEVICES_XENSTORE_XENSTORE_TREE_H_
