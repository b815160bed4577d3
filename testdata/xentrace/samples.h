// The xentrace samples checked in beside this file, as code: make_samples writes them, and the
// importer test checks the files still match and decodes them. Values are what a `pc` guest's
// firmware would see (i440FX vendor/device 0x12378086, an idle 16550 LSR 0x60).
#ifndef PORTRACE_TESTDATA_XENTRACE_SAMPLES_H_
#define PORTRACE_TESTDATA_XENTRACE_SAMPLES_H_

#include <cstdint>
#include <string>

#include "testdata/xentrace/xentrace_writer.h"

namespace portrace::testdata {

// VMX exit reason IO_INSTRUCTION, for the VMEXIT records that carry the TSC.
inline constexpr uint32_t kExitIoInstruction = 30;
// 1 us at the importer's assumed 2.4 GHz.
inline constexpr uint64_t kCyclesPerUs = 2400;

// A Xen 4.x capture: two pCPU windows of VMEXIT (with TSC), IOPORT and other records, a lost
// records record, the 64-bit flag form and a rep string read.
inline std::string HvmBootSample() {
  XentraceWriter w;
  uint64_t tsc = 1000000000000;
  const auto exit = [&](uint64_t us) {
    tsc += us * kCyclesPerUs;
    w.Record(kTrcHvmVmexit, {kExitIoInstruction, 0xfd14f}, tsc);
  };
  w.Window(0);
  exit(0);
  w.Record(kTrcHvmIoportWrite, {0x80, 0x00});  // POST code
  w.Record(kTrcHvmVmentry, {}, tsc + 100);
  exit(2);
  w.Record(kTrcHvmIoportWrite, {0xcf8, 0x80000000});
  exit(1);
  w.Record(kTrcHvmIoportRead, {0xcfc, 0x12378086});
  exit(1);
  w.Record(kTrcHvmIoportWrite, {0xcf8, 0x80000008});
  exit(1);
  w.Record(kTrcHvmIoportRead, {0xcfc, 0x06000002});
  exit(3);
  w.Record(kTrcHvmIoportWrite, {0x70, 0x8f});
  exit(1);
  w.Record(kTrcHvmIoportRead, {0x71, 0x00});
  for (char c : std::string("OK\n")) {
    exit(5);
    w.Record(kTrcHvmIoportRead, {0x3fd, 0x60});
    exit(1);
    w.Record(kTrcHvmIoportWrite, {0x3f8, static_cast<uint8_t>(c)});
  }
  w.Window(1);
  tsc += 40 * kCyclesPerUs;
  w.Record(kTrcLostRecords, {17, 0x00010000, 0, 0}, tsc);
  exit(2);
  w.Record(0x00021001, {0x00010000, 0x2});            // scheduler runstate change: skipped
  w.Record(kTrcHvmIoportRead, {0x5658, 0xffffffff});  // unclaimed: Xen reads all ones
  exit(1);
  w.Record(kTrcHvmIoportWrite | kTrc64Flag, {0x80, 0, 0x55, 0});
  exit(1);
  w.Record(kTrcHvmIoportRead, {0x1f0});  // rep insw: data in guest memory
  return w.bytes();
}

// A Xen 3.x capture: IO_READ/IO_WRITE with the size at the exit, IO_ASSIST with the value read.
inline std::string Xen3IoSample() {
  XentraceWriter w;
  uint64_t tsc = 5000000;
  w.Window(0);
  w.Record(kTrcHvmVmexit, {kExitIoInstruction, 0xf0a21}, tsc);
  w.Record(kTrcHvmIoWrite, {0x70, 1});  // value not traced
  tsc += 10 * kCyclesPerUs;
  w.Record(kTrcHvmVmexit, {kExitIoInstruction, 0xf0a24}, tsc);
  w.Record(kTrcHvmIoWrite, {0x80, 1, 0x42});  // SVM also traced the value
  tsc += 10 * kCyclesPerUs;
  w.Record(kTrcHvmVmexit, {kExitIoInstruction, 0xf0a27}, tsc);
  w.Record(kTrcHvmIoRead, {0x71, 1});
  w.Record(kTrcHvmIoAssist, {0x26});
  tsc += 10 * kCyclesPerUs;
  w.Record(kTrcHvmVmexit, {kExitIoInstruction, 0xf0a2a}, tsc);
  w.Record(kTrcHvmIoRead, {0xcfc, 4});  // handled in Xen: no IO_ASSIST follows
  w.Record(kTrcHvmIoWrite, {0xcf8, 4});
  return w.bytes();
}

}  // namespace portrace::testdata

#endif  // PORTRACE_TESTDATA_XENTRACE_SAMPLES_H_
