// The chat data model shared by every export parser (WhatsApp, Telegram, Signal): a Chat holds
// its Messages, the members seen, the attachments found beside it, and a ParseReport that says
// what was read, what was skipped and which decisions (e.g. day/month order) were taken and why.
// Plain values: copy or move freely; nothing here is shared between threads.
// Field names double as the JSON keys written by ChatToJson (see docs/CHATS.md).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace cairn::chat {

enum class Platform { kWhatsApp, kTelegram, kSignal };
enum class ChatType { kUnknown, kPersonal, kGroup, kChannel };
enum class MessageKind { kText, kMedia, kSystem, kDeleted };

// What a system line reports. The actors are in Message::event_actor / event_targets.
enum class SystemEvent {
  kNone,                 // not a system line
  kCreatedGroup,         // actor created the group (detail: its subject when named)
  kAdded,                // actor added targets (no actor: "You were added")
  kLeft,                 // actor left
  kRemoved,              // actor removed targets
  kJoinedByLink,         // actor joined with an invite link
  kChangedNumber,        // actor changed number (detail: the new number when written)
  kSecurityCodeChanged,  // the security code with target changed
  kChangedSubject,       // actor changed the subject (detail: the new subject)
  kChangedIcon,          // actor changed or deleted the group icon
  kChangedDescription,   // actor changed the group description
  kEncryptionNotice,     // "messages are end-to-end encrypted"
  kOther,                // a system line Cairn does not classify (text kept)
};

// Which field of a numeric date is the day, the month and the year.
enum class DateOrder { kUnknown, kDayMonthYear, kMonthDayYear, kYearMonthDay, kYearDayMonth };
// Where a parse decision came from.
enum class DecisionSource { kInferred, kOption, kDefault };

std::string_view PlatformName(Platform p);        // "whatsapp", "telegram", "signal"
std::string_view ChatTypeName(ChatType t);        // "unknown", "personal", "group", "channel"
std::string_view MessageKindName(MessageKind k);  // "text", "media", "system", "deleted"
std::string_view SystemEventName(SystemEvent e);  // "none", "created_group", "added", ...
std::string_view DateOrderName(DateOrder o);      // "unknown", "dmy", "mdy", "ymd", "ydm"
std::string_view DecisionSourceName(DecisionSource s);  // "inferred", "option", "default"
// "dmy" | "mdy" | "ymd" | "ydm" (case-insensitive); nullopt otherwise.
std::optional<DateOrder> ParseDateOrder(std::string_view name);

// A point in time. WhatsApp writes local wall-clock time without a zone: then `seconds` is the
// wall time counted as if it were UTC and zone_known is false. Telegram's date_unixtime is UTC.
struct Timestamp {
  int64_t seconds = 0;
  bool zone_known = false;
  friend bool operator==(const Timestamp&, const Timestamp&) = default;
};
// "2021-12-30T22:01:00Z" when the zone is known, "2021-12-30T22:01:00" (no suffix) when not.
std::string FormatTimestamp(const Timestamp& t);
// Seconds since 1970-01-01 for a proleptic Gregorian civil date and time (no validation).
int64_t CivilToSeconds(int year, int month, int day, int hour, int minute, int second);

// A piece of Telegram text with its type: "plain", "link", "text_link", "phone", "email",
// "mention", "mention_name", "bank_card", "hashtag", "bold", ... (href for text_link).
struct TextEntity {
  std::string type;
  std::string text;
  std::string href;
  std::string user_id;  // mention_name: the mentioned user's id
};

struct Message {
  std::string source;        // the export file (or "archive.zip/_chat.txt")
  // Where the message starts in the export's bytes: the header line (text exports) or the
  // message object's '{' (JSON; in the original bytes, before any escape repair).
  uint64_t line = 0;         // 1-based
  uint64_t offset = 0;       // byte offset
  int64_t message_id = -1;   // Telegram "id"; -1 when the format has none
  // 0-based position in the export: among the header lines (text) or in the chat's JSON
  // "messages" array (Telegram; differs from the position in Chat::messages only after a
  // skipped element).
  uint64_t index = 0;
  Timestamp time;
  std::string sender_name;   // display name as written (bidi marks removed); empty for system
  std::string sender_phone;  // the sender as written when the sender is a phone number
  std::string sender_id;     // platform user id (Telegram from_id, e.g. "user123456")
  std::string text;          // multi-line text joined with '\n'
  MessageKind kind = MessageKind::kText;
  // Media: the attachment's file name when the export names it, else the marker as written
  // ("<Media omitted>", "image omitted", localized equivalents) with attachment_omitted set.
  std::string attachment;
  bool attachment_omitted = false;
  int64_t attachment_member = -1;  // index into Chat::attachments when the file is present
  std::string media_type;          // Telegram media_type / "photo" / "file"
  // System lines.
  SystemEvent event = SystemEvent::kNone;
  std::string action;                      // Telegram's raw action ("invite_members", ...)
  std::string event_actor;                 // who did it ("You" as written)
  std::vector<std::string> event_targets;  // whom it was done to
  std::string event_detail;                // new subject, new number, ...
  std::vector<TextEntity> entities;        // Telegram text entities (empty for text exports)
};

struct Member {
  std::string name;      // display name as written
  std::string phone;     // as written, when the name is a phone number or a contact has one
  std::string user_id;   // platform id when known
  uint64_t messages = 0;       // messages sent (not counting system lines)
  uint64_t first_message = 0;  // Message::index of the first message that names this member
};

// A file found beside the chat text (a member of a WhatsApp .zip export).
struct AttachmentFile {
  std::string name;  // member path inside the archive
  uint64_t size = 0;
  int64_t first_message = -1;  // Message::index of the first message naming it; -1 if none
};

struct SkippedLine {
  uint64_t line = 0;  // 1-based line (text exports) or the index in the JSON "messages" array
  std::string reason;
};

struct ParseReport {
  uint64_t lines_read = 0;
  uint64_t messages = 0;
  std::vector<SkippedLine> skipped;
  // Day/month/year order for formats that write numeric dates.
  DateOrder date_order = DateOrder::kUnknown;
  DecisionSource date_order_source = DecisionSource::kDefault;
  bool date_order_ambiguous = false;
  std::string date_order_reason;  // human-readable: why this order (and which were possible)
  std::vector<std::string> notes;  // other decisions worth telling the analyst
};

struct Chat {
  Platform platform = Platform::kWhatsApp;
  std::string source;  // export file
  std::string title;
  std::string title_source;  // "file name", "export", "encryption notice", "option", ""
  ChatType type = ChatType::kUnknown;
  int64_t platform_chat_id = -1;  // Telegram chat "id"
  std::vector<Message> messages;
  std::vector<Member> members;
  std::vector<AttachmentFile> attachments;
  ParseReport report;
};

// A Telegram account contact (full-account exports carry phone numbers).
struct Contact {
  std::string first_name;
  std::string last_name;
  std::string phone;
  std::string user_id;
  Timestamp added;
};

// What one export file holds: one chat for WhatsApp and single-chat Telegram exports, many for a
// full-account Telegram export (with its contacts).
struct ChatExport {
  std::string source;
  std::vector<Chat> chats;
  std::vector<Contact> contacts;
};

// True when `name` reads as a phone number ("+49 151 2345678", "(555) 123-4567"): only digits,
// spaces, + - ( ) . and at least 6 digits.
bool LooksLikePhoneNumber(std::string_view name);

// JSON (one object) for a chat / export, with the field names above. Stable key order.
std::string ChatToJson(const Chat& chat);
std::string ChatExportToJson(const ChatExport& e);

}  // namespace cairn::chat
