// Extractor: every kind found with its offset and extras; invalid checksums rejected; offsets
// shift exactly with prefix padding; chunked file streaming equals the whole-buffer scan;
// UTF-16LE text; the bulk_extractor oracles in ../shared/data/extract.
#include "cairn/extract/extractor.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <random>
#include <string>
#include <vector>

#include "cairn/extract/feature_file.h"
#include "cairn_test_support.h"

namespace cairn::extract {
namespace {

Extractor Make(std::string region = "") {
  ExtractOptions o;
  o.default_region = std::move(region);
  auto e = Extractor::Create(o);
  EXPECT_TRUE(e.ok()) << e.status().ToString();
  return std::move(e).value();
}

std::vector<Identifier> OfKind(const std::vector<Identifier>& ids, IdentifierKind kind) {
  std::vector<Identifier> out;
  for (const auto& id : ids) {
    if (id.kind == kind) out.push_back(id);
  }
  return out;
}

// The one identifier of `kind` in `text`; fails the test when there is not exactly one.
Identifier One(const Extractor& x, std::string_view text, IdentifierKind kind) {
  auto ids = OfKind(x.Extract(text), kind);
  EXPECT_EQ(ids.size(), 1u) << "in: " << text;
  return ids.empty() ? Identifier{} : ids[0];
}

TEST(Extractor, UnknownRegionIsRejected) {
  ExtractOptions o;
  o.default_region = "QQ";
  auto e = Extractor::Create(o);
  ASSERT_FALSE(e.ok());
  EXPECT_EQ(e.status().code(), StatusCode::kInvalidArgument);
}

TEST(Extractor, UrlsWithHostsAndPlatforms) {
  const Extractor x = Make();
  const std::string text = "get it at https://mega.nz/file/AbC#key. or http://sub.mega.nz/x and "
                           "http://notmega.nz/y; join t.me/joinchat/AAAAx then (www.MediaFire.com/f/1) "
                           "chat.whatsapp.com/Inv1te and wa.me/919876543210 drive: "
                           "https://drive.google.com/file/d/1/view?usp=sharing";
  auto urls = OfKind(x.Extract(text), IdentifierKind::kUrl);
  ASSERT_EQ(urls.size(), 8u);
  EXPECT_EQ(urls[0].value, "https://mega.nz/file/AbC#key");  // sentence dot dropped
  EXPECT_EQ(urls[0].offset, text.find("https://mega.nz"));
  EXPECT_EQ(urls[0].length, urls[0].value.size());
  EXPECT_EQ(urls[0].host, "mega.nz");
  EXPECT_EQ(urls[0].platform, "MEGA");
  EXPECT_EQ(urls[0].platform_kind, "file_hosting");
  EXPECT_EQ(urls[1].host, "sub.mega.nz");
  EXPECT_EQ(urls[1].platform, "MEGA");
  EXPECT_EQ(urls[2].host, "notmega.nz");
  EXPECT_EQ(urls[2].platform, "");
  EXPECT_EQ(urls[3].value, "t.me/joinchat/AAAAx");
  EXPECT_EQ(urls[3].platform, "Telegram");
  EXPECT_EQ(urls[3].platform_kind, "messaging");
  EXPECT_EQ(urls[3].normalized, "http://t.me/joinchat/AAAAx");
  EXPECT_EQ(urls[4].value, "www.MediaFire.com/f/1");  // unbalanced ')' dropped
  EXPECT_EQ(urls[4].host, "www.mediafire.com");
  EXPECT_EQ(urls[4].normalized, "http://www.mediafire.com/f/1");
  EXPECT_EQ(urls[4].platform, "MediaFire");
  EXPECT_EQ(urls[5].platform, "WhatsApp");
  EXPECT_EQ(urls[6].platform, "WhatsApp");
  EXPECT_EQ(urls[7].platform, "Google Drive");
  EXPECT_EQ(urls[7].platform_kind, "cloud_storage");
  for (const auto& u : urls) EXPECT_EQ(text.substr(u.offset, u.length), u.value);
}

TEST(Extractor, UrlsNeedAHostAndABoundary) {
  const Extractor x = Make();
  EXPECT_TRUE(OfKind(x.Extract("http://localhost/x https://a/b http:// at.me/x"), IdentifierKind::kUrl).empty());
  EXPECT_EQ(One(x, "ftp://files.example.org:21/pub", IdentifierKind::kUrl).host, "files.example.org");
  EXPECT_EQ(One(x, "http://user@10.0.0.1/a", IdentifierKind::kUrl).host, "10.0.0.1");
}

TEST(Extractor, Emails) {
  const Extractor x = Make();
  const std::string text = "mail Alice.Smith+tag@Example.CO.uk, or <bob@mail.telegram.org>. bad: a@b, x@y.c1";
  auto ids = x.Extract(text);
  auto mails = OfKind(ids, IdentifierKind::kEmail);
  ASSERT_EQ(mails.size(), 2u);
  EXPECT_EQ(mails[0].value, "Alice.Smith+tag@Example.CO.uk");
  EXPECT_EQ(mails[0].offset, 5u);
  EXPECT_EQ(mails[0].normalized, "Alice.Smith+tag@example.co.uk");
  EXPECT_EQ(mails[0].host, "example.co.uk");
  EXPECT_EQ(mails[1].value, "bob@mail.telegram.org");
  EXPECT_EQ(mails[1].platform, "Telegram");
}

TEST(Extractor, PhonesAttributedByNumber) {
  const Extractor x = Make();
  const std::string text = "call +91 98765 43210 or +44 20 7946 0958, US +1 650-253-0000; local 98765 43210";
  auto phones = OfKind(x.Extract(text), IdentifierKind::kPhone);
  ASSERT_EQ(phones.size(), 3u);  // the local number needs a default region
  EXPECT_EQ(phones[0].value, "+91 98765 43210");
  EXPECT_EQ(phones[0].offset, text.find("+91"));
  EXPECT_EQ(phones[0].e164, "+919876543210");
  EXPECT_EQ(phones[0].normalized, "+919876543210");
  EXPECT_EQ(phones[0].region, "IN");
  EXPECT_EQ(phones[0].country, "India");
  EXPECT_EQ(phones[1].e164, "+442079460958");
  EXPECT_EQ(phones[1].region, "GB");
  EXPECT_EQ(phones[1].country, "United Kingdom");
  EXPECT_EQ(phones[2].e164, "+16502530000");
  EXPECT_EQ(phones[2].region, "US");

  const Extractor in = Make("in");
  auto local = OfKind(in.Extract(text), IdentifierKind::kPhone);
  ASSERT_EQ(local.size(), 4u);
  EXPECT_EQ(local[3].value, "98765 43210");
  EXPECT_EQ(local[3].e164, "+919876543210");
  EXPECT_EQ(local[3].offset, text.rfind("98765"));
}

TEST(Extractor, InvalidPhonesRejected) {
  const Extractor x = Make();
  // +1 555 0100: too short to be valid; +999 is no country code.
  EXPECT_TRUE(OfKind(x.Extract("+1 555 0100 and +999 1234 5678"), IdentifierKind::kPhone).empty());
}

TEST(Extractor, UpiVpas) {
  const Extractor x = Make();
  const std::string text = "pay 9876543210@ybl or shop.owner@okaxis or 919812345678@paytm; not x@gmail nor ab@unknownpsp";
  auto upi = OfKind(x.Extract(text), IdentifierKind::kUpi);
  ASSERT_EQ(upi.size(), 3u);
  EXPECT_EQ(upi[0].value, "9876543210@ybl");
  EXPECT_EQ(upi[0].offset, 4u);
  EXPECT_EQ(upi[0].e164, "+919876543210");
  EXPECT_EQ(upi[0].region, "IN");
  EXPECT_EQ(upi[0].detail, "PhonePe (Yes Bank)");
  EXPECT_EQ(upi[1].value, "shop.owner@okaxis");
  EXPECT_EQ(upi[1].e164, "");
  EXPECT_EQ(upi[2].e164, "+919812345678");
  EXPECT_TRUE(OfKind(x.Extract(text), IdentifierKind::kEmail).empty());
  // A VPA right after a card number in one digit run is still found (regression: the number
  // candidate used to swallow the handle's digits).
  const std::string glued = "4111 1111 1111 1111 9876543210@ybl";
  auto ids = x.Extract(glued);
  ASSERT_EQ(OfKind(ids, IdentifierKind::kUpi).size(), 1u);
  EXPECT_EQ(OfKind(ids, IdentifierKind::kUpi)[0].offset, glued.find("9876543210@"));
  EXPECT_EQ(OfKind(ids, IdentifierKind::kCard).size(), 1u);
}

TEST(Extractor, IbansWithAndWithoutSpaces) {
  const Extractor x = Make();
  const std::string text = "IBAN: GB82 WEST 1234 5698 7654 32 THEN DE89370400440532013000. Bad: GB82WEST12345698765433";
  auto ibans = OfKind(x.Extract(text), IdentifierKind::kIban);
  ASSERT_EQ(ibans.size(), 2u);
  EXPECT_EQ(ibans[0].value, "GB82 WEST 1234 5698 7654 32");
  EXPECT_EQ(ibans[0].normalized, "GB82WEST12345698765432");
  EXPECT_EQ(ibans[0].offset, 6u);
  EXPECT_EQ(ibans[0].region, "GB");
  EXPECT_EQ(ibans[0].country, "United Kingdom");
  EXPECT_EQ(ibans[0].checksum, "valid");
  EXPECT_EQ(ibans[1].normalized, "DE89370400440532013000");
  EXPECT_EQ(ibans[1].country, "Germany");
}

TEST(Extractor, CardsLuhnAndSeparators) {
  const Extractor x = Make();
  const std::string text = "card 4111 1111 1111 1111 exp, amex 3782-822463-10005; bad 4111 1111 1111 1112 9111111111111111";
  auto cards = OfKind(x.Extract(text), IdentifierKind::kCard);
  ASSERT_EQ(cards.size(), 2u);
  EXPECT_EQ(cards[0].value, "4111 1111 1111 1111");
  EXPECT_EQ(cards[0].normalized, "4111111111111111");
  EXPECT_EQ(cards[0].offset, 5u);
  EXPECT_EQ(cards[0].detail, "visa");
  EXPECT_EQ(cards[1].normalized, "378282246310005");
  EXPECT_EQ(cards[1].detail, "amex");
  // A card number is not also reported as a phone number.
  EXPECT_TRUE(OfKind(x.Extract("+4111111111111111"), IdentifierKind::kPhone).empty() ||
              OfKind(x.Extract("+4111111111111111"), IdentifierKind::kCard).empty());
}

TEST(Extractor, BitcoinAndEthereum) {
  const Extractor x = Make();
  const std::string text =
      "btc 1A1zP1eP5QGefi2DMPTfTL5SLmv7DivfNa bc1p0xlxvlhemja6c4dqv22uapctqupfhlxm9h8z3k2e72q4k9hcz7vqzk5jj0 "
      "BC1QW508D6QEJXTDG4Y5R3ZARVARY0C5XW7KV8F3T4 bad 1A1zP1eP5QGefi2DMPTfTL5SLmv7DivfNb "
      "bc1qw508d6qejxtdg4y5r3zarvary0c5xw7kemeawh eth 0x5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAed "
      "0xde709f2102306220921060314715629080e2fb77 bad 0x5AAeb6053F3E94C9b9A09f33669435E7Ef1BeAed";
  auto ids = x.Extract(text);
  auto btc = OfKind(ids, IdentifierKind::kBtc);
  ASSERT_EQ(btc.size(), 3u);
  EXPECT_EQ(btc[0].value, "1A1zP1eP5QGefi2DMPTfTL5SLmv7DivfNa");
  EXPECT_EQ(btc[0].offset, 4u);
  EXPECT_EQ(btc[0].detail, "p2pkh");
  EXPECT_EQ(btc[1].detail, "p2tr");
  EXPECT_EQ(btc[2].detail, "p2wpkh");
  EXPECT_EQ(btc[2].normalized, "bc1qw508d6qejxtdg4y5r3zarvary0c5xw7kv8f3t4");
  auto eth = OfKind(ids, IdentifierKind::kEth);
  ASSERT_EQ(eth.size(), 2u);
  EXPECT_EQ(eth[0].checksum, "valid");
  EXPECT_EQ(eth[1].checksum, "unchecksummed");
  // EIP-55's "all lower" example is its own checksummed spelling.
  EXPECT_EQ(eth[1].normalized, "0xde709f2102306220921060314715629080e2fb77");
  EXPECT_EQ(One(x, "0x52908400098527886E0F7030069857D2E4169EE7", IdentifierKind::kEth).normalized,
            "0x52908400098527886E0F7030069857D2E4169EE7");
}

std::string MixedText() {
  return "Contact +91 98765 43210 / alice@example.com, pay 9876543210@ybl, IBAN GB82 WEST 1234 5698 "
         "7654 32, card 4111-1111-1111-1111, https://gofile.io/d/XyZ12 and bc1qw508d6qejxtdg4y5r3zarvary0c5xw7kv8f3t4 "
         "1BvBMSEYstWetqTFn5Au4m4GFg7xJaNVN2 0xfB6916095ca1df60bB79Ce92cE3Ea74c37c5d359\n";
}

TEST(Extractor, EveryKindInOneText) {
  const Extractor x = Make();
  auto ids = x.Extract(MixedText());
  for (int k = 0; k < kIdentifierKindCount; ++k) {
    const auto kind = static_cast<IdentifierKind>(k);
    EXPECT_EQ(OfKind(ids, kind).size(), kind == IdentifierKind::kBtc ? 2u : 1u) << KindName(kind);
  }
  EXPECT_TRUE(std::is_sorted(ids.begin(), ids.end(), [](auto& a, auto& b) { return a.offset < b.offset; }));
}

TEST(Extractor, KindMaskLimitsOutput) {
  ExtractOptions o;
  o.kinds = 1u << static_cast<int>(IdentifierKind::kEmail);
  auto x = Extractor::Create(o);
  ASSERT_TRUE(x.ok());
  auto ids = x->Extract(MixedText());
  ASSERT_EQ(ids.size(), 1u);
  EXPECT_EQ(ids[0].kind, IdentifierKind::kEmail);
}

// Provenance: padding the input by N bytes moves every offset by exactly N.
TEST(Extractor, OffsetsShiftWithPrefixPadding) {
  const Extractor x = Make("IN");
  const std::string text = MixedText();
  const auto base = x.Extract(text);
  ASSERT_GE(base.size(), 8u);
  for (size_t n : {1u, 2u, 3u, 17u, 4096u}) {
    for (char pad : {' ', '\n', '\0'}) {
      const auto shifted = x.Extract(std::string(n, pad) + text);
      ASSERT_EQ(shifted.size(), base.size()) << n;
      for (size_t i = 0; i < base.size(); ++i) {
        EXPECT_EQ(shifted[i].offset, base[i].offset + n) << base[i].value;
        Identifier moved = shifted[i];
        moved.offset -= n;
        EXPECT_EQ(moved, base[i]);
      }
    }
  }
  // base_offset moves offsets the same way.
  const auto based = x.Extract(text, 1000);
  ASSERT_EQ(based.size(), base.size());
  for (size_t i = 0; i < base.size(); ++i) EXPECT_EQ(based[i].offset, base[i].offset + 1000);
}

std::string Utf16(std::string_view ascii) {
  std::string out;
  for (char c : ascii) {
    out.push_back(c);
    out.push_back('\0');
  }
  return out;
}

TEST(Extractor, Utf16LeText) {
  const Extractor x = Make();
  const std::string text = std::string("\x01\x02\xff", 3) + Utf16("see https://mega.nz/#!abc and bob@example.org") +
                           std::string("\0\0", 2);
  auto ids = x.Extract(text);
  ASSERT_EQ(ids.size(), 2u);
  EXPECT_EQ(ids[0].kind, IdentifierKind::kUrl);
  EXPECT_EQ(ids[0].encoding, TextEncoding::kUtf16le);
  EXPECT_EQ(ids[0].value, "https://mega.nz/#!abc");
  EXPECT_EQ(ids[0].offset, 3u + 2 * 4);
  EXPECT_EQ(ids[0].length, 2u * ids[0].value.size());
  EXPECT_EQ(text.substr(ids[0].offset, ids[0].length), Utf16(ids[0].value));
  EXPECT_EQ(ids[1].kind, IdentifierKind::kEmail);
  EXPECT_EQ(text.substr(ids[1].offset, ids[1].length), Utf16("bob@example.org"));
  // Odd alignment works too.
  auto odd = x.Extract("\x01" + text);
  ASSERT_EQ(odd.size(), 2u);
  EXPECT_EQ(odd[0].offset, ids[0].offset + 1);
  // Turned off, nothing is found.
  ExtractOptions o;
  o.scan_utf16 = false;
  EXPECT_TRUE(Extractor::Create(o)->Extract(text).empty());
}

TEST(Extractor, SharedUtf16Urls) {
  CAIRN_REQUIRE_SHARED_DATA(path, "extract/utf16_urls.bin");
  const Extractor x = Make();
  const auto bytes = testing::ReadFileBytes(path);
  auto ids = x.Extract(std::span<const uint8_t>(bytes));
  auto urls = OfKind(ids, IdentifierKind::kUrl);
  // `strings -el` shows 24 URL strings; the first is at byte 2664.
  ASSERT_GE(urls.size(), 20u);
  EXPECT_EQ(urls[0].offset, 2664u);
  EXPECT_EQ(urls[0].value, "http://www.hhs.gov/ocr/hipaa/consumer_rights.pdf");
  EXPECT_EQ(urls[0].encoding, TextEncoding::kUtf16le);
  for (const auto& u : urls) {
    EXPECT_EQ(u.encoding, TextEncoding::kUtf16le);
    EXPECT_EQ(std::string(bytes.begin() + static_cast<long>(u.offset),
                          bytes.begin() + static_cast<long>(u.offset + u.length)),
              Utf16(u.value));
  }
  auto mails = OfKind(ids, IdentifierKind::kEmail);
  ASSERT_EQ(mails.size(), 2u);
  EXPECT_EQ(mails[0].value, "OCRmail@hhs.gov");
  EXPECT_EQ(mails[0].offset, 4052u + 2 * 7);  // after "mailto:"
}

// bulk_extractor's email oracle for the first 100 KiB of nps-2010-emails: the plain-text hits
// (the PDF/ZIP/GZIP ones need decompression, which this module does not do).
TEST(Extractor, NpsEmailOracle) {
  CAIRN_REQUIRE_SHARED_DATA(raw, "extract/nps-2010-emails.100k.raw");
  CAIRN_REQUIRE_SHARED_DATA(oracle_path, "extract/nps-email.txt");
  const Extractor x = Make();
  const auto bytes = testing::ReadFileBytes(raw);
  auto mails = OfKind(x.Extract(std::span<const uint8_t>(bytes)), IdentifierKind::kEmail);
  auto oracle = ReadFeatureFile(oracle_path);
  ASSERT_TRUE(oracle.ok()) << oracle.status().ToString();
  int checked = 0;
  for (const FeatureRow& row : oracle->rows) {
    if (row.forensic_path.find('-') != std::string::npos) continue;  // inside a decoded stream
    const uint64_t offset = std::stoull(row.forensic_path);
    if (offset + row.feature.size() > bytes.size()) continue;  // beyond the 100 KiB sample
    auto it = std::find_if(mails.begin(), mails.end(), [&](const Identifier& m) { return m.offset == offset; });
    ASSERT_NE(it, mails.end()) << row.forensic_path << " " << row.feature;
    EXPECT_EQ(it->value, row.feature);
    // Our context window is bulk_extractor's: 16 bytes each side.
    EXPECT_EQ(FeatureContext(bytes, 0, *it), row.context) << row.forensic_path;
    ++checked;
  }
  EXPECT_EQ(checked, 2);  // 80896 plain_text@textedit.com and 91449 rtf_text@textedit.com
  auto plain = std::find_if(mails.begin(), mails.end(), [](auto& m) { return m.offset == 80896; });
  ASSERT_NE(plain, mails.end());
  EXPECT_EQ(plain->value, "plain_text@textedit.com");
}

TEST(Extractor, SharedTestCardsFound) {
  CAIRN_REQUIRE_SHARED_DATA(path, "extract/ccns.txt");
  const Extractor x = Make();
  const auto bytes = testing::ReadFileBytes(path);
  const std::string text(bytes.begin(), bytes.end());
  auto cards = OfKind(x.Extract(text), IdentifierKind::kCard);
  // Every 13-19 digit number on the list; the 11-digit Dankort number is outside the card range.
  std::vector<std::string> want;
  size_t pos = 0;
  while ((pos = text.find(" - ", pos)) != std::string::npos) {
    pos += 3;
    const size_t end = text.find('\n', pos);
    std::string digits = text.substr(pos, end - pos);
    if (digits.size() >= 13) want.push_back(digits);
  }
  ASSERT_EQ(want.size(), 17u);
  ASSERT_EQ(cards.size(), want.size());
  for (size_t i = 0; i < want.size(); ++i) {
    EXPECT_EQ(cards[i].normalized, want[i]);
    EXPECT_EQ(cards[i].checksum, "valid");
    EXPECT_EQ(text.substr(cards[i].offset, cards[i].length), want[i]);
  }
}

// A generated file with identifiers everywhere, including across every chunk border: streaming
// with small chunks must give exactly the whole-buffer result.
TEST(Extractor, ChunkedFileEqualsWholeBuffer) {
  std::mt19937 rng(42);
  const std::vector<std::string> pieces = {
      "alice@example.com", "+44 20 7946 0958", "https://mega.nz/file/" + std::string(300, 'a'),
      "GB82 WEST 1234 5698 7654 32", "4111 1111 1111 1111", "1BvBMSEYstWetqTFn5Au4m4GFg7xJaNVN2",
      "0xfB6916095ca1df60bB79Ce92cE3Ea74c37c5d359", "9876543210@ybl", Utf16("http://t.me/abcdef"),
      "bc1qw508d6qejxtdg4y5r3zarvary0c5xw7kv8f3t4",
  };
  const std::vector<std::string> long_pieces = {
      // An over-long URL (longer than the chunk overlap): cut at the cap, found once.
      "http://example.com/" + std::string(20000, 'x'),
      // A UTF-16 run longer than one decoded piece.
      Utf16(std::string(5000, 'a') + " bob@example.org"),
  };
  std::string data;
  while (data.size() < 400000) {
    const int r = static_cast<int>(rng() % 25);
    if (r < static_cast<int>(pieces.size())) {
      data += pieces[static_cast<size_t>(r)];
      data += " \n\t,;"[rng() % 5];
    } else if (r == 24 && rng() % 8 == 0) {
      data += long_pieces[rng() % 2];
    } else {
      data += std::string(static_cast<size_t>(rng() % 50), " abc.\n\0x@1"[rng() % 11]);
    }
  }
  testing::TempDir dir;
  const auto file = dir / "data.bin";
  testing::WriteFile(file, data);
  const Extractor x = Make("GB");
  const auto whole = x.Extract(data);
  ASSERT_GT(whole.size(), 1000u);
  for (size_t chunk : {size_t{16384}, size_t{16385}, size_t{40000}, size_t{1} << 20}) {
    std::vector<Identifier> streamed;
    ASSERT_TRUE(x.ExtractFile(file, [&](const Identifier& id) { streamed.push_back(id); }, chunk).ok());
    ASSERT_EQ(streamed.size(), whole.size()) << chunk;
    for (size_t i = 0; i < whole.size(); ++i) ASSERT_EQ(streamed[i], whole[i]) << chunk << " #" << i;
  }
}

TEST(Extractor, MissingFileIsAnError) {
  const Extractor x = Make();
  auto s = x.ExtractFile("/nonexistent/cairn-extract", [](const Identifier&) {});
  EXPECT_FALSE(s.ok());
}

}  // namespace
}  // namespace cairn::extract
