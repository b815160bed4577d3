// The qtest script reader under fuzzing: any bytes must give batches or a clean error, and a
// script's batches must survive both the qtest writer and the canonical trace file unchanged.
// The entry point lives in a library so that the libFuzzer binary and the plain regression test
// share it.
#ifndef PORTRACE_FUZZ_QTEST_READER_FUZZ_LIB_H_
#define PORTRACE_FUZZ_QTEST_READER_FUZZ_LIB_H_

#include <cstddef>
#include <cstdint>

namespace portrace::fuzz {

// Reads `data` as a qtest script (in small batches, so batch boundaries are exercised). The
// batches read before the end or the first error must be well formed, and
//   script -> batches -> QtestScriptWriter -> QtestScriptReader
//   script -> batches -> TraceWriter -> TraceReader
// must both give the same batches back (events and annotations). Traps when an invariant
// breaks; returns 0 otherwise.
int FuzzQtestReader(const uint8_t* data, size_t size);

}  // namespace portrace::fuzz

#endif  // PORTRACE_FUZZ_QTEST_READER_FUZZ_LIB_H_
