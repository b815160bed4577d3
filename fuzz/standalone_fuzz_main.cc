// main() for the fuzz binaries when they are built without libFuzzer (gcc, --config=asan): runs
// LLVMFuzzerTestOneInput once over each file named on the command line, so a crashing input can
// be replayed with any compiler:
//   bazel run --config=asan //fuzz:qtest_reader_fuzz -- "$PWD/crash-1234"
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <fstream>
#include <sstream>
#include <string>

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size);

int main(int argc, char** argv) {
  if (argc < 2) {
    std::fprintf(stderr, "usage: %s INPUT...\n(built without libFuzzer: replays inputs only)\n",
                 argv[0]);
    return 2;
  }
  for (int i = 1; i < argc; ++i) {
    std::ifstream in(argv[i], std::ios::binary);
    if (!in) {
      std::fprintf(stderr, "%s: cannot open\n", argv[i]);
      return 1;
    }
    std::ostringstream bytes;
    bytes << in.rdbuf();
    const std::string input = bytes.str();
    LLVMFuzzerTestOneInput(reinterpret_cast<const uint8_t*>(input.data()), input.size());
    std::fprintf(stderr, "%s: %zu bytes, ok\n", argv[i], input.size());
  }
  return 0;
}
