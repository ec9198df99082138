// WhatsApp text parsing: layouts, clocks, media and deleted markers, system events with their
// actors, skipped lines, title/type decisions, provenance (line and offset) and JSON output.
#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "cairn/chat/whatsapp.h"
#include "cairn_test_support.h"

namespace cairn::chat {
namespace {

TEST(WhatsAppText, AndroidTwelveHourClockEdges) {
  const Chat chat = ParseWhatsAppText(
      "13/01/2020, 12:00 AM - Alice: midnight\n"
      "13/01/2020, 12:30 PM - Alice: half past noon\n"
      "13/01/2020, 11:59\xE2\x80\xAFPM - Bob: late\n");
  ASSERT_EQ(chat.messages.size(), 3u);
  EXPECT_EQ(FormatTimestamp(chat.messages[0].time), "2020-01-13T00:00:00");
  EXPECT_EQ(FormatTimestamp(chat.messages[1].time), "2020-01-13T12:30:00");
  EXPECT_EQ(FormatTimestamp(chat.messages[2].time), "2020-01-13T23:59:00");
  EXPECT_EQ(chat.type, ChatType::kPersonal);
}

TEST(WhatsAppText, IosLayoutWithMarksAndSystemLinesAttributedToTheGroup) {
  const std::string lrm = "\xE2\x80\x8E";
  const Chat chat = ParseWhatsAppText(
      "[13/01/2020, 09:00:00] Crew: " + lrm + "Messages and calls are end-to-end encrypted. No one outside of this chat can read them.\n"
      "[13/01/2020, 09:00:01] Crew: " + lrm + "Alice created group \xE2\x80\x9C" "Crew\xE2\x80\x9D\n"
      "[13/01/2020, 09:00:02] Crew: " + lrm + "Alice added Bob, Carol and \xE2\x80\xAA+49 151 2345678\xE2\x80\xAC\n" +
      lrm + "[13/01/2020, 09:01:00] Bob: " + lrm + "<attached: 00000012-PHOTO-2020-01-13-09-01-00.jpg>\n"
      "[13/01/2020, 09:02:00] \xE2\x80\xAA+49 151 2345678\xE2\x80\xAC: " + lrm + "image omitted\n"
      "[13/01/2020, 09:03:00] Carol: This message was deleted.\n"
      "[13/01/2020, 09:04:00] Crew: " + lrm + "Carol left\n");
  ASSERT_EQ(chat.messages.size(), 7u);
  EXPECT_EQ(chat.title, "Crew");
  EXPECT_EQ(chat.title_source, "system line attribution");
  EXPECT_EQ(chat.messages[0].event, SystemEvent::kEncryptionNotice);
  EXPECT_EQ(chat.messages[1].event, SystemEvent::kCreatedGroup);
  EXPECT_EQ(chat.messages[1].event_actor, "Alice");
  EXPECT_EQ(chat.messages[1].event_detail, "Crew");
  EXPECT_EQ(chat.messages[1].sender_name, "");
  EXPECT_EQ(chat.messages[2].event, SystemEvent::kAdded);
  EXPECT_EQ(chat.messages[2].event_targets, (std::vector<std::string>{"Bob", "Carol", "+49 151 2345678"}));
  EXPECT_EQ(chat.messages[3].kind, MessageKind::kMedia);
  EXPECT_EQ(chat.messages[3].attachment, "00000012-PHOTO-2020-01-13-09-01-00.jpg");
  EXPECT_FALSE(chat.messages[3].attachment_omitted);
  EXPECT_EQ(chat.messages[4].kind, MessageKind::kMedia);
  EXPECT_TRUE(chat.messages[4].attachment_omitted);
  EXPECT_EQ(chat.messages[4].sender_name, "+49 151 2345678");
  EXPECT_EQ(chat.messages[4].sender_phone, "+49 151 2345678");
  EXPECT_EQ(chat.messages[5].kind, MessageKind::kDeleted);
  EXPECT_EQ(chat.messages[6].event, SystemEvent::kLeft);
  EXPECT_EQ(chat.messages[6].event_actor, "Carol");
  EXPECT_EQ(chat.type, ChatType::kGroup);
  // Members seen: senders and the people named in system lines, "Crew" is not one.
  std::vector<std::string> names;
  for (const Member& m : chat.members) names.push_back(m.name);
  EXPECT_EQ(names, (std::vector<std::string>{"Alice", "Bob", "Carol", "+49 151 2345678"}));
}

TEST(WhatsAppText, AndroidSystemEvents) {
  const Chat chat = ParseWhatsAppText(
      "14/02/21, 10:00 - \xE2\x80\xAA+1 555 0100\xE2\x80\xAC created group \"Subject: with colon\"\n"
      "14/02/21, 10:01 - \xE2\x80\xAA+1 555 0100\xE2\x80\xAC added \xE2\x80\xAA+1 555 0101\xE2\x80\xAC\n"
      "14/02/21, 10:02 - \xE2\x80\xAA+1 555 0100\xE2\x80\xAC removed Dave\n"
      "14/02/21, 10:03 - Erin joined using this group's invite link\n"
      "14/02/21, 10:04 - +1 555 0101 changed to +1 555 0199\n"
      "14/02/21, 10:05 - Frank changed their phone number to a new number. Tap to message or add the new number.\n"
      "14/02/21, 10:06 - Your security code with Erin changed. Tap to learn more.\n"
      "14/02/21, 10:07 - Erin changed the subject from \"a: b\" to \"New name\"\n"
      "14/02/21, 10:08 - Erin changed this group's icon\n"
      "14/02/21, 10:09 - Erin changed the group description\n"
      "14/02/21, 10:10 - You were removed\n"
      "14/02/21, 10:11 - Something WhatsApp said\n");
  ASSERT_EQ(chat.messages.size(), 12u);
  const auto& m = chat.messages;
  for (const Message& x : m) EXPECT_EQ(x.kind, MessageKind::kSystem) << x.text;
  EXPECT_EQ(m[0].event, SystemEvent::kCreatedGroup);
  EXPECT_EQ(m[0].event_actor, "+1 555 0100");
  EXPECT_EQ(m[0].event_detail, "Subject: with colon");
  EXPECT_EQ(m[1].event, SystemEvent::kAdded);
  EXPECT_EQ(m[1].event_targets, std::vector<std::string>{"+1 555 0101"});
  EXPECT_EQ(m[2].event, SystemEvent::kRemoved);
  EXPECT_EQ(m[2].event_targets, std::vector<std::string>{"Dave"});
  EXPECT_EQ(m[3].event, SystemEvent::kJoinedByLink);
  EXPECT_EQ(m[3].event_actor, "Erin");
  EXPECT_EQ(m[4].event, SystemEvent::kChangedNumber);
  EXPECT_EQ(m[4].event_actor, "+1 555 0101");
  EXPECT_EQ(m[4].event_detail, "+1 555 0199");
  EXPECT_EQ(m[5].event, SystemEvent::kChangedNumber);
  EXPECT_EQ(m[5].event_actor, "Frank");
  EXPECT_EQ(m[6].event, SystemEvent::kSecurityCodeChanged);
  EXPECT_EQ(m[6].event_targets, std::vector<std::string>{"Erin"});
  EXPECT_EQ(m[7].event, SystemEvent::kChangedSubject);
  EXPECT_EQ(m[7].event_detail, "New name");
  EXPECT_EQ(m[8].event, SystemEvent::kChangedIcon);
  EXPECT_EQ(m[9].event, SystemEvent::kChangedDescription);
  EXPECT_EQ(m[10].event, SystemEvent::kRemoved);
  EXPECT_EQ(m[11].event, SystemEvent::kOther);
  EXPECT_EQ(chat.members[0].phone, "+1 555 0100");
}

TEST(WhatsAppText, MediaMarkers) {
  const Chat chat = ParseWhatsAppText(
      "20/03/2022, 08:00 - Ann: IMG-20220320-WA0001.jpg (file attached)\ncaption line\n"
      "20/03/2022, 08:01 - Ann: <Media omitted>\n"
      "20/03/2022, 08:02 - Ann: <Medien ausgelassen>\n"
      "20/03/2022, 08:03 - Ann: <Multimedia omitido>\n"
      "20/03/2022, 08:04 - Ann: You deleted this message\n"
      "20/03/2022, 08:05 - Ann: <not media>\n");
  ASSERT_EQ(chat.messages.size(), 6u);
  EXPECT_EQ(chat.messages[0].kind, MessageKind::kMedia);
  EXPECT_EQ(chat.messages[0].attachment, "IMG-20220320-WA0001.jpg");
  EXPECT_EQ(chat.messages[0].text, "IMG-20220320-WA0001.jpg (file attached)\ncaption line");
  for (int i = 1; i <= 3; ++i) {
    EXPECT_EQ(chat.messages[i].kind, MessageKind::kMedia) << i;
    EXPECT_TRUE(chat.messages[i].attachment_omitted) << i;
  }
  EXPECT_EQ(chat.messages[4].kind, MessageKind::kDeleted);
  EXPECT_EQ(chat.messages[5].kind, MessageKind::kText);
}

TEST(WhatsAppText, LinesBeforeTheFirstHeaderAreSkippedWithTheirNumbers) {
  const Chat chat = ParseWhatsAppText("garbage\n\n13/01/2020, 10:00 - A: x\n");
  ASSERT_EQ(chat.messages.size(), 1u);
  ASSERT_EQ(chat.report.skipped.size(), 2u);
  EXPECT_EQ(chat.report.skipped[0].line, 1u);
  EXPECT_EQ(chat.report.skipped[0].reason, "text before the first message header");
  EXPECT_EQ(chat.report.skipped[1].line, 2u);
  EXPECT_EQ(chat.report.lines_read, 3u);
  EXPECT_EQ(chat.messages[0].line, 3u);
}

TEST(WhatsAppText, SkippedLinesListIsCapped) {
  WhatsAppOptions options;
  options.max_skipped_listed = 3;
  const Chat chat = ParseWhatsAppText("a\nb\nc\nd\ne\n13/01/2020, 10:00 - A: x\n", options);
  EXPECT_EQ(chat.report.skipped.size(), 3u);
  ASSERT_EQ(chat.report.notes.size(), 2u);  // the cap, and the personal-chat decision
  EXPECT_EQ(chat.report.notes[0], "5 lines skipped before the first message; the first 3 are listed");
  EXPECT_EQ(chat.messages.size(), 1u);
}

TEST(WhatsAppText, NoHeaderAtAll) {
  const Chat chat = ParseWhatsAppText("hello\nworld");
  EXPECT_TRUE(chat.messages.empty());
  EXPECT_EQ(chat.report.skipped.size(), 2u);
  EXPECT_EQ(chat.report.date_order, DateOrder::kUnknown);
  const Chat empty = ParseWhatsAppText("");
  EXPECT_TRUE(empty.messages.empty());
  EXPECT_EQ(empty.report.lines_read, 0u);
}

TEST(WhatsAppText, OffsetsAndLinesShiftWithPrefix) {
  const std::string body = "13/01/2020, 10:00 - A: x\ny\n14/01/2020, 10:00 - B: z\n";
  const Chat base = ParseWhatsAppText(body);
  for (const std::string& prefix : {std::string("\n"), std::string("junk line\n\n\n")}) {
    const Chat shifted = ParseWhatsAppText(prefix + body);
    const uint64_t lines = static_cast<uint64_t>(std::count(prefix.begin(), prefix.end(), '\n'));
    ASSERT_EQ(shifted.messages.size(), base.messages.size());
    for (size_t i = 0; i < base.messages.size(); ++i) {
      EXPECT_EQ(shifted.messages[i].offset, base.messages[i].offset + prefix.size());
      EXPECT_EQ(shifted.messages[i].line, base.messages[i].line + lines);
      EXPECT_EQ(shifted.messages[i].text, base.messages[i].text);
    }
  }
}

TEST(WhatsAppText, DateOrderInferredFromALaterLineAndMonotonicity) {
  // Only line 3 shows the day first; the earlier lines alone are ambiguous.
  const Chat chat = ParseWhatsAppText(
      "01/02/20, 10:00 - A: a\n03/02/20, 10:00 - A: b\n25/02/20, 10:00 - A: c\n");
  EXPECT_EQ(chat.report.date_order, DateOrder::kDayMonthYear);
  EXPECT_EQ(chat.report.date_order_source, DecisionSource::kInferred);
  EXPECT_NE(chat.report.date_order_reason.find("mdy ruled out by line 3"), std::string::npos)
      << chat.report.date_order_reason;
  // The option cannot override what the file proves; the report says so.
  WhatsAppOptions options;
  options.date_order = DateOrder::kMonthDayYear;
  const Chat again = ParseWhatsAppText("01/02/20, 10:00 - A: a\n25/02/20, 10:00 - A: c\n", options);
  EXPECT_EQ(again.report.date_order, DateOrder::kDayMonthYear);
  ASSERT_FALSE(again.report.notes.empty());
}

TEST(WhatsAppText, FileNameGivesTheTitle) {
  EXPECT_EQ(ChatNameFromFileName("/x/WhatsApp Chat with Team Rocket.txt"), "Team Rocket");
  EXPECT_EQ(ChatNameFromFileName("WhatsApp Chat - Ash.zip"), "Ash");
  EXPECT_EQ(ChatNameFromFileName("_chat.txt"), "");
  testing::TempDir dir;
  testing::WriteFile(dir / "WhatsApp Chat with Misty.txt", "13/01/2020, 10:00 - Misty: hi\n");
  Result<Chat> chat = ParseWhatsAppFile(dir / "WhatsApp Chat with Misty.txt");
  ASSERT_TRUE(chat.ok());
  EXPECT_EQ(chat->title, "Misty");
  EXPECT_EQ(chat->title_source, "file name");
  EXPECT_EQ(chat->messages[0].source, (dir / "WhatsApp Chat with Misty.txt").string());
  EXPECT_FALSE(ParseWhatsAppFile(dir / "missing.txt").ok());
}

TEST(WhatsAppText, StreamingGivesTheSameMessagesAndChat) {
  const std::string text =
      "[13/01/2020, 09:00:00] Crew: \xE2\x80\x8E" "Alice added Bob\n[13/01/2020, 09:01:00] Bob: <attached: a.jpg>\n"
      "caption\n[14/01/2020, 09:02:00] Ann: hi\n[14/01/2020, 09:03:00] Ann: This message was deleted\n";
  const Chat whole = ParseWhatsAppText(text);
  std::vector<Message> streamed;
  Chat summary = ParseWhatsAppText(text, {}, [&](const Message& m) { streamed.push_back(m); });
  EXPECT_TRUE(summary.messages.empty());
  EXPECT_EQ(summary.report.messages, whole.messages.size());
  summary.messages = streamed;
  EXPECT_EQ(ChatToJson(summary), ChatToJson(whole));
}

TEST(WhatsAppText, JsonOutputUsesTheDocumentedFieldNames) {
  const Chat chat = ParseWhatsAppText(
      "13/01/2020, 10:00 - +1 555 0100: hi \xFF\n13/01/2020, 10:01 - +1 555 0100 left\n");
  const nlohmann::json j = nlohmann::json::parse(ChatToJson(chat));
  EXPECT_EQ(j["platform"], "whatsapp");
  EXPECT_EQ(j["report"]["date_order"], "dmy");
  EXPECT_EQ(j["report"]["date_order_source"], "inferred");
  const auto& m = j["messages"][0];
  EXPECT_EQ(m["timestamp"], "2020-01-13T10:00:00");
  EXPECT_EQ(m["time_zone_known"], false);
  EXPECT_EQ(m["sender_phone"], "+1 555 0100");
  EXPECT_EQ(m["kind"], "text");
  EXPECT_EQ(m["line"], 1);
  EXPECT_EQ(j["messages"][1]["event"], "left");
  EXPECT_EQ(j["messages"][1]["event_actor"], "+1 555 0100");
}

}  // namespace
}  // namespace cairn::chat
