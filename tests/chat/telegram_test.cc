// Telegram Desktop JSON: account exports with contacts, entities, service messages, media, and the
// exporter's invalid escapes.
#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "cairn/chat/telegram.h"
#include "cairn_test_support.h"

namespace cairn::chat {
namespace {

constexpr const char* kAccount = R"json({
 "personal_information": {"user_id": 1, "phone_number": "+1 555 0000"},
 "contacts": {"list": [
   {"user_id": 777, "first_name": "Eve", "last_name": "X", "phone_number": "+44 7700 900123",
    "date": "2020-01-01T10:00:00", "date_unixtime": "1577872800"}]},
 "chats": {"list": [
  {"name": "Traders", "type": "private_supergroup", "id": 4242, "messages": [
   {"id": 1, "type": "service", "date": "2020-01-02T10:00:00", "date_unixtime": "1577959200",
    "actor": "Eve", "actor_id": "user777", "action": "create_group", "title": "Traders", "members": ["Eve"], "text": ""},
   {"id": 2, "type": "service", "date": "2020-01-02T10:01:00", "date_unixtime": "1577959260",
    "actor": "Eve", "actor_id": "user777", "action": "invite_members", "members": ["Mallory", "Trent"], "text": ""},
   {"id": 3, "type": "message", "date": "2020-01-02T10:02:00", "date_unixtime": "1577959320",
    "from": "Eve", "from_id": "user777",
    "text": ["see ", {"type": "text_link", "text": "here", "href": "https://example.org/x"},
             " or call ", {"type": "phone", "text": "+44 7700 900123"}, " ", {"type": "mention", "text": "@trent"},
             " ", {"type": "bank_card", "text": "4111 1111 1111 1111"}, " ", {"type": "email", "text": "e@example.org"}]},
   {"id": 4, "type": "message", "date": "2020-01-02T10:03:00", "date_unixtime": "1577959380",
    "from": "Mallory", "from_id": "user888", "photo": "photos/photo_1@02-01-2020_10-03-00.jpg",
    "width": 10, "height": 10, "text": "pic"},
   {"id": 5, "type": "message", "date": "2020-01-02T10:04:00",
    "from": "Trent", "from_id": 999, "file": "(File not included. Change data exporting settings to download.)",
    "file_name": "clip.mp4", "media_type": "video_file", "text": ""},
   {"id": 6, "type": "service", "date": "2020-01-02T10:05:00", "date_unixtime": "1577959500",
    "actor": "Trent", "actor_id": "user999", "action": "remove_members", "members": ["Trent"], "text": ""},
   {"id": 7, "type": "service", "date": "2020-01-02T10:06:00", "date_unixtime": "1577959560",
    "actor": "Mallory", "actor_id": "user888", "action": "join_group_by_link", "inviter": "Eve", "text": ""},
   7
  ]}]},
 "left_chats": {"list": [{"name": "Old", "type": "private_group", "id": 1, "messages": []}]}
})json";

TEST(Telegram, AccountExport) {
  Result<ChatExport> e = ParseTelegramJson(kAccount, {.source = "result.json"});
  ASSERT_TRUE(e.ok()) << e.status().ToString();
  ASSERT_EQ(e->chats.size(), 2u);
  ASSERT_EQ(e->contacts.size(), 1u);
  EXPECT_EQ(e->contacts[0].phone, "+44 7700 900123");
  EXPECT_EQ(e->contacts[0].user_id, "user777");
  const Chat& c = e->chats[0];
  EXPECT_EQ(c.title, "Traders");
  EXPECT_EQ(c.type, ChatType::kGroup);
  EXPECT_EQ(c.platform_chat_id, 4242);
  ASSERT_EQ(c.messages.size(), 7u);
  ASSERT_EQ(c.report.skipped.size(), 1u);  // the bare 7
  EXPECT_EQ(c.report.skipped[0].line, 7u);
  const auto& m = c.messages;
  EXPECT_EQ(m[0].event, SystemEvent::kCreatedGroup);
  EXPECT_EQ(m[0].event_actor, "Eve");
  EXPECT_EQ(m[0].event_detail, "Traders");
  EXPECT_EQ(m[1].event, SystemEvent::kAdded);
  EXPECT_EQ(m[1].event_targets, (std::vector<std::string>{"Mallory", "Trent"}));
  EXPECT_EQ(m[2].text, "see here or call +44 7700 900123 @trent 4111 1111 1111 1111 e@example.org");
  EXPECT_EQ(m[2].sender_id, "user777");
  EXPECT_EQ(m[2].message_id, 3);
  ASSERT_EQ(m[2].entities.size(), 10u);
  EXPECT_EQ(m[2].entities[1].type, "text_link");
  EXPECT_EQ(m[2].entities[1].href, "https://example.org/x");
  EXPECT_EQ(m[2].entities[3].type, "phone");
  EXPECT_EQ(m[2].entities[7].type, "bank_card");
  EXPECT_EQ(m[3].kind, MessageKind::kMedia);
  EXPECT_EQ(m[3].attachment, "photos/photo_1@02-01-2020_10-03-00.jpg");
  EXPECT_EQ(m[3].media_type, "photo");
  EXPECT_EQ(m[4].kind, MessageKind::kMedia);
  EXPECT_TRUE(m[4].attachment_omitted);
  EXPECT_EQ(m[4].attachment, "clip.mp4");
  EXPECT_EQ(m[4].sender_id, "user999");  // a bare number in older exports
  EXPECT_FALSE(m[4].time.zone_known);  // no date_unixtime: wall time kept
  EXPECT_EQ(FormatTimestamp(m[4].time), "2020-01-02T10:04:00");
  EXPECT_EQ(m[5].event, SystemEvent::kLeft);
  EXPECT_EQ(m[6].event, SystemEvent::kJoinedByLink);
  EXPECT_EQ(FormatTimestamp(m[6].time), "2020-01-02T10:06:00Z");
  // Members keyed by user id; the contact's phone number reaches the member.
  // Mallory and Trent were first named by the invite (no id), then wrote with their ids: one
  // member each.
  ASSERT_EQ(c.members.size(), 3u);
  EXPECT_EQ(c.members[1].name, "Mallory");
  EXPECT_EQ(c.members[1].user_id, "user888");
  EXPECT_EQ(c.members[1].first_message, 1u);
  EXPECT_EQ(c.members[2].user_id, "user999");
  EXPECT_EQ(c.members[0].user_id, "user777");
  EXPECT_EQ(c.members[0].phone, "+44 7700 900123");
  EXPECT_EQ(c.members[0].messages, 1u);
  EXPECT_EQ(e->chats[1].title, "Old");
  // Provenance: each message's byte offset is its '{' in the export, with the line it is on.
  const std::string_view all(kAccount);
  for (const Message& msg : m) {
    ASSERT_LT(msg.offset, all.size());
    EXPECT_EQ(all[msg.offset], '{') << msg.index;
    EXPECT_EQ(msg.line, 1 + static_cast<uint64_t>(std::count(all.begin(), all.begin() + msg.offset, '\n')));
    EXPECT_EQ(all.substr(msg.offset, 8 + std::to_string(msg.message_id).size()), "{\"id\": " + std::to_string(msg.message_id) + ",");
  }
  EXPECT_EQ(m[0].line, 8u);
  // JSON output round-trips.
  const nlohmann::json j = nlohmann::json::parse(ChatExportToJson(*e));
  EXPECT_EQ(j["chats"][0]["messages"][2]["entities"][1]["href"], "https://example.org/x");
  EXPECT_EQ(j["contacts"][0]["phone"], "+44 7700 900123");
}

TEST(Telegram, InvalidEscapesAreRepaired) {
  const std::string broken =
      "{\"name\": \"n\\x41\", \"type\": \"personal_chat\", \"messages\": [{\"id\": 1, \"type\": \"message\", "
      "\"date_unixtime\": \"1\", \"from\": \"A\\x41\", \"text\": \"tab\there \\q \xFF ok \\ud800 \\u00e9\"}]}";
  EXPECT_FALSE(nlohmann::json::accept(broken));
  uint64_t repairs = 0;
  const std::string fixed = RepairTelegramJson(broken, &repairs);
  EXPECT_TRUE(nlohmann::json::accept(fixed));
  EXPECT_EQ(repairs, 6u);
  Result<ChatExport> e = ParseTelegramJson(broken);
  ASSERT_TRUE(e.ok()) << e.status().ToString();
  const Message& m = e->chats[0].messages[0];
  // Offsets are in the original bytes, not the repaired ones (the name's repair comes first).
  EXPECT_EQ(m.offset, broken.find("{\"id\""));
  EXPECT_EQ(m.line, 1u);
  EXPECT_EQ(m.sender_name, "A\\x41");  // kept literally, not guessed
  EXPECT_EQ(m.text, "tab\there \\q \xEF\xBF\xBD ok \xEF\xBF\xBD \xC3\xA9");
  EXPECT_FALSE(e->chats[0].report.notes.empty());
  // Valid JSON is unchanged.
  const std::string valid = R"({"a": "x\"y\\z\u00e9\ud83d\ude00", "b": [1, 2]})";
  EXPECT_EQ(RepairTelegramJson(valid), valid);
}

TEST(Telegram, Errors) {
  EXPECT_EQ(ParseTelegramJson("{\"messages\": [").status().code(), StatusCode::kCorrupt);
  EXPECT_NE(ParseTelegramJson("{\"x\": 1}", {.source = "f.json"}).status().message().find("f.json"), std::string::npos);
  EXPECT_EQ(ParseTelegramJson("[1]").status().code(), StatusCode::kCorrupt);
  // Regression (fuzzer): nlohmann::json treats a NUL byte as the end of input, which would make
  // a truncated or corrupted export look complete. A NUL inside a string is kept as U+0000.
  const Result<ChatExport> nul = ParseTelegramJson(std::string("{\"messages\": []}\0{\"x\"", 21));
  EXPECT_EQ(nul.status().code(), StatusCode::kCorrupt);
  EXPECT_NE(nul.status().message().find("byte 16"), std::string::npos) << nul.status().message();
  const Result<ChatExport> in_string = ParseTelegramJson(
      std::string("{\"messages\": [{\"type\": \"message\", \"text\": \"a\0b\"}]}", 50));
  ASSERT_TRUE(in_string.ok()) << in_string.status().ToString();
  EXPECT_EQ(in_string->chats[0].messages[0].text, std::string("a\0b", 3));
  EXPECT_EQ(ParseTelegramFile("/nonexistent/result.json").status().code(), StatusCode::kNotFound);
}

}  // namespace
}  // namespace cairn::chat
