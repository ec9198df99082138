// Helpers shared by the net module's sources (not public API).
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

namespace cairn::net {

// ISO 8601 of a stored time; "Z" suffix only when the zone is known.
std::string FormatStoredTime(int64_t seconds, bool zone_known);

}  // namespace cairn::net
