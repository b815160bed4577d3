// The `io` family: accesses the I/O spaces found unusual while dispatching them — io.unclaimed,
// io.bad-width, io.straddle, io.denied. One finding per port (or address), width and direction;
// repeats are folded into it.
#ifndef PORTRACE_ANALYZER_IO_RULES_H_
#define PORTRACE_ANALYZER_IO_RULES_H_

#include <memory>

#include "analyzer/rule.h"

namespace portrace::analyzer {

std::unique_ptr<Rule> CreateIoRules();

}  // namespace portrace::analyzer

#endif  // PORTRACE_ANALYZER_IO_RULES_H_
