// Telegram Desktop JSON export parser (nlohmann::json; its exceptions stop at this file).
#include "cairn/chat/telegram.h"

#include <nlohmann/json.hpp>

#include <cstdio>
#include <string>
#include <unordered_map>
#include <vector>

#include "cairn/core/file.h"

namespace cairn::chat {
namespace {

using nlohmann::json;

bool IsHex(char c) { return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F'); }

unsigned HexValue(std::string_view s) {
  unsigned v = 0;
  for (char c : s) v = v * 16 + static_cast<unsigned>(c <= '9' ? c - '0' : (c | 0x20) - 'a' + 10);
  return v;
}

// Length of the valid UTF-8 sequence at s[i] (0 when invalid).
size_t Utf8Length(std::string_view s, size_t i) {
  const auto b = [&](size_t k) { return static_cast<unsigned char>(s[i + k]); };
  const unsigned char c = b(0);
  size_t n;
  if (c >= 0xC2 && c <= 0xDF) n = 2;
  else if (c >= 0xE0 && c <= 0xEF) n = 3;
  else if (c >= 0xF0 && c <= 0xF4) n = 4;
  else return 0;
  if (i + n > s.size()) return 0;
  for (size_t k = 1; k < n; ++k) {
    if ((b(k) & 0xC0) != 0x80) return 0;
  }
  if (c == 0xE0 && b(1) < 0xA0) return 0;   // overlong
  if (c == 0xED && b(1) >= 0xA0) return 0;  // surrogate
  if (c == 0xF0 && b(1) < 0x90) return 0;   // overlong
  if (c == 0xF4 && b(1) >= 0x90) return 0;  // above U+10FFFF
  return n;
}

std::string Str(const json& j, const char* key) {
  auto it = j.find(key);
  if (it == j.end() || it->is_null()) return {};
  if (it->is_string()) return it->get<std::string>();
  if (it->is_number_integer()) return std::to_string(it->get<int64_t>());
  if (it->is_number_unsigned()) return std::to_string(it->get<uint64_t>());
  return {};
}

int64_t Int(const json& j, const char* key, int64_t fallback) {
  auto it = j.find(key);
  if (it == j.end()) return fallback;
  if (it->is_number_integer()) return it->get<int64_t>();
  if (it->is_number_unsigned()) return static_cast<int64_t>(it->get<uint64_t>());
  if (it->is_string()) {
    const std::string s = it->get<std::string>();
    if (s.empty() || s.size() > 18) return fallback;
    int64_t v = 0;
    for (char c : s) {
      if (c < '0' || c > '9') return fallback;
      v = v * 10 + (c - '0');
    }
    return v;
  }
  return fallback;
}

// from_id / actor_id: "user123" in current exports, a bare number (a user) in older ones.
std::string UserId(const json& j, const char* key) {
  auto it = j.find(key);
  if (it != j.end() && it->is_number()) return "user" + Str(j, key);
  return Str(j, key);
}

// "2018-12-05T10:39:10" (local wall time, no zone).
bool ParseLocalDate(const std::string& s, Timestamp* t) {
  int y, mo, d, h, mi, se;
  if (std::sscanf(s.c_str(), "%4d-%2d-%2dT%2d:%2d:%2d", &y, &mo, &d, &h, &mi, &se) != 6) return false;
  if (mo < 1 || mo > 12 || d < 1 || d > 31 || h > 23 || mi > 59 || se > 60) return false;
  *t = {CivilToSeconds(y, mo, d, h, mi, se), false};
  return true;
}

Timestamp MessageTime(const json& j) {
  const int64_t unix_time = Int(j, "date_unixtime", INT64_MIN);
  if (unix_time != INT64_MIN) return {unix_time, true};
  Timestamp t;
  ParseLocalDate(Str(j, "date"), &t);
  return t;
}

void ReadText(const json& m, Message& out) {
  const json* parts = nullptr;
  if (auto it = m.find("text_entities"); it != m.end() && it->is_array()) parts = &*it;
  auto text = m.find("text");
  if (parts == nullptr && text != m.end() && text->is_array()) parts = &*text;
  if (parts == nullptr) {
    if (text != m.end() && text->is_string()) {
      out.text = text->get<std::string>();
      if (!out.text.empty()) out.entities.push_back({"plain", out.text, {}, {}});
    }
    return;
  }
  for (const json& p : *parts) {
    TextEntity e;
    if (p.is_string()) {
      e.type = "plain";
      e.text = p.get<std::string>();
    } else if (p.is_object()) {
      e.type = Str(p, "type");
      e.text = Str(p, "text");
      e.href = Str(p, "href");
      e.user_id = Str(p, "user_id");
    } else {
      continue;
    }
    out.text += e.text;
    out.entities.push_back(std::move(e));
  }
}

SystemEvent EventForAction(const std::string& action) {
  if (action == "create_group" || action == "create_channel" || action == "migrate_from_group") {
    return SystemEvent::kCreatedGroup;
  }
  if (action == "invite_members") return SystemEvent::kAdded;
  if (action == "remove_members") return SystemEvent::kRemoved;
  if (action == "join_group_by_link" || action == "join_group_by_request") return SystemEvent::kJoinedByLink;
  if (action == "edit_group_title") return SystemEvent::kChangedSubject;
  if (action == "edit_group_photo" || action == "delete_group_photo") return SystemEvent::kChangedIcon;
  return SystemEvent::kOther;
}

ChatType TypeFor(const std::string& type) {
  if (type == "personal_chat" || type == "bot_chat" || type == "saved_messages") return ChatType::kPersonal;
  if (type == "private_group" || type == "private_supergroup" || type == "public_supergroup") return ChatType::kGroup;
  if (type == "public_channel" || type == "private_channel") return ChatType::kChannel;
  return ChatType::kUnknown;
}

bool NotIncluded(const std::string& path) { return path.rfind("(File not included", 0) == 0; }

// Where each element of every "messages" array starts: byte offset and 1-based line, keyed by
// the array's path ("messages", "chats.list[3].messages"). One pass over the original bytes that
// tracks only strings and brackets, so the exporter's invalid escapes cannot mislead it.
struct Position {
  uint64_t offset = 0;
  uint64_t line = 0;
};
using MessagePositions = std::unordered_map<std::string, std::vector<Position>>;

MessagePositions FindMessagePositions(std::string_view s) {
  struct Frame {
    bool array = false;
    bool messages = false;  // an array under the key "messages"
    uint64_t index = 0;     // arrays: the current element
    std::string key;        // objects: the current key
    std::string path;
  };
  MessagePositions out;
  std::vector<Frame> stack;
  std::string last_string;
  uint64_t line = 1;
  for (size_t i = 0; i < s.size(); ++i) {
    const char c = s[i];
    switch (c) {
      case '\n': ++line; break;
      case '"': {
        const size_t start = i + 1;
        for (++i; i < s.size() && s[i] != '"'; ++i) {
          if (s[i] == '\\') ++i;
          else if (s[i] == '\n') ++line;
        }
        if (i < s.size() && stack.size() < 8) last_string.assign(s.substr(start, i - start));
        break;
      }
      case ':':
        if (!stack.empty() && !stack.back().array) stack.back().key = last_string;
        break;
      case ',':
        if (!stack.empty()) {
          if (stack.back().array) ++stack.back().index;
          else stack.back().key.clear();
        }
        break;
      case '{':
      case '[': {
        if (stack.size() >= 8) {  // messages sit at depth <= 4; deeper structure is only counted
          stack.push_back({});
          break;
        }
        Frame f;
        f.array = c == '[';
        if (!stack.empty()) {
          const Frame& parent = stack.back();
          if (parent.array) {
            f.path = parent.path + "[" + std::to_string(parent.index) + "]";
            if (parent.messages && c == '{') {
              std::vector<Position>& v = out[parent.path];
              if (v.size() <= parent.index) v.resize(parent.index + 1);
              v[parent.index] = {i, line};
            }
          } else {
            f.path = parent.path.empty() ? parent.key : parent.path + "." + parent.key;
            f.messages = f.array && parent.key == "messages";
          }
        }
        stack.push_back(std::move(f));
        break;
      }
      case '}':
      case ']':
        if (!stack.empty()) stack.pop_back();
        break;
      default: break;
    }
  }
  return out;
}

Chat ReadChat(const json& c, const std::string& source, const std::string& where,
              const std::vector<Position>* positions) {
  Chat chat;
  chat.platform = Platform::kTelegram;
  chat.source = source;
  chat.title = Str(c, "name");
  chat.title_source = chat.title.empty() ? "" : "export";
  chat.type = TypeFor(Str(c, "type"));
  chat.platform_chat_id = Int(c, "id", -1);
  std::unordered_map<std::string, size_t> member_index;
  // Members are keyed by user id. Service messages name their targets without ids: a name is
  // joined to the one member of this chat with that display name (id or not), else kept by name.
  std::unordered_map<std::string, size_t> by_id;
  std::unordered_map<std::string, size_t> by_name;
  auto member = [&](const std::string& id, const std::string& name, size_t message_index) -> Member* {
    if (id.empty() && name.empty()) return nullptr;
    size_t at = chat.members.size();
    if (!id.empty()) {
      if (auto it = by_id.find(id); it != by_id.end()) {
        at = it->second;
      } else if (auto byname = by_name.find(name); !name.empty() && byname != by_name.end() &&
                                                   chat.members[byname->second].user_id.empty()) {
        at = byname->second;  // first seen by name in a service message; now its id is known
        chat.members[at].user_id = id;
        by_id.emplace(id, at);
      }
    } else if (auto it = by_name.find(name); it != by_name.end()) {
      at = it->second;
    }
    if (at == chat.members.size()) {
      Member& m = chat.members.emplace_back();
      m.name = name;
      m.user_id = id;
      m.first_message = message_index;
      if (!id.empty()) by_id.emplace(id, at);
      if (!name.empty()) by_name.emplace(name, at);
    } else if (chat.members[at].name.empty()) {
      chat.members[at].name = name;
      by_name.emplace(name, at);
    }
    return &chat.members[at];
  };
  auto messages = c.find("messages");
  if (messages == c.end() || !messages->is_array()) {
    chat.report.notes.push_back(where + ": no messages array");
    return chat;
  }
  uint64_t index = 0;
  for (const json& j : *messages) {
    const uint64_t i = index++;
    ++chat.report.lines_read;
    if (!j.is_object()) {
      chat.report.skipped.push_back({i, where + ": message " + std::to_string(i) + " is not an object"});
      continue;
    }
    Message m;
    m.source = source;
    m.index = i;  // position in the export's "messages" array
    if (positions && i < positions->size() && (*positions)[i].line > 0) {
      m.offset = (*positions)[i].offset;
      m.line = (*positions)[i].line;
    }
    m.message_id = Int(j, "id", -1);
    m.time = MessageTime(j);
    ReadText(j, m);
    if (Str(j, "type") == "service") {
      m.kind = MessageKind::kSystem;
      m.action = Str(j, "action");
      m.event = EventForAction(m.action);
      m.event_actor = Str(j, "actor");
      m.sender_id = UserId(j, "actor_id");
      if (auto it = j.find("members"); it != j.end() && it->is_array()) {
        for (const json& who : *it) {
          if (who.is_string()) m.event_targets.push_back(who.get<std::string>());
        }
      }
      m.event_detail = Str(j, "title");
      if (m.action == "remove_members" && m.event_targets.size() == 1 && m.event_targets[0] == m.event_actor) {
        m.event = SystemEvent::kLeft;  // Telegram writes leaving as removing oneself
        m.event_targets.clear();
      }
      member(m.sender_id, m.event_actor, m.index);
      for (const std::string& t : m.event_targets) member({}, t, m.index);
    } else {
      m.sender_name = Str(j, "from");
      if (LooksLikePhoneNumber(m.sender_name)) m.sender_phone = m.sender_name;
      m.sender_id = UserId(j, "from_id");
      if (Member* who = member(m.sender_id, m.sender_name, m.index)) {
        ++who->messages;
        if (who->phone.empty()) who->phone = m.sender_phone;
      }
      m.media_type = Str(j, "media_type");
      std::string file = Str(j, "photo");
      if (!file.empty() && m.media_type.empty()) m.media_type = "photo";
      if (file.empty()) file = Str(j, "file");
      if (!file.empty() && m.media_type.empty()) m.media_type = "file";
      if (!file.empty()) {
        m.kind = MessageKind::kMedia;
        m.attachment = file;
        m.attachment_omitted = NotIncluded(file);
        if (m.attachment_omitted) {
          const std::string name = Str(j, "file_name");
          if (!name.empty()) m.attachment = name;
        }
      } else if (!m.media_type.empty()) {
        m.kind = MessageKind::kMedia;
        m.attachment_omitted = true;
      }
    }
    chat.messages.push_back(std::move(m));
  }
  chat.report.messages = chat.messages.size();
  if (chat.type == ChatType::kUnknown) {
    size_t senders = 0;
    for (const Member& mem : chat.members) senders += mem.messages > 0;
    if (senders > 2) chat.type = ChatType::kGroup;
  }
  return chat;
}

// Offset of the first NUL byte that is not inside a JSON string.
size_t FirstNulOutsideStrings(std::string_view s) {
  bool in_string = false;
  for (size_t i = 0; i < s.size(); ++i) {
    if (in_string) {
      if (s[i] == '\\') ++i;
      else if (s[i] == '"') in_string = false;
    } else if (s[i] == '"') {
      in_string = true;
    } else if (s[i] == '\0') {
      return i;
    }
  }
  return s.size();
}

}  // namespace

std::string RepairTelegramJson(std::string_view s, uint64_t* repairs) {
  std::string out;
  out.reserve(s.size() + 16);
  uint64_t fixed = 0;
  bool in_string = false;
  for (size_t i = 0; i < s.size();) {
    const char c = s[i];
    if (!in_string) {
      if (c == '"') in_string = true;
      out.push_back(c);
      ++i;
      continue;
    }
    const auto u = static_cast<unsigned char>(c);
    if (c == '"') {
      in_string = false;
      out.push_back(c);
      ++i;
    } else if (c == '\\') {
      const char n = i + 1 < s.size() ? s[i + 1] : '\0';
      if (n == '"' || n == '\\' || n == '/' || n == 'b' || n == 'f' || n == 'n' || n == 'r' || n == 't') {
        out.append(s.substr(i, 2));
        i += 2;
      } else if (n == 'u' && i + 6 <= s.size() && IsHex(s[i + 2]) && IsHex(s[i + 3]) && IsHex(s[i + 4]) &&
                 IsHex(s[i + 5])) {
        const unsigned v = HexValue(s.substr(i + 2, 4));
        if (v >= 0xD800 && v <= 0xDBFF) {
          // A high surrogate must be followed by a low one.
          const bool paired = i + 12 <= s.size() && s[i + 6] == '\\' && s[i + 7] == 'u' && IsHex(s[i + 8]) &&
                              IsHex(s[i + 9]) && IsHex(s[i + 10]) && IsHex(s[i + 11]) &&
                              HexValue(s.substr(i + 8, 4)) >= 0xDC00 && HexValue(s.substr(i + 8, 4)) <= 0xDFFF;
          if (paired) {
            out.append(s.substr(i, 12));
            i += 12;
          } else {
            out.append("\\uFFFD");
            i += 6;
            ++fixed;
          }
        } else if (v >= 0xDC00 && v <= 0xDFFF) {
          out.append("\\uFFFD");
          i += 6;
          ++fixed;
        } else {
          out.append(s.substr(i, 6));
          i += 6;
        }
      } else {
        out.append("\\\\");  // keep the backslash as a literal character
        ++i;
        ++fixed;
      }
    } else if (u < 0x20) {
      char buf[8];
      std::snprintf(buf, sizeof(buf), "\\u%04x", u);
      out.append(buf);
      ++i;
      ++fixed;
    } else if (u < 0x80) {
      out.push_back(c);
      ++i;
    } else if (const size_t n = Utf8Length(s, i); n > 0) {
      out.append(s.substr(i, n));
      i += n;
    } else {
      out.append("\xEF\xBF\xBD");
      ++i;
      ++fixed;
    }
  }
  if (repairs) *repairs = fixed;
  return out;
}

Result<ChatExport> ParseTelegramJson(std::string_view input, const TelegramOptions& options) {
  const std::string source = options.source.empty() ? "<memory>" : options.source;
  if (input.size() > options.max_bytes) {
    return Status::LimitExceeded(source + ": larger than " + std::to_string(options.max_bytes) + " bytes");
  }
  uint64_t repairs = 0;
  const std::string repaired = RepairTelegramJson(input, &repairs);
  // nlohmann::json stops at a NUL byte as if the input ended there; NULs inside strings were
  // escaped by the repair, so one left means the file is not JSON from that byte on.
  if (repaired.find('\0') != std::string::npos) {
    return Status::Corrupt(source + ": NUL byte outside a JSON string at byte " +
                           std::to_string(FirstNulOutsideStrings(input)));
  }
  json root;
  try {
    root = json::parse(repaired);
  } catch (const json::parse_error& e) {
    return Status::Corrupt(source + ": not JSON at byte " + std::to_string(e.byte) + " (" + e.what() + ")");
  } catch (const std::exception& e) {
    return Status::Corrupt(source + ": " + e.what());
  }
  if (!root.is_object()) return Status::Corrupt(source + ": top level is not a JSON object");
  const MessagePositions positions = FindMessagePositions(input);
  ChatExport out;
  out.source = source;
  try {
    if (auto it = root.find("messages"); it != root.end()) {
      auto p = positions.find("messages");
      out.chats.push_back(ReadChat(root, source, "chat", p == positions.end() ? nullptr : &p->second));
    } else if (auto chats = root.find("chats"); chats != root.end() && chats->is_object()) {
      for (const char* section : {"chats", "left_chats"}) {
        auto sec = root.find(section);
        if (sec == root.end() || !sec->is_object()) continue;
        auto list = sec->find("list");
        if (list == sec->end() || !list->is_array()) continue;
        size_t k = 0;
        for (const json& c : *list) {
          const std::string where = std::string(section) + ".list[" + std::to_string(k++) + "]";
          if (!c.is_object()) continue;
          auto p = positions.find(where + ".messages");
          out.chats.push_back(ReadChat(c, source, where, p == positions.end() ? nullptr : &p->second));
          if (std::string_view(section) == "left_chats") out.chats.back().report.notes.push_back("a chat the account left");
        }
      }
    } else {
      return Status::Corrupt(source + ": neither a Telegram chat export (\"messages\") nor an account export (\"chats\")");
    }
    if (auto contacts = root.find("contacts"); contacts != root.end() && contacts->is_object()) {
      if (auto list = contacts->find("list"); list != contacts->end() && list->is_array()) {
        for (const json& c : *list) {
          if (!c.is_object()) continue;
          Contact contact;
          contact.first_name = Str(c, "first_name");
          contact.last_name = Str(c, "last_name");
          contact.phone = Str(c, "phone_number");
          const std::string id = Str(c, "user_id");
          if (!id.empty()) contact.user_id = id.rfind("user", 0) == 0 ? id : "user" + id;
          contact.added = MessageTime(c);
          out.contacts.push_back(std::move(contact));
        }
      }
    }
  } catch (const std::exception& e) {
    return Status::Corrupt(source + ": " + e.what());
  }
  // Contacts with a user id give members their phone numbers.
  std::unordered_map<std::string, std::string> phone_by_id;
  for (const Contact& c : out.contacts) {
    if (!c.user_id.empty() && !c.phone.empty()) phone_by_id.emplace(c.user_id, c.phone);
  }
  for (Chat& chat : out.chats) {
    if (repairs > 0) chat.report.notes.push_back(std::to_string(repairs) + " invalid JSON escapes or bytes repaired");
    for (Member& m : chat.members) {
      if (auto it = phone_by_id.find(m.user_id); it != phone_by_id.end()) m.phone = it->second;
    }
  }
  return out;
}

Result<ChatExport> ParseTelegramFile(const std::filesystem::path& path, const TelegramOptions& options) {
  CAIRN_ASSIGN_OR_RETURN(std::vector<uint8_t> bytes, ReadWholeFile(path, options.max_bytes));
  TelegramOptions o = options;
  if (o.source.empty()) o.source = path.string();
  return ParseTelegramJson(std::string_view(reinterpret_cast<const char*>(bytes.data()), bytes.size()), o);
}

}  // namespace cairn::chat
