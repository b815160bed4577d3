// replay.divergence: a read whose value the trace recorded, answered differently by the model.
// One finding per port/address and width; repeats fold into it.
#ifndef PORTRACE_ANALYZER_DIVERGENCE_RULE_H_
#define PORTRACE_ANALYZER_DIVERGENCE_RULE_H_

#include <memory>

#include "analyzer/rule.h"

namespace portrace::analyzer {

std::unique_ptr<Rule> CreateDivergenceRule();

}  // namespace portrace::analyzer

#endif  // PORTRACE_ANALYZER_DIVERGENCE_RULE_H_
