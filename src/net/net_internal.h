// Helpers shared by the net module's sources (not public API).
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

namespace cairn::net {

// A JSON string literal (quoted, escaped).
std::string JsonString(std::string_view s);
// ISO 8601 of a stored time; "Z" suffix only when the zone is known.
std::string FormatStoredTime(int64_t seconds, bool zone_known);

}  // namespace cairn::net
