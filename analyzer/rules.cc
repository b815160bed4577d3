#include "analyzer/rules.h"

#include "analyzer/divergence_rule.h"
#include "analyzer/io_rules.h"

namespace portrace::analyzer {

std::vector<std::unique_ptr<Rule>> CreateRules(const sim::MachineProfile& profile) {
  std::vector<std::unique_ptr<Rule>> rules;
  rules.push_back(CreateIoRules());
  rules.push_back(CreateDivergenceRule());
  return rules;
}

}  // namespace portrace::analyzer
