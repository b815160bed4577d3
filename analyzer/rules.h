// The rule registry: every rule family, created by its factory, listed in one place.
#ifndef PORTRACE_ANALYZER_RULES_H_
#define PORTRACE_ANALYZER_RULES_H_

#include <memory>
#include <vector>

#include "analyzer/divergence_rule.h"
#include "analyzer/rule.h"
#include "sim/machine.h"

namespace portrace::analyzer {

// What the user tells the rules.
struct RuleOptions {
  DivergenceOptions divergence;
};

// The rules that apply to traces replayed on `profile`.
std::vector<std::unique_ptr<Rule>> CreateRules(const sim::MachineProfile& profile,
                                               const RuleOptions& options = {});

}  // namespace portrace::analyzer

#endif  // PORTRACE_ANALYZER_RULES_H_
