#include "cairn/chat/message.h"

#include <nlohmann/json.hpp>

#include <cstdio>

namespace cairn::chat {

std::string_view PlatformName(Platform p) {
  switch (p) {
    case Platform::kWhatsApp: return "whatsapp";
    case Platform::kTelegram: return "telegram";
    case Platform::kSignal: return "signal";
  }
  return "unknown";
}

std::string_view ChatTypeName(ChatType t) {
  switch (t) {
    case ChatType::kUnknown: return "unknown";
    case ChatType::kPersonal: return "personal";
    case ChatType::kGroup: return "group";
    case ChatType::kChannel: return "channel";
  }
  return "unknown";
}

std::string_view MessageKindName(MessageKind k) {
  switch (k) {
    case MessageKind::kText: return "text";
    case MessageKind::kMedia: return "media";
    case MessageKind::kSystem: return "system";
    case MessageKind::kDeleted: return "deleted";
  }
  return "text";
}

std::string_view SystemEventName(SystemEvent e) {
  switch (e) {
    case SystemEvent::kNone: return "none";
    case SystemEvent::kCreatedGroup: return "created_group";
    case SystemEvent::kAdded: return "added";
    case SystemEvent::kLeft: return "left";
    case SystemEvent::kRemoved: return "removed";
    case SystemEvent::kJoinedByLink: return "joined_by_link";
    case SystemEvent::kChangedNumber: return "changed_number";
    case SystemEvent::kSecurityCodeChanged: return "security_code_changed";
    case SystemEvent::kChangedSubject: return "changed_subject";
    case SystemEvent::kChangedIcon: return "changed_icon";
    case SystemEvent::kChangedDescription: return "changed_description";
    case SystemEvent::kEncryptionNotice: return "encryption_notice";
    case SystemEvent::kOther: return "other";
  }
  return "other";
}

std::string_view DateOrderName(DateOrder o) {
  switch (o) {
    case DateOrder::kUnknown: return "unknown";
    case DateOrder::kDayMonthYear: return "dmy";
    case DateOrder::kMonthDayYear: return "mdy";
    case DateOrder::kYearMonthDay: return "ymd";
    case DateOrder::kYearDayMonth: return "ydm";
  }
  return "unknown";
}

std::string_view DecisionSourceName(DecisionSource s) {
  switch (s) {
    case DecisionSource::kInferred: return "inferred";
    case DecisionSource::kOption: return "option";
    case DecisionSource::kDefault: return "default";
  }
  return "default";
}

std::optional<DateOrder> ParseDateOrder(std::string_view name) {
  std::string n(name);
  for (char& c : n) c = static_cast<char>(c >= 'A' && c <= 'Z' ? c - 'A' + 'a' : c);
  if (n == "dmy") return DateOrder::kDayMonthYear;
  if (n == "mdy") return DateOrder::kMonthDayYear;
  if (n == "ymd") return DateOrder::kYearMonthDay;
  if (n == "ydm") return DateOrder::kYearDayMonth;
  return std::nullopt;
}

// Days from 1970-01-01 to a proleptic Gregorian date: count whole 400-year eras from 0000-03-01,
// then the day of the era (years start in March so the leap day falls last).
int64_t CivilToSeconds(int year, int month, int day, int hour, int minute, int second) {
  const int64_t y = static_cast<int64_t>(year) - (month <= 2 ? 1 : 0);
  const int64_t era = (y >= 0 ? y : y - 399) / 400;
  const int64_t year_of_era = y - era * 400;
  const int64_t shifted_month = month > 2 ? month - 3 : month + 9;
  const int64_t day_of_year = (153 * shifted_month + 2) / 5 + day - 1;
  const int64_t day_of_era = year_of_era * 365 + year_of_era / 4 - year_of_era / 100 + day_of_year;
  const int64_t days = era * 146097 + day_of_era - 719468;
  return days * 86400 + hour * 3600 + minute * 60 + second;
}

std::string FormatTimestamp(const Timestamp& t) {
  int64_t days = t.seconds >= 0 ? t.seconds / 86400 : (t.seconds - 86399) / 86400;
  int64_t rem = t.seconds - days * 86400;
  // Inverse of CivilToSeconds' day count.
  days += 719468;
  const int64_t era = (days >= 0 ? days : days - 146096) / 146097;
  const int64_t doe = days - era * 146097;
  const int64_t yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
  const int64_t doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
  const int64_t mp = (5 * doy + 2) / 153;
  const int64_t d = doy - (153 * mp + 2) / 5 + 1;
  const int64_t m = mp < 10 ? mp + 3 : mp - 9;
  const int64_t y = yoe + era * 400 + (m <= 2 ? 1 : 0);
  char buf[160];
  std::snprintf(buf, sizeof(buf), "%04lld-%02lld-%02lldT%02lld:%02lld:%02lld%s",
                static_cast<long long>(y), static_cast<long long>(m), static_cast<long long>(d),
                static_cast<long long>(rem / 3600), static_cast<long long>(rem / 60 % 60),
                static_cast<long long>(rem % 60), t.zone_known ? "Z" : "");
  return buf;
}

bool LooksLikePhoneNumber(std::string_view name) {
  int digits = 0;
  for (size_t i = 0; i < name.size(); ++i) {
    const char c = name[i];
    if (c >= '0' && c <= '9') {
      ++digits;
    } else if (c == ' ' || c == '-' || c == '(' || c == ')' || c == '.') {
    } else if (c == '+' && digits == 0) {
    } else {
      return false;
    }
  }
  return digits >= 6 && digits <= 17;
}

namespace {

using nlohmann::ordered_json;

// Invalid UTF-8 in names or text must not make the JSON writer throw: replace it.
constexpr auto kReplace = nlohmann::ordered_json::error_handler_t::replace;

ordered_json MessageJson(const Message& m) {
  ordered_json j;
  j["source"] = m.source;
  j["line"] = m.line;
  j["offset"] = m.offset;
  if (m.message_id >= 0) j["message_id"] = m.message_id;
  j["index"] = m.index;
  j["timestamp"] = FormatTimestamp(m.time);
  j["time_zone_known"] = m.time.zone_known;
  j["kind"] = MessageKindName(m.kind);
  j["sender_name"] = m.sender_name;
  if (!m.sender_phone.empty()) j["sender_phone"] = m.sender_phone;
  if (!m.sender_id.empty()) j["sender_id"] = m.sender_id;
  j["text"] = m.text;
  if (m.kind == MessageKind::kMedia || !m.attachment.empty()) {
    j["attachment"] = m.attachment;
    j["attachment_omitted"] = m.attachment_omitted;
    if (m.attachment_member >= 0) j["attachment_member"] = m.attachment_member;
    if (!m.media_type.empty()) j["media_type"] = m.media_type;
  }
  if (m.kind == MessageKind::kSystem) {
    j["event"] = SystemEventName(m.event);
    if (!m.action.empty()) j["action"] = m.action;
    j["event_actor"] = m.event_actor;
    j["event_targets"] = m.event_targets;
    if (!m.event_detail.empty()) j["event_detail"] = m.event_detail;
  }
  if (!m.entities.empty()) {
    ordered_json es = ordered_json::array();
    for (const TextEntity& e : m.entities) {
      ordered_json je;
      je["type"] = e.type;
      je["text"] = e.text;
      if (!e.href.empty()) je["href"] = e.href;
      if (!e.user_id.empty()) je["user_id"] = e.user_id;
      es.push_back(std::move(je));
    }
    j["entities"] = std::move(es);
  }
  return j;
}

ordered_json ChatJson(const Chat& c) {
  ordered_json j;
  j["platform"] = PlatformName(c.platform);
  j["source"] = c.source;
  j["title"] = c.title;
  j["title_source"] = c.title_source;
  j["type"] = ChatTypeName(c.type);
  if (c.platform_chat_id >= 0) j["platform_chat_id"] = c.platform_chat_id;
  ordered_json report;
  report["lines_read"] = c.report.lines_read;
  report["messages"] = c.report.messages;
  report["date_order"] = DateOrderName(c.report.date_order);
  report["date_order_source"] = DecisionSourceName(c.report.date_order_source);
  report["date_order_ambiguous"] = c.report.date_order_ambiguous;
  report["date_order_reason"] = c.report.date_order_reason;
  ordered_json skipped = ordered_json::array();
  for (const SkippedLine& s : c.report.skipped) skipped.push_back({{"line", s.line}, {"reason", s.reason}});
  report["skipped"] = std::move(skipped);
  report["notes"] = c.report.notes;
  j["report"] = std::move(report);
  ordered_json members = ordered_json::array();
  for (const Member& m : c.members) {
    ordered_json jm;
    jm["name"] = m.name;
    if (!m.phone.empty()) jm["phone"] = m.phone;
    if (!m.user_id.empty()) jm["user_id"] = m.user_id;
    jm["messages"] = m.messages;
    jm["first_message"] = m.first_message;
    members.push_back(std::move(jm));
  }
  j["members"] = std::move(members);
  ordered_json attachments = ordered_json::array();
  for (const AttachmentFile& a : c.attachments) {
    attachments.push_back({{"name", a.name}, {"size", a.size}, {"first_message", a.first_message}});
  }
  j["attachments"] = std::move(attachments);
  ordered_json messages = ordered_json::array();
  for (const Message& m : c.messages) messages.push_back(MessageJson(m));
  j["messages"] = std::move(messages);
  return j;
}

}  // namespace

std::string ChatToJson(const Chat& chat) { return ChatJson(chat).dump(-1, ' ', false, kReplace); }

std::string ChatExportToJson(const ChatExport& e) {
  ordered_json j;
  j["source"] = e.source;
  ordered_json chats = ordered_json::array();
  for (const Chat& c : e.chats) chats.push_back(ChatJson(c));
  j["chats"] = std::move(chats);
  ordered_json contacts = ordered_json::array();
  for (const Contact& c : e.contacts) {
    ordered_json jc;
    jc["first_name"] = c.first_name;
    jc["last_name"] = c.last_name;
    jc["phone"] = c.phone;
    if (!c.user_id.empty()) jc["user_id"] = c.user_id;
    jc["added"] = FormatTimestamp(c.added);
    contacts.push_back(std::move(jc));
  }
  j["contacts"] = std::move(contacts);
  return j.dump(-1, ' ', false, kReplace);
}

}  // namespace cairn::chat
