// Helpers shared by the CLI commands: JSON values for paths (lossless for names that are not
// UTF-8) and splitting comma-separated option values (CSV quoting and UTF-8 checks: core/text.h). Every command's records are documented in docs/CLI.md.
#pragma once

#include <nlohmann/json.hpp>

#include <filesystem>
#include <string>
#include <string_view>
#include <vector>

#include "cairn/core/text.h"

namespace cairn::cli {

using Json = nlohmann::ordered_json;

// Adds "path" (UTF-8; invalid bytes shown as U+FFFD) and, only when the name is not valid UTF-8,
// "path_hex" (the raw bytes in hex, so the exact name is never lost).
void AddPath(Json& record, std::string_view key, const std::filesystem::path& path);

// One compact JSON line (invalid UTF-8 replaced, never thrown).
std::string JsonLine(const Json& record);

// "a,b@2,,c" -> {"a", "b@2", "c"}: the comma-separated values of options such as --lists.
std::vector<std::string> SplitCommaList(std::string_view text);

}  // namespace cairn::cli
