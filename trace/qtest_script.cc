#include "trace/qtest_script.h"

#include <algorithm>
#include <vector>

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_replace.h"
#include "absl/strings/strip.h"
#include "base/status_macros.h"
#include "trace/event.h"
#include "trace/qtest_command.h"

namespace portrace::trace {
namespace {

constexpr absl::string_view kUnknownCommand = "Unknown command ";

// The event most recently appended to `batch`.
EventView LastEvent(const EventBatch& batch) {
  const int index = batch.op_size() - 1;
  const uint32_t op = batch.op(index);
  EventView view;
  view.kind = OpKind(op);
  view.width = OpWidth(op);
  view.flags = OpFlags(op);
  view.aux = OpAux(op);
  view.address = batch.address(index);
  view.value = batch.value(index);
  if (OpHasBlob(op)) view.blob = batch.blob(batch.blob_size() - 1);
  return view;
}

}  // namespace

std::unique_ptr<QtestScriptReader> QtestScriptReader::Create(std::unique_ptr<ByteSource> source,
                                                             int events_per_batch) {
  return std::unique_ptr<QtestScriptReader>(
      new QtestScriptReader(std::move(source), events_per_batch));
}

QtestScriptReader::QtestScriptReader(std::unique_ptr<ByteSource> source, int events_per_batch)
    : source_(std::move(source)),
      lines_(source_.get(), kMaxQtestLineLength),
      events_per_batch_(std::max(events_per_batch, 1)) {
  header_.set_producer("qtest script");
}

absl::StatusOr<bool> QtestScriptReader::Next(EventBatch* batch) {
  batch->Clear();
  if (!failed_.ok()) return failed_;
  // On an error, the events read before it are still delivered: this call returns them and the
  // next one the error.
  const auto fail = [&](absl::Status status) -> absl::StatusOr<bool> {
    failed_ = status;
    if (batch->op_size() > 0) return true;
    return status;
  };
  BatchBuilder builder(batch);
  while (builder.size() < events_per_batch_) {
    absl::StatusOr<bool> have = lines_.Next();
    if (!have.ok()) return fail(have.status());
    if (!*have) break;
    const std::string& line_text = lines_.line();
    const std::string where = absl::StrCat(source_->name(), ":", lines_.line_number(), ": ");
    absl::string_view line = line_text;
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
    // QEMU reads lines as C strings and never sees a '\n' after a NUL; refuse binary input.
    if (const size_t nul = line.find('\0'); nul != absl::string_view::npos) {
      return fail(absl::InvalidArgumentError(
          absl::StrFormat("%sNUL byte at column %u; not a qtest script?", where, nul + 1)));
    }
    const absl::string_view content = absl::StripLeadingAsciiWhitespace(line);
    // "# marker: TEXT" is how the writer keeps a non-qtest marker (a resume point, say); read it
    // back as one. Other comments are dropped.
    if (absl::string_view text = line; absl::ConsumePrefix(&text, kMarkerPrefix)) {
      builder.Marker(absl::StrReplaceAll(text, {{"\\n", "\n"}}));
      continue;
    }
    if (content.empty() || content.front() == '#') continue;

    // The parser drops the same '\r' itself; given `line` it would drop a second one.
    absl::StatusOr<QtestRequest> request = ParseQtestLine(line_text);
    if (!request.ok()) {
      absl::string_view message = request.status().message();
      if (absl::IsNotFound(request.status()) && absl::ConsumePrefix(&message, kUnknownCommand)) {
        return fail(
            absl::InvalidArgumentError(absl::StrCat(where, "unknown qtest command ", message)));
      }
      return fail(absl::InvalidArgumentError(absl::StrCat(where, message)));
    }
    AppendQtestEvents(*request, builder);
    if (FormatQtestLine(LastEvent(*batch)) != line) builder.Annotate("qtest", line);
  }
  return builder.size() > 0;
}

absl::Status QtestScriptWriter::WriteBatch(const EventBatch& batch) {
  PT_RETURN_IF_ERROR(ValidateBatch(batch));
  // The original line of each event, where the reader kept one and it fits on one line.
  std::vector<const std::string*> original(batch.op_size(), nullptr);
  for (const Annotation& note : batch.annotation()) {
    if (note.key() == "qtest" && !note.text().empty() &&
        note.text().find('\n') == std::string::npos) {
      original[note.event()] = &note.text();
    }
  }
  std::string out;
  BatchCursor cursor(batch);
  while (!cursor.Done()) {
    const int index = cursor.index();
    const EventView event = cursor.Next();
    const std::string line = original[index] != nullptr ? *original[index] : FormatQtestLine(event);
    if (line.empty()) continue;
    out.append(line);
    // The reader drops one '\r' before a '\n'; a line that ends in '\r' itself gets a second.
    if (line.back() == '\r') out.push_back('\r');
    out.push_back('\n');
  }
  return sink_->Write(out);
}

}  // namespace portrace::trace
