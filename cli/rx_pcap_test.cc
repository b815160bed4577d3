#include "cli/rx_pcap.h"

#include <cstdlib>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "devices/nic/pcap_writer.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "trace/event.h"

namespace portrace::cli {
namespace {

using ::testing::HasSubstr;
using Placement = RxPcapOptions::Placement;

TEST(ParseRxPcapOptionTest, GoodOptions) {
  const struct {
    const char* text;
    const char* path;
    uint32_t nic;
    Placement placement;
    uint64_t at;
  } cases[] = {
      {"in.pcap", "in.pcap", 0, Placement::kTime, 0},
      {"in.pcap,nic=2", "in.pcap", 2, Placement::kTime, 0},
      {"in.pcap,at=time", "in.pcap", 0, Placement::kTime, 0},
      {"in.pcap,at=time:1500", "in.pcap", 0, Placement::kTime, 1500},
      {"/a/b.pcap,at=event:12,nic=1", "/a/b.pcap", 1, Placement::kEvent, 12},
      {"x,nic=255,at=every:3", "x", 255, Placement::kEvery, 3},
  };
  for (const auto& c : cases) {
    absl::StatusOr<RxPcapOptions> options = ParseRxPcapOption(c.text);
    ASSERT_TRUE(options.ok()) << c.text << ": " << options.status();
    EXPECT_EQ(options->text, c.text);
    EXPECT_EQ(options->path, c.path) << c.text;
    EXPECT_EQ(options->nic, c.nic) << c.text;
    EXPECT_EQ(options->placement, c.placement) << c.text;
    EXPECT_EQ(options->at, c.at) << c.text;
  }
}

TEST(ParseRxPcapOptionTest, BadOptions) {
  const struct {
    const char* text;
    const char* message;
  } cases[] = {
      {"", "--rx-pcap=: expected FILE[,nic=N][,at=PLACEMENT]"},
      {",nic=1", "expected FILE"},
      {"in.pcap,nic=256", "nic '256' is not a NIC index (0-255)"},
      {"in.pcap,nic=-1", "nic '-1' is not a NIC index"},
      {"in.pcap,nic=", "nic '' is not a NIC index"},
      {"in.pcap,at=every:0", "at 'every:0' is not time, time:NS, event:K or every:N (N >= 1)"},
      {"in.pcap,at=event:", "at 'event:' is not"},
      {"in.pcap,at=soon", "at 'soon' is not"},
      {"in.pcap,at=time:-5", "at 'time:-5' is not"},
      {"in.pcap,speed=2", "unknown option 'speed=2' (nic=, at=)"},
  };
  for (const auto& c : cases) {
    absl::StatusOr<RxPcapOptions> options = ParseRxPcapOption(c.text);
    EXPECT_EQ(options.status().code(), absl::StatusCode::kInvalidArgument) << c.text;
    EXPECT_THAT(options.status().message(), HasSubstr(c.message)) << c.text;
  }
}

// Serves batches from memory.
class BatchSource : public trace::EventSource {
 public:
  explicit BatchSource(std::vector<trace::EventBatch> batches) : batches_(std::move(batches)) {
    header_.set_machine("pc");
  }
  const trace::TraceHeader& header() const override { return header_; }
  absl::StatusOr<bool> Next(trace::EventBatch* batch) override {
    batch->Clear();
    if (next_ == batches_.size()) return false;
    *batch = batches_[next_++];
    return true;
  }

 private:
  std::vector<trace::EventBatch> batches_;
  size_t next_ = 0;
  trace::TraceHeader header_;
};

std::string TempPath(const std::string& name) {
  return absl::StrCat(std::getenv("TEST_TMPDIR"), "/", name);
}

// A capture of frames "F0".."Fn" (60 bytes each) at 5 s + the given microseconds.
std::string WriteCapture(const std::string& name, const std::vector<uint64_t>& micros) {
  std::ostringstream out;
  devices::PcapWriter writer(&out);
  for (size_t i = 0; i < micros.size(); ++i) {
    std::vector<uint8_t> frame(60, 0);
    frame[0] = 'F';
    frame[1] = static_cast<uint8_t>('0' + i);
    EXPECT_TRUE(writer.AddFrame(5'000'000'000 + micros[i] * 1000, frame).ok());
  }
  const std::string path = TempPath(name);
  std::ofstream(path, std::ios::binary) << out.str();
  return path;
}

// The five events: a, 1 ms, b, 1 ms, c (a at t=0, b at 1 ms, c at 2 ms), in batches of `split`.
std::vector<trace::EventBatch> FiveEvents(int split) {
  std::vector<trace::EventBatch> batches(1);
  int in_batch = 0;
  const auto add = [&](auto&& append) {
    if (in_batch == split) {
      batches.emplace_back();
      in_batch = 0;
    }
    trace::BatchBuilder b(&batches.back());
    append(b);
    ++in_batch;
  };
  add([](trace::BatchBuilder& b) {
    b.PortWrite(0x70, 1, 'a');
    b.Annotate(trace::kRegionAnnotation, "rtc");
  });
  add([](trace::BatchBuilder& b) { b.TimeAdvance(1'000'000); });
  add([](trace::BatchBuilder& b) { b.PortWrite(0x70, 1, 'b'); });
  add([](trace::BatchBuilder& b) { b.TimeAdvance(1'000'000); });
  add([](trace::BatchBuilder& b) { b.PortWrite(0x70, 1, 'c'); });
  return batches;
}

// The merged stream in short: "a", "+" (time), "F0" (a frame for NIC n: "F0@n"); batches
// separated by "|"; region annotations as "[rtc]".
absl::StatusOr<std::string> Merge(const std::string& option, int split, int max_batch) {
  absl::StatusOr<RxPcapOptions> options = ParseRxPcapOption(option);
  if (!options.ok()) return options.status();
  absl::StatusOr<std::unique_ptr<RxPcapMerge>> merge =
      RxPcapMerge::Open(std::make_unique<BatchSource>(FiveEvents(split)), *options, max_batch);
  if (!merge.ok()) return merge.status();
  std::vector<std::string> batches;
  trace::EventBatch batch;
  while (true) {
    absl::StatusOr<bool> more = (*merge)->Next(&batch);
    if (!more.ok()) return more.status();
    if (!*more) break;
    EXPECT_TRUE(trace::ValidateBatch(batch).ok()) << trace::ValidateBatch(batch);
    EXPECT_LE(batch.op_size(), max_batch);
    std::vector<std::string> events;
    trace::BatchCursor cursor(batch);
    while (!cursor.Done()) {
      const int index = cursor.index();
      const trace::EventView e = cursor.Next();
      std::string text;
      if (e.kind == trace::NIC_RECEIVE) {
        text = std::string(e.blob.substr(0, 2));
        if (e.aux != 0) absl::StrAppend(&text, "@", e.aux);
      } else if (e.kind == trace::TIME_ADVANCE) {
        text = "+";
      } else {
        text = std::string(1, static_cast<char>(e.value));
      }
      for (const trace::Annotation& note : batch.annotation()) {
        if (note.event() == static_cast<uint32_t>(index))
          absl::StrAppend(&text, "[", note.text(), "]");
      }
      events.push_back(text);
    }
    batches.push_back(absl::StrJoin(events, " "));
  }
  EXPECT_EQ((*merge)->header().machine(), "pc");
  EXPECT_EQ((*merge)->header().metadata(0).key(), "rx-pcap");
  return absl::StrJoin(batches, " | ");
}

// The placement rules of rx_pcap.h on one trace and one capture (frames at 0, 0.5, 1 and 5 ms).
TEST(RxPcapMergeTest, PlacesFramesByTimeOrEventIndex) {
  const std::string pcap = WriteCapture("four.pcap", {0, 500, 1000, 5000});
  const struct {
    std::string at;
    std::string merged;
  } cases[] = {
      {"", "F0 a[rtc] + F1 F2 b + c F3"},
      {",at=time", "F0 a[rtc] + F1 F2 b + c F3"},
      {",at=time:1500000", "a[rtc] + b + F0 F1 c F2 F3"},
      {",at=time:2000001", "a[rtc] + b + c F0 F1 F2 F3"},
      {",at=event:0", "F0 F1 F2 F3 a[rtc] + b + c"},
      {",at=event:2", "a[rtc] + F0 F1 F2 F3 b + c"},
      {",at=event:100", "a[rtc] + b + c F0 F1 F2 F3"},
      {",at=every:2", "a[rtc] + F0 b + F1 c F2 F3"},
      {",at=every:1,nic=3", "a[rtc] F0@3 + F1@3 b F2@3 + F3@3 c"},
  };
  for (const auto& c : cases) {
    absl::StatusOr<std::string> merged = Merge(pcap + c.at, 100, 4096);
    ASSERT_TRUE(merged.ok()) << c.at << ": " << merged.status();
    EXPECT_EQ(*merged, c.merged) << c.at;
  }
}

// Input batches of two events and output batches of at most three: the same stream, and the
// capture's region stays in force where an input batch is split.
TEST(RxPcapMergeTest, BatchesAreBoundedAndKeepTheRegion) {
  const std::string pcap = WriteCapture("split.pcap", {0, 500, 1000, 5000});
  absl::StatusOr<std::string> merged = Merge(pcap + ",at=every:1", 2, 3);
  ASSERT_TRUE(merged.ok()) << merged.status();
  EXPECT_EQ(*merged, "a[rtc] F0 + | F1 b F2 | + F3 c");
  merged = Merge(pcap + ",at=event:1", 2, 2);
  ASSERT_TRUE(merged.ok()) << merged.status();
  EXPECT_EQ(*merged, "a[rtc] F0 | F1 F2 | F3 +[rtc] | b + | c");
}

TEST(RxPcapMergeTest, BadCapturesNameTheFileAndOffset) {
  std::ostringstream big;
  {
    devices::PcapWriter writer(&big);
    EXPECT_TRUE(writer.AddFrame(0, std::vector<uint8_t>(60, 1)).ok());
  }
  // A record of 70000 captured bytes (within pcap's limits, beyond a received frame's).
  std::string too_long = big.str();
  too_long[16] = '\x70';  // snap length 0x11170 (70000)
  too_long[17] = '\x11';
  too_long[18] = '\x01';
  for (const char c : {'\0', '\0', '\0', '\0', '\0', '\0', '\0', '\0', '\x70', '\x11', '\x01', '\0',
                       '\x70', '\x11', '\x01', '\0'}) {
    too_long.push_back(c);
  }
  too_long += std::string(70000, 'x');
  std::string empty_record = big.str() + std::string(16, '\0');
  std::string not_ethernet = big.str();
  not_ethernet[20] = 113;  // Linux cooked capture
  const std::string cut = big.str().substr(0, big.str().size() - 10);
  const struct {
    const char* name;
    std::string bytes;
    absl::StatusCode code;
    std::string message;
  } cases[] = {
      {"too-long.pcap", too_long, absl::StatusCode::kInvalidArgument,
       "too-long.pcap: offset 100: frame of 70000 bytes, above the 65535 bytes a received frame "
       "may hold"},
      {"empty-record.pcap", empty_record, absl::StatusCode::kInvalidArgument,
       "empty-record.pcap: offset 100: empty pcap record"},
      {"sll.pcap", not_ethernet, absl::StatusCode::kInvalidArgument,
       "sll.pcap: offset 20: link type 113 is not Ethernet (1)"},
      {"cut.pcap", cut, absl::StatusCode::kDataLoss,
       "cut.pcap: offset 24: pcap record of 60 bytes truncated after 50"},
      {"text.pcap", "outb 0x80 0x1\n", absl::StatusCode::kInvalidArgument,
       "text.pcap: offset 0: not a pcap file"},
  };
  for (const auto& c : cases) {
    const std::string path = TempPath(c.name);
    std::ofstream(path, std::ios::binary) << c.bytes;
    absl::StatusOr<std::string> merged = Merge(path + ",at=event:0", 100, 4096);
    EXPECT_EQ(merged.status().code(), c.code) << c.name << ": " << merged.status();
    EXPECT_THAT(merged.status().message(), HasSubstr(c.message)) << c.name;
  }
  absl::StatusOr<std::string> missing = Merge("/nonexistent/x.pcap", 100, 4096);
  EXPECT_THAT(missing.status().message(), HasSubstr("/nonexistent/x.pcap"));
}

// A capture that goes bad midway: what was merged before the bad record comes first.
TEST(RxPcapMergeTest, EventsBeforeACaptureErrorAreDelivered) {
  const std::string good = WriteCapture("two.pcap", {0, 100});
  std::ifstream in(good, std::ios::binary);
  std::stringstream bytes;
  bytes << in.rdbuf();
  const std::string path = TempPath("two-cut.pcap");
  std::ofstream(path, std::ios::binary) << bytes.str().substr(0, bytes.str().size() - 1);
  absl::StatusOr<RxPcapOptions> options = ParseRxPcapOption(path + ",at=every:2");
  ASSERT_TRUE(options.ok());
  absl::StatusOr<std::unique_ptr<RxPcapMerge>> merge =
      RxPcapMerge::Open(std::make_unique<BatchSource>(FiveEvents(100)), *options);
  ASSERT_TRUE(merge.ok()) << merge.status();
  trace::EventBatch batch;
  absl::StatusOr<bool> first = (*merge)->Next(&batch);
  ASSERT_TRUE(first.ok()) << first.status();
  EXPECT_EQ(batch.op_size(), 3);  // a, +, F0: the second record is read before b
  EXPECT_EQ((*merge)->frames(), 1u);
  absl::StatusOr<bool> second = (*merge)->Next(&batch);
  EXPECT_EQ(second.status().code(), absl::StatusCode::kDataLoss);
  EXPECT_THAT(second.status().message(), HasSubstr("two-cut.pcap: offset 100"));
  EXPECT_EQ((*merge)->Next(&batch).status(), second.status());
}

}  // namespace
}  // namespace portrace::cli
