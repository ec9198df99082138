// Checksum validators; see include/cairn/extract/validate.h for the references.
#include "cairn/extract/validate.h"

#include <algorithm>
#include <cstring>
#include <vector>

#include "cairn/core/digest.h"

namespace cairn::extract {
namespace {

// ---------------------------------------------------------------- Keccak-f[1600]
// Written from the Keccak reference description (FIPS 202 section 3.2 step mappings).
constexpr uint64_t kRoundConstants[24] = {
    0x0000000000000001ULL, 0x0000000000008082ULL, 0x800000000000808AULL, 0x8000000080008000ULL,
    0x000000000000808BULL, 0x0000000080000001ULL, 0x8000000080008081ULL, 0x8000000000008009ULL,
    0x000000000000008AULL, 0x0000000000000088ULL, 0x0000000080008009ULL, 0x000000008000000AULL,
    0x000000008000808BULL, 0x800000000000008BULL, 0x8000000000008089ULL, 0x8000000000008003ULL,
    0x8000000000008002ULL, 0x8000000000000080ULL, 0x000000000000800AULL, 0x800000008000000AULL,
    0x8000000080008081ULL, 0x8000000000008080ULL, 0x0000000080000001ULL, 0x8000000080008008ULL};

// Rotation offsets r[x + 5y].
constexpr int kRho[25] = {0,  1,  62, 28, 27, 36, 44, 6,  55, 20, 3,  10, 43,
                          25, 39, 41, 45, 15, 21, 8,  18, 2,  61, 56, 14};

inline uint64_t Rotl(uint64_t v, int n) { return n == 0 ? v : (v << n) | (v >> (64 - n)); }

void KeccakF1600(uint64_t a[25]) {
  for (int round = 0; round < 24; ++round) {
    uint64_t c[5], d[5], b[25];
    for (int x = 0; x < 5; ++x) c[x] = a[x] ^ a[x + 5] ^ a[x + 10] ^ a[x + 15] ^ a[x + 20];
    for (int x = 0; x < 5; ++x) d[x] = c[(x + 4) % 5] ^ Rotl(c[(x + 1) % 5], 1);
    for (int i = 0; i < 25; ++i) a[i] ^= d[i % 5];
    // rho and pi: B[y, 2x + 3y] = rot(A[x, y], r[x, y]).
    for (int x = 0; x < 5; ++x) {
      for (int y = 0; y < 5; ++y) {
        b[y + 5 * ((2 * x + 3 * y) % 5)] = Rotl(a[x + 5 * y], kRho[x + 5 * y]);
      }
    }
    for (int y = 0; y < 5; ++y) {
      for (int x = 0; x < 5; ++x) {
        a[x + 5 * y] = b[x + 5 * y] ^ (~b[(x + 1) % 5 + 5 * y] & b[(x + 2) % 5 + 5 * y]);
      }
    }
    a[0] ^= kRoundConstants[round];
  }
}

void AbsorbBlock(uint64_t state[25], const uint8_t* block, size_t rate) {
  for (size_t i = 0; i < rate / 8; ++i) {
    uint64_t lane = 0;
    for (int k = 7; k >= 0; --k) lane = (lane << 8) | block[i * 8 + static_cast<size_t>(k)];
    state[i] ^= lane;
  }
  KeccakF1600(state);
}

// ---------------------------------------------------------------- Bech32
constexpr std::string_view kBech32Charset = "qpzry9x8gf2tvdw0s3jn54khce6mua7l";
constexpr uint32_t kBech32Const = 1;
constexpr uint32_t kBech32mConst = 0x2bc830a3;

uint32_t Bech32Polymod(const std::vector<uint8_t>& values) {
  constexpr uint32_t kGen[5] = {0x3b6a57b2, 0x26508e6d, 0x1ea119fa, 0x3d4233dd, 0x2a1462b3};
  uint32_t chk = 1;
  for (uint8_t v : values) {
    const uint32_t top = chk >> 25;
    chk = ((chk & 0x1ffffff) << 5) ^ v;
    for (int i = 0; i < 5; ++i) {
      if ((top >> i) & 1) chk ^= kGen[i];
    }
  }
  return chk;
}

constexpr std::string_view kBase58Alphabet =
    "123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz";

struct IbanCountry {
  char code[3];
  int length;
};
// ISO 13616 IBAN registry (SWIFT), lengths per country.
constexpr IbanCountry kIbanCountries[] = {
    {"AD", 24}, {"AE", 23}, {"AL", 28}, {"AT", 20}, {"AZ", 28}, {"BA", 20}, {"BE", 16},
    {"BG", 22}, {"BH", 22}, {"BI", 27}, {"BR", 29}, {"BY", 28}, {"CH", 21}, {"CR", 22},
    {"CY", 28}, {"CZ", 24}, {"DE", 22}, {"DJ", 27}, {"DK", 18}, {"DO", 28}, {"EE", 20},
    {"EG", 29}, {"ES", 24}, {"FI", 18}, {"FK", 18}, {"FO", 18}, {"FR", 27}, {"GB", 22},
    {"GE", 22}, {"GI", 23}, {"GL", 18}, {"GR", 27}, {"GT", 28}, {"HR", 21}, {"HU", 28},
    {"IE", 22}, {"IL", 23}, {"IQ", 23}, {"IS", 26}, {"IT", 27}, {"JO", 30}, {"KW", 30},
    {"KZ", 20}, {"LB", 28}, {"LC", 32}, {"LI", 21}, {"LT", 20}, {"LU", 20}, {"LV", 21},
    {"LY", 25}, {"MC", 27}, {"MD", 24}, {"ME", 22}, {"MK", 19}, {"MN", 20}, {"MR", 27},
    {"MT", 31}, {"MU", 30}, {"NI", 28}, {"NL", 18}, {"NO", 15}, {"OM", 23}, {"PK", 24},
    {"PL", 28}, {"PS", 29}, {"PT", 25}, {"QA", 29}, {"RO", 24}, {"RS", 22}, {"RU", 33},
    {"SA", 24}, {"SC", 31}, {"SD", 18}, {"SE", 24}, {"SI", 19}, {"SK", 24}, {"SM", 27},
    {"SO", 23}, {"ST", 25}, {"SV", 28}, {"TL", 23}, {"TN", 24}, {"TR", 26}, {"UA", 29},
    {"VA", 22}, {"VG", 24}, {"XK", 20}, {"YE", 30},
};

struct CardRange {
  int prefix_digits;
  int lo, hi;  // inclusive range of the first prefix_digits digits
  int min_len, max_len;
  std::string_view issuer;
};
// Issuer identification number ranges (ISO/IEC 7812 IIN ranges as published by the networks).
// The longest matching prefix wins.
constexpr CardRange kCardRanges[] = {
    {1, 4, 4, 13, 19, "visa"},
    {2, 51, 55, 16, 16, "mastercard"},
    {4, 2221, 2720, 16, 16, "mastercard"},
    {2, 34, 34, 15, 15, "amex"},
    {2, 37, 37, 15, 15, "amex"},
    {3, 300, 305, 14, 19, "diners"},
    {3, 309, 309, 14, 19, "diners"},
    {2, 36, 36, 14, 19, "diners"},
    {2, 38, 39, 14, 19, "diners"},
    {4, 3528, 3589, 16, 19, "jcb"},
    {4, 6011, 6011, 16, 19, "discover"},
    {3, 644, 649, 16, 19, "discover"},
    {2, 65, 65, 16, 19, "discover"},
    {6, 622126, 622925, 16, 19, "discover"},
    {2, 62, 62, 16, 19, "unionpay"},
    {4, 2200, 2204, 16, 19, "mir"},
    {2, 60, 60, 16, 16, "rupay"},
    {2, 81, 82, 16, 16, "rupay"},
    {3, 508, 508, 16, 16, "rupay"},
    {4, 5019, 5019, 16, 16, "dankort"},
    {4, 5610, 5610, 16, 16, "bankcard"},
    {6, 560221, 560225, 16, 16, "bankcard"},
    {4, 5018, 5018, 12, 19, "maestro"},
    {4, 5020, 5020, 12, 19, "maestro"},
    {4, 5038, 5038, 12, 19, "maestro"},
    {4, 5893, 5893, 12, 19, "maestro"},
    {4, 6304, 6304, 12, 19, "maestro"},
    {4, 6759, 6759, 12, 19, "maestro"},
    {4, 6761, 6763, 12, 19, "maestro"},
    {4, 4903, 4903, 16, 19, "switch"},
    {4, 4905, 4905, 16, 19, "switch"},
    {4, 4911, 4911, 16, 19, "switch"},
    {4, 4936, 4936, 16, 19, "switch"},
    {6, 564182, 564182, 16, 19, "switch"},
    {6, 633110, 633110, 16, 19, "switch"},
    {4, 6333, 6333, 16, 19, "switch"},
    {4, 6334, 6334, 16, 19, "solo"},
    {4, 6767, 6767, 16, 19, "solo"},
};

}  // namespace

std::array<uint8_t, 32> Keccak256(std::span<const uint8_t> bytes) {
  constexpr size_t kRate = 136;
  uint64_t state[25] = {};
  size_t pos = 0;
  while (bytes.size() - pos >= kRate) {
    AbsorbBlock(state, bytes.data() + pos, kRate);
    pos += kRate;
  }
  uint8_t last[kRate] = {};
  const size_t rest = bytes.size() - pos;
  if (rest > 0) std::memcpy(last, bytes.data() + pos, rest);
  last[rest] ^= 0x01;  // Keccak padding (SHA3-256 would use 0x06)
  last[kRate - 1] ^= 0x80;
  AbsorbBlock(state, last, kRate);
  std::array<uint8_t, 32> out{};
  for (size_t i = 0; i < 32; ++i) out[i] = static_cast<uint8_t>(state[i / 8] >> (8 * (i % 8)));
  return out;
}

bool LuhnValid(std::string_view digits) {
  if (digits.empty()) return false;
  int sum = 0;
  bool twice = false;
  for (size_t i = digits.size(); i-- > 0;) {
    const char c = digits[i];
    if (c < '0' || c > '9') return false;
    int d = c - '0';
    if (twice) {
      d *= 2;
      if (d > 9) d -= 9;
    }
    sum += d;
    twice = !twice;
  }
  return sum % 10 == 0;
}

std::optional<std::string_view> CardIssuer(std::string_view digits) {
  const int len = static_cast<int>(digits.size());
  if (len < 12 || len > 19) return std::nullopt;
  const CardRange* best = nullptr;
  for (const CardRange& r : kCardRanges) {
    int prefix = 0;
    for (int i = 0; i < r.prefix_digits; ++i) prefix = prefix * 10 + (digits[static_cast<size_t>(i)] - '0');
    if (prefix < r.lo || prefix > r.hi) continue;
    if (best == nullptr || r.prefix_digits > best->prefix_digits) best = &r;
  }
  if (best == nullptr || len < best->min_len || len > best->max_len) return std::nullopt;
  return best->issuer;
}

int IbanLength(std::string_view country) {
  for (const IbanCountry& c : kIbanCountries) {
    if (country == std::string_view(c.code, 2)) return c.length;
  }
  return 0;
}

bool IbanValid(std::string_view compact) {
  if (compact.size() < 5) return false;
  const int want = IbanLength(compact.substr(0, 2));
  if (want == 0 || static_cast<int>(compact.size()) != want) return false;
  if (compact[2] < '0' || compact[2] > '9' || compact[3] < '0' || compact[3] > '9') return false;
  // Move the first four characters to the end, letters become 10..35, remainder mod 97 == 1.
  int rem = 0;
  for (size_t k = 0; k < compact.size(); ++k) {
    const char c = compact[(k + 4) % compact.size()];
    if (c >= '0' && c <= '9') {
      rem = (rem * 10 + (c - '0')) % 97;
    } else if (c >= 'A' && c <= 'Z') {
      rem = (rem * 100 + (c - 'A' + 10)) % 97;
    } else {
      return false;
    }
  }
  return rem == 1;
}

std::string_view BtcAddressTypeName(BtcAddressType type) {
  switch (type) {
    case BtcAddressType::kP2pkh: return "p2pkh";
    case BtcAddressType::kP2sh: return "p2sh";
    case BtcAddressType::kP2wpkh: return "p2wpkh";
    case BtcAddressType::kP2wsh: return "p2wsh";
    case BtcAddressType::kP2tr: return "p2tr";
    case BtcAddressType::kWitnessOther: return "witness";
  }
  return "unknown";
}

std::optional<BtcAddress> DecodeBase58Address(std::string_view text) {
  if (text.size() < 26 || text.size() > 35) return std::nullopt;
  std::array<uint8_t, 25> bytes{};
  for (char c : text) {
    const size_t digit = kBase58Alphabet.find(c);
    if (digit == std::string_view::npos) return std::nullopt;
    uint32_t carry = static_cast<uint32_t>(digit);
    for (size_t i = bytes.size(); i-- > 0;) {
      carry += static_cast<uint32_t>(bytes[i]) * 58;
      bytes[i] = static_cast<uint8_t>(carry & 0xff);
      carry >>= 8;
    }
    if (carry != 0) return std::nullopt;  // more than 25 bytes
  }
  // Each leading '1' stands for one leading zero byte, and only those.
  size_t ones = 0;
  while (ones < text.size() && text[ones] == '1') ++ones;
  size_t zeros = 0;
  while (zeros < bytes.size() && bytes[zeros] == 0) ++zeros;
  if (ones != zeros) return std::nullopt;
  const Sha256 once = Sha256Of(std::span<const uint8_t>(bytes.data(), 21));
  const Sha256 twice = Sha256Of(once.bytes);
  if (std::memcmp(twice.bytes.data(), bytes.data() + 21, 4) != 0) return std::nullopt;
  switch (bytes[0]) {
    case 0x00: return BtcAddress{BtcAddressType::kP2pkh, false, -1};
    case 0x05: return BtcAddress{BtcAddressType::kP2sh, false, -1};
    case 0x6f: return BtcAddress{BtcAddressType::kP2pkh, true, -1};
    case 0xc4: return BtcAddress{BtcAddressType::kP2sh, true, -1};
    default: return std::nullopt;
  }
}

std::optional<BtcAddress> DecodeSegwitAddress(std::string_view text) {
  if (text.size() < 14 || text.size() > 90) return std::nullopt;
  bool lower = false, upper = false;
  for (char c : text) {
    if (c < 33 || c > 126) return std::nullopt;
    lower |= (c >= 'a' && c <= 'z');
    upper |= (c >= 'A' && c <= 'Z');
  }
  if (lower && upper) return std::nullopt;
  std::string s(text);
  std::transform(s.begin(), s.end(), s.begin(), [](char c) {
    return (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c;
  });
  const size_t sep = s.rfind('1');
  if (sep == std::string::npos || sep == 0 || sep + 7 > s.size()) return std::nullopt;
  const std::string hrp = s.substr(0, sep);
  if (hrp != "bc" && hrp != "tb") return std::nullopt;
  std::vector<uint8_t> values;
  for (char c : hrp) values.push_back(static_cast<uint8_t>(c >> 5));
  values.push_back(0);
  for (char c : hrp) values.push_back(static_cast<uint8_t>(c & 31));
  std::vector<uint8_t> data;
  for (size_t i = sep + 1; i < s.size(); ++i) {
    const size_t v = kBech32Charset.find(s[i]);
    if (v == std::string_view::npos) return std::nullopt;
    data.push_back(static_cast<uint8_t>(v));
  }
  values.insert(values.end(), data.begin(), data.end());
  const uint32_t residue = Bech32Polymod(values);
  if (data.size() < 7) return std::nullopt;
  const int version = data[0];
  if (version > 16) return std::nullopt;
  const uint32_t want = version == 0 ? kBech32Const : kBech32mConst;
  if (residue != want) return std::nullopt;
  // Witness program: 5-bit groups (after the version, before the 6 checksum symbols) to bytes.
  std::vector<uint8_t> program;
  uint32_t acc = 0;
  int bits = 0;
  for (size_t i = 1; i + 6 < data.size(); ++i) {
    acc = (acc << 5) | data[i];
    bits += 5;
    if (bits >= 8) {
      bits -= 8;
      program.push_back(static_cast<uint8_t>((acc >> bits) & 0xff));
    }
  }
  if (bits >= 5 || ((acc << (8 - bits)) & 0xff) != 0) return std::nullopt;
  if (program.size() < 2 || program.size() > 40) return std::nullopt;
  if (version == 0 && program.size() != 20 && program.size() != 32) return std::nullopt;
  BtcAddress out{BtcAddressType::kWitnessOther, hrp == "tb", version};
  if (version == 0) out.type = program.size() == 20 ? BtcAddressType::kP2wpkh : BtcAddressType::kP2wsh;
  if (version == 1 && program.size() == 32) out.type = BtcAddressType::kP2tr;
  return out;
}

std::string Eip55(std::string_view text) {
  std::string hex(text.substr(2));
  std::transform(hex.begin(), hex.end(), hex.begin(), [](char c) {
    return (c >= 'A' && c <= 'F') ? static_cast<char>(c - 'A' + 'a') : c;
  });
  const auto hash = Keccak256(std::span<const uint8_t>(reinterpret_cast<const uint8_t*>(hex.data()), hex.size()));
  for (size_t i = 0; i < hex.size(); ++i) {
    const int nibble = (i % 2 == 0) ? (hash[i / 2] >> 4) : (hash[i / 2] & 0xf);
    if (hex[i] >= 'a' && hex[i] <= 'f' && nibble >= 8) hex[i] = static_cast<char>(hex[i] - 'a' + 'A');
  }
  return "0x" + hex;
}

EthChecksum CheckEthAddress(std::string_view text) {
  if (text.size() != 42 || text[0] != '0' || (text[1] != 'x' && text[1] != 'X')) return EthChecksum::kInvalid;
  bool lower = false, upper = false;
  for (char c : text.substr(2)) {
    const bool digit = c >= '0' && c <= '9';
    const bool lo = c >= 'a' && c <= 'f';
    const bool up = c >= 'A' && c <= 'F';
    if (!digit && !lo && !up) return EthChecksum::kInvalid;
    lower |= lo;
    upper |= up;
  }
  if (!(lower && upper)) return EthChecksum::kUnchecksummed;
  return Eip55(text).substr(2) == text.substr(2) ? EthChecksum::kValid : EthChecksum::kInvalid;
}

}  // namespace cairn::extract
