#include "cairn/core/text.h"

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <random>
#include <string>

namespace cairn {
namespace {

TEST(Utf8, SequenceLengthsAndRejections) {
  EXPECT_EQ(Utf8SequenceLength("a", 0), 1u);
  EXPECT_EQ(Utf8SequenceLength("\xC3\xA9", 0), 2u);          // é
  EXPECT_EQ(Utf8SequenceLength("\xE2\x82\xAC", 0), 3u);      // €
  EXPECT_EQ(Utf8SequenceLength("\xF0\x9F\x98\x80", 0), 4u);  // 😀
  EXPECT_EQ(Utf8SequenceLength("\xC3", 0), 0u);              // truncated
  EXPECT_EQ(Utf8SequenceLength("\x80", 0), 0u);              // stray continuation
  EXPECT_EQ(Utf8SequenceLength("\xC0\xAF", 0), 0u);          // overlong '/'
  EXPECT_EQ(Utf8SequenceLength("\xE0\x80\xAF", 0), 0u);      // overlong
  EXPECT_EQ(Utf8SequenceLength("\xED\xA0\x80", 0), 0u);      // surrogate D800
  EXPECT_EQ(Utf8SequenceLength("\xF4\x90\x80\x80", 0), 0u);  // past U+10FFFF
  EXPECT_EQ(Utf8SequenceLength("\xF5\x80\x80\x80", 0), 0u);
  EXPECT_TRUE(IsValidUtf8("caf\xC3\xA9 \xE2\x82\xAC"));
  EXPECT_FALSE(IsValidUtf8("caf\xE9"));  // Latin-1 é
  EXPECT_EQ(ToValidUtf8("caf\xE9!"), "caf\xEF\xBF\xBD!");
}

TEST(XmlEscape, EntitiesControlsAndBadBytes) {
  EXPECT_EQ(XmlEscape("<a href=\"x\">&'</a>"), "&lt;a href=&quot;x&quot;&gt;&amp;&#39;&lt;/a&gt;");
  EXPECT_EQ(XmlEscape("a\tb\nc\x01" "d\x7F"), "a\tb\ncd\x7F");
  EXPECT_EQ(XmlEscape("\xFF"), "\xEF\xBF\xBD");
  EXPECT_EQ(XmlLabel("a\tb<c", 10), "a b&lt;c");
  EXPECT_EQ(XmlLabel("\xC3\xA9\xC3\xA9\xC3\xA9", 2), "\xC3\xA9\xC3\xA9\xE2\x80\xA6");  // never cuts a character
  EXPECT_EQ(XmlLabel("abc", 3), "abc");
}

TEST(JsonQuote, EscapesAndParsesBack) {
  EXPECT_EQ(JsonQuote("a\"b\\c\n\x01"), "\"a\\\"b\\\\c\\n\\u0001\"");
  EXPECT_EQ(JsonQuote("map \"q\".csv"), "\"map \\\"q\\\".csv\"");
  // Any bytes at all: the literal parses, and to the repaired text.
  std::mt19937 rng(7);
  for (int round = 0; round < 2000; ++round) {
    std::string s(rng() % 24, '\0');
    for (char& c : s) c = static_cast<char>(rng());
    const std::string quoted = JsonQuote(s);
    const auto parsed = nlohmann::json::parse(quoted, nullptr, /*allow_exceptions=*/false);
    ASSERT_TRUE(parsed.is_string()) << quoted;
    EXPECT_EQ(parsed.get<std::string>(), ToValidUtf8(s));
    EXPECT_TRUE(IsValidUtf8(XmlEscape(s)));
    EXPECT_EQ(XmlEscape(s).find('<'), std::string::npos);
  }
}

}  // namespace
}  // namespace cairn
