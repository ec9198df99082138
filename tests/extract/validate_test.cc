// Checksum validators against public test vectors (BIP-173/350, EIP-55, ISO 13616 examples,
// PayPal's test card numbers), each with a one-character-off value that must be rejected.
#include "cairn/extract/validate.h"

#include <gtest/gtest.h>

#include <fstream>
#include <iterator>
#include <string>

#include "cairn/core/hex.h"
#include "cairn/extract/platforms.h"

namespace cairn::extract {
namespace {

std::string KeccakHex(std::string_view s) {
  return ToHex(Keccak256(std::span<const uint8_t>(reinterpret_cast<const uint8_t*>(s.data()), s.size())));
}

// Changes one character to another of the same class (digit↔digit, letter↔letter).
std::string OneOff(std::string s, size_t i) {
  char& c = s[i];
  if (c >= '0' && c <= '8') c = static_cast<char>(c + 1);
  else if (c == '9') c = '8';
  else if ((c >= 'a' && c < 'z') || (c >= 'A' && c < 'Z')) c = static_cast<char>(c + 1);
  else c = static_cast<char>(c - 1);
  return s;
}

TEST(Keccak256, KnownDigestsAndNotSha3) {
  EXPECT_EQ(KeccakHex(""), "c5d2460186f7233c927e7db2dcc703c0e500b653ca82273b7bfad8045d85a470");
  EXPECT_EQ(KeccakHex("abc"), "4e03657aea45a94fc7d47ba826c8d667c0d1e6e33a64a036ec44f58fa12d6c45");
  // NIST SHA3-256("") differs only by padding; we must not produce it.
  EXPECT_NE(KeccakHex(""), "a7ffc6f8bf1ed76651c14756a061d662f580ff4de43b49fa82d80a4b80f8434a");
  // Multi-block input (> 136-byte rate) is absorbed block by block.
  const std::string long_input(300, 'a');
  EXPECT_EQ(KeccakHex(long_input).size(), 64u);
  EXPECT_NE(KeccakHex(long_input), KeccakHex(std::string(299, 'a')));
}

TEST(Eip55, SpecExamples) {
  for (const char* a : {"0x5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAed",
                        "0xfB6916095ca1df60bB79Ce92cE3Ea74c37c5d359",
                        "0xdbF03B407c01E7cD3CBea99509d93f8DDDC8C6FB",
                        "0xD1220A0cf47c7B9Be7A2E6BA89F429762e7b9aDb"}) {
    EXPECT_EQ(CheckEthAddress(a), EthChecksum::kValid) << a;
    EXPECT_EQ(Eip55(a), a);
    std::string lower(a);
    for (char& c : lower) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    lower[1] = 'x';
    EXPECT_EQ(CheckEthAddress(lower), EthChecksum::kUnchecksummed) << lower;
    EXPECT_EQ(Eip55(lower), a);
  }
  EXPECT_EQ(CheckEthAddress("0x52908400098527886E0F7030069857D2E4169EE7"), EthChecksum::kUnchecksummed);
  EXPECT_EQ(CheckEthAddress("0xde709f2102306220921060314715629080e2fb77"), EthChecksum::kUnchecksummed);
  // One letter's case flipped breaks the checksum.
  EXPECT_EQ(CheckEthAddress("0x5AAeb6053F3E94C9b9A09f33669435E7Ef1BeAed"), EthChecksum::kInvalid);
  EXPECT_EQ(CheckEthAddress("0x5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAeg"), EthChecksum::kInvalid);
  EXPECT_EQ(CheckEthAddress("0x5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAe"), EthChecksum::kInvalid);
}

TEST(Segwit, Bip173AndBip350Valid) {
  struct V { const char* addr; BtcAddressType type; bool testnet; int version; };
  const V valid[] = {
      {"BC1QW508D6QEJXTDG4Y5R3ZARVARY0C5XW7KV8F3T4", BtcAddressType::kP2wpkh, false, 0},
      {"tb1qrp33g0q5c5txsp9arysrx4k6zdkfs4nce4xj0gdcccefvpysxf3q0sl5k7", BtcAddressType::kP2wsh, true, 0},
      {"bc1pw508d6qejxtdg4y5r3zarvary0c5xw7kw508d6qejxtdg4y5r3zarvary0c5xw7kt5nd6y",
       BtcAddressType::kWitnessOther, false, 1},
      {"BC1SW50QGDZ25J", BtcAddressType::kWitnessOther, false, 16},
      {"bc1zw508d6qejxtdg4y5r3zarvaryvaxxpcs", BtcAddressType::kWitnessOther, false, 2},
      {"tb1qqqqqp399et2xygdj5xreqhjjvcmzhxw4aywxecjdzew6hylgvsesrxh6hy", BtcAddressType::kP2wsh, true, 0},
      {"tb1pqqqqp399et2xygdj5xreqhjjvcmzhxw4aywxecjdzew6hylgvsesf3hn0c", BtcAddressType::kP2tr, true, 1},
      {"bc1p0xlxvlhemja6c4dqv22uapctqupfhlxm9h8z3k2e72q4k9hcz7vqzk5jj0", BtcAddressType::kP2tr, false, 1},
  };
  for (const V& v : valid) {
    auto a = DecodeSegwitAddress(v.addr);
    ASSERT_TRUE(a.has_value()) << v.addr;
    EXPECT_EQ(a->type, v.type) << v.addr;
    EXPECT_EQ(a->testnet, v.testnet) << v.addr;
    EXPECT_EQ(a->witness_version, v.version) << v.addr;
    // Any single changed data character fails the checksum.
    const std::string s(v.addr);
    for (size_t i = 4; i < s.size(); i += 3) {
      std::string bad = s;
      const char repl = (s[i] == 'q' || s[i] == 'Q') ? (s[i] == 'q' ? 'p' : 'P') : (s[i] >= 'a' ? 'q' : 'Q');
      bad[i] = repl;
      EXPECT_FALSE(DecodeSegwitAddress(bad).has_value()) << bad;
    }
  }
}

TEST(Segwit, Bip350Invalid) {
  for (const char* bad : {
           // Bech32m checksum on a version-0 program, Bech32 checksum on version 1.
           "bc1qw508d6qejxtdg4y5r3zarvary0c5xw7kemeawh",
           "bc1p0xlxvlhemja6c4dqv22uapctqupfhlxm9h8z3k2e72q4k9hcz7vqh2y7hd",
           "tb1z0xlxvlhemja6c4dqv22uapctqupfhlxm9h8z3k2e72q4k9hcz7vqglt7rf",
           // Unknown human-readable part.
           "tc1p0xlxvlhemja6c4dqv22uapctqupfhlxm9h8z3k2e72q4k9hcz7vq5zuyut",
           // Mixed case.
           "tb1qrp33g0q5c5txsp9arysrx4k6zdkfs4nce4xj0gdcccefvpysxf3Q0sl5k7",
           // Version 0 program of 16 bytes; empty program.
           "BC1QR508D6QEJXTDG4Y5R3ZARVARYV98GJ9P",
           "bc1gmk9yu",
       }) {
    EXPECT_FALSE(DecodeSegwitAddress(bad).has_value()) << bad;
  }
}

TEST(Base58Check, KnownAddressesAndOneOff) {
  struct V { const char* addr; BtcAddressType type; };
  for (const V& v : {V{"1A1zP1eP5QGefi2DMPTfTL5SLmv7DivfNa", BtcAddressType::kP2pkh},
                     V{"1BvBMSEYstWetqTFn5Au4m4GFg7xJaNVN2", BtcAddressType::kP2pkh},
                     V{"3J98t1WpEZ73CNmQviecrnyiWrnqRhWNLy", BtcAddressType::kP2sh}}) {
    auto a = DecodeBase58Address(v.addr);
    ASSERT_TRUE(a.has_value()) << v.addr;
    EXPECT_EQ(a->type, v.type);
    EXPECT_FALSE(a->testnet);
    const std::string s(v.addr);
    for (size_t i = 1; i < s.size(); i += 4) {
      std::string bad = OneOff(s, i);
      if (bad[i] == 'O' || bad[i] == 'I' || bad[i] == 'l' || bad[i] == '0') bad[i] = 'x';
      if (bad == s) continue;
      EXPECT_FALSE(DecodeBase58Address(bad).has_value()) << bad;
    }
  }
  EXPECT_FALSE(DecodeBase58Address("1A1zP1eP5QGefi2DMPTfTL5SLmv7DivfN0").has_value());  // '0'
  EXPECT_FALSE(DecodeBase58Address("11A1zP1eP5QGefi2DMPTfTL5SLmv7DivfNa").has_value());
}

TEST(Iban, RegistryExamplesAndOneOff) {
  for (const char* iban : {"GB82WEST12345698765432", "DE89370400440532013000",
                           "FR1420041010050500013M02606", "NL91ABNA0417164300",
                           "BE68539007547034", "CH9300762011623852957", "NO9386011117947",
                           "IT60X0542811101000000123456", "ES9121000418450200051332"}) {
    EXPECT_TRUE(IbanValid(iban)) << iban;
    const std::string s(iban);
    for (size_t i = 2; i < s.size(); ++i) EXPECT_FALSE(IbanValid(OneOff(s, i))) << OneOff(s, i);
  }
  EXPECT_FALSE(IbanValid("GB82WEST1234569876543"));   // wrong length for GB
  EXPECT_FALSE(IbanValid("XX82WEST12345698765432"));  // no such country
  EXPECT_EQ(IbanLength("GB"), 22);
  EXPECT_EQ(IbanLength("US"), 0);
}

TEST(Card, PayPalTestNumbersLuhnAndIssuer) {
  struct V { const char* digits; const char* issuer; };
  for (const V& v : {V{"371449635398431", "amex"}, V{"378282246310005", "amex"},
                     V{"378734493671000", "amex"}, V{"5610591081018250", "bankcard"},
                     V{"30569309025904", "diners"}, V{"38520000023237", "diners"},
                     V{"6011111111111117", "discover"}, V{"6011000990139424", "discover"},
                     V{"3530111333300000", "jcb"}, V{"3566002020360505", "jcb"},
                     V{"5555555555554444", "mastercard"}, V{"5105105105105100", "mastercard"},
                     V{"4111111111111111", "visa"}, V{"4012888888881881", "visa"},
                     V{"4222222222222", "visa"}, V{"5019717010103742", "dankort"},
                     V{"6331101999990016", "switch"}}) {
    EXPECT_TRUE(LuhnValid(v.digits)) << v.digits;
    auto issuer = CardIssuer(v.digits);
    ASSERT_TRUE(issuer.has_value()) << v.digits;
    EXPECT_EQ(*issuer, v.issuer) << v.digits;
    const std::string s(v.digits);
    for (size_t i = 0; i < s.size(); ++i) EXPECT_FALSE(LuhnValid(OneOff(s, i))) << OneOff(s, i);
  }
  EXPECT_FALSE(CardIssuer("9111111111111111").has_value());
  EXPECT_FALSE(CardIssuer("41111111111111111111").has_value());  // 20 digits
  EXPECT_FALSE(LuhnValid(""));
  EXPECT_FALSE(LuhnValid("4111a11111111111"));
}

TEST(Platforms, SuffixMatching) {
  auto mega = LookupPlatform("mega.nz");
  ASSERT_TRUE(mega.has_value());
  EXPECT_EQ(mega->platform, "MEGA");
  EXPECT_EQ(mega->kind, "file_hosting");
  ASSERT_TRUE(LookupPlatform("sub.mega.nz").has_value());
  EXPECT_EQ(LookupPlatform("sub.mega.nz")->platform, "MEGA");
  EXPECT_FALSE(LookupPlatform("notmega.nz").has_value());
  EXPECT_FALSE(LookupPlatform("mega.nz.evil.com").has_value());
  EXPECT_FALSE(LookupPlatform("google.com").has_value());
  EXPECT_EQ(LookupPlatform("drive.google.com")->platform, "Google Drive");
  EXPECT_EQ(LookupPlatform("cdn.discordapp.com")->kind, "file_hosting");  // longest suffix wins
  EXPECT_EQ(LookupPlatform("discordapp.com")->kind, "messaging");
  EXPECT_EQ(LookupPlatform("t.me")->platform, "Telegram");
  EXPECT_FALSE(LookupPlatform("at.me").has_value());
  EXPECT_EQ(LookupPlatform("1drv.ms")->platform, "OneDrive");
  // Every row is a lower-case host with a known kind.
  for (const PlatformRow& row : PlatformTable()) {
    EXPECT_NE(row.host_suffix.find('.'), std::string_view::npos) << row.host_suffix;
    for (char c : row.host_suffix) EXPECT_FALSE(c >= 'A' && c <= 'Z') << row.host_suffix;
    const std::string_view k = row.kind;
    EXPECT_TRUE(k == "file_hosting" || k == "cloud_storage" || k == "messaging" || k == "paste" ||
                k == "url_shortener" || k == "image_hosting")
        << row.host_suffix;
  }
}

// docs/IDENTIFIERS.md lists every platform row and every UPI handle.
TEST(Platforms, EveryRowIsDocumented) {
  std::ifstream in(std::string(CAIRN_SOURCE_DIR) + "/docs/IDENTIFIERS.md");
  ASSERT_TRUE(in) << "docs/IDENTIFIERS.md is missing";
  const std::string doc((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  for (const PlatformRow& row : PlatformTable()) {
    std::string needle = "`";
    needle += row.host_suffix;
    needle += '`';
    EXPECT_NE(doc.find(needle), std::string::npos) << row.host_suffix;
  }
  for (const UpiHandleRow& row : UpiHandleTable()) {
    std::string needle = "`@";
    needle += row.handle;
    needle += '`';
    EXPECT_NE(doc.find(needle), std::string::npos) << row.handle;
  }
}

TEST(UpiHandles, Lookup) {
  EXPECT_TRUE(LookupUpiHandle("okaxis").has_value());
  EXPECT_TRUE(LookupUpiHandle("ybl").has_value());
  EXPECT_FALSE(LookupUpiHandle("gmail").has_value());
}

}  // namespace
}  // namespace cairn::extract
