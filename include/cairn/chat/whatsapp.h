// WhatsApp "Export chat" parsers: the .txt (Android "dd/mm/yy, HH:MM - Name: text" and iOS
// "[dd/mm/yy, HH:MM:SS] Name: text" layouts, every date order, separator, year width, 12/24-hour
// clocks with localized AM/PM) and the .zip with attachments (read with libarchive). Day/month
// order is inferred from the whole file; when it stays ambiguous the report says so and
// WhatsAppOptions::date_order decides. Stateless functions; safe to call from many threads.
// The same line grammar reads Signal's Markdown-style export ("[2019-12-24, 12:23] Name: text").
#pragma once

#include <cstdint>
#include <filesystem>
#include <functional>
#include <optional>
#include <span>
#include <string>
#include <string_view>

#include "cairn/chat/message.h"
#include "cairn/core/status.h"

namespace cairn::chat {

struct WhatsAppOptions {
  // Used when the file does not decide the day/month order (and recorded as the source).
  std::optional<DateOrder> date_order;
  // The chat title when the caller knows it better than the file name.
  std::string chat_name;
  // Name recorded as Message::source (default: the path, or "<memory>").
  std::string source;
  // Refuse chat text larger than this (a .txt or the zip member).
  uint64_t max_text_bytes = uint64_t{4} << 30;
  Platform platform = Platform::kWhatsApp;
  // Dates before this year cannot occur (WhatsApp launched in 2009): a date order that would
  // produce one is ruled out. Lower it for exports of older apps.
  int min_year = 2009;
  // At most this many skipped lines are listed in the report (a note gives the total).
  size_t max_skipped_listed = 10000;
};

// Parses export text already in memory. Never fails on content: lines that cannot belong to a
// message are recorded in Chat::report.skipped (a file with no header line at all gives a chat
// with no messages and every line skipped; callers decide what that means).
Chat ParseWhatsAppText(std::string_view text, const WhatsAppOptions& options = {});

// Receives each message in file order; the reference is valid only during the call.
using MessageSink = std::function<void(const Message& message)>;
// Streaming form for ingesting large exports with flat memory: every message goes to `sink`
// instead of Chat::messages (which stays empty); members, title, type and the report are filled
// as above. Identical messages to the non-streaming form, in the same order.
Chat ParseWhatsAppText(std::string_view text, const WhatsAppOptions& options, const MessageSink& sink);

// The chat title WhatsApp puts in the export's file name ("WhatsApp Chat with NAME.txt",
// "WhatsApp Chat - NAME.zip", localized "WhatsApp-Chat mit NAME"); empty when it is not there.
std::string ChatNameFromFileName(std::string_view file_name);

// An attachment member of a .zip export, streamed to the caller once while the archive is read.
class AttachmentReader {
 public:
  virtual ~AttachmentReader() = default;
  // Reads up to out.size() bytes; 0 at the end of the member.
  virtual Result<size_t> Read(std::span<uint8_t> out) = 0;
};
// Called for every attachment member (not the chat text) in archive order. Returning a non-OK
// status stops the read and is returned by ParseWhatsAppFile. Bytes not read are skipped.
using AttachmentVisitor = std::function<Status(const AttachmentFile& file, AttachmentReader& reader)>;

// Reads a .txt export or a .zip export (by content, not extension). In a zip the chat text is the
// member named "_chat.txt" or "WhatsApp Chat with ….txt" (else the only .txt); every other member
// is an attachment: listed in Chat::attachments, passed to `visitor` when given, and linked to the
// first message that names it (Message::attachment_member).
// With a `sink`, messages are streamed to it (already linked to their attachments) instead of
// being kept in Chat::messages.
Result<Chat> ParseWhatsAppFile(const std::filesystem::path& path, const WhatsAppOptions& options = {},
                               const AttachmentVisitor& visitor = nullptr, const MessageSink& sink = nullptr);

// A .zip export already in memory (fuzzing, nested archives).
Result<Chat> ParseWhatsAppZip(std::span<const uint8_t> bytes, const WhatsAppOptions& options = {},
                              const AttachmentVisitor& visitor = nullptr, const MessageSink& sink = nullptr);

}  // namespace cairn::chat
