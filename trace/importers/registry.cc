#include "trace/importers/registry.h"

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "base/status_macros.h"
#include "trace/byte_source.h"
#include "trace/importers/canonical_importer.h"
#include "trace/importers/kvm_pio_importer.h"
#include "trace/importers/qemu_trace_importer.h"
#include "trace/importers/qtest_importer.h"
#include "trace/importers/qtest_log_importer.h"
#include "trace/importers/xentrace_importer.h"

namespace portrace::trace {
namespace {

constexpr size_t kSniffBytes = 4096;

std::vector<std::unique_ptr<Importer>> MakeImporters() {
  std::vector<std::unique_ptr<Importer>> importers;
  importers.push_back(CreateCanonicalImporter());
  importers.push_back(CreateXentraceImporter());
  importers.push_back(CreateQtestLogImporter());
  importers.push_back(CreateKvmPioImporter());
  importers.push_back(CreateQtestImporter());
  importers.push_back(CreateQemuTraceImporter());
  return importers;
}

std::string ImporterNames() {
  std::vector<absl::string_view> names;
  for (const auto& importer : Importers()) names.push_back(importer->name());
  return absl::StrJoin(names, ", ");
}

}  // namespace

const std::vector<std::unique_ptr<Importer>>& Importers() {
  static const auto* const importers = new std::vector<std::unique_ptr<Importer>>(MakeImporters());
  return *importers;
}

const Importer* FindImporter(absl::string_view name) {
  for (const auto& importer : Importers()) {
    if (importer->name() == name) return importer.get();
  }
  return nullptr;
}

absl::StatusOr<OpenedTrace> OpenTrace(const std::string& path, absl::string_view from,
                                      const SourceWrapper& wrap) {
  const Importer* importer = nullptr;
  if (!from.empty()) {
    importer = FindImporter(from);
    if (importer == nullptr) {
      return absl::InvalidArgumentError(
          absl::StrCat("unknown input format '", from, "' (known: ", ImporterNames(), ")"));
    }
  }
  PT_ASSIGN_OR_RETURN(std::unique_ptr<ByteSource> file, OpenFileSource(path));
  if (wrap) file = wrap(std::move(file), path);
  auto source = std::make_unique<PeekableSource>(std::move(file));
  if (importer == nullptr) {
    PT_ASSIGN_OR_RETURN(const absl::string_view head, source->Peek(kSniffBytes));
    for (const auto& candidate : Importers()) {
      if (candidate->Sniff(head)) {
        importer = candidate.get();
        break;
      }
    }
    if (importer == nullptr) {
      return absl::InvalidArgumentError(
          absl::StrCat(source->name(), ": offset 0: not a trace format portrace knows (",
                       head.empty() ? "empty input" : "no importer recognises its first bytes",
                       "); known formats: ", ImporterNames(), "; use --from to name one"));
    }
  }
  OpenedTrace opened;
  opened.format = std::string(importer->name());
  PT_ASSIGN_OR_RETURN(opened.source, importer->Open(std::move(source)));
  return opened;
}

}  // namespace portrace::trace
