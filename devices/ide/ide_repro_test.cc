// The public QEMU bug reproducers (testdata/qemu-repro, IDE ones among them: SRST while a DMA
// command is in flight, then another command) replay to completion on every machine, with and
// without drives, and leave the IDE model answering. Run under ASan in CI.
#include <algorithm>
#include <filesystem>
#include <memory>
#include <string>
#include <vector>

#include "gtest/gtest.h"
#include "sim/machine.h"
#include "sim/machine_builder.h"
#include "sim/replay.h"
#include "trace/importers/registry.h"

namespace portrace::devices {
namespace {

constexpr char kDisk[] = "file=testdata/fidelity/ide-disk.img,format=raw,if=ide,index=0";
constexpr char kCd[] = "file=testdata/fidelity/ide-cd.iso,if=ide,index=1,media=cdrom";

TEST(IdeReproTest, PublicReproducersReplayToCompletion) {
  std::vector<std::string> files;
  for (const auto& entry : std::filesystem::directory_iterator("testdata/qemu-repro")) {
    files.push_back(entry.path().string());
  }
  std::sort(files.begin(), files.end());
  ASSERT_GE(files.size(), 4u);
  const struct {
    const char* machine;
    std::vector<std::string> drives;
  } configs[] = {
      {"pc", {kDisk}}, {"pc", {kDisk, kCd}}, {"pc", {}}, {"xen-upstream", {kDisk, kCd}},
  };
  for (const std::string& file : files) {
    for (const auto& config : configs) {
      sim::MachineOptions options;
      options.name = config.machine;
      options.drives = config.drives;
      absl::StatusOr<std::unique_ptr<sim::Machine>> machine = sim::BuildMachine(options);
      ASSERT_TRUE(machine.ok()) << machine.status();
      absl::StatusOr<trace::OpenedTrace> opened = trace::OpenTrace(file, "");
      ASSERT_TRUE(opened.ok()) << file << ": " << opened.status();
      sim::Replayer replayer(machine->get());
      absl::Status status = replayer.Run(*opened->source);
      EXPECT_TRUE(status.ok()) << file << " on " << config.machine << ": " << status;
      EXPECT_GT(replayer.summary().events, 0u) << file;
      // The controller still answers: status of the primary master is defined.
      const uint32_t st = (*machine)->io().Read(0x3f6, 1);
      EXPECT_LE(st, 0xffu) << file;
    }
  }
}

}  // namespace
}  // namespace portrace::devices
