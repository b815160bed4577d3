// PlatformDevice: the Xen HVM platform device (protocol.md §a-§c) in one of its three flavours.
//
// It answers the fixed ports 0x10-0x1f (magic, flags, protocol version, product and build
// numbers, unplug mask, log byte, XenServer's version-2 ports), its PCI function's I/O BAR0
// (flags at +0, the legacy unplug at +4 and the log at +8) and its 16 MiB MMIO BAR1, with the
// semantics of the flavour (PlatformBehaviour). Everything it does is published as a device
// event on the machine's bus (device "platform"; kinds listed below), so rules observe the
// protocol without reaching in.
//
// The device does not know how disks and NICs are removed: an UnplugTarget does (the machine
// builder implements it over the PCI bus and the IDE controller). Nor does it read xenstore
// itself: a DriverBlacklist answers whether a product/build is blacklisted, and the builder
// tells it whether log throttling is disabled (xenstore "log-throttling" = "0").
//
// Events (device "platform"):
//   magic-read       value = the magic returned
//   version-read     value = the version returned
//   flags-write      value = the new flags (bit 0: ROM lock)
//   product-write    value = product; text "ignored: ..." when the flavour ignores it
//   build-write      value = build; text = outcome ("not blacklisted", "blacklisted: <path>",
//                    "ignored: product not set", "ignored: version 0")
//   version-request  value = the version written to 0x13 (XenServer)
//   unplug           value = mask; text = what went, or why nothing did
//                    ("refused: drivers are blacklisted", "ignored: ... version 2 is active")
//   unplug-v2        value = type << 8 | index; text as unplug
//   bar-write        value = offset << 8 | byte, for every byte written to BAR0
//   legacy-unplug    value = the byte written to BAR0+4 or BAR0+8; text as unplug
//   log-byte         value = the byte; text "port" (0x12) or "bar" (BAR0+8)
//   log-line         value = length; text = the line as the device model logs it (summary)
//   log-overflow     value = length: the line was flushed because the buffer was full
//   log-byte-dropped value = the byte (discarded at a full buffer, or by XenServer's sanitiser)
//   log-throttled    value = nanoseconds the vCPU is stalled; text = the line
// Not thread-safe.
#ifndef PORTRACE_DEVICES_PLATFORM_PLATFORM_DEVICE_H_
#define PORTRACE_DEVICES_PLATFORM_PLATFORM_DEVICE_H_

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/strings/string_view.h"
#include "devices/platform/platform_flavour.h"
#include "devices/platform/token_bucket.h"
#include "sim/device.h"
#include "sim/io_region.h"
#include "sim/machine.h"

namespace portrace::devices {

inline constexpr uint16_t kPlatformMagic = 0x49d2;
inline constexpr uint16_t kPlatformMagicBlacklisted = 0xd249;
inline constexpr uint32_t kPlatformFixedBase = 0x10;
inline constexpr uint32_t kPlatformFixedLength = 0x10;
inline constexpr uint32_t kPlatformBar0Size = 0x100;
inline constexpr uint64_t kPlatformBar1Size = 0x1000000;
inline constexpr size_t kPlatformLogBufferSize = 4096;

// What an unplug request does to the machine. Each call returns a description of every device
// removed ("00:04.0 rtl8139"), empty when there was nothing to remove.
class UnplugTarget {
 public:
  virtual ~UnplugTarget() = default;
  virtual std::vector<std::string> UnplugIdeDisks(bool keep_primary_master) = 0;
  virtual std::vector<std::string> UnplugScsiControllers() = 0;
  virtual std::vector<std::string> UnplugNvmeControllers() = 0;
  virtual std::vector<std::string> UnplugNics() = 0;
  // XenServer version 2: the index-th IDE disk / NIC.
  virtual std::vector<std::string> UnplugIdeDisk(int index) = 0;
  virtual std::vector<std::string> UnplugNic(int index) = 0;
};

// Whether the host blacklists a product/build (the device model's xenstore lookup).
class DriverBlacklist {
 public:
  virtual ~DriverBlacklist() = default;
  struct Verdict {
    bool blacklisted = false;
    std::string reason;  // "not in the registry", "<path> absent", "<path> found", ...
  };
  virtual Verdict Check(uint16_t product, uint32_t build) = 0;
};

struct PlatformOptions {
  const PlatformBehaviour* behaviour = nullptr;  // required
  sim::Machine* machine = nullptr;               // required
  UnplugTarget* unplug = nullptr;                // required
  DriverBlacklist* blacklist = nullptr;          // required when behaviour->blacklist
  bool throttling_disabled = false;              // xenstore log-throttling = "0"
};

class PlatformDevice : public sim::Device {
 public:
  // Maps the fixed ports. BAR0 and BAR1 are served by bar0_region()/bar1_region(), which the
  // PCI function maps where the guest programs them.
  static absl::StatusOr<std::unique_ptr<PlatformDevice>> Create(const PlatformOptions& options);

  absl::string_view name() const override { return "platform"; }

  sim::IoRegion* bar0_region() { return &bar0_; }
  sim::IoRegion* bar1_region() { return &bar1_; }
  const sim::AccessRules& bar0_rules() const { return behaviour_.bar0_rules; }

  // State, for tests and summaries.
  bool blacklisted() const { return blacklisted_; }
  uint8_t flags() const { return flags_; }
  uint16_t product() const { return product_; }
  uint8_t unplug_version() const { return version_; }
  size_t pending_log_bytes() const { return log_.size(); }

 private:
  // The fixed ports 0x10-0x1f; offsets are relative to 0x10.
  class FixedPorts : public sim::IoRegion {
   public:
    explicit FixedPorts(PlatformDevice* device) : device_(device) {}
    uint64_t Read(uint64_t offset, unsigned width) override;
    void Write(uint64_t offset, unsigned width, uint64_t value) override;

   private:
    PlatformDevice* device_;
  };
  // BAR0: I/O, 0x100 bytes.
  class Bar0 : public sim::IoRegion {
   public:
    explicit Bar0(PlatformDevice* device) : device_(device) {}
    uint64_t Read(uint64_t offset, unsigned width) override;
    void Write(uint64_t offset, unsigned width, uint64_t value) override;

   private:
    PlatformDevice* device_;
  };
  // BAR1: 16 MiB of MMIO that reads 0 and ignores writes.
  class Bar1 : public sim::IoRegion {
   public:
    uint64_t Read(uint64_t, unsigned) override { return 0; }
    void Write(uint64_t, unsigned, uint64_t) override {}
  };

  explicit PlatformDevice(const PlatformOptions& options);

  uint16_t Magic() const;
  uint8_t ReadVersion();
  void WriteFlags(uint8_t value);
  void WriteProduct(uint16_t value);
  void WriteBuild(uint32_t value);
  void WriteMask(uint16_t mask);
  void WriteVersion2Port(uint8_t value);  // 0x13
  void LogByte(uint8_t byte, absl::string_view source);
  void FlushLog(bool overflow);
  // XenServer: the first version written (or implied by reading 0x12) sticks.
  bool SetVersion(uint8_t version);
  void Publish(absl::string_view kind, uint64_t value, std::string text = "",
               bool show_in_summary = false);
  // "nics: 00:04.0 rtl8139; disks: none present"
  static std::string Describe(absl::string_view what, const std::vector<std::string>& removed);

  const PlatformBehaviour& behaviour_;
  sim::Machine* machine_;
  UnplugTarget* unplug_;
  DriverBlacklist* blacklist_;
  bool throttling_disabled_;
  FixedPorts fixed_;
  Bar0 bar0_;
  Bar1 bar1_;
  TokenBucket bucket_;

  uint8_t flags_ = 0;
  uint16_t product_ = 0;
  bool blacklisted_ = false;
  uint8_t version_ = 0;  // XenServer: the active unplug protocol version (0 until set)
  bool version_set_ = false;
  uint8_t unplug_type_ = 0;  // XenServer v2: latched at 0x11
  std::string log_;
};

}  // namespace portrace::devices

#endif  // PORTRACE_DEVICES_PLATFORM_PLATFORM_DEVICE_H_
