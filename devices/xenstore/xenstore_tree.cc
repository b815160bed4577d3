#include "devices/xenstore/xenstore_tree.h"

#include <tuple>
#include <utility>

#include "absl/container/btree_map.h"
#include "absl/strings/escaping.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "base/status_macros.h"

namespace portrace::devices {

struct XenstoreTree::Node {
  std::string value;
  XenstorePermissions permissions;
  absl::btree_map<std::string, std::unique_ptr<Node>> children;
};

// How far a path's components lead into the tree.
struct XenstoreTree::Lookup {
  std::vector<absl::string_view> components;
  // chain[0] is the root; chain[i] is the node named by the first i components.
  std::vector<Node*> chain;

  bool found() const { return chain.size() == components.size() + 1; }
  Node* node() const { return found() ? chain.back() : nullptr; }
  Node* closest() const { return chain.back(); }
  std::string closest_path() const {
    return absl::StrCat(
        "/", absl::StrJoin(components.begin(), components.begin() + (chain.size() - 1), "/"));
  }
};

namespace {

constexpr size_t kMaxQuotedPath = 120;

// A path for a one-line message: escaped, and cut if very long.
std::string QuotePath(absl::string_view path) {
  if (path.size() <= kMaxQuotedPath) return absl::StrCat("\"", absl::CHexEscape(path), "\"");
  return absl::StrFormat("\"%s...\" (%u bytes)", absl::CHexEscape(path.substr(0, kMaxQuotedPath)),
                         path.size());
}

bool IsPathChar(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' ||
         c == '/' || c == '_' || c == '@';
}

std::string ChildPath(absl::string_view parent, absl::string_view name) {
  return parent == "/" ? absl::StrCat("/", name) : absl::StrCat(parent, "/", name);
}

std::string DescribeCaller(const XenstoreCaller& caller) {
  if (caller.target.has_value()) {
    return absl::StrFormat("domain %u (targeting domain %u)", caller.domid, *caller.target);
  }
  return absl::StrFormat("domain %u", caller.domid);
}

absl::Status BadPermissions(absl::string_view text, absl::string_view why) {
  return absl::InvalidArgumentError(
      absl::StrFormat("bad xenstore permissions \"%s\": %s",
                      absl::CHexEscape(text.substr(0, kMaxQuotedPath)), why));
}

}  // namespace

char XenstoreAccessLetter(XenstoreAccess access) {
  switch (access) {
    case XenstoreAccess::kNone:
      return 'n';
    case XenstoreAccess::kRead:
      return 'r';
    case XenstoreAccess::kWrite:
      return 'w';
    case XenstoreAccess::kBoth:
      return 'b';
  }
  return '?';
}

bool operator==(const XenstorePermission& a, const XenstorePermission& b) {
  return a.domid == b.domid && a.access == b.access;
}

absl::StatusOr<XenstorePermissions> XenstorePermissions::Parse(absl::string_view text) {
  if (text.empty()) return BadPermissions(text, "empty list");
  if (text.size() > kXenstorePayloadMax) {
    return BadPermissions(
        text, absl::StrFormat("%u bytes, longer than XENSTORE_PAYLOAD_MAX", text.size()));
  }
  std::vector<XenstorePermission> entries;
  int index = 0;
  for (absl::string_view entry : absl::StrSplit(text, ',')) {
    ++index;
    const std::string where =
        absl::StrFormat("entry %d \"%s\"", index, absl::CHexEscape(entry.substr(0, 16)));
    if (entry.empty()) return BadPermissions(text, absl::StrCat(where, ": empty"));
    XenstorePermission permission;
    switch (entry[0]) {
      case 'n':
        permission.access = XenstoreAccess::kNone;
        break;
      case 'r':
        permission.access = XenstoreAccess::kRead;
        break;
      case 'w':
        permission.access = XenstoreAccess::kWrite;
        break;
      case 'b':
        permission.access = XenstoreAccess::kBoth;
        break;
      default:
        return BadPermissions(
            text, absl::StrCat(where, ": the letter must be n, r, w or b (then a domain id)"));
    }
    const absl::string_view digits = entry.substr(1);
    if (digits.empty()) return BadPermissions(text, absl::StrCat(where, ": no domain id"));
    for (char c : digits) {
      if (c < '0' || c > '9') {
        return BadPermissions(text, absl::StrCat(where, ": the domain id must be decimal"));
      }
    }
    if (digits.size() > 1 && digits[0] == '0') {
      return BadPermissions(
          text, absl::StrCat(where, ": leading zero (xenstored would read the id as octal)"));
    }
    uint32_t domid = 0;
    if (digits.size() > 5 || !absl::SimpleAtoi(digits, &domid) || domid > 0xffff) {
      return BadPermissions(text, absl::StrCat(where, ": domain id above 65535"));
    }
    permission.domid = static_cast<uint16_t>(domid);
    entries.push_back(permission);
  }
  XenstorePermissions permissions;
  permissions.entries_ = std::move(entries);
  return permissions;
}

std::string XenstorePermissions::ToString() const {
  std::string out;
  for (size_t i = 0; i < entries_.size(); ++i) {
    if (i > 0) out.push_back(',');
    out.push_back(XenstoreAccessLetter(entries_[i].access));
    absl::StrAppend(&out, entries_[i].domid);
  }
  return out;
}

XenstorePermissions& XenstorePermissions::Add(uint16_t domid, XenstoreAccess access) {
  entries_.push_back(XenstorePermission{domid, access});
  return *this;
}

XenstoreAccess XenstorePermissions::AccessFor(const XenstoreCaller& caller) const {
  auto matches = [&caller](uint16_t domid) {
    return domid == caller.domid || (caller.target.has_value() && domid == *caller.target);
  };
  // "Owners and tools get it all..."
  if (caller.privileged() || matches(entries_[0].domid)) return XenstoreAccess::kBoth;
  for (size_t i = 1; i < entries_.size(); ++i) {
    if (matches(entries_[i].domid)) return entries_[i].access;
  }
  return entries_[0].access;
}

XenstoreTree::XenstoreTree() : root_(std::make_unique<Node>()) {}

XenstoreTree::~XenstoreTree() {
  // Iterative teardown: a 3072-byte path can be 1536 levels deep.
  std::vector<std::unique_ptr<Node>> pending;
  if (root_ != nullptr) pending.push_back(std::move(root_));
  while (!pending.empty()) {
    std::unique_ptr<Node> node = std::move(pending.back());
    pending.pop_back();
    for (auto& [name, child] : node->children) pending.push_back(std::move(child));
    node->children.clear();
  }
}

XenstoreTree::XenstoreTree(XenstoreTree&& other) noexcept
    : root_(std::move(other.root_)), size_(other.size_) {
  other.root_ = std::make_unique<Node>();
  other.size_ = 1;
}

XenstoreTree& XenstoreTree::operator=(XenstoreTree&& other) noexcept {
  if (this != &other) {
    XenstoreTree discarded(std::move(*this));
    root_ = std::move(other.root_);
    size_ = other.size_;
    other.root_ = std::make_unique<Node>();
    other.size_ = 1;
  }
  return *this;
}

absl::Status XenstoreTree::ValidatePath(absl::string_view path) {
  auto invalid = [path](absl::string_view why) {
    return absl::InvalidArgumentError(
        absl::StrCat("invalid xenstore path ", QuotePath(path), ": ", why));
  };
  if (path.empty()) return invalid("empty");
  if (path[0] != '/') return invalid("not absolute (must start with '/')");
  if (path.size() > kXenstoreAbsPathMax) {
    return invalid(absl::StrFormat("%u bytes, longer than XENSTORE_ABS_PATH_MAX (%u)", path.size(),
                                   kXenstoreAbsPathMax));
  }
  for (size_t i = 0; i < path.size(); ++i) {
    if (!IsPathChar(path[i])) {
      return invalid(
          absl::StrFormat("character '%s' at offset %u is not one of a-z A-Z 0-9 - / _ @",
                          absl::CHexEscape(path.substr(i, 1)), i));
    }
  }
  if (path.size() > 1 && path.back() == '/') return invalid("ends with '/'");
  if (path.find("//") != absl::string_view::npos) return invalid("empty component ('//')");
  return absl::OkStatus();
}

XenstoreTree::Lookup XenstoreTree::Walk(absl::string_view path) const {
  Lookup lookup;
  if (path != "/") lookup.components = absl::StrSplit(path.substr(1), '/');
  lookup.chain.reserve(lookup.components.size() + 1);
  Node* node = root_.get();
  lookup.chain.push_back(node);
  for (absl::string_view name : lookup.components) {
    auto it = node->children.find(name);
    if (it == node->children.end()) break;
    node = it->second.get();
    lookup.chain.push_back(node);
  }
  return lookup;
}

absl::Status XenstoreTree::Write(absl::string_view path, absl::string_view value) {
  return Write(path, value, XenstoreCaller{});
}

absl::Status XenstoreTree::Write(absl::string_view path, absl::string_view value,
                                 const XenstoreCaller& writer) {
  PT_RETURN_IF_ERROR(ValidatePath(path));
  if (value.size() > kXenstorePayloadMax) {
    return absl::InvalidArgumentError(
        absl::StrFormat("value of %u bytes for %s is longer than XENSTORE_PAYLOAD_MAX (%u)",
                        value.size(), QuotePath(path), kXenstorePayloadMax));
  }
  const Lookup lookup = Walk(path);
  Node* node = lookup.closest();
  if (!AllowsWrite(node->permissions.AccessFor(writer))) {
    if (lookup.found()) {
      return absl::PermissionDeniedError(absl::StrFormat("%s may not write %s (%s)",
                                                         DescribeCaller(writer), QuotePath(path),
                                                         node->permissions.ToString()));
    }
    return absl::PermissionDeniedError(absl::StrFormat(
        "%s may not create %s: it may not write the closest existing ancestor %s (%s)",
        DescribeCaller(writer), QuotePath(path), QuotePath(lookup.closest_path()),
        node->permissions.ToString()));
  }
  for (size_t i = lookup.chain.size() - 1; i < lookup.components.size(); ++i) {
    auto child = std::make_unique<Node>();
    child->permissions = node->permissions;
    if (!writer.privileged()) child->permissions.set_owner(writer.domid);
    node = node->children.emplace(std::string(lookup.components[i]), std::move(child))
               .first->second.get();
    ++size_;
  }
  node->value = std::string(value);
  return absl::OkStatus();
}

absl::StatusOr<const XenstoreTree::Node*> XenstoreTree::ReadableNode(
    absl::string_view path, const XenstoreCaller& reader) const {
  PT_RETURN_IF_ERROR(ValidatePath(path));
  const Lookup lookup = Walk(path);
  const Node* closest = lookup.closest();
  const bool readable = AllowsRead(closest->permissions.AccessFor(reader));
  if (lookup.found()) {
    if (readable) return closest;
    return absl::PermissionDeniedError(absl::StrFormat("%s may not read %s (%s)",
                                                       DescribeCaller(reader), QuotePath(path),
                                                       closest->permissions.ToString()));
  }
  if (readable) return absl::NotFoundError(absl::StrCat("no xenstore node ", QuotePath(path)));
  // errno_from_parents: a caller that may not read the closest existing ancestor gets EACCES,
  // not ENOENT, so it learns nothing about what exists below.
  return absl::PermissionDeniedError(absl::StrFormat(
      "%s may not learn whether %s exists: it may not read the closest existing ancestor %s (%s)",
      DescribeCaller(reader), QuotePath(path), QuotePath(lookup.closest_path()),
      closest->permissions.ToString()));
}

absl::StatusOr<std::string> XenstoreTree::Read(absl::string_view path) const {
  return Read(path, XenstoreCaller{});
}

absl::StatusOr<std::string> XenstoreTree::Read(absl::string_view path,
                                               uint16_t reader_domid) const {
  return Read(path, XenstoreCaller::Domain(reader_domid));
}

absl::StatusOr<std::string> XenstoreTree::Read(absl::string_view path,
                                               const XenstoreCaller& reader) const {
  PT_ASSIGN_OR_RETURN(const Node* node, ReadableNode(path, reader));
  return node->value;
}

absl::StatusOr<std::vector<std::string>> XenstoreTree::Directory(absl::string_view path) const {
  return Directory(path, XenstoreCaller{});
}

absl::StatusOr<std::vector<std::string>> XenstoreTree::Directory(
    absl::string_view path, const XenstoreCaller& reader) const {
  PT_ASSIGN_OR_RETURN(const Node* node, ReadableNode(path, reader));
  std::vector<std::string> names;
  names.reserve(node->children.size());
  for (const auto& [name, child] : node->children) names.push_back(name);
  return names;
}

bool XenstoreTree::Exists(absl::string_view path) const {
  return ValidatePath(path).ok() && Walk(path).found();
}

absl::StatusOr<XenstorePermissions> XenstoreTree::GetPermissions(absl::string_view path) const {
  PT_ASSIGN_OR_RETURN(const Node* node, ReadableNode(path, XenstoreCaller{}));
  return node->permissions;
}

absl::Status XenstoreTree::SetPermissions(absl::string_view path, XenstorePermissions permissions) {
  PT_RETURN_IF_ERROR(ValidatePath(path));
  Node* node = Walk(path).node();
  if (node == nullptr)
    return absl::NotFoundError(absl::StrCat("no xenstore node ", QuotePath(path)));
  node->permissions = std::move(permissions);
  return absl::OkStatus();
}

absl::Status XenstoreTree::Remove(absl::string_view path) {
  PT_RETURN_IF_ERROR(ValidatePath(path));
  if (path == "/") return absl::InvalidArgumentError("cannot remove the xenstore root \"/\"");
  const Lookup lookup = Walk(path);
  if (!lookup.found()) {
    if (lookup.chain.size() == lookup.components.size()) return absl::OkStatus();
    return absl::NotFoundError(
        absl::StrCat("cannot remove ", QuotePath(path), ": its parent does not exist"));
  }
  Node* parent = lookup.chain[lookup.chain.size() - 2];
  auto it = parent->children.find(lookup.components.back());
  std::vector<std::unique_ptr<Node>> pending;
  pending.push_back(std::move(it->second));
  parent->children.erase(it);
  while (!pending.empty()) {
    std::unique_ptr<Node> node = std::move(pending.back());
    pending.pop_back();
    for (auto& [name, child] : node->children) pending.push_back(std::move(child));
    node->children.clear();
    --size_;
  }
  return absl::OkStatus();
}

void XenstoreTree::ForEach(absl::FunctionRef<void(absl::string_view path, absl::string_view value,
                                                  const XenstorePermissions& permissions)>
                               visit) const {
  struct Frame {
    const Node* node;
    std::string path;
  };
  std::vector<Frame> stack;
  stack.push_back(Frame{root_.get(), "/"});
  while (!stack.empty()) {
    Frame frame = std::move(stack.back());
    stack.pop_back();
    visit(frame.path, frame.node->value, frame.node->permissions);
    for (auto it = frame.node->children.rbegin(); it != frame.node->children.rend(); ++it) {
      stack.push_back(Frame{it->second.get(), ChildPath(frame.path, it->first)});
    }
  }
}

bool operator==(const XenstoreTree& a, const XenstoreTree& b) {
  if (a.size() != b.size()) return false;
  using Entry = std::tuple<std::string, std::string, XenstorePermissions>;
  auto collect = [](const XenstoreTree& tree) {
    std::vector<Entry> entries;
    entries.reserve(tree.size());
    tree.ForEach([&entries](absl::string_view path, absl::string_view value,
                            const XenstorePermissions& permissions) {
      entries.emplace_back(std::string(path), std::string(value), permissions);
    });
    return entries;
  };
  return collect(a) == collect(b);
}

}  // namespace portrace::devices
