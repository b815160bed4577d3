#include "trace/importers/qtest_log_importer.h"

#include <algorithm>
#include <optional>
#include <string>
#include <vector>

#include "absl/strings/ascii.h"
#include "absl/strings/escaping.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/strip.h"
#include "trace/event.h"
#include "trace/line_reader.h"
#include "trace/qtest_command.h"
#include "trace/qtest_exchange.h"
#include "trace/qtest_script.h"

namespace portrace::trace {
namespace {

struct LogLine {
  char kind;  // 'R', 'S' or 'I'
  uint64_t ns;
  absl::string_view text;  // after "] "
};

// "+0.023386" or "0.000000" -> nanoseconds. At most 9 fraction digits.
std::optional<uint64_t> ParseSeconds(absl::string_view s) {
  absl::ConsumePrefix(&s, "+");
  const size_t dot = s.find('.');
  absl::string_view whole = s.substr(0, dot);
  absl::string_view fraction = dot == absl::string_view::npos ? "" : s.substr(dot + 1);
  uint64_t seconds = 0;
  if (whole.empty() || whole.size() > 10 || !absl::SimpleAtoi(whole, &seconds)) return std::nullopt;
  if (fraction.size() > 9) return std::nullopt;
  uint64_t nanos = 0;
  for (size_t i = 0; i < 9; ++i) {
    nanos *= 10;
    if (i < fraction.size()) {
      if (!absl::ascii_isdigit(fraction[i])) return std::nullopt;
      nanos += fraction[i] - '0';
    }
  }
  return seconds * 1000000000 + nanos;
}

// Splits "[R +0.1] text" after dropping leading tags like "[DMA]".
std::optional<LogLine> SplitLine(absl::string_view line) {
  while (absl::StartsWith(line, "[")) {
    const size_t close = line.find(']');
    if (close == absl::string_view::npos) return std::nullopt;
    const absl::string_view tag = line.substr(1, close - 1);
    if (tag.size() >= 3 && (tag[0] == 'R' || tag[0] == 'S' || tag[0] == 'I') && tag[1] == ' ') {
      const std::optional<uint64_t> ns = ParseSeconds(tag.substr(2));
      if (!ns.has_value()) return std::nullopt;
      absl::string_view text = line.substr(close + 1);
      absl::ConsumePrefix(&text, " ");
      return LogLine{tag[0], *ns, text};
    }
    line.remove_prefix(close + 1);  // a tag such as [DMA] or [DOUBLE-FETCH]
  }
  return std::nullopt;
}

class QtestLogReader : public EventSource {
 public:
  explicit QtestLogReader(std::unique_ptr<ByteSource> source)
      : source_(std::move(source)), lines_(source_.get(), kMaxQtestLineLength) {
    header_.set_producer("qtest log");
  }

  const TraceHeader& header() const override { return header_; }

  absl::StatusOr<bool> Next(EventBatch* batch) override {
    batch->Clear();
    if (!failed_.ok()) return failed_;
    BatchBuilder builder(batch);
    while (builder.size() < kEventsPerBatch) {
      absl::StatusOr<bool> have = lines_.Next();
      if (!have.ok()) return Fail(have.status(), batch);
      if (!*have) {
        FlushPending(builder);
        break;
      }
      absl::string_view line = lines_.line();
      absl::ConsumeSuffix(&line, "\r");
      if (absl::StripAsciiWhitespace(line).empty()) continue;
      const std::string where = absl::StrCat(lines_.name(), ":", lines_.line_number(), ": ");
      if (line.find('\0') != absl::string_view::npos) {
        return Fail(absl::InvalidArgumentError(absl::StrCat(where, "NUL byte; not a qtest log?")),
                    batch);
      }
      const std::optional<LogLine> parsed = SplitLine(line);
      if (!parsed.has_value()) {
        return Fail(absl::InvalidArgumentError(
                        absl::StrCat(where,
                                     "expected \"[R +seconds] request\", \"[S +seconds] reply\" or "
                                     "\"[I seconds] ...\"")),
                    batch);
      }
      if (parsed->kind == 'I') continue;  // OPENED / CLOSED
      if (parsed->kind == 'R') {
        FlushPending(builder);
        OnRequest(*parsed, builder);
      } else if (absl::StartsWith(parsed->text, "IRQ ")) {
        irqs_.push_back(absl::AsciiStrToLower(parsed->text));
        if (!pending_.has_value()) FlushPending(builder);
      } else {
        if (absl::Status status = OnReply(*parsed, where); !status.ok()) {
          return Fail(status, batch);
        }
        FlushPending(builder);
      }
    }
    return builder.size() > 0;
  }

 private:
  static constexpr int kEventsPerBatch = 4096;

  struct Pending {
    std::string line;
    std::string reply;  // "" until the reply arrives
  };

  // The events read before an error are delivered first; the error comes with the next call.
  absl::StatusOr<bool> Fail(absl::Status status, EventBatch* batch) {
    failed_ = status;
    if (batch->op_size() > 0) return true;
    return status;
  }

  void OnRequest(const LogLine& line, BatchBuilder& builder) {
    if (line.ns > now_ns_) {
      builder.TimeAdvance(line.ns - now_ns_);
      now_ns_ = line.ns;
    }
    Pending pending;
    pending.line = std::string(line.text);
    pending_ = std::move(pending);
  }

  absl::Status OnReply(const LogLine& line, const std::string& where) {
    if (!pending_.has_value()) {
      return absl::InvalidArgumentError(
          absl::StrCat(where, "a reply (\"", line.text.substr(0, 40), "\") with no request"));
    }
    pending_->reply = std::string(line.text);
    return absl::OkStatus();
  }

  // Appends the pending request's event (with its recorded reply) and any IRQ markers.
  void FlushPending(BatchBuilder& builder) {
    if (pending_.has_value()) {
      AppendRequest(*pending_, builder);
      pending_.reset();
    }
    for (const std::string& irq : irqs_) builder.Marker(irq);
    irqs_.clear();
  }

  static void AppendRequest(const Pending& p, BatchBuilder& builder) {
    AppendQtestExchange(p.line, p.reply, builder);
  }

  std::unique_ptr<ByteSource> source_;
  LineReader lines_;
  TraceHeader header_;
  uint64_t now_ns_ = 0;
  std::optional<Pending> pending_;
  std::vector<std::string> irqs_;
  absl::Status failed_;
};

class QtestLogImporter : public Importer {
 public:
  absl::string_view name() const override { return "qlog"; }
  absl::string_view description() const override {
    return "qtest log (QEMU -qtest-log): requests with QEMU's replies (.qlog)";
  }
  bool Sniff(absl::string_view head) const override {
    const size_t end = head.find('\n');
    const std::optional<LogLine> first = SplitLine(head.substr(0, end));
    return first.has_value();
  }
  absl::StatusOr<std::unique_ptr<EventSource>> Open(
      std::unique_ptr<ByteSource> source) const override {
    return std::unique_ptr<EventSource>(new QtestLogReader(std::move(source)));
  }
};

}  // namespace

std::unique_ptr<Importer> CreateQtestLogImporter() { return std::make_unique<QtestLogImporter>(); }

}  // namespace portrace::trace
