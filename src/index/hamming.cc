#include "cairn/index/hamming.h"

#include <immintrin.h>

#include <bit>
#include <cstring>

#include "cairn/core/assert.h"

namespace cairn::index {
namespace {

constexpr size_t kPrefetchAhead = 8;

// ---- scalar reference: byte at a time, no popcount instruction -------------------------------

int PopcountByte(uint8_t v) {
  int c = 0;
  while (v != 0) {
    v = static_cast<uint8_t>(v & (v - 1));
    ++c;
  }
  return c;
}

int DistanceScalar(const uint8_t* a, const uint8_t* b) {
  int d = 0;
  for (int i = 0; i < 32; ++i) d += PopcountByte(static_cast<uint8_t>(a[i] ^ b[i]));
  return d;
}

void DistancesScalar(const uint8_t* q, const uint8_t* base, size_t n, uint16_t* out) {
  for (size_t i = 0; i < n; ++i) out[i] = static_cast<uint16_t>(DistanceScalar(q, base + 32 * i));
}

void GatherScalar(const uint8_t* q, const uint8_t* base, const uint32_t* pos, size_t n,
                  uint16_t* out) {
  for (size_t i = 0; i < n; ++i) {
    out[i] = static_cast<uint16_t>(DistanceScalar(q, base + 32 * static_cast<size_t>(pos[i])));
  }
}

// ---- POPCNT: four 64-bit words --------------------------------------------------------------

inline uint64_t Load64(const uint8_t* p) {
  uint64_t v;
  std::memcpy(&v, p, 8);
  return v;
}

__attribute__((target("popcnt"))) inline int DistancePopcntInline(const uint8_t* a,
                                                                  const uint8_t* b) {
  return __builtin_popcountll(Load64(a) ^ Load64(b)) +
         __builtin_popcountll(Load64(a + 8) ^ Load64(b + 8)) +
         __builtin_popcountll(Load64(a + 16) ^ Load64(b + 16)) +
         __builtin_popcountll(Load64(a + 24) ^ Load64(b + 24));
}

__attribute__((target("popcnt"))) int DistancePopcnt(const uint8_t* a, const uint8_t* b) {
  return DistancePopcntInline(a, b);
}

__attribute__((target("popcnt"))) void DistancesPopcnt(const uint8_t* q, const uint8_t* base,
                                                       size_t n, uint16_t* out) {
  const uint64_t q0 = Load64(q), q1 = Load64(q + 8), q2 = Load64(q + 16), q3 = Load64(q + 24);
  for (size_t i = 0; i < n; ++i) {
    const uint8_t* b = base + 32 * i;
    out[i] = static_cast<uint16_t>(
        __builtin_popcountll(q0 ^ Load64(b)) + __builtin_popcountll(q1 ^ Load64(b + 8)) +
        __builtin_popcountll(q2 ^ Load64(b + 16)) + __builtin_popcountll(q3 ^ Load64(b + 24)));
  }
}

__attribute__((target("popcnt"))) void GatherPopcnt(const uint8_t* q, const uint8_t* base,
                                                    const uint32_t* pos, size_t n, uint16_t* out) {
  for (size_t i = 0; i < n; ++i) {
    if (i + kPrefetchAhead < n) {
      __builtin_prefetch(base + 32 * static_cast<size_t>(pos[i + kPrefetchAhead]));
    }
    out[i] = static_cast<uint16_t>(DistancePopcntInline(q, base + 32 * static_cast<size_t>(pos[i])));
  }
}

// ---- AVX2: nibble lookup popcount of 32 bytes ------------------------------------------------

__attribute__((target("avx2"))) inline __m256i PopcountBytes(__m256i v) {
  const __m256i table = _mm256_setr_epi8(0, 1, 1, 2, 1, 2, 2, 3, 1, 2, 2, 3, 2, 3, 3, 4,  //
                                         0, 1, 1, 2, 1, 2, 2, 3, 1, 2, 2, 3, 2, 3, 3, 4);
  const __m256i low_mask = _mm256_set1_epi8(0x0f);
  const __m256i lo = _mm256_and_si256(v, low_mask);
  const __m256i hi = _mm256_and_si256(_mm256_srli_epi16(v, 4), low_mask);
  return _mm256_add_epi8(_mm256_shuffle_epi8(table, lo), _mm256_shuffle_epi8(table, hi));
}

// Sum of the 32 byte counts: four 64-bit partial sums added horizontally.
__attribute__((target("avx2"))) inline int HorizontalSum(__m256i byte_counts) {
  const __m256i sums = _mm256_sad_epu8(byte_counts, _mm256_setzero_si256());
  const __m128i s = _mm_add_epi64(_mm256_castsi256_si128(sums), _mm256_extracti128_si256(sums, 1));
  return static_cast<int>(_mm_cvtsi128_si64(s) + _mm_extract_epi64(s, 1));
}

__attribute__((target("avx2"))) inline int DistanceAvx2Inline(__m256i q, const uint8_t* b) {
  const __m256i x = _mm256_xor_si256(q, _mm256_loadu_si256(reinterpret_cast<const __m256i*>(b)));
  return HorizontalSum(PopcountBytes(x));
}

__attribute__((target("avx2"))) int DistanceAvx2(const uint8_t* a, const uint8_t* b) {
  return DistanceAvx2Inline(_mm256_loadu_si256(reinterpret_cast<const __m256i*>(a)), b);
}

// Four hashes at a time: the four SAD results are packed so one horizontal step serves all four.
__attribute__((target("avx2"))) void DistancesAvx2(const uint8_t* q, const uint8_t* base, size_t n,
                                                   uint16_t* out) {
  const __m256i qv = _mm256_loadu_si256(reinterpret_cast<const __m256i*>(q));
  const __m256i zero = _mm256_setzero_si256();
  size_t i = 0;
  for (; i + 4 <= n; i += 4) {
    const uint8_t* b = base + 32 * i;
    __m256i s0 = _mm256_sad_epu8(
        PopcountBytes(_mm256_xor_si256(qv, _mm256_loadu_si256(reinterpret_cast<const __m256i*>(b)))),
        zero);
    __m256i s1 = _mm256_sad_epu8(
        PopcountBytes(
            _mm256_xor_si256(qv, _mm256_loadu_si256(reinterpret_cast<const __m256i*>(b + 32)))),
        zero);
    __m256i s2 = _mm256_sad_epu8(
        PopcountBytes(
            _mm256_xor_si256(qv, _mm256_loadu_si256(reinterpret_cast<const __m256i*>(b + 64)))),
        zero);
    __m256i s3 = _mm256_sad_epu8(
        PopcountBytes(
            _mm256_xor_si256(qv, _mm256_loadu_si256(reinterpret_cast<const __m256i*>(b + 96)))),
        zero);
    // Each s has four 64-bit partial sums (values < 2^16). Pack to 32-bit lanes and add pairs.
    // Per 128-bit lane, u16: s0[lo], 0, s0[hi], 0, s1[lo], 0, s1[hi], 0.
    const __m256i s01 = _mm256_packus_epi32(s0, s1);
    const __m256i s23 = _mm256_packus_epi32(s2, s3);
    const __m256i p = _mm256_packus_epi32(s01, s23);  // u16 lanes: s0a s0b s1a s1b s2a s2b s3a s3b
    // Add the two 128-bit halves, then adjacent u16 pairs.
    const __m128i h = _mm_add_epi16(_mm256_castsi256_si128(p), _mm256_extracti128_si256(p, 1));
    const __m128i pairs = _mm_madd_epi16(h, _mm_set1_epi16(1));  // four u32: d0 d1 d2 d3
    alignas(16) uint32_t d[4];
    _mm_store_si128(reinterpret_cast<__m128i*>(d), pairs);
    out[i] = static_cast<uint16_t>(d[0]);
    out[i + 1] = static_cast<uint16_t>(d[1]);
    out[i + 2] = static_cast<uint16_t>(d[2]);
    out[i + 3] = static_cast<uint16_t>(d[3]);
  }
  for (; i < n; ++i) out[i] = static_cast<uint16_t>(DistanceAvx2Inline(qv, base + 32 * i));
}

__attribute__((target("avx2"))) void GatherAvx2(const uint8_t* q, const uint8_t* base,
                                                const uint32_t* pos, size_t n, uint16_t* out) {
  const __m256i qv = _mm256_loadu_si256(reinterpret_cast<const __m256i*>(q));
  for (size_t i = 0; i < n; ++i) {
    if (i + kPrefetchAhead < n) {
      __builtin_prefetch(base + 32 * static_cast<size_t>(pos[i + kPrefetchAhead]));
    }
    out[i] = static_cast<uint16_t>(DistanceAvx2Inline(qv, base + 32 * static_cast<size_t>(pos[i])));
  }
}

constexpr HammingKernels kScalarKernels{KernelLevel::kScalar, DistanceScalar, DistancesScalar,
                                        GatherScalar};
constexpr HammingKernels kPopcntKernels{KernelLevel::kPopcnt, DistancePopcnt, DistancesPopcnt,
                                        GatherPopcnt};
constexpr HammingKernels kAvx2Kernels{KernelLevel::kAvx2, DistanceAvx2, DistancesAvx2, GatherAvx2};

}  // namespace

std::string_view KernelLevelName(KernelLevel level) {
  switch (level) {
    case KernelLevel::kScalar: return "scalar";
    case KernelLevel::kPopcnt: return "popcnt";
    case KernelLevel::kAvx2: return "avx2";
  }
  return "unknown";
}

bool KernelSupported(KernelLevel level) {
  __builtin_cpu_init();
  switch (level) {
    case KernelLevel::kScalar: return true;
    case KernelLevel::kPopcnt: return __builtin_cpu_supports("popcnt");
    case KernelLevel::kAvx2: return __builtin_cpu_supports("avx2") && __builtin_cpu_supports("popcnt");
  }
  return false;
}

KernelLevel BestKernelLevel() {
  if (KernelSupported(KernelLevel::kAvx2)) return KernelLevel::kAvx2;
  if (KernelSupported(KernelLevel::kPopcnt)) return KernelLevel::kPopcnt;
  return KernelLevel::kScalar;
}

const HammingKernels& KernelsFor(KernelLevel level) {
  CAIRN_ASSERT(KernelSupported(level));
  switch (level) {
    case KernelLevel::kPopcnt: return kPopcntKernels;
    case KernelLevel::kAvx2: return kAvx2Kernels;
    case KernelLevel::kScalar: break;
  }
  return kScalarKernels;
}

const HammingKernels& BestKernels() {
  static const HammingKernels& best = KernelsFor(BestKernelLevel());
  return best;
}

}  // namespace cairn::index
