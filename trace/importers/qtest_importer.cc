#include "trace/importers/qtest_importer.h"

#include "absl/strings/ascii.h"
#include "absl/strings/str_split.h"
#include "trace/qtest_command.h"
#include "trace/qtest_script.h"

namespace portrace::trace {
namespace {

class QtestImporter : public Importer {
 public:
  absl::string_view name() const override { return "qtest"; }
  absl::string_view description() const override {
    return "qtest script: QEMU qtest requests, one per line (.qtest)";
  }
  bool Sniff(absl::string_view head) const override {
    for (absl::string_view line : absl::StrSplit(head, '\n')) {
      absl::string_view stripped = absl::StripAsciiWhitespace(line);
      if (stripped.empty() || stripped[0] == '#') continue;
      // A known command word, whatever its arguments: an unknown command is NotFound.
      absl::StatusOr<QtestRequest> request = ParseQtestLine(line);
      return request.ok() || request.status().code() != absl::StatusCode::kNotFound;
    }
    return false;
  }
  absl::StatusOr<std::unique_ptr<EventSource>> Open(
      std::unique_ptr<ByteSource> source) const override {
    return std::unique_ptr<EventSource>(QtestScriptReader::Create(std::move(source)));
  }
};

}  // namespace

std::unique_ptr<Importer> CreateQtestImporter() { return std::make_unique<QtestImporter>(); }

}  // namespace portrace::trace
