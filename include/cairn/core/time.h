// UTC timestamps as ISO 8601 text ("2026-11-29T04:20:00Z"), the form every Cairn record uses.
// Pure functions; thread-safe.
#pragma once

#include <cstdint>
#include <string>

namespace cairn {

std::string FormatUtc(int64_t unix_seconds);
std::string UtcNow();

}  // namespace cairn
