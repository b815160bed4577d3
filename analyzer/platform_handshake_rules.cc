#include "analyzer/platform_handshake_rules.h"

#include <string>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "analyzer/describe.h"
#include "analyzer/platform_access.h"

namespace portrace::analyzer {
namespace {

// xen/include/public/hvm/pvdrivers.h
bool IsRegisteredProduct(uint64_t product) {
  return (product >= 1 && product <= 5) || product == 0xffff;
}

class PlatformHandshakeRules : public Rule {
 public:
  explicit PlatformHandshakeRules(const sim::MachineProfile& profile)
      : absent_(profile.platform == sim::PlatformFlavour::kNone),
        xenserver_(profile.platform == sim::PlatformFlavour::kXenServer) {}

  absl::string_view name() const override { return "platform.handshake"; }

  void OnEvent(const sim::ReplayedEvent& event, FindingEmitter& out) override {
    if (IsRestartMarker(event)) {
      *this = PlatformHandshakeRules(absent_, xenserver_);
      return;
    }
    const std::optional<PlatformAccess> a = ClassifyPlatformAccess(event);
    if (!a.has_value()) return;
    const std::string access = DescribeAccess(event.event);

    if (absent_) {
      if (a->write) {
        out.Emit("platform.absent-device-traffic",
                 absl::StrCat(access,
                              ": no platform device on this machine answers 0x10-0x1f "
                              "(a magic read gives 0xffff); the driver should stop"),
                 absl::StrFormat("%x/%u", a->port, a->width));
      }
      return;
    }
    if (a->string_io && !(a->op == PlatformOp::kLogByte)) {
      out.Emit("platform.string-io",
               absl::StrCat(access,
                            ": part of a string instruction (REP INS/OUTS); every "
                            "element repeats the protocol step"),
               absl::StrFormat("%x/%u/%d", a->port, a->width, a->write));
    }
    if (magic_ == Magic::kMismatch && (a->write || a->op == PlatformOp::kVersionRead)) {
      out.Emit("platform.continue-after-mismatch",
               absl::StrFormat("%s after the magic read gave 0x%x (#%u): a driver must do "
                               "nothing, not even log",
                               access, mismatch_value_, mismatch_event_),
               "mismatch");
      return;
    }

    switch (a->op) {
      case PlatformOp::kMagicRead:
        OnMagicRead(event, *a, out);
        break;
      case PlatformOp::kFlagsRead:
        if (magic_reads_ == 0) {
          out.Emit("platform.magic-width",
                   absl::StrCat(access,
                                ": a 1-byte read of 0x10 returns the platform flags, not "
                                "the magic (read 2 bytes)"),
                   "byte");
        }
        break;
      case PlatformOp::kOtherRead:
        if (a->port == 0x10) {
          out.Emit("platform.magic-width",
                   absl::StrCat(access, ": a ", a->width,
                                "-byte read of 0x10 returns all ones, not the magic (read 2 "
                                "bytes)"),
                   absl::StrCat("w", a->width));
        }
        break;
      case PlatformOp::kVersionRead:
        version_read_ = true;
        version_ = a->value;
        break;
      case PlatformOp::kWideVersionRead:
        out.Emit("platform.version-width",
                 absl::StrCat(access, ": the protocol version is a 1-byte read of 0x12; a ",
                              a->width, "-byte read returns all ones"),
                 absl::StrCat("w", a->width));
        break;
      case PlatformOp::kMask:
        BeforeIdentification(event, access, "the unplug mask", out);
        if (magic_ == Magic::kBlacklisted) {
          out.Emit("platform.use-after-blacklist",
                   absl::StrFormat("%s: unplug after the magic read 0xd249 (#%u): blacklisted "
                                   "drivers must not load or unplug",
                                   access, blacklisted_event_),
                   "unplug");
        }
        if (build_since_magic_) {
          out.Emit("platform.magic-not-rechecked",
                   absl::StrFormat("%s: unplug after the build write (#%u) without reading the "
                                   "magic again; a blacklisting would go unnoticed",
                                   access, build_event_),
                   "recheck");
        }
        // An unplug completes the handshake (one made before any magic read is no handshake).
        if (magic_reads_ > 0) handshake_used_ = true;
        break;
      case PlatformOp::kProduct:
        if (product_written_ && !handshake_used_) {
          // Identifying again without an unplug in between: the driver starts over.
          ReportRepeat(event, out);
        }
        BeforeIdentification(event, access, "the product number", out);
        CheckVersionBeforeIdentification(access, "product", out);
        CheckProduct(access, a->value, out);
        product_written_ = true;
        break;
      case PlatformOp::kBuild:
        BeforeIdentification(event, access, "the build number", out);
        CheckVersionBeforeIdentification(access, "build", out);
        if (!product_written_) {
          out.Emit("platform.build-before-product",
                   absl::StrCat(access,
                                ": build number before any product number; qemu-dm "
                                "ignores it (\"tried to set their version number before "
                                "setting the product number\") and skips the blacklist"),
                   "build-before-product");
        }
        if (a->value >= 0x80000000u) {
          out.Emit("platform.build-negative",
                   absl::StrFormat("%s: build %u is looked up as %d (qemu-dm formats it signed); "
                                   "a blacklist entry written as %u will not match",
                                   access, a->value, static_cast<int32_t>(a->value), a->value),
                   absl::StrCat(a->value));
        }
        build_since_magic_ = true;
        build_event_ = event.index;
        break;
      case PlatformOp::kFlagsWrite:
        if (a->value > 1) {
          out.Emit("platform.width-confusion",
                   absl::StrFormat("%s: a 1-byte write to 0x10 sets the platform flags (only "
                                   "bit 0, the ROM lock, sticks), it is not an unplug mask "
                                   "(write 2 bytes)",
                                   access),
                   "flags");
        }
        break;
      case PlatformOp::kV2Type:
        BeforeIdentification(event, access, "a version-2 unplug type", out);
        break;
      case PlatformOp::kV2Port:
        BeforeIdentification(event, access, "a version-2 request or index", out);
        if (v2_port_written_ && magic_ == Magic::kBlacklisted) {
          out.Emit("platform.use-after-blacklist",
                   absl::StrFormat("%s: version-2 unplug index after the magic read 0xd249 (#%u)",
                                   access, blacklisted_event_),
                   "unplug-v2");
        }
        if (v2_port_written_ && magic_reads_ > 0) handshake_used_ = true;  // an unplug index
        v2_port_written_ = true;
        break;
      case PlatformOp::kOtherWrite:
        if (a->port == 0x12) break;  // outl/outw-at-odd 0x12: the log rules report it
        out.Emit("platform.width-confusion",
                 absl::StrFormat("%s: no meaning at this port and width%s", access,
                                 a->width == 4 && xenserver_
                                     ? "; XenServer's qemu-dm takes it as a build number"
                                     : ""),
                 absl::StrFormat("%x/%u", a->port, a->width));
        break;
      case PlatformOp::kLogByte:
        break;  // the log rules
    }
  }

 private:
  enum class Magic { kUnread, kOk, kBlacklisted, kMismatch };

  PlatformHandshakeRules(bool absent, bool xenserver) : absent_(absent), xenserver_(xenserver) {}

  // The handshake starts over within one boot: report it and expect identification again.
  void ReportRepeat(const sim::ReplayedEvent& event, FindingEmitter& out) {
    out.Emit("platform.repeated-handshake",
             absl::StrFormat("%s: the handshake starts again within one boot (no resume marker "
                             "since the last one); a driver reload or a bug?",
                             DescribeAccess(event.event)),
             "repeat");
    product_written_ = false;
    version_read_ = false;
    handshake_used_ = false;
  }

  void OnMagicRead(const sim::ReplayedEvent& event, const PlatformAccess& a, FindingEmitter& out) {
    if (handshake_used_) ReportRepeat(event, out);
    ++magic_reads_;
    build_since_magic_ = false;
    if (a.value == 0x49d2) {
      magic_ = Magic::kOk;
    } else if (a.value == 0xd249) {
      magic_ = Magic::kBlacklisted;
      blacklisted_event_ = event.index;
    } else {
      magic_ = Magic::kMismatch;
      mismatch_value_ = a.value;
      mismatch_event_ = event.index;
    }
  }

  void BeforeIdentification(const sim::ReplayedEvent& event, const std::string& access,
                            absl::string_view what, FindingEmitter& out) {
    if (magic_reads_ > 0) return;
    out.Emit("platform.write-before-magic",
             absl::StrCat(access, ": writes ", what,
                          " before reading the magic at 0x10; the driver cannot know there is a "
                          "platform device"),
             std::string(what));
  }

  void CheckVersionBeforeIdentification(const std::string& access, absl::string_view what,
                                        FindingEmitter& out) {
    if (!version_read_) {
      out.Emit("platform.ident-without-version",
               absl::StrCat(access, ": writes the ", what,
                            " without reading the protocol version at 0x12 first (XenServer's "
                            "qemu-dm drops it while the version is 0)"),
               std::string(what));
    } else if (version_ == 0) {
      out.Emit("platform.ident-after-version0",
               absl::StrCat(access, ": writes the ", what,
                            " although the protocol version read 0 (skip to the unplug)"),
               std::string(what));
    }
  }

  void CheckProduct(const std::string& access, uint64_t product, FindingEmitter& out) {
    if (product == 0) {
      out.Emit("platform.product-zero",
               absl::StrCat(access,
                            ": product 0 reads as \"not set\"; the build number that "
                            "follows is ignored"),
               "0");
    } else if (!IsRegisteredProduct(product)) {
      out.Emit("platform.product-unregistered",
               absl::StrFormat("%s: product %u is not in xen's pvdrivers.h registry; no blacklist "
                               "can name it",
                               access, product),
               absl::StrCat(product));
    }
    if (product == 0xffff) {
      out.Emit("platform.product-experimental",
               absl::StrCat(access,
                            ": product 0xffff is reserved for unreleased development "
                            "drivers"),
               "ffff");
    }
    if (product == 3) {
      out.Emit("platform.product-collision",
               absl::StrCat(access,
                            ": product 3 is \"linux\" in the registry, but XenServer's "
                            "qemu-dm decodes its build as (device id << 8) | revision"),
               "3");
    }
  }

  bool absent_;
  bool xenserver_;
  Magic magic_ = Magic::kUnread;
  int magic_reads_ = 0;
  uint64_t mismatch_value_ = 0;
  uint64_t mismatch_event_ = 0;
  uint64_t blacklisted_event_ = 0;
  bool version_read_ = false;
  uint64_t version_ = 0;
  bool product_written_ = false;
  bool build_since_magic_ = false;
  uint64_t build_event_ = 0;
  bool v2_port_written_ = false;
  bool handshake_used_ = false;
};

}  // namespace

std::unique_ptr<Rule> CreatePlatformHandshakeRules(const sim::MachineProfile& profile) {
  return std::make_unique<PlatformHandshakeRules>(profile);
}

}  // namespace portrace::analyzer
