// Replays every file of the fuzzers' seed corpora (regression inputs included) through every
// fuzz entry point, so the sanitizer run of the test suite exercises them without libFuzzer.
#include <algorithm>
#include <cctype>
#include <cstdint>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "fuzz/kvm_pio_fuzz_lib.h"
#include "fuzz/pcap_reader_fuzz_lib.h"
#include "fuzz/qemu_trace_fuzz_lib.h"
#include "fuzz/qtest_reader_fuzz_lib.h"
#include "fuzz/trace_reader_fuzz_lib.h"
#include "fuzz/xentrace_fuzz_lib.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace portrace::fuzz {
namespace {

std::filesystem::path TestdataDir() {
  const char* srcdir = std::getenv("TEST_SRCDIR");
  const char* workspace = std::getenv("TEST_WORKSPACE");
  return std::filesystem::path(srcdir != nullptr ? srcdir : ".") /
         (workspace != nullptr ? workspace : "portrace") / "testdata";
}

std::vector<std::filesystem::path> FilesUnder(const std::filesystem::path& dir) {
  std::vector<std::filesystem::path> files;
  for (const auto& entry : std::filesystem::directory_iterator(dir)) {
    if (entry.is_regular_file()) files.push_back(entry.path());
  }
  std::sort(files.begin(), files.end());
  return files;
}

std::string ReadFile(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream out;
  out << in.rdbuf();
  return out.str();
}

int RunTarget(int (*fuzz)(const uint8_t*, size_t), const std::string& bytes) {
  return fuzz(reinterpret_cast<const uint8_t*>(bytes.data()), bytes.size());
}

struct Corpus {
  const char* dir;  // under testdata/
  size_t min_files;
};

class FuzzRegressionTest : public ::testing::TestWithParam<Corpus> {};

TEST_P(FuzzRegressionTest, EveryInputPassesEveryTarget) {
  const std::vector<std::filesystem::path> files = FilesUnder(TestdataDir() / GetParam().dir);
  ASSERT_GE(files.size(), GetParam().min_files);
  for (const std::filesystem::path& path : files) {
    SCOPED_TRACE(path.filename().string());
    const std::string bytes = ReadFile(path);
    // Each target also sees the others' corpora: a script is hostile input to the trace reader,
    // a trace is binary garbage to the script reader, and both are other lines to a trace log.
    EXPECT_EQ(RunTarget(FuzzTraceReader, bytes), 0);
    EXPECT_EQ(RunTarget(FuzzQtestReader, bytes), 0);
    EXPECT_EQ(RunTarget(FuzzQemuTrace, bytes), 0);
    EXPECT_EQ(RunTarget(FuzzKvmPioImporter, bytes), 0);
    EXPECT_EQ(RunTarget(FuzzXentraceImporter, bytes), 0);
    EXPECT_EQ(RunTarget(FuzzPcapReader, bytes), 0);
  }
}

INSTANTIATE_TEST_SUITE_P(Corpora, FuzzRegressionTest,
                         ::testing::Values(Corpus{"fuzz/trace_reader", 5},
                                           Corpus{"fuzz/qtest_reader", 5}, Corpus{"qemu-repro", 4},
                                           Corpus{"fuzz/qemu_trace", 8}, Corpus{"qemu-trace", 1},
                                           Corpus{"fuzz/kvm_pio", 5}, Corpus{"kvm-pio", 4},
                                           Corpus{"fuzz/xentrace", 5}, Corpus{"xentrace", 2},
                                           Corpus{"fuzz/pcap_reader", 5}, Corpus{"nic", 3}),
                         [](const ::testing::TestParamInfo<Corpus>& info) {
                           std::string name = info.param.dir;
                           for (char& c : name) {
                             if (!std::isalnum(static_cast<unsigned char>(c))) c = '_';
                           }
                           return name;
                         });

}  // namespace
}  // namespace portrace::fuzz
