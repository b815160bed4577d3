#include "devices/pc/legacy_pc.h"

#include <algorithm>
#include <utility>

#include "absl/strings/str_cat.h"
#include "base/status_macros.h"
#include "devices/pc/i8042.h"
#include "devices/pc/i8257.h"
#include "devices/pc/parallel_port.h"
#include "devices/pc/pic.h"
#include "devices/pc/pit.h"
#include "devices/pc/port80.h"
#include "devices/pc/port92.h"
#include "devices/pc/uart16550.h"

namespace portrace::devices {
namespace {

uint8_t BootDevice(char c) {
  switch (c) {
    case 'a':
    case 'b':
      return 1;
    case 'c':
      return 2;
    case 'd':
      return 3;
    case 'n':
      return 4;
    default:
      return 0;
  }
}

}  // namespace

absl::Status FillCmosConfiguration(RtcCmos& rtc, const sim::MachineOptions& options) {
  const std::string& order = options.boot_order;
  if (order.size() > 3 || !std::all_of(order.begin(), order.end(),
                                       [](char c) { return BootDevice(c) != 0; })) {
    return absl::InvalidArgumentError(absl::StrCat(
        "--boot=order=", order, ": expected up to three of a, b, c, d, n (QEMU -boot order=)"));
  }
  // Memory: 640 KiB base; extended memory in KiB above 1 MiB and in 64 KiB above 16 MiB (capped
  // at 0xffff), below 4 GiB as QEMU's pc splits RAM (lowmem 0xe0000000, or 3 GiB for 3.5 GiB+).
  const uint64_t ram = options.ram_bytes;
  const uint64_t lowmem = ram >= 0xe0000000 ? 0xc0000000 : 0xe0000000;
  const uint64_t below_4g = std::min(ram, lowmem);
  const uint64_t above_4g = ram - below_4g;
  rtc.SetConfigByte(0x15, 0x80);
  rtc.SetConfigByte(0x16, 0x02);
  uint64_t ext = below_4g > (1 << 20) ? (below_4g >> 10) - 1024 : 0;
  ext = std::min<uint64_t>(ext, 0xffff);
  for (uint8_t i : {0x17, 0x30}) {
    rtc.SetConfigByte(i, ext & 0xff);
    rtc.SetConfigByte(i + 1, ext >> 8);
  }
  uint64_t high = below_4g > (16 << 20) ? (below_4g >> 16) - 256 : 0;
  high = std::min<uint64_t>(high, 0xffff);
  rtc.SetConfigByte(0x34, high & 0xff);
  rtc.SetConfigByte(0x35, high >> 8);
  const uint64_t above = above_4g >> 16;
  rtc.SetConfigByte(0x5b, above & 0xff);
  rtc.SetConfigByte(0x5c, (above >> 8) & 0xff);
  rtc.SetConfigByte(0x5d, (above >> 16) & 0xff);
  rtc.SetConfigByte(0x5f, 0);  // CPUs - 1
  rtc.SetConfigByte(0x32, 0x20);
  // Floppy: QEMU without -nodefaults has an empty drive A (2.88 MB type).
  rtc.SetConfigByte(0x10, options.qemu_defaults ? 0x50 : 0x00);
  // Equipment: FPU, PS/2 mouse, VGA (0), drive A when present.
  rtc.SetConfigByte(0x14, options.qemu_defaults ? 0x07 : 0x06);
  uint8_t boot[3] = {0, 0, 0};
  for (size_t i = 0; i < order.size(); ++i) boot[i] = BootDevice(order[i]);
  rtc.SetConfigByte(0x3d, static_cast<uint8_t>(boot[0] | boot[1] << 4));
  rtc.SetConfigByte(0x38, static_cast<uint8_t>(boot[2] << 4));  // floppy boot signature check on
  return absl::OkStatus();
}

absl::StatusOr<RtcCmos*> AddLegacyDevices(sim::Machine* machine,
                                          const sim::MachineOptions& options) {
  int64_t base = kDefaultRtcBase;
  if (!options.rtc_base.empty()) {
    PT_ASSIGN_OR_RETURN(base, ParseRtcBase(options.rtc_base));
  }
  // The PIT first: its channel 0 output is high from reset, and QEMU's PIC reset (which runs
  // after) leaves IRR clear; the PIC latches only later edges.
  PT_ASSIGN_OR_RETURN(std::unique_ptr<Pit> pit, Pit::Create(machine));
  machine->AddDevice(std::move(pit));
  PT_ASSIGN_OR_RETURN(std::unique_ptr<Pic> pic, Pic::Create(machine));
  machine->AddDevice(std::move(pic));
  PT_ASSIGN_OR_RETURN(std::unique_ptr<RtcCmos> created_rtc, RtcCmos::Create(machine, base));
  RtcCmos* rtc = machine->AddDevice(std::move(created_rtc));
  PT_RETURN_IF_ERROR(FillCmosConfiguration(*rtc, options));
  // QEMU's pc creates both DMA controllers whatever the options (i8257_dma_init).
  for (const I8257::Placement* placement : {&I8257::kController1, &I8257::kController2}) {
    PT_ASSIGN_OR_RETURN(std::unique_ptr<I8257> dma, I8257::Create(machine, *placement));
    machine->AddDevice(std::move(dma));
  }
  PT_ASSIGN_OR_RETURN(std::unique_ptr<I8042> i8042, I8042::Create(machine));
  machine->AddDevice(std::move(i8042));
  PT_ASSIGN_OR_RETURN(std::unique_ptr<Port80> port80, Port80::Create(machine));
  machine->AddDevice(std::move(port80));
  PT_ASSIGN_OR_RETURN(std::unique_ptr<Port92> port92, Port92::Create(machine));
  machine->AddDevice(std::move(port92));
  if ((options.serial || options.qemu_defaults) && !options.no_serial) {
    PT_ASSIGN_OR_RETURN(std::unique_ptr<Uart16550> uart, Uart16550::Create(machine));
    machine->AddDevice(std::move(uart));
  }
  if ((options.parallel || options.qemu_defaults) && !options.no_parallel) {
    PT_ASSIGN_OR_RETURN(std::unique_ptr<ParallelPort> lpt, ParallelPort::Create(machine));
    machine->AddDevice(std::move(lpt));
  }
  return rtc;
}

}  // namespace portrace::devices
