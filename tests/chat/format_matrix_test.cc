// The WhatsApp header format matrix: for every pattern in whatstk's header_format_support.json
// (and variants: 4-digit years, unpadded fields, localized AM/PM, U+202F, direction marks, CRLF)
// a small chat is generated with known times, including days above 12 so the order is decidable,
// and must parse exactly. A one-message chat per pattern must be reported ambiguous.
#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <fstream>
#include <string>
#include <vector>

#include "cairn/chat/whatsapp.h"
#include "cairn_test_support.h"

namespace cairn::chat {
namespace {

struct When {
  int y, mo, d, h, mi, s;
};

// Known instants: days above 12 early, month changes, a year change, midnight and noon hours.
const std::vector<When> kTimes = {
    {2020, 1, 5, 9, 7, 3},   {2020, 1, 13, 13, 45, 10}, {2020, 1, 28, 0, 30, 0},
    {2020, 2, 3, 12, 0, 59}, {2020, 11, 30, 23, 59, 1}, {2021, 3, 17, 12, 5, 0},
};

struct Variant {
  std::string name;
  bool four_digit_year = false;
  bool unpadded = false;
  std::string am = "AM", pm = "PM";
  std::string space_before_meridiem = " ";
  std::string line_prefix;
  std::string newline = "\n";
};

std::string Two(int v, bool unpadded) {
  char buf[8];
  std::snprintf(buf, sizeof(buf), unpadded ? "%d" : "%02d", v);
  return buf;
}

// Renders a strftime-like header pattern (%y %Y %m %d %H %I %M %S %p %name).
std::string Render(const std::string& format, const When& w, const std::string& name, const Variant& v) {
  std::string out;
  for (size_t i = 0; i < format.size(); ++i) {
    if (format[i] != '%') {
      out.push_back(format[i]);
      continue;
    }
    if (format.compare(i, 5, "%name") == 0) {
      out += name;
      i += 4;
      continue;
    }
    const char f = format[++i];
    switch (f) {
      case 'y': out += v.four_digit_year ? std::to_string(w.y) : Two(w.y % 100, false); break;
      case 'Y': out += std::to_string(w.y); break;
      case 'm': out += Two(w.mo, v.unpadded); break;
      case 'd': out += Two(w.d, v.unpadded); break;
      case 'H': out += Two(w.h, false); break;
      case 'I': out += Two(w.h % 12 == 0 ? 12 : w.h % 12, v.unpadded); break;
      case 'M': out += Two(w.mi, false); break;
      case 'S': out += Two(w.s, false); break;
      case 'p': {
        // The pattern writes " %p": replace that space with the variant's space.
        if (!out.empty() && out.back() == ' ') out.pop_back();
        out += v.space_before_meridiem + (w.h < 12 ? v.am : v.pm);
        break;
      }
      default: out.push_back('%'), out.push_back(f);
    }
  }
  return out;
}

DateOrder OrderOf(const std::string& format) {
  const size_t y = format.find("%y"), m = format.find("%m"), d = format.find("%d");
  if (y < m && m < d) return DateOrder::kYearMonthDay;
  if (y < d && d < m) return DateOrder::kYearDayMonth;
  if (d < m) return DateOrder::kDayMonthYear;
  return DateOrder::kMonthDayYear;
}

std::vector<std::string> Formats() {
  auto dir = testing::SharedData("chats/whatstk");
  std::vector<std::string> out;
  if (!dir) return out;
  std::ifstream in(*dir / "header_format_support.json");
  for (const auto& j : nlohmann::json::parse(in)) out.push_back(j["format"]);
  return out;
}

std::vector<Variant> Variants() {
  std::vector<Variant> v(1);
  v[0].name = "as listed";
  Variant four;
  four.name = "4-digit year";
  four.four_digit_year = true;
  Variant loose;
  loose.name = "unpadded, a. m./p. m., U+202F, LRM, CRLF";
  loose.unpadded = true;
  loose.am = "a.\xC2\xA0m.";
  loose.pm = "p.\xC2\xA0m.";
  loose.space_before_meridiem = "\xE2\x80\xAF";
  loose.line_prefix = "\xE2\x80\x8E";
  loose.newline = "\r\n";
  Variant german;
  german.name = "vorm./nachm.";
  german.am = "vorm.";
  german.pm = "nachm.";
  return {v[0], four, loose, german};
}

int64_t Expected(const When& w, bool seconds) {
  return CivilToSeconds(w.y, w.mo, w.d, w.h, w.mi, seconds ? w.s : 0);
}

TEST(FormatMatrix, EveryPatternParsesExactly) {
  const std::vector<std::string> formats = Formats();
  if (formats.empty()) GTEST_SKIP() << "../shared/data/chats/whatstk is missing; skipped";
  ASSERT_EQ(formats.size(), 96u);
  int cases = 0;
  for (const std::string& format : formats) {
    for (const Variant& v : Variants()) {
      const bool twelve = format.find("%p") != std::string::npos;
      if (!twelve && (v.name == "vorm./nachm.")) continue;
      SCOPED_TRACE(format + " [" + v.name + "]");
      ++cases;
      const std::vector<std::string> names = {"Alice", "Bob Smith", "+44 7700 900123", "Alice", "Bob Smith", "Zoë"};
      std::string text;
      for (size_t i = 0; i < kTimes.size(); ++i) {
        text += v.line_prefix + Render(format, kTimes[i], names[i], v) + " message " + std::to_string(i);
        if (i == 2) text += v.newline + "second line: with a colon" + v.newline + "third line";
        text += v.newline;
      }
      // A system line (the pattern without the name part).
      std::string system_format = format.substr(0, format.find("%name"));
      text += Render(system_format, {2021, 3, 18, 8, 0, 0}, "", v) + "Alice added Bob Smith" + v.newline;
      const Chat chat = ParseWhatsAppText(text);
      ASSERT_EQ(chat.messages.size(), kTimes.size() + 1);
      EXPECT_TRUE(chat.report.skipped.empty());
      EXPECT_EQ(chat.report.date_order, OrderOf(format)) << chat.report.date_order_reason;
      EXPECT_EQ(chat.report.date_order_source, DecisionSource::kInferred) << chat.report.date_order_reason;
      const bool seconds = format.find("%S") != std::string::npos;
      for (size_t i = 0; i < kTimes.size(); ++i) {
        const Message& m = chat.messages[i];
        EXPECT_EQ(m.sender_name, names[i]) << i;
        EXPECT_EQ(m.kind, MessageKind::kText) << i;
        EXPECT_EQ(m.time.seconds, Expected(kTimes[i], seconds))
            << i << ": " << FormatTimestamp(m.time) << " from " << Render(format, kTimes[i], names[i], v);
        EXPECT_EQ(m.text, "message " + std::to_string(i) +
                              (i == 2 ? "\nsecond line: with a colon\nthird line" : ""));
      }
      EXPECT_EQ(chat.messages[2].line, 3u);
      EXPECT_EQ(chat.messages[3].line, 6u);
      EXPECT_EQ(chat.messages[2].sender_phone, "+44 7700 900123");
      const Message& sys = chat.messages.back();
      EXPECT_EQ(sys.kind, MessageKind::kSystem);
      EXPECT_EQ(sys.event, SystemEvent::kAdded);
      EXPECT_EQ(sys.event_actor, "Alice");
      EXPECT_EQ(sys.event_targets, std::vector<std::string>{"Bob Smith"});
    }
  }
  EXPECT_GE(cases, 96 * 3);
}

TEST(FormatMatrix, OneMessageChatIsAmbiguousAndTheOptionDecides) {
  const std::vector<std::string> formats = Formats();
  if (formats.empty()) GTEST_SKIP() << "../shared/data/chats/whatstk is missing; skipped";
  const When w = {2020, 5, 6, 10, 11, 0};  // 05 and 06: day and month could swap
  for (const std::string& format : formats) {
    SCOPED_TRACE(format);
    const std::string text = Render(format, w, "Alice", Variant{}) + " hi\n";
    const Chat guessed = ParseWhatsAppText(text);
    ASSERT_EQ(guessed.messages.size(), 1u);
    EXPECT_TRUE(guessed.report.date_order_ambiguous);
    EXPECT_EQ(guessed.report.date_order_source, DecisionSource::kDefault);
    EXPECT_NE(guessed.report.date_order_reason.find("ambiguous"), std::string::npos);

    WhatsAppOptions options;
    options.date_order = OrderOf(format);
    const Chat decided = ParseWhatsAppText(text, options);
    ASSERT_EQ(decided.messages.size(), 1u);
    EXPECT_TRUE(decided.report.date_order_ambiguous);
    EXPECT_EQ(decided.report.date_order_source, DecisionSource::kOption);
    EXPECT_EQ(decided.report.date_order, OrderOf(format));
    EXPECT_EQ(decided.messages[0].time.seconds, Expected(w, false));
  }
}

}  // namespace
}  // namespace cairn::chat
