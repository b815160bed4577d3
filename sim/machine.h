// Machine: a modelled PC assembled from a machine profile and options. It owns the I/O port
// space, guest memory, the MMIO space, the virtual clock, the device-event bus and the devices.
//
// Profiles (product.md):
//   pc             i440FX + PIIX3, as `qemu-system-x86_64 -M pc -nodefaults`; QEMU dispatch
//   xen-trad       Xen HVM guest with qemu-xen-traditional's platform device (the seed)
//   xen-xenserver  Xen HVM guest with XenServer's qemu-dm (version-2 unplug extension)
//   xen-upstream   Xen HVM guest with upstream QEMU's xen-platform
// The xen-* profiles dispatch ports as Xen does (IoSpace kXen). Devices arrive with later work;
// a machine with none answers every port as unclaimed, which is what an empty PC does.
#ifndef PORTRACE_SIM_MACHINE_H_
#define PORTRACE_SIM_MACHINE_H_

#include <cstdint>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/types/span.h"
#include "sim/device.h"
#include "sim/device_event.h"
#include "sim/frame_receiver.h"
#include "sim/guest_memory.h"
#include "sim/io_space.h"
#include "sim/irq_lines.h"
#include "sim/memory_space.h"
#include "sim/virtual_clock.h"

namespace portrace::sim {

// Which Xen platform device (protocol.md §c) a machine carries, if any.
enum class PlatformFlavour {
  kNone,         // no platform device: ports 0x10-0x1f are unclaimed
  kTraditional,  // qemu-xen-traditional, the seed's qemu-dm
  kXenServer,    // XenServer's qemu-dm with the version-2 unplug extension
  kUpstream,     // upstream QEMU's xen-platform
};

struct MachineProfile {
  absl::string_view name;
  absl::string_view description;
  SpaceSemantics semantics;
  PlatformFlavour platform;
};

// Every profile, in a fixed order (the default first).
absl::Span<const MachineProfile> MachineProfiles();
const MachineProfile* FindMachineProfile(absl::string_view name);
inline constexpr absl::string_view kDefaultMachine = "xen-trad";

struct MachineOptions {
  std::string name = std::string(kDefaultMachine);
  uint64_t ram_bytes = uint64_t{128} << 20;  // QEMU's default -m
  // The host's xenstore as the device model sees it (xen-* machines): dumps in
  // `xenstore-ls -f -p` form, loaded in order, then single nodes "PATH=VALUE".
  std::vector<std::string> xenstore_files;
  std::vector<std::string> xenstore_nodes;
  // The guest's domain id (its /local/domain/<id> subtree) and the domain the device model
  // reads xenstore as (0: dom0, privileged; other: a deprivileged qemu-dm or stub domain).
  uint16_t guest_domid = 1;
  uint16_t device_model_domid = 0;
  // Drives and NICs as QEMU's -drive and -nic option strings ("file=disk.img,if=ide,index=0",
  // "model=rtl8139,mac=52:54:00:12:34:56"), parsed by the machine builder.
  std::vector<std::string> drives;
  std::vector<std::string> nics;
  // The PC's configurable legacy parts (every profile carries PIC, PIT, RTC/CMOS, the two DMA
  // controllers, i8042, ports 0x61, 0x80, 0x92, the PIIX4 PM timer and fw_cfg). `qemu_defaults`
  // is QEMU without -nodefaults: a serial port at 0x3f8, a parallel port at 0x378, an (empty)
  // floppy drive in the CMOS, an empty IDE CD-ROM at index 2 (unless a drive takes it) and std
  // VGA at 00:02.0.
  // `serial` alone is QEMU's -serial, `parallel` QEMU's -parallel; `no_serial` and `no_parallel`
  // are QEMU's -serial none and -parallel none, which take the defaults' ports away.
  bool qemu_defaults = false;
  bool serial = false;
  bool parallel = false;
  bool no_serial = false;
  bool no_parallel = false;
  std::string vga;                  // "", "none" or "std" (devices/pc/std_vga.h)
  std::string boot_order = "cad";   // QEMU -boot order=, as the CMOS reports it
  std::string rtc_base;             // "YYYY-MM-DDTHH:MM:SS" UTC; "" for 2026-01-01T00:00:00
};

class Machine {
 public:
  // InvalidArgument naming the known profiles if `options.name` is not one.
  static absl::StatusOr<std::unique_ptr<Machine>> Create(const MachineOptions& options);

  Machine(const Machine&) = delete;
  Machine& operator=(const Machine&) = delete;

  const MachineProfile& profile() const { return profile_; }
  IoSpace& io() { return io_; }
  MemorySpace& memory() { return memory_; }
  GuestMemory& ram() { return ram_; }
  VirtualClock& clock() { return clock_; }
  DeviceEventBus& events() { return events_; }
  IrqLines& irq() { return irq_; }

  // Takes ownership of a device (kept in creation order).
  template <typename T>
  T* AddDevice(std::unique_ptr<T> device) {
    T* raw = device.get();
    devices_.push_back(std::move(device));
    return raw;
  }
  const std::vector<std::unique_ptr<Device>>& devices() const { return devices_; }

  // The machine's NICs, in index order: the index a NIC_RECEIVE event names. The builder adds
  // the profile's own NIC first (the xen-* RTL8139 at 00:04.0, the first -net of the guest's
  // device model), then each --nic in order. `device` names the NIC in device events
  // ("ne2k_pci"); the receiver is a device the machine owns.
  struct Nic {
    std::string device;
    FrameReceiver* receiver;
  };
  void AddNic(std::string device, FrameReceiver* receiver) {
    nics_.push_back({std::move(device), receiver});
  }
  const std::vector<Nic>& nics() const { return nics_; }

 private:
  Machine(const MachineProfile& profile, const MachineOptions& options);

  const MachineProfile& profile_;
  IoSpace io_;
  GuestMemory ram_;
  MemorySpace memory_;
  VirtualClock clock_;
  DeviceEventBus events_;
  IrqLines irq_{&events_};
  std::vector<std::unique_ptr<Device>> devices_;
  std::vector<Nic> nics_;
};

}  // namespace portrace::sim

#endif  // PORTRACE_SIM_MACHINE_H_
