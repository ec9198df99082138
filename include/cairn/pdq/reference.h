// The scalar reference path of PDQ: a plain, readable implementation that mirrors the
// arithmetic (types and operation order) of Meta's reference hasher core, facebook/ThreatExchange
// pdq/cpp/downscaling/downscaling.cpp and pdq/cpp/hashing/{pdqhashing,torben}.cpp. It defines the
// bits every faster kernel must reproduce. Stateless functions on caller-owned buffers; thread-safe.
// Build note: the pdq target compiles with -ffp-contract=off (a fused multiply-add changes bits).
#pragma once

#include <cstdint>
#include <span>

#include "cairn/core/digest.h"

namespace cairn::pdq::reference {

inline constexpr int kMinHashableDim = 5;  // the reference hashes nothing smaller
inline constexpr int kJaroszPasses = 2;    // two (rows, cols) box passes: a tent filter

// The luma coefficients as floats (0.299, 0.587, 0.114 rounded to float).
inline constexpr float kLumaR = 0.299f;
inline constexpr float kLumaG = 0.587f;
inline constexpr float kLumaB = 0.114f;

// luma[i*width+j] = R*kLumaR + G*kLumaG + B*kLumaB, in float, left to right.
void LumaFromRgb(const uint8_t* rgb, int width, int height, float* luma);

// ceil(old_dim / (2*new_dim)): the box window per pass.
inline int JaroszWindowSize(int old_dim, int new_dim) {
  return (old_dim + 2 * new_dim - 1) / (2 * new_dim);
}

// One running-sum box filter of `length` elements `stride` apart, window `window` (centred,
// shrinking at the ends), dividing each sum by the current element count.
void Box1D(const float* in, float* out, int length, int stride, int window);
void BoxAlongRows(const float* in, float* out, int rows, int cols, int window);
void BoxAlongCols(const float* in, float* out, int rows, int cols, int window);
// `passes` times: rows buf1 -> buf2, then columns buf2 -> buf1. The result is in buf1.
void JaroszFilter(float* buf1, float* buf2, int rows, int cols, int window_along_rows,
                  int window_along_cols, int passes);

// Sample index of output cell `out_index` (of `out_dim`) in a dimension of `in_dim`.
inline int DecimateIndex(int out_index, int in_dim, int out_dim) {
  return static_cast<int>(((out_index + 0.5) * in_dim) / out_dim);
}
// Nearest samples at cell centres: out (64x64) from in (rows x cols).
void Decimate64(const float* in, int rows, int cols, float* out);

// Luma -> blur -> decimate: the 64x64 downsample of an RGB image (any size >= 1x1).
// luma and tmp are scratch of width*height floats each.
void Downsample(const uint8_t* rgb, int width, int height, float* luma, float* tmp, float* out64x64);

// Quality 0..100 from gradients of the 64x64 downsample.
int QualityMetric(const float* d64x64);

// The reference's 16x64 DCT matrix (rows 1..16 of the 64-point DCT-II), row-major, in float.
const float* DctMatrix16x64();

// out16x16 = D * A * D^T, with A the 64x64 downsample, sums in the reference's order.
void Dct64To16(const float* a64x64, float* out16x16);

// Torben Mogensen's median, as in the reference (returns an element or a midpoint guess).
float TorbenMedian(const float* m, int n);

// Bit i*16+j is set when dct[i][j] > median.
Hash256 BitsFromDct(const float* dct16x16);

// The DCT of a dihedral variant of the image, from the DCT of the original (variant 0..7 in
// the order of cairn::pdq::Dihedral).
void DihedralDct(const float* dct16x16, int variant, float* out16x16);

}  // namespace cairn::pdq::reference
