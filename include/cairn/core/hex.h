// Lower-case hexadecimal text for byte strings. Parsing accepts either case and rejects
// anything else (no 0x prefix, no spaces). Pure functions; thread-safe.
#pragma once

#include <cstdint>
#include <span>
#include <string>
#include <string_view>

namespace cairn {

std::string ToHex(std::span<const uint8_t> bytes);

// Parses exactly out.size() bytes (2 * out.size() hex digits). False on any other input.
[[nodiscard]] bool ParseHex(std::string_view text, std::span<uint8_t> out);

}  // namespace cairn
