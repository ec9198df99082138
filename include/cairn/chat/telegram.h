// Telegram Desktop "Export chat history" / "Export Telegram data" JSON parser: a single chat
// ({"name", "type", "id", "messages": [...]}) or a full-account export ({"chats": {"list": [...]},
// "contacts": {"list": [...]}, ...}). Text is kept as plain text plus typed entities (links,
// phones, e-mails, mentions, bank cards, ...); service messages become system events. The
// exporter's invalid escapes (e.g. "\x1f") and raw control bytes are repaired before parsing
// (see RepairTelegramJson). Stateless functions; safe to call from many threads.
#pragma once

#include <cstdint>
#include <filesystem>
#include <string>
#include <string_view>

#include "cairn/chat/message.h"
#include "cairn/core/status.h"

namespace cairn::chat {

struct TelegramOptions {
  std::string source;  // recorded as Message::source (default: the path, or "<memory>")
  uint64_t max_bytes = uint64_t{4} << 30;
};

// Fails with kCorrupt (naming the source and the byte offset) when the JSON cannot be parsed
// even after repair, or when it is neither a chat nor an account export.
Result<ChatExport> ParseTelegramJson(std::string_view json, const TelegramOptions& options = {});
Result<ChatExport> ParseTelegramFile(const std::filesystem::path& path, const TelegramOptions& options = {});

// Makes the exporter's near-JSON valid without changing any valid part: inside strings a
// backslash that does not start a JSON escape is itself escaped ("\x41" stays the 4 characters
// \x41), raw control bytes become \u00XX, and invalid UTF-8 bytes become U+FFFD. Returns the
// number of repairs through `repairs` when given.
std::string RepairTelegramJson(std::string_view json, uint64_t* repairs = nullptr);

}  // namespace cairn::chat
