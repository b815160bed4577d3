#include "sim/qtest_server.h"

#include "absl/strings/ascii.h"
#include "absl/strings/escaping.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "trace/event.h"
#include "trace/qtest_command.h"

namespace portrace::sim {

using trace::QtestOp;

std::optional<std::string> QtestServer::Handle(absl::string_view line) {
  if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
  const absl::string_view stripped = absl::StripLeadingAsciiWhitespace(line);
  if (stripped.empty() || stripped[0] == '#') return std::nullopt;

  absl::StatusOr<trace::QtestRequest> parsed = trace::ParseQtestLine(line);
  if (!parsed.ok()) {
    if (parsed.status().code() == absl::StatusCode::kNotFound) {
      return absl::StrCat("FAIL ", parsed.status().message());
    }
    return absl::StrCat("ERR ", parsed.status().message());
  }
  const trace::QtestRequest& request = *parsed;
  trace::EventBatch batch;
  trace::BatchBuilder builder(&batch);
  trace::AppendQtestEvents(request, builder);
  trace::BatchCursor cursor(batch);
  const uint64_t value = replayer_.Step(cursor.Next());
  switch (request.op) {
    case QtestOp::kIn:
      return absl::StrFormat("OK 0x%04x", value);
    case QtestOp::kMmioRead:
      return absl::StrFormat("OK 0x%016x", value);
    case QtestOp::kMemoryRead:
      return absl::StrCat("OK 0x", absl::BytesToHexString(replayer_.last_bytes()));
    case QtestOp::kMemoryReadB64:
      return absl::StrCat("OK ", absl::Base64Escape(replayer_.last_bytes()));
    case QtestOp::kNoIo:
      if (request.command == "endianness") return std::string("OK little");
      if (request.command == "module_load") return std::string("FAIL");
      return std::string("OK");
    case QtestOp::kClockStep:
    case QtestOp::kClockSet:
      return absl::StrFormat("OK %d", static_cast<int64_t>(value));
    case QtestOp::kNicReceive: {
      const Replayer::FrameDelivery& d = replayer_.last_delivery();
      if (!d.nic_found) {
        return absl::StrFormat("FAIL no NIC %u (the machine has %u)", d.nic,
                               machine_->nics().size());
      }
      switch (d.result.outcome) {
        case RxResult::Outcome::kStored:
          return std::string("OK");
        case RxResult::Outcome::kFiltered:
          return std::string("OK filtered");
        case RxResult::Outcome::kRefused:
          return absl::StrCat("FAIL ", d.device, " refused the frame: ", d.result.reason);
      }
      return std::string("OK");
    }
    default:
      return std::string("OK");
  }
}

}  // namespace portrace::sim
