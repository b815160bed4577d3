// XentraceWriter: builds xentrace files (formats.md §4) record by record, for tests, fuzz seeds and
// the samples beside this file. Little-endian t_rec records in cpu_change windows, as xentrace
// writes them; hostile variants are made by editing or cutting the bytes.
#ifndef PORTRACE_TESTDATA_XENTRACE_XENTRACE_WRITER_H_
#define PORTRACE_TESTDATA_XENTRACE_XENTRACE_WRITER_H_

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace portrace::testdata {

inline constexpr uint32_t kTrcCpuChange = 0x0001f003;
inline constexpr uint32_t kTrcLostRecords = 0x0001f001;
inline constexpr uint32_t kTrcHvmVmentry = 0x00081001;
inline constexpr uint32_t kTrcHvmVmexit = 0x00081002;
inline constexpr uint32_t kTrcHvmIoportRead = 0x00082016;
inline constexpr uint32_t kTrcHvmIoportWrite = 0x00082216;
inline constexpr uint32_t kTrcHvmIoRead = 0x00082006;    // Xen 3.x
inline constexpr uint32_t kTrcHvmIoWrite = 0x00082007;   // Xen 3.x
inline constexpr uint32_t kTrcHvmIoAssist = 0x00082016;  // Xen 3.x
inline constexpr uint32_t kTrc64Flag = 0x100;

class XentraceWriter {
 public:
  // Starts a window of `cpu`'s records; the window's size is filled in when it closes.
  void Window(uint32_t cpu) {
    Close();
    window_header_ = bytes_.size();
    Put32(kTrcCpuChange | 2u << 28);
    Put32(cpu);
    Put32(0);
  }

  void Record(uint32_t event, const std::vector<uint32_t>& extra,
              std::optional<uint64_t> tsc = std::nullopt) {
    Put32(event | static_cast<uint32_t>(extra.size()) << 28 | (tsc.has_value() ? 1u << 31 : 0));
    if (tsc.has_value()) {
      Put32(static_cast<uint32_t>(*tsc));
      Put32(static_cast<uint32_t>(*tsc >> 32));
    }
    for (uint32_t word : extra) Put32(word);
  }

  // The file so far, with the open window closed.
  std::string bytes() {
    Close();
    return bytes_;
  }

 private:
  void Put32(uint32_t v) {
    for (int i = 0; i < 4; ++i) bytes_.push_back(static_cast<char>(v >> (8 * i)));
  }

  void Close() {
    if (!window_header_.has_value()) return;
    const uint32_t size = static_cast<uint32_t>(bytes_.size() - *window_header_ - 12);
    for (int i = 0; i < 4; ++i)
      bytes_[*window_header_ + 8 + i] = static_cast<char>(size >> (8 * i));
    window_header_.reset();
  }

  std::string bytes_;
  std::optional<size_t> window_header_;
};

}  // namespace portrace::testdata

#endif  // PORTRACE_TESTDATA_XENTRACE_XENTRACE_WRITER_H_
