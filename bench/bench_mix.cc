#include "bench/bench_mix.h"

#include <cerrno>
#include <cstdlib>
#include <fstream>
#include <memory>
#include <random>
#include <sstream>
#include <utility>

#include "absl/strings/str_format.h"
#include "absl/strings/str_split.h"
#include "absl/strings/strip.h"
#include "base/status_macros.h"
#include "sim/io_space.h"
#include "trace/importers/registry.h"

namespace portrace::bench {
namespace {

// A whole unsigned number in C syntax ("0x1f0", "8"); false unless every character is used.
bool ParseNumber(absl::string_view text, uint64_t* out) {
  if (text.empty() || text[0] == '-' || text[0] == '+') return false;
  const std::string copy(text);
  char* end = nullptr;
  errno = 0;
  const unsigned long long value = std::strtoull(copy.c_str(), &end, 0);
  if (errno != 0 || end != copy.c_str() + copy.size()) return false;
  *out = value;
  return true;
}

bool FileExists(const std::string& path) { return std::ifstream(path).good(); }

}  // namespace

absl::StatusOr<std::vector<PortRange>> ParsePortRanges(absl::string_view text) {
  std::vector<PortRange> ranges;
  int line_number = 0;
  for (absl::string_view line : absl::StrSplit(text, '\n')) {
    ++line_number;
    absl::ConsumeSuffix(&line, "\r");
    line = absl::StripAsciiWhitespace(line);
    if (line.empty() || line[0] == '#') continue;
    std::vector<absl::string_view> words =
        absl::StrSplit(line, absl::ByAnyChar(" \t"), absl::SkipEmpty());
    uint64_t base = 0;
    uint64_t length = 0;
    if (words.size() != 3 || !ParseNumber(words[1], &base) || !ParseNumber(words[2], &length)) {
      return absl::InvalidArgumentError(
          absl::StrFormat("line %d: expected 'NAME BASE LENGTH', got '%s'", line_number, line));
    }
    if (length == 0 || base >= sim::kPortCount || length > sim::kPortCount - base) {
      return absl::InvalidArgumentError(absl::StrFormat(
          "line %d: port range 0x%x+%u is empty or runs past 0xffff", line_number, base, length));
    }
    ranges.push_back(PortRange{std::string(words[0]), static_cast<uint32_t>(base),
                               static_cast<uint32_t>(length)});
  }
  return ranges;
}

absl::StatusOr<std::vector<PortRange>> LoadPortRanges(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return absl::NotFoundError(absl::StrFormat("%s: cannot open", path));
  std::stringstream text;
  text << in.rdbuf();
  absl::StatusOr<std::vector<PortRange>> ranges = ParsePortRanges(text.str());
  if (!ranges.ok()) {
    return absl::InvalidArgumentError(absl::StrFormat("%s: %s", path, ranges.status().message()));
  }
  return ranges;
}

absl::StatusOr<std::vector<PortAccess>> LoadPortAccesses(const std::string& path) {
  PT_ASSIGN_OR_RETURN(trace::OpenedTrace opened, trace::OpenTrace(path, ""));
  std::vector<PortAccess> accesses;
  trace::EventBatch batch;
  while (true) {
    PT_ASSIGN_OR_RETURN(const bool have, opened.source->Next(&batch));
    if (!have) break;
    for (int i = 0; i < batch.op_size(); ++i) {
      const uint32_t op = batch.op(i);
      const trace::EventKind kind = trace::OpKind(op);
      if (kind != trace::PORT_READ && kind != trace::PORT_WRITE) continue;
      PortAccess access;
      access.port = static_cast<uint16_t>(batch.address(i));  // batches are validated: < 0x10000
      access.width = static_cast<uint8_t>(trace::OpWidth(op));
      access.is_write = kind == trace::PORT_WRITE;
      access.value = access.is_write ? static_cast<uint32_t>(batch.value(i)) : 0;
      accesses.push_back(access);
    }
  }
  return accesses;
}

std::vector<PortAccess> RandomPortAccesses(const std::vector<PortRange>& ranges, size_t count,
                                           uint32_t seed) {
  std::vector<PortAccess> accesses;
  uint64_t total = 0;
  for (const PortRange& range : ranges) total += range.length;
  if (total == 0) return accesses;
  // std::mt19937's output is fixed by the standard; the distributions are not, so draw by hand.
  std::mt19937 rng(seed);
  accesses.reserve(count);
  for (size_t i = 0; i < count; ++i) {
    uint64_t k = rng() % total;
    size_t r = 0;
    while (k >= ranges[r].length) k -= ranges[r++].length;
    const PortRange& range = ranges[r];
    const uint32_t port = range.base + static_cast<uint32_t>(k);
    unsigned width = 1u << (rng() % 3);
    while (port + width > range.base + range.length) width /= 2;
    PortAccess access;
    access.port = static_cast<uint16_t>(port);
    access.width = static_cast<uint8_t>(width);
    access.is_write = (rng() & 1) != 0;
    const uint32_t value = rng();
    access.value = access.is_write ? static_cast<uint32_t>(value & trace::WidthMask(width)) : 0;
    accesses.push_back(access);
  }
  return accesses;
}

uint64_t TrivialRegion::Read(uint64_t offset, unsigned width) {
  return ((offset + salt_) * 0x9e3779b1u) & trace::WidthMask(width);
}

void TrivialRegion::Write(uint64_t offset, unsigned width, uint64_t value) {
  latched_[offset % 8] = value;
}

void CountingRegion::Write(uint64_t offset, unsigned width, uint64_t value) {
  TrivialRegion::Write(offset, width, value);
  ++writes_;
  write_sum_ += (value << 8) ^ (offset << 3) ^ width;
}

std::string BenchDataPath(absl::string_view name) {
  const std::string relative = absl::StrFormat("testdata/bench/%s", name);
  std::vector<std::string> candidates = {relative};
  for (const char* variable : {"RUNFILES_DIR", "TEST_SRCDIR"}) {
    if (const char* dir = std::getenv(variable); dir != nullptr && *dir != '\0') {
      candidates.push_back(absl::StrFormat("%s/portrace/%s", dir, relative));
    }
  }
  for (const std::string& candidate : candidates) {
    if (FileExists(candidate)) return candidate;
  }
  return relative;
}

}  // namespace portrace::bench
