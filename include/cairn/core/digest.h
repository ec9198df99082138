// Value types for exact digests (MD5, SHA-1, SHA-256) and the 256-bit perceptual hash (PDQ),
// and MultiDigester, which computes MD5, SHA-1 and SHA-256 together in one streaming pass
// (OpenSSL libcrypto, which picks SHA-NI/AVX2 code at run time). Value types are trivially
// copyable and ordered byte-wise, so sorted arrays of them can be memory-mapped. A
// MultiDigester is one stream: use one per thread.
#pragma once

#include <array>
#include <bit>
#include <compare>
#include <cstdint>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>

#include "cairn/core/hex.h"
#include "cairn/core/status.h"

namespace cairn {

template <size_t N>
struct Digest {
  static constexpr size_t kSize = N;
  std::array<uint8_t, N> bytes{};

  std::string ToHex() const { return ::cairn::ToHex(bytes); }
  // Accepts upper- or lower-case hex of exactly 2*N digits.
  static std::optional<Digest> FromHex(std::string_view text) {
    Digest d;
    if (!ParseHex(text, d.bytes)) return std::nullopt;
    return d;
  }
  bool IsZero() const {
    for (uint8_t b : bytes) {
      if (b != 0) return false;
    }
    return true;
  }
  friend auto operator<=>(const Digest&, const Digest&) = default;
};

using Md5 = Digest<16>;
using Sha1 = Digest<20>;
using Sha256 = Digest<32>;

// A 256-bit perceptual hash (PDQ). Hex text is in the reference implementation's order:
// 16 words of 16 bits, word 15 first; bit k of the hash is bit (k % 16) of word (k / 16).
struct Hash256 {
  static constexpr int kBits = 256;
  std::array<uint8_t, 32> bytes{};  // bytes in hex-text order

  bool Bit(int k) const { return (bytes[ByteOf(k)] >> ShiftOf(k)) & 1; }
  void SetBit(int k) { bytes[ByteOf(k)] |= static_cast<uint8_t>(1u << ShiftOf(k)); }
  std::string ToHex() const { return ::cairn::ToHex(bytes); }
  static std::optional<Hash256> FromHex(std::string_view text) {
    Hash256 h;
    if (!ParseHex(text, h.bytes)) return std::nullopt;
    return h;
  }
  bool IsZero() const {
    for (uint8_t b : bytes) {
      if (b != 0) return false;
    }
    return true;
  }
  friend auto operator<=>(const Hash256&, const Hash256&) = default;

 private:
  static int ByteOf(int k) { return (15 - k / 16) * 2 + ((k % 16) < 8 ? 1 : 0); }
  static int ShiftOf(int k) { return k % 8; }
};

// Number of differing bits (scalar reference; index/ has the batch kernels).
inline int HammingDistance(const Hash256& a, const Hash256& b) {
  int d = 0;
  for (size_t i = 0; i < a.bytes.size(); ++i) d += std::popcount(static_cast<unsigned>(a.bytes[i] ^ b.bytes[i]));
  return d;
}

struct FileDigests {
  Md5 md5;
  Sha1 sha1;
  Sha256 sha256;
};

class MultiDigester {
 public:
  MultiDigester();
  ~MultiDigester();
  MultiDigester(const MultiDigester&) = delete;
  MultiDigester& operator=(const MultiDigester&) = delete;

  void Update(std::span<const uint8_t> bytes);
  // Returns the digests of everything passed to Update and starts a new stream.
  FileDigests Finish();

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

// SHA-256 alone, streaming (checksums of files Cairn writes).
class Sha256Digester {
 public:
  Sha256Digester();
  ~Sha256Digester();
  Sha256Digester(const Sha256Digester&) = delete;
  Sha256Digester& operator=(const Sha256Digester&) = delete;

  void Update(std::span<const uint8_t> bytes);
  // The digest of everything passed to Update; starts a new stream.
  Sha256 Finish();

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

// Digests of one buffer.
FileDigests DigestBytes(std::span<const uint8_t> bytes);
Sha256 Sha256Of(std::span<const uint8_t> bytes);

}  // namespace cairn
