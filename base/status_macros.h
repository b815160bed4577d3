// Early-return helpers for absl::Status and absl::StatusOr (Abseil 20220623 ships none).
#ifndef PORTRACE_BASE_STATUS_MACROS_H_
#define PORTRACE_BASE_STATUS_MACROS_H_

#include <utility>

#include "absl/status/status.h"
#include "absl/status/statusor.h"

// Returns from the enclosing function if `expr` yields a non-OK absl::Status.
#define PT_RETURN_IF_ERROR(expr)             \
  do {                                       \
    ::absl::Status pt_status_ = (expr);      \
    if (!pt_status_.ok()) return pt_status_; \
  } while (0)

#define PT_CONCAT_INNER_(a, b) a##b
#define PT_CONCAT_(a, b) PT_CONCAT_INNER_(a, b)

// `PT_ASSIGN_OR_RETURN(auto x, Foo());` assigns the value of a StatusOr or returns its status.
#define PT_ASSIGN_OR_RETURN(lhs, expr) \
  PT_ASSIGN_OR_RETURN_IMPL_(PT_CONCAT_(pt_statusor_, __LINE__), lhs, expr)

#define PT_ASSIGN_OR_RETURN_IMPL_(statusor, lhs, expr)     \
  auto statusor = (expr);                                  \
  if (!statusor.ok()) return std::move(statusor).status(); \
  lhs = std::move(statusor).value()

#endif  // PORTRACE_BASE_STATUS_MACROS_H_
