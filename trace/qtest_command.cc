#include "trace/qtest_command.h"

#include <cerrno>
#include <cstdint>
#include <cstdlib>

#include "absl/status/status.h"
#include "absl/strings/escaping.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_replace.h"
#include "absl/strings/str_split.h"

namespace portrace::trace {
namespace {

// What each command is and how many arguments QEMU requires before it looks at them
// (its g_assert(words[1] && ...)). Extra words are ignored, as QEMU ignores them.
struct CommandSpec {
  absl::string_view name;
  QtestOp op;
  uint32_t width;
  int required_args;
};

constexpr CommandSpec kCommands[] = {
    {"outb", QtestOp::kOut, 1, 2},
    {"outw", QtestOp::kOut, 2, 2},
    {"outl", QtestOp::kOut, 4, 2},
    {"inb", QtestOp::kIn, 1, 1},
    {"inw", QtestOp::kIn, 2, 1},
    {"inl", QtestOp::kIn, 4, 1},
    {"writeb", QtestOp::kMmioWrite, 1, 2},
    {"writew", QtestOp::kMmioWrite, 2, 2},
    {"writel", QtestOp::kMmioWrite, 4, 2},
    {"writeq", QtestOp::kMmioWrite, 8, 2},
    {"readb", QtestOp::kMmioRead, 1, 1},
    {"readw", QtestOp::kMmioRead, 2, 1},
    {"readl", QtestOp::kMmioRead, 4, 1},
    {"readq", QtestOp::kMmioRead, 8, 1},
    {"read", QtestOp::kMemoryRead, 0, 2},
    {"b64read", QtestOp::kMemoryReadB64, 0, 2},
    {"write", QtestOp::kMemoryWrite, 0, 3},
    {"b64write", QtestOp::kMemoryWriteB64, 0, 3},
    {"memset", QtestOp::kMemset, 0, 3},
    {"clock_step", QtestOp::kClockStep, 0, 0},
    {"clock_set", QtestOp::kClockSet, 0, 1},
    {"endianness", QtestOp::kNoIo, 0, 0},
    {"irq_intercept_in", QtestOp::kNoIo, 0, 1},
    {"irq_intercept_out", QtestOp::kNoIo, 0, 1},
    {"set_irq_in", QtestOp::kNoIo, 0, 4},
    {"module_load", QtestOp::kNoIo, 0, 2},
    {kNicReceiveCommand, QtestOp::kNicReceive, 0, 2},
};

const CommandSpec* FindCommand(absl::string_view name) {
  for (const CommandSpec& spec : kCommands) {
    if (spec.name == name) return &spec;
  }
  return nullptr;
}

// A word as it may appear in a message: escaped to one printable line and cut short, so a
// megabyte of garbage gives a readable error.
std::string Quote(absl::string_view word) {
  constexpr size_t kMaxShown = 64;
  if (word.size() <= kMaxShown) return absl::CHexEscape(word);
  return absl::StrCat(absl::CHexEscape(word.substr(0, kMaxShown)), "...(", word.size(), " bytes)");
}

absl::Status BadNumber(absl::string_view command, absl::string_view word) {
  return absl::InvalidArgumentError(absl::StrFormat("%s: bad number '%s'", command, Quote(word)));
}

// strtoull with base 0 as qemu_strtou64 uses it: the whole word must convert; empty words,
// trailing garbage and overflow are errors; a leading '-' wraps.
absl::StatusOr<uint64_t> ParseUnsigned(absl::string_view command, absl::string_view word) {
  const std::string text(word);  // NUL-terminated; an embedded NUL stops the conversion early
  char* end = nullptr;
  errno = 0;
  const unsigned long long value = std::strtoull(text.c_str(), &end, 0);
  if (errno == ERANGE || end == text.c_str() || end != text.c_str() + text.size()) {
    return BadNumber(command, word);
  }
  return static_cast<uint64_t>(value);
}

// strtoll with base 0 as qemu_strtoi64 uses it.
absl::StatusOr<int64_t> ParseSigned(absl::string_view command, absl::string_view word) {
  const std::string text(word);
  char* end = nullptr;
  errno = 0;
  const long long value = std::strtoll(text.c_str(), &end, 0);
  if (errno == ERANGE || end == text.c_str() || end != text.c_str() + text.size()) {
    return BadNumber(command, word);
  }
  return static_cast<int64_t>(value);
}

absl::Status CheckLength(absl::string_view command, uint64_t length) {
  if (length > kMaxMemoryLength) {
    return absl::InvalidArgumentError(absl::StrFormat("%s: length 0x%x above the limit of %u bytes",
                                                      command, length, kMaxMemoryLength));
  }
  return absl::OkStatus();
}

int HexNibble(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

// QEMU's `write` decoding: skip two characters (normally "0x"), then one byte per two hex digits
// while both digits exist, at most `length` bytes. An odd trailing nibble is ignored.
absl::StatusOr<std::string> DecodeWriteData(absl::string_view data, uint64_t length) {
  std::string bytes;
  for (uint64_t i = 0; i < length && i * 2 + 4 <= data.size(); ++i) {
    const int high = HexNibble(data[i * 2 + 2]);
    const int low = HexNibble(data[i * 2 + 3]);
    if (high < 0 || low < 0) {
      return absl::InvalidArgumentError(
          absl::StrFormat("write: bad hex digit at offset %u of the data '%s'",
                          i * 2 + (high < 0 ? 2 : 3), Quote(data)));
    }
    bytes.push_back(static_cast<char>(high << 4 | low));
  }
  return bytes;
}

// nic_rx's frame: an optional "0x", then two hex digits per byte, nothing else. The length is
// checked before anything is decoded.
absl::StatusOr<std::string> DecodeFrame(absl::string_view word) {
  absl::string_view digits = word;
  if (digits.size() >= 2 && digits[0] == '0' && (digits[1] == 'x' || digits[1] == 'X')) {
    digits.remove_prefix(2);
  }
  const size_t prefix = word.size() - digits.size();
  if (digits.empty()) return absl::InvalidArgumentError("nic_rx: empty frame");
  if (digits.size() % 2 != 0) {
    return absl::InvalidArgumentError(absl::StrFormat(
        "nic_rx: odd number of hex digits (%u) in the frame '%s'", digits.size(), Quote(word)));
  }
  if (digits.size() / 2 > kMaxNicFrameLength) {
    return absl::InvalidArgumentError(
        absl::StrFormat("nic_rx: frame of %u bytes above the limit of %u bytes", digits.size() / 2,
                        kMaxNicFrameLength));
  }
  std::string bytes;
  bytes.reserve(digits.size() / 2);
  for (size_t i = 0; i < digits.size(); i += 2) {
    const int high = HexNibble(digits[i]);
    const int low = HexNibble(digits[i + 1]);
    if (high < 0 || low < 0) {
      return absl::InvalidArgumentError(
          absl::StrFormat("nic_rx: bad hex digit at offset %u of the frame '%s'",
                          prefix + i + (high < 0 ? 0 : 1), Quote(word)));
    }
    bytes.push_back(static_cast<char>(high << 4 | low));
  }
  return bytes;
}

char WidthSuffix(uint32_t width) {
  switch (width) {
    case 1:
      return 'b';
    case 2:
      return 'w';
    case 4:
      return 'l';
    case 8:
      return 'q';
    default:
      return 0;
  }
}

constexpr uint64_t kMaxQtestNanoseconds = uint64_t{INT64_MAX};

std::string HexBytes(absl::string_view bytes) {
  if (bytes.empty()) return "00";
  return absl::BytesToHexString(bytes);
}

}  // namespace

bool IsPortraceQtestExtension(absl::string_view command) { return command == kNicReceiveCommand; }

absl::StatusOr<QtestRequest> ParseQtestLine(absl::string_view line) {
  if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
  if (line.empty()) return absl::InvalidArgumentError("empty request");

  const std::vector<absl::string_view> words = absl::StrSplit(line, ' ');
  const CommandSpec* spec = FindCommand(words[0]);
  if (spec == nullptr) {
    return absl::NotFoundError(absl::StrFormat("Unknown command '%s'", Quote(words[0])));
  }
  const absl::string_view command = spec->name;
  if (static_cast<int>(words.size()) - 1 < spec->required_args) {
    return absl::InvalidArgumentError(absl::StrCat(command, ": missing argument"));
  }

  QtestRequest request;
  request.op = spec->op;
  request.command = std::string(command);
  request.width = spec->width;
  switch (spec->op) {
    case QtestOp::kOut:
    case QtestOp::kMmioWrite: {
      auto address = ParseUnsigned(command, words[1]);
      if (!address.ok()) return address.status();
      auto value = ParseUnsigned(command, words[2]);
      if (!value.ok()) return value.status();
      request.address = *address;
      request.value = *value & WidthMask(spec->width);
      break;
    }
    case QtestOp::kIn:
    case QtestOp::kMmioRead: {
      auto address = ParseUnsigned(command, words[1]);
      if (!address.ok()) return address.status();
      request.address = *address;
      break;
    }
    case QtestOp::kMemoryRead:
    case QtestOp::kMemoryReadB64: {
      auto address = ParseUnsigned(command, words[1]);
      if (!address.ok()) return address.status();
      auto length = ParseUnsigned(command, words[2]);
      if (!length.ok()) return length.status();
      if (*length == 0) {
        // QEMU asserts: it would send garbage to the client.
        return absl::InvalidArgumentError(absl::StrCat(command, ": zero length"));
      }
      if (absl::Status status = CheckLength(command, *length); !status.ok()) return status;
      request.address = *address;
      request.value = *length;
      break;
    }
    case QtestOp::kMemoryWrite:
    case QtestOp::kMemoryWriteB64: {
      auto address = ParseUnsigned(command, words[1]);
      if (!address.ok()) return address.status();
      auto length = ParseUnsigned(command, words[2]);
      if (!length.ok()) return length.status();
      const absl::string_view data = words[3];
      // QEMU answers this one with "ERR invalid argument size" and goes on.
      if (data.size() < 3) return absl::InvalidArgumentError("invalid argument size");
      if (absl::Status status = CheckLength(command, *length); !status.ok()) return status;
      request.address = *address;
      request.value = *length;
      if (spec->op == QtestOp::kMemoryWrite) {
        auto bytes = DecodeWriteData(data, *length);
        if (!bytes.ok()) return bytes.status();
        request.data = *std::move(bytes);
      } else {
        if (!absl::Base64Unescape(data, &request.data)) {
          return absl::InvalidArgumentError(
              absl::StrFormat("b64write: bad base64 data '%s'", Quote(data)));
        }
        if (request.data.size() > *length) request.data.resize(*length);
      }
      break;
    }
    case QtestOp::kMemset: {
      auto address = ParseUnsigned(command, words[1]);
      if (!address.ok()) return address.status();
      auto length = ParseUnsigned(command, words[2]);
      if (!length.ok()) return length.status();
      auto fill = ParseUnsigned(command, words[3]);
      if (!fill.ok()) return fill.status();
      if (absl::Status status = CheckLength(command, *length); !status.ok()) return status;
      request.address = *address;
      request.value = *length;
      request.fill = static_cast<uint8_t>(*fill & 0xff);
      break;
    }
    case QtestOp::kClockStep:
    case QtestOp::kClockSet: {
      if (words.size() < 2) break;  // clock_step: to the next deadline
      auto ns = ParseSigned(command, words[1]);
      if (!ns.ok()) return ns.status();
      // Virtual time never moves backwards: QEMU's warp does nothing for a negative target, so
      // a negative step or set is the same as 0.
      request.value = *ns < 0 ? 0 : static_cast<uint64_t>(*ns);
      request.has_value = true;
      break;
    }
    case QtestOp::kNoIo:
      request.words.reserve(words.size());
      for (absl::string_view word : words) request.words.emplace_back(word);
      break;
    case QtestOp::kNicReceive: {
      auto nic = ParseUnsigned(command, words[1]);
      if (!nic.ok()) return nic.status();
      if (*nic > kMaxNicIndex) {
        return absl::InvalidArgumentError(
            absl::StrFormat("nic_rx: NIC index %u above %u", *nic, kMaxNicIndex));
      }
      auto frame = DecodeFrame(words[2]);
      if (!frame.ok()) return frame.status();
      request.nic = static_cast<uint32_t>(*nic);
      request.value = frame->size();
      request.data = *std::move(frame);
      break;
    }
  }
  if ((spec->op == QtestOp::kOut || spec->op == QtestOp::kIn) && request.address > 0xffff) {
    return absl::InvalidArgumentError(
        absl::StrFormat("%s: port 0x%x above 0xffff", command, request.address));
  }
  return request;
}

void AppendQtestEvents(const QtestRequest& request, BatchBuilder& builder) {
  switch (request.op) {
    case QtestOp::kOut:
      builder.PortWrite(static_cast<uint16_t>(request.address), request.width, request.value);
      break;
    case QtestOp::kIn:
      builder.PortRead(static_cast<uint16_t>(request.address), request.width);
      break;
    case QtestOp::kMmioWrite:
      builder.MmioWrite(request.address, request.width, request.value);
      break;
    case QtestOp::kMmioRead:
      builder.MmioRead(request.address, request.width);
      break;
    case QtestOp::kMemoryRead:
      builder.MemoryRead(request.address, request.value);
      break;
    case QtestOp::kMemoryReadB64:
      builder.MemoryRead(request.address, request.value, FLAG_BASE64);
      break;
    case QtestOp::kMemoryWrite:
      builder.MemoryWrite(request.address, request.value, request.data);
      break;
    case QtestOp::kMemoryWriteB64:
      builder.MemoryWrite(request.address, request.value, request.data, FLAG_BASE64);
      break;
    case QtestOp::kMemset:
      builder.MemoryFill(request.address, request.value, request.fill);
      break;
    case QtestOp::kClockStep:
      if (request.has_value) {
        builder.TimeAdvance(request.value);
      } else {
        builder.TimeAdvanceToDeadline();
      }
      break;
    case QtestOp::kClockSet:
      builder.TimeSet(request.value);
      break;
    case QtestOp::kNoIo:
      builder.Marker(absl::StrJoin(request.words, " "), FLAG_QTEST);
      break;
    case QtestOp::kNicReceive:
      builder.NicReceive(static_cast<uint8_t>(request.nic), request.data);
      break;
  }
}

std::string FormatQtestLine(const EventView& event) {
  const char suffix = WidthSuffix(event.width);
  switch (event.kind) {
    case PORT_WRITE:
      if (suffix == 0 || suffix == 'q') return "";
      return absl::StrFormat("out%c 0x%x 0x%x", suffix, event.address, event.value);
    case PORT_READ:
      if (suffix == 0 || suffix == 'q') return "";
      return absl::StrFormat("in%c 0x%x", suffix, event.address);
    case MMIO_WRITE:
      if (suffix == 0) return "";
      return absl::StrFormat("write%c 0x%x 0x%x", suffix, event.address, event.value);
    case MMIO_READ:
      if (suffix == 0) return "";
      return absl::StrFormat("read%c 0x%x", suffix, event.address);
    case MEMORY_READ:
      if (event.value == 0) return "";  // QEMU asserts on a read of nothing
      return absl::StrFormat("%s 0x%x 0x%x", (event.flags & FLAG_BASE64) ? "b64read" : "read",
                             event.address, event.value);
    case MEMORY_WRITE:
      if (event.flags & FLAG_BASE64) {
        // b64write needs at least 3 characters of data; an empty payload is written as one zero
        // byte, which the zero fill of the length would have supplied anyway.
        const std::string data = event.blob.empty() ? "AA==" : absl::Base64Escape(event.blob);
        return absl::StrFormat("b64write 0x%x 0x%x %s", event.address, event.value, data);
      }
      return absl::StrFormat("write 0x%x 0x%x 0x%s", event.address, event.value,
                             HexBytes(event.blob));
    case MEMORY_FILL:
      return absl::StrFormat("memset 0x%x 0x%x 0x%x", event.address, event.value, event.aux);
    case TIME_ADVANCE:
      if (event.flags & FLAG_TO_DEADLINE) return "clock_step";
      if (event.value > kMaxQtestNanoseconds) return "";  // qtest's NS is a signed 64-bit
      return absl::StrFormat("clock_step %d", event.value);
    case TIME_SET:
      if (event.value > kMaxQtestNanoseconds) return "";
      return absl::StrFormat("clock_set %d", event.value);
    case MARKER:
      // A qtest command is printed as it was, unless it could not stand on one line.
      if ((event.flags & FLAG_QTEST) && event.blob.find('\n') == absl::string_view::npos) {
        return std::string(event.blob);
      }
      return absl::StrCat(kMarkerPrefix, absl::StrReplaceAll(event.blob, {{"\n", "\\n"}}));
    case NIC_RECEIVE:
      if (event.blob.empty()) return "";
      return absl::StrCat(kNicReceiveCommand, " ", event.aux, " 0x",
                          absl::BytesToHexString(event.blob));
    default:
      return "";
  }
}

}  // namespace portrace::trace
