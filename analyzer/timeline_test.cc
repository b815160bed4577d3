#include "analyzer/timeline.h"

#include <memory>
#include <string>

#include "analyzer/rules.h"
#include "gmock/gmock.h"
#include "google/protobuf/struct.pb.h"
#include "google/protobuf/util/json_util.h"
#include "gtest/gtest.h"
#include "sim/machine_builder.h"
#include "trace/byte_source.h"
#include "trace/event.h"

namespace portrace::analyzer {
namespace {

using ::testing::HasSubstr;

TEST(TimelineTest, TracksPerDeviceAndFindingsAsValidJson) {
  sim::MachineOptions options;
  options.name = "xen-trad";
  std::unique_ptr<sim::Machine> machine = *sim::BuildMachine(options);
  trace::EventBatch batch;
  trace::BatchBuilder b(&batch);
  b.PortRead(0x10, 2);
  b.TimeAdvance(1000);
  b.PortWrite(0x10, 1, 0x3);  // width confusion: a finding
  b.PortReadRecorded(0x3f8, 1, 0x60);
  std::string json;
  trace::StringSink sink(&json);
  Analyzer analyzer(CreateRules(machine->profile()));
  TimelineWriter timeline(&sink, "test");
  struct Both : sim::ReplayObserver {
    Analyzer* a;
    TimelineWriter* t;
    void OnEvent(const sim::ReplayedEvent& e) override {
      a->OnEvent(e);
      t->OnEvent(e);
    }
  } both;
  both.a = &analyzer;
  both.t = &timeline;
  sim::Replayer replayer(machine.get());
  replayer.set_observer(&both);
  replayer.RunBatch(batch);
  analyzer.Finish();
  ASSERT_TRUE(timeline.Finish(analyzer).ok());

  google::protobuf::Struct parsed;
  ASSERT_TRUE(google::protobuf::util::JsonStringToMessage(json, &parsed).ok()) << json;
  const auto& events = parsed.fields().at("traceEvents").list_value().values();
  // process + findings track + xen-fixed track + unclaimed track + 3 accesses + findings.
  EXPECT_GE(events.size(), 8);
  EXPECT_THAT(json, HasSubstr("\"args\":{\"name\":\"xen-fixed\"}"));
  EXPECT_THAT(json, HasSubstr("\"args\":{\"name\":\"unclaimed\"}"));
  EXPECT_THAT(json, HasSubstr("{\"name\":\"inw 0x10\",\"cat\":\"port-read\",\"ph\":\"i\",\"ts\":0,"));
  // The second access happens after 1000 ns, drawn 2 ns later for its index: 1.002 us.
  EXPECT_THAT(json, HasSubstr("\"ts\":1.002"));
  EXPECT_THAT(json, HasSubstr("\"recorded\":\"0x60\""));
  EXPECT_THAT(json, HasSubstr("{\"name\":\"platform.width-confusion\",\"cat\":\"finding\",\"ph\":\"i\""));
  EXPECT_THAT(json, HasSubstr("\"s\":\"g\""));
}

}  // namespace
}  // namespace portrace::analyzer
