// Internal helpers for the index byte layouts: bounds checks that cannot overflow, big-endian
// word loads for digest comparison, alignment. Not part of the public API.
#pragma once

#include <bit>
#include <cstdint>
#include <cstring>
#include <string>

#include "cairn/core/status.h"

namespace cairn::index::internal {

static_assert(std::endian::native == std::endian::little,
              "index layouts are little-endian and read in place");

inline uint64_t AlignUp(uint64_t v, uint64_t a) { return (v + a - 1) / a * a; }

// True when [offset, offset + count * width) lies inside [min_offset, limit), without overflow.
inline bool ArrayFits(uint64_t offset, uint64_t count, uint64_t width, uint64_t min_offset,
                      uint64_t limit) {
  if (offset < min_offset || offset > limit) return false;
  if (width != 0 && count > (limit - offset) / width) return false;
  return true;
}

inline uint64_t LoadBe64(const uint8_t* p) {
  uint64_t v;
  std::memcpy(&v, p, 8);
  return __builtin_bswap64(v);
}
inline uint32_t LoadBe32(const uint8_t* p) {
  uint32_t v;
  std::memcpy(&v, p, 4);
  return __builtin_bswap32(v);
}

// Byte-wise (memcmp) order of two N-byte strings, by big-endian words.
template <size_t N>
inline int CompareBytes(const uint8_t* a, const uint8_t* b) {
  size_t i = 0;
  for (; i + 8 <= N; i += 8) {
    const uint64_t x = LoadBe64(a + i), y = LoadBe64(b + i);
    if (x != y) return x < y ? -1 : 1;
  }
  if constexpr (N % 8 >= 4) {
    const uint32_t x = LoadBe32(a + i), y = LoadBe32(b + i);
    if (x != y) return x < y ? -1 : 1;
    i += 4;
  }
  for (; i < N; ++i) {
    if (a[i] != b[i]) return a[i] < b[i] ? -1 : 1;
  }
  return 0;
}

inline Status CorruptAt(std::string_view what, std::string_view problem) {
  std::string msg(what);
  msg += ": ";
  msg += problem;
  return Status::Corrupt(std::move(msg));
}

}  // namespace cairn::index::internal
