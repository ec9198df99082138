// The fast kernel with AVX2 (8 lanes). This file alone is compiled with -mavx2 (never -mfma);
// it is called only after __builtin_cpu_supports("avx2"). It defines nothing with external
// linkage but DownsampleAvx2, so no AVX2 code can be picked for a shared inline function.
#include <immintrin.h>

#include <chrono>
#include <cstdint>

#include "cairn/pdq/reference.h"
#include "fast.h"

namespace cairn::pdq::internal {
namespace {

constexpr int kN = 8;
using Vec = __m256;
inline Vec VLoad(const float* p) { return _mm256_loadu_ps(p); }
inline void VStore(float* p, Vec v) { _mm256_storeu_ps(p, v); }
inline Vec VAdd(Vec a, Vec b) { return _mm256_add_ps(a, b); }
inline Vec VSub(Vec a, Vec b) { return _mm256_sub_ps(a, b); }
inline Vec VMul(Vec a, Vec b) { return _mm256_mul_ps(a, b); }
inline Vec VDiv(Vec a, Vec b) { return _mm256_div_ps(a, b); }
inline Vec VSet1(float x) { return _mm256_set1_ps(x); }

inline void Transpose(Vec* v) {
  const __m256 t0 = _mm256_unpacklo_ps(v[0], v[1]);
  const __m256 t1 = _mm256_unpackhi_ps(v[0], v[1]);
  const __m256 t2 = _mm256_unpacklo_ps(v[2], v[3]);
  const __m256 t3 = _mm256_unpackhi_ps(v[2], v[3]);
  const __m256 t4 = _mm256_unpacklo_ps(v[4], v[5]);
  const __m256 t5 = _mm256_unpackhi_ps(v[4], v[5]);
  const __m256 t6 = _mm256_unpacklo_ps(v[6], v[7]);
  const __m256 t7 = _mm256_unpackhi_ps(v[6], v[7]);
  const __m256 s0 = _mm256_shuffle_ps(t0, t2, _MM_SHUFFLE(1, 0, 1, 0));
  const __m256 s1 = _mm256_shuffle_ps(t0, t2, _MM_SHUFFLE(3, 2, 3, 2));
  const __m256 s2 = _mm256_shuffle_ps(t1, t3, _MM_SHUFFLE(1, 0, 1, 0));
  const __m256 s3 = _mm256_shuffle_ps(t1, t3, _MM_SHUFFLE(3, 2, 3, 2));
  const __m256 s4 = _mm256_shuffle_ps(t4, t6, _MM_SHUFFLE(1, 0, 1, 0));
  const __m256 s5 = _mm256_shuffle_ps(t4, t6, _MM_SHUFFLE(3, 2, 3, 2));
  const __m256 s6 = _mm256_shuffle_ps(t5, t7, _MM_SHUFFLE(1, 0, 1, 0));
  const __m256 s7 = _mm256_shuffle_ps(t5, t7, _MM_SHUFFLE(3, 2, 3, 2));
  v[0] = _mm256_permute2f128_ps(s0, s4, 0x20);
  v[1] = _mm256_permute2f128_ps(s1, s5, 0x20);
  v[2] = _mm256_permute2f128_ps(s2, s6, 0x20);
  v[3] = _mm256_permute2f128_ps(s3, s7, 0x20);
  v[4] = _mm256_permute2f128_ps(s0, s4, 0x31);
  v[5] = _mm256_permute2f128_ps(s1, s5, 0x31);
  v[6] = _mm256_permute2f128_ps(s2, s6, 0x31);
  v[7] = _mm256_permute2f128_ps(s3, s7, 0x31);
}

inline float LumaScalar(const uint8_t* p) {
  return reference::kLumaR * static_cast<float>(p[0]) +
         reference::kLumaG * static_cast<float>(p[1]) +
         reference::kLumaB * static_cast<float>(p[2]);
}

// 8 pixels at a time: two 16-byte loads (pixels 0-3 and 4-7, each using its first 12 bytes),
// byte shuffles to 32-bit R, G and B, conversion, then (R*cr + G*cg) + B*cb as in the reference.
// The second load reads 4 bytes past the 8 pixels, so blocks within 28 bytes of the end of the
// image, and partial blocks, take the scalar route.
void LumaBlock(const uint8_t* const* rows, int c, int width, const uint8_t* end, Vec* v) {
  const __m256i pick_r = _mm256_setr_epi8(0, -1, -1, -1, 3, -1, -1, -1, 6, -1, -1, -1, 9, -1,
                                          -1, -1, 0, -1, -1, -1, 3, -1, -1, -1, 6, -1, -1, -1,
                                          9, -1, -1, -1);
  const __m256i pick_g = _mm256_setr_epi8(1, -1, -1, -1, 4, -1, -1, -1, 7, -1, -1, -1, 10, -1,
                                          -1, -1, 1, -1, -1, -1, 4, -1, -1, -1, 7, -1, -1, -1,
                                          10, -1, -1, -1);
  const __m256i pick_b = _mm256_setr_epi8(2, -1, -1, -1, 5, -1, -1, -1, 8, -1, -1, -1, 11, -1,
                                          -1, -1, 2, -1, -1, -1, 5, -1, -1, -1, 8, -1, -1, -1,
                                          11, -1, -1, -1);
  const __m256 cr = _mm256_set1_ps(reference::kLumaR);
  const __m256 cg = _mm256_set1_ps(reference::kLumaG);
  const __m256 cb = _mm256_set1_ps(reference::kLumaB);
  const bool full = c + 8 <= width;
  for (int l = 0; l < kN; ++l) {
    const uint8_t* p = rows[l] + 3 * static_cast<size_t>(c);
    if (full && end - p >= 28) {
      // 16 rows are read side by side, more streams than the hardware prefetcher follows.
      _mm_prefetch(reinterpret_cast<const char*>(p) + 512, _MM_HINT_T0);
      const __m128i lo = _mm_loadu_si128(reinterpret_cast<const __m128i*>(p));
      const __m128i hi = _mm_loadu_si128(reinterpret_cast<const __m128i*>(p + 12));
      const __m256i px = _mm256_set_m128i(hi, lo);
      const __m256 r = _mm256_cvtepi32_ps(_mm256_shuffle_epi8(px, pick_r));
      const __m256 g = _mm256_cvtepi32_ps(_mm256_shuffle_epi8(px, pick_g));
      const __m256 b = _mm256_cvtepi32_ps(_mm256_shuffle_epi8(px, pick_b));
      v[l] = _mm256_add_ps(_mm256_add_ps(_mm256_mul_ps(cr, r), _mm256_mul_ps(cg, g)),
                           _mm256_mul_ps(cb, b));
    } else {
      float y[8];
      for (int k = 0; k < 8; ++k) y[k] = c + k < width ? LumaScalar(p + 3 * k) : 0.0f;
      v[l] = _mm256_loadu_ps(y);
    }
  }
}

}  // namespace

#define CAIRN_PDQ_GROUP_VECTORS kFastGroupVectors
#define CAIRN_PDQ_DCT_ENTRY DctAvx2
#define CAIRN_PDQ_ENTRY DownsampleAvx2
#include "fast_kernel.inc"
#undef CAIRN_PDQ_ENTRY
#undef CAIRN_PDQ_DCT_ENTRY
#undef CAIRN_PDQ_GROUP_VECTORS

}  // namespace cairn::pdq::internal
