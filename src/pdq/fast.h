// Internal: the SIMD blur-and-decimate kernels (fast_kernel.inc, built twice: fast_sse2.cc with
// 4 lanes, fast_avx2.cc with 8 lanes and -mavx2). Each computes the same 64x64 downsample as
// reference::Downsample, bit for bit: every lane runs the reference's operations in its order.
#pragma once

#include <cstddef>
#include <cstdint>
#include <vector>

namespace cairn::pdq::internal {

// Buffer geometry for one image size and lane count (see fast_kernel.inc for the roles).
struct FastLayout {
  int width = 0;
  int height = 0;
  int lanes = 0;
  int padded_width = 0;  // width rounded up to a multiple of lanes
  int ring_rows = 0;     // first-pass rows kept for the column pass: window + lanes
  size_t group_floats = 0;    // lanes x padded_width
  size_t ring_floats = 0;     // ring_rows x padded_width
  size_t samples_floats = 0;  // height x 64
  size_t total_floats = 0;
};

// Row passes process kFastGroupVectors SIMD vectors (of `lanes` rows each) per step. 2 is
// fastest here (measured on Zen 4: 1 is latency-bound, 4 overflows the L2 cache).
inline constexpr int kFastGroupVectors = 2;

FastLayout MakeFastLayout(int width, int height, int lanes);

// Stage times in milliseconds (accumulated over the row groups).
struct FastTimes {
  double luma_ms = 0;
  double blur_ms = 0;
  double decimate_ms = 0;
};

// `scratch` holds layout.total_floats floats (zero-initialised once; contents are don't-care).
void DownsampleSse2(const uint8_t* rgb, const FastLayout& layout, float* scratch, float* out64x64,
                    FastTimes* times);
void DownsampleAvx2(const uint8_t* rgb, const FastLayout& layout, float* scratch, float* out64x64,
                    FastTimes* times);

// reference::Dct64To16 with SIMD lanes across output rows; identical bits.
void DctSse2(const float* a64x64, float* out16x16);
void DctAvx2(const float* a64x64, float* out16x16);

}  // namespace cairn::pdq::internal
