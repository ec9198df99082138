// Every shared chat fixture (../shared/data/chats) parses to its expected output.
#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <fstream>
#include <string>
#include <vector>

#include "cairn/chat/telegram.h"
#include "cairn/chat/whatsapp.h"
#include "cairn_test_support.h"

namespace cairn::chat {
namespace {

using nlohmann::json;

json ReadJson(const std::filesystem::path& p) {
  std::ifstream in(p);
  return json::parse(in);
}

std::string SpacesForNewlines(std::string s) {
  for (char& c : s) if (c == '\n') c = ' ';
  return s;
}

struct Expected {
  std::string timestamp, author, message;
};

// chat-miner's targets leave out system lines; the WhatsApp and Signal ones list messages newest
// first (reverse them), the Telegram one oldest first.
std::vector<Expected> Target(const std::filesystem::path& p, bool newest_first = true) {
  std::vector<Expected> out;
  for (const json& j : ReadJson(p)) {
    out.push_back({j["timestamp"], j["author"], j["message"]});
  }
  if (newest_first) std::reverse(out.begin(), out.end());
  return out;
}

class ChatMinerWhatsApp : public ::testing::TestWithParam<std::pair<const char*, DateOrder>> {};

TEST_P(ChatMinerWhatsApp, ParsesToTarget) {
  CAIRN_REQUIRE_SHARED_DATA(dir, "chats/chat-miner");
  const auto [name, order] = GetParam();
  Result<Chat> chat = ParseWhatsAppFile(dir / name);
  ASSERT_TRUE(chat.ok()) << chat.status().ToString();
  EXPECT_EQ(chat->report.date_order, order);
  EXPECT_EQ(chat->report.date_order_source, DecisionSource::kInferred) << chat->report.date_order_reason;
  EXPECT_FALSE(chat->report.date_order_ambiguous);
  EXPECT_EQ(chat->report.lines_read, 11u);  // no newline after the last line
  EXPECT_TRUE(chat->report.skipped.empty());
  std::vector<const Message*> texts;
  for (const Message& m : chat->messages) {
    if (m.kind == MessageKind::kText) texts.push_back(&m);
  }
  const std::vector<Expected> target = Target(dir / "whatsapp__target.json");
  ASSERT_EQ(texts.size(), target.size());
  for (size_t i = 0; i < target.size(); ++i) {
    EXPECT_EQ(texts[i]->sender_name, target[i].author) << i;
    EXPECT_EQ(SpacesForNewlines(texts[i]->text), target[i].message) << i;
    EXPECT_EQ(FormatTimestamp(texts[i]->time), target[i].timestamp) << i;
    EXPECT_FALSE(texts[i]->time.zone_known);
  }
  // Multi-line messages keep their line break and the line of their header.
  EXPECT_EQ(texts[1]->text, "Lorem ipsum dolor sit amet,\nconsectetur adipiscing elit. Duis libero.");
  EXPECT_EQ(texts[1]->line, 3u);
  EXPECT_EQ(texts[2]->line, 5u);
  // System lines: the group's creation by a number, and "You were added".
  ASSERT_EQ(chat->messages.size(), 9u);
  const Message& created = chat->messages[4];
  EXPECT_EQ(created.kind, MessageKind::kSystem);
  EXPECT_EQ(created.event, SystemEvent::kCreatedGroup);
  EXPECT_EQ(created.event_actor, "+12 345 578");
  EXPECT_EQ(created.event_detail, "Groupname");
  const Message& added = chat->messages[5];
  EXPECT_EQ(added.event, SystemEvent::kAdded);
  EXPECT_EQ(added.event_targets, std::vector<std::string>{"You"});
  EXPECT_EQ(chat->type, ChatType::kGroup);
  // "John Doe:." has no ": " separator: WhatsApp never writes that for a message.
  EXPECT_EQ(chat->messages[1].kind, MessageKind::kSystem);
  EXPECT_EQ(chat->messages[1].event, SystemEvent::kOther);
}

INSTANTIATE_TEST_SUITE_P(
    Formats, ChatMinerWhatsApp,
    ::testing::Values(std::make_pair("whatsapp__test_ddmmyy_24hrs.txt", DateOrder::kDayMonthYear),
                      std::make_pair("whatsapp__test_mmddyy_24hrs.txt", DateOrder::kMonthDayYear),
                      std::make_pair("whatsapp__test_b_mmddyy_b_24hrs.txt", DateOrder::kMonthDayYear),
                      std::make_pair("whatsapp__test_mmddyyyy_12hrs.txt", DateOrder::kMonthDayYear),
                      std::make_pair("whatsapp__test_yyyymmdd_24hrs.txt", DateOrder::kYearMonthDay)));

TEST(ChatMinerSignal, ParsesToTarget) {
  CAIRN_REQUIRE_SHARED_DATA(dir, "chats/chat-miner");
  WhatsAppOptions options;
  options.platform = Platform::kSignal;
  Result<Chat> chat = ParseWhatsAppFile(dir / "signal__test_export.txt", options);
  ASSERT_TRUE(chat.ok());
  EXPECT_EQ(chat->platform, Platform::kSignal);
  const std::vector<Expected> target = Target(dir / "signal__target.json");
  ASSERT_EQ(chat->messages.size(), target.size());
  for (size_t i = 0; i < target.size(); ++i) {
    EXPECT_EQ(chat->messages[i].sender_name, target[i].author);
    EXPECT_EQ(SpacesForNewlines(chat->messages[i].text), target[i].message);
    EXPECT_EQ(FormatTimestamp(chat->messages[i].time), target[i].timestamp);
  }
  EXPECT_EQ(chat->report.date_order, DateOrder::kYearMonthDay);
}

// Telegram: the target lists the text parts joined by a space (chat-miner's rendering); Cairn
// keeps the text exactly as Telegram shows it (parts concatenated) and the parts as entities.
void ExpectTelegramTarget(const Chat& chat, const std::filesystem::path& target_path) {
  const std::vector<Expected> target = Target(target_path, /*newest_first=*/false);
  ASSERT_EQ(chat.messages.size(), target.size());
  for (size_t i = 0; i < target.size(); ++i) {
    const Message& m = chat.messages[i];
    EXPECT_EQ(m.sender_name, target[i].author);
    std::string joined;
    for (const TextEntity& e : m.entities) joined += (joined.empty() ? "" : " ") + e.text;
    EXPECT_EQ(joined, target[i].message);
    EXPECT_TRUE(m.time.zone_known);
    EXPECT_EQ(FormatTimestamp(m.time), target[i].timestamp + "Z");
    EXPECT_EQ(m.index, i);
    EXPECT_GT(m.line, 0u);
  }
  EXPECT_EQ(chat.messages[1].text, "Link:https://telegram.org/");
  ASSERT_EQ(chat.messages[1].entities.size(), 2u);
  EXPECT_EQ(chat.messages[1].entities[1].type, "link");
}

TEST(ChatMinerTelegram, SingleExport) {
  CAIRN_REQUIRE_SHARED_DATA(dir, "chats/chat-miner");
  Result<ChatExport> e = ParseTelegramFile(dir / "telegram__test_single_export.json");
  ASSERT_TRUE(e.ok()) << e.status().ToString();
  ASSERT_EQ(e->chats.size(), 1u);
  ExpectTelegramTarget(e->chats[0], dir / "telegram__target.json");
}

TEST(ChatMinerTelegram, BatchExport) {
  CAIRN_REQUIRE_SHARED_DATA(dir, "chats/chat-miner");
  Result<ChatExport> e = ParseTelegramFile(dir / "telegram__test_batch_export.json");
  ASSERT_TRUE(e.ok()) << e.status().ToString();
  ASSERT_EQ(e->chats.size(), 1u);
  EXPECT_EQ(e->chats[0].title, "Chatname");
  ExpectTelegramTarget(e->chats[0], dir / "telegram__target.json");
}

TEST(Whatstk, Pokemon) {
  CAIRN_REQUIRE_SHARED_DATA(dir, "chats/whatstk");
  Result<Chat> chat = ParseWhatsAppFile(dir / "pokemon.txt");
  ASSERT_TRUE(chat.ok());
  EXPECT_EQ(chat->report.date_order, DateOrder::kDayMonthYear);
  EXPECT_EQ(chat->report.date_order_source, DecisionSource::kInferred);
  ASSERT_EQ(chat->messages.size(), 20u);
  EXPECT_EQ(chat->messages[0].event, SystemEvent::kEncryptionNotice);
  EXPECT_EQ(chat->messages[1].event, SystemEvent::kEncryptionNotice);
  // The first notice is attributed to the chat: its name is the title.
  EXPECT_EQ(chat->title, "Pokemon Chat");
  EXPECT_EQ(chat->messages[2].sender_name, "Ash Ketchum");
  EXPECT_EQ(chat->messages[2].text, "Hey guys!");
  EXPECT_EQ(FormatTimestamp(chat->messages[2].time), "2016-08-06T13:23:00");
  EXPECT_EQ(chat->messages[12].sender_name, "Jessie & James");
  EXPECT_EQ(FormatTimestamp(chat->messages.back().time), "2016-10-31T12:23:00");
  EXPECT_EQ(chat->members.size(), 8u);
  EXPECT_EQ(chat->type, ChatType::kGroup);
}

TEST(Whatstk, Lorem) {
  CAIRN_REQUIRE_SHARED_DATA(dir, "chats/whatstk");
  Result<Chat> chat = ParseWhatsAppFile(dir / "lorem.txt");
  ASSERT_TRUE(chat.ok());
  // Every bracketed header line is a message.
  std::ifstream in(dir / "lorem.txt");
  std::string line;
  uint64_t headers = 0, lines = 0;
  while (std::getline(in, line)) {
    ++lines;
    headers += !line.empty() && line[0] == '[';
  }
  EXPECT_EQ(chat->messages.size(), headers);
  EXPECT_EQ(chat->report.lines_read, lines);
  EXPECT_EQ(chat->report.date_order, DateOrder::kDayMonthYear) << chat->report.date_order_reason;
  EXPECT_FALSE(chat->report.date_order_ambiguous);
  EXPECT_EQ(chat->messages[0].sender_name, "Mary");
  EXPECT_EQ(chat->messages[0].line, 1u);
  EXPECT_TRUE(chat->report.skipped.empty());
  EXPECT_EQ(FormatTimestamp(chat->messages[0].time), "2020-01-15T02:22:56");
  EXPECT_EQ(chat->messages[2].sender_phone, "+1 123 456 789");
  for (size_t i = 1; i < chat->messages.size(); ++i) {
    EXPECT_LE(chat->messages[i - 1].time.seconds, chat->messages[i].time.seconds) << i;
  }
}

}  // namespace
}  // namespace cairn::chat
