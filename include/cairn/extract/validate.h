// Checksum validators for payment identifiers and the hashes they need. Pure functions on text;
// thread-safe. References: ISO 13616 (IBAN mod-97), ISO/IEC 7812 (Luhn), Bitcoin Base58Check
// (double SHA-256), BIP-173 (Bech32) and BIP-350 (Bech32m for witness versions 1..16),
// EIP-55 (mixed-case checksum over Keccak-256, the original Keccak padding 0x01, not SHA3's 0x06).
#pragma once

#include <array>
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>

namespace cairn::extract {

// Keccak-256 as used by Ethereum (rate 1088 bits, padding 0x01...0x80).
std::array<uint8_t, 32> Keccak256(std::span<const uint8_t> bytes);

// Luhn mod-10 over a string of ASCII digits (false for an empty or non-digit string).
bool LuhnValid(std::string_view digits);

// The card issuer for a 13..19-digit number by its prefix ("visa", "mastercard", "amex", ...),
// nullopt when no row of the issuer table matches or the length is wrong for the issuer.
std::optional<std::string_view> CardIssuer(std::string_view digits);

// The IBAN length registered for a two-letter country code; 0 when the country has no IBAN.
int IbanLength(std::string_view country);
// `compact` is upper-case letters and digits without spaces. True when the country is in the
// table, the length matches and the mod-97 remainder is 1.
bool IbanValid(std::string_view compact);

enum class BtcAddressType { kP2pkh, kP2sh, kP2wpkh, kP2wsh, kP2tr, kWitnessOther };
std::string_view BtcAddressTypeName(BtcAddressType type);  // "p2pkh", "p2sh", "p2wpkh", ...

struct BtcAddress {
  BtcAddressType type;
  bool testnet = false;
  int witness_version = -1;  // -1 for Base58Check addresses
};

// Base58Check P2PKH (version 0x00 / testnet 0x6f) and P2SH (0x05 / 0xc4), 25 bytes decoded.
std::optional<BtcAddress> DecodeBase58Address(std::string_view text);
// Segwit addresses, hrp "bc" or "tb": Bech32 for version 0, Bech32m for versions 1..16; no mixed
// case; program length 2..40 (20 or 32 for version 0).
std::optional<BtcAddress> DecodeSegwitAddress(std::string_view text);

enum class EthChecksum { kValid, kUnchecksummed, kInvalid };
// `text` is "0x" + 40 hex digits. kUnchecksummed for all-lower or all-upper hex digits, kValid
// when the mixed case follows EIP-55, kInvalid otherwise (or when the form is wrong).
EthChecksum CheckEthAddress(std::string_view text);
// The EIP-55 spelling of a 40-hex-digit address (with "0x").
std::string Eip55(std::string_view text);

}  // namespace cairn::extract
