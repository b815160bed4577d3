// The canonical trace reader under fuzzing: any bytes must give batches or a clean error.
// The entry point lives in a library so that the libFuzzer binary and the plain regression test
// (which replays the seed corpora under the sanitizers without libFuzzer) share it.
#ifndef PORTRACE_FUZZ_TRACE_READER_FUZZ_LIB_H_
#define PORTRACE_FUZZ_TRACE_READER_FUZZ_LIB_H_

#include <cstddef>
#include <cstdint>

namespace portrace::fuzz {

// Feeds `data` to TraceReader::Open and Next until the end or an error. Checks that every batch
// handed out is well formed and non-empty, that the reader stays failed after an error, and that
// the batches read survive TraceWriter -> TraceReader unchanged. Then does the same once more with
// every frame's CRC rewritten to match, so mutations also reach what the checksum guards. Traps
// when an invariant breaks; returns 0 otherwise.
int FuzzTraceReader(const uint8_t* data, size_t size);

}  // namespace portrace::fuzz

#endif  // PORTRACE_FUZZ_TRACE_READER_FUZZ_LIB_H_
