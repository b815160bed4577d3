#include "devices/platform/platform_device.h"

#include <cctype>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_join.h"

namespace portrace::devices {
namespace {

constexpr uint8_t kUnplugIdeDisks = 1 << 0;
constexpr uint8_t kUnplugNics = 1 << 1;
constexpr uint8_t kUnplugAuxIdeDisks = 1 << 2;
constexpr uint8_t kUnplugNvme = 1 << 3;
constexpr uint8_t kV2TypeIde = 1;
constexpr uint8_t kV2TypeNic = 2;

}  // namespace

absl::StatusOr<std::unique_ptr<PlatformDevice>> PlatformDevice::Create(
    const PlatformOptions& options) {
  if (options.behaviour == nullptr || options.machine == nullptr || options.unplug == nullptr) {
    return absl::InvalidArgumentError(
        "platform device: behaviour, machine and unplug target needed");
  }
  if (options.behaviour->blacklist && options.blacklist == nullptr) {
    return absl::InvalidArgumentError(
        absl::StrCat("platform device: ", options.behaviour->name, " needs a driver blacklist"));
  }
  std::unique_ptr<PlatformDevice> device(new PlatformDevice(options));
  sim::PortMapping fixed;
  fixed.name = "xen-fixed";
  fixed.base = kPlatformFixedBase;
  fixed.length = kPlatformFixedLength;
  fixed.region = &device->fixed_;
  // QEMU's platform_fixed_io_ops: 1-4 bytes, unaligned valid and implemented; qemu-dm registers
  // handlers for every width at every port of the range, which behaves the same.
  fixed.rules = sim::AccessRules::Ops(1, 4, true, 1, 4, true);
  absl::StatusOr<sim::IoSpace::MappingId> mapped = options.machine->io().Map(fixed);
  if (!mapped.ok()) return mapped.status();
  return device;
}

PlatformDevice::PlatformDevice(const PlatformOptions& options)
    : behaviour_(*options.behaviour),
      machine_(options.machine),
      unplug_(options.unplug),
      blacklist_(options.blacklist),
      throttling_disabled_(options.throttling_disabled),
      fixed_(this),
      bar0_(this) {}

void PlatformDevice::Publish(absl::string_view kind, uint64_t value, std::string text,
                             bool show_in_summary) {
  sim::DeviceEvent event;
  event.device = "platform";
  event.kind = std::string(kind);
  event.value = value;
  event.text = std::move(text);
  event.show_in_summary = show_in_summary;
  machine_->events().Publish(event);
}

std::string PlatformDevice::Describe(absl::string_view what,
                                     const std::vector<std::string>& removed) {
  if (removed.empty()) return absl::StrCat(what, ": none present");
  return absl::StrCat(what, ": ", absl::StrJoin(removed, ", "));
}

uint16_t PlatformDevice::Magic() const {
  return blacklisted_ ? kPlatformMagicBlacklisted : kPlatformMagic;
}

bool PlatformDevice::SetVersion(uint8_t version) {
  if (version_set_) return false;
  version_ = version;
  version_set_ = true;
  // XenServer: asking for version 2 means "blacklisted until identified".
  if (version > 1) blacklisted_ = true;
  return true;
}

uint8_t PlatformDevice::ReadVersion() {
  uint8_t version = 1;
  if (behaviour_.version2) {
    SetVersion(1);
    version = version_;
  }
  Publish("version-read", version);
  return version;
}

void PlatformDevice::WriteFlags(uint8_t value) {
  flags_ = value & 1;  // PFFLAG_ROM_LOCK; other bits are dropped
  Publish("flags-write", flags_);
}

void PlatformDevice::WriteProduct(uint16_t value) {
  if (behaviour_.version2 && version_ == 0) {
    Publish("product-write", value, "ignored: unplug protocol version 0");
    return;
  }
  product_ = value;
  Publish("product-write", value);
}

void PlatformDevice::WriteBuild(uint32_t value) {
  if (!behaviour_.blacklist) {
    Publish("build-write", value, "no effect: upstream QEMU discards the build number");
    return;
  }
  if (behaviour_.version2 && version_ == 0) {
    Publish("build-write", value, "ignored: unplug protocol version 0");
    return;
  }
  if (behaviour_.build_needs_product && product_ == 0) {
    Publish("build-write", value, "ignored: product number not set");
    return;
  }
  const DriverBlacklist::Verdict verdict = blacklist_->Check(product_, value);
  if (behaviour_.blacklist_sticky) {
    blacklisted_ = blacklisted_ || verdict.blacklisted;
  } else {
    blacklisted_ = verdict.blacklisted;
  }
  Publish(
      "build-write", value,
      absl::StrCat(verdict.blacklisted ? "blacklisted: " : "not blacklisted: ", verdict.reason));
}

void PlatformDevice::WriteMask(uint16_t mask) {
  if (behaviour_.version2) {
    if (version_ > 1) {
      Publish("unplug", mask, "ignored: unplug protocol version 2 is active");
      return;
    }
    if (blacklisted_) {
      Publish("unplug", mask, "refused: drivers are blacklisted");
      return;
    }
  }
  std::vector<std::string> parts;
  if (behaviour_.nvme_bit) {
    // Upstream QEMU: any disk bit walks the bus; "aux" only when bit 2 comes without bit 0.
    // IDE disks and SCSI controllers go unless aux, even when only bit 3 (NVMe) is set.
    if (mask & (kUnplugIdeDisks | kUnplugAuxIdeDisks | kUnplugNvme)) {
      const bool aux = (mask & kUnplugAuxIdeDisks) && !(mask & kUnplugIdeDisks);
      parts.push_back(Describe(aux ? "aux IDE disks" : "IDE disks", unplug_->UnplugIdeDisks(aux)));
      if (!aux) parts.push_back(Describe("SCSI controllers", unplug_->UnplugScsiControllers()));
      if (mask & kUnplugNvme) {
        parts.push_back(Describe("NVMe controllers", unplug_->UnplugNvmeControllers()));
      }
    }
    if (mask & kUnplugNics) parts.push_back(Describe("NICs", unplug_->UnplugNics()));
  } else {
    // qemu-dm: each bit acts on its own, in this order; bit 3 and up are ignored.
    if (mask & kUnplugIdeDisks) {
      parts.push_back(Describe("IDE disks", unplug_->UnplugIdeDisks(false)));
    }
    if (mask & kUnplugNics) parts.push_back(Describe("NICs", unplug_->UnplugNics()));
    if (mask & kUnplugAuxIdeDisks) {
      parts.push_back(Describe("aux IDE disks", unplug_->UnplugIdeDisks(true)));
    }
  }
  Publish("unplug", mask, parts.empty() ? "nothing requested" : absl::StrJoin(parts, "; "));
}

void PlatformDevice::WriteVersion2Port(uint8_t value) {
  if (SetVersion(value)) {
    Publish("version-request", value);
    return;
  }
  if (version_ != 2) return;  // not an unplug index outside version 2
  const uint64_t code = uint64_t{unplug_type_} << 8 | value;
  if (blacklisted_) {
    Publish("unplug-v2", code, "refused: drivers are blacklisted");
    return;
  }
  switch (unplug_type_) {
    case kV2TypeIde:
      Publish("unplug-v2", code,
              Describe(absl::StrCat("IDE disk ", value), unplug_->UnplugIdeDisk(value)));
      break;
    case kV2TypeNic:
      Publish("unplug-v2", code, Describe(absl::StrCat("NIC ", value), unplug_->UnplugNic(value)));
      break;
    default:
      Publish("unplug-v2", code, absl::StrFormat("ignored: unrecognised type %02x", unplug_type_));
      break;
  }
}

void PlatformDevice::LogByte(uint8_t byte, absl::string_view source) {
  Publish("log-byte", byte, std::string(source));
  if (byte == '\n' || log_.size() == kPlatformLogBufferSize - 1) {
    // The byte that meets a full buffer is lost: the flush takes its place.
    const bool overflow = byte != '\n';
    if (overflow) Publish("log-byte-dropped", byte, "buffer full");
    FlushLog(overflow);
    return;
  }
  char c = static_cast<char>(byte);
  if (behaviour_.sanitise_log) {
    if (std::isspace(static_cast<unsigned char>(c))) c = ' ';
    if (c != ' ' && !std::isgraph(static_cast<unsigned char>(c))) {
      Publish("log-byte-dropped", byte, "not printable");
      return;
    }
  }
  log_.push_back(c);
}

void PlatformDevice::FlushLog(bool overflow) {
  std::string line;
  line.swap(log_);
  if (behaviour_.throttle && !throttling_disabled_) {
    const uint64_t stall = bucket_.Take(line.size(), machine_->clock().now());
    if (stall > 0) {
      Publish("log-throttled", stall, line);
      machine_->clock().Stall(stall);
    }
  }
  if (overflow) Publish("log-overflow", line.size());
  const uint64_t length = line.size();
  Publish("log-line", length, std::move(line), /*show_in_summary=*/true);
}

uint64_t PlatformDevice::FixedPorts::Read(uint64_t offset, unsigned width) {
  PlatformDevice& d = *device_;
  switch (width) {
    case 1:
      if (offset == 0) return d.flags_;
      if (offset == 2) return d.ReadVersion();
      return 0xff;
    case 2:
      if (offset == 0) {
        const uint16_t magic = d.Magic();
        d.Publish("magic-read", magic);
        return magic;
      }
      return 0xffff;
    default:
      return 0xffffffff;
  }
}

void PlatformDevice::FixedPorts::Write(uint64_t offset, unsigned width, uint64_t value) {
  PlatformDevice& d = *device_;
  switch (width) {
    case 1:
      if (offset == 0) {
        d.WriteFlags(static_cast<uint8_t>(value));
      } else if (offset == 1 && d.behaviour_.version2) {
        if (d.version_ == 2) d.unplug_type_ = static_cast<uint8_t>(value);
      } else if (offset == 2) {
        d.LogByte(static_cast<uint8_t>(value), "port");
      } else if (offset == 3 && d.behaviour_.version2) {
        d.WriteVersion2Port(static_cast<uint8_t>(value));
      }
      return;
    case 2:
      if (offset == 0) {
        d.WriteMask(static_cast<uint16_t>(value));
      } else if (offset == 2) {
        d.WriteProduct(static_cast<uint16_t>(value));
      }
      return;
    case 4:
      if (offset == 0 || d.behaviour_.build_at_any_port) d.WriteBuild(static_cast<uint32_t>(value));
      return;
    default:
      return;
  }
}

uint64_t PlatformDevice::Bar0::Read(uint64_t offset, unsigned width) {
  return offset == 0 ? device_->flags_ : 0xff;
}

void PlatformDevice::Bar0::Write(uint64_t offset, unsigned width, uint64_t value) {
  PlatformDevice& d = *device_;
  const uint8_t byte = static_cast<uint8_t>(value);
  d.Publish("bar-write", offset << 8 | byte);
  switch (offset) {
    case 0:
      d.WriteFlags(byte);
      return;
    case 4:
      if (d.behaviour_.bar_legacy_unplug && byte == 1) {
        // SUSE xen-kmp / old VMDP: unplug everything, no questions asked.
        // Each removal in turn (function arguments would run in any order).
        std::vector<std::string> parts;
        parts.push_back(Describe("IDE disks", d.unplug_->UnplugIdeDisks(false)));
        parts.push_back(Describe("SCSI controllers", d.unplug_->UnplugScsiControllers()));
        parts.push_back(Describe("NICs", d.unplug_->UnplugNics()));
        d.Publish("legacy-unplug", byte, absl::StrJoin(parts, "; "));
      }
      return;
    case 8:
      if (d.behaviour_.bar_legacy_unplug && byte == 1) {
        std::vector<std::string> parts;
        parts.push_back(Describe("IDE disks", d.unplug_->UnplugIdeDisks(false)));
        parts.push_back(Describe("SCSI controllers", d.unplug_->UnplugScsiControllers()));
        d.Publish("legacy-unplug", byte, absl::StrJoin(parts, "; "));
      } else if (d.behaviour_.bar_legacy_unplug && byte == 2) {
        d.Publish("legacy-unplug", byte, Describe("NICs", d.unplug_->UnplugNics()));
      } else {
        d.LogByte(byte, "bar");
      }
      return;
    default:
      return;
  }
}

}  // namespace portrace::devices
