#include "analyzer/rules.h"

#include <utility>

#include "analyzer/divergence_rule.h"
#include "analyzer/ide_rules.h"
#include "analyzer/io_rules.h"
#include "analyzer/nic_rules.h"
#include "analyzer/pc_rules.h"
#include "analyzer/platform_handshake_rules.h"
#include "analyzer/platform_log_rules.h"
#include "analyzer/platform_unplug_rules.h"

namespace portrace::analyzer {

std::vector<std::unique_ptr<Rule>> CreateRules(const sim::MachineProfile& profile,
                                               const RuleOptions& options) {
  std::vector<std::unique_ptr<Rule>> rules;
  rules.push_back(CreateIoRules());
  rules.push_back(CreateDivergenceRule(options.divergence));
  rules.push_back(CreatePlatformHandshakeRules(profile));
  rules.push_back(CreatePlatformLogRules(profile));
  rules.push_back(CreatePlatformUnplugRules(profile));
  rules.push_back(CreateIdeRules());
  rules.push_back(CreateNicRules());
  for (std::unique_ptr<Rule>& rule : CreatePcRules()) rules.push_back(std::move(rule));
  return rules;
}

}  // namespace portrace::analyzer
