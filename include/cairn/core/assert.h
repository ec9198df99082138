// CAIRN_ASSERT: the channel for bugs (a broken invariant), not for bad input. It is active in
// every build type, prints the condition and location to stderr and aborts. Thread-safe.
#pragma once

namespace cairn::internal {
[[noreturn]] void AssertFail(const char* condition, const char* file, int line);
}  // namespace cairn::internal

#define CAIRN_ASSERT(cond) \
  ((cond) ? static_cast<void>(0) : ::cairn::internal::AssertFail(#cond, __FILE__, __LINE__))
