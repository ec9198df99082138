// Identifier: one validated identifier found in a byte buffer (URL, e-mail, phone, UPI VPA,
// IBAN, card, Bitcoin or Ethereum address) with its byte offset and length in the input, or
// its forensic path when it was found inside a decoded (compressed) stream.
// Plain copyable values; safe to pass between threads. Field meanings are documented in
// docs/IDENTIFIERS.md (they are also the `cairn extract` JSON-lines fields).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace cairn::extract {

enum class IdentifierKind { kUrl, kEmail, kPhone, kUpi, kIban, kCard, kBtc, kEth };
inline constexpr int kIdentifierKindCount = 8;

// "url", "email", "phone", "upi", "iban", "card", "btc", "eth".
std::string_view KindName(IdentifierKind kind);
std::optional<IdentifierKind> ParseKind(std::string_view name);

// How the identifier's bytes were encoded in the input.
enum class TextEncoding { kAscii, kUtf16le };
std::string_view EncodingName(TextEncoding encoding);  // "ascii", "utf-16le"

struct Identifier {
  IdentifierKind kind = IdentifierKind::kUrl;
  uint64_t offset = 0;  // byte offset of the first byte in the input (original bytes)
  uint64_t length = 0;  // bytes in the input (for UTF-16LE: twice the character count)
  TextEncoding encoding = TextEncoding::kAscii;
  std::string value;       // the text as found (UTF-16LE decoded to ASCII)
  std::string normalized;  // canonical form: lower-case host/e-mail, E.164, digits only, ...
  // Kind-specific extras; empty when not applicable.
  std::string host;           // url, email: the host name, lower case
  std::string platform;       // url, email: platform from the host table ("MEGA", "Telegram")
  std::string platform_kind;  // url, email: "file_hosting", "messaging", ...
  std::string region;         // phone/upi-with-mobile: ISO 3166 region by number; iban: country
  std::string country;        // English name of `region`
  std::string e164;           // phone; upi whose handle is an Indian mobile number
  std::string checksum;       // "valid" (verified), "unchecksummed" (eth all one case), "none"
  std::string detail;         // card issuer, btc address type, upi PSP
  // Found inside a decoded stream (gzip member, zip member, PDF text, Office XML text): the
  // bulk_extractor forensic path, "70727-PDF-0", "849920-GZIP-0-GZIP-0" (stream signature offset,
  // tag, offset in the decoded bytes, ...); `offset` is then the outermost stream's signature
  // offset in the input and `length` counts decoded bytes. Empty for bytes read as they are.
  std::string forensic_path;
  // With forensic_path: up to 16 bytes either side of the identifier in the decoded bytes (the
  // input bytes there are compressed). Empty otherwise.
  std::string decoded_context;

  friend bool operator==(const Identifier&, const Identifier&) = default;
};

}  // namespace cairn::extract
