#include "cairn/core/time.h"

#include <ctime>

namespace cairn {

std::string FormatUtc(int64_t unix_seconds) {
  const auto t = static_cast<std::time_t>(unix_seconds);
  std::tm tm{};
  gmtime_r(&t, &tm);
  char buf[32];
  std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%SZ", &tm);
  return buf;
}

std::string UtcNow() { return FormatUtc(static_cast<int64_t>(std::time(nullptr))); }

}  // namespace cairn
